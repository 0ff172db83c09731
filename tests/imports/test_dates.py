"""The date reader: every format round-trips, and a column's order follows its evidence."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from imports.dates import EXCEL_EPOCH, parse_dates

DATES = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2099, 12, 31))
# The machine is shared: time is not what these tests check.
RELAXED = settings(deadline=None, max_examples=60)

FORMATS = {
    "iso": lambda d: d.isoformat(),
    "iso-time": lambda d: f"{d.isoformat()} 14:05:09",
    "uk": lambda d: d.strftime("%d/%m/%Y"),
    "uk-time": lambda d: d.strftime("%d/%m/%Y %H:%M"),
    "moodle-uk": lambda d: d.strftime("%d/%m/%y, 09:30"),
    "month-name": lambda d: d.strftime("%d %B %Y"),
    "short-month": lambda d: d.strftime("%d-%b-%Y"),
    "weekday": lambda d: d.strftime("%a, %d %b %Y"),
    "serial": lambda d: (d - EXCEL_EPOCH).days,
    "serial-float": lambda d: float((d - EXCEL_EPOCH).days) + 0.25,
    "date-cell": lambda d: d,
    "datetime-cell": lambda d: dt.datetime(d.year, d.month, d.day, 10, 30),
}


@RELAXED
@given(st.lists(DATES, min_size=1, max_size=20), st.sampled_from(sorted(FORMATS)))
def test_round_trip_each_format(dates: list[dt.date], name: str) -> None:
    if name == "moodle-uk":  # two-digit years: 1969-2068
        dates = [d for d in dates if 1969 <= d.year <= 2068] or [dt.date(2026, 1, 13)]
    column = pd.Series([FORMATS[name](d) for d in dates], dtype=object)
    parsed = parse_dates(column)
    assert list(parsed.values) == dates
    assert not parsed.bad.any() and not parsed.conflict.any()


@RELAXED
@given(st.lists(DATES, min_size=1, max_size=20))
def test_round_trip_us_column_with_evidence(dates: list[dt.date]) -> None:
    dates = [*dates, dt.date(2026, 1, 31)]  # a day over 12 settles the column
    column = pd.Series([d.strftime("%m/%d/%Y") for d in dates], dtype=object)
    parsed = parse_dates(column)
    assert parsed.order == "month-first" and not parsed.ambiguous
    assert list(parsed.values) == dates


@RELAXED
@given(st.lists(DATES, min_size=1, max_size=20))
def test_mixed_formats_in_one_column(dates: list[dt.date]) -> None:
    formats = sorted(f for f in FORMATS if f != "moodle-uk")
    column = [FORMATS[formats[i % len(formats)]](d) for i, d in enumerate(dates)]
    column.append("31/12/2025")  # day-first evidence
    parsed = parse_dates(pd.Series(column, dtype=object))
    assert list(parsed.values) == [*dates, dt.date(2025, 12, 31)]


def test_ambiguous_column_reads_day_first_and_says_so() -> None:
    parsed = parse_dates(pd.Series(["01/02/2026", "03/04/2026"], dtype="str"))
    assert parsed.ambiguous and parsed.order == "day-first"
    assert list(parsed.values) == [dt.date(2026, 2, 1), dt.date(2026, 4, 3)]


def test_same_day_and_month_is_not_ambiguous() -> None:
    parsed = parse_dates(pd.Series(["01/01/2026", "2026-03-04"], dtype=object))
    assert not parsed.ambiguous


def test_month_first_default_when_asked() -> None:
    parsed = parse_dates(pd.Series(["01/02/2026"], dtype=object), dayfirst=False)
    assert parsed.values[0] == dt.date(2026, 1, 2)


def test_conflicting_column_rejects_the_minority() -> None:
    parsed = parse_dates(pd.Series(["13/01/2026", "14/01/2026", "01/15/2026"], dtype=object))
    assert parsed.order == "day-first"
    assert list(parsed.conflict) == [False, False, True]
    assert list(parsed.bad) == [False, False, True]


def test_bad_and_missing_values() -> None:
    parsed = parse_dates(pd.Series(["", None, "31/02/2026", "tomorrow", "2026", True,
                                    "25/12/2026 25:00"], dtype=object))
    assert list(parsed.missing) == [True, True, False, False, False, False, False]
    assert list(parsed.bad) == [False, False, True, True, True, True, True]
