"""``tracker plan`` and ``tracker sessions``: the contract's JSON, the plan's
``outstanding`` equal to ``tracker coverage``'s in scope minus completed and exempt on the
same date, and the register's commands. Numbers from ``tests/tracker/test_sessions_plan.py``
(its roster and sessions) and ``tests/tracker/test_coverage.py`` (its roster)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

import tracker.cli  # noqa: F401  (registers every command)
from tests.tracker.factories import add_completion
from tests.tracker.test_coverage import build_roster
from tests.tracker.test_sessions_plan import add_sessions, build_people
from tracker.cli.app import app
from tracker.store.db import unit_of_work
from tracker.store.models import Person

runner = CliRunner()


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(sys.modules["tracker.cli.app"], "make_engine", lambda url: engine)
    monkeypatch.setenv("TRACKER_TODAY", "2026-02-01")
    return engine


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--db", "sqlite://", *args])
    assert result.exit_code == code, result.output
    return result.output


def test_the_plan_as_json_keeps_the_contract(cli: Engine) -> None:
    build_people(cli)
    add_sessions(cli)
    rows = json.loads(run("plan", "--format", "json", "--force", "avon-and-somerset"))
    assert [{k: r[k] for k in ("requirement", "outstanding", "seats_planned", "closes_gap",
                               "sessions_needed")} for r in rows] == [
        {"requirement": "oic-hydra", "outstanding": 4, "seats_planned": 6,
         "closes_gap": True, "sessions_needed": 0}]
    assert (rows[0]["closes_on"], rows[0]["joining"], rows[0]["as_of"]) == (
        "2026-04-15", 2, "2026-02-01")
    [early] = json.loads(run("plan", "-f", "json", "--force", "avon-and-somerset",
                             "--requirement", "oic-hydra", "--by", "2026-03-31"))
    assert (early["seats_planned"], early["closes_gap"], early["sessions_needed"]) == (
        4, False, 1)


def test_the_plan_as_a_table_says_it_in_words(cli: Engine) -> None:
    build_people(cli)
    add_sessions(cli)
    out = run("plan", "--force", "avon-and-somerset")
    assert "still to train now: 4 (in scope 6, completed 1, exempt 1); joining by the " \
        "target: 2" in out
    assert "seats planned by the target: 6 of 6 needed: closes the gap; the plan closes " \
        "it on 2026-04-15" in out
    assert "more sessions of 6 seats needed by the target: 0" in out


@pytest.mark.parametrize("force", ["avon-and-somerset", "wiltshire", None])
@pytest.mark.parametrize("day", ["2026-03-31", "2026-04-30", "2026-06-30"])
def test_outstanding_is_tracker_coverages(cli: Engine, force: str | None, day: str) -> None:
    """In scope minus completed and exempt, from `tracker coverage` on the same date."""
    build_roster(cli)
    where = ["--force", force] if force else []
    [covered] = [r for r in json.loads(run("coverage", "-f", "json", "--as-of", day, *where))
                 if r["requirement"] == "oic-hydra"]
    [planned] = json.loads(run("plan", "-f", "json", "--as-of", day, *where))
    assert planned["outstanding"] == (covered["in_scope"] - covered["completed"]
                                      - covered["exempt"])


def test_outstanding_worked_by_hand_on_the_coverage_roster(cli: Engine) -> None:
    """test_coverage's roster on 30 Jun 2026, Avon and Somerset: Hydra in scope 5 (Ann, Dan,
    Jo, Ed, Liz; Len has left), completed 3 (Ann, Dan, Liz), exempt 0 (Ed's exemption
    ended): 2 still to train (Jo, Ed)."""
    build_roster(cli)
    [planned] = json.loads(run("plan", "-f", "json", "--as-of", "2026-06-30", "--force",
                               "avon-and-somerset"))
    assert (planned["in_scope"], planned["completed"], planned["exempt"],
            planned["outstanding"]) == (5, 3, 0, 2)


def test_the_register_commands(cli: Engine) -> None:
    build_people(cli)
    out = run("sessions", "add", "--date", "2026-03-10", "--venue", "Portishead HQ",
              "--capacity", "12", "--trainer", "Sgt Reid", "--user", "lead")
    assert out == ("Added session 1: oic-hydra on 2026-03-10 at Portishead HQ, 12 seats, "
                   "trainer Sgt Reid (avon-and-somerset).\n")
    assert run("sessions", "edit", "1", "--capacity", "14", "--trainer", "") == (
        "Now session 1: oic-hydra on 2026-03-10 at Portishead HQ, 14 seats "
        "(avon-and-somerset).\n")
    [listed] = json.loads(run("sessions", "list", "--json"))
    assert (listed["id"], listed["date"], listed["capacity"], listed["invited"]) == (
        1, "2026-03-10", 14, 0)
    out = run("sessions", "add", "--date", "2026-03-10", "--venue", "X", "--capacity", "0",
              code=1)
    assert "Error: A session's capacity is its number of seats, 1 or more; 0 was given." in out
    out = run("sessions", "add", "-r", "oic-elearning", "--date", "2026-03-10", "--venue",
              "X", "--capacity", "3", code=1)
    assert "Requirement 'oic-elearning' is not delivered in sessions" in out
    assert run("sessions", "remove", "1").startswith("Removed session 1:")
    assert run("sessions", "list") == ("No session is recorded: add one with "
                                       "`tracker sessions add`.\n")


def test_the_invite_commands(cli: Engine, tmp_path: Path) -> None:
    """Session 2 of test_sessions_plan (10 Mar, 4 seats): the suggestion is Abe, Cal, Nia
    and Jen (see test_sessions_invites); the lead swaps Jen (208) for Ali (203)."""
    build_people(cli)
    second = add_sessions(cli)[1]
    sid = str(second.id)
    assert run("sessions", "invite", sid, "--suggest", "--user", "lead") == (
        f"Invited 4 more to session {sid}; see them with `tracker sessions invites {sid}`.\n")
    assert run("sessions", "uninvite", sid, "--staff", "208") == (
        f"Took 1 off the list of session {sid}.\n")
    run("sessions", "invite", sid, "--staff", "203")
    out = run("sessions", "invites", sid)
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["Cal", "Nia", "Abe", "Ali"]
    out = run("sessions", "invite", sid, "--staff", "999", code=1)
    assert "No one of avon-and-somerset has the staff number 999" in out
    assert run("sessions", "invites", sid, "--out", str(tmp_path / "list.csv")) == (
        f"Wrote 4 people to {tmp_path / 'list.csv'}.\n")
    with open(tmp_path / "list.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[1] for r in rows[1:]] == ["204", "206", "202", "203"]
    out = run("sessions", "invites", sid, "--out", str(tmp_path / "list.pdf"), code=1)
    assert "Cannot export an invite list as 'pdf'; use csv or xlsx." in out
    with unit_of_work(cli) as s:  # the delegate list of 10 Mar: only Abe (202) came
        abe = s.scalar(select(Person).where(Person.staff_number == "202"))
        add_completion(s, abe, "oic-hydra", dt.date(2026, 3, 10), file_name="hydra-mar.xlsx")
    out = run("sessions", "invites", sid, "--as-of", "2026-03-11")
    assert out.endswith("\nWho came: 1 invited, attended; 0 invited, did not attend (on the "
                        "delegate list); 3 invited, not on the delegate list; 0 attended, not "
                        "invited.\n")


def test_a_missing_session_says_where_to_find_the_ids(cli: Engine) -> None:
    out = run("sessions", "remove", "7", code=1)
    assert out == ("Error: No session 7 in the register. `tracker sessions list` shows the "
                   "sessions with their ids.\n")
