"""Bulk writing inside an import's transaction: ids, COPY / executemany of plain tuples,
and secondary indexes set aside while a big batch is written.

Everything here runs on the session's own connection, so it is part of the one import
transaction (all or nothing)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv
from sqlalchemy.orm import Session

SUSPEND_MIN_ROWS = 100_000  # below this, updating the indexes row by row is cheap enough


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def mark(session: Session) -> str:
    """The DBAPI parameter marker of the session's database."""
    return "%s" if is_postgres(session) else "?"


def allocate_ids(session: Session, table: str, count: int) -> np.ndarray:
    """``count`` fresh primary keys for ``table``: a block after the current maximum (SQLite,
    safe because the import holds the write lock), or a block taken from the sequence in one
    step (PostgreSQL, with the table locked against other writers until the import commits,
    so nobody else draws from the sequence in between; readers are not blocked)."""
    if count == 0:
        return np.empty(0, dtype=np.int64)
    conn = session.connection()
    if is_postgres(session):
        conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        seq = f"pg_get_serial_sequence('{table}', 'id')"
        last = conn.exec_driver_sql(
            f"SELECT setval({seq}, nextval({seq}) + {int(count) - 1})").scalar_one()
        return np.arange(last - count + 1, last + 1, dtype=np.int64)
    start = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar_one()
    return np.arange(start + 1, start + 1 + count, dtype=np.int64)


def tuples(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows as plain tuples of Python values, None for missing."""
    series: list[Any] = [frame[c] for c in frame.columns]
    columns = [s.to_numpy(dtype=object, na_value=None) for s in series]
    return list(zip(*columns, strict=True))


def insert_frame(session: Session, table: str, frame: pd.DataFrame) -> None:
    """Insert a frame whose columns are the table's (dates as ISO text) in bulk: on
    PostgreSQL as CSV written by Arrow (no Python per row), else as tuples."""
    if frame.empty:
        return
    try:
        arrow = pa.Table.from_pandas(frame, preserve_index=False) if is_postgres(session) else None
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column of mixed Python types
        arrow = None
    if arrow is not None:
        _copy_csv(session, table, arrow)
    else:
        insert_rows(session, table, list(frame.columns), tuples(frame))


COPY_ROWS = 100_000


def _copy_csv(session: Session, table: str, arrow: pa.Table) -> None:
    """PostgreSQL ``COPY ... (FORMAT csv)`` of the table: a missing value is written as an
    unquoted empty field (NULL), every other value quoted (an empty text stays empty).
    Written COPY_ROWS rows at a time, so the server stores one block while Arrow writes the
    next (neither holds the GIL)."""
    names = ", ".join(f'"{c}"' for c in arrow.column_names)
    options = csv.WriteOptions(include_header=False, quoting_style="all_valid")
    raw: Any = session.connection().connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
        for block in arrow.to_batches(max_chunksize=COPY_ROWS):
            buffer = io.BytesIO()
            csv.write_csv(block, buffer, options)
            copy.write(buffer.getbuffer())


def insert_rows(session: Session, table: str, columns: list[str],
                rows: list[tuple[Any, ...]]) -> None:
    """Bulk insert plain tuples: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    if is_postgres(session):
        raw: Any = session.connection().connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    execute_many(session, f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def execute_many(session: Session, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """executemany on the session's own DBAPI connection (same transaction)."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def sqlite_bulk_pragmas(session: Session) -> None:
    """SQLite: a bigger page cache for this connection (PRAGMA cache_size may change inside
    a transaction), so index updates and builds of a big batch stay in memory."""
    if not is_postgres(session):
        conn = session.connection()
        conn.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MB


def _plain_indexes(session: Session, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's plain secondary indexes: not unique, not the
    primary key, not a constraint's (those guard the data and stay)."""
    conn = session.connection()
    if is_postgres(session):
        rows = conn.exec_driver_sql(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT x.indisunique AND NOT x.indisprimary", (table,)).all()
    else:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'", (table,)).all()
    return [(str(name), str(sql)) for name, sql in rows]


def _row_count(session: Session, table: str) -> int:
    return int(session.connection().exec_driver_sql(
        f"SELECT COUNT(*) FROM {table}").scalar_one())


def _constraints(session: Session, table: str) -> list[tuple[str, str]]:
    """PostgreSQL: (name, definition) of the table's foreign keys, and of its unique keys
    that no foreign key leans on (not the primary key)."""
    rows = session.connection().exec_driver_sql(
        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = %s::regclass AND (c.contype = 'f' OR (c.contype = 'u' "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
        "AND f.conindid = c.conindid))) ORDER BY c.contype DESC, c.conname",
        (table,)).all()
    return [(str(name), str(sql)) for name, sql in rows]


def _set_aside(session: Session, table: str) -> list[tuple[str, str]]:
    """Drop what is set aside for ``table`` and return the statements that restore it."""
    conn = session.connection()
    restore = []
    if is_postgres(session):
        keys = _constraints(session, table)  # unique keys first back, then foreign keys
        for name, _ in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore = [(name, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {sql}')
                   for name, sql in keys]
    indexes = _plain_indexes(session, table)
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return indexes + restore


@contextmanager
def checks_set_aside(session: Session, tables: list[str], rows: int) -> Iterator[None]:
    """For a batch of ``rows`` new rows that at least doubles a table, set aside for the
    block what costs per row and is cheaper in one pass after it: plain secondary indexes
    (built again, sorted) and, on PostgreSQL, foreign keys (added again: one validating
    join instead of a trigger and a row lock per row) and unique keys (built again by one
    sort instead of a B-tree insert per row). Primary keys stay, and SQLite's unique keys
    (they belong to the table). All of it happens in the import's transaction: a failure
    anywhere restores everything, and a row that breaks a foreign key or a unique key fails
    the whole import as before."""
    if rows < SUSPEND_MIN_ROWS:
        yield
        return
    big = [t for t in tables if _row_count(session, t) <= rows]
    restore = [stmt for t in big for stmt in _set_aside(session, t)]
    yield
    conn = session.connection()
    for _, sql in restore:
        conn.exec_driver_sql(sql)
