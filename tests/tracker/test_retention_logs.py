"""The retention purge reaches the NCCU referral and intelligence submission logs: a
leaver's staff and collar numbers there become pseudonyms, and recommendation 2's figures
(matching, statuses, by department and rank) are the same after the purge as before.

Worked by hand. Jo Smith (staff 1001, collar 1234, sergeant, Response) left on 31/01/2025;
Al Jones (staff 1002, collar 2345, constable, CID) stays. Window 7 days.

| referral | day      | officer     | document                | status                |
|----------|----------|-------------|-------------------------|-----------------------|
| INC-1    | 02/12/24 | 1234 (Jo)   | S-1 05/12 by 1234       | submitted (officer)   |
| INC-2    | 10/12/24 | 1001 (Jo)   | S-2 12/12 by 1001       | submitted (officer)   |
| INC-3    | 16/12/24 | 1234 (Jo)   | S-3 18/12 by 1001: not the same number | missing |
| INC-4    | 20/12/24 | 2345 (Al)   | none                    | missing               |

A West Mercia referral by officer 1234 (another force's number) is left alone. The purge
(12 months, today 01/03/2026: leavers who left by 01/03/2025) writes "Leaver #<Jo>" for
1001 and "Leaver #<Jo> (collar)" for 1234 in 6 rows: INC-1, INC-2, INC-3, S-1, S-2 and
S-3. INC-3 stays missing: its number and S-3's differed before and differ after."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from tests.tracker import factories as f
from tracker.config import Retention
from tracker.recommendations import referrals as r
from tracker.store.db import unit_of_work
from tracker.store.models import IntelSubmission, Person, Referral
from tracker.store.retention import purge

D = dt.date
AS_OF = D(2025, 1, 31)
REFS = [("INC-1", D(2024, 12, 2), "1234"), ("INC-2", D(2024, 12, 10), "1001"),
        ("INC-3", D(2024, 12, 16), "1234"), ("INC-4", D(2024, 12, 20), "2345")]
SUBS = [("S-1", D(2024, 12, 5), "1234"), ("S-2", D(2024, 12, 12), "1001"),
        ("S-3", D(2024, 12, 18), "1001")]


@pytest.fixture
def world(engine: Engine) -> Engine:
    with unit_of_work(engine) as s:
        f.make_person(s, "1001", collar="1234", name="Jo Smith", states=[
            (D(2024, 1, 1), "sergeant", "response"),
            (D(2025, 2, 1), "sergeant", "response",
             {"leaving_date": D(2025, 1, 31), "status": "leaver"})])
        f.make_person(s, "1002", collar="2345", name="Al Jones",
                      states=[(D(2024, 1, 1), "constable", "cid")])
        force = f.force_id(s, f.DEFAULT_FORCE)
        refs = f.batch(s, "referrals.csv", "nccu-referrals")
        subs = f.batch(s, "intel.csv", "intelligence-submissions")
        s.add_all(Referral(force_id=force, reference=ref, referred_on=on, officer=who,
                           batch_id=refs.id, row=i + 2) for i, (ref, on, who) in enumerate(REFS))
        s.add_all(IntelSubmission(force_id=force, reference=ref, submitted_on=on, officer=who,
                                  batch_id=subs.id, row=i + 2)
                  for i, (ref, on, who) in enumerate(SUBS))
        other = f.batch(s, "wm-referrals.csv", "nccu-referrals", force="west-mercia")
        s.add(Referral(force_id=f.force_id(s, "west-mercia"), reference="WM-1",
                       referred_on=D(2024, 12, 2), officer="1234", batch_id=other.id, row=2))
    return engine


def _figures(engine: Engine) -> tuple[list[list[object]], ...]:
    rows = r.referral_rows(engine, f.DEFAULT_FORCE, AS_OF, 7)
    cols = ["submitted", "late", "missing", "pending", "counted", "value_pct"]
    return (rows[["reference", "document", "matched_by", "status", "full_name", "rank",
                  "department"]].values.tolist(),
            r.figures(rows)[cols].values.tolist(),
            r.figures(rows, ["department"])[["department", *cols]].values.tolist(),
            r.figures(rows, ["rank"])[["rank", *cols]].values.tolist())


def _officers(engine: Engine) -> list[tuple[str, str | None]]:
    with unit_of_work(engine) as s:
        refs = s.execute(select(Referral.reference, Referral.officer)).all()
        subs = s.execute(select(IntelSubmission.reference, IntelSubmission.officer)).all()
    return sorted(tuple(row) for row in [*refs, *subs])  # type: ignore[misc]


def test_a_purge_pseudonymises_a_leavers_numbers_in_the_logs_and_keeps_the_figures(
        world: Engine) -> None:
    before = _figures(world)
    assert before[0] == [
        ["INC-1", "S-1", "officer", "submitted", "Jo Smith", "sergeant", "response"],
        ["INC-2", "S-2", "officer", "submitted", "Jo Smith", "sergeant", "response"],
        ["INC-3", None, None, "missing", "Jo Smith", "sergeant", "response"],
        ["INC-4", None, None, "missing", "Al Jones", "constable", "cid"]]
    assert before[1] == [[2, 0, 2, 0, 4, 50.0]]
    policy = Retention(leaver_months=12)
    dry = purge(world, policy, D(2026, 3, 1), "dpo", dry_run=True)
    assert (dry.people, dry.log_officers) == (1, 6)
    done = purge(world, policy, D(2026, 3, 1), "dpo")
    assert (done.people, done.log_officers) == (1, 6)
    with unit_of_work(world) as s:
        jo = s.scalar(select(Person.id).where(Person.staff_number == "1001"))
    staff, collar = f"Leaver #{jo}", f"Leaver #{jo} (collar)"
    assert _officers(world) == [
        ("INC-1", collar), ("INC-2", staff), ("INC-3", collar), ("INC-4", "2345"),
        ("S-1", collar), ("S-2", staff), ("S-3", staff), ("WM-1", "1234")]
    after = _figures(world)
    assert after[1:] == before[1:]
    assert [row[:4] + row[5:] for row in after[0]] == [row[:4] + row[5:] for row in before[0]]
    assert [row[4] for row in after[0]] == [staff, staff, staff, "Al Jones"]  # the name went
    assert purge(world, policy, D(2026, 3, 1), "dpo", dry_run=True).log_officers == 0


def test_a_leavers_number_that_is_someone_elses_staff_number_is_left(engine: Engine) -> None:
    """Jo's collar number 1002 is Al's staff number: matching reads it as Al's, so the
    purge leaves it (Jo's staff number 1001 still goes)."""
    with unit_of_work(engine) as s:
        f.make_person(s, "1001", collar="1002", name="Jo Smith", states=[
            (D(2024, 1, 1), "sergeant", "response",
             {"leaving_date": D(2024, 6, 30), "status": "leaver"})])
        f.make_person(s, "1002", name="Al Jones", states=[(D(2024, 1, 1), "constable", "cid")])
        refs = f.batch(s, "referrals.csv", "nccu-referrals")
        force = f.force_id(s, f.DEFAULT_FORCE)
        s.add_all(Referral(force_id=force, reference=ref, referred_on=D(2024, 12, 2),
                           officer=who, batch_id=refs.id, row=2)
                  for ref, who in (("INC-1", "1002"), ("INC-2", "1001")))
    assert purge(engine, Retention(leaver_months=12), D(2026, 3, 1), "dpo").log_officers == 1
    with unit_of_work(engine) as s:
        jo = s.scalar(select(Person.id).where(Person.staff_number == "1001"))
    assert _officers(engine) == [("INC-1", "1002"), ("INC-2", f"Leaver #{jo}")]
