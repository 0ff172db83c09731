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


def workbook(path: Path, sheet_data: str, dimension: str = "A1", *,
             target: str = "worksheets/sheet1.xml", part: str = "xl/worksheets/sheet1.xml",
             extra: dict[str, str] | None = None, level: int | None = None) -> Path:
    """A minimal valid workbook (written with zipfile) holding one sheet: the workbook's
    relationship points to ``target``, the sheet is stored as ``part``; ``extra`` parts
    are added as they are."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", (
            f'{HEAD}<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
            f'<Override PartName="/{part}" '
            f'ContentType="{sheet_type}.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            f'{HEAD}<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{rels}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'{HEAD}<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{rels}/worksheet" Target="{target}"/></Relationships>'))
        z.writestr(part, sheet_xml(sheet_data, dimension))
        for name, text in (extra or {}).items():
            z.writestr(name, text)
    return path


def sheet_xml(sheet_data: str, dimension: str = "A1") -> str:
    return (f'{HEAD}<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
            f"{sheet_data}</sheetData></worksheet>")


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


FAR = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
CLAIM = "claims 1,048,576 rows by 16,384 columns (more than 50,000,000 cells)"


@pytest.mark.parametrize(("target", "part"), [
    ("sheet1.xml", "xl/sheet1.xml"),  # the probe's file: a sheet outside xl/worksheets/
    ("/xl/sheet1.xml", "xl/sheet1.xml"),  # absolute
    ("/data/sheet1.xml", "data/sheet1.xml"),  # absolute, outside xl/
    ("../data/sheet1.xml", "data/sheet1.xml"),  # relative, up a folder
    ("../sheet1.xml", "xl/../sheet1.xml"),  # calamine joins without normalising
    ("worksheets/../sheet1.xml", "xl/worksheets/../sheet1.xml"),
    ("Sheet1.XML", "xl/sheet1.xml"),  # calamine finds a part in any case
])
def test_the_sheet_the_relationships_point_to_is_guarded(tmp_path: Path, target: str,
                                                         part: str) -> None:
    """Each of these aborts the process in calamine (a 512 GB allocation) if unguarded:
    checked by hand with python-calamine 0.9.1 in a child process."""
    path = workbook(tmp_path / "moved.xlsx", HEADER_ROW + DATA_ROW + FAR, "A1:XFD1048576",
                    target=target, part=part)
    sheet = part.rsplit("/", 1)[-1].removesuffix(".xml")
    assert refused(path) == (
        f"moved.xlsx: the workbook was refused because {sheet} {CLAIM}; this is how a 'zip "
        "bomb' looks. If the file is genuine, copy the data into a new workbook (or export "
        "it as .csv) and import that.")


def test_a_sheet_no_relationship_names_is_guarded_too(tmp_path: Path) -> None:
    """Any part that opens a worksheet is scanned, whatever its name and whatever points
    to it."""
    path = workbook(tmp_path / "hidden.xlsx", HEADER_ROW,
                    extra={"xl/media/image1.png": sheet_xml(FAR)})
    assert f"image1.png {CLAIM}" in refused(path)


def test_a_second_part_of_the_same_name_is_guarded_too(tmp_path: Path) -> None:
    """A zip may hold two parts of one name; a reader may take either: both are scanned."""
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = workbook(tmp_path / "twice.xlsx", HEADER_ROW,
                        extra={"xl/worksheets/sheet1.xml": sheet_xml(FAR)})
    assert f"sheet1 {CLAIM}" in refused(path)


def test_a_part_that_inflates_to_more_than_it_declares(tmp_path: Path) -> None:
    path = workbook(tmp_path / "liar.xlsx", HEADER_ROW + DATA_ROW,
                    extra={"xl/sharedStrings.xml": "<sst>" + "x" * 100_000 + "</sst>"})
    _lie_about_size(path, "xl/sharedStrings.xml", 1000)
    assert refused(path) == (
        "liar.xlsx: the workbook is damaged and cannot be read (xl/sharedStrings.xml is larger "
        "than it says). Open it in Excel and save it again (File > Save As > Excel Workbook), "
        "or export it again.")


def _lie_about_size(path: Path, part: str, size: int) -> None:
    """Rewrite the declared (uncompressed) size of ``part`` in both of its zip headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        local = z.getinfo(part).header_offset
    data[local + 22:local + 26] = size.to_bytes(4, "little")
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # central directory entries
        length = int.from_bytes(data[at + 28:at + 30], "little")
        if bytes(data[at + 46:at + 46 + length]) == part.encode():
            data[at + 24:at + 28] = size.to_bytes(4, "little")
        at += 4
    path.write_bytes(bytes(data))


def test_a_single_cell_bomb_is_refused_by_its_size(tmp_path: Path) -> None:
    """Issue 12, item 10: one cell of hundreds of MB under the ratio of 1,000 passed; a
    part over 64 MB may expand at most 100 times (real sheets: about 10)."""
    path = tmp_path / "one-cell.xlsx"
    cell = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "A" * (80 * 1024**2)
    workbook(path, HEADER_ROW + cell + "</t></is></c></row>", level=1)  # 228 times
    assert refused(path) == (
        "one-cell.xlsx: the workbook was refused because its part xl/worksheets/sheet1.xml of "
        "80 MB expands 228 times; this is how a 'zip bomb' looks. If the file is genuine, "
        "copy the data into a new workbook (or export it as .csv) and import that.")


def test_expanded_size_is_bounded_absolutely(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_MAX_EXPANDED_MB", "1")
    path = workbook(tmp_path / "big.xlsx", HEADER_ROW + DATA_ROW,
                    extra={"xl/sharedStrings.xml": "<sst>" + "x" * 2 * 1024**2 + "</sst>"})
    assert "it would expand to 2 MB (at most 1 MB allowed: TRACKER_MAX_EXPANDED_MB)" in (
        refused(path))
