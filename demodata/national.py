"""A national database for benchmarks and demos at scale: synthetic people in the 43 Home
Office forces (Avon and Somerset about 6,500 at the default size, the Met a fifth), two roster
snapshots (movers, leavers and joiners between them), completions and exemptions, generated
with numpy and bulk-loaded straight into the tables (executemany on SQLite, COPY on
PostgreSQL), not through the importer: the importer's own speed is measured apart
(``bench/bench_import.py``).

``build_national(engine, people=250_000, completions=1_000_000)`` fills an empty database;
``national_users(engine)`` adds one log-in per national role and a Metropolitan Police
training lead. ``tracker demo-data --national --out FILE.db`` calls both. Same seed, same
database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Engine, text

from tracker.reference import vocab
from tracker.store.db import init_db

SNAPSHOTS = (dt.date(2025, 10, 1), dt.date(2026, 3, 1))
ONE_FORCE = "avon-and-somerset"
EPOCH = np.datetime64("1970-01-01", "D")
DEPARTMENTS = list(vocab.departments().departments)
WORKFORCE = (["police_officer", "special_constable", "pcso", "police_staff"],
             [0.60, 0.03, 0.05, 0.32])
OFFICER_RANKS = (["constable", "sergeant", "inspector", "chief-inspector", "superintendent"],
                 [0.76, 0.14, 0.065, 0.025, 0.01])


# --------------------------------------------------------------------------- data


def force_sizes(people: int, rng: np.random.Generator) -> dict[str, int]:
    """People per Home Office force: Avon and Somerset ~6,500 (scaled), the Met a fifth."""
    codes = [f.code for f in vocab.forces().forces.values() if f.home_office]
    share = rng.dirichlet(np.full(len(codes), 6.0)) * 0.77
    share[codes.index("metropolitan")] = 0.20
    share[codes.index(ONE_FORCE)] = 0.026
    sizes = np.floor(share / share.sum() * people).astype(int)
    sizes[codes.index("metropolitan")] += people - sizes.sum()
    return dict(zip(codes, sizes.tolist(), strict=True))


def iso(days: np.ndarray) -> list[str | None]:
    """Day numbers (NaN for none) as ISO date strings / None."""
    out: list[str | None] = [None] * len(days)
    known = ~np.isnan(days)
    text_days = np.datetime_as_string(EPOCH + days[known].astype("int64"), unit="D")
    for i, value in zip(np.flatnonzero(known), text_days, strict=True):
        out[i] = str(value)
    return out


def day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def make_people(n: int, sizes: dict[str, int], force_ids: dict[str, int],
                rng: np.random.Generator) -> dict[str, Any]:
    force_codes = np.repeat(np.array(list(sizes)), list(sizes.values()))
    ids = np.arange(1, n + 1)
    workforce = rng.choice(WORKFORCE[0], n, p=WORKFORCE[1])
    rank = np.where(workforce == "police_officer",
                    rng.choice(OFFICER_RANKS[0], n, p=OFFICER_RANKS[1]),
                    np.full(n, None, dtype=object))
    rank = np.where(workforce == "special_constable", "special-constable", rank)
    rank = np.where(workforce == "pcso", "pcso", rank)
    detective = (workforce == "police_officer") & (rng.random(n) < 0.2)
    dept = rng.choice(DEPARTMENTS, n)
    moved = rng.random(n) < 0.05
    dept2 = np.where(moved, rng.choice(DEPARTMENTS, n), dept)
    start = rng.integers(day(dt.date(1995, 1, 1)), day(dt.date(2025, 6, 1)), n).astype(float)
    joiner = rng.random(n) < 0.03
    start[joiner] = rng.integers(day(SNAPSHOTS[0]) + 1, day(SNAPSHOTS[1]), joiner.sum())
    leaver = ~joiner & (rng.random(n) < 0.03)
    leaving = np.full(n, np.nan)
    leaving[leaver] = rng.integers(day(SNAPSHOTS[0]), day(SNAPSHOTS[1]), leaver.sum())
    # line manager: someone earlier in the same force (the first person of a force: none)
    first_of_force = np.r_[0, np.cumsum(list(sizes.values()))[:-1]]
    offsets = np.repeat(first_of_force, list(sizes.values()))
    manager = offsets + (rng.random(n) * (np.arange(n) - offsets)).astype(int)
    return {"ids": ids, "force": force_codes, "force_id": [force_ids[c] for c in force_codes],
            "workforce": workforce, "rank": rank, "detective": detective, "dept": dept,
            "dept2": dept2, "start": start, "joiner": joiner, "leaver": leaver,
            "leaving": leaving, "manager": manager + 1}


def make_completions(p: dict[str, Any], target: int, module_ids: dict[str, int],
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person id, module id, day) triples, unique, about ``target`` of them."""
    n = len(p["ids"])
    first = rng.normal(day(dt.date(2026, 1, 15)), 120, n).clip(day(dt.date(2024, 6, 1)),
                                                               day(dt.date(2026, 11, 25)))
    done = rng.choice(5, n, p=[0.08, 0.04, 0.04, 0.06, 0.78])
    persons, modules, days = [], [], []
    for k in range(4):
        who = np.flatnonzero(done > k)
        persons.append(p["ids"][who])
        modules.append(np.full(len(who), module_ids[f"oic-el-{k + 1}"]))
        days.append(first[who] + 3 * k)
    inspectors = np.flatnonzero((p["rank"] == "inspector") & (rng.random(n) < 0.8))
    persons.append(p["ids"][inspectors])
    modules.append(np.full(len(inspectors), module_ids["oic-hydra"]))
    days.append(rng.normal(day(dt.date(2026, 2, 1)), 90, len(inspectors)))
    person, module, when = (np.concatenate(persons), np.concatenate(modules),
                            np.concatenate(days).astype(int))
    extra = max(target - len(person), 0)
    if extra:  # repeats: the same module again, later
        pick = rng.integers(0, len(person), extra * 2)
        person = np.r_[person, person[pick]]
        module = np.r_[module, module[pick]]
        when = np.r_[when, when[pick] + rng.integers(1, 200, len(pick))]
    key = np.unique(np.c_[person, module, when], axis=0)
    keep = rng.permutation(len(key))[:target] if len(key) > target else slice(None)
    key = key[keep]
    return key[:, 0], key[:, 1], key[:, 2].astype(float)


def rows_of(columns: Sequence[Iterable[Any]]) -> list[tuple[Any, ...]]:
    return list(zip(*columns, strict=True))


def build_tables(p: dict[str, Any], completions: tuple[np.ndarray, ...], batch_ids: dict[str, int],
                 snapshot_ids: dict[tuple[str, int], int], rng: np.random.Generator
                 ) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    n = len(p["ids"])
    ids = p["ids"].tolist()
    staff = [f"{i:07d}" for i in ids]
    names = [f"Officer {i}" for i in ids]
    people = rows_of([ids, p["force_id"], staff, [str(i % 9000 + 100) for i in ids],
                      [f"O{i}" for i in ids], ["Officer"] * n, names,
                      [f"officer.{i}@police.example" for i in ids]])
    states = []
    leaving_text = iso(p["leaving"])
    start_text = iso(p["start"])
    managers = [staff[m - 1] for m in p["manager"].tolist()]
    for snap_index, snap_day in enumerate(SNAPSHOTS):
        present = ~p["joiner"] if snap_index == 0 else np.ones(n, bool)
        dept = p["dept"] if snap_index == 0 else p["dept2"]
        status = np.where(p["leaver"] & (snap_index == 1), "leaver", "active")
        for i in np.flatnonzero(present).tolist():
            states.append((snapshot_ids[(p["force"][i], snap_index)], ids[i], snap_day.isoformat(),
                           p["workforce"][i], p["rank"][i], p["rank"][i], bool(p["detective"][i]),
                           f"{vocab.department_label(dept[i])} {i % 7}", dept[i], None,
                           managers[i], start_text[i],
                           leaving_text[i] if snap_index == 1 else None, status[i]))
    person, module, when = completions
    batch = batch_ids["lms"]
    completion_rows = rows_of([person.tolist(), module.tolist(), iso(when),
                               ["lms-long"] * len(person), [batch] * len(person)])
    exempt = rng.choice(ids, max(n // 250, 1), replace=False).tolist()
    exemptions = [(pid, "oic-elearning" if k % 3 else "oic-hydra", "Long-term absence",
                   "2025-11-01", None if k % 2 else "2026-06-30", "bench", "2026-01-01 00:00:00")
                  for k, pid in enumerate(exempt)]
    return {
        "people": (["id", "force_id", "staff_number", "collar_number", "surname", "forenames",
                    "full_name", "email"], people),
        "person_states": (["snapshot_id", "person_id", "as_of", "workforce_type", "rank_raw",
                           "rank", "detective", "unit", "department", "role", "line_manager",
                           "start_date", "leaving_date", "status"], states),
        "completions": (["person_id", "module_id", "completed_on", "source", "batch_id"],
                        completion_rows),
        "exemptions": (["person_id", "requirement", "reason", "starts_on", "ends_on",
                        "recorded_by", "recorded_at"], exemptions),
    }


# --------------------------------------------------------------------------- loading


def bulk_insert(engine: Engine, table: str, columns: list[str],
                rows: list[tuple[Any, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               rows)
        raw.commit()
    finally:
        raw.close()


def reference_rows(engine: Engine, sizes: dict[str, int]) -> tuple[dict[str, int],
                                                                    dict[tuple[str, int], int]]:
    """One import batch per force and snapshot (plus one LMS batch), and the snapshots."""
    with engine.begin() as conn:
        force_ids: dict[str, int] = dict(conn.execute(text("SELECT code, id FROM forces")).all())
    batches: list[tuple[str, str, str, int | None]] = [
        ("lms", "lms-national.csv", "lms-long", None)]
    batches += [(f"hr:{code}:{k}", f"hr-{code}-{d}.csv", "hr-roster", force_ids[code])
                for code in sizes for k, d in enumerate(SNAPSHOTS)]
    bulk_insert(engine, "import_batches",
                ["id", "file_name", "sha256", "kind", "force_id", "imported_by", "imported_at",
                 "rows_read", "rows_accepted", "rows_warned", "rows_rejected", "rows_unmatched",
                 "rows_new", "rows_unchanged", "status"],
                [(i, name, "0" * 64, kind, force, "bench", "2026-11-30 00:00:00", 0, 0, 0, 0, 0,
                  0, 0, "committed") for i, (_k, name, kind, force) in enumerate(batches, 1)])
    batch_ids = {key: i for i, (key, *_rest) in enumerate(batches, 1)}
    snapshots = [((code, k), force_ids[code], batch_ids[f"hr:{code}:{k}"], d.isoformat())
                 for code in sizes for k, d in enumerate(SNAPSHOTS)]
    bulk_insert(engine, "roster_snapshots", ["id", "force_id", "batch_id", "as_of", '"full"'],
                [(i, f, b, d, True) for i, (_key, f, b, d) in enumerate(snapshots, 1)])
    return batch_ids, {key: i for i, (key, *_rest) in enumerate(snapshots, 1)}


def build_national(engine: Engine, people: int = 250_000, completions: int = 1_000_000,
                   seed: int = 2026) -> dict[str, int]:
    """Fill an empty database (created here) with the national data; returns the rows
    written per table, the number of forces and the size of ``ONE_FORCE``."""
    rng = np.random.default_rng(seed)
    init_db(engine)
    sizes = force_sizes(people, rng)
    batch_ids, snapshot_ids = reference_rows(engine, sizes)
    with engine.begin() as conn:
        force_ids: dict[str, int] = dict(conn.execute(text("SELECT code, id FROM forces")).all())
        module_ids: dict[str, int] = dict(
            conn.execute(text("SELECT code, id FROM modules")).all())
    p = make_people(people, sizes, force_ids, rng)
    done = make_completions(p, completions, module_ids, rng)
    tables = build_tables(p, done, batch_ids, snapshot_ids, rng)
    for table, (columns, rows) in tables.items():
        bulk_insert(engine, table, columns, rows)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return {t: len(r) for t, (_c, r) in tables.items()} | {"forces": len(sizes),
                                                         "one_force": sizes[ONE_FORCE]}




# --------------------------------------------------------------------------- log-ins

# username: (role, password, force code or None for national). Fixed and public: demo only.
NATIONAL_USERS: dict[str, tuple[str, str, str | None]] = {
    "national-admin": ("admin", "national-admin-password", None),
    "national-lead": ("training_lead", "national-lead-password", None),
    "national-inspector": ("inspector", "national-inspector-password", None),
    "met-lead": ("training_lead", "met-lead-password", "metropolitan"),
}


def national_users(engine: Engine) -> dict[str, str]:
    """Create (or reset) the NATIONAL_USERS; returns {username: password}."""
    from tracker.auth import reset_demo_users

    return reset_demo_users(engine, {name: (role, password, force, ())
                                     for name, (role, password, force)
                                     in NATIONAL_USERS.items()})
