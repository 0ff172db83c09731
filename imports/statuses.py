"""Completion statuses as LMS exports and trainers write them.

Words ("Completed", "Did not attend"), yes/no, 1/0, TRUE/FALSE (text or workbook cells),
and a trainer's marks: ticks and crosses (✓ ✔ ✗ ✘) and "x". An "x" depends on its column:
beside ticks it is a cross (not attended); in a column of only x and blanks it marks
attendance. In a column of marks (one with a tick or a cross, or only x), a blank cell
is no mark: not attended, even when the row has a date (a delegate list's course date).
Each distinct value is read once.

Totara's "Complete via rpl" (recognition of prior learning) counts as complete, and the
file gets one warning saying how many completions were recorded that way.
"""

from __future__ import annotations

import re

import numpy as np

from imports.cells import ColumnLike, factorize, lookup, text_value
from tracker.messages.problems import Code, Problem, Report, Severity
from tracker.reference.text import fold

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
    "cross",
}
_PRIOR_LEARNING = {"complete via rpl", "completed via rpl", "rpl"}
_SET_BY = re.compile(r"^(completed|not completed|incomplete)\s+set by\b")
# Marks, which fold() would strip: ticks ✓ ✔ √ ☑ ✅ and crosses ✗ ✘ ✖ ☒ ❌ ❎.
TICKS = frozenset("\u2713\u2714\u221a\u2611\u2705")
CROSSES = frozenset("\u2717\u2718\u2716\u2612\u274c\u274e")
_EMOJI_STYLE = "\ufe0f"  # the variation selector phones add after a mark ("✔️")


def classify_one(raw: object) -> str | None:
    """'completed', 'not-completed' or None (not a status this tool knows). An "x" on its
    own is read as a mark of attendance (see ``classify`` for a column of ticks)."""
    mark = _mark(raw)
    if mark in TICKS:
        return COMPLETED
    if mark in CROSSES:
        return NOT_COMPLETED
    text = fold(text_value(raw) or "")
    set_by = _SET_BY.match(text)
    if set_by:
        text = set_by.group(1)
    if text in _COMPLETED:
        return COMPLETED
    if text in _NOT_COMPLETED:
        return NOT_COMPLETED
    return None


def _mark(raw: object) -> str:
    """The cell as a possible mark: trimmed, lower case, emoji style removed."""
    return (text_value(raw) or "").replace(_EMOJI_STYLE, "").strip().lower()


def classify(column: ColumnLike) -> np.ndarray:
    """Per row: 'completed', 'not-completed', '' (empty cell) or None (unknown). In a
    column that holds ticks an "x" is a cross; in a column of marks (a tick or a cross,
    or only x) an empty cell is 'not-completed'."""
    codes, uniques = factorize(column)
    marks = [_mark(u) for u in uniques]
    labels = np.array([classify_one(u) if m else "" for u, m in zip(uniques, marks,
                                                                     strict=True)],
                      dtype=object)
    written = {m for m in marks if m}
    if written & TICKS:
        labels[[m == "x" for m in marks]] = NOT_COMPLETED
    of_marks = bool(written & (TICKS | CROSSES)) or written == {"x"}
    blank = NOT_COMPLETED if of_marks else ""
    labels[labels == ""] = blank
    return lookup(codes, labels, blank)


def prior_learning(column: ColumnLike) -> np.ndarray:
    """Per row: True where the status is a completion via recognition of prior learning."""
    codes, uniques = factorize(column)
    flags = np.array([fold(text_value(u) or "") in _PRIOR_LEARNING for u in uniques],
                     dtype=bool)
    return lookup(codes, flags, False)


def prior_learning_warning(count: int, column: str | None, file: str | None) -> Problem:
    """The one warning for a file whose completions include some via prior learning."""
    several = count != 1
    return Problem(Code.PRIOR_LEARNING, Severity.WARNING,
                   f"{count} completion{'s are' if several else ' is'} recorded as \"Complete "
                   "via rpl\" (recognition of prior learning) and count"
                   f"{'' if several else 's'} as complete; check that is what your force "
                   "intends.", None, column, None, file)


def flag_prior_learning(kept: ColumnLike, status: ColumnLike, status_col: np.ndarray,
                        report: Report, file: str | None) -> int:
    """How many records (their raw statuses: ``kept``) are completions via prior learning;
    one warning if any, naming the column of the first such status in the file (``status``
    and ``status_col``: every candidate row's status and its column)."""
    count = int(prior_learning(kept).sum())
    if count:
        column = status_col[np.argmax(prior_learning(status))]
        report.add(prior_learning_warning(count, column, file))
    return count
