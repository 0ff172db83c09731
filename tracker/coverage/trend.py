"""Trend and forecast of one requirement: weekly coverage from the first completion to
today, the straight line needed to reach 100% by the deadline, the recent completion rate,
the date 100% would be reached at that rate, and a red/amber/green status with its rule.

Each weekly point is the coverage ``tracker.coverage.engine.compute`` gives on that date (a test
holds them equal). It is worked out for all weeks at once: every roster state row is valid
over an interval (from its snapshot to the next one), so "in scope on week w" is a boolean
matrix of state rows x weeks, built from whole columns. Requirements with a validity period
fall back to computing each week separately.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tracker.coverage.engine import (
    compute,
    coverage_pct,
    first_col,
    in_parallel,
    load_completions,
    load_exemptions,
)
from tracker.coverage.population import condition_columns, day_number, from_day, load_states, scope
from tracker.coverage.rules import Requirement, RuleSet
from tracker.reference.text import long_date

RECENT_WEEKS = 6
AMBER_WEEKS = 8
CHUNK_ROWS = 50_000
WEEKLY_COLUMNS = ["week_ending", "in_scope", "exempt", "completed", "completed_late",
                  "not_yet_due", "outstanding", "coverage_pct"]


@dataclass
class Trend:
    requirement: str
    today: dt.date
    deadline: dt.date
    weekly: pd.DataFrame  # WEEKLY_COLUMNS, oldest first; the last row is today
    needed: pd.DataFrame  # week_ending, needed_pct: today's coverage to 100% at the deadline
    current_pct: float | None
    outstanding: int
    recent_rate: float  # people completing per week over the last RECENT_WEEKS weeks
    forecast_date: dt.date | None
    weekly_needed: float | None  # people per week from now to the deadline (None after it)
    rag: str  # green | amber | red
    rag_rule: str
    rag_reason: str

    def as_dict(self) -> dict[str, object]:
        """The headline figures (not the frames), JSON-ready."""
        return {
            "requirement": self.requirement, "today": self.today.isoformat(),
            "deadline": self.deadline.isoformat(), "current_pct": self.current_pct,
            "outstanding": self.outstanding, "recent_rate": round(self.recent_rate, 2),
            "forecast_date": self.forecast_date.isoformat() if self.forecast_date else None,
            "weekly_needed": None if self.weekly_needed is None
            else round(self.weekly_needed, 2),
            "rag": self.rag, "rag_rule": self.rag_rule, "rag_reason": self.rag_reason,
        }


def rag_rule(deadline: dt.date) -> str:
    day = long_date(deadline)
    return (f"Green: 100% reached, or forecast to reach 100% by the deadline ({day}) at the "
            f"rate of the last {RECENT_WEEKS} weeks. Amber: before the deadline, forecast to "
            f"reach 100% within {AMBER_WEEKS} weeks after it. Red: below 100% once the "
            "deadline has passed, no completions in the last "
            f"{RECENT_WEEKS} weeks, or forecast more than {AMBER_WEEKS} weeks late.")


# --------------------------------------------------------------------------- weekly points


def week_endings(today: dt.date, first: dt.date | None, max_weeks: int = 260) -> list[dt.date]:
    """Every seventh day back from ``today`` to the week holding ``first`` (oldest first)."""
    if first is None or first >= today:
        return [today]
    weeks = min(math.ceil((today - first).days / 7), max_weeks)
    return [today - dt.timedelta(days=7 * k) for k in range(weeks, -1, -1)]


def state_intervals(states: pd.DataFrame) -> pd.DataFrame:
    """Each state row's validity ``[valid_from, valid_to)`` in day numbers: from its
    snapshot (the person's earliest: from always) to the person's next snapshot."""
    same_next = states["person_id"].eq(states["person_id"].shift(-1))
    same_prev = states["person_id"].eq(states["person_id"].shift(1))
    return states.assign(  # no deep copy of the text columns
        valid_from=states["state_as_of"].where(same_prev, -np.inf),
        valid_to=states["state_as_of"].shift(-1).where(same_next, np.inf),
    )


def _exempt_matrix(rows: pd.DataFrame, exemptions: pd.DataFrame, weeks: np.ndarray
                   ) -> np.ndarray:
    """rows x weeks: an exemption for the person in force on the week's date."""
    result = np.zeros((len(rows), weeks.shape[-1]), dtype=bool)
    if exemptions.empty or rows.empty:
        return result
    starts = exemptions["starts_day"].to_numpy()[:, None]
    ends = exemptions["ends_day"].fillna(np.inf).to_numpy()[:, None]
    per_exemption = pd.DataFrame((starts <= weeks) & (weeks <= ends))
    per_person = per_exemption.groupby(exemptions["person_id"].to_numpy()).max()
    where = per_person.index.get_indexer(pd.Index(rows["person_id"]))
    found = where >= 0
    result[found] = per_person.to_numpy(dtype=bool)[where[found]]
    return result


def _column(rows: pd.DataFrame, name: str) -> np.ndarray:
    return rows[name].to_numpy(dtype="float64")[:, None]


def _present(rows: pd.DataFrame, weeks: np.ndarray) -> np.ndarray:
    """rows x weeks: the state row applies on the week's date and the person is on the
    roster (started, not left), as ``tracker.coverage.population.absence`` decides."""
    col = lambda name: _column(rows, name)  # noqa: E731
    leaver = (rows["status"].eq("leaver") & rows["leaving_day"].isna()).to_numpy()[:, None]
    return ((col("valid_from") <= weeks) & (weeks < col("valid_to"))
            & ~(col("start_day") > weeks) & ~(col("leaving_day") <= weeks)
            & ~(leaver & (col("state_as_of") <= weeks)))


def _recent(rows: pd.DataFrame, today: dt.date) -> int:
    """People on the roster and in scope today who finished in the last RECENT_WEEKS weeks."""
    day = float(day_number(today))
    present = _present(rows, np.array([[day]]))[:, 0]
    finished = rows["finished"].to_numpy(dtype="float64")
    return int((present & (finished > day - 7 * RECENT_WEEKS) & (finished <= day)).sum())


def _weekly_counts(rows: pd.DataFrame, exemptions: pd.DataFrame, req: Requirement,
                   weeks: np.ndarray) -> np.ndarray:
    """(6 x weeks) counts: in_scope, exempt, completed, completed_late, not_yet_due,
    outstanding, for a chunk of in-scope state rows."""
    present = _present(rows, weeks)
    finished = _column(rows, "finished")
    completed = present & (finished <= weeks)
    exempt = present & ~completed & _exempt_matrix(rows, exemptions, weeks)
    due_from = _column(rows, "start_day") + req.grace_days
    not_yet_due = present & ~completed & ~exempt & (due_from > weeks)
    late = completed & (finished > day_number(req.deadline))
    counts = [m.sum(axis=0) for m in (present, exempt, completed, late, not_yet_due)]
    outstanding = counts[0] - counts[1] - counts[2] - counts[4]
    return np.vstack([*counts, outstanding])


def _weekly_matrix(engine: Engine, req: Requirement, today: dt.date, force: str | None,
                   departments: Sequence[str] | None) -> tuple[pd.DataFrame, int]:
    """The weekly frame, and how many people finished in the last RECENT_WEEKS weeks."""
    states, completions, exemptions = in_parallel(engine, [
        partial(load_states, engine, None, force=force, identity=False, requirements=[req],
                columns=["department", *condition_columns([req])]),
        partial(load_completions, engine, today, req.modules, force=force, latest=False),
        partial(load_exemptions, engine, None, force=force),
    ])
    return weekly_from_frames(state_intervals(states), completions, exemptions, req, today,
                              departments)


def weekly_from_frames(states: pd.DataFrame, completions: pd.DataFrame,
                       exemptions: pd.DataFrame, req: Requirement, today: dt.date,
                       departments: Sequence[str] | None) -> tuple[pd.DataFrame, int]:
    """``_weekly_matrix`` from loaded frames: every state row with its interval
    (``state_intervals``), the first completion day of each module done by ``today`` per
    person, and the exemptions (any dates)."""
    rows = states[scope(states, req)["in_scope"]]
    if departments is not None:
        rows = rows[rows["department"].isin(list(departments))]
    firsts = completions.set_index("person_id").reindex(
        columns=[first_col(m) for m in req.modules])
    finished = firsts.max(axis=1, skipna=False)
    rows = rows.assign(finished=rows["person_id"].map(finished).astype("float64"))
    exemptions = exemptions[exemptions["requirement"] == req.id]
    earliest = float(np.nanmin(firsts.to_numpy(dtype="float64"), initial=np.inf))
    dates = week_endings(today, None if np.isinf(earliest) else from_day(earliest))
    weeks = np.array([day_number(d) for d in dates], dtype="float64")[None, :]
    totals = np.zeros((6, weeks.shape[1]), dtype="int64")
    for start in range(0, len(rows), CHUNK_ROWS):
        totals += _weekly_counts(rows.iloc[start:start + CHUNK_ROWS], exemptions, req, weeks)
    return _weekly_frame(dates, totals), _recent(rows, today)


def _weekly_frame(dates: list[dt.date], totals: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(totals.T, columns=["in_scope", "exempt", "completed",
                                            "completed_late", "not_yet_due", "outstanding"])
    frame.insert(0, "week_ending", dates)
    frame["coverage_pct"] = coverage_pct(frame["completed"], frame["outstanding"])
    return frame[WEEKLY_COLUMNS]


def _weekly_by_compute(engine: Engine, rules: RuleSet, req: Requirement, today: dt.date,
                       force: str | None, departments: Sequence[str] | None
                       ) -> tuple[pd.DataFrame, int]:
    """One ``compute`` per week (requirements with a validity period)."""
    now = compute(engine, rules, today, requirement=req.id, force=force,
                  departments=departments)
    people = now.status_frame  # no names needed
    done = pd.to_datetime(people["completed_on"].dropna())
    first = done.min().date() if not done.empty else None
    rows = []
    for day in week_endings(today, first, max_weeks=156):
        result = now if day == today else compute(
            engine, rules, day, requirement=req.id, force=force, departments=departments)
        rows.append({"week_ending": day, **result.summary().iloc[0].to_dict()})
    weekly = pd.DataFrame(rows)[WEEKLY_COLUMNS]
    recent_from = today - dt.timedelta(weeks=RECENT_WEEKS)
    recent = sum(1 for status, day in zip(people["status"], people["completed_on"],
                                          strict=True)
                 if status == "completed" and day is not None and day > recent_from)
    return weekly, recent


# --------------------------------------------------------------------------- forecast


def trend(engine: Engine, rules: RuleSet, requirement: str, today: dt.date, *,
          force: str | None = None, departments: Sequence[str] | None = None) -> Trend:
    """Weekly coverage of ``requirement`` up to ``today``, the line needed to reach 100% by
    the deadline, the recent rate, the forecast date and a red/amber/green status."""
    req = rules.get(requirement)
    if req.valid_months:
        weekly, recent = _weekly_by_compute(engine, rules, req, today, force, departments)
    else:
        weekly, recent = _weekly_matrix(engine, req, today, force, departments)
    return _trend(req, today, weekly, recent)


def trend_from_frames(states: pd.DataFrame, completions: pd.DataFrame,
                      exemptions: pd.DataFrame, req: Requirement, today: dt.date,
                      departments: Sequence[str] | None = None) -> Trend:
    """``trend`` from loaded frames (see ``weekly_from_frames``; no validity period)."""
    return _trend(req, today, *weekly_from_frames(states, completions, exemptions, req, today,
                                                  departments))


def _trend(req: Requirement, today: dt.date, weekly: pd.DataFrame, recent: int) -> Trend:
    last = weekly.iloc[-1]
    return _forecast(req, today, weekly, int(last["outstanding"]), last["coverage_pct"],
                     recent / RECENT_WEEKS)


def _forecast(req: Requirement, today: dt.date, weekly: pd.DataFrame, outstanding: int,
              current: float | None, rate: float) -> Trend:
    if outstanding == 0:
        forecast: dt.date | None = today
    elif rate > 0:
        forecast = today + dt.timedelta(days=math.ceil(outstanding / rate * 7))
    else:
        forecast = None
    weeks_left = (req.deadline - today).days / 7
    weekly_needed = outstanding / weeks_left if weeks_left > 0 else None
    rag, reason = _rag(req.deadline, today, outstanding, current, forecast)
    return Trend(
        requirement=req.id, today=today, deadline=req.deadline, weekly=weekly,
        needed=_needed_line(today, req.deadline, current), current_pct=current,
        outstanding=outstanding, recent_rate=rate, forecast_date=forecast,
        weekly_needed=weekly_needed, rag=rag, rag_rule=rag_rule(req.deadline),
        rag_reason=reason,
    )


def _needed_line(today: dt.date, deadline: dt.date, current: float | None) -> pd.DataFrame:
    """Weekly points on the straight line from today's coverage to 100% at the deadline
    (empty once the deadline has passed)."""
    if today >= deadline:
        return pd.DataFrame({"week_ending": [], "needed_pct": []})
    days = [*list(range(0, (deadline - today).days, 7)), (deadline - today).days]
    start = float(current) if current is not None else 0.0
    total = days[-1]
    return pd.DataFrame({
        "week_ending": [today + dt.timedelta(days=d) for d in days],
        "needed_pct": [round(start + (100.0 - start) * d / total, 1) for d in days],
    })


def _rag(deadline: dt.date, today: dt.date, outstanding: int, current: float | None,
         forecast: dt.date | None) -> tuple[str, str]:
    """The status and the reason for it, in words."""
    shown = "no one in scope" if current is None else f"{current:.1f}%"
    if outstanding == 0:
        return "green", f"Green: {shown}, nobody outstanding."
    when = (f"forecast to reach 100% on {long_date(forecast)}" if forecast
            else f"no completions in the last {RECENT_WEEKS} weeks, so no forecast")
    if today > deadline:
        return "red", f"Red: {shown} after the deadline ({long_date(deadline)}); {when}."
    if forecast is not None and forecast <= deadline:
        return "green", f"Green: {shown}, {when}, by the deadline."
    if forecast is not None and forecast <= deadline + dt.timedelta(weeks=AMBER_WEEKS):
        return "amber", f"Amber: {shown}, {when}, within {AMBER_WEEKS} weeks after the deadline."
    return "red", f"Red: {shown}, {when}."
