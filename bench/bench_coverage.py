"""Benchmark of the coverage engine at national scale, beside a naive per-person loop.

    /work/venv/bin/python bench/bench_coverage.py        # 250k people, 1M completions
    /work/venv/bin/python bench/bench_coverage.py --people 20000 --completions 80000
    /work/venv/bin/python bench/bench_coverage.py --backends sqlite \\
        --postgres-url postgresql://postgres@127.0.0.1:5432/test

Synthetic people in the 43 Home Office forces (Avon and Somerset about 6,500, the Met about
a fifth), two roster snapshots (movers, leavers and joiners between them) and completions
generated with numpy, bulk-loaded straight into a fresh database (executemany on SQLite,
COPY on PostgreSQL, in a schema ``bench_coverage_<hex>`` dropped afterwards). Timed, each
the best of ``--repeat`` runs, from the database to the finished table:

* coverage by rank x department, both requirements, national and for one force;
* the people frame of that coverage with the names, numbers and e-mails read in;
* the weekly trend of each requirement, national and for one force;
* two naive baselines on the same data: a per-person Python loop over preloaded dicts (run
  in full), and a per-person loop over ORM objects with a query per person (run on a sample
  and extrapolated, which the output says).

The engine's totals are checked against the dict loop's, so the comparison is like for like.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demodata.national import ONE_FORCE, build_national
from tracker.coverage.engine import compute
from tracker.coverage.rules import Requirement, RuleSet, load_rules
from tracker.coverage.snapshot import Snapshot, load_snapshot, read_snapshot, save_snapshot
from tracker.coverage.trend import trend
from tracker.store import models
from tracker.store.db import make_engine

AS_OF = dt.date(2026, 4, 30)
TODAY = dt.date(2026, 11, 30)


# --------------------------------------------------------------------------- baselines


def _naive_status(req: Requirement, state: dict[str, Any], done: dict[int, list[str]],
                  exempt: set[tuple[int, str]], module_ids: dict[str, int], as_of: str,
                  grace_from: str) -> str | None:
    """One person, one requirement, the obvious way."""
    if not any(all(_naive_condition(state, k, v) for k, v in c.conditions.items())
               for c in req.include):
        return None
    if any(all(_naive_condition(state, k, v) for k, v in c.conditions.items())
           for c in req.exclude):
        return None
    if all(any(d <= as_of for d in done.get(module_ids[m], [])) for m in req.modules):
        return "completed"
    if (state["person_id"], req.id) in exempt:
        return "exempt"
    if state["start_date"] and state["start_date"] > grace_from:
        return "not_yet_due"
    return "outstanding"


def _naive_condition(state: dict[str, Any], key: str, value: Any) -> bool:
    if key == "detective":
        return bool(state["detective"]) == value
    column = {"unit_contains": "unit", "role_contains": "role"}.get(key, key)
    return state.get(column) in value


def naive_dicts(engine: Engine, rules: RuleSet, as_of: dt.date,
                force: str | None = None) -> Counter[tuple[Any, ...]]:
    """Per-person Python loop over preloaded dicts: (requirement, rank, department, status)
    counts."""
    iso_day = as_of.isoformat()
    where = "" if force is None else (" WHERE p.force_id = (SELECT id FROM forces WHERE code "
                                      f"= '{force}')")
    with engine.connect() as conn:
        states = conn.execute(text(
            "SELECT s.* FROM person_states s JOIN people p ON p.id = s.person_id" + where)
        ).mappings().all()
        completions = conn.execute(text(
            "SELECT c.person_id, c.module_id, c.completed_on FROM completions c JOIN people p "
            "ON p.id = c.person_id" + where)).all()
        exemptions = conn.execute(text(
            "SELECT person_id, requirement FROM exemptions WHERE starts_on <= :d AND (ends_on "
            "IS NULL OR ends_on >= :d)"), {"d": iso_day}).all()
        module_ids: dict[str, int] = dict(
            conn.execute(text("SELECT code, id FROM modules")).all())
    return _naive_loop(rules, as_of, states, completions, exemptions, module_ids)


def _naive_loop(rules: RuleSet, as_of: dt.date, states: Sequence[Any],
                completions: Sequence[Any], exemptions: Sequence[Any],
                module_ids: dict[str, int]) -> Counter[tuple[Any, ...]]:
    iso_day = as_of.isoformat()
    by_person: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in states:
        by_person[row["person_id"]].append({k: _text(v) for k, v in dict(row).items()})
    done: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for person_id, module_id, completed_on in completions:
        done[person_id][module_id].append(_text(completed_on))
    exempt = {(p, r) for p, r in exemptions}
    counts: Counter[tuple[Any, ...]] = Counter()
    for person_id, person_states in by_person.items():
        person_states.sort(key=lambda s: (s["as_of"], s["id"]))
        older = [s for s in person_states if s["as_of"] <= iso_day]
        state = older[-1] if older else person_states[0]
        if ((state["start_date"] and state["start_date"] > iso_day)
                or (state["leaving_date"] and state["leaving_date"] <= iso_day)
                or (state["status"] == "leaver" and not state["leaving_date"]
                    and state["as_of"] <= iso_day)):
            continue
        for req in rules.requirements:
            grace_from = (as_of - dt.timedelta(days=req.grace_days)).isoformat()
            status = _naive_status(req, state, done.get(person_id, {}), exempt, module_ids,
                                   iso_day, grace_from)
            if status:
                counts[(req.id, state["rank"], state["department"], status)] += 1
    return counts


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def naive_orm_sample(engine: Engine, rules: RuleSet, as_of: dt.date, sample: int,
                     force: str | None = None) -> tuple[float, int, int]:
    """A per-person loop over ORM objects with queries per person, on ``sample`` people:
    (seconds for the sample, people in the sample, people in total)."""
    with Session(engine) as session:
        query = select(models.Person.id)
        if force:
            query = query.join(models.Force).where(models.Force.code == force)
        person_ids = session.scalars(query).all()
        module_ids = {m.code: m.id for m in session.scalars(select(models.Module))}
        chosen = person_ids[:: max(len(person_ids) // sample, 1)][:sample]
        start = time.perf_counter()
        for person_id in chosen:
            person = session.get(models.Person, person_id)
            assert person is not None
            states = session.scalars(select(models.PersonState).where(
                models.PersonState.person_id == person_id)).all()
            comps = session.scalars(select(models.Completion).where(
                models.Completion.person_id == person_id)).all()
            exemptions = session.scalars(select(models.Exemption).where(
                models.Exemption.person_id == person_id)).all()
            _orm_person(rules, as_of, list(states), list(comps), list(exemptions), module_ids)
        return time.perf_counter() - start, len(chosen), len(person_ids)


def _orm_person(rules: RuleSet, as_of: dt.date, states: list[models.PersonState],
                comps: list[models.Completion], exemptions: list[models.Exemption],
                module_ids: dict[str, int]) -> list[str | None]:
    states.sort(key=lambda s: s.as_of)
    older = [s for s in states if s.as_of <= as_of]
    state = older[-1] if older else states[0]
    row = {"person_id": state.person_id, "rank": state.rank, "department": state.department,
           "workforce_type": state.workforce_type, "detective": state.detective,
           "unit": state.unit, "role": state.role,
           "start_date": state.start_date.isoformat() if state.start_date else None}
    done: dict[int, list[str]] = defaultdict(list)
    for c in comps:
        done[c.module_id].append(c.completed_on.isoformat())
    exempt = {(e.person_id, e.requirement) for e in exemptions
              if e.starts_on <= as_of and (e.ends_on is None or e.ends_on >= as_of)}
    return [_naive_status(req, row, done, exempt, module_ids, as_of.isoformat(),
                          (as_of - dt.timedelta(days=req.grace_days)).isoformat())
            for req in rules.requirements]


# --------------------------------------------------------------------------- timing


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    """((wall seconds, CPU seconds of this process) of the quickest run, its result)."""
    times, result = [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(times), result


def engine_counts(engine: Engine, rules: RuleSet, force: str | None
                  ) -> Counter[tuple[Any, ...]]:
    people = compute(engine, rules, AS_OF, force=force).people
    grouped = people.groupby(["requirement", "rank", "department", "status"], dropna=False)
    counts: Counter[tuple[Any, ...]] = Counter()
    for key, n in grouped.size().items():
        parts = [None if v != v else v for v in key]  # type: ignore[attr-defined]  # NaN: None
        counts[tuple(parts)] = int(n)
    return counts


def _coverage(engine: Engine, rules: RuleSet, force: str | None) -> Any:
    return compute(engine, rules, AS_OF, force=force).summary(["rank", "department"])


def _people_with_names(engine: Engine, rules: RuleSet, force: str | None) -> Any:
    """The people frame with names, numbers and e-mails read in (what the dashboards cache
    and the outstanding lists show)."""
    return compute(engine, rules, AS_OF, force=force).people


def _snapshot_rows(engine: Engine, rules: RuleSet, repeat: int,
                   record: Callable[..., None]) -> Snapshot:
    """Time loading the snapshot from the database and reading it back as saved."""
    seconds, snap = best_of(repeat, partial(load_snapshot, engine, rules))
    record("snapshot: load from the database", "all forces", seconds,
           f"{len(snap.states):,} roster rows")
    folder = Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    try:
        save_snapshot(snap, folder, "bench")
        seconds, _ = best_of(repeat, partial(read_snapshot, folder, "bench", rules))
        record("snapshot: read back as saved", "all forces", seconds, "Arrow files")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return snap


def _snapshot_coverage(snap: Snapshot, rules: RuleSet, force: str | None) -> Any:
    return snap.coverage(AS_OF, rules.requirements, force=force).summary(["rank", "department"])


def run_backend(name: str, engine: Engine, args: argparse.Namespace) -> list[tuple[str, ...]]:
    rules = load_rules()
    start = time.perf_counter()
    sizes = build_national(engine, args.people, args.completions, args.seed)
    print(f"[{name}] loaded {sizes} in {time.perf_counter() - start:.1f} s", flush=True)
    rows: list[tuple[str, ...]] = []

    def record(what: str, scope: str, seconds: tuple[float, float], note: str = "") -> None:
        wall, cpu = seconds
        rows.append((name, what, scope, f"{wall:.2f}", f"{cpu:.2f}", note))
        print(f"[{name}] {what:<38} {scope:<28} {wall:8.2f} s wall {cpu:8.2f} s CPU {note}",
              flush=True)

    snap = _snapshot_rows(engine, rules, args.repeat, record)
    for label, force in (("national", None), (f"one force ({ONE_FORCE})", ONE_FORCE)):
        seconds, result = best_of(args.repeat, partial(_coverage, engine, rules, force))
        target = 3.0 if force is None else 1.0
        record("coverage by rank x department (2 reqs)", label, seconds,
               f"target < {target:.0f} s; {len(result)} groups")
        seconds, people = best_of(args.repeat, partial(_people_with_names, engine, rules, force))
        record("people list with names (2 reqs)", label, seconds, f"{len(people):,} rows")
        for req in rules.ids:
            seconds, _ = best_of(args.repeat, partial(trend, engine, rules, req, TODAY,
                                                      force=force))
            record(f"weekly trend {req}", label, seconds)
        seconds, result = best_of(args.repeat, partial(_snapshot_coverage, snap, rules, force))
        record("coverage from the snapshot", label, seconds, f"{len(result)} groups")
        for req in rules.ids:
            seconds, _ = best_of(args.repeat, partial(snap.trend, rules.get(req), TODAY,
                                                      force=force))
            record(f"weekly trend {req} from the snapshot", label, seconds)
        seconds, naive = best_of(1, partial(naive_dicts, engine, rules, AS_OF, force))
        same = naive == engine_counts(engine, rules, force)
        record("naive: per-person loop over dicts", label, seconds,
               f"same counts as the engine: {'yes' if same else 'NO'}")
        sample = min(args.orm_sample, 2000 if force is None else 1000)
        cpu = time.process_time()
        spent, sample, total = naive_orm_sample(engine, rules, AS_OF, sample, force)
        cpu = time.process_time() - cpu
        record("naive: per-person ORM queries", label,
               (spent / sample * total, cpu / sample * total),
               f"extrapolated from {sample:,} people ({spent:.2f} s) to {total:,}")
    return rows


def postgres_engine(url: str) -> tuple[Engine, Callable[[], None]]:
    schema = f"bench_coverage_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_engine(url).url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        with admin.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
                                {"s": schema}).scalar()
        admin.dispose()
        if left:
            print(f"Warning: schema {schema} was not dropped; drop it by hand.", flush=True)

    return engine, drop


def print_table(rows: list[tuple[str, ...]], args: argparse.Namespace) -> None:
    out = io.StringIO()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    out.write(f"\n{args.people:,} people, {args.completions:,} completions; as of "
              f"{AS_OF}, trend to {TODAY}; best of {args.repeat}; {os.cpu_count()} CPUs, "
              f"load average at the end {load}\n\n")
    out.write("| backend | what | scope | wall s | CPU s | note |\n"
              "|---|---|---|---:|---:|---|\n")
    for row in rows:
        out.write("| " + " | ".join(row) + " |\n")
    print(out.getvalue())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--completions", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="Comma-separated: sqlite, postgresql.")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--orm-sample", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    # A terminated run still drops its PostgreSQL schema and temporary SQLite folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rows: list[tuple[str, ...]] = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="bench-coverage-") as tmp:
                engine = make_engine(f"sqlite:///{tmp}/bench.db")
                rows += run_backend("SQLite", engine, args)
                engine.dispose()
        elif backend == "postgresql":
            engine, drop = postgres_engine(args.postgres_url)
            try:
                rows += run_backend("PostgreSQL", engine, args)
            finally:
                drop()
        else:
            parser.error(f"unknown backend {backend!r}; use sqlite and/or postgresql")
    print_table(rows, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
