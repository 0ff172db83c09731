"""The one progress view of the recommendations: for each, its words, deadline, measure,
the figure as of a date (and on the deadline once passed), a red/amber/green status with
its rule in words, and where the evidence is. What the ``tracker recommendations`` command,
the workbook's Recommendations sheet and the dashboard's Recommendations page all show.

Each measured recommendation is one entry of ``MEASURES``; a recommendation of
``recommendations.toml`` with no entry is listed as not measured yet, with no figure.
Recommendation 2 joins as ``2: without_rules(referrals.standing)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd
from sqlalchemy import Engine

from tracker.config import load_settings
from tracker.coverage import engine as coverage
from tracker.coverage.pace import group_rule, group_status, steady_pace_pct
from tracker.coverage.rules import Requirement, RuleSet
from tracker.recommendations import referrals
from tracker.recommendations.milestones import forces_with_registers, list_milestones, shipped
from tracker.recommendations.progress import assess
from tracker.recommendations.standing import Standing
from tracker.recommendations.wording import Wording, wording, wordings
from tracker.reference.labels import RAG_WORDS
from tracker.reference.text import long_date

CoverageOn = Callable[[dt.date], coverage.CoverageResult]
# A recommendation's figure for a force (None: all forces) as of a date, by the rules given.
Measure = Callable[[Engine, str | None, dt.date, RuleSet], Standing]
NO_FIGURE = ("With no one in scope due yet there is no figure; the status is "
             f"{RAG_WORDS['amber'].lower()} until there is.")


def without_rules(measure: Callable[[Engine, str | None, dt.date], Standing]) -> Measure:
    """A measure that needs no requirement rules, as an entry of ``MEASURES``."""
    return lambda engine, force, as_of, _rules: measure(engine, force, as_of)


# --------------------------------------------------------------- training: 8 and 9


def _coverage_pct(result: coverage.CoverageResult, requirement: str) -> float | None:
    """The coverage % ``tracker coverage`` prints for the requirement (None: nobody due)."""
    rows = result.summary()
    values = pd.to_numeric(rows.loc[rows["requirement"] == requirement, "coverage_pct"],
                           errors="coerce").dropna()
    return float(values.iloc[0]) if len(values) else None


def pace_status(req: Requirement, value: float | None, as_of: dt.date) -> tuple[str, str]:
    """The workbook's group rule applied to the whole requirement: (status, reason)."""
    target = steady_pace_pct(req, as_of)
    if value is None:
        return "amber", f"{RAG_WORDS['amber']}: no one in scope is due yet on {long_date(as_of)}."
    rag = str(group_status(pd.Series([value]), target, pd.Series([False]))[0].iloc[0])
    gap = round(target - value, 1)
    where = "at or above it" if gap <= 0 else f"{gap:.1f} points below it"
    needed = (f"100% was due by the deadline, {long_date(req.deadline)}" if as_of >= req.deadline
              else f"a steady pace needs {target:.1f}% by then")
    return rag, (f"{RAG_WORDS[rag]}: {value:.1f}% on {long_date(as_of)}; {needed}, and this "
                 f"is {where}.")


def training_standing(number: int, engine: Engine, force: str | None, as_of: dt.date,
                      rules: RuleSet, coverage_on: CoverageOn | None = None) -> Standing:
    """Recommendation ``number``'s standing: the coverage of its requirement from the one
    coverage engine, as of ``as_of`` and on the deadline once passed, against a steady pace.
    ``coverage_on(day)`` gives the coverage of the force on a day when the caller holds it
    already (the dashboard's cache); by default it is computed."""
    words = wording(number)
    req = rules.get(str(words.requirement))
    on_day = coverage_on or partial(coverage.compute, engine, rules, requirement=req.id,
                                    force=force)
    value = _coverage_pct(on_day(as_of), req.id)
    then = coverage.on_deadlines([req], as_of, on_day).get(req.id)
    status, reason = pace_status(req, value, as_of)
    rule = f"{group_rule(req, as_of, steady_pace_pct(req, as_of))} {NO_FIGURE}"
    on_deadline = None if then is None or then["coverage_pct"] is None else float(
        then["coverage_pct"])
    return Standing(number, req.deadline, as_of, words.measure, value, None, None, status,
                    rule, reason, on_deadline, words.evidence)


# --------------------------------------------------------------- the register: 4


def plan_standing(engine: Engine, force: str | None, as_of: dt.date) -> Standing:
    """Recommendation 4's standing: the force's milestones done of its register (all
    forces': every register held, pooled, green only when every milestone is done)."""
    codes = [force] if force else forces_with_registers(engine)
    rows = [m for code in codes for m in list_milestones(engine, code)]
    rec, words = shipped(), wording(4)
    done = assess(rows, as_of, rec.deadline, rec.number)
    by_deadline = sum(m.done_by(rec.deadline) for m in rows) if as_of > rec.deadline else None
    return Standing(rec.number, rec.deadline, as_of, words.measure, None, done.done,
                    done.total, done.status, done.rule, done.reason, None, words.evidence,
                    by_deadline)


# --------------------------------------------------------------- NCCU referrals: 2


def referral_standing(engine: Engine, force: str | None, as_of: dt.date) -> Standing:
    """Recommendation 2's standing, with the document window the settings give."""
    return referrals.standing(engine, force, as_of, load_settings().referral_window_days)


TRAINING_RECOMMENDATIONS = (8, 9)  # measured by the coverage of a requirement
MEASURES: dict[int, Measure] = {
    2: without_rules(referral_standing),
    4: without_rules(plan_standing),
    **{n: partial(training_standing, n) for n in TRAINING_RECOMMENDATIONS},
}


def measures_on(coverage_on: CoverageOn) -> dict[int, Measure]:
    """``MEASURES``, the training ones reading the coverage of the force on a day from
    ``coverage_on`` (a cache, or a snapshot: ``tracker.coverage.snapshot``)."""
    return {**MEASURES, **{n: partial(training_standing, n, coverage_on=coverage_on)
                           for n in TRAINING_RECOMMENDATIONS}}


# --------------------------------------------------------------- the view


@dataclass(frozen=True)
class Overview:
    """Every recommendation as of a date: the measured ones' standings, in number order,
    and the shipped ones not measured yet."""

    as_of: dt.date
    force: str | None
    standings: tuple[Standing, ...]
    unmeasured: tuple[Wording, ...]

    def as_list(self) -> list[dict[str, object]]:
        """The JSON of ``tracker recommendations``: one object per measured one."""
        return [s.as_dict() for s in self.standings]


def overview(engine: Engine, force: str | None, as_of: dt.date, rules: RuleSet,
             measures: dict[int, Measure] | None = None) -> Overview:
    """Each recommendation's standing for ``force`` (None: all forces) as of ``as_of``."""
    chosen = MEASURES if measures is None else measures
    numbers = sorted(set(wordings()) | set(chosen))
    return Overview(as_of, force,
                    tuple(chosen[n](engine, force, as_of, rules) for n in numbers if n in chosen),
                    tuple(wordings()[n] for n in numbers if n not in chosen))


NOT_MEASURED = "Not measured yet: no figure is kept for it, so none is shown."
VIEW_COLUMNS = ["recommendation", "title", "wording", "deadline", "measure", "figure",
                "on_deadline", "status", "rule", "reason", "evidence", "rag", "value_pct",
                "on_deadline_pct", "done", "total", "on_deadline_done"]


def figure(value_pct: float | None, done: int | None, total: int | None) -> str:
    """A figure in words: "62.5%", "2 of 3 done", or "-" when there is none."""
    if value_pct is not None:
        return f"{value_pct:.1f}%"
    if done is not None and total is not None:
        return f"{done} of {total} done"
    return "-"


def status_label(rag: str) -> str:
    """A status as a person reads it: "At risk (amber)"."""
    return f"{RAG_WORDS[rag]} ({rag})" if rag in RAG_WORDS else ""


def _on_deadline(s: Standing) -> str:
    """The figure on the deadline, once it has passed ("" before)."""
    if s.on_deadline_pct is None and s.on_deadline_done is None:
        return ""
    return figure(s.on_deadline_pct, s.on_deadline_done, s.total)


def _standing_row(s: Standing) -> dict[str, object]:
    words = wording(s.recommendation)
    return {"recommendation": s.recommendation, "title": words.title, "wording": words.text,
            "deadline": s.deadline, "measure": s.measure,
            "figure": figure(s.value_pct, s.done, s.total),
            "on_deadline": _on_deadline(s),
            "status": status_label(s.status), "rule": s.rule, "reason": s.reason,
            "evidence": s.evidence, "rag": s.status, "value_pct": s.value_pct,
            "on_deadline_pct": s.on_deadline_pct, "done": s.done, "total": s.total,
            "on_deadline_done": s.on_deadline_done}


def _unmeasured_row(w: Wording) -> dict[str, object]:
    return {"recommendation": w.number, "title": w.title, "wording": w.text,
            "deadline": w.deadline, "measure": w.measure, "figure": "-", "on_deadline": "",
            "status": "Not measured yet", "rule": "", "reason": NOT_MEASURED,
            "evidence": w.evidence, "rag": "", "value_pct": None, "on_deadline_pct": None,
            "done": None, "total": None, "on_deadline_done": None}


def overview_frame(view: Overview) -> pd.DataFrame:
    """One row per recommendation, in number order, for a table, a sheet or a page."""
    rows = [*map(_standing_row, view.standings), *map(_unmeasured_row, view.unmeasured)]
    rows.sort(key=lambda r: int(str(r["recommendation"])))
    return pd.DataFrame(rows, columns=VIEW_COLUMNS)
