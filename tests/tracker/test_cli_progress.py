"""`tracker import` shows its progress on a terminal's stderr, and nowhere else: not with
--json, not when stderr is not a terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.conftest import cli_db_url
from tests.tracker.test_cli_imports import LMS, ROSTER
from tracker.cli import app, terminal


@pytest.fixture
def cli(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `tracker --db URL ...` in tmp_path, holding roster.csv and lms.csv; stdout and
    stderr apart."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "lms.csv").write_text(LMS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", "2026-03-01")
    monkeypatch.delenv("TRACKER_FORCE", raising=False)
    url = cli_db_url(engine)

    def run(*args: str):
        return CliRunner().invoke(app, ["--db", url, *args])

    return run


@pytest.fixture
def on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make stderr count as a terminal (CliRunner's is not one)."""
    monkeypatch.setattr(terminal, "is_terminal", lambda stream: True)


def test_import_draws_its_stages_on_a_terminal_and_clears_them(cli, on_a_terminal) -> None:
    assert cli("import", "roster.csv", "--accept").exit_code == 0
    result = cli("import", "lms.csv", "--accept")
    assert result.exit_code == 0, result.output
    drawn = result.stderr.split("\r")
    # a stage that runs longer than a redraw interval (a loaded machine) is drawn again with
    # its share done: each stage once, in order, is what the reader sees
    stages = [re.sub(r" \d+%$", "", line.rstrip()) for line in drawn[1:-2]]
    assert [s for i, s in enumerate(stages) if i == 0 or s != stages[i - 1]] == [
        "lms.csv: Reading the file…", "lms.csv: Recognising 6 columns…",
        "lms.csv: Checking 3 rows…", "lms.csv: Matching 3 learners to the roster…",
        "lms.csv: Writing 2 completions…"]
    assert drawn[-2].strip() == "" and drawn[-1] == ""  # cleared
    assert "\r" not in result.stdout
    assert result.stdout.startswith("lms.csv: imported as batch 2\n")


def test_import_json_writes_only_json_to_stdout_and_nothing_to_stderr(cli,
                                                                       on_a_terminal) -> None:
    result = cli("import", "roster.csv", "lms.csv", "--accept", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert [r["status"] for r in json.loads(result.stdout)] == ["imported", "imported"]


def test_import_writes_no_progress_when_stderr_is_not_a_terminal(cli) -> None:
    result = cli("import", "roster.csv", "lms.csv", "--accept")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_refusal_is_said_on_a_line_of_its_own(cli, on_a_terminal) -> None:
    result = cli("import", "lms.csv", "--force", "atlantis")
    assert result.exit_code == 1
    assert result.stderr.endswith("\r" + "Error: Unknown force 'atlantis'; use a force code "
                                  "such as avon-and-somerset "
                                  "(see tracker/reference/data/forces.toml).\n")
    cleared = result.stderr.split("\r")[-2]
    assert cleared.strip() == ""
