"""A roster's date, when the file says it: a "Run date: 01/11/2026" title line, or a date in
the file name ("hr_roster_2026-11-01.xlsx")."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from imports.dates import parse_dates

_LABELLED = re.compile(
    r"\b(?:run date|run on|as at|as of|report date|date of report|extract(?:ed)?(?: on| date)?"
    r"|date run|snapshot(?: date)?|effective date|data as at|generated(?: on)?|produced(?: on)?)"
    r"\s*[:\-]?\s*(?P<date>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?\s+\d{4})", re.IGNORECASE)
_ISO_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_DMY_IN_NAME = re.compile(r"(?<!\d)(\d{2})[-_.](\d{2})[-_.](\d{4})(?!\d)")


def _one_date(text: str) -> dt.date | None:
    parsed = parse_dates(pd.Series([text], dtype=object))
    value = parsed.values[0]
    return value if isinstance(value, dt.date) else None


def find_as_of(title_lines: list[str], file_name: str) -> dt.date | None:
    for line in title_lines:
        match = _LABELLED.search(line)
        if match and (found := _one_date(match["date"])):
            return found
    stem = Path(file_name).stem
    if (iso := _ISO_IN_NAME.search(stem)) is not None:
        found = _one_date("-".join(iso.groups()))
        if found:
            return found
    if (dmy := _DMY_IN_NAME.search(stem)) is not None:
        return _one_date("/".join(dmy.groups()))
    return None
