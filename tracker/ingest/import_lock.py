"""One writer of imported data at a time: the import lock, and the mark that tells a plan
whether another writer has been since.

Every transaction that writes imported data (an import's commit, an undo, a review-queue
match or rejection) takes the lock first and holds it until it commits or rolls back:
PostgreSQL ``pg_advisory_xact_lock`` on a key of the schema (one tracker database; readers
are never blocked), SQLite ``BEGIN IMMEDIATE`` (its one write lock, taken before anything
is read, so nothing read inside the transaction can be stale).

A plan is made without the lock (it may take seconds, and a dashboard user may look at it
for minutes). ``mark`` is read first when planning and again under the lock when
committing: writers change it only while they hold the lock, so an equal mark means nobody
wrote since the plan was read, and a different one means the plan must be made again.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tracker.store.bulk import is_postgres
from tracker.store.models import ImportBatch, UnmatchedRecord

LOCK_NAME = "oic-tracker:import-lock:"  # + the schema: tests in schemas side by side never meet


class LockTimeout(RuntimeError):
    """SQLite: another writer held the lock for longer than the busy timeout."""


def take(session: Session) -> None:
    """Wait for the import lock; it is held until the session's transaction ends. Must come
    before anything else the transaction does (on SQLite it starts the transaction)."""
    conn = session.connection()
    if is_postgres(session):
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtextextended("
                             "%s || current_schema(), 0))", (LOCK_NAME,))
        return
    raw: Any = conn.connection.dbapi_connection
    if raw.in_transaction:
        raise RuntimeError("the import lock must be taken before the transaction reads or "
                           "writes anything")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as exc:
        if isinstance(exc.orig, sqlite3.OperationalError) and "locked" in str(exc.orig):
            raise LockTimeout(str(exc.orig)) from exc
        raise


Mark = tuple[int, ...]


def mark(session: Session) -> Mark:
    """What the lock's writers change: the import batches (their number, the highest id,
    how many are undone) and how many review-queue records are resolved."""
    batches = session.execute(select(
        func.count(), func.coalesce(func.max(ImportBatch.id), 0),
        func.count().filter(ImportBatch.status != "committed"))).one()
    resolved = session.scalar(select(func.count()).select_from(UnmatchedRecord)
                              .where(UnmatchedRecord.status != "open"))
    return (*(int(n) for n in batches), int(resolved or 0))
