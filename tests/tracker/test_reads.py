"""The reads both faces share (``tracker.ingest.reads``): import history with and without a
force, a batch's problems, the review queue, a batch's kept file (audited when used)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from imports import parse_file
from tracker.ingest import reads
from tracker.ingest.batch import commit_import, plan_import
from tracker.ingest.matching import reject_match
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent

ROSTER = """Staff Number,Surname,Forenames,Email,Rank,Department,Start Date,Status
1001,Lee,Ann,ann.lee@asc.police.uk,Insp,Response - Bristol North,15/01/2015,Active
1002,Kay,Bob,bob.kay@asc.police.uk,Inspector,NPT Taunton,16/02/2016,Active
"""
LMS = """Employee ID,Full Name,Email,Course Title,Status,Completion Date
1001,Ann Lee,ann.lee@asc.police.uk,OIC Module 1,Completed,20/01/2026
,Ann Le,ann.l@elsewhere.uk,OIC Module 3,Completed,22/01/2026
"""


def _import(engine: Engine, path: Path, text: str, force: str = "avon-and-somerset") -> int:
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path, today=dt.date(2026, 3, 1))
    plan = plan_import(engine, parsed, force_code=force, as_of=dt.date(2026, 1, 31),
                       actor="lead")
    return commit_import(engine, plan, path.read_bytes()).id


@pytest.fixture
def batches(engine: Engine, tmp_path: Path) -> list[int]:
    """Batch 1: Avon and Somerset's roster; 2: its LMS export (Ann Le matches nobody);
    3: Bedfordshire's roster."""
    return [_import(engine, tmp_path / "roster.csv", ROSTER),
            _import(engine, tmp_path / "lms.csv", LMS),
            _import(engine, tmp_path / "beds.csv", ROSTER.replace("asc.", "beds."),
                    "bedfordshire")]


def test_history_newest_first_and_by_force(engine: Engine, batches: list[int]) -> None:
    every = reads.import_history(engine)
    assert [(r["id"], r["file_name"], r["force"], r["rows_read"], r["rows_unmatched"],
             r["problems"], bool(r["file_kept"])) for r in every.records] == [
        (3, "beds.csv", "bedfordshire", 2, 0, 0, True),
        (2, "lms.csv", "avon-and-somerset", 2, 1, 1, True),
        (1, "roster.csv", "avon-and-somerset", 2, 0, 0, True)]
    avon = reads.import_history(engine, "avon-and-somerset")
    assert [r["id"] for r in avon.records] == [2, 1]
    assert list(avon.frame().columns) == every.columns
    assert len(reads.import_history(engine, "cheshire")) == 0
    assert reads.import_history(engine, "cheshire").frame().columns.tolist() == every.columns


def test_a_batch_problems_and_file_name(engine: Engine, batches: list[int]) -> None:
    [problem] = reads.batch_problems(engine, 2).records
    assert (problem["row"], problem["column"], problem["code"], problem["severity"]) == (
        3, "Full Name", "unmatched-learner", "warning")
    assert reads.batch_problems(engine, 1).records == []
    assert reads.batch_file_name(engine, 2) == "lms.csv"
    assert reads.batch_file_name(engine, 99) is None


def test_the_queue_lists_an_unmatched_learner(engine: Engine, batches: list[int]) -> None:
    [learner] = reads.review_queue(engine).records
    assert (learner["batch_id"], learner["file_name"], learner["row"], learner["display_name"],
            learner["identity_key"], learner["payload"]["module_code"], learner["status"]) == (
        2, "lms.csv", 3, "Ann Le", "email:ann.l@elsewhere.uk", "oic-el-3", "open")
    assert len(reads.review_queue(engine, "avon-and-somerset")) == 1
    assert len(reads.review_queue(engine, "bedfordshire")) == 0
    reject_match(engine, learner["id"], "lead")
    assert len(reads.review_queue(engine)) == 0
    assert [r["status"] for r in reads.review_queue(engine, open_only=False).records] == [
        "rejected"]


def _downloads(engine: Engine) -> list[tuple[str, str]]:
    with unit_of_work(engine) as session:
        return [(e.actor, e.target) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "download-original"))]


def test_the_kept_file_is_handed_over_then_audited(engine: Engine, batches: list[int]) -> None:
    handed: list[bytes] = []
    kept = reads.original_file(engine, 2, "inspector.x", lambda k: handed.append(k.content))
    assert kept is not None and (kept.file_name, kept.content) == ("lms.csv", LMS.encode())
    assert handed == [LMS.encode()]
    assert _downloads(engine) == [("inspector.x", "batch:2")]

    def refuse(_kept: object) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        reads.original_file(engine, 1, "inspector.x", refuse)
    assert reads.original_file(engine, 99, "inspector.x") is None
    assert _downloads(engine) == [("inspector.x", "batch:2")]  # nothing used, nothing audited
