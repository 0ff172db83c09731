"""HR rosters: one row per person, a dated snapshot of the force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from imports import cells
from imports.dates import ambiguous_dates, not_a_date, parse_dates
from imports.report import add_rows
from imports.table import Context, Table, mapped
from tracker.ingest.records import ROSTER_COLUMNS
from tracker.messages.problems import Code, Report, Severity
from tracker.reference import vocab
from tracker.reference.text import fold

WORKFORCE = {
    "police officer": "police_officer", "officer": "police_officer", "police": "police_officer",
    "regular": "police_officer", "warranted officer": "police_officer",
    "police officers": "police_officer", "special constable": "special_constable",
    "special": "special_constable", "specials": "special_constable",
    "special constabulary": "special_constable", "msc": "special_constable",
    "pcso": "pcso", "police community support officer": "pcso", "cso": "pcso",
    "police staff": "police_staff", "staff": "police_staff", "civilian": "police_staff",
}
STATUSES = {
    "active": "active", "in post": "active", "current": "active", "employed": "active",
    "live": "active", "working": "active", "leaver": "leaver", "left": "leaver",
    "terminated": "leaver", "inactive": "leaver", "resigned": "leaver", "retired": "leaver",
    "long term absence": "long-term-absence", "lta": "long-term-absence",
    "long term sick": "long-term-absence", "long-term-absence": "long-term-absence",
    "maternity leave": "long-term-absence", "career break": "career-break",
    "career-break": "career-break", "secondment": "secondment", "seconded": "secondment",
    "seconded out": "secondment",
}


def parse_roster(table: Table, ctx: Context, report: Report) -> tuple[pd.DataFrame, dict[str, Any]]:
    rows, file = table.rows, ctx.file_name
    out = _people(table)
    _ranks(out, table, ctx, report)
    _departments(out, table, ctx, report)
    out["start_date"] = cells.obj(_dates(table, "start_date", ctx, report))
    out["leaving_date"] = cells.obj(_dates(table, "leaving_date", ctx, report))
    out["status"] = cells.obj(_statuses(table, out["leaving_date"], ctx, report))
    out["role"] = cells.obj(cells.texts(table.coded("role")))
    out["line_manager"] = cells.obj(cells.identifiers(table.coded("line_manager")))
    no_id = cells.blank(out["staff_number"])
    add_rows(report, no_id, rows, Code.MISSING_IDENTIFIER, Severity.ERROR,
             table.label("staff_number"), None,
             lambda v, i: "No staff number: the person cannot be identified; fill it in and "
             "import again.", file)
    records = out[~no_id].reset_index(drop=True)[ROSTER_COLUMNS]
    records, dupes, conflicts = _repeats(records, report, file, table.label("staff_number"))
    headers = [str(c) for c in table.header.cells if str(c).strip()]  # said when one is missing
    return records, {"duplicates": dupes, "conflicting": conflicts, "headers": headers}


def _people(table: Table) -> pd.DataFrame:
    surname = cells.names(table.coded("surname"))
    forenames = cells.names(table.coded("forenames"))
    full = pd.Series(cells.names(table.coded("full_name")), dtype=object)
    comma = full.str.contains(",", regex=False).fillna(False).astype(bool).to_numpy()
    if comma.any():
        split = full.str.split(",", n=1, expand=True)
        surname = np.where(comma & cells.blank(surname), cells.names(split[0]), surname)
        forenames = np.where(comma & cells.blank(forenames), cells.names(split[1]), forenames)
        full = full.where(~comma, None)
    full = full.where(full.notna(), cells.obj(cells.join_names(forenames, surname)))
    return cells.frame({
        "row": table.rows.astype("int64"),
        "staff_number": cells.identifiers(table.coded("staff_number")),
        "collar_number": cells.identifiers(table.coded("collar_number")),
        "surname": surname,
        "forenames": forenames,
        "full_name": full.fillna("").to_numpy(dtype=object),
        "email": cells.emails(table.coded("email")),
    })


def _ranks(out: pd.DataFrame, table: Table, ctx: Context, report: Report) -> None:
    extra = ctx.mappings.get("rank")
    codes, text = cells.distinct_texts(table.coded("rank"))
    match = [vocab.ranks().lookup(v, extra) if v is not None else None for v in text]
    raw = cells.lookup(codes, text, None)
    out["rank_raw"] = cells.obj(raw)
    out["rank"] = cells.obj(cells.lookup(codes, _object_array(m.rank.code if m else None
                                                         for m in match), None))
    out["detective"] = cells.lookup(codes, np.array([bool(m and m.detective) for m in match],
                                                    dtype=bool), False)
    implied = cells.lookup(
        codes, _object_array(m.rank.workforce_type if m else None for m in match), None)
    unknown = cells.lookup(codes, np.array([v is not None and m is None
                                            for v, m in zip(text, match, strict=True)],
                                           dtype=bool), False)
    add_rows(report, unknown, table.rows, Code.UNKNOWN_RANK, Severity.WARNING,
             table.label("rank"), raw,
             lambda v, i: f'"{v}" is not a rank or grade this tool knows; the person was kept '
             "with no rank.", ctx.file_name)
    _raw, stated = mapped(
        table, "workforce_type", lambda v: WORKFORCE.get(fold(v)), ctx, report, Code.BAD_VALUE,
        lambda v: f'"{v}" is not a workforce type (police officer, special constable, PCSO, '
        "police staff); the one the rank implies was used.")
    out["workforce_type"] = cells.obj(np.where(cells.blank(stated), implied, stated))


def _object_array(values: Iterable[Any]) -> np.ndarray:
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _departments(out: pd.DataFrame, table: Table, ctx: Context, report: Report) -> None:
    extra = ctx.mappings.get("department")
    unit, dept = mapped(
        table, "unit", lambda v: vocab.departments().lookup(v, extra), ctx, report,
        Code.UNKNOWN_DEPARTMENT,
        lambda v: f'"{v}" matches no department; the person was kept with no department.')
    out["unit"], out["department"] = cells.obj(unit), cells.obj(dept)


def _dates(table: Table, name: str, ctx: Context, report: Report) -> np.ndarray:
    """Start and leaving dates: an unreadable one is a warning (the person is kept)."""
    if not table.has(name):
        return np.full(len(table), None, dtype=object)
    raw = table.coded(name)
    parsed = parse_dates(raw, dayfirst=ctx.dayfirst)
    wrong = parsed.bad | parsed.conflict
    add_rows(report, wrong, table.rows, Code.BAD_DATE, Severity.WARNING, table.label(name),
             raw, lambda v, i: not_a_date(v, "it was left empty. Write it as DD/MM/YYYY."),
             ctx.file_name)
    if ctx.ambiguous(parsed):
        report.add(ambiguous_dates(parsed.order, table.label(name), ctx.file_name))
    values = parsed.values.copy()
    values[wrong] = None
    return values


def _statuses(table: Table, leaving: pd.Series, ctx: Context, report: Report) -> np.ndarray:
    _raw, status = mapped(
        table, "status", lambda v: STATUSES.get(fold(v)), ctx, report, Code.BAD_VALUE,
        lambda v: f'"{v}" is not an employment status this tool knows (active, leaver, '
        "long-term absence, career break, secondment); it was read as active.")
    codes, gone = cells.per_unique(leaving, lambda d: isinstance(d, dt.date) and d <= ctx.today)
    left = cells.lookup(codes, gone.astype(bool), False)
    default = np.where(left, "leaver", "active")
    return np.where(cells.blank(status), default, status)


def _repeats(records: pd.DataFrame, report: Report, file: str,
             column: str | None) -> tuple[pd.DataFrame, int, int]:
    """Exact repeats (dropped, a warning each) and conflicting rows (rejected). Both share
    a staff number with another row: only those rows, usually few, are compared whole."""
    shared = records.duplicated(subset=["staff_number"], keep=False).to_numpy()
    if not shared.any():
        return records, 0, 0
    some, dupes = _duplicates(records[shared].reset_index(drop=True), report, file)
    some, conflicts = _conflicts(some, report, file, column)
    kept = ~shared | records["row"].isin(some["row"]).to_numpy()  # rows are unique
    return records[kept].reset_index(drop=True), dupes, conflicts


def _duplicates(records: pd.DataFrame, report: Report, file: str) -> tuple[pd.DataFrame, int]:
    fields = [c for c in ROSTER_COLUMNS if c != "row"]
    dupe = records.duplicated(subset=fields, keep="first").to_numpy()
    if not dupe.any():
        return records, 0
    first = records.groupby(fields, dropna=False, sort=False)["row"].transform("first")
    add_rows(report, dupe, records["row"].to_numpy(), Code.DUPLICATE_ROW, Severity.WARNING,
             None, None,
             lambda v, i: f"Repeats row {first.iloc[i]} exactly; this copy was ignored.", file)
    return records[~dupe].reset_index(drop=True), int(dupe.sum())


def _conflicts(records: pd.DataFrame, report: Report, file: str,
               column: str | None) -> tuple[pd.DataFrame, int]:
    """A staff number on two rows with different details: both rows are rejected."""
    clash = records.duplicated(subset=["staff_number"], keep=False).to_numpy()
    if not clash.any():
        return records, 0
    rows_of = records[clash].groupby("staff_number")["row"].agg(list)
    staff = records["staff_number"].to_numpy(dtype=object)
    add_rows(report, clash, records["row"].to_numpy(), Code.CONFLICTING_ROW, Severity.ERROR,
             column, staff, lambda v, i: _conflict_message(v, rows_of[staff[i]]), file)
    return records[~clash].reset_index(drop=True), int(clash.sum())


def _conflict_message(staff: Any, rows: list[int]) -> str:
    listed = ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"
    return (f"Staff number {staff} is on rows {listed} with different details; keep the "
            "right one and import again.")
