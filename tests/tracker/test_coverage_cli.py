"""``tracker coverage / outstanding / trend / explain``: the output is the engine's."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

import tracker.cli.coverage_cmd  # noqa: F401  (registers the commands)
from tests.tracker.test_coverage import DEADLINE, FORCE, build_roster
from tracker.cli.app import app
from tracker.coverage.engine import compute, to_records
from tracker.coverage.rules import load_rules

runner = CliRunner()


@pytest.fixture
def roster(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The hand-worked roster, and the CLI pointed at its database."""
    build_roster(engine)
    monkeypatch.setattr(sys.modules["tracker.cli.app"], "make_engine", lambda url: engine)
    monkeypatch.setenv("TRACKER_TODAY", "2026-04-30")
    return engine


def run(*args: str) -> str:
    result = runner.invoke(app, ["--db", "sqlite://", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("by", [[], ["rank", "department"], ["line_manager"], ["force"]])
def test_json_matches_the_engine(roster: Engine, by: list[str]) -> None:
    args = ["coverage", "--format", "json", "--as-of", "2026-04-30"]
    if by:
        args += ["--by", ",".join(by)]
    expected = compute(roster, load_rules(), DEADLINE).summary(by)
    assert json.loads(run(*args)) == to_records(expected)


def test_json_keys_without_by(roster: Engine) -> None:
    """Defaults: as of $TRACKER_TODAY, one object per requirement."""
    data = json.loads(run("coverage", "--format", "json", "--force", FORCE))
    assert data == [
        {"requirement": "oic-hydra", "in_scope": 5, "exempt": 0, "completed": 2,
         "completed_late": 0, "not_yet_due": 1, "outstanding": 2, "coverage_pct": 50.0,
         "small_group": True},
        {"requirement": "oic-elearning", "in_scope": 8, "exempt": 0, "completed": 3,
         "completed_late": 0, "not_yet_due": 1, "outstanding": 4, "coverage_pct": 42.9,
         "small_group": True},
    ]


def test_table_is_aligned_and_labelled(roster: Engine) -> None:
    output = run("coverage", "--by", "rank,department", "--force", FORCE,
                 "--requirement", "oic-hydra")
    lines = output.splitlines()
    assert lines[0] == "Coverage as of 2026-04-30, Avon and Somerset Constabulary"
    header, rule, *rows = lines[2:8]
    assert header.split()[:4] == ["Requirement", "Rank", "Department", "In"]
    assert rows[2] == ("oic-hydra    Inspector  CID                    2       0          2"
                       "              0            0            0   100.0%*")
    # Coverage, the last column, is right-aligned: every line ends under the rule's end.
    assert {len(line) for line in [header, *rows]} == {len(rule)}
    assert "* fewer than 10 people in scope: read the percentage with care." in output


def test_csv(roster: Engine) -> None:
    output = run("coverage", "--format", "csv", "--force", FORCE)
    assert output.splitlines()[0] == ("requirement,in_scope,exempt,completed,completed_late,"
                                      "not_yet_due,outstanding,coverage_pct,small_group")
    assert output.splitlines()[1] == "oic-hydra,5,0,2,0,1,2,50.0,True"


def test_outstanding_json_and_table(roster: Engine) -> None:
    data = json.loads(run("outstanding", "-r", "oic-hydra", "--force", FORCE,
                          "--as-of", "2026-06-30", "--format", "json"))
    assert [(r["full_name"], r["department"], r["days_to_deadline"]) for r in data] == [
        ("Ed Exempt", "roads-policing", -61), ("Jo Joiner", "neighbourhood", -61)]
    table = run("outstanding", "--by", "line_manager", "-r", "oic-elearning", "--force", FORCE)
    assert "Ann Moved" in table and "oic-el-4" in table


def test_explain_text_and_json(roster: Engine) -> None:
    text = run("explain", "0101")
    assert text.splitlines()[0] == ("Ann Moved (staff 101, collar 0101, Avon and Somerset "
                                    "Constabulary), as of 2026-04-30")
    data = json.loads(run("explain", "ann@example.test", "--json", "--as-of", "2026-01-31"))
    assert data["state"]["department"] == "response"


def test_trend_json(roster: Engine) -> None:
    data = json.loads(run("trend", "-r", "oic-hydra", "--today", "2026-11-30", "--force",
                          FORCE, "--format", "json"))
    assert (data["rag"], data["current_pct"], data["forecast_date"]) == ("red", 60.0, None)
    assert data["weekly"][-1]["week_ending"] == "2026-11-30"


@pytest.mark.parametrize(("args", "message", "code"), [
    (["coverage", "--by", "shoe_size"], "Error: cannot break coverage down by 'shoe_size'; "
     "--by takes one or two of rank, department, unit, workforce_type, line_manager, force, "
     "comma-separated (e.g. --by rank,department).", 2),
    (["coverage", "--format", "xml"], "Error: unknown format 'xml'; use one of table, csv, "
     "json.", 2),
    (["coverage", "--force", "atlantis"], "Error: unknown force 'atlantis'; use a force code "
     "such as avon-and-somerset (see tracker/reference/data/forces.toml).", 2),
    (["explain", "nobody"], "Error: nobody has the staff number, collar number, e-mail or id "
     "'nobody'. Check the value against the HR roster.", 1),
])
def test_refusals_say_what_to_do(roster: Engine, args: list[str], message: str,
                                 code: int) -> None:
    result = runner.invoke(app, ["--db", "sqlite://", *args])
    assert result.exit_code == code
    assert message in result.output


def test_unknown_requirement(roster: Engine) -> None:
    result = runner.invoke(app, ["--db", "sqlite://", "coverage", "-r", "oic-nope"])
    assert result.exit_code == 1
    assert "No requirement 'oic-nope'" in result.output
    assert "known: oic-hydra, oic-elearning" in result.output


def test_as_of_defaults_to_settings_today(roster: Engine,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TODAY", "2026-01-31")
    data = json.loads(run("coverage", "--format", "json", "--force", FORCE,
                          "-r", "oic-hydra"))
    expected = compute(roster, load_rules(), dt.date(2026, 1, 31), force=FORCE,
                       requirement="oic-hydra").summary()
    assert data == to_records(expected)


def test_departments_option(roster: Engine) -> None:
    data = json.loads(run("coverage", "--format", "json", "--department", "cid",
                          "--department", "roads-policing", "--by", "department"))
    expected = compute(roster, load_rules(), DEADLINE,
                       departments=["cid", "roads-policing"]).summary(["department"])
    assert data == to_records(expected)
    assert {r["department"] for r in data} == {"cid", "roads-policing"}


@pytest.mark.slow
def test_demo_force_json_matches_the_engine(engine: Engine, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo force, imported through the real import path (6,500 people)."""
    from tracker.cli.core import build_demo_database

    today = dt.date(2026, 11, 30)
    build_demo_database(engine, tmp_path / "files", today)
    monkeypatch.setattr(sys.modules["tracker.cli.app"], "make_engine", lambda url: engine)
    result = compute(engine, load_rules(), today, force=FORCE)
    assert result.summary()["in_scope"].min() > 0
    for by in ([], ["rank", "department"], ["line_manager"]):
        args = ["coverage", "--format", "json", "--as-of", "2026-11-30", "--force", FORCE]
        data = json.loads(run(*args, *(["--by", ",".join(by)] if by else [])))
        assert data == to_records(result.summary(by)), by
    listing = json.loads(run("outstanding", "--format", "json", "--as-of", "2026-11-30",
                             "--force", FORCE))
    assert listing == to_records(result.outstanding())
    hydra = result.summary().set_index("requirement").loc["oic-hydra"]
    [planned] = json.loads(run("plan", "--format", "json", "--as-of", "2026-11-30", "--force",
                               FORCE))
    assert planned["outstanding"] == hydra["in_scope"] - hydra["completed"] - hydra["exempt"]
    # the demo's sessions: 14 Dec 2026, 4 and 25 Jan 2027 (12 + 12 + 16 seats); the deadline
    # has passed, so the target is the last of them
    assert (planned["seats_planned"], planned["target"]) == (40, "2027-01-25")


@pytest.mark.parametrize("args", [
    ["coverage", "--format", "json", "--by", "rank,department"],
    ["outstanding", "--format", "json"],
    ["trend", "--requirement", "oic-elearning", "--format", "json"],
])
def test_a_saved_snapshot_gives_the_same_output_without_the_roster_query(
        roster: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        args: list[str]) -> None:
    from tracker.coverage import engine as coverage_engine
    from tracker.coverage import trend as coverage_trend
    from tracker.coverage.snapshot import snapshot_folder, stored_snapshot

    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    queried = run(*args)
    stored_snapshot(roster, load_rules(), snapshot_folder(tmp_path))

    def no_query(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the roster was queried although a snapshot was saved")

    monkeypatch.setattr(coverage_engine, "load_states", no_query)
    monkeypatch.setattr(coverage_trend, "load_states", no_query)
    assert run(*args) == queried
