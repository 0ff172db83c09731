"""Recommendation 2: every time a member of the force reports a case to Immigration
Enforcement's NCCU, the reporting officer completes and submits the intelligence document.

Each referral (``referrals``) is matched to a submission (``intel_submissions``): by
reference first (the submission's linked reference is the referral's incident or custody
reference, or its NCCU reference: a strong match), otherwise by the same officer within the
window (a submission by the reporting officer from the referral's day to N days after it,
that no other referral took: a weaker match, the document does not name the case). As of a
date, counting only referrals and submissions dated on or before it, a referral is

- ``submitted``: a document within N days of the referral;
- ``late``: a document linked by reference, but more than N days after;
- ``pending``: no document yet, and its window is still open (left out of the measure);
- ``missing``: no document, and its window has closed.

Compliance is submitted / (submitted + late + missing). Everything works on whole columns;
an officer's rank and department come from the roster as of the referral's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from tracker.config import REFERRAL_WINDOW_DAYS
from tracker.coverage.population import load_states
from tracker.recommendations.standing import Standing
from tracker.recommendations.wording import wording
from tracker.reference.labels import RAG_WORDS
from tracker.reference.text import long_date, short_date
from tracker.store.db import unit_of_work
from tracker.store.models import Force, ImportBatch, IntelSubmission, Referral
from tracker.store.retention import officer_pseudonym

RECOMMENDATION = 2
DEADLINE = wording(RECOMMENDATION).deadline
GREEN_PCT, AMBER_PCT = 95.0, 80.0
STATUSES = ("submitted", "late", "missing", "pending")
BREAKDOWNS = ("department", "rank", "month")
NOT_ON_ROSTER = "(not on the roster)"
_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Logs:
    """A force's (or every force's) referrals and submissions, dates as datetime64."""

    referrals: pd.DataFrame  # force, reference, nccu_reference, referred_on, referred_at
    # (the time of day, or None), officer, location, batch_id
    submissions: pd.DataFrame  # force, reference, submitted_on, submitted_at, officer,
    # linked_reference, batch_id


def load_logs(engine: Engine, force_code: str | None = None) -> Logs:
    """The stored logs of ``force_code`` (None: every force)."""
    r, s = Referral, IntelSubmission
    with unit_of_work(engine) as session:
        refs = _frame(session.execute(_scoped(select(
            Force.code, r.reference, r.nccu_reference, r.referred_on, r.referred_at,
            r.officer, r.location, r.batch_id).join(Force, Force.id == r.force_id),
            force_code)).all(),
            ["force", "reference", "nccu_reference", "referred_on", "referred_at", "officer",
             "location", "batch_id"])
        subs = _frame(session.execute(_scoped(select(
            Force.code, s.reference, s.submitted_on, s.submitted_at, s.officer,
            s.linked_reference, s.batch_id).join(Force, Force.id == s.force_id),
            force_code)).all(),
            ["force", "reference", "submitted_on", "submitted_at", "officer",
             "linked_reference", "batch_id"])
    return Logs(_dated(refs, "referred_on"), _dated(subs, "submitted_on"))


def _scoped(stmt: Any, force_code: str | None) -> Any:
    return stmt if force_code is None else stmt.where(Force.code == force_code)


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns, dtype=object)


def _dated(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    return frame


# ---------------------------------------------------------------- matching

def _key(values: pd.Series) -> pd.Series:
    """A reference as compared: upper case, no spaces (None stays None)."""
    text = values.astype(object).where(values.notna(), None)
    return text.str.upper().str.replace(r"\s+", "", regex=True)


def _by_reference(refs: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    """(referral index, submission index) of the earliest submission whose linked
    reference is the referral's own or its NCCU reference."""
    keys = pd.concat([
        pd.DataFrame({"force": refs["force"], "key": _key(refs["reference"]),
                      "ref": refs.index}),
        pd.DataFrame({"force": refs["force"], "key": _key(refs["nccu_reference"]),
                      "ref": refs.index})]).dropna(subset=["key"])
    linked = pd.DataFrame({"force": subs["force"], "key": _key(subs["linked_reference"]),
                           "sub": subs.index, "on": subs["submitted_on"]}).dropna(subset=["key"])
    pairs = keys.merge(linked, on=["force", "key"]).sort_values(["on", "sub"])
    return pairs.drop_duplicates("ref")[["ref", "sub"]].drop_duplicates("sub")


def _by_officer(refs: pd.DataFrame, subs: pd.DataFrame, window: int) -> pd.DataFrame:
    """(referral index, submission index) of submissions by the reporting officer from the
    referral's day to ``window`` days after: nearest first, each submission and each
    referral used once (a greedy pass, not an optimal assignment)."""
    left = pd.DataFrame({"force": refs["force"], "officer": refs["officer"], "ref": refs.index,
                         "day": refs["referred_on"]}).dropna(subset=["officer"])
    right = pd.DataFrame({"force": subs["force"], "officer": subs["officer"],
                          "sub": subs.index, "on": subs["submitted_on"]}).dropna(
                              subset=["officer"])
    pairs = left.merge(right, on=["force", "officer"])
    gap = (pairs["on"] - pairs["day"]).dt.days
    pairs = pairs[(gap >= 0) & (gap <= window)].assign(gap=gap)
    pairs = pairs.sort_values(["gap", "day", "ref", "sub"])
    return pairs.drop_duplicates("sub").drop_duplicates("ref")[["ref", "sub"]]


def match(logs: Logs, as_of: dt.date, window: int = REFERRAL_WINDOW_DAYS) -> pd.DataFrame:
    """One row per referral dated on or before ``as_of``: its ``document``,
    ``submitted_on``, ``matched_by`` (reference | officer | None), ``due_on`` and
    ``status``, seeing only submissions dated on or before ``as_of``."""
    day = np.datetime64(as_of, "s")
    refs = logs.referrals[logs.referrals["referred_on"] <= day].reset_index(drop=True)
    subs = logs.submissions[logs.submissions["submitted_on"] <= day].reset_index(drop=True)
    strong = _by_reference(refs, subs)
    rest_refs = refs.drop(index=strong["ref"].to_list())
    weak = _by_officer(rest_refs, subs.drop(index=strong["sub"].to_list()), window)
    pairs = pd.concat([strong.assign(matched_by="reference"),
                       weak.assign(matched_by="officer")]).set_index("ref")
    out = refs.join(pairs)
    found = out["sub"].notna()
    picked = subs.reindex(out["sub"].fillna(-1).astype(int))
    document = picked["reference"].to_numpy(dtype=object).copy()
    document[~found.to_numpy()] = None
    out["document"] = cells_of(document, out.index)
    out["matched_by"] = out["matched_by"].astype(object).where(found, None)
    out["submitted_on"] = picked["submitted_on"].to_numpy()
    out["submitted_at"] = cells_of(_none_where(picked["submitted_at"].to_numpy(dtype=object),
                                               ~found.to_numpy()), out.index)
    out["due_on"] = out["referred_on"] + np.timedelta64(window, "D")
    out["status"] = _status(out, day)
    return out.drop(columns=["sub"])


def _none_where(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    out = values.copy()
    out[where | pd.isna(out)] = None
    return out


def cells_of(values: np.ndarray, index: pd.Index) -> pd.Series:
    """An object column that keeps None (pandas would make a text column of it, and NaN
    of its None)."""
    out = pd.Series(index=index, dtype="object")
    out[:] = values
    return out


def _status(out: pd.DataFrame, day: np.datetime64) -> np.ndarray:
    found = out["submitted_on"].notna()
    on_time = found & (out["submitted_on"] <= out["due_on"])
    return np.select([on_time, found, out["due_on"] >= day],
                     ["submitted", "late", "pending"], "missing").astype(object)


# ---------------------------------------------------------------- the reporting officers

OFFICER_COLUMNS = ["person_id", "full_name", "staff_number", "rank", "department",
                   "line_manager", "line_manager_name"]


def with_officers(engine: Engine, matched: pd.DataFrame,
                  force_code: str | None = None) -> pd.DataFrame:
    """``matched`` with each reporting officer's roster details as of the referral's date
    (the officer's staff number, else collar number, in the referral's force; the state of
    the latest snapshot on or before the date, else the earliest)."""
    states = load_states(engine, None, force=force_code)
    if matched.empty or states.empty:
        return matched.assign(**{c: None for c in OFFICER_COLUMNS})
    keyed = matched.reset_index(names="_i").merge(_officer_keys(states), how="left",
                                                  on=["force", "officer"])
    keyed["day"] = (keyed["referred_on"] - np.datetime64("1970-01-01", "s")) / _DAY
    found = keyed[keyed["person_id"].notna()].astype({"person_id": "int64"})
    dated = _state_on(found.sort_values("day"), states)
    return matched.join(dated.set_index("_i")[OFFICER_COLUMNS])


def _officer_keys(states: pd.DataFrame) -> pd.DataFrame:
    """(force, officer number) -> person: staff numbers first, then collar numbers, then
    what the retention purge wrote in a leaver's place (``officer_pseudonym``)."""
    people = states.drop_duplicates("person_id", keep="last")
    ids = people["person_id"].astype("int64")
    keys = pd.concat([
        people[["force", "staff_number", "person_id"]].rename(columns={"staff_number":
                                                                       "officer"}),
        people[["force", "collar_number", "person_id"]].rename(columns={"collar_number":
                                                                        "officer"}),
        *(people[["force", "person_id"]].assign(
            officer=[officer_pseudonym(int(i), collar) for i in ids])
          for collar in (False, True))])
    return keys.dropna(subset=["officer"]).drop_duplicates(["force", "officer"])


def _state_on(found: pd.DataFrame, states: pd.DataFrame) -> pd.DataFrame:
    """Each referral's officer's state on its day (the earliest when none is older)."""
    columns = [c for c in OFFICER_COLUMNS if c != "person_id"]
    ordered = states.sort_values("state_as_of")[["person_id", "state_as_of", *columns]]
    ordered = ordered.astype({"state_as_of": "float64", "person_id": "int64"})
    found = found[["_i", "day", "person_id"]]
    out = pd.merge_asof(found, ordered, left_on="day", right_on="state_as_of",
                        by="person_id", direction="backward")
    none = out["state_as_of"].isna().to_numpy()
    if none.any():
        later = pd.merge_asof(found[none], ordered, left_on="day", right_on="state_as_of",
                              by="person_id", direction="forward")
        out.loc[none, columns] = later[columns].to_numpy()
    return out


def referral_rows(engine: Engine, force_code: str | None, as_of: dt.date,
                  window: int = REFERRAL_WINDOW_DAYS) -> pd.DataFrame:
    """Every referral dated on or before ``as_of``, matched and with its officer's roster
    details: what every face (CLI, dashboard, report) reads."""
    matched = match(load_logs(engine, force_code), as_of, window)
    return with_officers(engine, matched, force_code)


# ---------------------------------------------------------------- figures

def _pct(done: pd.Series | int, counted: pd.Series | int) -> Any:
    if isinstance(counted, pd.Series):
        return (100 * done / counted.where(counted > 0)).round(1)
    return round(100 * done / counted, 1) if counted else None


def figures(rows: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Counts of each status and ``value_pct`` (submitted within the window of the
    referrals counted: all but pending; None when none is counted), overall (one row, even
    with no referral) or by ``by`` (department, rank, month: one row per group)."""
    frame = rows.assign(month=rows["referred_on"].dt.strftime("%Y-%m"))
    for name in ("department", "rank"):
        if name in by:
            frame[name] = frame[name].where(frame[name].notna(), NOT_ON_ROSTER)
    if by:
        counts = pd.crosstab([frame[b] for b in by], frame["status"])
    else:
        counts = frame["status"].value_counts().to_frame().T
    counts = counts.reindex(columns=list(STATUSES), fill_value=0).fillna(0).astype("int64")
    counts["referrals"] = counts.sum(axis=1)
    counts["counted"] = counts["referrals"] - counts["pending"]
    counts["value_pct"] = _pct(counts["submitted"], counts["counted"])
    counts.columns.name = None
    return counts.reset_index() if by else counts.reset_index(drop=True)


def chase_list(rows: pd.DataFrame, keep: Sequence[str] = ()) -> pd.DataFrame:
    """Referrals with no document whose window has closed, oldest first, with the time of
    day they were referred (None when the log gives none), the officer and their line
    manager to chase (and the columns ``keep`` of ``rows``, last)."""
    gone = rows[rows["status"] == "missing"].sort_values(["referred_on", "reference"])
    return gone[["force", "reference", "nccu_reference", "referred_on", "referred_at",
                 "due_on", "officer",
                 "full_name", "rank", "department", "line_manager",
                 "line_manager_name", *keep]].reset_index(drop=True)


# ---------------------------------------------------------------- one referral, in words

def _date(value: Any) -> str:
    return short_date(pd.Timestamp(value).date())


def _when(day: Any, time: Any) -> str:
    """'2 Mar 2026 at 14:35', or the date alone when no time of day is known."""
    return _date(day) + (f" at {time:%H:%M}" if isinstance(time, dt.time) else "")


def explain(rows: pd.DataFrame, reference: str, window: int = REFERRAL_WINDOW_DAYS,
            identity: bool = True) -> str | None:
    """Why the referral ``reference`` (its incident/custody or NCCU reference) stands as it
    does, in words; None when no referral has it. ``identity``: name the officer and give
    their number (otherwise the row's ``pseudonym``, if it has one). Dates read '2 Mar 2026',
    with the time of day where the log gives one."""
    key = _key(pd.Series([reference], dtype=object)).iloc[0]
    hit = rows[(_key(rows["reference"]) == key) | (_key(rows["nccu_reference"]) == key)]
    if hit.empty:
        return None
    row = hit.iloc[0]
    head = (f"Referral {row['reference']}"
            + (f" (NCCU {row['nccu_reference']})" if pd.notna(row["nccu_reference"]) else "")
            + f", reported on {_when(row['referred_on'], row.get('referred_at'))} by "
            f"{_officer(row, identity)}: ")
    return head + _verdict(row, window)


def _officer(row: pd.Series, identity: bool) -> str:
    if pd.isna(row.get("officer")):
        return "an officer the log does not name"
    if not identity:
        alias = row.get("pseudonym")
        return f"officer {alias}" if isinstance(alias, str) and alias else "the officer"
    who = f"officer {row['officer']}"
    if pd.notna(row.get("full_name")):
        who += f" ({row['full_name']})"
    return who


def _verdict(row: pd.Series, window: int) -> str:
    status, due = row["status"], _date(row["due_on"])
    if row["matched_by"] == "reference":
        gap = int((row["submitted_on"] - row["referred_on"]) / _DAY)
        how = (f"intelligence document {row['document']} submitted on "
               f"{_when(row['submitted_on'], row.get('submitted_at'))}, {gap} "
               f"day{'s' * (gap != 1)} after, names it")
        return (f"submitted: {how} (matched by reference)." if status == "submitted" else
                f"late: {how}, after the {window}-day window that closed on {due}.")
    if row["matched_by"] == "officer":
        return (f"submitted: document {row['document']} by the same officer on "
                f"{_when(row['submitted_on'], row.get('submitted_at'))}, within {window} "
                "days; a weaker match, as "
                "the document does not name the referral. Add the reference to confirm it.")
    if status == "pending":
        return (f"pending: no document yet; its {window}-day window is open until {due}, so "
                "it is not counted yet.")
    return (f"missing: no document names it, and none by the same officer within {window} "
            f"days (due by {due}). Ask the officer to submit it.")


def chase_groups(chase: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """The chase list counted by ``by`` (e.g. line_manager and line_manager_name): the
    referrals with no document (``missing``) and the oldest one's date (``oldest``), the
    most to chase first; a group the roster does not give is counted too, as empty."""
    grouped = chase.groupby(list(by), dropna=False, sort=False)
    out = grouped.agg(missing=("reference", "size"), oldest=("referred_on", "min"))
    out = out.reset_index().sort_values(["missing", "oldest"], ascending=[False, True])
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- the standing

def rule_words(window: int, deadline: dt.date = DEADLINE) -> str:
    green, amber, red = (RAG_WORDS[rag] for rag in ("green", "amber", "red"))
    return (f"Referrals to the NCCU whose intelligence document was submitted within "
            f"{window} days, of the referrals dated on or before the date. A referral with no "
            f"document whose {window}-day window is still open is pending and left out. "
            f"{green}: {GREEN_PCT:g}% or more. {amber}: {AMBER_PCT:g}% to under {GREEN_PCT:g}% "
            f"up to {long_date(deadline)}. {red}: under {AMBER_PCT:g}%, or under {GREEN_PCT:g}% "
            f"after the deadline. No referrals to count yet: {amber.lower()}.")


def _colour(pct: float | None, as_of: dt.date) -> str:
    if pct is None:
        return "amber"
    if pct >= GREEN_PCT:
        return "green"
    return "amber" if pct >= AMBER_PCT and as_of <= DEADLINE else "red"


def _reason(total: pd.Series, status: str, window: int) -> str:
    counted, done = int(total["counted"]), int(total["submitted"])
    pending = f"; {int(total['pending'])} pending" if total["pending"] else ""
    if not counted:
        waiting = (f" ({int(total['pending'])} pending, within its {window}-day window)"
                   if total["pending"] else "")
        return f"No referral to count yet{waiting}: nothing to measure."
    return (f"{RAG_WORDS[status]}: {done} of {counted} referrals had their document within "
            f"{window} days ({int(total['late'])} late, {int(total['missing'])} "
            f"missing{pending}).")


def _overall(logs: Logs, as_of: dt.date, window: int) -> pd.Series:
    return figures(match(logs, as_of, window)).iloc[0]


def _counted(total: pd.Series, pct: float | None) -> tuple[int | None, int | None]:
    """Submitted in time of referrals counted, or no counts while none is counted."""
    return (None, None) if pct is None else (int(total["submitted"]), int(total["counted"]))


def standing(engine: Engine, force_code: str | None, as_of: dt.date,
             window: int = REFERRAL_WINDOW_DAYS) -> Standing:
    """Recommendation 2's figure as of ``as_of`` (``force_code`` None: every force)."""
    logs = load_logs(engine, force_code)
    total = _overall(logs, as_of, window)
    pct = None if pd.isna(total["value_pct"]) else float(total["value_pct"])
    status = _colour(pct, as_of)
    on_deadline = None
    if as_of > DEADLINE:
        then = _overall(logs, DEADLINE, window)["value_pct"]
        on_deadline = None if pd.isna(then) else float(then)
    batches = sorted({int(b) for b in (*logs.referrals["batch_id"],
                                       *logs.submissions["batch_id"])})
    evidence = evidence_words(engine, batches)
    return Standing(
        RECOMMENDATION, DEADLINE, as_of,
        f"Referrals to the NCCU with an intelligence document submitted within {window} days",
        pct, *_counted(total, pct), status, rule_words(window),
        _reason(total, status, window), on_deadline, evidence)


EVIDENCE_LISTED = 5  # files named in the evidence line; the rest are counted


def evidence_words(engine: Engine, batches: list[int]) -> str:
    """The logs the figure was read from, as a reader finds them: file, batch, when, who."""
    if not batches:
        return "No referral log imported yet."
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(ImportBatch.id, ImportBatch.file_name, ImportBatch.imported_at,
                   ImportBatch.imported_by)
            .where(ImportBatch.id.in_(batches)).order_by(ImportBatch.id)).all()
    named = [f"{name} (batch {bid}, imported {short_date(at)} by {by})"
             for bid, name, at, by in rows[:EVIDENCE_LISTED]]
    more = len(rows) - len(named)
    tail = f"; and {more} more" if more else ""
    return ("The NCCU referral and intelligence submission logs it was read from: "
            f"{'; '.join(named)}{tail}.")
