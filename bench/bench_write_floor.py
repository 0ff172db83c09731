"""What writing a million completions costs on each database, piece by piece: the floor
under any import, whatever it reads, checks or matches.

    /work/venv/bin/python bench/bench_write_floor.py                 # 1M rows, both engines
    /work/venv/bin/python bench/bench_write_floor.py --rows 100000 --backends sqlite

A fresh database with the tracker's schema and ``--people`` people; then the same rows (the
frame ``bench_import`` writes for its "plain write" column), each way in a transaction rolled
back after, the plain bulk way (tuples through executemany on SQLite, one CSV through COPY on
PostgreSQL):

* ``as stored``: into ``completions`` with its primary key, unique key, index and foreign
  keys on;
* ``foreign keys off``: the same with the foreign keys not checked (SQLite: the connection's
  ``PRAGMA foreign_keys`` off before the transaction; PostgreSQL: the constraints dropped in
  it);
* ``heap``: into a new table of the same columns with no key, index or foreign key;
* ``unique key built after``: building the natural key's unique index on that heap, alone.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import import _bulk_write, _database, _plain_rows

from tracker.store.db import init_db

HEAP = ("CREATE TABLE bench_heap_completions (person_id INTEGER, module_id INTEGER, "
        "completed_on DATE, source VARCHAR(40), batch_id INTEGER, raw_status VARCHAR(120), "
        "raw_title VARCHAR(500), score FLOAT, row INTEGER)")
UNIQUE = ("CREATE UNIQUE INDEX bench_heap_natural ON bench_heap_completions "
          "(person_id, module_id, completed_on)")


def add_people(engine: Any, people: int) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT id FROM forces ORDER BY id LIMIT 1")
        force = cursor.fetchone()[0]
        rows = [(i, force, str(100000 + i), f"Person {i}") for i in range(1, people + 1)]
        mark = "%s" if engine.dialect.name == "postgresql" else "?"
        cursor.executemany("INSERT INTO people (id, force_id, staff_number, full_name) "
                           f"VALUES ({mark}, {mark}, {mark}, {mark})", rows)
        raw.commit()
    finally:
        raw.close()


def timed(engine: Any, rows: int, work: Callable[[Any, Any], float], *,
          foreign_keys: bool = True) -> float:
    """Seconds ``work(cursor, frame)`` says it took, in a transaction rolled back after."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            if not foreign_keys:
                cursor.execute("PRAGMA foreign_keys=OFF")  # outside a transaction: it applies
            cursor.execute("BEGIN")  # the driver would leave the CREATE TABLE outside one
        frame = _plain_rows(cursor, rows)
        if engine.dialect.name == "postgresql" and not foreign_keys:
            cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'f' "
                           "AND conrelid = 'completions'::regclass")
            for (name,) in cursor.fetchall():
                cursor.execute(f'ALTER TABLE completions DROP CONSTRAINT "{name}"')
        return work(cursor, frame)
    finally:
        raw.rollback()
        if engine.dialect.name == "sqlite":
            raw.cursor().execute("PRAGMA foreign_keys=ON")
        raw.close()


def measure(engine: Any, rows: int) -> list[tuple[str, float]]:
    def stored(cursor: Any, frame: Any) -> float:
        return _bulk_write(engine, cursor, "completions", frame)

    def heap(cursor: Any, frame: Any) -> float:
        cursor.execute(HEAP)
        return _bulk_write(engine, cursor, "bench_heap_completions", frame)

    def unique_after(cursor: Any, frame: Any) -> float:
        heap(cursor, frame)
        t0 = time.perf_counter()
        cursor.execute(UNIQUE)
        return time.perf_counter() - t0

    return [("as stored (keys, index, foreign keys)", timed(engine, rows, stored)),
            ("foreign keys off", timed(engine, rows, stored, foreign_keys=False)),
            ("heap (no key, index or foreign key)", timed(engine, rows, heap)),
            ("unique key built after, alone", timed(engine, rows, unique_after))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp"))
    args = parser.parse_args(argv)
    people = max(args.people, -(-args.rows // 4))  # the rows give each person 4 modules
    print(f"{args.rows:,} completion rows of {people:,} people\n")
    print("| backend | write | s | rows/s |\n|---|---|---:|---:|")
    for backend in args.backends.split(","):
        with _database(backend, args.work_dir, args.postgres_url) as engine:
            init_db(engine)
            add_people(engine, people)
            for what, seconds in measure(engine, args.rows):
                rate = f"{args.rows / seconds:,.0f}" if "alone" not in what else "-"
                print(f"| {backend} | {what} | {seconds:.2f} | {rate} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
