"""``imports.workflow``: file in, plan out, as every face runs it. The plan is the one the
CLI reports; the database's mappings and saved layouts guide the read; the settings date
and limit it; the request reaches the plan; a child process changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from imports import FileRefused
from imports.workflow import ImportRequest, plan_file, plan_parsed, read_file
from tests.conftest import cli_db_url
from tests.tracker.test_cli_imports import LMS, ROSTER
from tests.tracker.test_cli_profiles import FIRST, HEADERS, SECOND, _write
from tracker.cli import app
from tracker.config import load_settings
from tracker.ingest.batch import commit_import
from tracker.ingest.mappings import save_mapping
from tracker.ingest.profiles import remember
from tracker.messages.problems import Code
from tracker.store.db import unit_of_work

SETTINGS = dataclasses.replace(load_settings({}), today_override=dt.date(2026, 3, 1))
AVON = ImportRequest("avon-and-somerset", "lead", as_of=dt.date(2026, 1, 31))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "lms.csv").write_text(LMS, encoding="utf-8")
    return tmp_path


def _commit(engine: Engine, path: Path, request: ImportRequest = AVON) -> int:
    plan = plan_file(engine, path, request, SETTINGS, in_child=False)
    assert plan.refused is None, plan.refused
    return commit_import(engine, plan, path.read_bytes()).id


def test_the_plan_is_the_one_the_cli_reports(engine: Engine, files: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _commit(engine, files / "roster.csv")
    plan = plan_file(engine, files / "lms.csv", AVON, SETTINGS, in_child=False)
    summary = plan.summary()
    assert (summary["rows_read"], summary["accepted"], summary["warnings"],
            summary["unmatched"], summary["new"]) == (3, 3, 1, 1, 2)
    monkeypatch.chdir(files)
    monkeypatch.setenv("TRACKER_TODAY", "2026-03-01")
    result = CliRunner().invoke(app, ["--db", cli_db_url(engine), "import", "lms.csv",
                                      "--dry-run", "--json", "--as-of", "2026-01-31"])
    assert result.exit_code == 0, result.output
    [reported] = json.loads(result.output)
    assert {key: reported[key] for key in summary} == summary


def test_read_then_plan_is_plan_file_and_a_child_changes_nothing(engine: Engine,
                                                                 files: Path) -> None:
    _commit(engine, files / "roster.csv")
    parsed = read_file(engine, files / "lms.csv", AVON, SETTINGS, in_child=False)
    apart = plan_parsed(engine, parsed, AVON, SETTINGS).summary()
    in_child = plan_file(engine, files / "lms.csv", AVON, SETTINGS)
    assert in_child.summary() == apart
    assert in_child.parsed.records.equals(parsed.records)


def test_saved_mappings_and_layouts_guide_the_read(engine: Engine, tmp_path: Path) -> None:
    first = _write(tmp_path / "first.csv", HEADERS, [[*FIRST[0][:3], "Top Dog", "Zebra"]])
    with unit_of_work(engine) as session:
        save_mapping(session, "rank", "Top Dog", "inspector", "lead")
    plan = plan_file(engine, first, dataclasses.replace(AVON, columns={"Patch": "unit"}),
                     SETTINGS, in_child=False)
    assert plan.parsed.records[["rank", "unit"]].values.tolist() == [["inspector", "Zebra"]]
    commit_import(engine, plan, first.read_bytes())
    with unit_of_work(engine) as session:
        remember(session, "avon-and-somerset", plan.parsed, {"Patch": "unit"}, "lead")
    second = _write(tmp_path / "second.csv", HEADERS, SECOND)
    later = plan_file(engine, second, dataclasses.replace(AVON, full_roster=False),
                      SETTINGS, in_child=False)
    assert later.parsed.layout_used
    assert later.parsed.records["unit"].tolist() == ["Yak Team"]
    assert later.summary()["leavers"] == 0  # a partial roster: Ann stays


def test_the_settings_date_and_limit_the_read(engine: Engine, files: Path) -> None:
    _commit(engine, files / "roster.csv")
    early = dataclasses.replace(SETTINGS, today_override=dt.date(2026, 1, 21))
    plan = plan_file(engine, files / "lms.csv", AVON, early, in_child=False)
    assert [(p.code, p.row) for p in plan.report.problems if p.code is Code.FUTURE_DATE] == [
        (Code.FUTURE_DATE, 4)]  # 22/01/2026 is after that "today"
    with pytest.raises(FileRefused) as refused:
        plan_file(engine, files / "lms.csv", AVON,
                  dataclasses.replace(SETTINGS, max_upload_mb=0), in_child=False)
    assert refused.value.code is Code.FILE_TOO_LARGE


def test_the_request_reaches_the_plan(engine: Engine, files: Path) -> None:
    _commit(engine, files / "roster.csv")
    again = plan_file(engine, files / "roster.csv", AVON, SETTINGS, in_child=False)
    assert again.refused is not None and "was already imported as batch 1" in again.refused
    allowed = dataclasses.replace(AVON, allow_reimport=True, actor="deputy")
    plan = plan_file(engine, files / "roster.csv", allowed, SETTINGS, in_child=False)
    assert (plan.refused, plan.actor, plan.as_of) == (None, "deputy", dt.date(2026, 1, 31))
    with pytest.raises(ValueError, match="Unknown force 'atlantis'"):
        plan_file(engine, files / "lms.csv", dataclasses.replace(AVON, force_code="atlantis"),
                  SETTINGS, in_child=False)
