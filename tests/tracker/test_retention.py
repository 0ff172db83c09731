"""``tracker retention``: leavers' names, e-mails and collar numbers and old kept files are
purged after the months the policy sets, in one audited transaction, and coverage as of
any past date (by requirement, rank and department) is the same before and after."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from tests.conftest import cli_db_url
from tests.tracker import cli_world
from tests.tracker.ingest_factories import content
from tracker.cli import app
from tracker.config import load_retention
from tracker.store import files
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, ImportBatch, ImportFile, Person
from tracker.store.retention import months_before

Runner = Callable[..., Any]
UPLOADED = {1: dt.datetime(2025, 2, 1, 9), 2: dt.datetime(2025, 10, 1, 9),
            3: dt.datetime(2025, 3, 1, 9)}  # roster-jan, roster-sep, lms
LEAVER_DATA = ["Cy Dee", "cy.dee@", "Di Fox", "di.fox@", "Di F'", "di.f@old", "'Dee'",
               "'Fox'", "'777'", "'0099'"]


@pytest.fixture
def world(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """The CLI world, its uploads dated (UPLOADED), and a runner on 2026-11-30."""
    monkeypatch.setenv("TRACKER_TODAY", "2025-10-15")
    monkeypatch.delenv("TRACKER_FORCE", raising=False)
    for variable in ("TRACKER_RETENTION_MONTHS", "TRACKER_RETENTION_FILE_MONTHS"):
        monkeypatch.delenv(variable, raising=False)
    url = cli_db_url(engine)

    def run(*args: str) -> Any:
        return CliRunner().invoke(app, ["--db", url, *args])

    cli_world.build(run, tmp_path)
    with unit_of_work(engine) as session:
        for batch, at in UPLOADED.items():
            session.execute(update(ImportBatch).where(ImportBatch.id == batch)
                            .values(imported_at=at))
            sha = session.scalar(select(ImportBatch.sha256).where(ImportBatch.id == batch))
            session.execute(update(ImportFile).where(ImportFile.sha256 == sha)
                            .values(stored_at=at))
    monkeypatch.setenv("TRACKER_TODAY", "2026-11-30")
    return run


def coverage_history(run: Runner) -> dict[str, Any]:
    out = {}
    for as_of in ("2025-02-28", "2025-06-30", "2025-10-15", "2026-11-30"):
        for by in ("", "rank", "department", "rank,department"):
            result = run("coverage", "-f", "json", "--as-of", as_of, *(["--by", by] if by else []))
            assert result.exit_code == 0, result.output
            out[f"{as_of} {by}"] = json.loads(result.output)
    return out


def leaver_traces(engine: Engine) -> list[str]:
    """Which of the leavers' names, e-mails and collar numbers the database still holds."""
    held = repr(content(engine, skip={"alembic_version"}))
    return [text for text in LEAVER_DATA if text in held]


def test_retention_is_off_by_default(world: Runner) -> None:
    result = world("retention", "--dry-run")
    assert (result.exit_code, result.output) == (
        1, "Error: retention is off: TRACKER_RETENTION_MONTHS is not set, so nothing is ever "
        "purged. The data protection officer decides the period; set it (e.g. "
        "TRACKER_RETENTION_MONTHS=24) and run `tracker retention --dry-run` first.\n")


def test_dry_run_counts_and_changes_nothing(world: Runner, engine: Engine,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_RETENTION_MONTHS", "12")
    monkeypatch.setenv("TRACKER_RETENTION_FILE_MONTHS", "18")
    before = content(engine)
    result = world("retention", "--dry-run")
    assert (result.exit_code, result.output.splitlines()) == (0, [
        "Retention: leavers who left on or before 2025-11-30; kept files last uploaded "
        "before 2025-05-30.",
        "Would purge 2 leavers' names, e-mails and collar numbers; 1 identity links; 1 "
        "review-queue records; 1 problem values; 1 audit entries; 0 officer numbers in "
        "referral and submission logs; 2 kept files "
        f"({_size(engine, 1) + _size(engine, 3):,} bytes).",
        "Nothing was changed (--dry-run); `tracker retention` purges it."])
    assert content(engine) == before


def test_purge_keeps_coverage_history_and_removes_leavers_data(
        world: Runner, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_RETENTION_MONTHS", "12")
    monkeypatch.setenv("TRACKER_RETENTION_FILE_MONTHS", "18")
    history = coverage_history(world)
    assert leaver_traces(engine) == LEAVER_DATA
    kept = {batch: files.original(engine, batch) for batch in UPLOADED}
    result = world("retention", "--user", "dpo")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "Purged 2 leavers' names, e-mails and collar numbers; 1 identity links; 1 "
        "review-queue records; 1 problem values; 1 audit entries; 0 officer numbers in "
        "referral and submission logs; 2 kept files "
        f"({len(kept[1].content) + len(kept[3].content):,} bytes).",  # type: ignore[union-attr]
        "Coverage history is unchanged; the purge is in the audit log."]
    assert coverage_history(world) == history
    assert leaver_traces(engine) == []
    assert _people(engine) == [
        ("1001", "Ann Lee", "ann.lee@asc.police.uk", "0042"),
        ("1002", "Bob Kay", "bob.kay@asc.police.uk", "0043"),
        ("1003", f"Leaver #{_id(engine, '1003')}", None, None),
        ("1004", f"Leaver #{_id(engine, '1004')}", None, None),
        ("1005", "Ed Gray", "ed.gray@asc.police.uk", "12")]
    assert {b: files.original(engine, b) for b in UPLOADED} == {1: None, 2: kept[2], 3: None}
    assert _retention_events(engine) == [("dpo", {
        "leavers_left_by": "2025-11-30", "files_uploaded_before": "2025-05-30", "people": 2,
        "identity_links": 1, "review_records": 1, "problem_values": 1, "audit_entries": 1,
        "log_officers": 0, "kept_files": 2,
        "kept_bytes": len(kept[1].content) + len(kept[3].content),  # type: ignore[union-attr]
        "leaver_months": 12, "file_months": 18})]
    again = world("retention", "--dry-run")
    assert again.output.splitlines()[1] == (
        "Would purge 0 leavers' names, e-mails and collar numbers; 0 identity links; 0 "
        "review-queue records; 0 problem values; 0 audit entries; 0 officer numbers in "
        "referral and submission logs; 0 kept files (0 bytes).")


def test_a_shorter_period_for_leavers_only_reaches_those_who_left_earlier(
        world: Runner, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_RETENTION_MONTHS", "18")  # left by 2025-05-30: Cy only
    monkeypatch.setenv("TRACKER_RETENTION_FILE_MONTHS", "0")  # files: kept
    history = coverage_history(world)
    result = world("retention")
    assert result.output.splitlines()[0] == (
        "Retention: leavers who left on or before 2025-05-30; kept files: kept (no file "
        "period set).")
    assert coverage_history(world) == history
    assert leaver_traces(engine) == ["Di Fox", "di.fox@", "Di F'", "di.f@old", "'Fox'",
                                     "'0099'"]
    assert all(files.original(engine, b) is not None for b in UPLOADED)


def test_months_before_and_the_settings() -> None:
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 11, 30), 12) == dt.date(2025, 11, 30)
    assert months_before(dt.date(2026, 1, 15), 25) == dt.date(2023, 12, 15)
    assert load_retention({}).on is False
    assert load_retention({"TRACKER_RETENTION_MONTHS": "0"}).on is False
    policy = load_retention({"TRACKER_RETENTION_MONTHS": "24"})
    assert (policy.leaver_months, policy.file_months) == (24, 24)
    with pytest.raises(ValueError, match=r"^TRACKER_RETENTION_MONTHS='two years' is not a "
                       r"whole number of months \(e\.g\. 24; 0 or unset: off\); fix or "
                       r"unset it\.$"):
        load_retention({"TRACKER_RETENTION_MONTHS": "two years"})


def _size(engine: Engine, batch: int) -> int:
    kept = files.original(engine, batch)
    assert kept is not None
    return len(kept.content)


def _id(engine: Engine, staff: str) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(Person.id).where(Person.staff_number == staff)) or 0)


def _people(engine: Engine) -> list[tuple[Any, ...]]:
    with unit_of_work(engine) as session:
        return [tuple(r) for r in session.execute(
            select(Person.staff_number, Person.full_name, Person.email, Person.collar_number)
            .order_by(Person.staff_number))]


def _retention_events(engine: Engine) -> list[tuple[str, Any]]:
    with unit_of_work(engine) as session:
        return [(e.actor, e.detail) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention"))]
