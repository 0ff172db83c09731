"""Moodle's course completion report (wide: a status and a date column per activity, then
"Course complete") and activity completion report (name, identity fields, then a status
and a date per activity under a header of activity name + blank cell)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from imports import cells
from imports.completions import Cands, concat, finish, identity
from imports.lms import id_label
from imports.table import Context, Table
from tracker.messages.problems import Report
from tracker.reference import vocab
from tracker.reference.text import squash

_DATE_SUFFIX = re.compile(r"^(?P<activity>.+?)\s*-\s*completion date$", re.IGNORECASE)
_IGNORED = {"id", "userid", "moodleid"}  # Moodle's own user id: not a staff number
_STATUS_SUFFIX = re.compile(r"^(?P<activity>.+?)\s*-\s*(completion )?status$", re.IGNORECASE)


@dataclass
class Activity:
    title: str
    status: int | None  # column index
    date: int | None


def activities(table: Table) -> tuple[list[Activity], int | None]:
    """The activity column pairs of a header, and the "Course complete" column if any."""
    used = set(table.columns.values())
    cells = table.header.cells
    found: dict[str, Activity] = {}
    course_complete = None
    last: Activity | None = None
    for i, text in enumerate(cells):
        if i in used or squash(text) in _IGNORED:
            last = None
            continue
        if squash(text) == "coursecomplete":
            course_complete, last = i, None
        elif (match := _DATE_SUFFIX.match(text)) is not None:
            title = match["activity"]
            act = found.setdefault(squash(title), Activity(title, None, None))
            act.date, last = i, None
        elif not text and last is not None and last.date is None:
            last.date, last = i, None
        elif text:
            match = _STATUS_SUFFIX.match(text)
            title = match["activity"] if match else text
            last = found.setdefault(squash(title), Activity(title, None, None))
            last.status = i
    return list(found.values()), course_complete


def _frame(table: Table, ident: dict[str, np.ndarray], title: str, status: int | None,
           date: int | None, col_labels: tuple[str | None, str | None],
           activity: int) -> Cands:
    n = len(table)
    empty = cells.obj(cells.same(n, None))
    column = lambda i: empty if i is None else table.body.column(i)  # noqa: E731
    return {
        "row": table.rows, **ident, "force_code": cells.same(n, None),
        "title": cells.same(n, title),
        "status": column(status).to_numpy(dtype=object),
        "date": column(date).to_numpy(dtype=object),
        "score": np.full(n, np.nan),
        "title_col": cells.same(n, col_labels[0]), "status_col": cells.same(n, col_labels[0]),
        "date_col": cells.same(n, col_labels[1]),
        "id_col": cells.same(n, id_label(table)),
        **table.row_keys([c for c in (status, date) if c is not None], activity),
    }


def course_title(ctx: Context, table: Table) -> str | None:
    """The course a completion report is about, when its title block or file name says."""
    for text in [*table.header.title_lines, Path(ctx.file_name).stem.replace("_", " ")]:
        if vocab.modules().lookup(text, ctx.mappings.get("module")):
            return text
    return None


def parse_course(table: Table, ctx: Context,
                 report: Report) -> tuple[pd.DataFrame, dict[str, int]]:
    ident = identity(table)
    acts, complete = activities(table)
    frames = [_frame(table, ident, a.title, a.status, a.date,
                     (table.label_at(a.status if a.status is not None else a.date or 0),
                      table.label_at(a.date) if a.date is not None else None), i)
              for i, a in enumerate(acts)]
    mapped = any(vocab.modules().lookup(a.title, ctx.mappings.get("module")) for a in acts)
    title = course_title(ctx, table)
    if complete is not None and title and not mapped:
        label = table.label_at(complete)
        frames.append(_frame(table, ident, title, None, complete, (label, label), len(acts)))
    records, detail = finish(concat(frames), ctx, report)
    detail["activities"] = len(acts)
    return records, detail


def parse_activity(table: Table, ctx: Context,
                   report: Report) -> tuple[pd.DataFrame, dict[str, int]]:
    table.columns.setdefault("full_name", 0)
    ident = identity(table)
    acts, _ = activities(table)
    frames = [_frame(table, ident, a.title, a.status, a.date,
                     (table.label_at(a.status or 0), table.label_at(a.status or 0)), i)
              for i, a in enumerate(acts) if a.status is not None]
    records, detail = finish(concat(frames), ctx, report)
    detail["activities"] = len(frames)
    return records, detail
