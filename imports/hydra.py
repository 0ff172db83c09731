"""Hydra delegate lists: a trainer's workbook, a title block above the header, one sheet
per course date or one for all. Every sheet with a delegate header is read. The rows marked
as not attended are handed over too, as absences (``detail["absences"]``)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from imports import cells
from imports.completions import Cands, absences, concat, finish
from imports.lms import candidates
from imports.table import Context, Table
from tracker.messages.problems import Report

ABSENCES = "absences"  # the detail key of the absence records (taken out by imports.parse)
DEFAULT_TITLE = "OIC Hydra exercise"
_DATE_IN_TEXT = re.compile(
    r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?[ -](?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"\.?[ -]\d{2,4})",
    re.IGNORECASE)
_HYDRA_TITLE = re.compile(r"hydra", re.IGNORECASE)


def date_in_text(texts: list[str]) -> str | None:
    """The first date written in a sheet's title lines or name ("Course date: 12/03/2026")."""
    for text in texts:
        match = _DATE_IN_TEXT.search(text)
        if match:
            return match.group(1)
    return None


def sheet_candidates(table: Table, ctx: Context, report: Report) -> Cands:
    titles = table.header.title_lines
    course = next((t for t in titles if _HYDRA_TITLE.search(t)), DEFAULT_TITLE)
    n = len(table)
    title = (table.values("title") if table.has("title")
             else cells.obj(cells.same(n, course)))
    title = title.where(title.map(lambda v: bool(str(v).strip()) if v is not None else False),
                        course)
    cands = candidates(table, ctx, report, title, table.label("title") or _where(table, "title"))
    if not table.has("date"):
        found = date_in_text([*titles, table.sheet or ""])
        cands["date"] = cells.same(n, found)
        cands["date_col"] = cells.same(n, _where(table, "course date"))
    return cands


def _where(table: Table, what: str) -> str:
    return f"{table.sheet}!({what})" if table.sheet else f"({what})"


def parse_hydra(tables: list[Table], ctx: Context,
                report: Report) -> tuple[pd.DataFrame, dict[str, Any]]:
    parts = []
    for i, table in enumerate(tables):
        part = sheet_candidates(table, ctx, report)
        part["sheet_index"] = np.full(len(table), i)
        if len(tables) > 1:  # row keys are per sheet: compare the records themselves
            part = {k: v for k, v in part.items() if not k.startswith("_k")}
        parts.append(part)
    cands = concat(parts)
    records, counts = finish(cands, ctx, report)
    detail: dict[str, Any] = {**counts, "sheets": len(tables),
                              ABSENCES: absences(cands, ctx)}
    return records, detail
