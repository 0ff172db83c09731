"""Long LMS exports (one row per learner per course) and Totara's completion upload and
course completion report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from imports import cells
from imports.completions import Cands, finish, identity
from imports.table import Context, Table, mapped
from tracker.messages.problems import Code, Report
from tracker.reference import vocab


def candidates(table: Table, ctx: Context, report: Report, title: pd.Series | None = None,
               title_col: str | None = None) -> Cands:
    """One candidate per row of a long table."""
    n = len(table)
    return {
        "row": table.rows,
        **identity(table),
        "force_code": forces(table, ctx, report),
        "title": table.coded("title") if title is None else title.reset_index(drop=True),
        "status": table.coded("status"),
        "date": table.coded("date"),
        "score": cells.scores(table.coded("score")),
        "title_col": cells.same(n, title_col or table.label("title")),
        "status_col": cells.same(n, table.label("status")),
        "date_col": cells.same(n, table.label("date")),
        "id_col": cells.same(n, id_label(table)),
        **table.row_keys(),
    }


def id_label(table: Table) -> str | None:
    """Where a missing identifier would go: the file's first identity column."""
    for name in ("staff_number", "collar_number", "email", "username", "full_name", "surname"):
        if table.has(name):
            return table.label(name)
    return None


def forces(table: Table, ctx: Context, report: Report) -> np.ndarray:
    """Each row's home force code (None when the column is absent or blank); a force name
    that maps to nothing is a warning, and the row is kept as the file's own force."""
    if not table.has("force"):
        return np.full(len(table), None, dtype=object)
    _raw, codes = mapped(
        table, "force", lambda v: vocab.forces().lookup(v, ctx.mappings.get("force")), ctx,
        report, Code.UNKNOWN_FORCE,
        lambda v: f'"{v}" is not a police force this tool knows; the row was kept as this '
        "file's force.")
    return codes


def parse_long(table: Table, ctx: Context, report: Report) -> tuple[pd.DataFrame, dict[str, int]]:
    return finish(candidates(table, ctx, report), ctx, report)


def parse_totara_upload(table: Table, ctx: Context,
                        report: Report) -> tuple[pd.DataFrame, dict[str, int]]:
    """Totara's upload: the course is named by its short name or its ID number; every row
    is a completion."""
    short = pd.Series(cells.texts(table.coded("title")), dtype=object)
    idnumber = pd.Series(cells.texts(table.coded("course_id")), dtype=object)
    module = ctx.mappings.get("module")
    short_ok = ~cells.blank(cells.map_unique(short, lambda t: vocab.modules().lookup(t, module)))
    use_id = ~short_ok & ~cells.blank(idnumber.to_numpy(dtype=object))
    id_ok = ~cells.blank(cells.map_unique(idnumber, lambda t: vocab.modules().lookup(t, module)))
    use_id &= id_ok | cells.blank(short.to_numpy(dtype=object))
    title = short.where(~use_id, idnumber)
    cands = candidates(table, ctx, report, title)
    if table.has("course_id"):
        cands["title_col"][use_id] = table.label("course_id")
    return finish(cands, ctx, report)
