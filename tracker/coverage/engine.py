"""The coverage engine: who is in scope for each requirement on a date, and their status.

Every number the dashboard, the CLI and the reports show comes from ``compute``. One query
per table loads the roster states that apply on the date, the completions (one row per
person, first and last date per module, done in SQL) and the exemptions in force; rules and
statuses are then worked out over whole columns.

Status of a person in scope, first match wins:

1. ``completed``: every module of the requirement done on or before the date (with
   ``valid_months``: the latest completion of each module less than that many months old,
   otherwise the person is ``expired`` and falls through); ``late`` when the last module
   was first done after the deadline.
2. ``exempt``: an exemption for the requirement in force on the date.
3. ``not_yet_due``: started less than ``grace_days`` days before the date.
4. ``outstanding``: everyone else, with the modules missing.

Coverage % = completed / (completed + outstanding) x 100; exempt and not-yet-due people
are counted and listed, never hidden.
"""

from __future__ import annotations

import calendar
import datetime as dt
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pacsv
from sqlalchemy import Engine

from tracker.coverage.population import (
    BREAKDOWNS,
    IDENTITY_COLUMNS,
    absence,
    day_number,
    day_sql,
    load_states,
    run_query,
    scope,
    scope_sql,
    then_none,
    to_dates,
)
from tracker.coverage.rules import Requirement, RuleSet
from tracker.reference import vocab

STATUSES = ("completed", "exempt", "not_yet_due", "outstanding")
SMALL_GROUP = 10
PEOPLE_COLUMNS = [
    "requirement", "person_id", "force", "staff_number", "collar_number", "full_name", "email",
    "rank", "rank_label", "detective", "workforce_type", "department", "department_label",
    "unit", "role", "line_manager", "line_manager_name", "status", "late", "expired",
    "modules_done", "modules_missing", "completed_on", "exemption_reason", "snapshot_date",
    "start_date", "leaving_date",
]
# taken from the roster row of each person in scope
BASE_COLUMNS = ["person_id", "force", "staff_number", "collar_number", "full_name", "email",
                "rank", "detective", "workforce_type", "department", "unit", "role",
                "line_manager", "line_manager_name"]
# Read by several rules and the breakdowns: as categoricals, each text is hashed once.
CODED = ("workforce_type", "rank", "department")
COUNT_COLUMNS = ["in_scope", "exempt", "completed", "completed_late", "not_yet_due",
                 "outstanding"]


def first_col(module: str) -> str:
    return f"first:{module}"


def last_col(module: str) -> str:
    return f"last:{module}"


# --------------------------------------------------------------------------- loading


def load_completions(engine: Engine, as_of: dt.date, modules: Sequence[str], *,
                     force: str | None = None, person_ids: Sequence[int] | None = None,
                     latest: bool = True) -> pd.DataFrame:
    """One row per person with any completion on or before ``as_of``: the first (and, with
    ``latest``, the last) completion day of each module (NaN when never), aggregated in
    SQL."""
    module_ids = dict(run_query(engine, "SELECT code, id FROM modules", ["code", "id"])
                      .itertuples(index=False, name=None))
    module_ids = {str(k): int(v) for k, v in module_ids.items()}
    wanted = [m for m in modules if m in module_ids]
    kinds = ((first_col, "MIN"), (last_col, "MAX")) if latest else ((first_col, "MIN"),)
    columns = ["person_id"] + [name(m) for m in wanted for name, _agg in kinds]
    if not wanted:
        return pd.DataFrame(columns=columns)
    dialect = engine.dialect.name
    expressions = ["c.person_id"] + [  # FILTER: the aggregate skips other modules' rows
        day_sql(f"{agg}(c.completed_on) FILTER (WHERE c.module_id = {module_ids[m]})",
                dialect)
        for m in wanted for _name, agg in kinds
    ]
    join, where = scope_sql("c", force, person_ids)
    # No "module_id IN (...)": SQLite would then pick the (module, date) index and sort
    # for the GROUP BY; scanning the (person, module, date) key needs no sort.
    tail = (f" FROM completions c{join} WHERE c.completed_on <= :as_of{where} "
            "GROUP BY c.person_id")
    params = _params(as_of=as_of, force=force, person_ids=person_ids)
    if dialect == "sqlite":
        packed = _sqlite_packed(engine, expressions, tail, columns, params)
        if packed is not None:
            return packed
    return run_query(engine, "SELECT " + ", ".join(expressions) + tail, columns,
                     days=columns[1:], **params)


def _sqlite_packed(engine: Engine, expressions: Sequence[str], tail: str,
                   columns: Sequence[str], params: dict[str, Any]) -> pd.DataFrame | None:
    """SQLite: the rows of ``SELECT expressions tail`` (a person id, then ISO dates or NULL)
    as ONE text, a line of comma-separated values per row built by SQLite itself, read by
    Arrow into day numbers. The whole query is then one step of the driver, which holds no
    GIL meanwhile, so it overlaps with a load in another thread (``in_parallel``), and no
    Python object is made per cell. None when the text is not what is expected (a date
    that is not ISO): the caller then reads the rows one by one."""
    names = [f"v{i}" for i in range(len(expressions))]
    inner = "SELECT " + ", ".join(f"{e} AS {n}" for e, n in zip(expressions, names,
                                                                  strict=True)) + tail
    line = " || ',' || ".join(f"COALESCE({n}, '')" for n in names)
    text = run_query(engine, f"SELECT group_concat({line}, char(10)) FROM ({inner})",
                     ["text"], ints=(), **params)["text"].iloc[0]
    if text is None:  # no completions
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == columns[0] else "float64")
                             for c in columns})
    types = {c: pa.int64() if c == columns[0] else pa.date32() for c in columns}
    try:
        table = pacsv.read_csv(pa.py_buffer(str(text).encode()),
                               read_options=pacsv.ReadOptions(column_names=list(columns)),
                               convert_options=pacsv.ConvertOptions(column_types=types))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    out = {columns[0]: table.column(0).to_numpy()}
    for name in columns[1:]:  # days since 1970-01-01; NaN for none
        days = table.column(name).cast(pa.int32()).cast(pa.float64())
        out[name] = days.to_numpy(zero_copy_only=False)
    return pd.DataFrame(out)


def load_exemptions(engine: Engine, as_of: dt.date | None, *, force: str | None = None,
                    person_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Exemptions (in force on ``as_of`` when given, else all), earliest first."""
    dialect = engine.dialect.name
    join, where = scope_sql("e", force, person_ids)
    sql = (f"SELECT e.person_id, e.requirement, e.reason, {day_sql('e.starts_on', dialect)}, "
           f"{day_sql('e.ends_on', dialect)}, e.id FROM exemptions e{join} WHERE 1 = 1{where}")
    if as_of is not None:
        sql += " AND e.starts_on <= :as_of AND (e.ends_on IS NULL OR e.ends_on >= :as_of)"
    columns = ["person_id", "requirement", "reason", "starts_day", "ends_day", "exemption_id"]
    frame = run_query(engine, sql, columns, days=["starts_day", "ends_day"],
                      **_params(as_of=as_of, force=force, person_ids=person_ids))
    return frame.sort_values(["starts_day", "exemption_id"], kind="stable")


def load_names(engine: Engine, people: pd.DataFrame, *, force: str | None = None,
               person_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """The display-only IDENTITY_COLUMNS of ``people`` (rows of ``people_frame``), aligned
    with its rows: each person's numbers, name and e-mail, and the name of their line
    manager (the person of the same force whose staff number the roster gives)."""
    sql = ("SELECT p.id, f.code, p.staff_number, p.collar_number, p.full_name, p.email "
           "FROM people p JOIN forces f ON f.id = p.force_id WHERE 1 = 1")
    params: dict[str, Any] = {}
    if force is not None:
        sql += " AND f.code = :force"
        params["force"] = force
    if person_ids is not None:  # those people and their line managers
        managers = sorted({str(m) for m in people["line_manager"].dropna()})
        names = [f"lm{i}" for i in range(len(managers))]
        params.update(zip(names, managers, strict=True))
        sql += (" AND (p.id IN :person_ids OR p.staff_number IN ("
                + (", ".join(f":{n}" for n in names) or "NULL") + "))")
        params["person_ids"] = list(person_ids)
    own_columns = ["staff_number", "collar_number", "full_name", "email"]
    known = run_query(engine, sql, ["person_id", "force", *own_columns], **params)
    own = known.set_index("person_id").reindex(pd.Index(people["person_id"]))
    staff = known[known["staff_number"].notna()]
    where = _pair_lookup((staff["force"], staff["staff_number"]),
                         (people["force"], people["line_manager"]))
    manager = then_none(staff["full_name"].to_numpy(dtype=object))[where]
    out = own[own_columns].assign(line_manager_name=manager)
    return out.set_index(people.index).astype(object)


def _pair_lookup(keys: tuple[pd.Series, pd.Series], wanted: tuple[pd.Series, pd.Series]
                 ) -> np.ndarray:
    """For each (force, staff number) pair of ``wanted``, the position of the same pair in
    ``keys`` (unique pairs), or -1 (none, or a missing value). Each column is turned into
    integer codes shared by both sides, then each pair into one integer: no text is built
    per row."""
    codes = []
    for key, want in zip(keys, wanted, strict=True):
        both = np.concatenate([key.to_numpy(dtype=object), want.to_numpy(dtype=object)])
        codes.append(pd.factorize(both)[0])
    span = int(codes[1].max(initial=0)) + 2
    pairs = codes[0] * span + codes[1]
    pairs[(codes[0] < 0) | (codes[1] < 0)] = -1
    found = pd.Index(pairs[:len(keys[0])]).get_indexer(pairs[len(keys[0]):])
    found[pairs[len(keys[0]):] < 0] = -1
    return found


def in_parallel(engine: Engine, loads: Sequence[Callable[[], pd.DataFrame]]
                ) -> list[pd.DataFrame]:
    """Run the loading queries at the same time, each on a connection of its own.

    On PostgreSQL all of them in threads (the server works while Python turns rows into
    columns). On SQLite the database runs in this process and its driver hands the GIL
    back and forth on every row, so two row-by-row loads in threads fought over it (national
    coverage 4.6 s in threads, 2.5 s one after the other, same quiet machine). So there the
    first load (the roster, row by row) runs in this thread while the others run, one after
    the other, in one more thread: they are the packed completions, one step of the driver
    without the GIL (see ``_sqlite_packed``), and the small exemptions. An in-memory
    database is another database on each connection: there, everything in this thread."""
    if engine.url.get_backend_name() != "sqlite":
        with ThreadPoolExecutor(max_workers=len(loads)) as pool:
            return [future.result() for future in [pool.submit(load) for load in loads]]
    if engine.url.database in (None, "", ":memory:") or len(loads) < 2:
        return [load() for load in loads]
    with ThreadPoolExecutor(max_workers=1) as pool:
        rest = pool.submit(lambda: [load() for load in loads[1:]])
        first = loads[0]()
        return [first, *rest.result()]


def _params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def on_roster(states: pd.DataFrame, as_of: dt.date,
              departments: Sequence[str] | None = None) -> np.ndarray:
    """Per state row: the person is on the roster on ``as_of`` (and, with ``departments``,
    in one of them)."""
    present = absence(states, as_of).isna().to_numpy()
    if departments is not None:
        present = present & states["department"].isin(list(departments)).to_numpy()
    return present


# --------------------------------------------------------------------------- statuses


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (clamped to the month's end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def requirement_status(roster: pd.DataFrame, present: np.ndarray, days: pd.DataFrame,
                       exemptions: pd.DataFrame, req: Requirement, as_of: dt.date
                       ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The positions in ``roster`` (state rows) of the people ``present`` on the roster and
    in scope for ``req``, and their status columns. ``days`` holds the completion columns
    of ``load_completions`` aligned with the roster's rows."""
    positions = np.flatnonzero(scope(roster, req)["in_scope"].to_numpy() & present)
    today = day_number(as_of)
    first = _module_days(days, req.modules, first_col)[positions]
    latest = first
    done = ~np.isnan(first)
    valid = done
    if req.valid_months:
        cutoff = day_number(months_before(as_of, req.valid_months))
        latest = _module_days(days, req.modules, last_col)[positions]
        valid = done & (latest > cutoff)
    completed = valid.all(axis=1)
    finished = first.max(axis=1)  # NaN unless every module was done
    reasons = _exemption_reasons(roster["person_id"].to_numpy()[positions], exemptions, req.id)
    exempt = ~completed & pd.notna(reasons)
    start = roster["start_day"].to_numpy(dtype="float64")[positions]
    not_yet_due = ~completed & ~exempt & (start > today - req.grace_days)
    shown = latest.max(axis=1) if req.valid_months else finished
    return positions, {
        "requirement": np.full(len(positions), req.id, dtype=object),
        "status": np.array(STATUSES, dtype=object)[  # one text object per status
            np.select([completed, exempt, not_yet_due], [0, 1, 2], 3)],
        "late": completed & (finished > day_number(req.deadline)),
        "expired": done.all(axis=1) & ~completed,
        "modules_done": valid.sum(axis=1).astype("int64"),
        "modules_missing": _missing_text(~valid, req.modules),
        "completed_on": to_dates(np.where(completed, shown, np.nan)),
        "exemption_reason": reasons,
    }


def _values(column: pd.Series) -> np.ndarray:
    """A column as an object array (None for none), categoricals included."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat = column.array
        return then_none(cat.categories.to_numpy(dtype=object))[cat.codes]
    return column.to_numpy()


def _labels(codes: pd.Series | np.ndarray, labels: dict[str, str]) -> np.ndarray:
    """The label of each code ("Unmapped" for none), looked up once per distinct code."""
    index, uniques = pd.factorize(codes)
    mapped = np.array([labels.get(u, u) for u in uniques] + ["Unmapped"], dtype=object)
    return mapped[index]  # index -1 (none) picks "Unmapped"


def _module_days(days: pd.DataFrame, modules: Sequence[str], column: Any) -> np.ndarray:
    """A (people x modules) float array of day numbers, NaN where none."""
    names = [column(m) for m in modules]
    return days.reindex(columns=names).to_numpy(dtype="float64", na_value=np.nan)


def _exemption_reasons(person_ids: np.ndarray, exemptions: pd.DataFrame,
                       requirement: str) -> np.ndarray:
    """The reason of the (earliest) exemption for ``requirement`` of each person, or None."""
    mine = exemptions[exemptions["requirement"] == requirement]
    reasons = mine.drop_duplicates("person_id").set_index("person_id")["reason"]
    where = pd.Index(reasons.index).get_indexer(person_ids)
    out = np.full(len(person_ids), None, dtype=object)
    out[where >= 0] = reasons.to_numpy(dtype=object)[where[where >= 0]]
    return out


def _missing_text(missing: np.ndarray, modules: Sequence[str]) -> np.ndarray:
    """", "-joined codes of the missing modules per row, via one bit pattern per row."""
    if missing.shape[1] == 0:
        return np.full(missing.shape[0], "", dtype=object)
    weights = 1 << np.arange(missing.shape[1], dtype="int64")
    patterns = missing.astype("int64") @ weights
    uniques, inverse = np.unique(patterns, return_inverse=True)
    texts = np.array([", ".join(m for i, m in enumerate(modules) if int(p) >> i & 1)
                      for p in uniques] + [""], dtype=object)
    return texts[inverse.reshape(-1)] if len(patterns) else texts[:0]


def people_frame(roster: pd.DataFrame, parts: Sequence[tuple[np.ndarray, dict[str, Any]]]
                 ) -> pd.DataFrame:
    """One row per (requirement, person in scope): the roster columns taken once per
    requirement, the status columns, labels and dates, in the published column order."""
    positions = np.concatenate([p for p, _ in parts]) if parts else np.array([], dtype=int)
    data: dict[str, Any] = {col: _values(roster[col])[positions] for col in BASE_COLUMNS
                            if col in roster}
    for col in parts[0][1] if parts else []:
        data[col] = np.concatenate([columns[col] for _, columns in parts])
    data["rank_label"] = _labels(data["rank"], {c: r.label for c, r in
                                                vocab.ranks().ranks.items()})
    data["department_label"] = _labels(data["department"], {
        c: d.label for c, d in vocab.departments().departments.items()})
    for name, day_col in (("snapshot_date", "state_as_of"), ("start_date", "start_day"),
                          ("leaving_date", "leaving_day")):
        data[name] = to_dates(roster[day_col].to_numpy(dtype="float64")[positions])
    kinds: dict[str, str] = {"late": "bool", "expired": "bool", "detective": "bool",
                             "person_id": "int64", "modules_done": "int64"}
    series = {}
    for col in PEOPLE_COLUMNS:
        if col in IDENTITY_COLUMNS and col not in roster:
            continue  # read on demand: see CoverageResult.people
        values = np.asarray(data.get(col, np.full(len(positions), None, dtype=object)))
        series[col] = pd.Series(values.astype(kinds.get(col, "object"), copy=False),
                                dtype=kinds.get(col, "object"), copy=False)
    return pd.DataFrame(series)


# --------------------------------------------------------------------------- the result


_NAMES_READ = threading.Lock()


class _People:
    """``CoverageResult.people``: the frame given, with the display-only IDENTITY_COLUMNS
    read in (``CoverageResult.names``) on first access if it lacks them."""

    def __get__(self, result: CoverageResult | None, owner: type | None = None
                ) -> pd.DataFrame:
        if result is None:
            raise AttributeError("people")  # a dataclass field without a default
        if result.names is None:
            return result.status_frame
        with _NAMES_READ:  # one thread reads them; one waiting finds them read
            frame: pd.DataFrame = result.status_frame
            if result.names is not None and not set(IDENTITY_COLUMNS) <= set(frame.columns):
                names = result.names(frame)
                frame = pd.concat([frame, names], axis=1)[PEOPLE_COLUMNS]
                result.status_frame, result.names = frame, None
            return frame

    def __set__(self, result: CoverageResult, frame: pd.DataFrame) -> None:
        result.status_frame = frame
        result.__dict__.get("_summaries", {}).clear()  # other people: other sums


@dataclass
class CoverageResult:
    """Coverage of each requirement on ``as_of``: one row per (requirement, person in
    scope) in ``people``; breakdowns, module progress and outstanding lists from it.

    ``compute`` leaves the names, numbers and e-mails (IDENTITY_COLUMNS) to be read from the
    database on first access to ``people`` (or by ``outstanding``): counts do not need
    them. ``status_frame`` is ``people`` as it stands, without a database access."""

    as_of: dt.date
    people: _People = _People()
    requirements: tuple[Requirement, ...] = ()
    force: str | None = None
    departments: tuple[str, ...] | None = None
    names: Callable[[pd.DataFrame], pd.DataFrame] | None = field(
        default=None, init=False, repr=False, compare=False)
    status_frame: pd.DataFrame = field(init=False, repr=False, compare=False)
    # summary() by its breakdown: a result kept in a cache is summed once per breakdown
    _summaries: dict[tuple[str, ...], pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the dashboards' cache) with the names read in: no database handle."""
        return {**self.__dict__, "status_frame": self.people, "names": None}

    def requirement(self, requirement_id: str) -> Requirement:
        for req in self.requirements:
            if req.id == requirement_id:
                return req
        known = ", ".join(r.id for r in self.requirements)
        raise KeyError(f"No requirement {requirement_id!r} in this result; known: {known}")

    def summary(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """Counts per requirement (and per group of ``by``, any of BREAKDOWNS, crossed):
        requirement, *by, in_scope, exempt, completed, completed_late, not_yet_due,
        outstanding, coverage_pct (None when nobody completed or is outstanding) and
        small_group (fewer than 10 people in scope). With line_manager, the manager's name
        follows as line_manager_name."""
        if tuple(by) not in self._summaries:
            self._summaries[tuple(by)] = self._summary(by)
        return self._summaries[tuple(by)].copy()

    def _summary(self, by: Sequence[str]) -> pd.DataFrame:
        keys = _group_keys(by)
        people = self.people if "line_manager_name" in keys else self.status_frame
        counts = _counts(people, ["requirement", *keys])
        if not keys:
            order = pd.DataFrame({"requirement": [r.id for r in self.requirements]})
            counts = order.merge(counts, on="requirement", how="left")
            counts[COUNT_COLUMNS] = counts[COUNT_COLUMNS].fillna(0)
        counts[COUNT_COLUMNS] = counts[COUNT_COLUMNS].astype("int64")
        counts["coverage_pct"] = coverage_pct(counts["completed"], counts["outstanding"])
        counts["small_group"] = counts["in_scope"] < SMALL_GROUP
        return _sorted(counts, ["requirement", *keys], [r.id for r in self.requirements])

    def module_progress(self, requirement: str) -> pd.DataFrame:
        """How many people in scope (exempt ones aside) have done 0, 1, ... N modules:
        modules_done, people, pct."""
        req = self.requirement(requirement)
        rows = self._counted(requirement)
        people = rows["modules_done"].value_counts().reindex(range(len(req.modules) + 1),
                                                              fill_value=0)
        frame = pd.DataFrame({"modules_done": people.index, "people": people.to_numpy()})
        total = int(frame["people"].sum())
        frame["pct"] = (frame["people"] / total * 100).round(1) if total else 0.0
        return frame

    def module_counts(self, requirement: str) -> pd.DataFrame:
        """Per module of the requirement, in order: how many people in scope (exempt ones
        aside) have done it, have not, and stall on it (it is the first module, in order,
        that they are missing): module, title, done, missing, stalled_here."""
        req = self.requirement(requirement)
        rows = self._counted(requirement)
        # a handful of distinct "missing" texts: each is read once, with its head count
        patterns = rows["modules_missing"].astype(str).value_counts()
        missing_sets = {text: text.split(", ") if text else [] for text in patterns.index}
        titles = vocab.modules().modules
        out = []
        for module in req.modules:
            missing = sum(int(n) for text, n in patterns.items()
                          if module in missing_sets[text])
            stalled = sum(int(n) for text, n in patterns.items()
                          if missing_sets[text][:1] == [module])
            out.append({"module": module, "title": titles[module].title if module in titles
                        else module, "done": len(rows) - missing, "missing": missing,
                        "stalled_here": stalled})
        return pd.DataFrame(out, columns=["module", "title", "done", "missing", "stalled_here"])

    def _counted(self, requirement: str) -> pd.DataFrame:
        """The module columns of the requirement's people in scope, exempt ones aside."""
        frame = self.status_frame
        keep = ((frame["requirement"] == requirement) & (frame["status"] != "exempt")).to_numpy()
        return frame[["modules_done", "modules_missing"]][keep]

    def outstanding(self, requirement: str | None = None,
                    by: str = "department") -> pd.DataFrame:
        """Everyone outstanding (for one requirement or all), grouped by ``by`` then name:
        requirement, the group column(s), full_name, staff_number, collar_number, rank_label,
        unit, line_manager, line_manager_name, email, modules_missing, expired,
        days_to_deadline (negative once the deadline has passed)."""
        keys = _group_keys([by])
        rows = self.people[self.people["status"] == "outstanding"]
        if requirement is not None:
            self.requirement(requirement)
            rows = rows[rows["requirement"] == requirement]
        deadlines = {r.id: day_number(r.deadline) for r in self.requirements}
        rows = rows.assign(days_to_deadline=rows["requirement"].map(deadlines).astype("int64")
                           - day_number(self.as_of))
        labels = {"rank": ["rank_label"], "department": ["department_label"]}.get(by, [])
        columns = ["requirement", *keys, *labels, "full_name", "staff_number", "collar_number",
                   "rank_label", "unit", "line_manager", "line_manager_name", "email",
                   "modules_missing", "expired", "days_to_deadline"]
        columns = list(dict.fromkeys(columns))
        out = rows.reindex(columns=columns)
        return _sorted(out, ["requirement", *keys, "full_name"],
                       [r.id for r in self.requirements]).reset_index(drop=True)


def coverage_pct(completed: pd.Series, outstanding: pd.Series) -> pd.Series:
    """completed / (completed + outstanding) x 100, to one decimal; None for 0 / 0."""
    base = (completed + outstanding).astype("float64")
    pct = (completed.astype("float64") / base.where(base > 0) * 100).round(1)
    return pct.astype(object).where(pct.notna(), None)


def _group_keys(by: Sequence[str]) -> list[str]:
    keys = []
    for key in by:
        if key not in BREAKDOWNS:
            raise ValueError(f"Cannot break coverage down by {key!r}; choose from "
                             f"{', '.join(BREAKDOWNS)}.")
        keys.append(key)
        if key == "line_manager":
            keys.append("line_manager_name")
    return list(dict.fromkeys(keys))


def _counts(people: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    # one pass over the status texts, then integer comparisons
    codes, uniques = pd.factorize(people["status"].to_numpy(dtype=object))
    code = {str(u): i for i, u in enumerate(uniques)}
    status = {name: codes == code.get(name, -2) for name in STATUSES}
    flags = pd.DataFrame({
        "in_scope": 1,
        "exempt": status["exempt"],
        "completed": status["completed"],
        "completed_late": status["completed"] & people["late"].to_numpy(dtype=bool),
        "not_yet_due": status["not_yet_due"],
        "outstanding": status["outstanding"],
    }, index=people.index).astype("int64")
    grouped = pd.concat([people[keys], flags], axis=1).groupby(keys, dropna=False, sort=False)
    counts = grouped[COUNT_COLUMNS].sum().reset_index()
    for key in keys:
        counts[key] = counts[key].astype(object).where(counts[key].notna(), None)
    return counts


def _sorted(frame: pd.DataFrame, keys: list[str], requirement_order: list[str]) -> pd.DataFrame:
    """Sorted by requirement (rules order), rank (seniority), department (vocabulary order),
    then the rest alphabetically; unknown values last."""
    rank_order = {code: r.order for code, r in vocab.ranks().ranks.items()}
    dept_order = {code: i for i, code in enumerate(vocab.departments().departments)}
    req_order = {rid: i for i, rid in enumerate(requirement_order)}

    def key(column: pd.Series) -> pd.Series:
        order = {"requirement": req_order, "rank": rank_order, "department": dept_order}
        if column.name in order:
            return column.map(order[str(column.name)]).astype("float64")
        return column.astype(object).where(column.notna(), None).map(
            lambda v: (v is None, "" if v is None else str(v).casefold()))

    return frame.sort_values(keys, key=key, na_position="last", kind="stable"
                             ).reset_index(drop=True)


# --------------------------------------------------------------------------- entry point


def compute(engine: Engine, rules: RuleSet, as_of: dt.date, *, requirement: str | None = None,
            force: str | None = None, departments: Sequence[str] | None = None,
            person_ids: Sequence[int] | None = None) -> CoverageResult:
    """Coverage of every requirement (or one) on ``as_of``, for all forces or one, all
    departments or some. ``person_ids`` restricts it to some people (for explanations).
    The names, numbers and e-mails are read on first access to ``people``."""
    reqs = (rules.get(requirement),) if requirement else tuple(rules.requirements)
    modules = list(dict.fromkeys(m for r in reqs for m in r.modules))
    states, completions, exemptions = in_parallel(engine, [
        partial(load_states, engine, as_of, force=force, person_ids=person_ids,
                identity=False, requirements=reqs),
        partial(load_completions, engine, as_of, modules, force=force, person_ids=person_ids,
                latest=any(r.valid_months for r in reqs)),
        partial(load_exemptions, engine, as_of, force=force, person_ids=person_ids),
    ])
    result = evaluate(states, completions, exemptions, reqs, as_of, force=force,
                      departments=departments)
    result.names = partial(load_names, engine, force=force, person_ids=person_ids)
    return result


def on_deadlines(requirements: Sequence[Requirement], as_of: dt.date,
                 result_on: Callable[[dt.date], CoverageResult]) -> dict[str, dict[str, Any]]:
    """For each requirement whose deadline is before ``as_of``: its ``summary()`` row (counts
    and coverage %) as of the deadline itself, what HMICFRS asked to be done by then.
    ``result_on(day)`` is the coverage on a day (``compute``, or a cache of it); it is asked
    once per distinct deadline."""
    rows: dict[str, dict[str, Any]] = {}
    for deadline in sorted({r.deadline for r in requirements if r.deadline < as_of}):
        rows.update((str(row["requirement"]), {str(k): v for k, v in row.items()})
                    for row in result_on(deadline).summary().to_dict("records"))
    return {r.id: rows[r.id] for r in requirements if r.id in rows}


def evaluate(states: pd.DataFrame, completions: pd.DataFrame, exemptions: pd.DataFrame,
             requirements: Sequence[Requirement], as_of: dt.date, *, force: str | None = None,
             departments: Sequence[str] | None = None) -> CoverageResult:
    """The statuses of ``compute``, from frames already loaded (no database access)."""
    states = states.assign(**{c: pd.Categorical(states[c]) for c in CODED if c in states})
    present = on_roster(states, as_of, departments)
    days = completions.drop_duplicates("person_id").set_index("person_id").reindex(
        pd.Index(states["person_id"]))
    parts = [requirement_status(states, present, days, exemptions, req, as_of)
             for req in requirements]
    return CoverageResult(
        as_of=as_of,
        people=people_frame(states, parts),
        requirements=tuple(requirements),
        force=force,
        departments=tuple(departments) if departments is not None else None,
    )


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready dicts: plain ints, floats, bools, ISO dates and None."""
    records = []
    for row in frame.to_dict(orient="records"):
        records.append({str(k): _plain(v) for k, v in row.items()})
    return records


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is pd.NaT:
        return None
    return value
