"""Why is this person counted? The evidence behind one person's status, requirement by
requirement: the roster state used, the rule clause that put them in scope (or what kept them
out), the completions counted with the import batch and file that reported them, the
modules missing and any exemption.

The status itself comes from ``tracker.coverage.engine.compute`` restricted to the person, so an
explanation can never disagree with the coverage figures.

The result is structured (dataclasses): the CLI prints ``to_text()`` (codes and ISO dates, for
people who type them back), ``to_dict()`` gives JSON, and the dashboard lays the same fields
out in plain words (``scope_words``, module titles, ``Evidence`` rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine, func, select, union_all

from tracker.coverage.engine import compute, months_before
from tracker.coverage.population import (
    absence,
    failed_conditions,
    from_day,
    load_states,
    scope,
)
from tracker.coverage.rule_words import (
    ConditionCheck,
    clause_checks,
    excluded_words,
    in_scope_words,
    out_of_scope_words,
)
from tracker.coverage.rules import Requirement, RuleSet
from tracker.messages.hints import Advised, Refusal
from tracker.reference import vocab
from tracker.reference.text import short_date
from tracker.store import models


class ExplainError(Advised):
    """The person asked about cannot be found, or is ambiguous; the message says what to do."""


@dataclass
class Evidence:
    """One import that reported a completion: which file, which row, imported when, by whom."""

    batch_id: int
    file_name: str
    row: int | None
    imported_at: dt.datetime | None
    imported_by: str | None


@dataclass
class CompletionUsed:
    module: str
    completed_on: dt.date
    counted: bool
    note: str
    batch_ids: list[int]
    files: list[str]
    rows: list[int | None]
    module_title: str = ""
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class RequirementWhy:
    requirement: str
    title: str
    deadline: dt.date
    in_scope: bool
    scope_reason: str
    include_clause: int | None
    exclude_clause: int | None
    status: str  # completed | exempt | not_yet_due | outstanding | not in scope | not on roster
    scope_words: str = ""  # the scope reason in plain words, no codes (for the dashboard)
    checks: list[list[ConditionCheck]] = field(default_factory=list)  # per include clause
    late: bool = False
    expired: bool = False
    completed_on: dt.date | None = None
    modules_missing: list[str] = field(default_factory=list)
    completions: list[CompletionUsed] = field(default_factory=list)
    exemptions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Explanation:
    as_of: dt.date
    person: dict[str, Any]
    state: dict[str, Any]
    on_roster: bool
    roster_reason: str
    requirements: list[RequirementWhy]
    roster_words: str = ""  # roster_reason with dates as "2 Mar 2026" (for the dashboard)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO text), ready for JSON."""
        return _plain(asdict(self))

    def to_text(self) -> str:
        p, s = self.person, self.state
        left = f", left {s['leaving_date']}" if s["leaving_date"] else ""
        lines = [
            f"{p['full_name']} (staff {p['staff_number'] or '-'}, collar "
            f"{p['collar_number'] or '-'}, {p['force_name']}), as of {self.as_of.isoformat()}",
            f"Roster: snapshot of {s['snapshot_date']}: {s['rank_label']}"
            f"{' (detective)' if s['detective'] else ''}, "
            f"{vocab.WORKFORCE_LABELS.get(s['workforce_type'], s['workforce_type'] or '-')}, "
            f"{s['department_label']} ({s['unit'] or 'no unit'}); started "
            f"{s['start_date'] or 'unknown'}{left}; status {s['status']}.",
            f"  {self.roster_reason}",
        ]
        for req in self.requirements:
            lines += ["", *_requirement_text(req)]
        return "\n".join(lines)


def _requirement_text(req: RequirementWhy) -> list[str]:
    status = req.status.replace("_", " ").upper()
    if req.late:
        status += " (late: after the deadline)"
    if req.expired:
        status += " (completion expired)"
    lines = [f"{req.title} [{req.requirement}], deadline {req.deadline.isoformat()}: {status}",
             f"  Scope: {req.scope_reason}"]
    for c in req.completions:
        mark = "counted" if c.counted else "not counted"
        files = ", ".join(f"{f} (batch {b}{f', row {r}' if r else ''})"
                          for f, b, r in zip(c.files, c.batch_ids, c.rows, strict=True))
        lines.append(f"  {c.module} done {c.completed_on.isoformat()}: {mark}"
                     f"{' - ' + c.note if c.note else ''}; from {files or 'no import batch'}")
    if req.in_scope and not req.completions:
        lines.append("  No completions recorded for its modules.")
    if req.modules_missing and req.in_scope:
        lines.append(f"  Missing: {', '.join(req.modules_missing)}")
    for ex in req.exemptions:
        until = ex["ends_on"].isoformat() if ex["ends_on"] else "open-ended"
        lines.append(f"  Exemption: {ex['reason']} ({ex['starts_on'].isoformat()} to {until})"
                     f"{'' if ex['in_force'] else ' - not in force on this date'}")
    return lines


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- lookups


def find_person(engine: Engine, person: str, force: str | None = None) -> int:
    """The id of the person a staff number, collar number, e-mail address or person id
    names (in that order of preference); an ``ExplainError`` when none or several match."""
    key = person.strip()
    candidates = [
        ("staff number", models.Person.staff_number == key),
        ("collar number", models.Person.collar_number == key),
        ("email", func.lower(models.Person.email) == key.lower()),
    ]
    if key.isdigit():
        candidates.append(("person id", models.Person.id == int(key)))
    query = select(models.Person.id, models.Force.code).join(
        models.Force, models.Force.id == models.Person.force_id)
    if force is not None:
        query = query.where(models.Force.code == force)
    with engine.connect() as conn:
        for what, condition in candidates:
            hits = conn.execute(query.where(condition)).all()
            if len(hits) == 1:
                return int(hits[0][0])
            if hits:
                forces = ", ".join(sorted({h[1] for h in hits}))
                raise ExplainError(f"{what} {key!r} matches {len(hits)} people ({forces}).",
                                   Refusal.SEVERAL_PEOPLE)
    where = f" in {force}" if force else ""
    raise ExplainError(f"nobody{where} has the staff number, collar number, e-mail or id "
                       f"{key!r}. Check the value against the HR roster.")


def _completions(engine: Engine, person_id: int) -> pd.DataFrame:
    """Every completion of the person, with the batches (and rows) that reported it: the
    first report on the completion itself, any later ones as evidence."""
    c, m, ev, b = (models.Completion, models.Module, models.CompletionEvidence,
                   models.ImportBatch)
    first = (select(m.code, c.completed_on, c.id, c.batch_id, b.file_name, c.row,
                    b.imported_at, b.imported_by)
             .join(m, m.id == c.module_id).outerjoin(b, b.id == c.batch_id)
             .where(c.person_id == person_id))
    others = (select(m.code, c.completed_on, c.id, ev.batch_id, b.file_name, ev.row,
                     b.imported_at, b.imported_by)
              .join(m, m.id == c.module_id).join(ev, ev.completion_id == c.id)
              .join(b, b.id == ev.batch_id).where(c.person_id == person_id))
    with engine.connect() as conn:
        rows: list[Any] = list(conn.execute(union_all(first, others)).all())
    frame = pd.DataFrame.from_records(
        rows, columns=["module", "completed_on", "completion_id", "batch_id", "file_name", "row",
                       "imported_at", "imported_by"])
    return frame.sort_values(["module", "completed_on", "completion_id", "batch_id"],
                             ignore_index=True)


def _exemptions(engine: Engine, person_id: int, as_of: dt.date) -> list[dict[str, Any]]:
    e = models.Exemption
    query = select(e.requirement, e.reason, e.starts_on, e.ends_on, e.recorded_by).where(
        e.person_id == person_id).order_by(e.starts_on, e.id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [{"requirement": r[0], "reason": r[1], "starts_on": r[2], "ends_on": r[3],
             "recorded_by": r[4],
             "in_force": r[2] <= as_of and (r[3] is None or r[3] >= as_of)} for r in rows]


# --------------------------------------------------------------------------- explaining


def explain(engine: Engine, rules: RuleSet, person: str, as_of: dt.date, *,
            force: str | None = None) -> Explanation:
    """Why ``person`` (staff number, collar number, e-mail or id) has the status they have
    for each requirement on ``as_of``."""
    person_id = find_person(engine, person, force)
    states = load_states(engine, as_of, person_ids=[person_id])
    if states.empty:
        raise ExplainError(f"{person!r} is known (from a training record) but on no HR "
                           "roster, so no requirement applies; import a roster that lists them.")
    reason = absence(states, as_of).iloc[0]
    result = compute(engine, rules, as_of, person_ids=[person_id])
    statuses = {str(row["requirement"]): {str(k): v for k, v in row.items()}
                for row in result.people.to_dict(orient="records")}
    completions = _completions(engine, person_id)
    exemptions = _exemptions(engine, person_id, as_of)
    whys = [
        _why(req, states, reason, statuses.get(req.id),
             completions, [e for e in exemptions if e["requirement"] == req.id], as_of)
        for req in rules.requirements
    ]
    return Explanation(as_of, _person_dict(states), _state_dict(states),
                       reason is None, _roster_text(states, reason, as_of), whys,
                       roster_words=_roster_text(states, reason, as_of, short_date))


def _person_dict(states: pd.DataFrame) -> dict[str, Any]:
    row = states.iloc[0]
    force = vocab.forces().forces.get(row["force"])
    return {"person_id": int(row["person_id"]), "force": row["force"],
            "force_name": force.name if force else row["force"],
            "staff_number": row["staff_number"], "collar_number": row["collar_number"],
            "full_name": row["full_name"], "email": row["email"]}


def _state_dict(states: pd.DataFrame) -> dict[str, Any]:
    row = states.iloc[0]

    def day(value: float) -> dt.date | None:
        return None if pd.isna(value) else from_day(value)

    return {"state_id": int(row["state_id"]), "snapshot_date": day(row["state_as_of"]),
            "workforce_type": row["workforce_type"], "rank": row["rank"],
            "rank_label": vocab.rank_label(row["rank"]), "detective": bool(row["detective"]),
            "department": row["department"],
            "department_label": vocab.department_label(row["department"]),
            "unit": row["unit"], "role": row["role"], "line_manager": row["line_manager"],
            "start_date": day(row["start_day"]), "leaving_date": day(row["leaving_day"]),
            "status": row["status"]}


def _roster_text(states: pd.DataFrame, reason: str | None, as_of: dt.date,
                 day: Callable[[dt.date], str] = dt.date.isoformat) -> str:
    """Whether the person is on the roster on ``as_of``, dates written by ``day``."""
    row = _state_dict(states)
    snapshot = row["snapshot_date"]
    which = ("the latest roster snapshot on or before that date" if snapshot <= as_of
             else "the earliest roster snapshot (none is older)")
    if reason is None:
        return f"On the roster on {day(as_of)}; state taken from {which}."
    if reason == "not started":
        return f"Not counted: starts on {day(row['start_date'])}, after {day(as_of)}."
    if reason == "left":
        return f"Not counted: left on {day(row['leaving_date'])}, on or before {day(as_of)}."
    return f"Not counted: marked a leaver in the roster of {day(snapshot)}."


def _why(req: Requirement, states: pd.DataFrame, reason: str | None,
         row: dict[str, Any] | None,
         completions: pd.DataFrame, exemptions: list[dict[str, Any]],
         as_of: dt.date) -> RequirementWhy:
    matched = scope(states, req).iloc[0]
    include = int(matched["include_clause"]) or None
    exclude = int(matched["exclude_clause"]) or None
    in_scope = bool(matched["in_scope"]) and reason is None
    status = str(row["status"]) if row is not None else (
        "not on roster" if reason is not None else "not in scope")
    why = RequirementWhy(
        requirement=req.id, title=req.title, deadline=req.deadline, in_scope=in_scope,
        scope_reason=_scope_text(req, states, include, exclude, reason),
        include_clause=include, exclude_clause=exclude, status=status,
        scope_words=scope_words(req, states, include, exclude, reason),
        checks=[clause_checks(states, c) for c in req.include],
        completions=_used(req, completions, as_of), exemptions=exemptions,
    )
    if row is not None:
        why.late, why.expired = bool(row["late"]), bool(row["expired"])
        why.completed_on = row["completed_on"]
        why.modules_missing = [m for m in str(row["modules_missing"]).split(", ") if m]
    return why


def _scope_text(req: Requirement, states: pd.DataFrame, include: int | None,
                exclude: int | None, reason: str | None) -> str:
    if exclude is not None and include is not None:
        text = (f"include clause {include} matched, but exclude clause {exclude} "
                f"({req.exclude[exclude - 1].describe()}) wins: not in scope.")
    elif include is not None:
        text = f"in scope by include clause {include}: {req.include[include - 1].describe()}."
    else:
        misses = "; ".join(
            f"clause {n} ({c.describe()}): {', '.join(failed_conditions(states, c))}"
            for n, c in enumerate(req.include, 1))
        text = f"not in scope; no include clause matched. {misses}."
    if reason is not None and include is not None and exclude is None:
        text += " Not counted on this date: not on the roster."
    return text


def scope_words(req: Requirement, states: pd.DataFrame, include: int | None,
                exclude: int | None, reason: str | None) -> str:
    """Why the person is in scope or not, in plain words: the labels of their rank,
    department and workforce type against what the rule covers; no codes, no clauses."""
    if include is None:
        return out_of_scope_words([clause_checks(states, c) for c in req.include])
    included = clause_checks(states, req.include[include - 1])
    if exclude is not None:
        return excluded_words(included, clause_checks(states, req.exclude[exclude - 1]))
    text = in_scope_words(included)
    if reason is not None:
        text += " Not counted on this date: not on the roster (see above)."
    return text


def _used(req: Requirement, completions: pd.DataFrame, as_of: dt.date) -> list[CompletionUsed]:
    """Each completion of the requirement's modules: counted (the earliest on or before the
    date; with a validity period, the latest, if still valid) or why not."""
    mine = completions[completions["module"].isin(req.modules)]
    used = []
    for (module, day, _cid), group in mine.groupby(
            ["module", "completed_on", "completion_id"], sort=True):
        used.append(CompletionUsed(
            module=str(module), completed_on=cast(dt.date, day), counted=False, note="",
            batch_ids=[int(b) for b in group["batch_id"] if pd.notna(b)],
            files=[str(f) for f in group["file_name"] if pd.notna(f)],
            rows=[int(r) if pd.notna(r) else None for r in group["row"]],
            module_title=module_title(str(module)), evidence=_evidence(group)))
    for module in req.modules:
        _mark(req, [u for u in used if u.module == module], as_of)
    return used


def _evidence(group: pd.DataFrame) -> list[Evidence]:
    """The imports that reported one completion, oldest report first, each batch and row
    once (a batch's report without a row number is dropped when it gives one elsewhere)."""
    reported = group[group["batch_id"].notna()].drop_duplicates(["batch_id", "row"])
    numbered = set(reported.loc[reported["row"].notna(), "batch_id"])
    reported = reported[reported["row"].notna() | ~reported["batch_id"].isin(numbered)]
    return [Evidence(int(r["batch_id"]), str(r["file_name"]), _int_or_none(r["row"]),
                     None if pd.isna(r["imported_at"])
                     else pd.Timestamp(r["imported_at"]).to_pydatetime(),
                     None if pd.isna(r["imported_by"]) else str(r["imported_by"]))
            for r in reported.to_dict(orient="records")]


def _int_or_none(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def module_title(code: str) -> str:
    """A module's title ("OIC e-learning module 1: ..."), or its code when it has none."""
    module = vocab.modules().modules.get(code)
    return module.title if module else code


def _mark(req: Requirement, items: list[CompletionUsed], as_of: dt.date) -> None:
    before = [u for u in items if u.completed_on <= as_of]
    for u in items:
        if u.completed_on > as_of:
            u.note = "after the as-of date"
    if not before:
        return
    chosen = before[-1] if req.valid_months else before[0]
    for u in before:
        if u is not chosen:
            u.note = "a later repeat" if not req.valid_months else "superseded by a later one"
    chosen.counted = True
    if req.valid_months:
        cutoff = months_before(as_of, req.valid_months)
        if chosen.completed_on <= cutoff:
            chosen.counted = False
            chosen.note = f"expired: older than {req.valid_months} months"
    if chosen.counted and chosen.completed_on > req.deadline:
        chosen.note = "after the deadline (late)"
