"""The import, imports, match and map commands, through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from tests.conftest import cli_db_url
from tracker.cli import app
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent

ROSTER = """Staff Number,Collar Number,Surname,Forenames,Email,Rank,Department,Start Date,Status
1001,0042,Lee,Ann,ann.lee@asc.police.uk,Insp,Response - Bristol North,15/01/2015,Active
1002,,Kay,Bob,bob.kay@asc.police.uk,Inspector,NPT Taunton,16/02/2016,Active
1003,777,Dee,Cy,cy.dee@asc.police.uk,Inspector,CID Bristol,17/03/2017,Active
"""
LMS = """Employee ID,Full Name,Email,Course Title,Status,Completion Date
1001,Ann Lee,ann.lee@asc.police.uk,OIC Module 1,Completed,20/01/2026
,Bob Kay,BOB.KAY@asc.police.uk,OIC Module 2,Completed,21/01/2026
,Ann Le,ann.l@elsewhere.uk,OIC Module 3,Completed,22/01/2026
"""




@pytest.fixture
def cli(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `tracker --db URL ...` in tmp_path, holding roster.csv and lms.csv."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "lms.csv").write_text(LMS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", "2026-03-01")
    monkeypatch.delenv("TRACKER_FORCE", raising=False)
    url = cli_db_url(engine)

    def run(*args: str):
        return CliRunner().invoke(app, ["--db", url, *args])

    return run


def lines(output: str) -> list[str]:
    return output.splitlines()


def test_import_needs_init(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(ROSTER, encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'new.db'}", "import",
                                      str(tmp_path / "r.csv")])
    assert result.exit_code == 1
    assert "has no tables yet: run `tracker init` first." in result.output


def test_import_roster_then_lms(cli) -> None:
    result = cli("import", "roster.csv", "--as-of", "2026-01-31", "--user", "lead")
    assert result.exit_code == 0, result.output
    assert lines(result.output)[:3] == [
        "roster.csv: imported as batch 1",
        "  kind hr-roster, force avon-and-somerset, as of 2026-01-31",
        "  rows read 3, accepted 3, warnings 0, rejected 0, unmatched 0, new 3, unchanged 0"]
    result = cli("import", "lms.csv", "--user", "lead")
    assert result.exit_code == 0, result.output
    out = lines(result.output)
    assert out[:3] == [
        "lms.csv: imported as batch 2",
        "  kind lms-long, force avon-and-somerset, as of -",
        "  rows read 3, accepted 3, warnings 1, rejected 0, unmatched 1, new 2, unchanged 0"]
    assert ("    [warning] lms.csv, row 4, column \"Full Name\": Ann Le matched nobody on the "
            "Avon and Somerset Constabulary roster; kept in the review queue. See the queue "
            "with: tracker match list.") in out


def test_reimport_refused_exit_1_and_dry_run_writes_nothing(cli, engine: Engine) -> None:
    cli("import", "roster.csv", "--as-of", "2026-01-31")
    result = cli("import", "roster.csv")
    assert result.exit_code == 1
    assert lines(result.output)[0].startswith(
        "roster.csv: refused: roster.csv was already imported as batch 1 on ")
    result = cli("import", "lms.csv", "--dry-run")
    assert result.exit_code == 0
    assert lines(result.output)[0] == "lms.csv: dry run, nothing written"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM import_batches")).scalar_one() == 1
        assert conn.execute(text("SELECT COUNT(*) FROM completions")).scalar_one() == 0


def test_import_json(cli) -> None:
    result = cli("import", "roster.csv", "lms.csv", "--json", "--as-of", "2026-01-31")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(d["file"], d["status"], d["batch_id"], d["new"]) for d in data] == [
        ("roster.csv", "imported", 1, 3), ("lms.csv", "imported", 2, 2)]
    assert data[1]["problems"][0]["code"] == "unmatched-learner"
    assert data[1]["problem_counts"] == {"unmatched-learner": 1}


def test_usage_errors_exit_2(cli) -> None:
    assert cli("import", "roster.csv", "--kind", "nonsense").exit_code == 2
    assert cli("import").exit_code == 2
    assert cli("map", "rank").exit_code == 2


def test_force_from_environment(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_FORCE", "atlantis")
    result = cli("import", "roster.csv")
    assert result.exit_code == 1
    assert "Error: Unknown force 'atlantis'; use a force code such as avon-and-somerset" in (
        result.output)
    ok = cli("import", "roster.csv", "--force", "wiltshire", "--json")
    assert json.loads(ok.output)[0]["force"] == "wiltshire"


def test_import_is_audited(cli, engine: Engine) -> None:
    cli("import", "roster.csv", "--user", "lead")
    with engine.connect() as conn:
        event = conn.execute(text("SELECT actor, action, target FROM audit_log "
                                  "WHERE action = 'import'")).one()
    assert tuple(event) == ("lead", "import", "batch:1")


def test_unreadable_file_refused(cli, tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    result = cli("import", "old.xls")
    assert result.exit_code == 1
    assert lines(result.output)[0].startswith("old.xls: refused: this is an old-style .xls "
                                              "file, which cannot be read; save it as .xlsx")


def test_imports_list_undo_and_problems(cli, tmp_path: Path) -> None:
    cli("import", "roster.csv", "lms.csv", "--as-of", "2026-01-31")
    listed = json.loads(cli("imports", "list", "--json").output)
    assert [(b["id"], b["file"], b["status"]) for b in listed] == [
        (2, "lms.csv", "committed"), (1, "roster.csv", "committed")]
    result = cli("imports", "problems", "2", "--out", "p.csv")
    assert result.output.strip() == "Wrote 1 problems of batch 2 to p.csv."
    frame = pd.read_csv(tmp_path / "p.csv")
    assert frame[["File", "Row", "Column", "Problem"]].values.tolist() == [
        ["lms.csv", 4, "Full Name", "unmatched-learner"]]
    assert cli("imports", "problems", "2", "--out", "p.xlsx").exit_code == 0
    workbook = pd.read_excel(tmp_path / "p.xlsx", engine="calamine")
    assert workbook["Problem"].tolist() == ["unmatched-learner"]
    result = cli("imports", "undo", "2", "--user", "lead")
    assert result.output.strip() == "Batch 2 (lms.csv) undone."
    again = cli("imports", "undo", "2")
    assert again.exit_code == 1
    assert "Error: Batch 2 was already undone on " in again.output


def test_imports_list_of_one_force(cli) -> None:
    cli("import", "roster.csv", "--as-of", "2026-01-31")
    cli("import", "lms.csv", "--force", "bedfordshire")
    listed = json.loads(cli("imports", "list", "--force", "bedfordshire", "--json").output)
    assert [(b["id"], b["file"], b["force"]) for b in listed] == [(2, "lms.csv", "bedfordshire")]
    every = json.loads(cli("imports", "list", "--json").output)
    assert [(b["id"], b["force"], b["read"], b["as_of"]) for b in every] == [
        (2, "bedfordshire", 3, None), (1, "avon-and-somerset", 3, "2026-01-31")]
    text = lines(cli("imports", "list", "--force", "avon-and-somerset").output)
    assert text[0].split() == ["id", "imported_at", "file", "kind", "force", "as_of", "by",
                               "read", "accepted", "rejected", "unmatched", "new", "status"]
    assert text[1].split()[3:] == ["roster.csv", "hr-roster", "avon-and-somerset",
                                   "2026-01-31", text[1].split()[7], "3", "3", "0", "0", "3",
                                   "committed"]
    assert cli("imports", "list", "--force", "cheshire").output.strip() == (
        "No imports of cheshire yet: `tracker import FILE --force cheshire` adds one.")
    assert "Only this force's batches" in cli("imports", "list", "--help").output


def test_match_suggest_confirm_reject(cli, engine: Engine) -> None:
    cli("import", "roster.csv", "lms.csv", "--as-of", "2026-01-31")
    listed = cli("match", "list", "--json")
    [record] = json.loads(listed.output)
    assert (record["id"], record["name"], record["identity"], record["module"]) == (
        1, "Ann Le", "email:ann.l@elsewhere.uk", "oic-el-3")
    suggest = cli("match", "suggest", "1")
    assert "Ann Lee" in suggest.output and "1001" in suggest.output
    result = cli("match", "confirm", "1", "1001", "--user", "lead")
    assert result.output.strip() == ("Record 1 confirmed as person 1; 1 record(s) of this "
                                     "learner resolved.")
    rejected = cli("match", "reject", "1")
    assert rejected.exit_code == 1
    assert "Error: Unmatched record 1 is already confirmed (by lead); nothing to do." in (
        rejected.output)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM completions")).scalar_one() == 3
    assert cli("match", "list").output.strip() == "The review queue is empty."


def test_map_and_list(cli) -> None:
    assert cli("map", "list").output.strip() == (
        "No mappings yet: `tracker map KIND RAW CANONICAL` adds one.")
    result = cli("map", "department", "RPU Portishead", "roads-policing", "--user", "lead")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Mapped department 'RPU Portishead' to roads-policing.")
    listed = json.loads(cli("map", "list", "--json").output)
    assert [(m["kind"], m["raw"], m["canonical"]) for m in listed] == [
        ("department", "RPU Portishead", "roads-policing")]
    bad = cli("map", "rank", "Grand Poobah", "poobah")
    assert bad.exit_code == 1
    assert "Error: Unknown rank 'poobah'; use one of: " in bad.output


@pytest.mark.parametrize("command", [
    ["import"], ["imports", "list"], ["imports", "undo"], ["imports", "problems"],
    ["imports", "file"],
    ["match", "list"], ["match", "suggest"], ["match", "confirm"], ["match", "reject"],
    ["map"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 4


def test_import_date_order(cli, tmp_path: Path) -> None:
    """--date-order settles a column whose dates read either way: no ambiguous-dates."""
    data = Path(__file__).parents[1] / "data" / "dates-ambiguous.csv"
    (tmp_path / "us.csv").write_bytes(data.read_bytes())
    guessed = json.loads(cli("import", "us.csv", "--dry-run", "--json").output)[0]
    assert guessed["problem_counts"].get("ambiguous-dates") == 1
    chosen = cli("import", "us.csv", "--dry-run", "--json", "--date-order", "month-first")
    assert chosen.exit_code == 0, chosen.output
    assert "ambiguous-dates" not in json.loads(chosen.output)[0]["problem_counts"]
    wrong = cli("import", "us.csv", "--date-order", "sideways")
    assert wrong.exit_code == 2
    assert "'sideways' is not one of 'day-first', 'month-first'" in wrong.output


def test_date_order_choices_are_the_importers() -> None:
    from imports import DATE_ORDERS
    from tracker.cli.imports_cmd import DateOrder

    assert tuple(o.value for o in DateOrder) == DATE_ORDERS


def test_problems_written_from_a_file_cannot_run_as_formulas(cli, tmp_path: Path) -> None:
    (tmp_path / "evil.csv").write_text(
        LMS.replace("Ann Le,", '"=HYPERLINK(""http://x"",""open"")",'), encoding="utf-8")
    cli("import", "roster.csv", "evil.csv", "--as-of", "2026-01-31")
    assert cli("imports", "problems", "2", "--out", "p.csv").exit_code == 0
    assert pd.read_csv(tmp_path / "p.csv")["Value"].tolist() == [
        """'=HYPERLINK("http://x","open")"""]


def test_imports_file_writes_the_upload_back_byte_for_byte(cli, engine: Engine,
                                                           tmp_path: Path) -> None:
    cli("import", "roster.csv", "lms.csv", "--as-of", "2026-01-31", "--user", "lead")
    result = cli("imports", "file", "2", "--out", "copy.csv", "--user", "inspector.x")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"Wrote copy.csv ({len(LMS.encode()):,} bytes), the "
                                     "file of batch 2.")
    assert (tmp_path / "copy.csv").read_bytes() == (tmp_path / "lms.csv").read_bytes()
    with unit_of_work(engine) as session:
        assert session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "download-original")).all() == ["inspector.x"]
    again = cli("imports", "file", "2", "--out", "copy.csv")
    assert (again.exit_code, again.output.strip()) == (
        2, "Error: copy.csv exists; give --out another file name.")
    cli("imports", "undo", "2")
    gone = cli("imports", "file", "2", "--out", "other.csv")
    assert gone.exit_code == 1
    assert "the file of batch 2 is not kept (no such batch, imported before files were kept, " \
        "undone, or purged by the retention policy)" in gone.output


NO_DEPARTMENT = ('no column was recognised as the department, and the requirement rules use '
                 "it (OIC Hydra exercise, OIC e-learning (all four modules)): every person "
                 'would count as "no department". Columns found: Staff Number, Collar Number, '
                 "Surname, Forenames, Email, Rank, Patch, Start Date, Status.")
NO_DEPARTMENT_FIX = ('  To fix: say which column holds the department with --column '
                     '"HEADER=unit" (saved for later files of this layout), or give it a header '
                     'the tool knows, such as "Department". If the file is right, pass --accept '
                     "to import it anyway.")


def test_an_implausible_roster_is_refused_until_accepted(cli, engine: Engine,
                                                         tmp_path: Path) -> None:
    patches = {"Response - Bristol North": "Blue Patch", "NPT Taunton": "Red Patch",
               "CID Bristol": "Green Patch"}  # a header and values nothing recognises
    roster = ROSTER.replace(",Department,", ",Patch,")
    for unit, patch in patches.items():
        roster = roster.replace(unit, patch)
    (tmp_path / "hr-no-department.csv").write_text(roster, encoding="utf-8")
    for extra in ([], ["--dry-run"]):
        result = cli("import", "hr-no-department.csv", "--as-of", "2026-01-31", *extra)
        assert result.exit_code == 1
        assert lines(result.output)[:2] == [
            f"hr-no-department.csv: refused: {NO_DEPARTMENT}", NO_DEPARTMENT_FIX]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM people")).scalar_one() == 0
    as_json = json.loads(cli("import", "hr-no-department.csv", "--json").output)[0]
    assert [(f["code"], f["message"], f["fix"]) for f in as_json["implausible"]] == [
        ("rule-column-missing", f"hr-no-department.csv: {NO_DEPARTMENT}",
         NO_DEPARTMENT_FIX.strip())]
    assert (as_json["status"], as_json["implausible_accepted"]) == ("refused", False)
    result = cli("import", "hr-no-department.csv", "--as-of", "2026-01-31", "--accept")
    assert result.exit_code == 0, result.output
    out = lines(result.output)
    assert out[0] == "hr-no-department.csv: imported as batch 1"
    assert out[3] == f"  accepted as implausible: {NO_DEPARTMENT}"
    with engine.connect() as conn:
        detail = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'import'")
                              ).scalar_one()
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert [f["code"] for f in detail["implausible_accepted"]] == ["rule-column-missing"]


def test_unreadable_thresholds_are_a_usage_error(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_IMPLAUSIBLE_DROP", "10%")
    result = cli("import", "roster.csv")
    assert (result.exit_code, result.output.strip()) == (
        2, "Error: TRACKER_IMPLAUSIBLE_DROP='10%' is not a share from 0 to 1 (e.g. 0.25); "
        "fix or unset it.")


def test_a_department_column_under_an_unknown_header_is_read_by_its_values(
        cli, engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "hr-area.csv").write_text(ROSTER.replace(",Department,", ",Area,"),
                                          encoding="utf-8")
    result = cli("import", "hr-area.csv", "--as-of", "2026-01-31")
    assert result.exit_code == 0, result.output
    assert '    Department <- "Area": 100% of values are known units' in result.output.splitlines()


@pytest.fixture
def race(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Make another user's import of FILE commit just after the command plans its own (the
    command's commit then finds its plan stale and makes it again)."""
    from imports import parse_file
    from tracker.ingest import batch as ingest
    real = ingest.plan_import

    def arrange(winner: str) -> None:
        def racing(engine: Engine, parsed, **kw):
            planned = real(engine, parsed, **kw)
            if kw["actor"] == "lead":
                other = parse_file(tmp_path / winner, today=parsed.as_of)
                ingest.commit_import(engine, real(engine, other, **{**kw, "actor": "deputy"}))
            return planned

        monkeypatch.setattr(ingest, "plan_import", racing)

    return arrange


def test_the_same_file_committed_by_another_user_meanwhile_is_refused(cli, race) -> None:
    cli("import", "roster.csv", "--as-of", "2026-01-31")
    race("lms.csv")
    result = cli("import", "lms.csv", "--user", "lead")
    assert result.exit_code == 1
    head = lines(result.output)[0]
    assert head.startswith("lms.csv: refused: lms.csv was already imported as batch 2 on ")
    assert head.endswith(" by deputy (same content); nothing was changed. To import it again, "
                         "undo that batch first (`tracker imports undo 2`), or use --reimport "
                         "(rows already stored stay as they are).")


def test_an_overlapping_file_committed_meanwhile_leaves_only_the_new_rows(cli, race,
                                                                          tmp_path: Path) -> None:
    cli("import", "roster.csv", "--as-of", "2026-01-31")
    (tmp_path / "lms-2.csv").write_text(LMS.splitlines()[0] + "\n" + LMS.splitlines()[1]
                                        + "\n1003,Cy Dee,cy.dee@asc.police.uk,OIC Module 1,"
                                        "Completed,23/01/2026\n", encoding="utf-8")
    race("lms.csv")  # Ann's module 1 is stored by the other import first
    result = cli("import", "lms-2.csv", "--user", "lead")
    assert result.exit_code == 0, result.output
    assert lines(result.output)[:3] == [
        "lms-2.csv: imported as batch 3",
        "  kind lms-long, force avon-and-somerset, as of -",
        "  rows read 2, accepted 2, warnings 0, rejected 0, unmatched 0, new 1, unchanged 1"]


def test_ctrl_c_during_an_import_imports_nothing_and_says_so(
        cli, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from imports import isolated

    def interrupted(*_args: object, **_kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(isolated, "parse_isolated", interrupted)
    result = cli("import", "roster.csv")
    assert (result.exit_code, result.output) == (130, "Interrupted: nothing was imported.\n")
    with unit_of_work(engine) as session:
        assert session.scalar(text("SELECT count(*) FROM import_batches")) == 0
