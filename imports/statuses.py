"""Completion statuses as LMS exports and trainers write them."""

from __future__ import annotations

import re

import numpy as np

from imports.cells import ColumnLike, factorize, lookup
from tracker.text import fold

COMPLETED = "completed"
NOT_COMPLETED = "not-completed"

_COMPLETED = {
    "completed", "complete", "passed", "pass", "attended", "y", "yes", "done", "achieved",
    "completed passed", "complete passed", "completed achieved pass grade", "certified",
    "completed successfully", "successfully completed", "present", "finished", "1", "true",
    "completed pass", "course complete", "completion", "tick", "x", "complete via rpl",
    "completed via rpl", "rpl",
}
_NOT_COMPLETED = {
    "not completed", "incomplete", "not complete", "in progress", "inprogress", "not started",
    "did not attend", "dna", "n", "no", "failed", "fail", "not attempted", "registered",
    "enrolled", "withdrawn", "cancelled", "canceled", "no show", "absent", "not attended",
    "completed did not achieve pass grade", "completed failed", "started", "not yet started",
    "booked", "waitlisted", "waiting list", "expired", "overdue", "0", "false",
    "apologies", "sent apologies", "did not complete", "assigned", "not passed", "deferred",
}
_SET_BY = re.compile(r"^(completed|not completed|incomplete)\s+set by\b")


def classify_one(raw: str) -> str | None:
    """'completed', 'not-completed' or None (not a status this tool knows)."""
    text = fold(raw)
    set_by = _SET_BY.match(text)
    if set_by:
        text = set_by.group(1)
    if text in _COMPLETED:
        return COMPLETED
    if text in _NOT_COMPLETED:
        return NOT_COMPLETED
    return None


def classify(column: ColumnLike) -> np.ndarray:
    """Per row: 'completed', 'not-completed', '' (empty cell) or None (unknown)."""
    codes, uniques = factorize(column)
    labels = np.array([classify_one(str(u)) if str(u).strip() else "" for u in uniques],
                      dtype=object)
    return lookup(codes, labels, "")
