"""Where a group should be by now: a steady pace from the day a requirement's training
became available to 100% on its deadline (``steady_pace_pct``), and a group's
red/amber/green status against it with the rule in words (``group_status``,
``group_rule``). The workbook, the dashboard's heatmap and trajectory, and the progress view
of the recommendations all read their status from here."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tracker.coverage.rules import Requirement
from tracker.reference import vocab
from tracker.reference.labels import RAG_WORDS

CLOSE_POINTS = 10.0  # a group within this many points below the trajectory is "at risk"


def status_words(rag: str | None) -> str:
    if not rag:
        return ""
    return RAG_WORDS.get(str(rag).lower(), str(rag).capitalize())


def training_start(req: Requirement) -> dt.date:
    """When the requirement's training became available (its earliest module)."""
    known = vocab.modules().modules
    days = [known[m].available_from for m in req.modules if m in known]
    return min(days) if days else req.deadline


def steady_pace_pct(req: Requirement, as_of: dt.date) -> float:
    """Coverage (0-100) a group needs on ``as_of`` to be on a steady pace from the day the
    training became available to 100% on the deadline; 100 from the deadline on."""
    start = training_start(req)
    if as_of >= req.deadline or start >= req.deadline:
        return 100.0
    elapsed = max((as_of - start).days, 0) / (req.deadline - start).days
    return round(100.0 * elapsed, 1)


def long_day(day: dt.date) -> str:
    """'2 March 2026': a date in a rule's words (the day not zero-padded)."""
    return f"{day.day} {day:%B %Y}"


def group_rule(req: Requirement, as_of: dt.date, target: float) -> str:
    """The rule behind the status of each group, in words."""
    start = training_start(req)
    return (f"{req.title}: on a steady pace from {long_day(start)} (training available) to "
            f"100% on {long_day(req.deadline)}, a group needs {target:.1f}% on "
            f"{long_day(as_of)}. {RAG_WORDS['green']}: at or above it; {RAG_WORDS['amber']}: "
            f"up to {CLOSE_POINTS:.0f} points below; {RAG_WORDS['red']}: further below.")


def group_status(coverage_pct: pd.Series, target: float,
                 small: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Status of each group against the steady-pace target (0-100): (rag, words). Green at
    or above it, amber up to CLOSE_POINTS below, red further below."""
    pct = pd.to_numeric(coverage_pct, errors="coerce")
    rag = pd.Series("red", index=pct.index, dtype=object)
    rag = rag.mask(pct >= target - CLOSE_POINTS, "amber").mask(pct >= target, "green")
    rag = rag.mask(pct.isna(), "")
    words = rag.map(lambda r: status_words(r) if r else "No one due yet")
    words = words.mask(small.astype(bool) & (rag != ""), words + " (small group)")
    return rag, words
