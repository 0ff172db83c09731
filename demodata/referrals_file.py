"""Recommendation 2's two logs for a force: a year of NCCU referrals (a few hundred, by
response, neighbourhood, custody and CID officers) and the intelligence submission log.

The force gets better over the year: early on about 60% of referrals have their document,
by the end about 92%. Of the documents, most name the incident or NCCU reference, some name
nothing (matched only by the officer), about one in eight comes after the 7-day window.
The submission log also holds the force's other intelligence documents, unrelated to any
referral; the last few days' documents are not in it yet (pending). Planted mess: a
referral with no reference and a repeated referral row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from demodata.manifest import FileEntry, MessItem

REFERRERS = ("response", "neighbourhood", "custody", "cid")
PER_YEAR = 320
OTHER_DOCUMENTS = 150
RECORDED_AFTER = 3  # days before a document shows in the exported log
REFERRAL_HEADER = ["Date/Time Reported", "Incident/Custody Ref", "NCCU Ref",
                   "Reporting Officer", "Location"]
SUBMISSION_HEADER = ["Intel Ref", "Date Submitted", "Author Collar No", "Linked Ref"]


def _officers(latest: pd.DataFrame) -> pd.DataFrame:
    """Serving officers of the referring departments, with the number they write."""
    serving = latest[(latest["status"] != "leaver")
                     & (latest["workforce_type"] == "police_officer")
                     & latest["department"].isin(REFERRERS)]
    number = serving["collar_number"].where(serving["collar_number"].notna(),
                                            pd.Series(serving.index, index=serving.index))
    return pd.DataFrame({"officer": number.to_numpy(), "unit": serving["unit"].to_numpy(),
                         "department": serving["department"].to_numpy()})


def referrals(rng: np.random.Generator, latest: pd.DataFrame,
              today: dt.date) -> pd.DataFrame:
    """One row per referral over the year to ``today``: day, time, references, officer."""
    officers = _officers(latest)
    n = PER_YEAR if len(officers) else 0
    days = np.sort(rng.integers(1, 366, n))
    days[:1] = 1  # the newest was made yesterday: its document is not in yet (pending)
    on = pd.to_datetime(today) - pd.to_timedelta(days[::-1], unit="D")
    who = officers.iloc[rng.integers(0, max(len(officers), 1), n)].reset_index(drop=True)
    stamp = pd.Series(on)
    serial = pd.Series(np.arange(1, n + 1)).astype(str)
    incident = "INC-" + stamp.dt.strftime("%Y%m%d") + "-" + serial.str.zfill(4)
    custody = "CUS/" + stamp.dt.strftime("%y") + "/" + serial.str.zfill(5)
    reference = incident.where((who["department"] != "custody").to_numpy(), custody)
    nccu = ("NCCU/" + stamp.dt.strftime("%y") + "/4" + serial.str.zfill(4)).where(
        pd.Series(rng.random(n) < 0.8))
    minutes = rng.integers(0, 24 * 60, n)
    return pd.DataFrame({"on": on + pd.to_timedelta(minutes, unit="min"), "reference": reference,
                         "nccu": nccu, "officer": who["officer"], "unit": who["unit"]})


def submissions(rng: np.random.Generator, refs: pd.DataFrame, today: dt.date,
                officers: pd.DataFrame) -> pd.DataFrame:
    """The documents for the referrals that got one, and the force's other documents."""
    n = len(refs)
    age = (pd.to_datetime(today) - refs["on"]).dt.days.to_numpy()
    done = rng.random(n) < 0.92 - 0.32 * age / 365
    late = rng.random(n) < 0.12
    delay = np.where(late, rng.integers(8, 31, n), rng.integers(0, 6, n))
    day = (refs["on"].dt.normalize() + pd.to_timedelta(delay, unit="D")).to_numpy()
    done &= (day <= np.datetime64(today)) & (age >= RECORDED_AFTER)
    link = rng.random(n)
    linked = refs["nccu"].where(link >= 0.45, refs["reference"]).where(link < 0.75)
    linked = linked.where(~late, refs["reference"])  # a late one names its referral
    ours = pd.DataFrame({"on": day, "officer": refs["officer"], "linked": linked})[done]
    others = _other_documents(rng, today, officers)
    out = pd.concat([ours, others]).sort_values("on", kind="stable").reset_index(drop=True)
    out["reference"] = [f"IR-{d:%y}-{i + 1:05d}" for i, d in enumerate(out["on"])]
    return out


def _other_documents(rng: np.random.Generator, today: dt.date,
                     officers: pd.DataFrame) -> pd.DataFrame:
    n = OTHER_DOCUMENTS if len(officers) else 0
    day = pd.to_datetime(today) - pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    who = officers["officer"].to_numpy()[rng.integers(0, max(len(officers), 1), n)]
    return pd.DataFrame({"on": day.to_numpy(), "officer": who, "linked": None})


def _plant(rows: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[MessItem]]:
    """Row 12 loses its reference; row 22 is repeated as row 23 (rows as Excel shows)."""
    if len(rows) <= 20:
        return rows, []
    rows = rows.copy()
    rows.iloc[10, 1] = None
    rows = pd.concat([rows.iloc[:21], rows.iloc[20:]], ignore_index=True)
    return rows, [MessItem("missing-reference", name, [12], "a referral with no incident or "
                           "custody reference", column=REFERRAL_HEADER[1]),
                  MessItem("duplicate-row", name, [23], "repeats the row above")]


def write_logs(rng: np.random.Generator, latest: pd.DataFrame, out_dir: Path, prefix: str,
               force: str, today: dt.date) -> tuple[list[FileEntry], list[MessItem]]:
    """The referral log and the submission log (CSV), with their manifest entries."""
    refs = referrals(rng, latest, today)
    docs = submissions(rng, refs, today, _officers(latest))
    ref_rows = pd.DataFrame({
        REFERRAL_HEADER[0]: refs["on"].dt.strftime("%d/%m/%Y %H:%M"),
        REFERRAL_HEADER[1]: refs["reference"], REFERRAL_HEADER[2]: refs["nccu"],
        REFERRAL_HEADER[3]: refs["officer"], REFERRAL_HEADER[4]: refs["unit"]}, dtype=object)
    ref_rows, mess = _plant(ref_rows, f"{prefix}nccu_referrals.csv")
    doc_rows = pd.DataFrame({
        SUBMISSION_HEADER[0]: docs["reference"],
        SUBMISSION_HEADER[1]: pd.to_datetime(docs["on"]).dt.strftime("%d/%m/%Y"),
        SUBMISSION_HEADER[2]: docs["officer"], SUBMISSION_HEADER[3]: docs["linked"]},
        dtype=object)
    ref_rows.to_csv(out_dir / f"{prefix}nccu_referrals.csv", index=False, na_rep="")
    doc_rows.to_csv(out_dir / f"{prefix}intelligence_submissions.csv", index=False, na_rep="")
    accepted = len(refs) - (1 if mess else 0)  # the row with no reference is rejected
    return [FileEntry(f"{prefix}nccu_referrals.csv", "nccu-referrals", force, "utf-8", 1,
                      len(ref_rows), counts={"referrals": len(refs), "accepted_rows": accepted}),
            FileEntry(f"{prefix}intelligence_submissions.csv", "intelligence-submissions",
                      force, "utf-8", 1, len(doc_rows),
                      counts={"accepted_rows": len(doc_rows)})], mess
