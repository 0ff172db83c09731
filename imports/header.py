"""Find the header row under title blocks and notes, and join two-row (merged) headers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from imports.columns import is_header
from imports.reading import RawSheet
from imports.statuses import classify_one
from tracker.reference.text import squash

_DATA_LIKE = re.compile(r"^[\d\s/:.,-]+$")
_STATUS_WORDS = {"status", "completionstatus", "completion", "state"}


@dataclass
class Header:
    index: int  # index in the preview of the last header row
    row: int  # spreadsheet row number of the (first) header row
    cells: list[str]
    title_lines: list[str]  # the text of the rows above the header


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def is_header_key(text: str) -> bool:
    key = squash(text)
    return is_header(text) or key.endswith("completiondate") or key == "coursecomplete"


def score_row(cells: list[Any]) -> int:
    """How many cells read like column headings (text only: numbers and dates are data)."""
    texts = {cell_text(c) for c in cells if isinstance(c, str) and cell_text(c)}
    return sum(1 for text in texts if not _looks_like_data(text) and is_header_key(text))


def _looks_like_data(text: str) -> bool:
    """Numbers, dates, e-mail addresses and statuses ("Completed") are cells, not headings."""
    return bool(_DATA_LIKE.match(text)) or "@" in text or classify_one(text) is not None


def find_header(sheet: RawSheet) -> Header | None:
    """The best-scoring row of the preview (the most cells that are known column names)."""
    rows = [[cell_text(c) for c in row] for row in sheet.preview]
    scored = [(score_row(raw), -i) for i, (row, raw) in enumerate(zip(rows, sheet.preview,
                                                                      strict=True))
              if sum(map(bool, row)) >= 2]
    if not scored:
        return None
    best, neg_index = max(scored)
    index = -neg_index
    if best == 0:
        index = next(i for i, row in enumerate(rows) if sum(map(bool, row)) >= 2)
    top = index
    cells = rows[index]
    below = index + 1
    if below < len(rows) and _is_subheader(rows[index], rows[below], sheet.preview[below]):
        cells, index = _join(rows[index], rows[index + 1]), index + 1
    elif index > 0 and _is_subheader(rows[index - 1], rows[index], sheet.preview[index]):
        cells, top = _join(rows[index - 1], rows[index]), index - 1
    titles = [" ".join(c for c in row if c) for row in rows[:top]]
    return Header(index, sheet.first_row + top, cells, [t for t in titles if t])


def _gaps(top: list[str]) -> set[int]:
    """Blank cells after a filled one: the tail of a merged cell."""
    last = max((i for i, c in enumerate(top) if c), default=-1)
    return {i for i in range(1, len(top)) if not top[i] and (i <= last or top[i - 1])}


def _is_subheader(top: list[str], bottom: list[str], raw: list[Any]) -> bool:
    gaps = _gaps(top)
    filled = [i for i, c in enumerate(bottom) if c]
    if not gaps or not filled or not any(i in gaps for i in filled):
        return False
    typed = [v for v in raw if v not in ("", None)]
    if any(isinstance(v, (int, float, dt.date, dt.time)) for v in typed):
        return False
    return not any(_DATA_LIKE.match(bottom[i]) or "@" in bottom[i] for i in filled)


def _join(top: list[str], bottom: list[str]) -> list[str]:
    width = max(len(top), len(bottom))
    top = top + [""] * (width - len(top))
    bottom = bottom + [""] * (width - len(bottom))
    out, carried = [], ""
    for t, b in zip(top, bottom, strict=True):
        carried = t or carried
        out.append(_join_cell(t, carried, b))
    return out


def _join_cell(own: str, carried: str, below: str) -> str:
    key = squash(below)
    if not below:
        return own
    if not carried:
        return below
    if key in _STATUS_WORDS:
        return carried
    if key.endswith("date") and not is_header_key(carried):
        return f"{carried} - {below}"
    if is_header_key(below):
        return below
    return f"{carried} - {below}"
