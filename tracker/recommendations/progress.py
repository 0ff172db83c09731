"""Progress of a force's milestones against recommendation 4's deadline: as of a date, how
many are done, of how many, and a red/amber/green status with its rule and its reason in
words (what the one view of every recommendation shows for this one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from tracker.coverage.pace import long_day
from tracker.coverage.rule_words import day_words
from tracker.recommendations.milestones import MilestoneView, list_milestones, shipped


@dataclass(frozen=True)
class Progress:
    """``done``: milestones done on or before ``as_of``; ``total``: the register's
    milestones; ``status``: green | amber | red; ``rule``: the rule in words; ``reason``:
    why this status, in words."""

    recommendation: int
    deadline: dt.date
    as_of: dt.date
    done: int
    total: int
    status: str
    rule: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"recommendation": self.recommendation, "deadline": self.deadline.isoformat(),
                "as_of": self.as_of.isoformat(), "done": self.done, "total": self.total,
                "status": self.status, "rule": self.rule, "reason": self.reason}


def rule_words(deadline: dt.date) -> str:
    day = long_day(deadline)
    return (f"Green: every milestone in the register is done (and, once the deadline of "
            f"{day} has passed, was done by it). Amber: the deadline is still ahead and a "
            "milestone is not done yet. Red: the deadline has passed and a milestone was not "
            "done by it. A register with no milestones is never green. A milestone counts as "
            "done from the date it was done.")


def _state(milestone: MilestoneView) -> str:
    """A milestone not done by a day, in words: its status, or when it was done later."""
    if milestone.status == "done" and milestone.done_on is not None:
        return f"done later, on {day_words(milestone.done_on)}"
    return milestone.status_label


def _not_done(milestones: Sequence[MilestoneView], day: dt.date) -> str:
    return "; ".join(f"{m.title} ({_state(m)})" for m in milestones if not m.done_by(day))


def _away(deadline: dt.date, as_of: dt.date) -> str:
    days = (deadline - as_of).days
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} away"


def _reason(milestones: Sequence[MilestoneView], as_of: dt.date, deadline: dt.date,
            status: str) -> str:
    total, word = len(milestones), status.capitalize()
    if total == 0:
        when = "has passed" if as_of > deadline else f"is {_away(deadline, as_of)}"
        return (f"{word}: the register holds no milestones, and the deadline "
                f"({day_words(deadline)}) {when}.")
    if status == "green":
        return f"{word}: all {total} milestones done by {day_words(min(as_of, deadline))}."
    if status == "amber":
        done = sum(m.done_by(as_of) for m in milestones)
        return (f"{word}: {done} of {total} milestones done; still to do by the deadline "
                f"({day_words(deadline)}, {_away(deadline, as_of)}): "
                f"{_not_done(milestones, as_of)}.")
    on_time = sum(m.done_by(deadline) for m in milestones)
    return (f"{word}: {on_time} of {total} milestones done by the deadline "
            f"({day_words(deadline)}); not done by it: {_not_done(milestones, deadline)}.")


def assess(milestones: Sequence[MilestoneView], as_of: dt.date,
           deadline: dt.date, recommendation: int) -> Progress:
    """The progress of a register as of ``as_of`` (a pure function of the milestones)."""
    by = min(as_of, deadline)
    all_done = bool(milestones) and all(m.done_by(by) for m in milestones)
    status = "green" if all_done else "amber" if as_of <= deadline else "red"
    return Progress(recommendation, deadline, as_of, sum(m.done_by(as_of) for m in milestones),
                    len(milestones), status, rule_words(deadline),
                    _reason(milestones, as_of, deadline, status))


def progress(engine: Engine, force: str, as_of: dt.date) -> Progress:
    """As of ``as_of``: how many of the force's milestones were done, of how many, and the
    status against recommendation 4's deadline with its rule in words."""
    rec = shipped()
    return assess(list_milestones(engine, force), as_of, rec.deadline, rec.number)
