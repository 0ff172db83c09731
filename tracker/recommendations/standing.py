"""Where a force stands on one recommendation as of a date: the one shape every
recommendation's measure gives (2: intelligence documents for NCCU referrals; 4: the plan's
milestones; 8 and 9: training coverage), so the progress view, the ``tracker
recommendations`` command and the workbook's sheet read them all alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

STATUSES = ("green", "amber", "red")


@dataclass(frozen=True)
class Standing:
    """``value_pct``: the measure as a percentage, or None where the measure is a count of
    things done (then ``done`` of ``total``); ``status``: green | amber | red; ``rule``: the
    status rule in words; ``reason``: why this status today, in words; ``on_deadline_pct``:
    the measure on the deadline itself, once it has passed (None before it, or for a
    count); ``on_deadline_done``: for a count, how many were done by the deadline, once it
    has passed (of ``total``); ``evidence``: where the evidence behind the figure is, in
    words."""

    recommendation: int
    deadline: dt.date
    as_of: dt.date
    measure: str
    value_pct: float | None
    done: int | None
    total: int | None
    status: str
    rule: str
    reason: str
    on_deadline_pct: float | None = None
    evidence: str = ""
    on_deadline_done: int | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {', '.join(STATUSES)}")

    def as_dict(self) -> dict[str, Any]:
        """The contract of ``tracker recommendations --format json`` (one object each)."""
        return {"recommendation": self.recommendation, "deadline": self.deadline.isoformat(),
                "as_of": self.as_of.isoformat(), "measure": self.measure,
                "value_pct": self.value_pct, "done": self.done, "total": self.total,
                "status": self.status, "rule": self.rule, "reason": self.reason,
                "on_deadline_pct": self.on_deadline_pct,
                "on_deadline_done": self.on_deadline_done, "evidence": self.evidence}
