"""Exactly-once imports under concurrency (issue 12 item 3), on SQLite and PostgreSQL.

Each race is real: threads (or processes) plan the import first, all of them before anyone
commits, wait at a barrier, then commit at once. The same file committed N times at once
makes one batch and N-1 "already imported as batch N" refusals; files that overlap end
exactly as they would have one after the other."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from tests.conftest import cli_db_url
from tests.tracker.ingest_factories import done, facts, parsed, person, roster, wipe
from tracker.ingest.batch import ImportPlan, ImportRefused, commit_import, plan_import
from tracker.ingest.records import Kind, ParsedFile
from tracker.ingest.undo import undo_batch
from tracker.messages.problems import Code, Problem, Severity
from tracker.store.db import make_engine, unit_of_work
from tracker.store.models import ImportBatch

FORCE = "avon-and-somerset"
D1, D2 = dt.date(2026, 1, 31), dt.date(2026, 2, 28)
TWELVE = [person(f"{1000 + n}", f"Person{n} Lee") for n in range(1, 13)]
NOBODY = {"full_name": "Zed Nobody", "email": "zed.nobody@asc.police.uk"}


def completions(staff: range, kind: Kind, name: str) -> ParsedFile:
    """Modules 1 and 2 done by each staff number, one learner matching nobody (the review
    queue), and one row the reader rejected (an import problem)."""
    rows = [done(module, dt.date(2026, 1, 10), staff_number=f"{1000 + n}")
            for n in staff for module in ("oic-el-1", "oic-el-2")]
    rows.append(done("oic-el-1", dt.date(2026, 1, 12), **NOBODY))
    bad = Problem(Code.BAD_DATE, Severity.ERROR, "Bad date", row=len(rows) + 2,
                  column="Completion date", value="31/02/2026")
    return parsed(kind, rows, name=name, problems=[bad], rows_read=len(rows) + 1)


COURSE = completions(range(1, 9), Kind.MOODLE_COURSE, "course.csv")  # people 1-8
ACTIVITY = completions(range(5, 13), Kind.MOODLE_ACTIVITY, "activity.csv")  # 5-12: 5-8 both


def plan(engine: Engine, file: ParsedFile, as_of: dt.date | None = None) -> ImportPlan:
    return plan_import(engine, file, force_code=FORCE, as_of=as_of, actor="lead")


def load(engine: Engine, file: ParsedFile, as_of: dt.date | None = None) -> None:
    commit_import(engine, plan(engine, file, as_of))


TABLES = ["import_batches", "import_problems", "people", "person_states", "completions",
          "completion_evidence", "unmatched_records", "identity_links", "audit_log"]


def state(engine: Engine) -> dict[str, Any]:
    """Row counts of every table an import writes, and what the data says (no ids)."""
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                  for t in TABLES}
    return {"counts": counts, **facts(engine)}


Outcome = int | str  # a batch id, or the refusal's message


def at_once(engine: Engine, files: list[tuple[ParsedFile, dt.date | None]]) -> list[Outcome]:
    """Plan every file in a thread of its own, then, once all are planned, commit them all
    at the same moment. Each thread's batch id or refusal, in the order of ``files``."""
    barrier = threading.Barrier(len(files))
    outcomes: list[Outcome] = [""] * len(files)
    failures: list[BaseException] = []

    def work(i: int, file: ParsedFile, as_of: dt.date | None) -> None:
        try:
            planned = plan(engine, file, as_of)
            assert planned.refused is None, planned.refused
            barrier.wait(timeout=120)
            outcomes[i] = commit_import(engine, planned).id
        except ImportRefused as exc:
            outcomes[i] = str(exc)
        except BaseException as exc:  # a traceback is what this test is here to catch
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i, f, a)) for i, (f, a) in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    return outcomes


def refusal(engine: Engine, batch_id: int, name: str) -> str:
    with unit_of_work(engine) as session:
        batch = session.get(ImportBatch, batch_id)
        assert batch is not None
        return (f"{name} was already imported as batch {batch_id} on "
                f"{batch.imported_at:%Y-%m-%d %H:%M} by lead (same content); nothing was "
                "changed.")


def start(engine: Engine, with_roster: bool = True) -> None:
    """A wiped database, the force's roster imported (unless not ``with_roster``)."""
    wipe(engine)
    if with_roster:
        load(engine, roster(TWELVE), D1)


def once(engine: Engine, steps: Callable[[], None], with_roster: bool = True
         ) -> dict[str, Any]:
    """The state after ``steps`` from the start: the reference an import at once must
    equal. The database is left at the start again."""
    start(engine, with_roster)
    steps()
    reference = state(engine)
    start(engine, with_roster)
    return reference


# ---------------------------------------------------------------- the same file, N times

@pytest.mark.parametrize("n", [4, 8])
def test_the_same_file_imported_n_times_at_once_commits_once(engine: Engine, n: int) -> None:
    one = once(engine, lambda: load(engine, COURSE))
    assert one["counts"] == {"import_batches": 2, "import_problems": 2, "people": 12,
                             "person_states": 12, "completions": 16,
                             "completion_evidence": 0, "unmatched_records": 1,
                             "identity_links": 0, "audit_log": 2}
    outcomes = at_once(engine, [(COURSE, None)] * n)
    [batch_id] = [o for o in outcomes if isinstance(o, int)]
    assert sorted(outcomes, key=str) == sorted(
        [batch_id, *[refusal(engine, batch_id, "course.csv")] * (n - 1)], key=str)
    assert state(engine) == one  # nothing doubled: batches, problems, evidence, queue


def test_a_file_of_strangers_imported_8_times_at_once_queues_them_once(engine: Engine) -> None:
    strangers = completions(range(0), Kind.LMS_LONG, "strangers.csv")  # Zed Nobody only
    one = once(engine, lambda: load(engine, strangers), with_roster=False)
    assert (one["counts"]["import_batches"], one["counts"]["unmatched_records"]) == (1, 1)
    outcomes = at_once(engine, [(strangers, None)] * 8)
    assert sum(isinstance(o, int) for o in outcomes) == 1
    assert state(engine) == one


def test_the_loser_of_a_race_learns_which_batch_won(engine: Engine) -> None:
    load(engine, roster(TWELVE), D1)
    first, second = plan(engine, COURSE), plan(engine, COURSE)
    winner = commit_import(engine, first)
    with pytest.raises(ImportRefused) as refused:
        commit_import(engine, second)
    assert str(refused.value) == refusal(engine, winner.id, "course.csv")
    assert (second.already_imported, second.refused) == (winner.id, str(refused.value))


def _commit_in_a_process(url: str, barrier: Any, results: Any) -> None:
    """A process of its own: plan COURSE, wait for the others, commit."""
    engine = make_engine(url)
    try:
        planned = plan(engine, COURSE)
        barrier.wait(timeout=120)
        results.put(commit_import(engine, planned).id)
    except ImportRefused as exc:
        results.put(str(exc))
    except BaseException as exc:  # sent back whole: the test shows it
        results.put(f"FAILED {type(exc).__name__}: {exc}")
        barrier.abort()
    finally:
        engine.dispose()


def test_the_same_file_imported_by_4_processes_at_once_commits_once(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # spawned children re-run the parent's __main__; after the dashboard tests (AppTest)
    # that is a page script: give them a plain one
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    one = once(engine, lambda: load(engine, COURSE))
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [context.Process(target=_commit_in_a_process,
                               args=(cli_db_url(engine), barrier, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    [batch_id] = [o for o in outcomes if isinstance(o, int)]
    assert sorted(outcomes, key=str) == sorted(
        [batch_id, *[refusal(engine, batch_id, "course.csv")] * 3], key=str)
    assert state(engine) == one


# ---------------------------------------------------------------- files that overlap

def load_all(engine: Engine, files: list[ParsedFile]) -> None:
    for file in files:
        load(engine, file)


def in_commit_order(engine: Engine, outcomes: list[Outcome], files: list[Any]) -> list[Any]:
    assert all(isinstance(o, int) for o in outcomes), outcomes  # every file imported
    return [f for _, f in sorted(zip(outcomes, files, strict=True), key=lambda p: p[0])]


def test_a_course_and_an_activity_report_at_once_end_as_one_after_the_other(
        engine: Engine) -> None:
    load(engine, roster(TWELVE), D1)
    outcomes = at_once(engine, [(COURSE, None), (ACTIVITY, None)])
    order = in_commit_order(engine, outcomes, [COURSE, ACTIVITY])
    got = state(engine)
    assert got == once(engine, lambda: load_all(engine, order))
    # people 1-12 x 2 modules once; people 5-8 x 2 reported twice; Zed queued once
    assert (got["counts"]["completions"], got["counts"]["completion_evidence"],
            got["counts"]["unmatched_records"], got["counts"]["import_batches"]) == (24, 8, 1, 3)


def test_two_rosters_with_the_same_new_people_at_once_end_as_one_after_the_other(
        engine: Engine) -> None:
    january = roster(TWELVE, name="hr-january.csv")
    february = roster([*TWELVE[:10], person("1013", "Person13 Kay"),
                       {**TWELVE[10], "unit": "NPT Taunton", "department": "neighbourhood"},
                       TWELVE[11]], name="hr-february.csv")
    wipe(engine)
    outcomes = at_once(engine, [(january, D1), (february, D2)])
    order = in_commit_order(engine, outcomes, [(january, D1), (february, D2)])
    got = state(engine)
    wipe(engine)
    for file, as_of in order:
        load(engine, file, as_of)
    assert got == state(engine)
    assert got["counts"]["people"] == 13


# ---------------------------------------------------------------- a plan gone stale

def test_a_plan_made_stale_by_an_undo_is_made_again_and_updated_in_place(
        engine: Engine) -> None:
    load(engine, roster(TWELVE), D1)
    course = plan(engine, COURSE)
    commit_import(engine, course)
    activity = plan(engine, ACTIVITY)
    assert (activity.counts["new"], activity.counts["unchanged"]) == (8, 8)
    undo_batch(engine, 2, "lead")  # the completions the plan saw as stored go
    batch = commit_import(engine, activity)
    assert (activity.counts["new"], activity.counts["unchanged"]) == (16, 0)
    assert (batch.rows_new, batch.rows_unchanged) == (16, 0)
    assert state(engine)["counts"]["completions"] == 16


def test_a_plan_that_became_implausible_while_it_waited_is_refused(engine: Engine) -> None:
    load(engine, roster(TWELVE), D1)
    waiting = plan(engine, roster(TWELVE, name="hr-february.csv"), D2)  # nothing changes
    assert (waiting.refused, waiting.findings) == (None, [])
    ten_more = [*TWELVE, *(person(f"{1100 + n}", f"Joiner{n} Kay") for n in range(1, 11))]
    load(engine, roster(ten_more, name="hr-mid-february.csv"), dt.date(2026, 2, 10))
    before = state(engine)
    with pytest.raises(ImportRefused) as refused:
        commit_import(engine, waiting)
    assert str(refused.value) == (
        "hr-february.csv: imported as a full roster, it would make 10 of the 22 people on "
        "the Avon and Somerset Constabulary roster as of 28/02/2026 (45%) leavers, because "
        "it does not list them (it lists 12 people). If it is a partial update, import it "
        "as one: people missing from it then stay. (Data changed by another import while "
        "this one waited to be written.) Nothing was imported; check the file, then import "
        "it again.")
    assert state(engine) == before


def test_an_import_waiting_too_long_for_the_lock_is_refused_cleanly(engine: Engine,
                                                                    tmp_path: Any) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL waits for the advisory lock as long as it is held")
    load(engine, roster(TWELVE), D1)

    @event.listens_for(engine, "connect")
    def _impatient(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=200")

    engine.dispose()  # new connections, impatient ones
    planned = plan(engine, COURSE)
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ImportRefused) as refused:
            commit_import(engine, planned)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(refused.value) == (
        "course.csv was not imported: another import kept the database busy for too long "
        "(database is locked); nothing was changed. Import it again.")
    assert commit_import(engine, planned).id == 2
