"""Who did which training when: e-learning completions and Hydra attendance.

E-learning: a slow start in early 2025, a push before the 30 April 2026 deadline, a tail
after it. Most people take the modules in order 1 to 4; many stall after module 2 or 3.
Hydra: in-scope inspectors attend a course date (about 70%), some miss a booking first.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from demodata import pools
from demodata.people import Timeline

CONTINUE = [0.94, 0.87, 0.93]  # P(module k+1 | module k)
DEADLINE = dt.date(2026, 4, 30)
HYDRA_FUNCTIONS = ["control-room", "response", "neighbourhood", "cid", "roads-policing"]


def _week_weights(weeks: np.ndarray) -> np.ndarray:
    """Relative e-learning activity in each week (a slow start, a push, a tail)."""
    days = weeks.astype("datetime64[D]")
    weight = np.full(len(weeks), 1.0)
    weight[days < np.datetime64("2025-07-01")] = 0.3
    weight[(days >= np.datetime64("2026-01-01")) & (days < np.datetime64("2026-03-01"))] = 2.0
    weight[(days >= np.datetime64("2026-03-01")) & (days <= np.datetime64(DEADLINE))] = 4.5
    weight[days > np.datetime64(DEADLINE)] = 0.5
    weight[(days >= np.datetime64("2025-12-20")) & (days < np.datetime64("2026-01-04"))] = 0.2
    return weight


HORIZON = dt.date(2027, 6, 30)


def _first_dates(rng: np.random.Generator, k: int, tl: Timeline) -> np.ndarray:
    """When each learner starts: drawn over a fixed horizon (not up to ``today``), so a
    force generated for an earlier day shows an earlier, lower state of progress."""
    end = max(HORIZON, tl.today)
    weeks = np.arange(np.datetime64("2025-01-06", "D"), np.datetime64(end, "D"), 7)
    p = _week_weights(weeks)
    picked = weeks[rng.choice(len(weeks), k, p=p / p.sum())]
    return picked + rng.integers(0, 7, k).astype("timedelta64[D]")


def elearning(rng: np.random.Generator, people: pd.DataFrame, tl: Timeline,
              forced: list[str]) -> pd.DataFrame:
    """One row per e-learning completion: staff_number, module_code, completed_at."""
    m = len(people)
    in_scope = ((people["workforce_type"] != "police_staff")
                | people["function"].isin(["control-room", "custody"])).to_numpy()
    starts = rng.random(m) < np.where(in_scope, 0.95, 0.33)
    forced_mask = people["staff_number"].isin(forced).to_numpy()
    starts |= forced_mask
    go_on = np.column_stack([np.ones(m, bool), rng.random((m, 3)) < CONTINUE])
    go_on[forced_mask] = True
    done = starts[:, None] & np.logical_and.accumulate(go_on, axis=1)
    joined = pd.to_datetime(people["start_date"]).to_numpy().astype("datetime64[D]")
    first = np.maximum(_first_dates(rng, m, tl), joined + rng.integers(7, 60, m).astype(
        "timedelta64[D]"))
    gaps = np.where(rng.random((m, 4)) < 0.35, 0, np.ceil(rng.exponential(14, (m, 4))))
    gaps[:, 0] = 0
    days = first[:, None] + np.cumsum(gaps, axis=1).astype("timedelta64[D]")
    minutes = rng.integers(7 * 60 + 30, 21 * 60 + 30, (m, 4)).astype("timedelta64[m]")
    at = days.astype("datetime64[m]") + minutes
    leaving = pd.to_datetime(people["leaving_date"]).to_numpy().astype("datetime64[D]")
    limit = np.where(np.isnat(leaving), np.datetime64(tl.today, "D"),
                     np.minimum(leaving, np.datetime64(tl.today, "D")))
    done &= days <= limit[:, None]
    rows, cols = np.nonzero(done)
    return pd.DataFrame({
        "staff_number": people["staff_number"].to_numpy()[rows],
        "module_code": np.array(pools.MODULE_CODES, dtype=object)[cols],
        "completed_at": at[rows, cols],
    })


def session_dates(k: int, tl: Timeline) -> list[dt.date]:
    """``k`` Hydra course dates (Tuesday to Thursday), most before the deadline."""
    before = max(1, math.ceil(0.65 * k))
    start, end = dt.date(2025, 3, 4), min(DEADLINE - dt.timedelta(days=2), tl.today)
    dates = [start + (end - start) * i / max(before - 1, 1) for i in range(before)]
    late_end = tl.today - dt.timedelta(days=14)
    after = k - before
    late_start = DEADLINE + dt.timedelta(days=20)
    if after and late_end > late_start:
        dates += [late_start + (late_end - late_start) * (i + 1) / after for i in range(after)]
    snapped = [d + dt.timedelta(days=(1 - d.weekday()) % 7) for d in dates]
    return sorted({d for d in snapped if d <= tl.today})


def hydra(rng: np.random.Generator, people: pd.DataFrame, tl: Timeline) -> pd.DataFrame:
    """Hydra bookings of in-scope inspectors: staff_number, session date, attended."""
    scope = people[(people["rank"] == "inspector") & people["function"].isin(HYDRA_FUNCTIONS)]
    attend = scope[rng.random(len(scope)) < 0.72]
    dates = session_dates(max(3, math.ceil(len(attend) * 1.1 / 16)), tl)
    sessions = np.array(dates, dtype="datetime64[D]")
    start = pd.to_datetime(attend["start_date"]).to_numpy().astype("datetime64[D]")
    leave = pd.to_datetime(attend["leaving_date"]).to_numpy().astype("datetime64[D]")
    leave = np.where(np.isnat(leave), np.datetime64(tl.today, "D"), leave)
    ok = (sessions[None, :] >= start[:, None]) & (sessions[None, :] <= leave[:, None])
    weights = ok * np.where(sessions <= np.datetime64(DEADLINE), 2.0, 1.0)[None, :]
    has = weights.sum(axis=1) > 0
    cum = np.cumsum(weights[has], axis=1)
    pick = (cum < (rng.random(int(has.sum())) * cum[:, -1])[:, None]).sum(axis=1)
    booked = pd.DataFrame({"staff_number": attend["staff_number"].to_numpy()[has],
                           "date": sessions[pick], "attended": True})
    missed = booked[(rng.random(len(booked)) < 0.1) & (booked["date"] > sessions[0])].copy()
    earlier = [sessions[sessions < d] for d in missed["date"].to_numpy()]
    missed["date"] = [e[rng.integers(0, len(e))] for e in earlier]
    missed["attended"] = False
    out = pd.concat([booked, missed], ignore_index=True)
    out["date"] = pd.to_datetime(out["date"]).dt.date
    return out.sort_values(["date", "staff_number"], ignore_index=True)
