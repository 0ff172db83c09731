"""Dispatch a table to the importer of its kind (``imports.kinds.SPECS``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from imports.hydra import ABSENCES
from imports.kinds import SPECS
from imports.report import sort_report
from imports.table import Context, Table
from tracker.ingest.mappings import Mappings
from tracker.ingest.records import Kind
from tracker.messages.problems import Report


@dataclass
class Parsed:
    records: pd.DataFrame
    rows_read: int
    detail: dict[str, Any] = field(default_factory=dict)
    absences: pd.DataFrame | None = None  # a delegate list's did-not-attend rows


def parse_tables(kind: Kind, tables: list[Table], file_name: str, today: dt.date,
                 mappings: Mappings, report: Report, date_order: str | None = None) -> Parsed:
    ctx = Context(file_name, today, mappings, date_order)
    records, detail = SPECS[kind].parse(tables, ctx, report)
    absences = detail.pop(ABSENCES, None)
    sort_report(report)
    rows_read = sum(len(t) for t in tables)
    out: dict[str, Any] = {**detail, "sheets_read": [t.sheet for t in tables if t.sheet]}
    for key in ("blank_rows", "total_rows"):
        out[key] = sum(t.skipped.get(key, 0) for t in tables)
    identity = [line for t in tables for line in t.identity]
    if identity:
        out["identity"] = identity
    return Parsed(records, rows_read, out, absences)
