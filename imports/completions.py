"""From candidate completion rows (any completion export) to records and problems.

Every completion importer (long LMS, Totara, Moodle, Hydra) turns its layout into a frame
of candidates, one per learner per course: identity fields, the raw title, status and date,
and the header each came from. ``finish`` then decides, column-wise, for the whole file.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from imports import cells
from imports.dates import ambiguous_dates, parse_dates
from imports.report import add_rows, day
from imports.statuses import COMPLETED, NOT_COMPLETED, classify
from imports.table import Context, Table
from tracker import vocab
from tracker.problems import Code, Report, Severity
from tracker.records import COMPLETION_COLUMNS
from tracker.text import fold

IDENTITY = ["staff_number", "collar_number", "email", "username", "full_name"]
CANDIDATE_COLUMNS = [
    "row", *IDENTITY, "force_code", "rank_raw", "unit", "title", "status", "date", "score",
    "title_col", "status_col", "date_col",
]
_OIC_LIKE = re.compile(r"\b(oic|organi[sz]ed immigration|immigration crime|hydra)\b")


def identity(table: Table) -> dict[str, np.ndarray]:
    """The learner's identity fields of every row, cleaned."""
    full = cells.names(table.coded("full_name"))
    joined = cells.join_names(cells.names(table.coded("forenames")),
                              cells.names(table.coded("surname")))
    return {
        "staff_number": cells.identifiers(table.coded("staff_number")),
        "collar_number": cells.identifiers(table.coded("collar_number")),
        "email": cells.emails(table.coded("email")),
        "username": cells.texts(table.coded("username")),
        "full_name": np.where(cells.blank(full), joined, full),
        "rank_raw": cells.texts(table.coded("rank")),
        "unit": cells.texts(table.coded("unit")),
    }


def looks_oic(title: Any) -> bool:
    return bool(_OIC_LIKE.search(fold(str(title))))


Cands = dict[str, Any]  # candidate columns: numpy arrays (raw title/status/date: any column)


def concat(parts: list[Cands]) -> Cands:
    """Candidates of several activities or sheets, one after the other. Row keys ("_k...")
    only compare within one table: kept only when every part has the same ones."""
    if not parts:
        return {c: np.array([], dtype=object) for c in CANDIDATE_COLUMNS}
    common = set.intersection(*(set(p) for p in parts))
    keys = [k for k in parts[0] if k in common]
    if any({k for k in p if k.startswith("_k")} != {k for k in parts[0] if k.startswith("_k")}
           for p in parts):
        keys = [k for k in keys if not k.startswith("_k")]
    return {k: np.concatenate([_array(p[k]) for p in parts]) for k in keys}


def _array(values: Any) -> np.ndarray:
    return values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values


def finish(cands: Cands, ctx: Context, report: Report,
           dayfirst: bool = True) -> tuple[pd.DataFrame, dict[str, int]]:
    """Records and detail counts from candidates; problems go into ``report``."""
    rows = np.asarray(cands["row"])
    file = ctx.file_name
    title, status = cells.coded(cands["title"]), cells.coded(cands["status"])
    mapped = cells.map_unique(title, lambda t: vocab.modules().lookup(
        str(t), ctx.mappings.get("module")))
    oic_like = cells.map_unique(title, looks_oic).astype(bool)
    title_text, status_text = cells.texts(title), cells.texts(status)
    titled = ~cells.blank(title_text)
    other = titled & cells.blank(mapped) & ~oic_like
    dates = parse_dates(cands["date"], dayfirst=dayfirst)
    state = _states(status, dates.missing)
    live = ~other & (state != NOT_COMPLETED)
    detail = {"other_courses": int(other.sum()),
              "not_completed": int((~other & (state == NOT_COMPLETED)).sum())}
    title_col, status_col = cands["title_col"], cands["status_col"]

    unknown_status = live & cells.blank(state)
    add_rows(report, unknown_status, rows, Code.UNKNOWN_STATUS, Severity.ERROR, status_col,
             status_text, lambda v, i: f'Status "{v}" is not one this tool knows (for '
             'example "Completed", "Not completed", "Attended"); correct it and import again.',
             file)
    live &= ~unknown_status
    no_title = live & ~titled
    add_rows(report, no_title, rows, Code.MISSING_VALUE, Severity.ERROR, title_col,
             title_text, lambda v, i: "No course title; fill it in and import again.", file)
    unknown = live & titled & cells.blank(mapped)
    add_rows(report, unknown, rows, Code.UNKNOWN_MODULE, Severity.ERROR, title_col,
             title_text, _unknown_module_message, file)
    bad = unknown_status | no_title | unknown
    bad |= _check_dates(cands, dates, mapped, live & ~bad, ctx, report)
    no_id = live & np.logical_and.reduce([cells.blank(cands[c]) for c in IDENTITY])
    add_rows(report, no_id, rows, Code.MISSING_IDENTIFIER, Severity.ERROR, cands.get("id_col"),
             cells.same(len(rows), None),
             lambda v, i: "No staff number, collar number, email, username or name: the "
             "learner cannot be identified; fill one in and import again.", file)
    bad |= no_id
    if dates.ambiguous and (live & ~dates.missing).any():
        column = cands["date_col"][np.flatnonzero(live & ~dates.missing)[0]]
        report.add(ambiguous_dates(dates.order, column, file))
    keep = live & ~bad
    texts = {"raw_title": title_text, "raw_status": status_text}
    records = _records(cands, mapped, dates.values, texts, keep)
    records, dupes = _drop_duplicates(records, report, file)
    detail["duplicates"] = dupes
    return records, detail


def _states(status: cells.Coded, no_date: np.ndarray) -> np.ndarray:
    """completed / not-completed / None (unknown); an empty status means completed when the
    row has a date (exports that list completions only) and not completed otherwise."""
    state = classify(status)
    empty = state == ""
    state[empty & ~no_date] = COMPLETED
    state[empty & no_date] = NOT_COMPLETED
    return state


def _unknown_module_message(value: str | None, _: int) -> str:
    return (f'The course "{value}" looks like OIC training but matches no module; map it once '
            f'with: tracker map module "{value}" MODULE-CODE, then import the file again.')


def _check_dates(cands: Cands, dates: Any, mapped: np.ndarray, live: np.ndarray,
                 ctx: Context, report: Report) -> np.ndarray:
    rows, raw = cands["row"], cands["date"]
    column, file = cands["date_col"], ctx.file_name
    missing = live & dates.missing
    add_rows(report, missing, rows, Code.MISSING_VALUE, Severity.ERROR, column, raw,
             lambda v, i: "Completed, but no completion date; fill it in and import again.", file)
    conflict = live & dates.conflict
    add_rows(report, conflict, rows, Code.BAD_DATE, Severity.ERROR, column, raw,
             lambda v, i: f'"{v}" contradicts the other dates of this column '
             f'({dates.order} elsewhere); write it as YYYY-MM-DD and import again.', file)
    bad = live & dates.bad & ~dates.conflict
    add_rows(report, bad, rows, Code.BAD_DATE, Severity.ERROR, column, raw,
             lambda v, i: f'"{v}" is not a date this tool can read; write it as DD/MM/YYYY '
             "and import again.", file)
    ok = live & ~missing & ~dates.bad & ~dates.conflict
    ordinal = dates.ordinal
    future = ok & (ordinal > ctx.today.toordinal())
    add_rows(report, future, rows, Code.FUTURE_DATE, Severity.ERROR, column, raw,
             lambda v, i: f"The completion date {day(dates.values[i])} is after today "
             f"({day(ctx.today)}); correct it and import again.", file)
    start = cells.map_unique(mapped, _available_from)
    start_ordinal = cells.lookup(*_ordinals(mapped), -1)
    early = ok & ~future & (ordinal < start_ordinal)
    add_rows(report, early, rows, Code.BEFORE_MODULE_EXISTED, Severity.ERROR, column, raw,
             lambda v, i: f"The completion date {day(dates.values[i])} is before "
             f"{_title(mapped[i])} was available ({day(start[i])}); check the date and the "
             "course title.", file)
    return missing | conflict | bad | future | early


def _ordinals(mapped: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, the day each distinct module became available as an ordinal)."""
    codes, uniques = cells.factorize(mapped)
    days = [d.toordinal() if (d := _available_from(u)) else -1 for u in uniques]
    return codes, np.array(days, dtype=np.int64)


def _available_from(code: Any) -> dt.date | None:
    module = vocab.modules().modules.get(str(code))
    return module.available_from if module else None


def _title(code: Any) -> str:
    module = vocab.modules().modules.get(str(code))
    return module.title if module else str(code)


def _records(cands: Cands, mapped: np.ndarray, dates: np.ndarray,
             texts: dict[str, np.ndarray], keep: np.ndarray) -> pd.DataFrame:
    fields = [*IDENTITY, "force_code", "rank_raw", "unit"]
    sheet = cands.get("sheet_index")
    out = cells.frame({
        "row": np.asarray(cands["row"], dtype="int64")[keep],
        **{c: _array(cands[c])[keep] for c in fields},
        "module_code": mapped[keep],
        "raw_title": texts["raw_title"][keep],
        "completed_on": dates[keep],
        "raw_status": texts["raw_status"][keep],
        "score": _scores(_array(cands["score"])[keep]),
        "_sheet": np.asarray(sheet)[keep] if sheet is not None else 0,
        **{c: np.asarray(v)[keep] for c, v in cands.items() if c.startswith("_k")},
    })
    row, sheet_of = out["row"].to_numpy(), out["_sheet"].to_numpy()
    if (len(out) and (np.diff(row) < 0).any()) or (np.diff(sheet_of) < 0).any():
        out = out.take(np.lexsort((row, sheet_of))).reset_index(drop=True)
    return out


def _scores(values: np.ndarray) -> np.ndarray:
    """Scores as floats, None (not NaN) where there is none: the records contract."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64")
    out = numbers.astype(object)
    out[np.isnan(numbers)] = None
    return out


def _drop_duplicates(records: pd.DataFrame, report: Report, file: str) -> tuple[pd.DataFrame, int]:
    """Exact repeats of an earlier row: a warning each, and only the first is kept. Rows
    compare by the integer codes of the cells they were read from when the importer gives
    them (fast), else by their record fields."""
    keys = [c for c in records.columns if c.startswith("_k")]
    fields = keys or [c for c in COMPLETION_COLUMNS if c != "row"]
    dupe = records.duplicated(subset=fields, keep="first").to_numpy()
    if dupe.any():
        repeated = records[records.duplicated(subset=fields, keep=False)]
        first = repeated.groupby(fields, dropna=False, sort=False)["row"].transform("first")
        first_of = dict(zip(repeated.index, first, strict=True))
        rows = records["row"].to_numpy()
        add_rows(report, dupe, rows, Code.DUPLICATE_ROW, Severity.WARNING, None,
                 cells.same(len(records), None),
                 lambda v, i: f"Repeats row {first_of[i]} exactly; this copy was ignored.", file)
    out = records[~dupe].reset_index(drop=True)[COMPLETION_COLUMNS]
    return out, int(dupe.sum())
