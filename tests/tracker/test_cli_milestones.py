"""`tracker milestones`: the register of recommendation 4's milestones from the command line:
list with progress, add, edit, done, attach, and evidence written back byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import cli_in


@pytest.fixture
def cli(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`tracker --db URL ...` in tmp_path, today being 1 March 2026."""
    return cli_in(engine, tmp_path, monkeypatch, "2026-03-01")


def test_list_shows_the_register_and_its_status(cli) -> None:
    result = cli("milestones", "list", "--as-of", "2025-12-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["key", "title", "owner", "due", "status", "done", "on",
                                "evidence"]
    assert [line.split()[0] for line in lines[1:4]] == [
        "oic-profile", "strategic-intelligence-requirement", "intelligence-collection-plan"]
    assert lines[5] == (
        "0 of 3 milestones done as of 2025-12-01. At risk: 0 of 3 milestones done; still to do "
        "by the deadline (31 December 2025, 30 days away): OIC profile (not started); Strategic "
        "Intelligence Requirement (not started); Intelligence Collection Plan (not started).")
    assert lines[6].startswith("Rule: On track: every milestone in the register is done")


def test_done_attach_and_evidence_round_trip(cli, tmp_path: Path) -> None:
    (tmp_path / "profile.pdf").write_bytes(b"%PDF-1.7\x00\xff profile")
    done = cli("milestones", "done", "oic-profile", "--on", "2025-11-14", "--user", "lead")
    assert done.output == "Now oic-profile: OIC profile (done on 2025-11-14; due 2025-12-31).\n"
    attached = cli("milestones", "attach", "oic-profile", "profile.pdf", "--user", "lead")
    assert attached.exit_code == 0, attached.output
    assert attached.output.startswith("Attached profile.pdf (18 bytes, SHA-256 ")
    written = cli("milestones", "evidence", "oic-profile", "--out", "copy.pdf")
    assert written.output == "Wrote copy.pdf (18 bytes), profile.pdf of oic-profile.\n"
    assert (tmp_path / "copy.pdf").read_bytes() == b"%PDF-1.7\x00\xff profile"
    again = cli("milestones", "evidence", "oic-profile", "--out", "copy.pdf")
    assert (again.exit_code, again.output) == (
        2, "Error: copy.pdf exists; give --out another file name.\n")
    [doc] = json.loads(cli("milestones", "evidence", "oic-profile", "--json").output)
    assert (doc["file_name"], doc["size"], doc["uploaded_by"]) == ("profile.pdf", 18, "lead")
    listed = json.loads(cli("milestones", "list", "--json").output)
    assert (listed["progress"]["done"], listed["progress"]["total"],
            listed["progress"]["status"]) == (1, 3, "red")
    assert listed["milestones"][0]["evidence"] == ["profile.pdf"]


def test_add_and_edit(cli) -> None:
    added = cli("milestones", "add", "Information sharing agreement", "--owner", "Partnerships",
                "--due", "2025-12-15", "--force", "dorset")
    assert added.output == ("Added information-sharing-agreement: Information sharing "
                            "agreement (not started; due 2025-12-15, owner Partnerships).\n")
    edited = cli("milestones", "edit", "information-sharing-agreement", "--status", "in progress",
                 "--owner", "", "--force", "dorset")
    assert edited.output == ("Now information-sharing-agreement: Information sharing "
                             "agreement (in progress; due 2025-12-15).\n")
    assert len(json.loads(cli("milestones", "list", "--json").output)["milestones"]) == 3


@pytest.mark.parametrize(("args", "message"), [
    (["milestones", "edit", "icp", "--owner", "x"],
     "Error: No milestone 'icp' in the register of avon-and-somerset. `tracker milestones list "
     "--force avon-and-somerset` shows the register with each key.\n"),
    (["milestones", "edit", "oic-profile", "--status", "done"],
     "Error: A milestone marked done needs the date it was done. Mark it done with tracker "
     "milestones done KEY --on DATE.\n"),
    (["milestones", "done", "oic-profile", "--on", "2026-03-02"],
     "Error: The date done, 2026-03-02, is after today (2026-03-01); give the date it was "
     "done.\n"),
    (["milestones", "evidence", "oic-profile", "--out", "x.pdf"],
     "Error: Milestone 'oic-profile' has no evidence documents yet. Attach one with tracker "
     "milestones attach KEY FILE.\n"),
    (["milestones", "list", "--force", "atlantis"],
     "Error: Unknown force 'atlantis'; use a force code such as avon-and-somerset.\n"),
])
def test_refusals_exit_1_with_what_to_do(cli, args: list[str], message: str) -> None:
    result = cli(*args)
    assert (result.exit_code, result.output) == (1, message)
