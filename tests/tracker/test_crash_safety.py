"""Faults injected into real imports: the import process is killed (SIGKILL), terminated
(SIGTERM) or interrupted (SIGINT, Ctrl-C) at random moments while it reads, plans and
writes. Afterwards every table holds exactly what it held before the import or exactly what
one whole import leaves: never part of a batch. Then the same file imports whole, once.

Runs on SQLite and on PostgreSQL (``TRACKER_TEST_POSTGRES_URL``); the moments are drawn from
a seeded generator, so a failure can be run again exactly.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from tests.conftest import cli_db_url

FAULTS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)
KILLS_PER_RUN = 3  # one of each fault per backend
PEOPLE = 1_500
UNITS = ["Response - Bristol North", "CID Taunton", "Force Control Room", "NPT Yeovil"]
RANKS = ["PC", "Insp", "PS", "DI", "PCSO"]
TITLES = ["OIC Module 1", "OIC Module 2", "OIC Module 3", "OIC Module 4"]
ENV = {**os.environ, "TRACKER_TODAY": "2026-12-03"}


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def _roster(folder: Path) -> Path:
    rows = [["Staff Number", "Surname", "Forenames", "Rank", "Department", "Start Date"]]
    rows += [[f"{10000 + i}", f"Surname{chr(97 + i % 26)}", f"Jo{chr(97 + i // 26 % 26)}",
              RANKS[i % len(RANKS)], UNITS[i % len(UNITS)], "01/04/2015"]
             for i in range(PEOPLE)]
    return _write(folder / "roster-crash.csv", rows)


def _lms(folder: Path) -> Path:
    rows = [["Employee ID", "Course Title", "Status", "Completion Date"]]
    rows += [[f"{10000 + i}", title, "Completed", f"{1 + i % 28:02d}/0{1 + m}/2026"]
             for i in range(PEOPLE) for m, title in enumerate(TITLES)]
    rows += [[f"{90000 + i}", TITLES[0], "Completed", "05/03/2026"] for i in range(40)]
    return _write(folder / "lms-crash.csv", rows)


def _tracker(url: str, *args: str) -> subprocess.Popen[bytes]:
    code = "from tracker.cli import app; app()"
    return subprocess.Popen([sys.executable, "-c", code, "--db", url, *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _run(url: str, *args: str) -> str:
    process = _tracker(url, *args)
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 0, out.decode()
    return out.decode()


def _counts(engine: Engine) -> dict[str, int]:
    """Rows per table (the audit log too: an import writes its entry in its transaction)."""
    tables = sorted(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one())
                for t in tables if t != "alembic_version"}


def _integrity(engine: Engine) -> None:
    if engine.url.get_backend_name() == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []


def _timed_import(url: str, lms: Path) -> float:
    start = time.perf_counter()
    _run(url, "import", str(lms))
    return time.perf_counter() - start


def test_killed_imports_leave_before_or_after_never_between(engine: Engine,
                                                            tmp_path: Path) -> None:
    url = cli_db_url(engine)
    roster, lms = _roster(tmp_path), _lms(tmp_path)
    _run(url, "import", str(roster), "--as-of", "2026-01-31")
    before = _live_state(engine)
    took = _timed_import(url, lms)  # the whole import once: what "after" holds
    after = _live_state(engine)
    assert after["completions"] == PEOPLE * 4
    _undo_last(url)
    assert _live_state(engine) == before
    chance = random.Random(20261203)
    seen = {"before": 0, "after": 0}
    for kill in range(KILLS_PER_RUN):
        fault = FAULTS[kill % len(FAULTS)]
        process = _tracker(url, "import", str(lms), "--reimport")
        time.sleep(chance.uniform(0.2, took))
        process.send_signal(fault)
        process.communicate(timeout=300)
        _integrity(engine)
        state = _live_state(engine)
        assert state in (before, after), (fault, state)
        seen["before" if state == before else "after"] += 1
        if state == after:
            _undo_last(url)
    _run(url, "import", str(lms), "--reimport")
    assert _live_state(engine) == after
    assert sum(seen.values()) == KILLS_PER_RUN
    assert seen["before"] >= 1  # the faults did land inside imports, not only after them


LIVE = ("completions", "completion_evidence", "import_problems", "unmatched_records",
        "people", "person_states", "identity_links")


def _live(counts: dict[str, int]) -> dict[str, int]:
    """The rows an import adds and its undo takes away (batches and files stay as history)."""
    return {t: counts[t] for t in LIVE}


def _live_state(engine: Engine) -> dict[str, int]:
    counts = _counts(engine)
    with engine.connect() as conn:
        counts["import_problems"] = int(conn.execute(text(
            "SELECT count(*) FROM import_problems p JOIN import_batches b "
            "ON b.id = p.batch_id WHERE b.status = 'committed'")).scalar_one())
    return _live(counts)


def _undo_last(url: str) -> None:
    batches = json.loads(_run(url, "imports", "list", "--json"))
    live = [int(b["id"]) for b in batches if b["status"] == "committed"
            and b["kind"] != "hr-roster"]
    assert len(live) == 1, batches
    _run(url, "imports", "undo", str(live[0]))


@pytest.fixture(autouse=True)
def _posix_only() -> None:
    if os.name != "posix":
        pytest.skip("signals are POSIX")
