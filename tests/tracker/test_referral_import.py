"""Importing NCCU referral logs and intelligence submission logs: a dry run writes
nothing, the same rows imported twice are stored once, undo takes a batch's rows away."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, func, select

from imports.workflow import ImportRequest, plan_file
from tests.imports.test_intel import REFERRALS, SUBMISSIONS, write_csv
from tracker.config import load_settings
from tracker.ingest.batch import commit_import
from tracker.ingest.undo import undo_batch
from tracker.store.db import unit_of_work
from tracker.store.models import IntelSubmission, Referral

SETTINGS = dataclasses.replace(load_settings({}), today_override=dt.date(2026, 6, 1))
AVON = ImportRequest("avon-and-somerset", "lead")


def _count(engine: Engine, table: type[Referral] | type[IntelSubmission]) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _import(engine: Engine, path: Path) -> int:
    plan = plan_file(engine, path, AVON, SETTINGS, in_child=False)
    return commit_import(engine, plan, path.read_bytes()).id


def test_a_dry_run_counts_and_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "referrals.csv", [*REFERRALS, ["", "", "", "", ""],
                                                   ["01/03/2026", "", "", "1", ""]])
    plan = plan_file(engine, path, AVON, SETTINGS, in_child=False)
    summary = plan.summary()
    assert (summary["kind"], summary["accepted"], summary["new"], summary["rejected"]) == (
        "nccu-referrals", 2, 2, 1)
    assert _count(engine, Referral) == 0


def test_the_same_rows_imported_twice_are_stored_once(engine: Engine, tmp_path: Path) -> None:
    _import(engine, write_csv(tmp_path / "february.csv", REFERRALS))
    more = [*REFERRALS, ["02/03/2026", "INC-0003", "", "1234", "CID"]]
    plan = plan_file(engine, write_csv(tmp_path / "to-march.csv", more), AVON, SETTINGS,
                     in_child=False)
    assert (plan.counts["new"], plan.counts["unchanged"]) == (1, 2)
    commit_import(engine, plan)
    with unit_of_work(engine) as session:
        stored = session.execute(select(Referral.reference, Referral.row, Referral.officer)
                                 .order_by(Referral.reference)).all()
    assert [tuple(r) for r in stored] == [("INC-0001", 2, "1234"), ("INC-0002", 3, "02345"),
                                          ("INC-0003", 4, "1234")]


def _stored(engine: Engine) -> list[tuple[object, ...]]:
    with unit_of_work(engine) as session:
        return [tuple(r) for r in session.execute(
            select(IntelSubmission.reference, IntelSubmission.batch_id, IntelSubmission.row)
            .order_by(IntelSubmission.reference))]


def test_undo_removes_the_rows_the_batch_added_and_no_others(engine: Engine,
                                                             tmp_path: Path) -> None:
    first = _import(engine, write_csv(tmp_path / "intel.csv", SUBMISSIONS))
    more = [*SUBMISSIONS, ["IR-102", "20/02/2026", "1234", "INC-0003"]]
    second = _import(engine, write_csv(tmp_path / "intel-2.csv", more))
    assert _count(engine, IntelSubmission) == 3
    undo_batch(engine, second, "lead")
    assert _stored(engine) == [("IR-100", first, 2), ("IR-101", first, 3)]
    undo_batch(engine, first, "lead")
    assert _count(engine, IntelSubmission) == 0


def test_undoing_the_first_batch_keeps_what_a_later_one_reported_again(
        engine: Engine, tmp_path: Path) -> None:
    """February's log, then a log of February and March (IR-100 and IR-101 again, on rows 3
    and 4 under a new first row): undoing February leaves all three, as the later batch's."""
    first = _import(engine, write_csv(tmp_path / "february.csv", SUBMISSIONS))
    later = [SUBMISSIONS[0], ["IR-099", "01/02/2026", "1234", ""], *SUBMISSIONS[1:]]
    second = _import(engine, write_csv(tmp_path / "feb-march.csv", later))
    undo_batch(engine, first, "lead")
    assert _stored(engine) == [("IR-099", second, 2), ("IR-100", second, 3),
                               ("IR-101", second, 4)]
    undo_batch(engine, second, "lead")
    assert _count(engine, IntelSubmission) == 0


def test_the_time_of_day_is_stored_where_the_log_gives_it(engine: Engine,
                                                          tmp_path: Path) -> None:
    """REFERRALS' date cells carry 14:35 and 09:10; SUBMISSIONS' dates carry no time."""
    _import(engine, write_csv(tmp_path / "referrals.csv", REFERRALS))
    _import(engine, write_csv(tmp_path / "intel.csv", SUBMISSIONS))
    with unit_of_work(engine) as session:
        refs = session.execute(select(Referral.reference, Referral.referred_on,
                                      Referral.referred_at).order_by(Referral.reference)).all()
        subs = session.scalars(select(IntelSubmission.submitted_at)).all()
    assert [tuple(r) for r in refs] == [
        ("INC-0001", dt.date(2026, 2, 3), dt.time(14, 35)),
        ("INC-0002", dt.date(2026, 2, 14), dt.time(9, 10))]
    assert subs == [None, None]
