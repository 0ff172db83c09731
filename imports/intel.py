"""NCCU referral logs and intelligence submission logs (recommendation 2): one row per
referral (its date, the force's incident or custody reference, the NCCU reference where
known, the reporting officer's staff or collar number, a location) or per intelligence
document (its reference, date, author and the reference it links to).

A row without its reference or its date cannot be counted or matched: it is rejected with
its row and column. A reference that appears twice in one file keeps its first row. The
time of day is kept when the file gives one: in a separate time column, else in the date
cell itself (a date and time cell, "02/03/2026 14:35"); a time that cannot be read is a
warning (the row is kept, with no time). Matching goes by the date alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from imports import cells
from imports.dates import (
    ambiguous_dates,
    not_a_date,
    parse_dates,
    parse_times,
    time_in_date,
    time_of_day,
)
from imports.report import add_rows
from imports.table import Context, Table
from tracker.ingest.records import REFERRAL_COLUMNS, SUBMISSION_COLUMNS
from tracker.messages.problems import Code, Report, Severity

WHAT = {"referred_on": "referral", "submitted_on": "submission"}
TIME_FIELD = {"referred_on": "referred_at", "submitted_on": "submitted_at"}


def parse_referrals(table: Table, ctx: Context,
                    report: Report) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A referral log's rows as ``REFERRAL_COLUMNS``."""
    out = _common(table, ctx, report, "referred_on")
    out["nccu_reference"] = cells.obj(cells.identifiers(table.coded("nccu_reference")))
    out["location"] = cells.obj(cells.texts(table.coded("location")))
    return _finish(out, table, ctx, report, REFERRAL_COLUMNS, "referred_on")


def parse_submissions(table: Table, ctx: Context,
                      report: Report) -> tuple[pd.DataFrame, dict[str, Any]]:
    """An intelligence submission log's rows as ``SUBMISSION_COLUMNS``."""
    out = _common(table, ctx, report, "submitted_on")
    out["linked_reference"] = cells.obj(cells.identifiers(table.coded("linked_reference")))
    return _finish(out, table, ctx, report, SUBMISSION_COLUMNS, "submitted_on")


def _common(table: Table, ctx: Context, report: Report, date_field: str) -> pd.DataFrame:
    dates, reported = _dates(table, date_field, ctx, report)
    return cells.frame({
        "row": table.rows.astype("int64"),
        "reference": cells.identifiers(table.coded("reference")),
        date_field: dates,
        "officer": cells.identifiers(table.coded("officer")),
        TIME_FIELD[date_field]: _times(table, date_field, ctx, report),
        "_date_reported": reported,
    })


def _times(table: Table, date_field: str, ctx: Context, report: Report) -> np.ndarray:
    """The rows' times of day: the time column's, else the date cell's own (None where
    neither gives one). A time column value that is not a time is a warning."""
    in_dates = parse_times(table.coded(date_field), time_in_date).values
    name = TIME_FIELD[date_field]
    if not table.has(name):
        return in_dates
    raw = table.coded(name)
    parsed = parse_times(raw, time_of_day)
    add_rows(report, parsed.bad, table.rows, Code.BAD_VALUE, Severity.WARNING,
             table.label(name), raw, lambda v, i: f'"{v}" is not a time of day (such as '
             "14:35): the row was imported without its time. Correct it and import the "
             "file again to keep it.", ctx.file_name)
    values = parsed.values.copy()
    none = pd.isna(pd.Series(values, dtype=object)).to_numpy()
    values[none] = in_dates[none]
    return values


def _dates(table: Table, name: str, ctx: Context,
           report: Report) -> tuple[np.ndarray, np.ndarray]:
    """The rows' dates, and where a date was reported already: an unreadable or future one
    is an error (the row is rejected)."""
    raw = table.coded(name)
    parsed = parse_dates(raw, dayfirst=ctx.dayfirst)
    wrong = parsed.bad | parsed.conflict
    add_rows(report, wrong, table.rows, Code.BAD_DATE, Severity.ERROR, table.label(name), raw,
             lambda v, i: not_a_date(v, "the row was not imported. Write it as DD/MM/YYYY "
                                     "and import the file again."), ctx.file_name)
    values = parsed.values.copy()
    values[wrong] = None
    future = np.array([d is not None and d > ctx.today for d in values], dtype=bool)
    add_rows(report, future, table.rows, Code.FUTURE_DATE, Severity.ERROR, table.label(name),
             values, lambda v, i: f"{v} is after today; the row was not imported. Correct "
             "the date and import the file again.", ctx.file_name)
    if ctx.ambiguous(parsed):
        report.add(ambiguous_dates(parsed.order, table.label(name), ctx.file_name))
    values[future] = None
    return values, wrong | future


def _finish(out: pd.DataFrame, table: Table, ctx: Context, report: Report,
            columns: list[str], date_field: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Reject rows without a reference or a date; keep the first of a repeated reference."""
    no_ref = cells.blank(out["reference"].to_numpy(dtype=object))
    add_rows(report, no_ref, table.rows, Code.MISSING_VALUE, Severity.ERROR,
             table.label("reference"), None,
             lambda v, i: f"No reference: the {WHAT[date_field]} cannot be matched or counted; "
             "fill it in and import the file again.", ctx.file_name)
    no_date = cells.blank(out[date_field].to_numpy(dtype=object)) & ~no_ref
    missing = no_date & ~out["_date_reported"].to_numpy(dtype=bool)
    add_rows(report, missing, table.rows, Code.MISSING_VALUE, Severity.ERROR,
             table.label(date_field), None,
             lambda v, i: f"No {WHAT[date_field]} date; fill it in and import the file "
             "again.", ctx.file_name)
    kept = out[~no_ref & ~no_date].reset_index(drop=True)
    repeat = kept["reference"].duplicated(keep="first").to_numpy()
    first = kept.groupby("reference")["row"].transform("first").to_numpy()
    add_rows(report, repeat, kept["row"].to_numpy(), Code.DUPLICATE_ROW, Severity.WARNING,
             table.label("reference"), kept["reference"].to_numpy(dtype=object),
             lambda v, i: f"Reference {v} is on row {first[i]} already; this row was "
             "ignored.", ctx.file_name)
    return kept[~repeat].reset_index(drop=True)[columns], {"repeated": int(repeat.sum())}
