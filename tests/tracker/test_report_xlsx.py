"""The workbook and CSV writers on hand-made report data: layout, print set-up, and text
that a spreadsheet would run as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from demodata.report_sample import HOSTILE, sample_data
from tracker.reports.csvs import write_csv
from tracker.reports.workbook import sheet_names, write_xlsx

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _xlsx(data: object) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(data, buffer)  # type: ignore[arg-type]
    return buffer.getvalue()


def _sheets(content: bytes) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_workbook_has_every_sheet_in_order() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_xlsx(sample_data())))
    assert book.sheetnames == sheet_names() == [
        "Cover", "Recommendations", "Summary", "By rank and department", "Rank x department",
        "Trend", "Outstanding", "Exemptions", "Data quality"]


def test_every_sheet_is_print_ready() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_xlsx(sample_data())))
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "Page &P of &N"
        assert "as of 11 May 2026" in ws.oddFooter.left.text
    for name in set(sheet_names()) - {"Cover", "Rank x department"}:
        ws = book[name]
        assert ws.print_title_rows == "$4:$4", name
        assert ws.freeze_panes == "A5", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A4:"), name


def test_outstanding_sheet_layout() -> None:
    data = sample_data(outstanding_rows=3)
    rows = _sheets(_xlsx(data))["Outstanding"]
    assert rows[0][0] == "Outstanding: 3 still to complete, by person and requirement"
    assert rows[3] == ["Requirement", "Force", "Department", "Unit", "Line manager", "Rank",
                       "Staff number", "Name", "Modules missing"]
    assert [r[7] for r in rows[4:]] == HOSTILE[:3]
    ws = openpyxl.load_workbook(io.BytesIO(_xlsx(data)))["Outstanding"]
    assert ws.auto_filter.ref == "A4:I7"
    assert ws.column_dimensions["H"].width == 24


def test_carriage_returns_are_stored_as_line_feeds() -> None:
    rows = _sheets(_xlsx(sample_data(outstanding_rows=6)))["Outstanding"]
    assert rows[9][7] == "\nReturn"  # XML would turn a raw CR into LF on reading


def test_a_pseudonymised_outstanding_sheet_has_no_staff_number_column() -> None:
    rows = _sheets(_xlsx(sample_data(pseudonymised=True)))["Outstanding"]
    assert rows[3] == ["Requirement", "Force", "Department", "Unit", "Line manager", "Rank",
                       "Pseudonym", "Modules missing"]
    assert "Pseudonymised: no names, emails or staff numbers" in rows[1][0]


@pytest.mark.parametrize("sheet", ["Cover", "Outstanding", "Exemptions", "Data quality",
                                   "Summary"])
def test_formula_like_text_reads_back_as_the_same_text(sheet: str) -> None:
    values = {v for row in _sheets(_xlsx(sample_data(outstanding_rows=6)))[sheet]
              for v in row if isinstance(v, str)}
    expected = {
        "Cover": {"=cmd.csv"},
        "Outstanding": {*HOSTILE[:-1], "\nReturn", "=cmd|' /C calc'!A0", "-Boss"},
        "Exemptions": {"+1+1", "@SUM(A1)", "-2+3"},
        "Data quality": {"=Insp"},
        "Summary": {"How the status is decided"},
    }[sheet]
    assert expected <= values
    if sheet == "Summary":
        assert any(v.endswith("=amber when the forecast is after the deadline") for v in values)


def _sheet_cells(archive: zipfile.ZipFile, number: int) -> dict[str, ET.Element]:
    root = ET.fromstring(archive.read(f"xl/worksheets/sheet{number}.xml"))
    return {c.get("r", ""): c for c in root.iter(f"{NS}c")}


def test_no_cell_is_a_formula_and_hostile_text_has_the_quote_prefix() -> None:
    content = _xlsx(sample_data(outstanding_rows=6))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [_sheet_cells(archive, n) for n in range(1, len(sheet_names()) + 1)]
        styles = ET.fromstring(archive.read("xl/styles.xml"))
    assert not [r for cells in sheets for r, c in cells.items() if c.find(f"{NS}f") is not None]
    xfs = styles.find(f"{NS}cellXfs")
    assert xfs is not None
    quoted = {i for i, xf in enumerate(xfs) if xf.get("quotePrefix") == "1"}
    outstanding = sheets[sheet_names().index("Outstanding")]
    for row, name in enumerate(HOSTILE, 5):
        cell = outstanding[f"H{row}"]
        assert cell.get("t") == "inlineStr"
        assert int(cell.get("s", "0")) in quoted, name
        assert "".join(cell.itertext()) == name.replace("\r", "\n")


def test_the_same_data_gives_the_same_cells() -> None:
    assert _sheets(_xlsx(sample_data())) == _sheets(_xlsx(sample_data()))


def test_text_with_characters_xml_cannot_hold_is_cleaned_not_fatal() -> None:
    data = sample_data(outstanding_rows=1)
    data.outstanding.loc[0, "name"] = "Jo\x0bBloggs\x00"
    rows = _sheets(_xlsx(data))["Outstanding"]
    assert rows[4][7] == "JoBloggs"


def test_empty_lists_say_so() -> None:
    data = sample_data(outstanding_rows=0)
    rows = _sheets(_xlsx(data))["Outstanding"]
    assert rows[0][0] == "Outstanding: 0 still to complete, by person and requirement"
    assert rows[4][0] == "No one is outstanding."


def test_csv_prefixes_formula_like_text_with_a_quote() -> None:
    buffer = io.StringIO()
    write_csv(sample_data(outstanding_rows=6), buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[0] == ["Requirement", "Force", "Department", "Unit", "Line manager", "Rank",
                       "Staff number", "Name", "Modules missing"]
    assert [r[7] for r in rows[1:]] == ["'" + name for name in HOSTILE]
    assert {r[3] for r in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    assert {r[4] for r in rows[1:]} == {"'-Boss"}
    assert rows[1][6] == "0000"  # leading zeros kept, no quote on harmless text
    assert rows[1][0] == "OIC Hydra exercise"


def test_csv_to_a_path_has_a_byte_order_mark_for_excel(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "outstanding.csv"
    write_csv(sample_data(), out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfRequirement,")


def test_csv_summary_and_pseudonymised_outstanding() -> None:
    buffer = io.BytesIO()
    write_csv(sample_data(), buffer, table="summary")
    rows = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Requirement", "Deadline", "In scope"]
    assert rows[1][:3] == ["OIC Hydra exercise", "2026-04-30", "10"]
    assert rows[1][rows[0].index("Coverage %")] == "75.0"
    buffer = io.StringIO()
    write_csv(sample_data(pseudonymised=True), buffer)
    header = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert "Staff number" not in header and "Pseudonym" in header


def test_csv_refuses_an_unknown_table() -> None:
    with pytest.raises(ValueError) as info:
        write_csv(sample_data(), io.StringIO(), table="people")
    assert str(info.value) == "Unknown CSV table 'people'; choose one of outstanding, summary."


def test_csv_quoting_agrees_with_safe_text_inert() -> None:
    import pandas as pd

    from tracker.reports.csvs import inert_series
    from tracker.reports.safe_text import inert

    values = [*HOSTILE, "Jo Bloggs", "O'Brien", "", " =not first", "=", "-", "1-2"]
    assert inert_series(pd.Series(values)).tolist() == [inert(v) for v in values]


def test_long_tables_are_written_in_chunks_without_losing_a_row(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tracker.reports.workbook

    monkeypatch.setattr(tracker.reports.workbook, "CHUNK_ROWS", 4)
    data = sample_data(outstanding_rows=11)
    rows = _sheets(_xlsx(data))["Outstanding"][4:]
    assert [r[6] for r in rows] == [f"{i:04d}" for i in range(11)]
    assert [r[7] for r in rows] == [s.replace("\r", "\n") for s in data.outstanding["name"]]


text_values = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                      max_size=30)


@settings(max_examples=25, deadline=None)
@given(names=st.lists(text_values | st.sampled_from(HOSTILE), min_size=1, max_size=8))
def test_any_text_reads_back_as_text_and_never_as_a_formula(names: list[str]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    data = sample_data(outstanding_rows=len(names))
    data.outstanding["name"] = names
    content = _xlsx(data)
    rows = _sheets(content)["Outstanding"][4:4 + len(names)]
    stored = [ILLEGAL_CHARACTERS_RE.sub("", n).replace("\r\n", "\n").replace("\r", "\n")
              for n in names]
    assert [r[7] for r in rows] == stored
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        cells = _sheet_cells(archive, sheet_names().index("Outstanding") + 1)
    assert all(c.find(f"{NS}f") is None for c in cells.values())


@settings(max_examples=200, deadline=None)
@given(values=st.lists(text_values, max_size=10))
def test_csv_quoting_is_inert_for_any_text(values: list[str]) -> None:
    import pandas as pd

    from tracker.reports.csvs import inert_series
    from tracker.reports.safe_text import inert

    assert inert_series(pd.Series(values, dtype=object)).tolist() == [inert(v) for v in values]


def test_recommendations_sheet_reads_as_a_progress_update() -> None:
    rows = _sheets(_xlsx(sample_data()))["Recommendations"]
    assert rows[0][0] == "Progress against the HMICFRS recommendations"
    assert rows[3] == ["No.", "Title", "What HMICFRS asked", "Deadline", "Measure",
                       "Figure as of the date", "On the deadline", "Status", "Why this status",
                       "Status rule", "Evidence"]
    assert [(r[0], r[5], r[6], r[7]) for r in rows[4:8]] == [
        (2, "-", "", "Not measured yet"), (4, "2 of 3 done", "", "Off track (red)"),
        (8, 0.75, 0.7, "At risk (amber)"), (9, "-", "", "Not measured yet")]
    assert rows[6][4] == HOSTILE[0] and rows[6][8:] == [HOSTILE[2], HOSTILE[1], HOSTILE[3]]
    ws = openpyxl.load_workbook(io.BytesIO(_xlsx(sample_data())))["Recommendations"]
    assert ws["H6"].fill.fgColor.rgb.endswith("FFC7CE")  # red
    # a percentage is a number Excel can chart; a milestone count stays in words
    assert (ws["F7"].value, ws["F7"].number_format) == (0.75, "0.0%")
    assert ws["F6"].data_type == "s"
    assert ws["E7"].data_type == "s" and ws["E7"].quotePrefix  # a formula kept as text
