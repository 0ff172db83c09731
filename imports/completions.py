"""From candidate completion rows (any completion export) to records and problems.

Every completion importer (long LMS, Totara, Moodle, Hydra) turns its layout into a frame
of candidates, one per learner per course: identity fields, the raw title, status and date,
and the header each came from. ``finish`` then decides, column-wise, for the whole file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from imports import cells
from imports.dates import ambiguous_dates, not_a_date, parse_dates
from imports.report import add_rows, day
from imports.statuses import COMPLETED, NOT_COMPLETED, classify, flag_prior_learning
from imports.table import Context, Table
from tracker.ingest.records import COMPLETION_COLUMNS
from tracker.messages.problems import Code, Report, Severity
from tracker.reference import vocab
from tracker.reference.text import fold

IDENTITY = ["staff_number", "collar_number", "email", "username", "full_name"]
CANDIDATE_COLUMNS = [
    "row", *IDENTITY, "force_code", "rank_raw", "unit", "title", "status", "date", "score",
    "title_col", "status_col", "date_col",
]
_OIC_LIKE = re.compile(r"\b(oic|organi[sz]ed immigration|immigration crime|hydra)\b")


def identity(table: Table) -> dict[str, np.ndarray]:
    """The learner's identity fields of every row, cleaned."""
    full = cells.names(table.coded("full_name"))
    if table.has("forenames") or table.has("surname"):
        joined = cells.join_names(cells.names(table.coded("forenames")),
                                  cells.names(table.coded("surname")))
        full = np.where(cells.blank(full), joined, full)
    return {
        "staff_number": cells.identifiers(table.coded("staff_number")),
        "collar_number": cells.identifiers(table.coded("collar_number")),
        "email": cells.emails(table.coded("email")),
        "username": cells.texts(table.coded("username")),
        "full_name": full,
        "rank_raw": cells.texts(table.coded("rank")),
        "unit": cells.texts(table.coded("unit")),
    }


def looks_oic(title: Any) -> bool:
    return bool(_OIC_LIKE.search(fold(str(title))))


Cands = dict[str, Any]  # candidate columns: numpy arrays (raw title/status/date: any ColumnLike)


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
    values = cells.materialise(values)
    return values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values


def finish(cands: Cands, ctx: Context, report: Report) -> tuple[pd.DataFrame, dict[str, int]]:
    """Records and detail counts from candidates; problems go into ``report``."""
    rows = np.asarray(cands["row"])
    file = ctx.file_name
    title, status = _titles(cands["title"], ctx), cells.coded(cands["status"])
    title_text, status_text = title.text, cells.texts(status)
    titled = title.titled
    other = titled & title.unmapped & ~title.oic_like
    dates = parse_dates(cands["date"], dayfirst=ctx.dayfirst)
    state = _states(status, dates.missing)
    live = ~other & (state != _NOT_COMPLETED)
    detail = {"other_courses": int(other.sum()),
              "not_completed": int((~other & (state == _NOT_COMPLETED)).sum())}
    title_col, status_col = cands["title_col"], cands["status_col"]

    unknown_status = live & (state == _UNKNOWN)
    add_rows(report, unknown_status, rows, Code.UNKNOWN_STATUS, Severity.ERROR, status_col,
             status_text, lambda v, i: f'Status "{v}" is not one this tool knows (for '
             'example "Completed", "Not completed", "Attended"); correct it and import again.',
             file)
    live &= ~unknown_status
    no_title = live & ~titled
    add_rows(report, no_title, rows, Code.MISSING_VALUE, Severity.ERROR, title_col,
             title_text, lambda v, i: "No course title; fill it in and import again.", file)
    unknown = live & titled & title.unmapped
    add_rows(report, unknown, rows, Code.UNKNOWN_MODULE, Severity.ERROR, title_col,
             title_text, _unknown_module_message, file)
    bad = unknown_status | no_title | unknown
    bad |= _check_dates(cands, dates, title, live & ~bad, ctx, report)
    no_id = live & _unidentified(cands)
    add_rows(report, no_id, rows, Code.MISSING_IDENTIFIER, Severity.ERROR, cands.get("id_col"),
             None,
             lambda v, i: "No staff number, collar number, email, username or name: the "
             "learner cannot be identified; fill one in and import again.", file)
    bad |= no_id
    if ctx.ambiguous(dates) and (live & ~dates.missing).any():
        column = cands["date_col"][np.flatnonzero(live & ~dates.missing)[0]]
        report.add(ambiguous_dates(dates.order, column, file))
    keep = live & ~bad
    texts = {"raw_title": title_text, "raw_status": status_text}
    records, detail["duplicates"] = _records(cands, title.module, dates.values, texts, keep,
                                             report, file)
    detail["prior_learning"] = flag_prior_learning(records["raw_status"], status, status_col,
                                                   report, file)
    return records, detail


@dataclass
class _Titles:
    """Course titles, worked out once per distinct title and mapped back to the rows."""

    codes: np.ndarray
    text: np.ndarray  # per row: the title as text, None when blank
    module: np.ndarray  # per row: the module code, None when unmapped
    modules: np.ndarray  # per distinct title: its module code
    titled: np.ndarray  # per row: bool
    unmapped: np.ndarray
    oic_like: np.ndarray


def _titles(column: cells.ColumnLike, ctx: Context) -> _Titles:
    title = cells.coded(column)
    extra = ctx.mappings.get("module")
    codes, modules = cells.per_unique(title, lambda t: vocab.modules().lookup(str(t), extra))
    oic_like = cells.per_unique(title, looks_oic)[1].astype(bool)
    text = cells.distinct_texts(title)[1]
    return _Titles(codes, cells.lookup(codes, text, None), cells.lookup(codes, modules, None),
                   modules, cells.lookup(codes, ~cells.blank(text), False),
                   cells.lookup(codes, cells.blank(modules), True),
                   cells.lookup(codes, oic_like, False))


_UNKNOWN, _COMPLETED, _NOT_COMPLETED, _EMPTY = range(4)
_STATE_OF = {None: _UNKNOWN, COMPLETED: _COMPLETED, NOT_COMPLETED: _NOT_COMPLETED, "": _EMPTY}


def _states(status: cells.Coded, no_date: np.ndarray) -> np.ndarray:
    """_COMPLETED / _NOT_COMPLETED / _UNKNOWN per row; an empty status means completed when
    the row has a date (exports that list completions only) and not completed otherwise."""
    codes, uniques = cells.factorize(status)
    labels = classify((np.arange(len(uniques)), uniques))  # once per distinct status
    state = cells.lookup(codes, np.array([_STATE_OF[s] for s in labels], dtype=np.int8),
                         _EMPTY)
    empty = state == _EMPTY
    state[empty & ~no_date] = _COMPLETED
    state[empty & no_date] = _NOT_COMPLETED
    return state


def absences(cands: Cands, ctx: Context) -> pd.DataFrame:
    """The rows that say the learner did not attend (or complete) a known module on a
    course date that is not in the future, and say who: records (``COMPLETION_COLUMNS``,
    ``completed_on`` the course date) a delegate list's import keeps as absences. Rows
    short of any of these are left out without a problem: a non-attendance credits nobody,
    so it is never an error."""
    title = _titles(cands["title"], ctx)
    status = cells.coded(cands["status"])
    dates = parse_dates(cands["date"], dayfirst=ctx.dayfirst)
    dated = ~dates.missing & ~dates.bad & ~dates.conflict
    dated &= np.asarray(dates.ordinal) <= ctx.today.toordinal()
    keep = (_states(status, dates.missing) == _NOT_COMPLETED) & title.titled & ~title.unmapped
    keep &= dated & ~_unidentified(cands)
    texts = {"raw_title": title.text, "raw_status": cells.texts(status)}
    return _records(cands, title.module, dates.values, texts, keep, Report(), ctx.file_name)[0]


def _unidentified(cands: Cands) -> np.ndarray:
    """Rows with no identity field at all (the columns after the first only checked while
    some row is still unidentified)."""
    blank = cells.blank(cands[IDENTITY[0]])
    for name in IDENTITY[1:]:
        if not blank.any():
            break
        blank &= cells.blank(cands[name])
    return blank


def _unknown_module_message(value: str | None, _: int) -> str:
    return (f'The course "{value}" looks like OIC training but matches no module; the row was '
            "not imported.")


def _check_dates(cands: Cands, dates: Any, title: _Titles, live: np.ndarray,
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
             lambda v, i: not_a_date(v, "write it as DD/MM/YYYY and import again."), file)
    ok = live & ~missing & ~dates.bad & ~dates.conflict
    ordinal = dates.ordinal
    future = ok & (ordinal > ctx.today.toordinal())
    add_rows(report, future, rows, Code.FUTURE_DATE, Severity.ERROR, column, raw,
             lambda v, i: f"The completion date {day(dates.values[i])} is after today "
             f"({day(ctx.today)}); correct it and import again.", file)
    start = [_available_from(m) for m in title.modules]  # per distinct title
    start_ordinal = cells.lookup(title.codes, np.array(
        [d.toordinal() if d else -1 for d in start], dtype=np.int64), -1)
    early = ok & ~future & (ordinal < start_ordinal)
    add_rows(report, early, rows, Code.BEFORE_MODULE_EXISTED, Severity.ERROR, column, raw,
             lambda v, i: f"The completion date {day(dates.values[i])} is before "
             f"{_title(title.module[i])} was available ({day(start[title.codes[i]])}); check "
             "the date and the course title.", file)
    return missing | conflict | bad | future | early


def _available_from(code: Any) -> dt.date | None:
    module = vocab.modules().modules.get(str(code))
    return module.available_from if module else None


def _title(code: Any) -> str:
    module = vocab.modules().modules.get(str(code))
    return module.title if module else str(code)


def _records(cands: Cands, mapped: np.ndarray, dates: np.ndarray,
             texts: dict[str, np.ndarray], keep: np.ndarray, report: Report,
             file: str) -> tuple[pd.DataFrame, int]:
    """The kept candidates as records, in (sheet, row) order, exact repeats left out."""
    at = _ordered(cands, keep)
    columns: dict[str, Any] = {
        "row": np.asarray(cands["row"], dtype="int64")[at],
        **{c: _array(cands[c])[at] for c in [*IDENTITY, "force_code", "rank_raw", "unit"]},
        "module_code": mapped[at],
        "raw_title": texts["raw_title"][at],
        "completed_on": dates[at],
        "raw_status": texts["raw_status"][at],
        "score": _array(cands["score"])[at],
    }
    dupe = _duplicates(cands, columns, at, report, file)
    if dupe.any():
        columns = {c: v[~dupe] for c, v in columns.items()}
    columns["score"] = _scores(columns["score"])
    return cells.frame({c: columns[c] for c in COMPLETION_COLUMNS}), int(dupe.sum())


def _ordered(cands: Cands, keep: np.ndarray) -> np.ndarray | slice:
    """Positions of the kept candidates, sorted by sheet then row when they are not (a
    slice of all of them when every one is kept in order: views, not copies)."""
    at = np.flatnonzero(keep)
    row = np.asarray(cands["row"], dtype="int64")[at]
    sheet = cands.get("sheet_index")
    sheet_of = np.asarray(sheet)[at] if sheet is not None else np.zeros(len(at), dtype=np.int64)
    if (np.diff(row) < 0).any() or (np.diff(sheet_of) < 0).any():
        return at[np.lexsort((row, sheet_of))]
    return slice(None) if len(at) == len(keep) else at


def _scores(values: np.ndarray) -> np.ndarray:
    """Scores as floats, None (not NaN) where there is none: the records contract."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64")
    if np.isnan(numbers).all():
        return np.full(len(numbers), None, dtype=object)
    out = numbers.astype(object)
    out[np.isnan(numbers)] = None
    return out


def _duplicates(cands: Cands, columns: dict[str, Any], at: np.ndarray | slice, report: Report,
                file: str) -> np.ndarray:
    """Exact repeats of an earlier row: a warning each (only the first is kept). Rows
    compare by the integer codes of the cells they were read from when the importer gives
    them (fast), else by their record fields."""
    keys = [np.asarray(v)[at] for c, v in cands.items() if c.startswith("_k")]
    if not keys:
        keys = [cells.coded(_array(columns[c]))[0] for c in COMPLETION_COLUMNS if c != "row"]
    ids = cells.group_ids(keys)
    dupe = pd.Series(ids).duplicated(keep="first").to_numpy()
    if dupe.any():
        first, rows = cells.first_seen(ids), columns["row"]
        add_rows(report, dupe, rows, Code.DUPLICATE_ROW, Severity.WARNING, None, None,
                 lambda v, i: f"Repeats row {rows[first[i]]} exactly; this copy was ignored.",
                 file)
    return dupe
