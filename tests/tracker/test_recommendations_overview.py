"""The one progress view of the recommendations (``tracker.recommendations.overview``) and
``tracker recommendations``: training figures are ``tracker coverage``'s own; statuses are
worked by hand on the roster of ``tests/tracker/test_coverage.py``."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pandas as pd
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

import tracker.cli  # noqa: F401  (registers every command)
from tests.tracker.test_coverage import FORCE, build_roster
from tracker.cli.app import app
from tracker.coverage.rules import load_rules
from tracker.recommendations import overview as ov
from tracker.recommendations.milestones import mark_done, shipped
from tracker.recommendations.wording import wordings

D = dt.date
runner = CliRunner()


@pytest.fixture
def roster(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    build_roster(engine)
    monkeypatch.setattr(sys.modules["tracker.cli.app"], "make_engine", lambda url: engine)
    monkeypatch.setenv("TRACKER_TODAY", "2026-04-30")
    return engine


def run(*args: str) -> str:
    result = runner.invoke(app, ["--db", "sqlite://", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_shipped_words_deadlines_and_measures() -> None:
    shipped_words = wordings()
    assert list(shipped_words) == [2, 4, 8, 9]
    assert [w.deadline for w in shipped_words.values()] == [
        D(2026, 4, 30), D(2025, 12, 31), D(2026, 4, 30), D(2026, 4, 30)]
    assert shipped_words[2].text.startswith("By 30 April 2026, chief constables should make "
                                            "sure that every time a member of their force")
    assert (shipped_words[8].requirement, shipped_words[9].requirement) == (
        "oic-hydra", "oic-elearning")
    rules = load_rules()
    for number in (8, 9):
        assert rules.get(str(shipped_words[number].requirement)).deadline == \
            shipped_words[number].deadline
    assert (shipped().text, shipped().deadline) == (shipped_words[4].text, D(2025, 12, 31))
    assert set(ov.MEASURES) == {2, 4, 8, 9}


@pytest.mark.parametrize(("value", "status"), [
    (50.0, "green"), (49.9, "amber"), (40.0, "amber"), (39.9, "red"), (None, "amber")])
def test_the_pace_status_worked_by_hand(value: float | None, status: str) -> None:
    """Hydra training opened on 1 Jan 2024, deadline 30 Apr 2026: 850 days. On 1 Mar 2025,
    425 days in, a steady pace needs 50.0%; amber down to 40.0%."""
    req = load_rules().get("oic-hydra")
    assert ov.pace_status(req, value, D(2025, 3, 1))[0] == status


def test_a_reason_says_the_gap() -> None:
    req = load_rules().get("oic-hydra")
    assert ov.pace_status(req, 45.0, D(2025, 3, 1)) == (
        "amber", "At risk: 45.0% on 1 Mar 2025; a steady pace needs 50.0% by then, and this "
        "is 5.0 points below it.")


@pytest.mark.parametrize("force", [FORCE, "wiltshire", None])
@pytest.mark.parametrize("day", ["2026-03-31", "2026-04-30", "2026-06-30"])
def test_training_figures_are_tracker_coverages(roster: Engine, force: str | None,
                                                day: str) -> None:
    where = ["--force", force] if force else []
    covered = {r["requirement"]: r["coverage_pct"]
               for r in json.loads(run("coverage", "--format", "json", "--as-of", day, *where))}
    shown = {r["recommendation"]: r["value_pct"]
             for r in json.loads(run("recommendations", "--format", "json", "--as-of", day,
                                     *where))}
    assert (shown[8], shown[9]) == (covered["oic-hydra"], covered["oic-elearning"])


def test_after_the_deadline_worked_by_hand(roster: Engine) -> None:
    """30 Jun 2026, Avon and Somerset. Hydra: Ann, Dan, Liz (late) done; Jo (grace ended)
    and Ed (exemption ended) outstanding: 3 / 5 = 60.0%; on the deadline 2 / 4 = 50.0%.
    E-learning: Ann, Cath, Liz, Sam done; Dan, Jo, Ed, Tom not: 4 / 8 = 50.0%; on the
    deadline 3 / 7 = 42.9%. A steady pace needs 100% from the deadline on: both red. The
    register: 3 shipped milestones, none done by 31 Dec 2025: red."""
    data = json.loads(run("recommendations", "-f", "json", "--as-of", "2026-06-30",
                          "--force", FORCE))
    assert [(r["recommendation"], r["deadline"], r["value_pct"], r["done"], r["total"],
             r["on_deadline_pct"], r["on_deadline_done"], r["status"]) for r in data] == [
        (2, "2026-04-30", None, None, None, None, None, "amber"),  # no referral log yet
        (4, "2025-12-31", None, 0, 3, None, 0, "red"),
        (8, "2026-04-30", 60.0, None, None, 50.0, None, "red"),
        (9, "2026-04-30", 50.0, None, None, 42.9, None, "red")]
    assert data[2]["reason"] == ("Off track: 60.0% on 30 Jun 2026; a steady pace needs 100.0% "
                                 "by then, and this is 40.0 points below it.")
    assert data[2]["rule"].startswith("OIC Hydra exercise: on a steady pace from 1 January "
                                      "2024 (training available) to 100% on 30 April 2026")
    assert set(data[0]) >= {"recommendation", "deadline", "measure", "value_pct", "status",
                            "rule"}


def test_wiltshire_is_green_on_hydra_and_its_register_counts_what_is_done(
        roster: Engine) -> None:
    """Wiltshire on 30 Apr 2026: Will (Insp, CID) did Hydra on 1 Apr: 1 / 1 = 100.0%, the
    pace's 100%: green; no e-learning: 0 / 1 = 0.0%: red. Two of its three milestones done
    on 1 Dec 2025: 2 of 3, both by the deadline, red after it."""
    for key in ("oic-profile", "intelligence-collection-plan"):
        mark_done(roster, "wiltshire", key, D(2025, 12, 1), "lead", today=D(2026, 4, 30))
    view = ov.overview(roster, "wiltshire", D(2026, 4, 30), load_rules())
    assert [(s.recommendation, s.value_pct, s.done, s.total, s.on_deadline_done, s.status)
            for s in view.standings] == [(2, None, None, None, None, "amber"),
                                         (4, None, 2, 3, 2, "red"),
                                         (8, 100.0, None, None, None, "green"),
                                         (9, 0.0, None, None, None, "red")]
    assert view.unmeasured == ()


def test_all_forces_pool_the_registers_held(roster: Engine) -> None:
    """No force holds a register: 0 of 0 (never green). Once Wiltshire's is read it counts:
    0 of its 3."""
    def plan() -> tuple[int | None, int | None, str]:
        s = ov.plan_standing(roster, None, D(2025, 12, 1))
        return s.done, s.total, s.status
    assert plan() == (0, 0, "amber")
    ov.plan_standing(roster, "wiltshire", D(2025, 12, 1))
    assert plan() == (0, 3, "amber")


def test_the_frame_reads_as_a_progress_update(roster: Engine) -> None:
    frame = ov.overview_frame(ov.overview(roster, FORCE, D(2026, 6, 30), load_rules()))
    assert frame[["recommendation", "figure", "on_deadline", "status"]].to_dict("records") == [
        {"recommendation": 2, "figure": "-", "on_deadline": "", "status": "At risk (amber)"},
        {"recommendation": 4, "figure": "0 of 3 done", "on_deadline": "0 of 3 done",
         "status": "Off track (red)"},
        {"recommendation": 8, "figure": "60.0%", "on_deadline": "50.0%",
         "status": "Off track (red)"},
        {"recommendation": 9, "figure": "50.0%", "on_deadline": "42.9%",
         "status": "Off track (red)"}]
    assert pd.isna(frame.loc[0, "value_pct"])


def test_table_and_csv(roster: Engine) -> None:
    table = run("recommendations", "--force", FORCE)
    lines = table.splitlines()
    assert lines[0] == "Recommendations as of 2026-04-30, Avon and Somerset Constabulary"
    assert "Recommendation 8: Hydra training on OIC" in lines
    csv_lines = run("recommendations", "--format", "csv", "--force", FORCE).splitlines()
    assert csv_lines[0] == ("recommendation,title,deadline,measure,value_pct,done,total,"
                            "on_deadline_pct,on_deadline_done,status,rule,reason,evidence")
    assert csv_lines[1].startswith("2,Intelligence documents for NCCU referrals,2026-04-30,")
    assert len(csv_lines) == 5


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xml"], "Error: unknown format 'xml'; use one of table, csv, json."),
    (["--force", "atlantis"], "Error: unknown force 'atlantis'; use a force code such as "
     "avon-and-somerset (see tracker/reference/data/forces.toml)."),
])
def test_refusals(roster: Engine, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["--db", "sqlite://", "recommendations", *args])
    assert result.exit_code == 2
    assert message in result.output
