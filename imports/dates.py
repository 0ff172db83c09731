"""Dates as exports write them, read a whole column at a time.

ISO (with or without a time), day-first or month-first numeric dates ("03/04/2026",
"03/04/26, 14:05"), dates with month names ("3 April 2026", "Fri, 3 Apr 2026"), Excel serial
numbers (as numbers or text) and real date cells, mixed in one column. Whether a numeric
date is day-first or month-first is decided per column from the evidence: a first part over
12 means day-first, a second part over 12 month-first. A column with no such evidence is
read day-first (UK exports) and flagged ambiguous; a column with both is conflicting: the
values that contradict the majority are rejected.

Each distinct value is parsed once (columns of a million rows hold a few thousand dates).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from imports.cells import ColumnLike, factorize, lookup
from tracker.messages.problems import Code, Problem, Severity

DATE_ORDERS = ("day-first", "month-first")  # a column's order, when its dates do not say
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_SERIAL = 2_958_465  # 9999-12-31

_TIME = (r"(?:,?\s*T?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.]\d{2}(?:\.\d+)?)?"
         r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|BST))?")
_ISO = r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})" + _TIME + "$"
_NUMERIC = r"^(?P<first>\d{1,2})[/.-](?P<second>\d{1,2})[/.-](?P<year>\d{4}|\d{2})" + _TIME + "$"
_WEEKDAY = r"(?:[A-Za-z]{3,9}\.?,?\s+)?"
_DAY_NAME = (r"^" + _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?P<mon>[A-Za-z]{3,9})\.?,?"
             r"[\s-]+(?P<year>\d{4}|\d{2})" + _TIME + "$")
_NAME_DAY = (r"^" + _WEEKDAY + r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?"
             r"\s+(?P<year>\d{4})" + _TIME + "$")
_SERIAL = r"^\d{5}(?:\.\d+)?$"  # 10000-99999: 1927 to 2173

MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}


@dataclass
class ParsedDates:
    """One column read as dates, aligned with the input."""

    values: np.ndarray  # object: datetime.date or None
    missing: np.ndarray  # bool: the cell was empty
    bad: np.ndarray  # bool: a value that is not a date
    conflict: np.ndarray  # bool: day-first in a month-first column, or the other way round
    order: str  # "day-first", "month-first" or "" (no numeric dates)
    ambiguous: bool  # numeric dates readable both ways, nothing in the column settled it
    ordinal: np.ndarray | None = None  # int64: date.toordinal(), or -1 (for fast comparisons)


def parse_dates(column: ColumnLike, dayfirst: bool = True) -> ParsedDates:
    """Read a column of mixed date values; ``dayfirst`` is the default for a column that
    gives no evidence either way."""
    codes, uniques = factorize(column)
    parsed = _parse_uniques(pd.Series(uniques, dtype=object), dayfirst)
    ordinals = np.array([d.toordinal() if isinstance(d, dt.date) else -1 for d in parsed.values],
                        dtype=np.int64)
    return ParsedDates(lookup(codes, parsed.values, None), lookup(codes, parsed.missing, True),
                       lookup(codes, parsed.bad, False), lookup(codes, parsed.conflict, False),
                       parsed.order, parsed.ambiguous, lookup(codes, ordinals, -1))


def _parse_uniques(values: pd.Series, dayfirst: bool) -> ParsedDates:
    out = np.full(len(values), None, dtype=object)
    kinds = values.map(_kind)
    real = (kinds == "date").to_numpy()
    out[real] = [_as_date(v) for v in values[real]]
    numbers = (kinds == "number").to_numpy()
    text = values.where(kinds == "text", "").astype(str).str.strip()
    is_text = (kinds == "text").to_numpy()
    missing = (kinds == "empty").to_numpy() | (is_text & (text == "").to_numpy())
    serial_text = text.str.fullmatch(_SERIAL).to_numpy()
    serials = pd.to_numeric(values.where(numbers, text.where(serial_text)), errors="coerce")
    out[numbers | serial_text] = _from_serials(serials[numbers | serial_text])
    order, ambiguous, conflict = "", False, np.zeros(len(values), dtype=bool)
    for pattern in (_ISO, _DAY_NAME, _NAME_DAY):
        _fill(out, text, pattern)
    numeric = text.str.extract(_NUMERIC)
    if numeric["first"].notna().any():
        order, ambiguous, conflict = _decide_order(numeric, dayfirst)
        first_is_day = order == "day-first"
        day = numeric["first"] if first_is_day else numeric["second"]
        month = numeric["second"] if first_is_day else numeric["first"]
        _assign(out, numeric.assign(day=day, month=month), ~conflict)
    bad = ~missing & pd.isna(pd.Series(out, dtype=object)).to_numpy()
    return ParsedDates(out, missing, bad, conflict & ~missing, order, ambiguous)


def _kind(value: object) -> str:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return "empty"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return "number"
    return "text" if isinstance(value, str) else "other"


def _as_date(value: object) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    assert isinstance(value, dt.date)
    return value


def _from_serials(serials: pd.Series) -> list[dt.date | None]:
    ok = serials.notna() & (serials >= 1) & (serials <= MAX_SERIAL)
    days = serials.where(ok, 0).fillna(0).astype("int64")
    return [EXCEL_EPOCH + dt.timedelta(days=int(d)) if good else None
            for d, good in zip(days, ok, strict=True)]


def _fill(out: np.ndarray, text: pd.Series, pattern: str) -> None:
    found = text.str.extract(pattern)
    if found["year"].notna().any():
        if "mon" in found:
            found["month"] = found["mon"].str.lower().map(MONTHS)
        _assign(out, found, found["year"].notna().to_numpy())


def _assign(out: np.ndarray, found: pd.DataFrame, where: np.ndarray) -> None:
    """Dates from year/month/day (text) columns, where the time (if any) is valid too."""
    year = pd.to_numeric(found["year"], errors="coerce")
    year = year.where(year >= 100, year + np.where(year <= 68, 2000, 1900))
    parts = pd.DataFrame({"year": year, "month": pd.to_numeric(found["month"], errors="coerce"),
                          "day": pd.to_numeric(found["day"], errors="coerce")})
    stamps = pd.to_datetime(parts.where(parts.notna().all(axis=1)), errors="coerce")
    hour = pd.to_numeric(found["hour"], errors="coerce").fillna(0)
    limit = np.where(found["ampm"].notna(), 12, 23)
    minute = pd.to_numeric(found["minute"], errors="coerce").fillna(0)
    good = (stamps.notna() & (hour <= limit) & (minute <= 59)).to_numpy() & where
    dates = stamps.dt.date.to_numpy(dtype=object)
    out[good] = dates[good]


def _decide_order(numeric: pd.DataFrame, dayfirst: bool) -> tuple[str, bool, np.ndarray]:
    first = pd.to_numeric(numeric["first"], errors="coerce")
    second = pd.to_numeric(numeric["second"], errors="coerce")
    says_day = ((first > 12) & (second <= 12)).to_numpy()
    says_month = ((second > 12) & (first <= 12)).to_numpy()
    if says_day.any() and says_month.any():
        day_first = says_day.sum() >= says_month.sum()
        return ("day-first" if day_first else "month-first", False,
                says_month if day_first else says_day)
    if says_day.any() or says_month.any():
        return ("day-first" if says_day.any() else "month-first", False,
                np.zeros(len(numeric), dtype=bool))
    readable_both = ((first <= 12) & (second <= 12) & (first != second)).to_numpy()
    return ("day-first" if dayfirst else "month-first", bool(readable_both.any()),
            np.zeros(len(numeric), dtype=bool))


_TIME_ONLY = r"^\d{1,2}:\d{2}(?::\d{2})?$"


def not_a_date(value: str | None, fix: str) -> str:
    """The message for a value that is not a date; ``fix`` says what to do. A time with no
    date is what a workbook's date cell holding 0 or a negative serial number reads as."""
    if value is not None and re.match(_TIME_ONLY, value.strip()):
        return (f'"{value}" is a time with no date: a date cell in Excel shows one when it '
                "holds 0 or a negative number (a date before 1900). Correct the date in the "
                "source system and export the file again.")
    return f'"{value}" is not a date this tool can read; {fix}'


def ambiguous_dates(order: str, column: str | None, file: str) -> Problem:
    """The one warning for a column whose dates could be read either way."""
    reading = "day first (DD/MM/YYYY)" if order == "day-first" else "month first (MM/DD/YYYY)"
    return Problem(Code.AMBIGUOUS_DATES, Severity.WARNING,
                   "No date in this column has a day over 12, so it cannot say whether its "
                   f"dates are day-first or month-first; they were read {reading}. Check a "
                   "few dates against the source system.", None, column, None, file)


# ---------------------------------------------------------------- times of day

_CLOCK = (r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2})(?:\.\d+)?)?"
          r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?")
_ZONE = r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|BST)?\s*$"
_CLOCK_ONLY = re.compile(r"^\s*" + _CLOCK + _ZONE)
_TIME_AFTER_DATE = re.compile(r"(?:\s+|T|,\s*)" + _CLOCK + _ZONE)


def _clock(found: re.Match[str] | None) -> dt.time | None:
    """The time a ``_CLOCK`` match gives (None: no match, or no such time)."""
    if found is None:
        return None
    hour, minute = int(found["hour"]), int(found["minute"])
    second = int(found["second"] or 0)
    if found["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if found["ampm"][0] in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def is_time_of_day(text: str) -> bool:
    """Whether ``text`` is a time of day with no date ("14:35", "2.35 pm")."""
    return _clock(_CLOCK_ONLY.match(text)) is not None


def _fraction(value: float) -> dt.time | None:
    """The time of day an Excel fraction of a day gives (0.5: 12:00), to the second."""
    seconds = round((value % 1) * 86400)
    return None if seconds >= 86400 else dt.time(seconds // 3600, seconds // 60 % 60,
                                                 seconds % 60)


def time_in_date(value: object) -> dt.time | None:
    """The time of day a date cell gives, when it gives one: a datetime cell not at
    midnight (a date cell reads as midnight), text with a time after the date, or an Excel
    serial with a fraction of a day."""
    if isinstance(value, dt.datetime):
        return value.time() if value.time() != dt.time() else None
    if isinstance(value, float) and value == value and not value.is_integer() and value > 1:
        return _fraction(value)
    if isinstance(value, str):
        return _clock(_TIME_AFTER_DATE.search(value.strip()))
    return None


def time_of_day(value: object) -> dt.time | None:
    """A time-of-day cell's time: a time cell, a datetime cell (Excel writes a time alone
    as one on 30/12/1899), text such as "14:35" or "2:35 pm", or a fraction of a day."""
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, float) and 0 <= value < 1:
        return _fraction(value)
    if isinstance(value, str):
        return _clock(_CLOCK_ONLY.match(value))
    return None


@dataclass
class ParsedTimes:
    """One column read as times of day, aligned with the input."""

    values: np.ndarray  # object: datetime.time or None
    bad: np.ndarray  # bool: a value that is not a time of day


def parse_times(column: ColumnLike, reader: Callable[[object], dt.time | None]) -> ParsedTimes:
    """A column read by ``reader`` (``time_of_day`` or ``time_in_date``), each distinct
    value once: the times (None where none), and which non-blank cells gave none."""
    codes, uniques = factorize(column)
    values = np.array([reader(v) for v in uniques], dtype=object)
    blank = np.array([v is None or (isinstance(v, str) and not v.strip())
                      or (isinstance(v, float) and v != v) for v in uniques], dtype=bool)
    return ParsedTimes(lookup(codes, values, None),
                       lookup(codes, ~blank & pd.isna(pd.Series(values, dtype=object))
                              .to_numpy(), False))
