"""The workbook guard: every far cell reference is found before calamine sees the file.

If a check here failed open, calamine would abort the test process (it allocates the whole
claimed extent), so each bomb is also parsed in-process through ``parse_file``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from imports import FileRefused, guards, parse_file
from imports.guards import check_workbook, column_index

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(path: Path, sheet_data: str, dimension: str = "A1") -> Path:
    """A minimal valid workbook (written with zipfile) holding one sheet."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            f'{HEAD}<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{sheet_type}.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            f'{HEAD}<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{rels}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'{HEAD}<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        z.writestr("xl/worksheets/sheet1.xml", (
            f'{HEAD}<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
            f"{sheet_data}</sheetData></worksheet>"))
    return path


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = ('<row r="1">' + text_cell("A1", "Staff Number") + text_cell("B1", "Course Title")
              + text_cell("C1", "Completion Date") + "</row>")
DATA_ROW = ('<row r="2">' + text_cell("A2", "00123") + text_cell("B2", "OIC Module 1")
            + text_cell("C2", "13/01/2026") + "</row>")


def refused(path: Path) -> str:
    with pytest.raises(FileRefused) as info:
        parse_file(path, today=dt.date(2026, 11, 30))
    return str(info.value)


def test_a_good_hand_written_workbook_is_read(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ok.xlsx", HEADER_ROW + DATA_ROW, "A1:C2")
    parsed = parse_file(path, today=dt.date(2026, 11, 30))
    assert parsed.records[["row", "staff_number", "module_code"]].values.tolist() == [
        [2, "00123", "oic-el-1"]]


def test_far_cell_inside_a_near_row(tmp_path: Path) -> None:
    bomb = '<row r="3"><c r="XFD999999"><v>1</v></c></row>'
    message = refused(workbook(tmp_path / "far-cell.xlsx", HEADER_ROW + DATA_ROW + bomb))
    assert "claims 999,999 rows by 16,384 columns" in message


def test_far_row_element(tmp_path: Path) -> None:
    bomb = '<row r="1048576"><c r="AZ1048576"><v>1</v></c></row>'
    message = refused(workbook(tmp_path / "far-row.xlsx", HEADER_ROW + bomb))
    assert "claims 1,048,576 rows by 52 columns" in message


def test_dimension_alone(tmp_path: Path) -> None:
    message = refused(workbook(tmp_path / "dim.xlsx", HEADER_ROW, "A1:XFD1048576"))
    assert "claims 1,048,576 rows by 16,384 columns" in message


def test_big_sheet_scan_finds_far_references(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Sheets over EXACT_SCAN_BYTES only look for far references: check that path too."""
    monkeypatch.setattr(guards, "EXACT_SCAN_BYTES", 10)
    ok = workbook(tmp_path / "big-ok.xlsx", HEADER_ROW + DATA_ROW)
    check_workbook(ok, "big-ok.xlsx")
    for name, row in [("wide", '<row r="3"><c r="XFD3"><v>1</v></c></row>'),
                      ("deep", '<row r="3"><c r="B4000000"><v>1</v></c></row>')]:
        path = workbook(tmp_path / f"big-{name}.xlsx", HEADER_ROW + row)
        with pytest.raises(FileRefused, match="zip bomb"):
            check_workbook(path, path.name)


def test_a_far_reference_cut_between_chunks_is_found(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheet is inflated a chunk at a time: a reference split by a chunk's end is
    still found, wherever the cut falls."""
    monkeypatch.setattr(guards, "EXACT_SCAN_BYTES", 10)
    monkeypatch.setattr(guards, "CHUNK", 40)
    monkeypatch.setattr(guards, "SEAM", 16)
    for pad in range(40):
        row = f'<row r="3">{text_cell("A3", "x" * pad)}<c r="XFD3"><v>1</v></c></row>'
        path = workbook(tmp_path / f"cut-{pad}.xlsx", HEADER_ROW + row)
        with pytest.raises(FileRefused, match="zip bomb"):
            check_workbook(path, path.name)


def test_declared_expansion_ratio(tmp_path: Path) -> None:
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/sharedStrings.xml", " " * 50_000_000)
    assert "expands" in refused(path)


def test_too_many_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "MAX_ENTRIES", 3)
    path = workbook(tmp_path / "parts.xlsx", HEADER_ROW)
    assert "parts (at most 3 allowed)" in refused(path)


def test_no_workbook_part(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    assert refused(path) == (
        "plain.xlsx: the workbook is damaged and cannot be read (it has no workbook part). "
        "Open it in Excel and save it again (File > Save As > Excel Workbook), or export it "
        "again.")


@pytest.mark.parametrize(("letters", "index"), [("A", 1), ("Z", 26), ("AA", 27), ("XFD", 16384)])
def test_column_index(letters: str, index: int) -> None:
    assert column_index(letters) == index
