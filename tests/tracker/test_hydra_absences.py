"""A delegate list's did-not-attend rows are kept as absences (``hydra_absences``): resolved
to people as attendees are, stored once, taken away by undo, and never a completion.

The world, by hand: Avon and Somerset's roster holds two inspectors in scope of the Hydra
requirement, Ann Lee (0042) and Bob Kay (0043). Its trainer's list for 12 March 2026 (a
title row, a blank row, the header on row 3, so the delegates are rows 4 to 7):

- row 4 Ann Lee, attended;
- row 5 Bob Kay, "Did not attend";
- row 6 Cal Cedar of Wiltshire (4103), "DNA": a visiting delegate, created in Wiltshire;
- row 7 Zed Zee of Avon and Somerset (0099), "Did not attend": on no roster, so not stored
  (and not queued for review: an absence credits nobody).

So the import stores 1 completion (Ann) and 2 absences (Bob row 5, Cal row 6), and the
force's Hydra coverage on 1 April is 1 of 2. A later list saying Bob and Cal came on 12
March after all adds 2 completions: coverage 2 of 2, and their absences stay stored without
undoing anything (Cal's return says "Attended" only).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tests.tracker.test_visitors import (
    HOME,
    HOST,
    HOST_ROSTER,
    MARCH_12,
    delegate_list,
    hydra_coverage,
    import_file,
    run,
)
from tracker import coverage
from tracker.config import Retention
from tracker.reports import visitors as vis
from tracker.store.db import unit_of_work
from tracker.store.models import Completion, HydraAbsence, ImportBatch, Person
from tracker.store.retention import purge

MARCH_12_DAY = MARCH_12.date()
FIRST = [
    [MARCH_12, "Portishead", 1, "Ann Lee", "0042", "Insp", "Avon and Somerset", "Y"],
    [MARCH_12, "Portishead", 1, "Bob Kay", "0043", "Insp", "Avon and Somerset",
     "Did not attend"],
    [MARCH_12, "Portishead", 2, "Cal Cedar", "4103", "Insp", "Wiltshire Police", "DNA"],
    [MARCH_12, "Portishead", 2, "Zed Zee", "0099", "Insp", "Avon and Somerset",
     "Did not attend"],
]
CORRECTED = [  # the trainer's second list: Bob and Cal came after all
    [MARCH_12, "Portishead", 1, "Bob Kay", "0043", "Insp", "Avon and Somerset", "Y"],
    [MARCH_12, "Portishead", 2, "Cal Cedar", "4103", "Insp", "Wiltshire Police", "Y"],
]


@pytest.fixture
def listed(engine: Engine, tmp_path: Path) -> tuple[Engine, Path]:
    """The host's roster and its first delegate list imported (batches 1 and 2)."""
    (tmp_path / "roster.csv").write_text(HOST_ROSTER, encoding="utf-8")
    import_file(engine, tmp_path / "roster.csv", HOST, "2026-01-31")
    path = delegate_list(tmp_path, FIRST, name="march-12")
    import_file(engine, path, HOST, "2026-03-31")
    return engine, path


def absences(engine: Engine) -> list[tuple[str | None, str | None, dt.date, int | None,
                                          str | None, int]]:
    """(staff number, collar number, date, row, status as written, batch) of each absence."""
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Person.staff_number, Person.collar_number, HydraAbsence.held_on,
                   HydraAbsence.row, HydraAbsence.raw_status, HydraAbsence.batch_id)
            .join(Person, Person.id == HydraAbsence.person_id)
            .order_by(HydraAbsence.row)).all()
    return [tuple(r) for r in rows]


def count(engine: Engine, table: type) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_the_list_keeps_its_absences_and_coverage_counts_only_attendees(
        listed: tuple[Engine, Path]) -> None:
    engine, _ = listed
    assert absences(engine) == [("1002", "0043", MARCH_12_DAY, 5, "Did not attend", 2),
                                (None, "4103", MARCH_12_DAY, 6, "DNA", 2)]
    assert count(engine, Completion) == 1
    assert hydra_coverage(engine, HOST) == (1, 2)  # Ann; Bob's absence is not a completion
    with unit_of_work(engine) as session:
        batch = session.get(ImportBatch, 2)
        assert batch is not None
        assert (batch.rows_accepted, batch.rows_new) == (1, 1)
        assert batch.detail is not None
        assert (batch.detail["absences"], batch.detail["absences_unmatched"],
                batch.detail["people_created"]) == (2, 1, 1)  # Zed: no one; Cal: created
        cal = session.scalars(select(Person).where(Person.collar_number == "4103")).one()
        assert (cal.full_name, cal.first_batch_id) == ("Cal Cedar", 2)


def test_importing_the_same_list_again_stores_nothing_twice(
        listed: tuple[Engine, Path]) -> None:
    engine, path = listed
    before = absences(engine)
    import_file(engine, path, HOST, "2026-03-31", "--reimport")
    assert absences(engine) == before  # still the first batch's, rows 5 and 6
    assert (count(engine, Completion), count(engine, Person)) == (1, 3)  # Ann; Ann, Bob, Cal
    assert hydra_coverage(engine, HOST) == (1, 2)


def test_undo_takes_the_absences_and_the_delegate_they_created(
        listed: tuple[Engine, Path]) -> None:
    engine, _ = listed
    code, output = run(engine, "imports", "undo", "2", "--user", "lead")
    assert code == 0, output
    assert absences(engine) == []
    assert (count(engine, Completion), count(engine, Person)) == (0, 2)  # Cal is gone
    assert hydra_coverage(engine, HOST) == (0, 2)


def test_a_later_list_that_says_they_came_does_not_conflict(
        listed: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, _ = listed
    import_file(engine, delegate_list(tmp_path, CORRECTED, name="march-12-corrected"), HOST,
                "2026-03-31")
    assert hydra_coverage(engine, HOST) == (2, 2)  # Ann, Bob: the absence lowers nothing
    assert len(absences(engine)) == 2  # kept as the first list said them
    with unit_of_work(engine) as session:
        returned = vis.visitors(session, HOME).delegates
    assert returned[["full_name", "attendance"]].values.tolist() == [["Cal Cedar", "Attended"]]
    code, output = run(engine, "imports", "undo", "2", "--user", "lead")
    assert code == 0, output
    assert absences(engine) == []
    assert hydra_coverage(engine, HOST) == (1, 2)  # Bob, by the second list (Ann went)
    assert count(engine, Person) == 3  # Cal stays: the second list's completion is his


def test_retention_keeps_a_leavers_absences_as_it_keeps_completions(
        listed: tuple[Engine, Path], tmp_path: Path) -> None:
    """Bob leaves (the roster of 30 April 2026 has Ann only); purged a month after, his
    name and collar number go, his absence (person, module, date: no name) stays."""
    engine, _ = listed
    (tmp_path / "roster-april.csv").write_text(
        "\n".join(HOST_ROSTER.splitlines()[:2]) + "\n", encoding="utf-8")
    import_file(engine, tmp_path / "roster-april.csv", HOST, "2026-04-30")
    purged = purge(engine, Retention(leaver_months=1), dt.date(2026, 6, 1), "dpo")
    assert purged.people == 1
    assert absences(engine) == [("1002", None, MARCH_12_DAY, 5, "Did not attend", 2),
                                (None, "4103", MARCH_12_DAY, 6, "DNA", 2)]
    assert hydra_coverage(engine, HOST) == (1, 2)


def test_the_coverage_engine_never_reads_the_absences() -> None:
    """Every number comes from the coverage engine: it must not know absences exist."""
    folder = Path(coverage.__file__).parent
    readers = [p.name for p in sorted(folder.glob("*.py"))
               if "HydraAbsence" in p.read_text(encoding="utf-8")
               or "hydra_absences" in p.read_text(encoding="utf-8")]
    assert readers == []
