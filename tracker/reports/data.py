"""Compliance report data: everything a report shows, gathered in one place.

``build_report`` asks the coverage and trend engines (``tracker.coverage.engine``,
``tracker.coverage.trend``) for every number, and reads the evidence (``tracker.reports.evidence``:
import batches, unmatched records, problems) and the exemptions, so that the writers in
``tracker.reports.workbook`` and ``tracker.reports.csvs`` only lay frames out: the workbook, the
CSV, the dashboard and the CLI can never disagree.

Pseudonymised reports carry no names, emails or staff numbers: each person is shown as a
stable pseudonym (``P-`` and eight characters) from a keyed hash of their person id. The key
is the as-of date plus an optional secret, so the same database and as-of date always give
the same pseudonyms, and reports for different dates cannot be linked person by person.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, or_, select

from tracker.coverage import engine as coverage
from tracker.coverage.pace import group_rule, group_status, status_words, steady_pace_pct
from tracker.coverage.rules import Requirement, RuleSet
from tracker.coverage.snapshot import CoverageSource, Snapshot
from tracker.coverage.trend import Trend
from tracker.recommendations.overview import (
    VIEW_COLUMNS,
    measures_on,
    overview,
    overview_frame,
)
from tracker.reference import vocab
from tracker.reports.evidence import evidence_table, quality_table
from tracker.reports.safe_text import FORMULA_START
from tracker.store import models

TITLE = "OIC training compliance report"
# Text a spreadsheet would run as a formula (the characters of tracker.reports.safe_text).
FORMULA_PATTERN = "^[" + re.escape("".join(FORMULA_START)) + "]"

OUTSTANDING_COLUMNS = [
    "requirement", "force", "department", "unit", "line_manager", "rank", "staff_number",
    "name", "modules_missing",
]
EXEMPTION_COLUMNS = [
    "requirement", "force", "department", "rank", "staff_number", "name", "reason",
    "starts_on", "ends_on", "recorded_by",
]
COUNT_COLUMNS = ["in_scope", "exempt", "completed", "not_yet_due", "outstanding"]


@dataclass(frozen=True)
class RequirementInfo:
    """A requirement's rules in plain words, for the cover sheet."""

    id: str
    title: str
    scope: str
    modules: tuple[str, ...]
    deadline: dt.date
    reference: str
    description: str
    grace_days: int
    valid_months: int | None

    @classmethod
    def of(cls, req: Requirement) -> RequirementInfo:
        return cls(req.id, req.title, plain_scope(req),
                   tuple(_module_legend(m) for m in req.modules),
                   req.deadline, req.reference, req.description, req.grace_days,
                   req.valid_months)


CONDITION_WORDS = {
    "workforce_type": "workforce type is", "rank": "rank is", "department": "department is",
    "unit": "unit is", "unit_contains": "unit contains", "role": "role is",
    "role_contains": "role contains", "force": "force is",
}


def plain_scope(req: Requirement) -> str:
    """Who is in scope, in words with labels ("rank is Inspector"), not codes."""
    text = "In scope: " + "; or ".join(_plain_clause(c.conditions) for c in req.include) + "."
    if req.exclude:
        text += (" Left out even so: " + "; or ".join(_plain_clause(c.conditions)
                                                    for c in req.exclude) + ".")
    return text


def _plain_clause(conditions: dict[str, Any]) -> str:
    parts = []
    for key, value in conditions.items():
        if key == "detective":
            parts.append("detectives only" if value else "not detectives")
            continue
        labels = [_value_label(key, str(v)) for v in value]
        shown = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
        parts.append(f"{CONDITION_WORDS.get(key, key)} {shown}")
    return " and ".join(parts) or "everyone"


def _value_label(key: str, value: str) -> str:
    if key == "workforce_type":
        return vocab.WORKFORCE_LABELS.get(value, value).lower().replace("pcso", "PCSO")
    if key == "rank":
        return vocab.rank_label(value)
    if key == "department":
        return vocab.department_label(value)
    if key == "force":
        return _force_name(value)
    return f'"{value}"'


@dataclass
class ReportData:
    """What a report shows; every frame is ready to lay out (labels, not codes).

    Percentages are fractions (0.75 is 75%) so spreadsheets format them natively.
    """

    title: str
    as_of: dt.date
    generated_at: dt.datetime
    generated_by: str
    forces: tuple[str, ...]
    departments: tuple[str, ...]
    pseudonymised: bool
    requirements: tuple[RequirementInfo, ...]
    summary: pd.DataFrame
    by_rank_department: pd.DataFrame
    trend: pd.DataFrame
    outstanding: pd.DataFrame
    exemptions: pd.DataFrame
    quality: pd.DataFrame
    evidence: pd.DataFrame
    group_rules: tuple[str, ...] = ()
    # one row per recommendation (tracker.recommendations.overview.overview_frame)
    recommendations: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=VIEW_COLUMNS))


def build_report(
    engine: Engine,
    rules: RuleSet,
    as_of: dt.date,
    *,
    requirement: str | None = None,
    force: str | None = None,
    departments: Sequence[str] | None = None,
    pseudonymise: bool = False,
    generated_by: str,
    generated_at: dt.datetime | None = None,
    pseudonym_secret: str = "",
    snapshot: Snapshot | None = None,
) -> ReportData:
    """Gather a report's data from the coverage engine and the evidence tables.

    ``departments`` limits every sheet to those department codes (a manager's report).
    With ``snapshot`` (``tracker.coverage.snapshot``), the coverage on each date and the
    trends are worked out from it in memory: the same figures, one load.
    """
    reqs = [rules.get(requirement)] if requirement else list(rules.requirements)
    depts = list(departments) if departments else None
    source = CoverageSource(engine, rules, force, depts, snapshot)
    result = source.on(as_of, requirement)
    trends = {r.id: source.trend(r.id, as_of) for r in reqs}
    people = result.people
    force_codes = [force] if force else sorted(people["force"].dropna().unique().tolist())
    namer = _namer(engine, people, force_codes, as_of, pseudonym_secret, pseudonymise)
    targets = {r.id: steady_pace_pct(r, as_of) for r in reqs}
    titles = {r.id: r.title for r in reqs}
    then = coverage.on_deadlines(reqs, as_of, source.on)
    whole_force = dataclasses.replace(source, departments=None)
    on_deadline = {req_id: _as_number(row["coverage_pct"]) for req_id, row in then.items()}
    return ReportData(
        title=TITLE,
        as_of=as_of,
        generated_at=generated_at or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        generated_by=generated_by,
        forces=tuple(_force_name(c) for c in force_codes),
        departments=tuple(vocab.department_label(d) for d in depts or ()),
        pseudonymised=pseudonymise,
        requirements=tuple(RequirementInfo.of(r) for r in reqs),
        summary=summary_table(result, reqs, trends, on_deadline),
        by_rank_department=rank_department_table(result, titles, targets),
        trend=trend_table(trends, titles),
        outstanding=outstanding_table(people, titles, namer),
        exemptions=exemption_table(engine, people, as_of, titles, namer),
        quality=quality_table(engine, force_codes, as_of),
        evidence=evidence_table(engine, force_codes),
        group_rules=tuple(group_rule(r, as_of, targets[r.id]) for r in reqs),
        recommendations=overview_frame(overview(engine, force, as_of, rules,
                                                measures_on(whole_force.on))),
    )


# --- people: names or pseudonyms --------------------------------------------------------


def pseudonym(person_id: int, key: bytes) -> str:
    """A stable pseudonym for a person id: ``P-`` and 8 base-32 characters (40 bits)."""
    digest = hmac.new(key, str(int(person_id)).encode(), hashlib.sha256).digest()
    return "P-" + base64.b32encode(digest[:5]).decode()


def pseudonym_key(as_of: dt.date, secret: str = "") -> bytes:
    return f"{secret}|oic-report|{as_of.isoformat()}".encode()


@dataclass(frozen=True)
class _Namer:
    """Shows a person as their name, or as a pseudonym in a pseudonymised report."""

    key: bytes | None
    manager_ids: dict[tuple[str, str], int]

    def people(self, frame: pd.DataFrame) -> pd.Series:
        if self.key is None:
            return frame["full_name"].fillna("").astype(str)
        return map_unique(frame["person_id"], self._pseudonym)

    def managers(self, frame: pd.DataFrame) -> pd.Series:
        numbers = frame["line_manager"]
        if self.key is None:
            names = frame.get("line_manager_name", pd.Series(None, index=frame.index))
            shown = names.where(names.notna() & (names.astype(str) != ""), numbers)
            return shown.fillna("").astype(str)
        known = pd.Series(self.manager_ids, dtype="float64")
        if known.empty:
            ids = pd.Series(np.nan, index=frame.index)
        else:
            wanted = pd.MultiIndex.from_arrays([frame["force"], numbers.astype(object)])
            ids = pd.Series(known.reindex(wanted).to_numpy(), index=frame.index)
        shown = map_unique(ids, self._pseudonym)
        return shown.mask(ids.isna() & numbers.notna(), "not on the roster")

    def _pseudonym(self, person_id: Any) -> str:
        if person_id is None or pd.isna(person_id) or self.key is None:
            return ""
        return pseudonym(int(person_id), self.key)


def _namer(engine: Engine, people: pd.DataFrame, force_codes: list[str], as_of: dt.date,
           secret: str, pseudonymise: bool) -> _Namer:
    if not pseudonymise:
        return _Namer(None, {})
    numbers = sorted({str(n) for n in people["line_manager"].dropna()})
    ids: dict[tuple[str, str], int] = {}
    with engine.connect() as conn:
        for start in range(0, len(numbers), 500):
            stmt = (select(models.Force.code, models.Person.staff_number, models.Person.id)
                    .join(models.Force, models.Force.id == models.Person.force_id)
                    .where(models.Person.staff_number.in_(numbers[start:start + 500]),
                           models.Force.code.in_(force_codes)))
            ids.update({(f, str(s)): i for f, s, i in conn.execute(stmt)})
    return _Namer(pseudonym_key(as_of, secret), ids)


def _module_legend(code: str) -> str:
    """A module's full title, after the short name the lists use when that differs."""
    module = vocab.modules().modules.get(code)
    if module is None:
        return code
    short = module_label(code)
    return module.title if module.title.lower().endswith(short.lower()) else (
        f"{short} ({module.title})")


def map_unique(series: pd.Series, label: Any) -> pd.Series:
    """``label`` applied once per distinct value (a column holds few distinct codes)."""
    codes, uniques = pd.factorize(series)
    labels = np.array([label(u) for u in uniques] + [label(None)], dtype=object)
    return pd.Series(labels[codes], index=series.index, dtype=object)  # code -1: missing


def _force_name(code: str | None) -> str:
    if code is None:
        return ""
    force = vocab.forces().forces.get(code)
    return force.name if force else str(code)


def module_label(code: str) -> str:
    """A short name for a module in lists: "Module 3" for "OIC e-learning module 3: ...",
    "Hydra exercise" for "OIC Hydra exercise"."""
    module = vocab.modules().modules.get(code)
    if module is None:
        return str(code)
    short = re.sub(r"^(OIC\s+)?(e-learning\s+)?", "", module.title.split(":")[0].strip(),
                   flags=re.IGNORECASE)
    return short[:1].upper() + short[1:]


def modules_text(value: Any) -> str:
    """Module codes (a list, or a text of codes separated by commas) as their short names:
    "oic-el-3, oic-el-4" -> "Module 3, Module 4"."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    codes: Iterable[Any] = (value if isinstance(value, list | tuple | set | frozenset)
                            else str(value).replace(";", ",").split(","))
    return ", ".join(module_label(str(c).strip()) for c in codes if str(c).strip())


# --- coverage numbers -------------------------------------------------------------------


def _fraction(pct: pd.Series) -> pd.Series:
    return pd.to_numeric(pct, errors="coerce") / 100.0


def summary_table(result: Any, reqs: Sequence[Requirement], trends: dict[str, Trend],
                  on_deadline: dict[str, float | None] | None = None) -> pd.DataFrame:
    """One row per requirement: counts, coverage (now, and on the deadline once it has
    passed), status against the deadline, forecast."""
    summary = result.summary().set_index("requirement")
    rows = []
    for req in reqs:
        row = summary.loc[req.id] if req.id in summary.index else None
        t = trends[req.id]
        counts = {c: int(row[c]) if row is not None else 0
                  for c in (*COUNT_COLUMNS, "completed_late")}
        then = (on_deadline or {}).get(req.id)
        rows.append({
            "requirement": req.title, "requirement_id": req.id, "deadline": req.deadline,
            "in_scope": counts["in_scope"], "exempt": counts["exempt"],
            "completed_on_time": counts["completed"] - counts["completed_late"],
            "completed_late": counts["completed_late"], "not_yet_due": counts["not_yet_due"],
            "outstanding": counts["outstanding"],
            "coverage": _as_number(row["coverage_pct"] if row is not None else None, 100.0),
            "coverage_on_deadline": None if then is None else then / 100.0,
            "rag": str(t.rag or "").lower(), "status": status_words(t.rag),
            "rag_rule": str(t.rag_rule or ""), "rag_reason": str(t.rag_reason or ""),
            "forecast_date": _as_date(t.forecast_date),
            "weekly_needed": _as_number(t.weekly_needed), "recent_rate": _as_number(t.recent_rate),
        })
    return pd.DataFrame(rows)


def _as_date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _as_number(value: Any, scale: float = 1.0) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return float(value) / scale


LEVELS = ("detail", "rank total", "department total", "total")


def rank_department_table(result: Any, titles: dict[str, str],
                          targets: dict[str, float]) -> pd.DataFrame:
    """Rank x department counts, then a total per rank (over departments), per department
    (over ranks) and per requirement, in the engine's order (requirement, rank seniority,
    department vocabulary order). ``level`` says which kind of row each is."""
    frame = pd.concat([
        result.summary(by=("rank", "department")).assign(level="detail"),
        result.summary(by=("rank",)).assign(department=None, level="rank total"),
        result.summary(by=("department",)).assign(rank=None, level="department total"),
        result.summary().assign(rank=None, department=None, level="total"),
    ], ignore_index=True)
    frame = frame[frame["requirement"].isin(list(titles))]
    rank_order = {code: r.order for code, r in vocab.ranks().ranks.items()}
    dept_order = {code: i for i, code in enumerate(vocab.departments().departments)}
    level = frame["level"].map(LEVELS.index)
    frame = frame.assign(
        _req=frame["requirement"].map(list(titles).index),
        _block=level.map({0: 0, 1: 0, 2: 1, 3: 2}), _inner=(level == 1).astype(int),
        _rank=frame["rank"].map(lambda r: rank_order.get(r, 999) if r is not None else 999),
        _rank_label=frame["rank"].map(lambda r: vocab.rank_label(r)),
        _dept=frame["department"].map(lambda d: dept_order.get(d, 999) if d else 999),
        _dept_label=frame["department"].map(lambda d: vocab.department_label(d)),
    ).sort_values(["_req", "_block", "_rank", "_rank_label", "_inner", "_dept", "_dept_label"],
                  kind="stable")
    return _label_groups(frame, titles, targets)


def _label_groups(frame: pd.DataFrame, titles: dict[str, str],
                  targets: dict[str, float]) -> pd.DataFrame:
    rank = frame["_rank_label"].mask(frame["level"].isin(["department total", "total"]),
                                     "All ranks")
    dept = frame["_dept_label"].mask(frame["level"].isin(["rank total", "total"]),
                                     "All departments")
    rag = pd.Series("", index=frame.index, dtype=object)
    words = pd.Series("", index=frame.index, dtype=object)
    small = frame["small_group"].fillna(False).astype(bool)
    for rid, target in targets.items():
        mask = frame["requirement"] == rid
        rag[mask], words[mask] = group_status(frame.loc[mask, "coverage_pct"], target,
                                              small[mask])
    out = pd.DataFrame({
        "requirement": frame["requirement"].map(titles), "rank": rank, "department": dept,
        **{c: frame[c].astype(int) for c in COUNT_COLUMNS},
        "coverage": _fraction(frame["coverage_pct"]), "status": words, "rag": rag,
        "level": frame["level"],
    })
    return out.reset_index(drop=True)


def trend_table(trends: dict[str, Trend], titles: dict[str, str]) -> pd.DataFrame:
    """Weekly coverage with the needed trajectory, one block of weeks per requirement."""
    frames = []
    for rid, t in trends.items():
        weekly = t.weekly.copy()
        weekly["week_ending"] = pd.to_datetime(weekly["week_ending"]).dt.date
        needed = t.needed.copy() if t.needed is not None else pd.DataFrame(
            columns=["week_ending", "needed_pct"])
        needed["week_ending"] = pd.to_datetime(needed["week_ending"]).dt.date
        merged = weekly.merge(needed[["week_ending", "needed_pct"]], on="week_ending",
                              how="outer").sort_values("week_ending", kind="stable")
        frames.append(pd.DataFrame({
            "requirement": titles[rid], "requirement_id": rid,
            "week_ending": merged["week_ending"],
            "in_scope": pd.to_numeric(merged["in_scope"], errors="coerce").astype("Int64"),
            "completed": pd.to_numeric(merged["completed"], errors="coerce").astype("Int64"),
            "coverage": _fraction(merged["coverage_pct"]),
            "needed": _fraction(merged["needed_pct"]),
        }))
    columns = ["requirement", "requirement_id", "week_ending", "in_scope", "completed",
               "coverage", "needed"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


# --- people lists -----------------------------------------------------------------------


def _people_columns(people: pd.DataFrame, titles: dict[str, str],
                    namer: _Namer) -> pd.DataFrame:
    return pd.DataFrame({
        "requirement": people["requirement"].map(titles),
        "force": map_unique(people["force"], _force_name),
        "department": people["department_label"].fillna("Unmapped").astype(str),
        "unit": people["unit"].fillna("").astype(str),
        "rank": people["rank_label"].fillna("Unmapped").astype(str),
        "staff_number": ("" if namer.key is not None
                         else people["staff_number"].fillna("").astype(str)),
        "name": namer.people(people),
    }, index=people.index)


def _sort_people(frame: pd.DataFrame, people: pd.DataFrame, titles: dict[str, str],
                 keys: list[str]) -> pd.DataFrame:
    order = {rid: i for i, rid in enumerate(titles)}
    frame = frame.assign(_req=people["requirement"].map(order),
                         _pid=people["person_id"])
    return (frame.sort_values(["_req", *keys, "_pid"], kind="stable")
            .drop(columns=["_req", "_pid"]).reset_index(drop=True))


def outstanding_table(people: pd.DataFrame, titles: dict[str, str],
                      namer: _Namer) -> pd.DataFrame:
    """One row per person and requirement still to complete, sorted for chasing."""
    todo = people[(people["status"] == "outstanding") & people["requirement"].isin(list(titles))]
    frame = _people_columns(todo, titles, namer)
    frame["line_manager"] = namer.managers(todo)
    frame["modules_missing"] = map_unique(todo["modules_missing"], modules_text)
    frame = _sort_people(frame[OUTSTANDING_COLUMNS], todo, titles,
                         ["force", "department", "unit", "line_manager", "rank", "name"])
    return frame


def exemption_table(engine: Engine, people: pd.DataFrame, as_of: dt.date,
                    titles: dict[str, str], namer: _Namer) -> pd.DataFrame:
    """The exempt people of the report with the recorded exemption behind each."""
    exempt = people[(people["status"] == "exempt") & people["requirement"].isin(list(titles))]
    stmt = (select(models.Exemption.person_id, models.Exemption.requirement,
                   models.Exemption.reason, models.Exemption.starts_on,
                   models.Exemption.ends_on, models.Exemption.recorded_by)
            .where(models.Exemption.requirement.in_(list(titles)),
                   models.Exemption.starts_on <= as_of,
                   or_(models.Exemption.ends_on.is_(None), models.Exemption.ends_on >= as_of))
            .order_by(models.Exemption.person_id, models.Exemption.starts_on,
                      models.Exemption.id))
    with engine.connect() as conn:
        recorded = pd.DataFrame(conn.execute(stmt).all(),
                                columns=["person_id", "requirement", "reason", "starts_on",
                                         "ends_on", "recorded_by"])
    recorded = recorded.drop_duplicates(["person_id", "requirement"], keep="last")
    joined = exempt.drop(columns=["reason"], errors="ignore").merge(
        recorded, on=["person_id", "requirement"], how="left")
    joined.index = exempt.index
    frame = _people_columns(exempt, titles, namer)
    reason = joined["reason"].where(joined["reason"].notna(),
                                    exempt.get("exemption_reason", ""))
    frame["reason"] = reason.fillna("").astype(str)
    for column in ("starts_on", "ends_on", "recorded_by"):
        frame[column] = joined[column].astype(object).where(joined[column].notna(), None)
    return _sort_people(frame[EXEMPTION_COLUMNS], exempt, titles,
                        ["force", "department", "rank", "name"])
