"""`tracker referrals`: recommendation 2's figures, the chase list and one referral's why,
from the command line, on the hand-worked world of tests/tracker/test_referrals.py (as of
20/03/2026: 2 of 4 counted within the window, INC-4 missing, INC-5 pending)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.conftest import cli_db_url, cli_in
from tests.tracker.test_referrals import world  # noqa: F401  (the fixture)
from tracker.cli import app


@pytest.fixture
def cli(world: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    return cli_in(world, tmp_path, monkeypatch, "2026-03-20")


def test_the_figures_as_json_by_department(cli) -> None:
    result = cli("referrals", "--by", "department", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = [{k: r[k] for k in ("department", "submitted", "late", "missing", "pending",
                               "value_pct")} for r in json.loads(result.output)]
    assert rows == [
        {"department": "cid", "submitted": 0, "late": 0, "missing": 1, "pending": 0,
         "value_pct": 0.0},
        {"department": "response", "submitted": 2, "late": 1, "missing": 0, "pending": 1,
         "value_pct": 66.7}]


def test_the_table_says_the_rule_in_words(cli) -> None:
    result = cli("referrals", "--force", "avon-and-somerset")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("NCCU referrals as of 2026-03-20\n")
    assert "pending and left out" in result.output


def test_missing_lists_the_referral_to_chase_with_its_line_manager(cli) -> None:
    result = cli("referrals", "missing", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("force,reference,nccu_reference,referred_on,referred_at,"
                               "due_on,officer")
    assert lines[1:] == ["avon-and-somerset,INC-4,,2026-03-05,,2026-03-12,1002,Al Jones,"
                         "constable,cid,9000,Sam Boss"]


def test_the_time_of_day_shows_in_the_chase_list_and_the_why(cli, world: Engine) -> None:  # noqa: F811
    from tests.tracker.test_referrals import _times

    _times(world)
    result = cli("referrals", "missing", "--format", "json")
    assert [(r["reference"], r["referred_at"]) for r in json.loads(result.output)] == [
        ("INC-4", "14:35")]
    assert cli("referrals", "explain", "INC-4").output.startswith(
        "Referral INC-4, reported on 5 Mar 2026 at 14:35 by officer 1002 (Al Jones): missing")


def test_explain_one_referral_and_refuse_an_unknown_one(cli) -> None:
    result = cli("referrals", "explain", "INC-5")
    assert result.output == (
        "Referral INC-5, reported on 15 Mar 2026 by officer 1234 (Jo Smith): pending: no "
        "document yet; its 7-day window is open until 22 Mar 2026, so it is not counted "
        "yet.\n")
    unknown = cli("referrals", "explain", "INC-99")
    assert unknown.exit_code == 1
    assert "no referral has the reference 'INC-99'" in unknown.output


def test_an_unknown_breakdown_is_a_usage_error(cli) -> None:
    result = cli("referrals", "--by", "station")
    assert result.exit_code == 2
    assert "cannot break referrals down by 'station'" in result.output


def test_every_command_and_option_has_help(cli) -> None:
    for args in (["referrals"], ["referrals", "missing"], ["referrals", "explain"]):
        text = cli(*args, "--help").output
        assert "--as-of" in text and "--force" in text


def test_tracker_import_takes_both_logs(engine: Engine, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.imports.test_intel import REFERRALS, SUBMISSIONS, write_csv

    monkeypatch.setenv("TRACKER_TODAY", "2026-03-20")
    refs = write_csv(tmp_path / "referrals.csv", REFERRALS)
    subs = write_csv(tmp_path / "intel.csv", SUBMISSIONS)
    result = CliRunner().invoke(app, ["--db", cli_db_url(engine), "import", str(refs),
                                      str(subs), "--json"])
    assert result.exit_code == 0, result.output
    done = json.loads(result.output)
    assert [(d["kind"], d["new"]) for d in done] == [("nccu-referrals", 2),
                                                     ("intelligence-submissions", 2)]
