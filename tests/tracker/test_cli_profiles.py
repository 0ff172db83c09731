"""`tracker import --column` and the profiles it saves: the next file of the same layout
needs no mapping; `tracker profiles list / show / delete`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from tests.conftest import cli_in
from tracker.cli import app

# The department column is headed "Patch", a word recognition does not know, and its values
# are no known unit: only the user can say what it holds.
HEADERS = ["Staff Number", "Surname", "Forenames", "Rank", "Patch"]
FIRST = [["1001", "Lee", "Ann", "Insp", "Zebra Squad"],
         ["1002", "Kay", "Bob", "Inspector", "Yak Team"]]
SECOND = [["1003", "Dee", "Cy", "Inspector", "Yak Team"]]
COLUMNS = [
    'Staff number <- "Staff Number": 100% of values look like identifiers',
    'Surname <- "Surname": 100% of values look like names',
    'Forenames <- "Forenames": 100% of values look like names',
    'Rank <- "Rank": 100% of values are known ranks or grades',
    'Department <- "Patch": chosen for this layout']


def _write(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([headers, *rows])
    return path


@pytest.fixture
def cli(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`tracker --db URL ...` in tmp_path, holding first.csv and second.csv (the same
    layout with its columns in another order)."""
    _write(tmp_path / "first.csv", HEADERS, FIRST)
    order = [4, 0, 3, 1, 2]
    _write(tmp_path / "second.csv", [HEADERS[i] for i in order],
           [[row[i] for i in order] for row in SECOND])
    return cli_in(engine, tmp_path, monkeypatch, "2026-03-01")


def _units(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        return [(r[0], r[1]) for r in conn.execute(text(
            "SELECT p.staff_number, s.unit FROM person_states s JOIN people p "
            "ON p.id = s.person_id WHERE s.status = 'active' ORDER BY 1"))]


def _section(output: str) -> list[str]:
    """The lines under "columns:" (up to the next heading)."""
    lines = output.splitlines()
    start = lines.index("  columns:") + 1
    return [line.strip() for line in lines[start:] if line.startswith("    ")][:len(COLUMNS)]


def test_without_a_mapping_the_patch_column_feeds_nothing(cli, engine: Engine) -> None:
    result = cli("import", "first.csv", "--as-of", "2026-01-31")
    assert result.exit_code == 1, result.output  # no department: implausible
    assert '--column "HEADER=unit"' in result.output
    accepted = cli("import", "first.csv", "--as-of", "2026-01-31", "--accept")
    assert accepted.exit_code == 0, accepted.output
    assert ('"Patch" not used: no field of this kind of file fits its header or its values'
            in _section(accepted.output))
    assert _units(engine) == [("1001", None), ("1002", None)]


def test_a_column_mapping_is_used_then_saved_for_the_next_file(cli, engine: Engine) -> None:
    result = cli("import", "first.csv", "--as-of", "2026-01-31", "--user", "lead",
                 "--column", "patch=Department")
    assert result.exit_code == 0, result.output
    assert "using the saved mapping" not in result.output
    assert _section(result.output) == COLUMNS
    second = cli("import", "second.csv", "--as-of", "2026-02-28", "--partial", "--json")
    assert second.exit_code == 0, second.output
    [data] = json.loads(second.output)
    assert data["layout_used"] is True
    assert {"column": "Patch", "field": "unit", "source": "saved mapping",
            "evidence": "chosen for this layout",
            "describe": COLUMNS[-1]} in data["columns"]
    assert _units(engine) == [("1001", "Zebra Squad"), ("1002", "Yak Team"),
                              ("1003", "Yak Team")]
    [profile] = json.loads(cli("profiles", "list", "--json").output)
    assert (profile["columns"], profile["created_by"], profile["uses"]) == (
        {"Patch": "unit"}, "lead", 1)


def test_the_text_output_says_the_saved_mapping_was_used(cli) -> None:
    cli("import", "first.csv", "--as-of", "2026-01-31", "--column", "Patch=unit")
    result = cli("import", "second.csv", "--dry-run")
    lines = result.output.splitlines()
    assert lines[lines.index("  columns:") - 1] == "  using the saved mapping for this layout"


def test_a_dry_run_saves_no_mapping(cli) -> None:
    assert cli("import", "first.csv", "--dry-run", "--column", "Patch=unit").exit_code == 0
    assert cli("profiles", "list").output.strip() == (
        'No saved column mappings yet: `tracker import FILE --column "HEADER=FIELD"` saves '
        "one.")


@pytest.mark.parametrize(("value", "message"), [
    ("Patch", '"Patch" is not HEADER=FIELD; write it like --column "Patch=unit".'),
    ("=unit", '"=unit" is not HEADER=FIELD; write it like --column "Patch=unit".'),
    ("Patch=dept", '"Patch=dept": \'dept\' is not a field; use one of: staff_number, ')])
def test_a_bad_column_value_is_a_usage_error_naming_it(cli, value: str, message: str) -> None:
    result = cli("import", "first.csv", "--column", "Rank=rank", "--column", value)
    assert result.exit_code == 2
    assert " ".join(result.output.split()).startswith(
        "Usage: ") and message in " ".join(result.output.split())


def test_a_header_the_file_lacks_or_a_field_of_another_kind_is_refused(cli) -> None:
    result = cli("import", "first.csv", "--column", "Area=unit")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(
        'first.csv: refused: no column headed "Area"; its columns are: Staff Number, '
        "Surname, Forenames, Rank, Patch. Say which column holds it with --column")
    other = cli("import", "first.csv", "--column", "Patch=venue")
    assert other.exit_code == 1
    assert '"venue" is not a field of a HR roster' in other.output


def test_a_missing_column_refusal_says_how_to_map_it(cli, tmp_path: Path) -> None:
    _write(tmp_path / "tag.csv", ["Tag", *HEADERS[1:]], FIRST)
    result = cli("import", "tag.csv")
    assert result.exit_code == 1
    first, *rest = result.output.splitlines()
    assert first == (
        'tag.csv: refused: no column was recognised as "Staff number". Headers found (row '
        "1): Tag, Surname, Forenames, Rank, Patch. Say which column holds it with --column "
        '"HEADER=FIELD" (FIELD one of: staff_number, collar_number, surname, forenames, '
        "full_name, email, rank, workforce_type, unit, role, line_manager, start_date, "
        "leaving_date, status), or pass --kind if this is another kind of file.")
    assert rest[:2] == ["  columns:", '    "Tag" not used: no field of this kind of file '
                        "fits its header or its values"]
    fixed = cli("import", "tag.csv", "--column", "Tag=staff_number", "--column",
                "Patch=unit", "--json")
    assert json.loads(fixed.output)[0]["status"] == "imported"


def test_an_unknown_kind_refusal_names_the_kinds(cli, tmp_path: Path) -> None:
    _write(tmp_path / "odd.csv", ["Colour", "Shape"], [["red", "round"]])
    result = cli("import", "odd.csv")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith(
        "Pass --kind (one of: hr-roster, lms-long, moodle-course-completion, "
        "moodle-activity-completion, totara-upload, totara-report, hydra-delegates, "
        "nccu-referrals, intelligence-submissions).")


def test_profiles_list_show_and_delete(cli) -> None:
    cli("import", "first.csv", "--as-of", "2026-01-31", "--user", "lead",
        "--column", "Patch=unit", "--column", "Forenames=ignore")
    listed = cli("profiles", "list").output.splitlines()
    assert listed[1].split() == ["1", "avon-and-somerset", "hr-roster", '"Patch"', "->",
                                 "unit;", '"Forenames"', "->", "ignore", "0", "never"]
    shown = cli("profiles", "show", "1").output.splitlines()
    assert shown[0].startswith("Profile 1: hr-roster files of avon-and-somerset (layout ")
    assert shown[1:5] == ["  headers: Staff Number, Surname, Forenames, Rank, Patch",
                          "  columns:", '    "Patch" -> unit (Department)',
                          '    "Forenames" -> ignore (not used)']
    assert shown[5].startswith("  saved by lead on ") and shown[5].endswith("not used yet")
    assert json.loads(cli("profiles", "show", "1", "--json").output)["uses"] == 0
    deleted = cli("profiles", "delete", "1", "--user", "lead")
    assert deleted.output.strip() == ("Profile 1 deleted: later hr-roster files of its "
                                      "layout are recognised afresh.")
    gone = cli("profiles", "show", "1")
    assert (gone.exit_code, gone.output.strip()) == (
        1, "Error: no profile 1; `tracker profiles list` shows them.")
    assert cli("profiles", "delete", "1").exit_code == 1
    again = cli("import", "second.csv", "--dry-run", "--json")
    assert json.loads(again.output)[0]["layout_used"] is False


@pytest.mark.parametrize("command", [["profiles"], ["profiles", "list"],
                                     ["profiles", "show"], ["profiles", "delete"]])
def test_every_profiles_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 4
