"""Checks made before a file is parsed: size, format, and zip bombs.

Workbooks are Excel's .xlsx / .xlsm and OpenDocument's .ods (Totara and LibreOffice write
them): both are zip packages and get the same checks of the zip itself; an .ods keeps its
sheets in one ``content.xml``, whose extent is streamed the same way: ODF compresses rows
and cells with repeat counts, so a few bytes can claim a billion cells.

The fast xlsx reader (calamine) aborts the whole process, uncatchably, on a tiny workbook
whose sheet claims a cell at XFD1000000: it allocates the full extent. So every workbook
is checked here first, without any xlsx reader: the zip's entry count, its declared sizes
(all parts together at most TRACKER_MAX_EXPANDED_MB, and no part expanding more than a
real export does), and the extent of every part a reader could take for a sheet, streamed
from its XML (the ``<dimension>`` element and every row and cell reference), inflated with
zlib a chunk at a time and bounded in bytes read. A sheet part is found three ways, so a
workbook cannot hide one: every target of every relationship part (``*.rels``), resolved
the way the package format says and the way calamine does (``xl/`` + target, a leading
``/`` dropped, case ignored); every part under a sheet folder; and every other part whose
first bytes open a sheet. Every part is inflated once at most, and one that inflates to
more than it declares is refused. This is the first wall; the second is that uploads are
parsed in a child process with a memory limit (``imports.isolated``).
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from imports.errors import FileRefused
from tracker.config import load_settings
from tracker.messages.problems import Code

MAX_ENTRIES = 10_000
MAX_RATIO = 1_000  # uncompressed / compressed, per entry larger than 1 MB
BIG_PART = 64 * 1024**2  # a part this big expands like a real export's sheet (about 10 times)
MAX_BIG_RATIO = 100  # ... or it is refused
SNIFF_BYTES = 64 * 1024  # how much of a part is read to tell whether it opens a sheet
MAX_RELS_BYTES = 16 * 1024**2  # a relationship part larger than this is not a real one
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
MAX_CELLS = 50_000_000  # rows x columns a sheet's references may claim
CHUNK = 4 * 1024 * 1024
SEAM = 256  # longer than any reference or dimension element: one cut in two is whole here

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
WORKBOOK_EXTS = {".xlsx", ".xlsm", ".ods"}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
TEXT_EXTS = {".csv", ".tsv", ".txt"}
SAVE_AS = "save it as .xlsx in Excel: File > Save As > Excel Workbook (*.xlsx)"
SAVE_AGAIN = ("Open it in Excel and save it again (File > Save As > Excel Workbook), or export "
              "it again")

_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{0,3})(\d*)(?::([A-Z]{1,3})(\d+))?"')
# Every reference: a row's r="12", a cell's r="AB12". The literal start keeps the scan fast.
_ANY_ROW = re.compile(rb' r="[A-Z]{0,3}(\d+)"')
_ANY_COLUMN = re.compile(rb' r="([A-Z]{1,3})\d')
# Only references that can make a big extent: a column past Z or a row past 999,999.
_FAR_REF = re.compile(rb' r="(?:([A-Z]{2,3})(\d+)|[A-Z]?(\d{7,}))"')
EXACT_SCAN_BYTES = 64 * 1024**2  # smaller sheets: every reference is read
NARROW_ROWS = 999_999  # what a sheet whose references all have 6 digits may claim at most


def default_max_bytes() -> int:
    return load_settings().max_upload_mb * 1024 * 1024


def check_size(path: Path, name: str, max_bytes: int | None) -> int:
    """The file's size in bytes; FileRefused if it is empty or over ``max_bytes``."""
    limit = default_max_bytes() if max_bytes is None else max_bytes
    size = path.stat().st_size
    if size > limit:
        raise FileRefused(
            f"{name}: the file is {size / 1024**2:.1f} MB, over the {limit / 1024**2:.0f} MB "
            "limit.",
            Code.FILE_TOO_LARGE, name)
    if size == 0:
        raise FileRefused(f"{name}: the file is empty. Export it again from the source system.",
                          Code.NO_DATA, name)
    return size


def sniff_format(path: Path, name: str) -> str:
    """'workbook' or 'text', from the first bytes and the extension; FileRefused otherwise."""
    with path.open("rb") as handle:
        head = handle.read(8)
    ext = Path(name).suffix.lower()
    if head == CFB_MAGIC:
        raise _cfb_refusal(path, name, ext)
    if head.startswith(ZIP_MAGIC):
        if ext in TEXT_EXTS | {".xls"}:
            return "workbook"  # an xlsx with the wrong extension: read what it is
        if ext not in WORKBOOK_EXTS:
            raise _unsupported(name, ext)
        return "workbook"
    if ext == ".xls":
        raise FileRefused(f"{name}: this is an old-style .xls file, which cannot be read; "
                          f"{SAVE_AS}, then import the .xlsx.", Code.UNSUPPORTED_FORMAT, name)
    if ext in WORKBOOK_EXTS:
        raise FileRefused(f"{name}: the workbook is damaged (it is not a valid {ext} file). "
                          f"{SAVE_AGAIN}.",
                          Code.UNREADABLE_FILE, name)
    if ext in TEXT_EXTS:
        return "text"
    raise _unsupported(name, ext)


def _unsupported(name: str, ext: str) -> FileRefused:
    return FileRefused(f"{name}: {ext or 'files without an extension'} cannot be imported; "
                       "use an .xlsx, .xlsm, .ods, .csv, .tsv or .txt export.",
                       Code.UNSUPPORTED_FORMAT, name)


def _cfb_refusal(path: Path, name: str, ext: str) -> FileRefused:
    """An OLE compound file: an encrypted (password-protected) workbook or a legacy .xls."""
    with path.open("rb") as handle:
        data = handle.read(2 * 1024 * 1024)
    if "EncryptionInfo".encode("utf-16-le") in data or ext in WORKBOOK_EXTS:
        return FileRefused(
            f"{name}: the workbook is password-protected, so it cannot be read. Open it in "
            "Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
            "Password, clear it), save, and import it again.", Code.UNREADABLE_FILE, name)
    return FileRefused(f"{name}: this is an old-style .xls workbook, which cannot be read; "
                       f"{SAVE_AS}, then import the .xlsx.", Code.UNSUPPORTED_FORMAT, name)


@dataclass
class Extent:
    rows: int = 0
    cols: int = 0
    nul: bool = False  # a NUL character (or its escape) was seen

    def grow(self, rows: int, cols: int) -> None:
        self.rows, self.cols = max(self.rows, rows), max(self.cols, cols)


def check_workbook(path: Path, name: str, max_expanded: int | None = None) -> bool:
    """Refuse a corrupt workbook or a zip bomb before any xlsx reader touches it.
    ``max_expanded``: the most bytes all parts may expand to (default: the settings').
    Returns whether a part may hold a NUL character (raw, or escaped as _x0000_), which
    the reader's cells would then carry."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_entries(infos, name, default_max_expanded() if max_expanded is None
                           else max_expanded)
            names = {info.filename.lower() for info in infos}
            if "mimetype" in names and "xl/workbook.xml" not in names:
                return _check_ods(path, archive, name)
            if "xl/workbook.xml" not in names:
                raise _corrupt(name, "it has no workbook part")
            return _check_xlsx_parts(path, archive, infos, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, zlib.error) as exc:
        raise _corrupt(name, str(exc)) from exc


def default_max_expanded() -> int:
    return load_settings().limits.expanded_mb * 1024 * 1024


def _check_xlsx_parts(path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
                      name: str) -> bool:
    """Every part a reader could take for a sheet is scanned for its extent; every other
    part is inflated to check it is no bigger than it says. Whether any may hold NUL."""
    targets = _relationship_targets(path, archive, infos, name)
    nul = False
    for info in infos:
        if info.is_dir():
            continue
        if _is_sheet_part(path, archive, info, targets):
            nul |= _check_sheet_extent(path, archive, info, name)
        elif not info.filename.lower().endswith(".rels"):  # those were inflated already
            nul |= _check_inflated_size(path, archive, info, name)
    return nul


def _marks_nul(chunk: bytes, seam: bytes = b"") -> bool:
    """Whether ``chunk`` (after ``seam``, the end of the chunk before) may make a NUL: a raw
    one, or OOXML's escape _x0000_ (calamine refuses the character reference &#0;)."""
    return any(b"\x00" in text or b"_x0000_" in text for text in (seam[-8:] + chunk[:8], chunk))


_SHEET_FOLDERS = ("worksheets/", "chartsheets/", "dialogsheets/", "macrosheets/")
# The root element of a sheet part, after the XML declaration (and any comments).
_SHEET_ROOT = re.compile(rb"<(?:[\w.-]+:)?(?:worksheet|chartsheet|dialogsheet|macrosheet)[\s/>]")
_TARGET = re.compile(rb"""Target\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _is_sheet_part(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                   targets: set[str]) -> bool:
    lower = info.filename.lower()
    if lower in targets or any(folder in lower for folder in _SHEET_FOLDERS):
        return True
    if lower.endswith(".rels"):
        return False
    return bool(_SHEET_ROOT.search(_head(path, archive, info)))


def _head(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    head = b""
    for chunk in _inflated(path, archive, info, SNIFF_BYTES):
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    return head


def _relationship_targets(path: Path, archive: zipfile.ZipFile,
                          infos: list[zipfile.ZipInfo], name: str) -> set[str]:
    """Every part name (lower case) any relationship points to, resolved every way a
    reader might: from the relationship part's own folder (the package format's rule),
    from ``xl/`` (calamine's), and from the root for a target starting with "/"."""
    targets: set[str] = set()
    for info in infos:
        if not info.filename.lower().endswith(".rels") or info.is_dir():
            continue
        if info.file_size > MAX_RELS_BYTES:
            raise _bomb(name, f"its relationship part {info.filename} is "
                              f"{info.file_size / 1024**2:.0f} MB")
        _check_inflated_size(path, archive, info, name)
        data = b"".join(_inflated(path, archive, info))
        source = posixpath.dirname(posixpath.dirname(info.filename))  # "xl/_rels/x" -> "xl"
        for quoted, single in _TARGET.findall(data):
            target = (quoted or single).decode("utf-8", "replace")
            targets.update(t.lower() for t in _resolutions(target, source))
    return targets


def _resolutions(target: str, source: str) -> set[str]:
    """The part names ``target`` may mean, literal and normalised ("a/../b" -> "b")."""
    bare = target.lstrip("/")
    raw = {bare, f"{source}/{target}" if source else target, f"xl/{bare}",
           f"xl/{target}", target[1:] if target.startswith("/") else target}
    return raw | {posixpath.normpath(t).lstrip("/") for t in raw if t}


def _check_inflated_size(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                         name: str) -> bool:
    """A part must not inflate to more than its declared size (the declared sizes are what
    the zip bomb checks trusted). Whether it may hold NUL."""
    read, nul, seam = 0, False, b""
    for chunk in _inflated(path, archive, info):
        read += len(chunk)
        if read > info.file_size:
            raise _corrupt(name, f"{info.filename} is larger than it says")
        nul, seam = nul or _marks_nul(chunk, seam), chunk[-8:]
    return nul


def _corrupt(name: str, why: str) -> FileRefused:
    return FileRefused(f"{name}: the workbook is damaged and cannot be read ({why}). "
                       f"{SAVE_AGAIN}.", Code.UNREADABLE_FILE, name)


def _bomb(name: str, why: str) -> FileRefused:
    return FileRefused(f"{name}: the workbook was refused because {why}; this is how a "
                       "'zip bomb' looks. If the file is genuine, copy the data into a new "
                       "workbook (or export it as .csv) and import that.",
                       Code.UNSAFE_FILE, name)


def _check_entries(infos: list[zipfile.ZipInfo], name: str, max_expanded: int) -> None:
    if len(infos) > MAX_ENTRIES:
        raise _bomb(name, f"it holds {len(infos):,} parts (at most {MAX_ENTRIES:,} allowed)")
    total = sum(info.file_size for info in infos)
    if total > max_expanded:
        raise _bomb(name, f"it would expand to {total / 1024**2:,.0f} MB (at most "
                          f"{max_expanded / 1024**2:,.0f} MB allowed: TRACKER_MAX_EXPANDED_MB)")
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if (info.file_size > 1024**2 and ratio > MAX_RATIO) or (
                info.file_size > BIG_PART and ratio > MAX_BIG_RATIO):
            raise _bomb(name, f"its part {info.filename} of {info.file_size / 1024**2:,.0f} MB "
                              f"expands {ratio:,} times")


def _check_sheet_extent(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                        name: str) -> bool:
    """Stream one worksheet's XML; bound the rows x columns its references claim.

    A sheet up to EXACT_SCAN_BYTES is scanned for every reference. A bigger one is scanned
    for the references that can make an extent big (a column past Z, a row past 999,999),
    which are rare in real exports: its extent is then at most 999,999 rows (or the far
    rows found) by the columns found (at least 26). Only a big, wide sheet (over 50
    columns) needs the full scan too."""
    exact = info.file_size <= EXACT_SCAN_BYTES
    extent = _scan_sheet(path, archive, info, name, exact)
    if not exact and extent.rows <= NARROW_ROWS and extent.cols * NARROW_ROWS > MAX_CELLS:
        extent = _scan_sheet(path, archive, info, name, True)
    _check_extent(extent, name, _part_sheet(info.filename))
    return extent.nul


def _part_sheet(part: str) -> str:
    """'xl/worksheets/sheet1.xml' -> 'sheet1'."""
    return part.rsplit("/", 1)[-1].removesuffix(".xml")


def _scan_sheet(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                exact: bool) -> Extent:
    extent = Extent(0 if exact else NARROW_ROWS, 26)
    read, seam = 0, b""
    for chunk in _inflated(path, archive, info):
        read += len(chunk)
        if read > info.file_size:
            raise _corrupt(name, f"{info.filename} is larger than it says")
        _scan(seam + chunk[:SEAM], extent, exact)  # what the cut between chunks split
        _scan(chunk, extent, exact)
        extent.nul = extent.nul or _marks_nul(chunk, seam)
        seam = chunk[-SEAM:]
        _check_extent(extent, name, _part_sheet(info.filename))
    return extent


def _inflated(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
              chunk_size: int | None = None) -> Iterator[bytes]:
    """A part's bytes, CHUNK (or ``chunk_size``) at a time at most. A deflated part is
    inflated with zlib straight from the file (zipfile's CRC check and buffering would
    double the time; calamine checks the CRC itself); anything else goes through zipfile."""
    size = chunk_size or CHUNK
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 1:
        with archive.open(info) as stream:
            while chunk := stream.read(size):
                yield chunk
        return
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        head = handle.read(30)
        if len(head) < 30 or not head.startswith(ZIP_MAGIC):
            raise zipfile.BadZipFile(f"{info.filename} has no local header")
        handle.seek(info.header_offset + 30 + sum(struct.unpack("<HH", head[26:30])))
        inflate, left, pending = zlib.decompressobj(-zlib.MAX_WBITS), info.compress_size, b""
        while not inflate.eof and (pending or left > 0):
            if not pending:
                pending = handle.read(min(left, size))
                left = left - len(pending) if pending else 0
            chunk = inflate.decompress(pending, size)
            pending = inflate.unconsumed_tail
            if chunk:
                yield chunk


# What a chunk holding a far reference must contain: a superset of _FAR_REF. RE2 (through
# pyarrow) tests a chunk for it at memory speed, without copying it; only a chunk that has
# one is searched with Python's regexes.
_FAR_HINT = r'r="(?:[A-Z][A-Z]|[A-Z]?[0-9]{7})'


def _may_be_far(text: bytes) -> bool:
    offsets = pa.py_buffer(np.array([0, len(text)], dtype=np.int32))
    one = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(text)])
    return bool(pc.match_substring_regex(one, _FAR_HINT)[0].as_py())


def _scan(text: bytes, extent: Extent, exact: bool) -> None:
    for match in _DIMENSION.finditer(text) if b"dimension" in text else ():
        first_col, first_row, last_col, last_row = match.groups()
        col = (last_col or first_col or b"A").decode()
        extent.grow(int(last_row or first_row or b"1"), column_index(col))
    if not exact and not _may_be_far(text):
        return
    if exact:
        rows = _ANY_ROW.findall(text)
        columns = set(_ANY_COLUMN.findall(text))  # a handful of distinct letters
        extent.grow(max(map(int, rows), default=0),
                    max((column_index(c.decode()) for c in columns), default=0))
        return
    for col, row, far_row in _FAR_REF.findall(text):
        if col:
            extent.grow(int(row), column_index(col.decode()))
        else:
            extent.grow(int(far_row), 0)


def _check_extent(extent: Extent, name: str, sheet: str) -> None:
    if extent.rows > MAX_ROWS or extent.cols > MAX_COLS or extent.rows * extent.cols > MAX_CELLS:
        raise _bomb(name, f"{sheet} claims {extent.rows:,} rows by {extent.cols:,} columns "
                          f"(more than {MAX_CELLS:,} cells)")


def column_index(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index


# ---------------------------------------------------------------- OpenDocument (.ods)

# A table, a row or a cell start tag (its attributes, a trailing "/" when empty), or a
# row's end. The lookahead keeps "table" apart from "table-column", "table-row" from
# "table-rows".
_ODS_TOKEN = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>"
    rb"|</table:table-row>")
_ODS_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="(\d+)"')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')


def is_ods(path: Path) -> bool:
    """Whether a zip is an OpenDocument spreadsheet: its first entry, stored, is the
    ``mimetype`` naming one."""
    with path.open("rb") as handle:
        head = handle.read(30)
        if len(head) < 30 or not head.startswith(ZIP_MAGIC):
            return False
        name_length, extra_length = struct.unpack("<HH", head[26:30])
        entry = handle.read(name_length + extra_length + len(ODS_MIMETYPE))
    return (entry[:name_length] == b"mimetype"
            and entry[name_length + extra_length:] == ODS_MIMETYPE)


def _check_ods(path: Path, archive: zipfile.ZipFile, name: str) -> bool:
    """An .ods: a spreadsheet (not another OpenDocument) with its content, whose tables
    claim no more cells than an xlsx sheet may. Every part named content.xml (in any case,
    however many times) is scanned; every other part must inflate to what it declares."""
    by_name = {info.filename.lower(): info for info in archive.infolist()}
    with archive.open(by_name["mimetype"]) as stream:
        mimetype = stream.read(200).strip()
    if mimetype != ODS_MIMETYPE:
        kind = mimetype.decode("ascii", "replace").rsplit(".", 1)[-1]
        raise FileRefused(f"{name}: this is an OpenDocument {kind} file, not a spreadsheet; "
                          "save it as .ods or .xlsx and import that.",
                          Code.UNSUPPORTED_FORMAT, name)
    contents = [i for i in archive.infolist() if i.filename.lower() == "content.xml"]
    if not contents:
        raise _corrupt(name, "it has no content.xml")
    nul = False
    for info in archive.infolist():
        if info in contents:
            nul |= _scan_ods_content(path, archive, info, name)
        elif not info.is_dir():
            nul |= _check_inflated_size(path, archive, info, name)
    return nul


def _scan_ods_content(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                      name: str) -> bool:
    scan = _OdsScan()
    read, nul, seam = 0, False, b""
    for chunk in _inflated(path, archive, info):
        read += len(chunk)
        if read > info.file_size:
            raise _corrupt(name, f"{info.filename} is larger than it says")
        scan.feed(chunk)
        _check_extent(scan.extent, name, scan.sheet)
        nul, seam = nul or _marks_nul(chunk, seam), chunk[-8:]
    return nul


class _OdsScan:
    """The extent a reader would give each table: up to its last row holding a value, by
    up to its last column holding one (ODF's trailing empty rows and columns, repeated a
    million times by LibreOffice, make no extent). ``extent`` is the current table's."""

    def __init__(self) -> None:
        self.extent, self.sheet, self._tail = Extent(), "the first sheet", b""
        self._row, self._repeat, self._col, self._width = 0, 1, 0, 0

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        cut = data.rfind(b">") + 1  # a tag cut by the chunk's end waits for the next chunk
        self._tail = data[cut:]
        for tag, attrs in _ODS_TOKEN.findall(data, 0, cut):
            if tag == b"table-cell":  # the common case first, inline
                self._col += _repeats(attrs)
                if b"value-type" in attrs or not attrs.endswith(b"/"):
                    self._width = self._col  # a cell with a value (or any content)
            else:
                self._token(tag, attrs)

    def _token(self, tag: bytes, attrs: bytes) -> None:
        if tag == b"table-row":
            self._repeat, self._col, self._width = _repeats(attrs), 0, 0
            if attrs.endswith(b"/"):
                self._end_row()
        elif not tag:  # a row's end
            self._end_row()
        elif tag == b"table":
            found = _ODS_NAME.search(attrs)
            self.sheet = f'sheet "{found.group(1).decode("utf-8", "replace")}"' if found else ""
            self.extent, self._row = Extent(), 0
        else:  # a covered (merged) cell
            self._col += _repeats(attrs)
            if b"value-type" in attrs or not attrs.endswith(b"/"):
                self._width = self._col

    def _end_row(self) -> None:
        self._row += self._repeat
        if self._width:
            self.extent.grow(self._row, self._width)


def _repeats(attrs: bytes) -> int:
    if b"repeated" not in attrs:
        return 1
    found = _ODS_REPEAT.search(attrs)
    return int(found.group(1)) if found else 1
