"""Who is on the roster, and who is in a requirement's scope, as of a date.

Everything here works on whole columns: the roster is loaded with one SQL query (the state
row of each person that applies on the date), and requirement rules become boolean masks,
one per clause, built with ``isin`` over the population frame.

Dates travel as day numbers (days since 1970-01-01, ``float`` with NaN for "none") because
both SQLite and PostgreSQL can compute them in SQL, which spares a per-row date parse.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tracker.coverage.rules import Clause, Requirement
from tracker.reference.text import fold
from tracker.store.db import cursor_frame

EPOCH = dt.date(1970, 1, 1)
BREAKDOWNS = ("rank", "department", "unit", "workforce_type", "line_manager", "force")
TEXT_CONDITIONS = {"unit": "unit", "role": "role"}
CONTAINS_CONDITIONS = {"unit_contains": "unit", "role_contains": "role"}

STATE_COLUMNS = [
    "state_id", "person_id", "force", "staff_number", "collar_number", "full_name", "email",
    "state_as_of", "workforce_type", "rank", "detective", "unit", "department", "role",
    "line_manager", "line_manager_name", "start_day", "leaving_day", "status",
]
DAY_COLUMNS = ("state_as_of", "start_day", "leaving_day")


def day_number(value: dt.date) -> int:
    """Days since 1970-01-01."""
    return (value - EPOCH).days


def from_day(value: float) -> dt.date:
    return EPOCH + dt.timedelta(days=int(value))


def to_dates(days: pd.Series | np.ndarray) -> np.ndarray:
    """Day numbers (NaN for none) as an object array of ``datetime.date`` / ``None``: one
    date object per distinct day, shared by the rows that have it."""
    values = np.asarray(days, dtype="float64")
    codes, uniques = pd.factorize(values.reshape(-1))
    dates = uniques.astype("int64").astype("datetime64[D]").astype(object)
    return then_none(dates)[codes].reshape(values.shape)  # code -1 (NaN) picks None


def then_none(values: Any) -> np.ndarray:
    """``values`` and a last None, as an object array: taking from it with factorize codes
    gives None for code -1 (none)."""
    out = np.empty(len(values) + 1, dtype=object)  # None throughout
    out[:-1] = values
    return out


def day_sql(expr: str, dialect: str) -> str:
    """SQL for a DATE expression that ``run_query(days=...)`` turns into day numbers:
    PostgreSQL subtracts the epoch in SQL; SQLite's ISO text is parsed in pandas, which is
    quicker than ``julianday`` per row."""
    if dialect == "sqlite":
        return expr
    return f"({expr} - DATE '1970-01-01')"


def to_days(values: pd.Series) -> pd.Series:
    """ISO date texts or day numbers (None for none) as float day numbers (NaN for none).

    Each distinct value is parsed once (a roster holds a few thousand distinct dates for
    a quarter of a million rows); parsing every cell, and pandas' conversion of the object
    column to its string dtype on the way, cost several times more."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    known = np.append(_parse_days(np.asarray(uniques, dtype=object)), np.nan)
    return pd.Series(known[codes], index=values.index)  # code -1 (none) picks NaN


def _parse_days(uniques: np.ndarray) -> np.ndarray:
    """Distinct ISO date texts or day numbers as float day numbers (NaN if unreadable)."""
    if not any(isinstance(v, str) for v in uniques):
        return pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce"
                             ).to_numpy(dtype="float64")
    stamps = pd.to_datetime(pd.Series(uniques, dtype=object), format="ISO8601",
                            errors="coerce")
    days = stamps.to_numpy(dtype="datetime64[D]")
    out = days.astype("int64").astype("float64")
    out[np.isnat(days)] = np.nan
    return out


def scope_sql(alias: str, force: str | None, person_ids: Sequence[int] | None,
              people: str | None = None) -> tuple[str, str]:
    """JOIN and WHERE fragments restricting a table (``alias.person_id``) to a force and/or
    to some people; the parameters are ``:force`` and ``:person_ids``. ``people`` names the
    alias of an already joined ``people`` table, if any."""
    join, where = "", []
    if force is not None:
        if people is None:
            people = "fp"
            join = f" JOIN people fp ON fp.id = {alias}.person_id"
        where.append(f"{people}.force_id = (SELECT id FROM forces WHERE code = :force)")
    if person_ids is not None:
        where.append(f"{alias}.person_id IN :person_ids")
    return join, (" AND " + " AND ".join(where)) if where else ""


_PARAM = re.compile(r"(?<![:\w]):(\w+)")


def run_query(engine: Engine, sql: str, columns: Sequence[str], *, days: Sequence[str] = (),
              ints: Sequence[str] = ("person_id",), **params: Any) -> pd.DataFrame:
    """Run ``sql`` (parameters written ``:name``; ``:person_ids`` a list of ids) and return
    its rows as a DataFrame of object columns, ``days`` columns as day numbers and ``ints``
    columns (that are never NULL) as int64.

    Read through the DBAPI cursor (``tracker.store.db.cursor_frame``)."""
    dialect = engine.dialect.name
    ids = params.pop("person_ids", None)
    if ids is not None:
        sql = sql.replace(":person_ids", "(" + (",".join(str(int(i)) for i in ids) or "NULL")
                          + ")")
    if dialect == "sqlite":
        params = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}
    else:
        sql = _PARAM.sub(r"%(\1)s", sql)
    with engine.connect() as conn:
        frame = cursor_frame(conn.connection.dbapi_connection, sql, params, columns)
    for name in days:
        frame[name] = to_days(frame[name])
    for name in ints:
        if name in frame:
            frame[name] = frame[name].astype("int64")
    return frame


IDENTITY_COLUMNS = ("staff_number", "collar_number", "full_name", "email",
                    "line_manager_name")
_SQL = {
    "state_id": "s.id", "person_id": "s.person_id", "force": "f.code",
    "staff_number": "p.staff_number", "collar_number": "p.collar_number",
    "full_name": "p.full_name", "email": "p.email", "state_as_of": "s.as_of",
    "workforce_type": "s.workforce_type", "rank": "s.rank", "detective": "s.detective",
    "unit": "s.unit", "department": "s.department", "role": "s.role",
    "line_manager": "s.line_manager", "line_manager_name": "lm.full_name",
    "start_day": "s.start_date", "leaving_day": "s.leaving_date", "status": "s.status",
}


# A state row ``s`` that applies on ``:as_of``: the person's latest on or before it, or their
# earliest when none is that old. So no row ``n`` of the person beats it: no later one still
# on or before the date, and, for a row after the date, none on or before it or earlier.
# (Two plain NOT EXISTS: an index range on SQLite, anti-joins on PostgreSQL.)
LATEST_STATE = (
    "NOT EXISTS (SELECT 1 FROM person_states n WHERE n.person_id = s.person_id "
    "AND n.as_of > s.as_of AND n.as_of <= :as_of) "
    "AND NOT EXISTS (SELECT 1 FROM person_states n WHERE n.person_id = s.person_id "
    "AND s.as_of > :as_of AND (n.as_of <= :as_of OR n.as_of < s.as_of))"
)
KEY_COLUMNS = ("state_id", "person_id", "state_as_of", "start_day", "leaving_day", "status")


def condition_columns(requirements: Sequence[Requirement]) -> list[str]:
    """The state columns the rules of ``requirements`` read."""
    names = {**TEXT_CONDITIONS, **CONTAINS_CONDITIONS}
    return [names.get(key, key) for req in requirements for clause in (*req.include,
                                                                       *req.exclude)
            for key in clause.conditions]


def _state_select(dialect: str, columns: Sequence[str], joins: bool = True) -> str:
    """SELECT of ``columns`` from the states; the people and forces tables are joined only
    when ``joins`` or a column needs them."""
    expressions = [day_sql(_SQL[c], dialect) if c in DAY_COLUMNS else _SQL[c] for c in columns]
    sql = "SELECT " + ", ".join(expressions) + " FROM person_states s"
    if joins or any(_SQL[c].startswith(("p.", "f.", "lm.")) for c in columns):
        sql += " JOIN people p ON p.id = s.person_id JOIN forces f ON f.id = p.force_id"
    if "line_manager_name" in columns:
        sql += (" LEFT JOIN people lm ON lm.force_id = p.force_id "
                "AND lm.staff_number = s.line_manager")
    return sql


def prefilter_sql(requirements: Sequence[Requirement]) -> tuple[str, dict[str, Any]]:
    """A SQL condition on a state row (``s``, ``f``) that every person in scope for any of
    ``requirements`` meets: the include clauses with their list and detective conditions
    (unit and role conditions and exclusions are left to the exact masks in pandas, so it
    may let a few more through, never fewer). Returns ("", {}) when it would keep all."""
    columns = {"workforce_type": "s.workforce_type", "rank": "s.rank",
               "department": "s.department", "force": "f.code"}
    alternatives: list[str] = []
    params: dict[str, Any] = {}
    for req in requirements:
        for clause in req.include:
            conditions = []
            for key, value in clause.conditions.items():
                if key == "detective":
                    conditions.append(f"s.detective = {'TRUE' if value else 'FALSE'}")
                elif key in columns:
                    names = [f"pf{len(params) + i}" for i in range(len(value))]
                    params.update(zip(names, value, strict=True))
                    placeholders = ", ".join(f":{n}" for n in names) or "NULL"
                    conditions.append(f"{columns[key]} IN ({placeholders})")
            if not conditions:
                return "", {}
            alternatives.append("(" + " AND ".join(conditions) + ")")
    return ("(" + " OR ".join(alternatives) + ")" if alternatives else "", params)


def load_states(engine: Engine, as_of: dt.date | None, *, force: str | None = None,
                person_ids: Sequence[int] | None = None, identity: bool = True,
                requirements: Sequence[Requirement] | None = None,
                columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Roster states, one query. With ``as_of``: one row per person, the state of the latest
    snapshot on or before it (the earliest snapshot when none is older). Without: every
    state row (for trends), sorted by person and date. ``identity=False`` leaves out names,
    numbers and e-mails (for counts only); ``requirements`` leaves out, in SQL, state rows
    that cannot be in scope for any of them (see ``prefilter_sql``); ``columns`` keeps only
    those columns (and KEY_COLUMNS): fewer text cells to turn into Python objects."""
    dialect = engine.dialect.name
    wanted = set(STATE_COLUMNS if columns is None else [*KEY_COLUMNS, *columns])
    selected = [c for c in STATE_COLUMNS
                if c in wanted and (identity or c not in IDENTITY_COLUMNS)]
    params: dict[str, Any] = {"force": force} if force is not None else {}
    if person_ids is not None:
        params["person_ids"] = list(person_ids)
    prefilter, prefilter_params = prefilter_sql(requirements) if requirements else ("", {})
    params.update(prefilter_params)
    sql = _state_select(dialect, selected,
                        joins=force is not None or (as_of is not None and "f." in prefilter))
    sql += " WHERE 1 = 1" + scope_sql("s", force, person_ids, people="p")[1]
    if prefilter and as_of is not None:
        sql += f" AND {prefilter}"
    elif prefilter:  # keep every state of a person who may be in scope at some point
        joins = (" JOIN people p ON p.id = s.person_id JOIN forces f ON f.id = p.force_id"
                 if "f.code" in prefilter else "")  # the joins cost a third of the query
        sql += (f" AND s.person_id IN (SELECT s.person_id FROM person_states s{joins} "
                f"WHERE {prefilter})")
    if as_of is not None:
        sql += f" AND {LATEST_STATE}"
        params["as_of"] = as_of
    frame = run_query(engine, sql, selected, days=DAY_COLUMNS,
                      ints=("state_id", "person_id"), **params)
    return _tidy_states(frame)


def _tidy_states(frame: pd.DataFrame) -> pd.DataFrame:
    """Types fixed, one row per (person, snapshot date): the later snapshot wins a tie."""
    if "detective" in frame:
        frame["detective"] = frame["detective"].fillna(False).astype(bool)
    frame = frame.sort_values(["person_id", "state_as_of", "state_id"], kind="stable")
    frame = frame.drop_duplicates(["person_id", "state_as_of"], keep="last")
    return frame.reset_index(drop=True)


def absence(states: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Why each person is not on the roster on ``as_of`` (None when they are): not started
    yet, or left (leaving date on or before it, or a 'leaver' status in a snapshot taken on
    or before it that gives no leaving date)."""
    day = day_number(as_of)
    reasons = np.full(len(states), None, dtype=object)
    undated_leaver = (
        states["status"].eq("leaver") & states["leaving_day"].isna()
        & (states["state_as_of"] <= day)
    )
    reasons[undated_leaver.to_numpy()] = "leaver"
    reasons[(states["leaving_day"] <= day).to_numpy()] = "left"
    reasons[(states["start_day"] > day).to_numpy()] = "not started"
    return pd.Series(reasons, index=states.index, dtype=object)


def _folded(values: pd.Series) -> pd.Series:
    """``fold`` of each value, computed once per distinct value ("" for none)."""
    codes, uniques = pd.factorize(values)
    folded = np.array([fold(str(u)) for u in uniques] + [""], dtype=object)
    return pd.Series(folded[codes], index=values.index)  # code -1 (missing) -> ""


def condition_mask(frame: pd.DataFrame, key: str, value: Any) -> pd.Series:
    """People in ``frame`` meeting one rule condition."""
    if key == "detective":
        return frame["detective"] == bool(value)
    if key in TEXT_CONDITIONS:
        wanted = {fold(v) for v in value}
        return _folded(frame[TEXT_CONDITIONS[key]]).isin(wanted)
    if key in CONTAINS_CONDITIONS:
        folded = _folded(frame[CONTAINS_CONDITIONS[key]])
        words = [f" {fold(v)} " for v in value]
        uniques = pd.unique(folded)
        hits = {u for u in uniques if any(w in f" {u} " for w in words)}
        return folded.isin(hits)
    return frame[key].isin(list(value))


def clause_mask(frame: pd.DataFrame, clause: Clause) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in clause.conditions.items():
        mask &= condition_mask(frame, key, value)
    return mask


def scope(frame: pd.DataFrame, requirement: Requirement) -> pd.DataFrame:
    """Per person: ``in_scope`` (bool), ``include_clause`` (1-based number of the first
    include clause that matched, 0 for none) and ``exclude_clause`` (likewise)."""
    include = _first_match(frame, requirement.include)
    exclude = _first_match(frame, requirement.exclude)
    return pd.DataFrame(
        {"in_scope": (include > 0) & (exclude == 0), "include_clause": include,
         "exclude_clause": exclude},
        index=frame.index,
    )


def _first_match(frame: pd.DataFrame, clauses: Sequence[Clause]) -> pd.Series:
    first = pd.Series(0, index=frame.index, dtype="int64")
    for number, clause in reversed(list(enumerate(clauses, 1))):
        first = first.mask(clause_mask(frame, clause), number)
    return first


def failed_conditions(row: pd.DataFrame, clause: Clause) -> list[str]:
    """For a one-row frame: each condition of ``clause`` the person does not meet, in words."""
    failures = []
    for key, value in clause.conditions.items():
        if bool(condition_mask(row, key, value).iloc[0]):
            continue
        column = {**TEXT_CONDITIONS, **CONTAINS_CONDITIONS}.get(key, key)
        actual = row[column].iloc[0]
        actual = "unknown" if pd.isna(actual) else actual
        wanted = ", ".join(value) if isinstance(value, list) else str(value)
        failures.append(f"{key.replace('_', ' ')} is {actual!s} (needs {wanted})"
                        if key != "detective" else f"detective is {actual} (needs {value})")
    return failures


def due_on(start_dates: pd.Series, requirement: Requirement) -> pd.Series:
    """When each person became (or becomes) due: the deadline, or for someone who started
    later, the end of their ``grace_days`` (when the engine first counts them
    outstanding)."""
    deadline = pd.Timestamp(requirement.deadline)
    start = pd.to_datetime(start_dates, errors="coerce")
    return (start + pd.Timedelta(days=requirement.grace_days)).where(
        lambda d: d > deadline, deadline).fillna(deadline)


def days_overdue(start_dates: pd.Series, requirement: Requirement,
                 as_of: dt.date) -> pd.Series:
    """Days since each person was due (``due_on``) on ``as_of``; 0 until then."""
    days = (pd.Timestamp(as_of) - due_on(start_dates, requirement)).dt.days
    return days.clip(lower=0).astype("int64")
