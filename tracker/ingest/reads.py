"""What both faces read about imports: the import history, a batch's problems, the review
queue of unmatched learners, a batch's kept file. Each query is written here once; the CLI
(``tracker imports``, ``tracker match list``) and the dashboard (the Imports and Data
quality pages) show the rows in their own words and check who may see them.

A read returns ``Rows``: the column names and one dict per row, the values as the database
gave them (``Rows.frame()`` for a table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Executable, exists, func, select

from tracker.store import audit, files
from tracker.store.db import unit_of_work
from tracker.store.models import Force, ImportBatch, ImportFile, ImportProblem, UnmatchedRecord


@dataclass(frozen=True)
class Rows:
    """A read's result: its column names and one dict per row."""

    columns: list[str]
    records: list[dict[str, Any]]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.records, columns=self.columns)

    def __len__(self) -> int:
        return len(self.records)


def read_rows(engine: Engine, query: Executable) -> Rows:
    """The rows ``query`` gives, with its column names."""
    with engine.connect() as conn:
        result = conn.execute(query)
        return Rows(list(result.keys()), [dict(row) for row in result.mappings()])


def import_history(engine: Engine, force: str | None = None) -> Rows:
    """Import batches, newest first (only ``force``'s when given): who, when, file, kind,
    force, as of, the counts (problems recorded included), status, undone when and by
    whom, and whether the file is kept as uploaded (``file_kept``)."""
    b, p = ImportBatch, ImportProblem
    problems = (select(func.count(p.id)).where(p.batch_id == b.id).correlate(b)
                .scalar_subquery())
    query = (select(b.id, b.imported_at, b.imported_by, b.file_name, b.kind,
                    Force.code.label("force"), b.as_of, b.rows_read, b.rows_accepted,
                    b.rows_new, b.rows_unchanged, b.rows_rejected, b.rows_unmatched, b.status,
                    b.undone_at, b.undone_by, problems.label("problems"), b.sha256,
                    exists().where(ImportFile.sha256 == b.sha256).label("file_kept"))
             .outerjoin(Force, Force.id == b.force_id).order_by(b.id.desc()))
    if force:
        query = query.where(Force.code == force)
    return read_rows(engine, query)


def batch_file_name(engine: Engine, batch_id: int) -> str | None:
    """The name of the file batch ``batch_id`` imported; None when there is no such batch."""
    with unit_of_work(engine) as session:
        return session.scalar(select(ImportBatch.file_name).where(ImportBatch.id == batch_id))


def batch_problems(engine: Engine, batch_id: int) -> Rows:
    """Every row-level problem a batch recorded, by row (as the spreadsheet numbers it):
    row, column, code, severity, value, message."""
    p = ImportProblem
    return read_rows(engine, select(p.row, p.column, p.code, p.severity, p.value, p.message)
                     .where(p.batch_id == batch_id).order_by(p.row, p.id))


def review_queue(engine: Engine, force: str | None = None, *, open_only: bool = True) -> Rows:
    """Learners that matched nobody (the review queue), oldest first: the open ones, or
    all (confirmed and rejected too) unless ``open_only``; only ``force``'s when given.
    Columns: id, batch_id, file_name, row, display_name, identity_key, payload (what the
    file said of the completion: module_code, completed_on, ...), status."""
    u = UnmatchedRecord
    query = (select(u.id, u.batch_id, ImportBatch.file_name, u.row, u.display_name,
                    u.identity_key, u.payload, u.status)
             .join(ImportBatch, ImportBatch.id == u.batch_id)
             .outerjoin(Force, Force.id == u.force_id).order_by(u.id))
    if open_only:
        query = query.where(u.status == "open")
    if force:
        query = query.where(Force.code == force)
    return read_rows(engine, query)


def _nothing(kept: files.Original) -> None:
    """Hand the file to no one (a face that has it by the return value)."""


def original_file(engine: Engine, batch_id: int, actor: str,
                  use: Callable[[files.Original], None] = _nothing) -> files.Original | None:
    """The file batch ``batch_id`` imported, byte for byte as uploaded, handed to ``use``
    (the CLI writes it out) and then recorded in the audit log as fetched by ``actor``
    (it holds names and numbers). None when it is not kept (no such batch, imported before
    files were kept, undone, purged). When ``use`` fails, nothing is recorded."""
    kept = files.original(engine, batch_id)
    if kept is None:
        return None
    use(kept)
    with unit_of_work(engine) as session:
        audit.record(session, actor, "download-original", f"batch:{batch_id}",
                     file=kept.file_name)
    return kept
