"""Everything coverage reads, loaded once, so that coverage on any date and the weekly trends
are worked out in memory with no further query: what a dashboard serving many pages and
dates from the same data needs.

A ``Snapshot`` holds every roster state row with the interval over which it applies (from
its snapshot date to the person's next one; the earliest applies from always), each
person's first completion day of every module the rules name, and every exemption.
Coverage on a day is then ``engine.evaluate`` over the rows that apply on it, the
completions done by it and the exemptions in force on it: the same frames ``compute`` would
have loaded with its date-bound queries, so the same result (a test holds them equal).
Requirements with a validity period need the latest completion *before a date*, which the
first cannot give: ``covers`` is then False and the caller uses ``compute``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import feather
from sqlalchemy import Engine

from tracker.coverage.engine import (
    CoverageResult,
    compute,
    evaluate,
    first_col,
    in_parallel,
    load_completions,
    load_exemptions,
    load_names,
)
from tracker.coverage.population import day_number, load_states, run_query
from tracker.coverage.rules import Requirement, RuleSet
from tracker.coverage.trend import Trend, state_intervals, trend, trend_from_frames
from tracker.store.version import data_version

LOG = logging.getLogger(__name__)
EVER = dt.date(9999, 12, 31)
# Texts of the state rows kept as categoricals: each distinct text once, a fraction of the
# memory of object columns, and written to and read from disk without a Python object each.
CATEGORICAL = ("force", "workforce_type", "rank", "unit", "department", "role",
               "line_manager", "status")
PARTS = ("states", "completions", "exemptions")
FORMAT = 1  # bump when the frames change shape: older files are then never read
KEEP_FILES = 4


def answerable(requirements: Sequence[Requirement]) -> bool:
    """Whether a snapshot can answer for ``requirements``: none has a validity period."""
    return not any(r.valid_months for r in requirements)


@dataclass(frozen=True)
class Snapshot:
    """The data coverage reads, for every force (see the module's docstring)."""

    states: pd.DataFrame  # every state row, by person then date; valid_from, valid_to
    completions: pd.DataFrame  # person_id, force, first:<module> day numbers
    exemptions: pd.DataFrame  # every exemption, earliest first
    requirements: tuple[Requirement, ...]

    def covers(self, requirements: Sequence[Requirement]) -> bool:
        """Whether coverage of ``requirements`` can be worked out from this snapshot."""
        known = {r.id: r for r in self.requirements}
        return answerable(requirements) and all(known.get(r.id) == r for r in requirements)

    def states_on(self, as_of: dt.date | None, force: str | None) -> pd.DataFrame:
        """The state rows that apply on ``as_of`` (one per person; all rows when None), of
        one force or all."""
        states = self.states
        mask = np.ones(len(states), dtype=bool)
        if as_of is not None:
            day = day_number(as_of)
            mask &= ((states["valid_from"] <= day) & (states["valid_to"] > day)).to_numpy()
        if force is not None:
            mask &= (states["force"] == force).to_numpy()
        return states[mask].reset_index(drop=True)

    def completions_by(self, as_of: dt.date, force: str | None = None) -> pd.DataFrame:
        """Each person's first completion day of each module, done on or before ``as_of``
        (NaN when not by then), of one force or all."""
        day = day_number(as_of)
        frame = self.completions
        if force is not None:
            frame = frame[frame["force"] == force]
        firsts = [c for c in frame.columns if c.startswith(first_col(""))]
        values = frame[firsts].to_numpy(dtype="float64")
        done = pd.DataFrame(np.where(values <= day, values, np.nan), columns=firsts,
                            index=frame.index)
        return pd.concat([frame[["person_id"]], done], axis=1)

    def exemptions_on(self, as_of: dt.date) -> pd.DataFrame:
        day = day_number(as_of)
        frame = self.exemptions
        ends = frame["ends_day"].fillna(np.inf)
        return frame[(frame["starts_day"] <= day) & (ends >= day)]

    def coverage(self, as_of: dt.date, requirements: Sequence[Requirement], *,
                 force: str | None = None, departments: Sequence[str] | None = None
                 ) -> CoverageResult:
        """``engine.compute`` on ``as_of`` from memory (names not read: the caller sets
        ``names`` if it needs them)."""
        self._check(requirements)
        return evaluate(self.states_on(as_of, force), self.completions_by(as_of, force),
                        self.exemptions_on(as_of), requirements, as_of, force=force,
                        departments=departments)

    def trend(self, requirement: Requirement, today: dt.date, *, force: str | None = None,
              departments: Sequence[str] | None = None) -> Trend:
        """``trend.trend`` from memory."""
        self._check([requirement])
        return trend_from_frames(self.states_on(None, force), self.completions_by(today, force),
                                 self.exemptions, requirement, today, departments)

    def _check(self, requirements: Sequence[Requirement]) -> None:
        if not self.covers(requirements):
            raise ValueError("This snapshot cannot answer for "
                             + ", ".join(r.id for r in requirements) + ": use compute.")


def load_snapshot(engine: Engine, rules: RuleSet) -> Snapshot:
    """Four queries (at the same time: ``engine.in_parallel``) for every force: the
    states, the completions, the exemptions and each person's force."""
    reqs = tuple(rules.requirements)
    modules = list(dict.fromkeys(m for r in reqs for m in r.modules))
    states, completions, exemptions, forces = in_parallel(engine, [
        partial(load_states, engine, None, identity=False, requirements=reqs),
        partial(load_completions, engine, EVER, modules, latest=False),
        partial(load_exemptions, engine, None),
        partial(run_query, engine, "SELECT p.id, f.code FROM people p JOIN forces f "
                "ON f.id = p.force_id", ["person_id", "force"]),
    ])
    for module in modules:  # a module nobody has done yet: no column from the query
        if first_col(module) not in completions:
            completions[first_col(module)] = np.nan
    # whose they are: a force's trend starts at its own first completion, not everyone's
    force_of = pd.Series(pd.Categorical(forces["force"]), index=forces["person_id"])
    completions.insert(1, "force", force_of.reindex(completions["person_id"]).to_numpy())
    states = _coded(states.assign(**{c: pd.Categorical(states[c]) for c in CATEGORICAL}))
    exemptions = exemptions.astype({"exemption_id": "int64"}).reset_index(drop=True)
    return Snapshot(states=state_intervals(states), completions=completions,
                    exemptions=exemptions, requirements=reqs)


def _coded(states: pd.DataFrame) -> pd.DataFrame:
    """The CATEGORICAL columns with their categories as Python texts, however they were
    made (pandas may infer, and Arrow gives, a string dtype): one type, loaded or read."""
    for column in CATEGORICAL:
        codes = states[column].cat
        states[column] = codes.rename_categories(list(codes.categories.astype(object)))
    return states


# --------------------------------------------------------------------------- a scope


@dataclass(frozen=True)
class CoverageSource:
    """Coverage of one scope (a force or all, some departments or all) on any day, and its
    trends: worked out in memory from ``snapshot`` when it can answer, else with the
    engine's own queries (``compute``, ``trend.trend``). Either way the same figures."""

    engine: Engine
    rules: RuleSet
    force: str | None = None
    departments: Sequence[str] | None = None
    snapshot: Snapshot | None = None

    def on(self, day: dt.date, requirement: str | None = None) -> CoverageResult:
        """``compute(engine, rules, day, requirement=..., force=..., departments=...)``."""
        reqs = (self.rules.get(requirement),) if requirement else tuple(self.rules.requirements)
        if self.snapshot is None or not self.snapshot.covers(reqs):
            return compute(self.engine, self.rules, day, requirement=requirement,
                           force=self.force, departments=self.departments)
        result = self.snapshot.coverage(day, reqs, force=self.force,
                                        departments=self.departments)
        result.names = partial(load_names, self.engine, force=self.force)
        return result

    def trend(self, requirement: str, today: dt.date) -> Trend:
        """``trend.trend(engine, rules, requirement, today, force=..., departments=...)``."""
        req = self.rules.get(requirement)
        if self.snapshot is None or not self.snapshot.covers([req]):
            return trend(self.engine, self.rules, requirement, today, force=self.force,
                         departments=self.departments)
        return self.snapshot.trend(req, today, force=self.force, departments=self.departments)


def coverage_source(engine: Engine, rules: RuleSet, data_dir: Path, *,
                    force: str | None = None, departments: Sequence[str] | None = None
                    ) -> CoverageSource:
    """A ``CoverageSource`` for a command that asks for coverage more than once (a report:
    several dates and trends): on the stored snapshot (``stored_snapshot``, in the data
    folder) when the rules allow one."""
    snap = (stored_snapshot(engine, rules, snapshot_folder(data_dir))
            if answerable(rules.requirements) else None)
    return CoverageSource(engine, rules, force, departments, snap)


def saved_source(engine: Engine, rules: RuleSet, data_dir: Path, *, force: str | None = None,
                 departments: Sequence[str] | None = None) -> CoverageSource:
    """A ``CoverageSource`` for a command that asks for coverage once: on the snapshot
    already saved for the data as it is now (by the dashboard, a report or an import), if
    there is one; else on the engine's queries, since loading a snapshot costs more than
    one coverage."""
    snap = None
    if answerable(rules.requirements):
        key = snapshot_key(engine, data_version(engine), rules)
        snap = read_snapshot(snapshot_folder(data_dir), key, rules)
    return CoverageSource(engine, rules, force, departments, snap)


def snapshot_folder(data_dir: Path) -> Path:
    """Where snapshots are saved: ``snapshots`` in the data folder (TRACKER_DATA_DIR)."""
    return data_dir / "snapshots"


# --------------------------------------------------------------------------- on disk


def rules_key(rules: RuleSet) -> str:
    """A fingerprint of the requirements a snapshot was made under."""
    return hashlib.sha256(repr(tuple(rules.requirements)).encode()).hexdigest()[:16]


def snapshot_key(engine: Engine, version: Sequence[Any], rules: RuleSet) -> str:
    """The name of the files of a snapshot of ``engine``'s database at ``version``
    (``tracker.store.version.data_version``), made under ``rules``."""
    text = repr((FORMAT, engine.url.render_as_string(hide_password=True), tuple(version),
                 rules_key(rules)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def stored_snapshot(engine: Engine, rules: RuleSet, folder: Path) -> Snapshot:
    """The snapshot of the data as it is now: read from ``folder`` when one was saved for
    this version of the data and these rules (a fraction of a second), else loaded from the
    database and saved there for the next reader (the dashboard, or a command)."""
    key = snapshot_key(engine, data_version(engine), rules)
    found = read_snapshot(folder, key, rules)
    if found is None:
        found = load_snapshot(engine, rules)
        try:
            save_snapshot(found, folder, key)
        except OSError as exc:
            LOG.warning("could not save the snapshot of the data in %s (%s)", folder, exc)
    return found


def save_snapshot(snapshot: Snapshot, folder: Path, key: str) -> None:
    """Write the snapshot as Arrow files (data only: reading one runs no code), each
    complete or not there (written aside, then renamed); keep the KEEP_FILES newest."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for part in PARTS:
        frame: pd.DataFrame = getattr(snapshot, part)
        handle, aside = tempfile.mkstemp(dir=folder, suffix=".part")
        os.close(handle)
        feather.write_feather(frame.reset_index(drop=True), aside, compression="uncompressed")
        os.replace(aside, folder / f"{key}.{part}.arrow")
    _prune(folder)


def read_snapshot(folder: Path, key: str, rules: RuleSet) -> Snapshot | None:
    """The snapshot saved under ``key``, or None when there is none (or it cannot be
    read: the caller then loads from the database)."""
    if not (folder / f"{key}.{PARTS[0]}.arrow").exists():
        return None
    try:
        frames = {part: feather.read_feather(folder / f"{key}.{part}.arrow")
                  for part in PARTS}
        return _as_loaded(frames, rules)
    except (OSError, pa.ArrowException, KeyError, AttributeError, TypeError,
            ValueError) as exc:
        LOG.warning("could not read the saved snapshot %s in %s (%s); reading the database "
                    "instead", key, folder, exc)
        return None


def _as_loaded(frames: dict[str, pd.DataFrame], rules: RuleSet) -> Snapshot:
    """The frames read back, with the types ``load_snapshot`` gives."""
    states = _coded(frames["states"])
    exemptions = frames["exemptions"]
    for column in ("requirement", "reason"):
        exemptions[column] = exemptions[column].astype(object).where(
            exemptions[column].notna(), None)
    return Snapshot(states=states, completions=frames["completions"],
                    exemptions=exemptions, requirements=tuple(rules.requirements))


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.states.arrow"), key=lambda f: f.stat().st_mtime,
                   reverse=True)
    for old in files[KEEP_FILES:]:
        key = old.name.split(".")[0]
        for part in PARTS:
            (folder / f"{key}.{part}.arrow").unlink(missing_ok=True)
