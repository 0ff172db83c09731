"""Planning and committing imports: exact counts for rosters and completions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select, text

from tests.tracker.ingest_factories import content, done, lms, person, roster
from tracker.ingest import batch as ingest
from tracker.ingest.batch import ImportRefused, commit_import, plan_import
from tracker.ingest.records import Kind
from tracker.messages.problems import Code, Problem, Severity
from tracker.store.models import (
    Completion,
    CompletionEvidence,
    ImportBatch,
    ImportProblem,
    Person,
    PersonState,
)

FORCE = "avon-and-somerset"
D1, D2 = dt.date(2026, 1, 31), dt.date(2026, 2, 28)


def run(engine: Engine, parsed, as_of: dt.date | None = None, **kw) -> ingest.ImportPlan:
    plan = plan_import(engine, parsed, force_code=FORCE, as_of=as_of, actor="lead", **kw)
    commit_import(engine, plan)
    return plan


def count(engine: Engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def reports(engine: Engine) -> list[tuple[int, int]]:
    """Every (batch, row) that reported a stored completion: the first report, kept on the
    completion, and the later ones, kept as evidence."""
    with engine.connect() as conn:
        first = conn.execute(text('SELECT batch_id, "row" FROM completions')).all()
        later = conn.execute(text('SELECT batch_id, "row" FROM completion_evidence')).all()
    return sorted((int(b), int(r)) for b, r in [*first, *later])


THREE = [person("1001", "Ann Lee", collar_number="0042", email="ann.lee@asc.police.uk"),
         person("1002", "Bob Kay", unit="NPT Taunton", department="neighbourhood"),
         person("1003", "Cy Dee")]


def test_first_roster_import_counts(engine: Engine) -> None:
    plan = run(engine, roster(THREE), as_of=D1)
    summary = plan.summary()
    assert {k: summary[k] for k in ("rows_read", "accepted", "new", "updated", "unchanged",
                                    "leavers", "rejected")} == {
        "rows_read": 3, "accepted": 3, "new": 3, "updated": 0, "unchanged": 0,
        "leavers": 0, "rejected": 0}
    assert (count(engine, Person), count(engine, PersonState)) == (3, 3)
    with engine.connect() as conn:
        batch = conn.execute(select(ImportBatch.rows_new, ImportBatch.status)).one()
        ann = conn.execute(select(Person.collar_number, Person.email)
                           .where(Person.staff_number == "1001")).one()
    assert tuple(batch) == (3, "committed")
    assert tuple(ann) == ("0042", "ann.lee@asc.police.uk")  # leading zero kept


def test_second_snapshot_mover_and_leaver(engine: Engine) -> None:
    run(engine, roster(THREE), as_of=D1)
    moved = person("1002", "Bob Kay", unit="CID Bristol", department="cid")
    plan = run(engine, roster([THREE[0], moved], name="roster-feb.csv"), as_of=D2)
    c = plan.summary()
    assert (c["new"], c["updated"], c["unchanged"], c["leavers"]) == (0, 1, 1, 1)
    assert count(engine, Person) == 3  # the leaver is not deleted
    with engine.connect() as conn:
        states = conn.execute(text(
            "SELECT p.staff_number, s.as_of, s.department, s.status, s.leaving_date "
            "FROM person_states s JOIN people p ON p.id = s.person_id "
            "ORDER BY p.staff_number, s.as_of")).all()
    assert [tuple(map(str, s)) for s in states] == [
        ("1001", "2026-01-31", "response", "active", "None"),
        ("1002", "2026-01-31", "neighbourhood", "active", "None"),
        ("1002", "2026-02-28", "cid", "active", "None"),
        ("1003", "2026-01-31", "response", "active", "None"),
        ("1003", "2026-02-28", "response", "leaver", "2026-02-28"),
    ]


def test_same_roster_again_later_writes_no_state(engine: Engine) -> None:
    run(engine, roster(THREE), as_of=D1)
    plan = run(engine, roster(THREE, name="roster-again.csv"), as_of=D2)
    assert (plan.counts["unchanged"], plan.counts["updated"], plan.counts["new"]) == (3, 0, 0)
    assert count(engine, PersonState) == 3


def test_identity_change_updates_person(engine: Engine) -> None:
    run(engine, roster(THREE), as_of=D1)
    renamed = person("1003", "Cy Dee-Smith", email="cy@asc.police.uk")
    plan = run(engine, roster([THREE[0], THREE[1], renamed], name="r2.csv"), as_of=D2)
    assert (plan.counts["updated"], plan.counts["unchanged"]) == (1, 2)
    assert count(engine, PersonState) == 3  # the state did not change
    with engine.connect() as conn:
        row = conn.execute(select(Person.full_name, Person.email)
                           .where(Person.staff_number == "1003")).one()
    assert tuple(row) == ("Cy Dee-Smith", "cy@asc.police.uk")


def test_completions_matched_by_each_identifier(engine: Engine) -> None:
    run(engine, roster([*THREE, person("1004", "Di Fox", collar_number="77"),
                        person("1005", "Ed Gee", email="edward.gee@asc.police.uk"),
                        person("1006", "Flo Hu", collar_number="9")]), as_of=D1)
    rows = [
        done(staff_number="1001", full_name="Ann Lee"),                       # staff
        done(collar_number="77", full_name="D. Fox"),                         # collar
        done(email="ANN.LEE@ASC.POLICE.UK", module="oic-el-2"),               # email
        done(full_name="bob kay", unit="NPT  Taunton"),                       # name + unit
        done(full_name="Ed Gee", email="edward.gee@asc.pnn.police.uk"),       # name + local
        done(full_name="Cy Dee"),                                             # name alone: no
    ]
    plan = run(engine, lms(rows))
    matched_by = plan.frames["completions"].set_index("row")["matched_by"].to_dict()
    assert matched_by == {2: "staff", 3: "collar", 4: "email", 5: "name", 6: "name"}
    c = plan.summary()
    assert (c["accepted"], c["new"], c["unchanged"], c["unmatched"]) == (6, 5, 0, 1)
    assert count(engine, Completion) == 5
    assert reports(engine) == [(2, 2), (2, 3), (2, 4), (2, 5), (2, 6)]  # (batch, row)


def test_overlapping_export_adds_evidence_not_completions(engine: Engine) -> None:
    run(engine, roster(THREE), as_of=D1)
    run(engine, lms([done(staff_number="1001"), done(staff_number="1002")]))
    plan = run(engine, lms([done(staff_number="1002"), done(staff_number="1003")],
                           name="lms-2.csv"))
    assert (plan.counts["new"], plan.counts["unchanged"]) == (1, 1)
    assert (count(engine, Completion), count(engine, CompletionEvidence)) == (3, 1)
    # the first file's two rows, then the second file's: 1002 again (evidence) and 1003
    assert reports(engine) == [(2, 2), (2, 3), (3, 2), (3, 3)]


def test_duplicate_rows_in_one_file_stored_once(engine: Engine) -> None:
    run(engine, roster(THREE), as_of=D1)
    plan = run(engine, lms([done(staff_number="1001"), done(staff_number="1001")]))
    assert (plan.counts["new"], plan.counts["unchanged"]) == (1, 1)
    assert (count(engine, Completion), count(engine, CompletionEvidence)) == (1, 0)
    assert reports(engine) == [(2, 2)]  # the first of the two rows


def test_date_disagreement_both_kept_and_reported(engine: Engine) -> None:
    run(engine, roster(THREE), as_of=D1)
    run(engine, lms([done(staff_number="1001", on=dt.date(2026, 1, 10))]))
    totara = ingest_parsed_totara([done(staff_number="1001", full_name="Ann Lee",
                                        on=dt.date(2026, 1, 12))])
    plan = run(engine, totara)
    assert plan.counts["disagreements"] == 1
    [problem] = [p for p in plan.report.problems if p.code is Code.DATE_DISAGREEMENT]
    assert problem.describe() == (
        'totara.csv, row 2, column "completed_on": Ann Lee completed oic-el-1 on 12/01/2026 '
        "here, but lms-long recorded 10/01/2026; both are kept. Check which is right.")
    assert count(engine, Completion) == 2


def ingest_parsed_totara(rows):
    from tests.tracker.ingest_factories import parsed
    return parsed(Kind.TOTARA_UPLOAD, rows, name="totara.csv")


def test_already_imported_refused_then_forced_is_a_no_op(engine: Engine) -> None:
    run(engine, roster(THREE), as_of=D1)
    file = lms([done(staff_number="1001")])
    first = run(engine, file)
    again = plan_import(engine, file, force_code=FORCE, as_of=None, actor="lead")
    assert again.already_imported is not None
    assert again.refused is not None and "was already imported as batch" in again.refused
    with pytest.raises(ImportRefused):
        commit_import(engine, again)
    forced = run(engine, file, allow_reimport=True)
    assert (forced.counts["new"], forced.counts["unchanged"]) == (0, 1)
    assert first.counts["new"] == 1 and count(engine, Completion) == 1


def test_problems_stored_and_rejected_rows_counted(engine: Engine) -> None:
    bad = Problem(Code.BAD_DATE, Severity.ERROR, "Bad date", row=4, column="Date", value="x")
    warn = Problem(Code.UNKNOWN_RANK, Severity.WARNING, "Rank?", row=2, column="Rank")
    plan = run(engine, roster(THREE[:2], problems=[bad, warn], rows_read=3), as_of=D1)
    c = plan.summary()
    assert (c["rows_read"], c["accepted"], c["rejected"], c["warnings"]) == (3, 2, 1, 1)
    with engine.connect() as conn:
        stored = conn.execute(select(ImportProblem.row, ImportProblem.code)
                              .order_by(ImportProblem.row)).all()
    assert [tuple(s) for s in stored] == [(2, "unknown-rank"), (4, "bad-date")]


def test_file_level_error_refuses(engine: Engine) -> None:
    fatal = Problem(Code.MISSING_COLUMN, Severity.ERROR, "No staff number column")
    plan = plan_import(engine, roster(THREE, problems=[fatal]), force_code=FORCE, as_of=D1,
                       actor="lead")
    assert plan.refused == "roster.csv cannot be imported: No staff number column"


def test_unknown_force_is_refused_with_help(engine: Engine) -> None:
    with pytest.raises(ValueError, match="Unknown force 'nowhere'"):
        plan_import(engine, roster(THREE), force_code="nowhere", as_of=D1, actor="x")


def test_failure_mid_commit_leaves_database_as_before(engine: Engine, monkeypatch) -> None:
    run(engine, roster(THREE), as_of=D1)
    before = content(engine, skip={"alembic_version"})
    plan = plan_import(engine, lms([done(staff_number="1001"), done(full_name="Nobody")]),
                       force_code=FORCE, as_of=None, actor="lead")

    def boom(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest, "_write_unmatched", boom)
    with pytest.raises(RuntimeError):
        commit_import(engine, plan)
    assert content(engine, skip={"alembic_version"}) == before


def test_dry_run_writes_nothing(engine: Engine) -> None:
    before = content(engine, skip={"alembic_version"})
    plan = plan_import(engine, roster(THREE), force_code=FORCE, as_of=D1, actor="lead")
    assert plan.counts["new"] == 3
    assert content(engine, skip={"alembic_version"}) == before


def test_an_unmatched_learner_points_at_the_identifier_column_the_file_has(
        engine: Engine) -> None:
    run(engine, roster(THREE), as_of=D1)
    file = lms([done(staff_number="9999")])
    file.columns = {"staff_number": "Staff No.", "title": "Course"}
    plan = plan_import(engine, file, force_code="avon-and-somerset", as_of=None, actor="lead")
    assert [(p.row, p.column, p.code.value) for p in plan.report.problems] == [
        (2, "Staff No.", "unmatched-learner")]


def test_roster_without_a_date_is_dated_tracker_today(engine: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TODAY", "2026-02-14")
    plan = run(engine, roster(THREE))
    assert plan.as_of == dt.date(2026, 2, 14)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT as_of FROM roster_snapshots")).scalar_one() in (
            dt.date(2026, 2, 14), "2026-02-14")
