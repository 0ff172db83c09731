"""Is an import plausible? The worst failure of this tool is a confident wrong number.

An import is implausible when it would lose a dimension the requirement rules read (no
column recognised for it), leave many of a rule column's values mapped to nothing, match few
of a completion file's own learners, end many of the force's people as leavers (a full
roster that lists few of them), or make a requirement's population or completed count fall
sharply. Each check is a small function yielding typed ``Finding``s (a code, a message
with the evidence, and the evidence as data); ``tracker.ingest.batch.plan_import`` runs them and
refuses the import while any holds, unless the user accepts it knowingly.

Messages say what looks wrong and why; they name no command and no page: each face adds how
to fix it and how to go ahead anyway (STYLE habit 15). Thresholds: ``config.Thresholds``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from tracker.config import Thresholds, load_settings
from tracker.coverage.engine import evaluate, load_completions, load_exemptions
from tracker.coverage.population import day_number, load_states
from tracker.coverage.rules import RuleSet
from tracker.ingest.records import Kind, ParsedFile
from tracker.messages.problems import Check as Check
from tracker.messages.problems import Code
from tracker.reference import vocab
from tracker.store.models import RosterSnapshot

if TYPE_CHECKING:
    from tracker.ingest.batch import ImportPlan


@dataclass(frozen=True)
class Finding:
    """One implausible thing about an import: ``message`` for people, ``evidence`` as data."""

    code: Check
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code.value, "message": self.message, "evidence": self.evidence}


# rule condition -> the roster field it reads (a ParsedFile.columns key)
CONDITION_FIELDS = {"workforce_type": "workforce_type", "rank": "rank", "detective": "rank",
                    "department": "unit", "unit": "unit", "unit_contains": "unit",
                    "role": "role", "role_contains": "role"}
FIELD_NAMES = {"workforce_type": "workforce type", "rank": "rank", "unit": "department",
               "role": "role"}
FIELD_VALUES = {"workforce_type": "workforce_type", "rank": "rank_raw", "unit": "unit",
                "role": "role"}  # the records column holding the field's values
EXAMPLE_HEADERS = {"workforce_type": "Workforce type", "rank": "Rank", "unit": "Department",
                   "role": "Role"}
# rule condition -> the vocabulary its values must map to; its (raw, code) records columns
CONDITION_VOCABULARIES = {"rank": "rank", "detective": "rank", "department": "department"}
MAPPED_COLUMNS = {"rank": ("rank_raw", "rank"), "department": ("unit", "department")}
IDENTIFIERS = {"staff_number": "staff number", "collar_number": "collar number",
               "email": "e-mail", "username": "username", "full_name": "name"}
SHOWN_HEADERS = 15
SHOWN_VALUES = 5


def check(engine: Engine, plan: ImportPlan, rules: RuleSet,
          thresholds: Thresholds) -> list[Finding]:
    """Every finding about ``plan`` (empty when it is plausible). A requirement's fall is
    only looked at when the roster's columns and values are sound (they would explain it)."""
    parsed = plan.parsed
    if parsed.kind.is_log:
        return list(log_findings(engine, plan, thresholds))
    if not parsed.kind.is_roster:
        has_roster = _has_roster(engine, plan.force_id)
        return list(unmatched_learners(plan, has_roster, thresholds))
    found = [*missing_columns(parsed, rules), *unmapped_values(parsed, rules, thresholds)]
    return [*many_leavers(plan, thresholds),
            *(found or requirement_falls(engine, plan, rules, thresholds))]


def rule_users(rules: RuleSet, conditions: dict[str, str]) -> dict[str, list[str]]:
    """For each target of ``conditions`` (condition -> target) that the rules use: the
    titles of the requirements using it, in the rules' order."""
    used: dict[str, list[str]] = {}
    for req in rules.requirements:
        for clause in (*req.include, *req.exclude):
            for key in clause.conditions:
                if key in conditions:
                    titles = used.setdefault(conditions[key], [])
                    if req.title not in titles:
                        titles.append(req.title)
    return used


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(str).str.strip().eq("")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}"


def _too_many(part: int, whole: int, share: float, thresholds: Thresholds) -> bool:
    """More than ``share`` of ``whole``, and at least the fewest people worth judging."""
    return whole > 0 and part > share * whole and part >= thresholds.min_people


def _headers(parsed: ParsedFile) -> list[str]:
    """The file's headers (the importer's list when it gives one, else those recognised)."""
    headers = parsed.detail.get("headers") or list(parsed.columns.values())
    return [str(h) for h in headers if str(h).strip()]


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _listed(items: list[str], limit: int) -> str:
    return ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")


# ---------------------------------------------------------------- rosters

def missing_columns(parsed: ParsedFile, rules: RuleSet) -> Iterator[Finding]:
    """A field the rules read with no column recognised for it, leaving most people without
    it (a workforce type the rank implies is not missing)."""
    total = len(parsed.records)
    for name, titles in rule_users(rules, CONDITION_FIELDS).items():
        if name in parsed.columns or total == 0:
            continue
        without = int(_blank(parsed.records[FIELD_VALUES[name]]).sum())
        if without * 2 <= total:
            continue
        label, headers = FIELD_NAMES[name], _headers(parsed)
        who = ("every person" if without == total
               else f"{without:,} of {total:,} people ({_share(without, total)})")
        yield Finding(Check.RULE_COLUMN_MISSING, (
            f"{parsed.file_name}: no column was recognised as the {label}, and the "
            f"requirement rules use it ({', '.join(titles)}): {who} would count as "
            f'"no {label}". Columns found: {_listed(headers, SHOWN_HEADERS) or "none"}.'),
            {"field": name, "name": label, "requirements": titles, "people": total,
             "people_without": without, "columns_found": headers})


def unmapped_values(parsed: ParsedFile, rules: RuleSet,
                    thresholds: Thresholds) -> Iterator[Finding]:
    """Too many of the given values of a column the rules read as codes (rank, department)
    map to no code."""
    for kind, titles in rule_users(rules, CONDITION_VOCABULARIES).items():
        raw_column, code_column = MAPPED_COLUMNS[kind]
        raw = parsed.records[raw_column]
        given = ~_blank(raw)
        unmapped = given & parsed.records[code_column].isna()
        count, total = int(unmapped.sum()), int(given.sum())
        if not _too_many(count, total, thresholds.unmapped, thresholds):
            continue
        common = raw[unmapped].astype(str).str.strip().value_counts().head(SHOWN_VALUES)
        header = parsed.columns.get("rank" if kind == "rank" else "unit", raw_column)
        yield Finding(Check.RULE_VALUES_UNMAPPED, (
            f'{parsed.file_name}: {count:,} of the {total:,} values in column "{header}" '
            f"({_share(count, total)}) match no {kind} the tool knows, and the requirement "
            f"rules use the {kind} ({', '.join(titles)}): those people would count as "
            f'"no {kind}". Commonest: '
            + ", ".join(f'"{v}" ({n:,})' for v, n in common.items()) + "."),
            {"field": kind, "column": header, "requirements": titles, "unmapped": count,
             "values": total, "commonest": [[str(v), int(n)] for v, n in common.items()]})


def many_leavers(plan: ImportPlan, thresholds: Thresholds) -> Iterator[Finding]:
    """A full roster missing too many of the people on the force's roster as of its date:
    they would all become leavers (a partial update imported as a full roster)."""
    leavers, workforce = plan.counts["leavers"], plan.counts["workforce"]
    if not _too_many(leavers, workforce, thresholds.leavers, thresholds):
        return
    assert plan.as_of is not None  # rosters always have a date
    listed = plan.counts["accepted"]
    force = vocab.forces().forces.get(plan.force_code)
    yield Finding(Check.MANY_LEAVERS, (
        f"{plan.parsed.file_name}: imported as a full roster, it would make {leavers:,} of "
        f"the {workforce:,} people on the {force.name if force else plan.force_code} roster "
        f"as of {plan.as_of:%d/%m/%Y} ({_share(leavers, workforce)}) leavers, because it "
        f"does not list them (it lists {listed:,} {'person' if listed == 1 else 'people'}). "
        "If it is a partial update, import it as one: people missing from it then stay."),
        {"force": plan.force_code, "as_of": plan.as_of.isoformat(), "leavers": leavers,
         "workforce": workforce, "listed": listed})


# ---------------------------------------------------------------- completion files

def _has_roster(engine: Engine, force_id: int) -> bool:
    with engine.connect() as conn:
        stmt = select(RosterSnapshot.id).where(RosterSnapshot.force_id == force_id).limit(1)
        return conn.execute(stmt).first() is not None


def unmatched_learners(plan: ImportPlan, has_roster: bool,
                       thresholds: Thresholds) -> Iterator[Finding]:
    """Too many of the file's own-force learners (visitors from other forces aside) match
    nobody, while the force has a roster to match them to."""
    learners = plan.frames.get("learners")
    if learners is None or not has_roster:
        return
    own = learners[(learners["force_id"] == plan.force_id) & learners["identity_key"].notna()]
    count, total = int(own["person_id"].isna().sum()), len(own)
    if not _too_many(count, total, thresholds.unmatched, thresholds):
        return
    used = _identifier_columns(plan.parsed)
    force = vocab.forces().forces.get(plan.force_code)
    yield Finding(Check.LEARNERS_UNMATCHED, (
        f"{plan.parsed.file_name}: {count:,} of the {total:,} learners of "
        f"{force.name if force else plan.force_code} in it ({_share(count, total)}) match "
        f"nobody on that force's roster, matched by {_and(used) or 'no identifier column'}: "
        "their completions would not count."),
        {"force": plan.force_code, "learners": total, "unmatched": count,
         "identifier_columns": used})


def _identifier_columns(parsed: ParsedFile) -> list[str]:
    """The identifier columns matching used, as 'header (what it is)'."""
    found = [f'"{parsed.columns[f]}" ({label})' for f, label in IDENTIFIERS.items()
             if f in parsed.columns]
    return found or [label for f, label in IDENTIFIERS.items()
                     if f in parsed.records and parsed.records[f].notna().any()]


# ---------------------------------------------------------------- a requirement's fall

STATE_COLUMNS = ["person_id", "workforce_type", "rank", "detective", "unit", "department",
                 "role", "line_manager", "start_date", "leaving_date", "status"]


def roster_now_and_after(plan: ImportPlan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The force's roster as of the plan's date (people with a state), and the one this
    import would leave: new and changed people's states, and its leavers, replace theirs."""
    current = plan.frames["current"]
    now = current.loc[current["state_id"].notna(), STATE_COLUMNS]
    changed = pd.concat([plan.frames["states"], plan.frames["leavers"]],
                        ignore_index=True)[STATE_COLUMNS]
    new = changed["person_id"].isna().to_numpy()
    ids = changed["person_id"].astype("Int64").to_numpy(dtype="float64", na_value=np.nan)
    ids[new] = -np.arange(1, int(new.sum()) + 1)  # new people: ids no one else has
    changed["person_id"] = ids
    kept = now[~now["person_id"].isin(changed.loc[~new, "person_id"])]
    return now, pd.concat([kept, changed], ignore_index=True)


def as_states(roster: pd.DataFrame, plan: ImportPlan) -> pd.DataFrame:
    """A roster frame of ``ingest`` as the coverage engine's states (day numbers)."""
    assert plan.as_of is not None  # rosters always have a date
    states = roster.drop(columns=["start_date", "leaving_date"]).reset_index(drop=True)
    return states.assign(
        state_id=np.arange(len(states)), person_id=states["person_id"].astype("int64"),
        force=plan.force_code, detective=states["detective"].fillna(False).astype(bool),
        state_as_of=float(day_number(plan.as_of)),
        start_day=_day_numbers(roster["start_date"]),
        leaving_day=_day_numbers(roster["leaving_date"]))


def _day_numbers(values: pd.Series) -> np.ndarray:
    days = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    out = days.astype("int64").astype("float64")
    out[np.isnat(days)] = np.nan
    return out


Counts = dict[str, dict[str, int]]  # requirement id -> {"in_scope": n, "completed": n}


def requirement_counts(engine: Engine, plan: ImportPlan, rules: RuleSet,
                       rosters: list[pd.DataFrame]) -> list[Counts]:
    """Per roster: each requirement's in_scope and completed counts as of the plan's date,
    by the coverage engine, with the force's completions and exemptions as stored."""
    assert plan.as_of is not None
    reqs = rules.requirements
    modules = list(dict.fromkeys(m for r in reqs for m in r.modules))
    completions = load_completions(engine, plan.as_of, modules, force=plan.force_code,
                                   latest=any(r.valid_months for r in reqs))
    exemptions = load_exemptions(engine, plan.as_of, force=plan.force_code)
    out = []
    for roster in rosters:
        summary = evaluate(as_states(roster, plan), completions, exemptions, reqs, plan.as_of,
                           force=plan.force_code).summary()
        out.append({str(r): {"in_scope": int(n), "completed": int(c)} for r, n, c in zip(
            summary["requirement"], summary["in_scope"], summary["completed"], strict=True)})
    return out


def requirement_falls(engine: Engine, plan: ImportPlan, rules: RuleSet,
                      thresholds: Thresholds) -> Iterator[Finding]:
    """Requirements whose population in scope, or completed count, would fall too far (the
    force's first roster: nothing to compare with)."""
    now, after = roster_now_and_after(plan)
    if now.empty:
        return
    before, later = requirement_counts(engine, plan, rules, [now, after])
    falls = {r.id: _falls(before[r.id], later[r.id], thresholds) for r in rules.requirements}
    falls = {rid: parts for rid, parts in falls.items() if parts}
    if not falls:
        return
    assert plan.as_of is not None
    leavers, on_roster = plan.counts["leavers"], len(now)
    verb = "is" if leavers == 1 else "are"
    cause = (f" {leavers:,} of the {on_roster:,} people on the roster now {verb} missing from "
             "it and would become leavers." if leavers else "")
    titles = rules.titles
    yield Finding(Check.REQUIREMENT_FALLS, (
        f"{plan.parsed.file_name}: importing it would take "
        + ", and ".join(f"{titles[rid]} {' and '.join(parts)}" for rid, parts in falls.items())
        + f", as of {plan.as_of:%d/%m/%Y}.{cause}"),
        {"as_of": plan.as_of.isoformat(), "leavers": leavers, "on_roster": on_roster,
         "requirements": {rid: {k: [before[rid][k], later[rid][k]] for k in before[rid]}
                          for rid in falls}})


def _falls(before: dict[str, int], after: dict[str, int], thresholds: Thresholds) -> list[str]:
    """'from 120 people in scope to 60 (-50%)' for each count that falls too far."""
    out = []
    for column, words in (("in_scope", "people in scope"), ("completed", "completed")):
        was, will = before[column], after[column]
        if _too_many(was - will, was, thresholds.drop, thresholds):
            out.append(f"from {was:,} {words} to {will:,} ({(will - was) / was:+.0%})")
    return out


# ---------------------------------------------------------------- logs (recommendation 2)

LOG_ITEMS = {Kind.REFERRAL_LOG: ("referral", "referrals"),
             Kind.INTELLIGENCE_LOG: ("intelligence document", "intelligence documents")}
LOG_DATES = {Kind.REFERRAL_LOG: "referred_on", Kind.INTELLIGENCE_LOG: "submitted_on"}
LOG_OFFICERS = {Kind.REFERRAL_LOG: "reporting officer", Kind.INTELLIGENCE_LOG: "author"}
OFFICER_HEADERS = {Kind.REFERRAL_LOG: "Reporting officer", Kind.INTELLIGENCE_LOG: "Author"}
SHOWN_ROWS = 5


def log_findings(engine: Engine, plan: ImportPlan, thresholds: Thresholds) -> Iterator[Finding]:
    """A referral or submission log: no officer column, officers who match nobody on the
    force's roster, dates implausibly old (or many in the future)."""
    parsed = plan.parsed
    yield from missing_officer(parsed)
    yield from unmatched_officers(plan, _roster_numbers(engine, plan), thresholds)
    yield from implausible_dates(parsed, load_settings().today(), thresholds)


def missing_officer(parsed: ParsedFile) -> Iterator[Finding]:
    """No column recognised as the officer's staff or collar number: only matching by
    reference is left."""
    total = len(parsed.records)
    if "officer" in parsed.columns or total == 0:
        return
    kind, headers = parsed.kind, _headers(parsed)
    items = LOG_ITEMS[kind][1] if total != 1 else LOG_ITEMS[kind][0]
    if kind is Kind.REFERRAL_LOG:
        cost = (f"its {total:,} {items} could be matched to intelligence documents only by "
                "reference (a document naming the incident, custody or NCCU reference), "
                "never by the same officer within the window; a referral whose document "
                "names no reference would count as missing, and the figures by department "
                "and rank, and the list to chase, could not name the officer or their line "
                "manager")
    else:
        cost = (f"its {total:,} {items} could be matched to referrals only by the reference "
                "they link to, never by the same officer within the window; a document "
                "that links no reference would match no referral")
    yield Finding(Check.OFFICER_COLUMN_MISSING, (
        f"{parsed.file_name}: no column was recognised as the {LOG_OFFICERS[kind]}'s staff "
        f"or collar number, so {cost}. Columns found: "
        f'{_listed(headers, SHOWN_HEADERS) or "none"}.'),
        {"field": "officer", "name": f"{LOG_OFFICERS[kind]} (staff or collar number)",
         "example": OFFICER_HEADERS[kind], "rows": total, "columns_found": headers})


def _roster_numbers(engine: Engine, plan: ImportPlan) -> pd.DataFrame:
    """Each staff and collar number on the force's roster, with its person's start and
    leaving day (days since 1970; empty when the log names no officer or the force has no
    roster)."""
    columns = ["officer", "start_day", "leaving_day"]
    if ("officer" not in plan.parsed.columns or plan.parsed.records.empty
            or not _has_roster(engine, plan.force_id)):
        return pd.DataFrame(columns=columns)
    states = load_states(engine, None, force=plan.force_code,
                         columns=["staff_number", "collar_number"])
    people = states.drop_duplicates("person_id", keep="last")
    numbers = pd.concat([people.rename(columns={name: "officer"})[columns]
                         for name in ("staff_number", "collar_number")])
    return numbers.dropna(subset=["officer"]).astype({"officer": str})


def unmatched_officers(plan: ImportPlan, numbers: pd.DataFrame,
                       thresholds: Thresholds) -> Iterator[Finding]:
    """Too many of the officers the log names match nobody on the force's roster (by staff
    or collar number) as of their rows' dates: joined by then and not yet left."""
    if numbers.empty:
        return
    parsed = plan.parsed
    when = LOG_DATES[parsed.kind]
    rows = parsed.records.loc[parsed.records["officer"].notna(), ["officer", when]]
    rows = rows.assign(officer=rows["officer"].astype(str), day=_day_numbers(rows[when]))
    pairs = rows.reset_index(names="_i").merge(numbers, on="officer")
    there = ((pairs["start_day"].isna() | (pairs["start_day"] <= pairs["day"]))
             & (pairs["leaving_day"].isna() | (pairs["leaving_day"] > pairs["day"])))
    matched = rows.index.isin(pairs.loc[there, "_i"])
    officers = pd.Series(matched, index=rows["officer"].to_numpy()).groupby(level=0).any()
    count, total = int((~officers).sum()), len(officers)
    if not _too_many(count, total, thresholds.unmatched, thresholds):
        return
    kind, force = parsed.kind, vocab.forces().forces.get(plan.force_code)
    shown = sorted(officers.index[~officers.to_numpy()])
    cost = (" Their referrals would count as \"(not on the roster)\" by department and "
            "rank, and the list to chase could not name their line manager."
            if kind is Kind.REFERRAL_LOG else "")
    yield Finding(Check.OFFICERS_UNMATCHED, (
        f"{parsed.file_name}: {count:,} of the {total:,} officers it names "
        f"({_share(count, total)}) match nobody on the "
        f"{force.name if force else plan.force_code} roster by staff or collar number as of "
        f'the {LOG_ITEMS[kind][0]} date (column "{parsed.columns["officer"]}"): '
        f"{_listed(shown, SHOWN_VALUES)}.{cost}"),
        {"force": plan.force_code, "column": parsed.columns["officer"], "officers": total,
         "unmatched": count, "examples": shown[:SHOWN_VALUES]})


def implausible_dates(parsed: ParsedFile, today: dt.date,
                      thresholds: Thresholds) -> Iterator[Finding]:
    """Rows dated more than ``thresholds.log_years`` years ago (any), or too many rows
    dated after today (rejected row by row already: many of them suggest the file's
    dates were read the wrong way round)."""
    when, (item, items) = LOG_DATES[parsed.kind], LOG_ITEMS[parsed.kind]
    oldest = today.replace(year=today.year - thresholds.log_years, day=1, month=1)
    dates = pd.to_datetime(parsed.records[when])
    old = parsed.records.loc[(dates < pd.Timestamp(oldest)).to_numpy(), ["row", when]]
    future = parsed.report.counts().get(Code.FUTURE_DATE.value, 0)
    dated = len(parsed.records) + future
    many_future = _too_many(future, dated, thresholds.unmapped, thresholds)
    if old.empty and not many_future:
        return
    header = parsed.columns.get(when, when)
    parts = []
    if not old.empty:
        shown = [f"row {r} ({d:%d/%m/%Y})" for r, d in zip(old["row"], old[when], strict=True)]
        parts.append(f"{len(old):,} {item if len(old) == 1 else items} dated before "
                     f"{oldest:%d/%m/%Y}, more than {thresholds.log_years} years ago: "
                     f"{_listed(shown, SHOWN_ROWS)}; they would count in the months they give")
    if many_future:
        parts.append(f"{future:,} of its {dated:,} rows ({_share(future, dated)}) dated after "
                     f"today ({today:%d/%m/%Y}), which were not imported: perhaps the file writes "
                     "its dates month-first and they were read day-first")
    yield Finding(Check.LOG_DATES_IMPLAUSIBLE, (
        f'{parsed.file_name}, column "{header}": ' + "; and ".join(parts) + "."),
        {"column": header, "oldest": oldest.isoformat(), "old_rows": old["row"].tolist(),
         "future": future, "rows": dated})
