"""The Hydra trainer's workbook: ``hydra_delegates.xlsx``, one sheet per course date."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from demodata import pools, xlsx
from demodata.manifest import FileEntry, MessItem

HEADER = ["Date", "Venue", "Syndicate", "Delegate Name", "Collar/Staff No", "Rank", "Home Force",
          "Department", "Attended"]
VISITOR_UNITS = ["Response", "CID", "Roads Policing", "Neighbourhood Policing", "Control Room"]


def _visitors(rng: np.random.Generator, day: dt.date, neighbours: dict[str, list[str]],
              k: int) -> pd.DataFrame:
    forms = [(code, form) for code, options in neighbours.items() for form in options]
    picked = [forms[i] for i in rng.integers(0, len(forms), k)]
    return pd.DataFrame({
        "date": day,
        "name": [f"{pools.FORENAMES[i]} {pools.SURNAMES[j]}" for i, j in zip(
            rng.integers(0, len(pools.FORENAMES), k), rng.integers(0, len(pools.SURNAMES), k),
            strict=True)],
        "number": [str(v) for v in rng.integers(1000, 9999, k)],
        "rank_raw": np.array(["Insp", "DI", "Inspector"], dtype=object)[rng.integers(0, 3, k)],
        "force_form": [f for _, f in picked], "force_code": [c for c, _ in picked],
        "unit": np.array(VISITOR_UNITS, dtype=object)[rng.integers(0, len(VISITOR_UNITS), k)],
        "attended": True, "staff_number": None,
    })


def _syndicates(n: int, rng: np.random.Generator) -> np.ndarray:
    """Syndicate numbers for ``n`` delegates: groups of 4 to 7 (fewer only if n < 4)."""
    groups = max(1, math.ceil(n / 6))
    while groups > 1 and n // groups < 4:
        groups -= 1
    sizes = [len(a) for a in np.array_split(np.arange(n), groups)]
    return rng.permutation(np.repeat(np.arange(1, groups + 1), sizes))


def _session_frame(rng: np.random.Generator, day: dt.date, bookings: pd.DataFrame,
                   latest: pd.DataFrame, home_forms: list[str],
                   neighbours: dict[str, list[str]]) -> pd.DataFrame:
    """Delegate rows of one course date: the force's own, then visitors."""
    who = latest.loc[bookings["staff_number"]]
    use_staff = rng.random(len(who)) < 0.15
    own = pd.DataFrame({
        "date": day, "name": who["full_name"].to_numpy(),
        "number": np.where(use_staff | who["collar_number"].isna().to_numpy(),
                           who.index.to_numpy(), who["collar_number"].to_numpy()),
        "rank_raw": who["rank_raw"].to_numpy(),
        "force_form": np.array(home_forms, dtype=object)[rng.integers(0, len(home_forms),
                                                                      len(who))],
        "force_code": None, "unit": who["unit"].to_numpy(),
        "attended": bookings["attended"].to_numpy(), "staff_number": who.index.to_numpy(),
    })
    guests = int(rng.integers(1, 4)) if len(own) else 4
    frame = pd.concat([own, _visitors(rng, day, neighbours, guests)],
                      ignore_index=True)
    frame["syndicate"] = 0
    present = frame["attended"].to_numpy()
    frame.loc[present, "syndicate"] = _syndicates(int(present.sum()), rng)
    return frame.sort_values(["syndicate", "name"], ignore_index=True)


def _sheet(frame: pd.DataFrame, index: int, trainer: str, venue: str) -> xlsx.Sheet:
    day: dt.date = frame["date"].iloc[0]
    yes, no = ("Y", "N") if index % 2 == 0 else ("Attended", "Did not attend")
    sheet = xlsx.Sheet(f"{day.day} {day:%b %Y}",
                       preamble=[["OIC Hydra - Delegate list"], [f"Trainer: {trainer}"], []],
                       header=HEADER)
    syndicate = frame["syndicate"].astype(object).where(frame["syndicate"] > 0, None)
    sheet.columns = [
        xlsx.column(frame["date"], "date"), xlsx.column([venue] * len(frame)),
        xlsx.column(syndicate, "num"), xlsx.column(frame["name"]), xlsx.column(frame["number"]),
        xlsx.column(frame["rank_raw"]), xlsx.column(frame["force_form"]),
        xlsx.column(frame["unit"]), xlsx.column(np.where(frame["attended"], yes, no)),
    ]
    return sheet


def _plant_dates(sheets: list[xlsx.Sheet], file: str) -> list[MessItem]:
    """A day-first text date on the first sheet, an Excel serial number on the second."""
    mess = []
    for sheet, kind in zip(sheets[:2], ("str", "num"), strict=False):
        col = sheet.columns[0]
        day: dt.date = col.values.iloc[0]
        col.values.iloc[0] = day.strftime("%d/%m/%Y") if kind == "str" else (
            day - dt.date(1899, 12, 30)).days
        col.kinds.iloc[0] = kind
        item = "text-date" if kind == "str" else "excel-serial-date"
        mess.append(MessItem(item, file, [sheet.header_row + 1], f"a course date written as "
                             f"{'day-first text' if kind == 'str' else 'an Excel serial number'}",
                             sheet=sheet.name, column="Date"))
    return mess


def write_hydra(rng: np.random.Generator, bookings: pd.DataFrame, latest: pd.DataFrame,
                out_dir: Path, prefix: str, force: str, home_forms: list[str],
                neighbours: dict[str, list[str]], fallback_day: dt.date,
                ) -> tuple[FileEntry, list[MessItem]]:
    """The trainer's workbook (one course date of visitors only when nobody of the force
    booked, as in a very small generated force)."""
    name = f"{prefix}hydra_delegates.xlsx"
    trainer = pools.TRAINERS[int(rng.integers(0, len(pools.TRAINERS)))]
    venue = "Hydra Suite, Force HQ"
    groups: list[tuple[Any, pd.DataFrame]] = list(bookings.groupby("date", sort=True))
    groups = groups or [(fallback_day, bookings)]
    frames = [_session_frame(rng, day, group, latest, home_forms, neighbours)
              for day, group in groups]
    sheets = [_sheet(f, i, trainer, venue) for i, f in enumerate(frames)]
    mess = _plant_dates(sheets, name)
    last, total = sheets[-1], len(frames[-1])
    last.trailer = [[], ["Total", None, None, f"{int(frames[-1]['attended'].sum())} attended"]]
    first = last.header_row + 1
    mess.append(MessItem("total-row", name, [first + total, first + total + 1],
                         "a blank row, then a 'Total' row after the data", sheet=last.name))
    mess.append(MessItem("title-rows", name, [1, 2], "a title block above the header (row 4) "
                         "on every sheet"))
    per_sheet = {}
    for sheet, frame in zip(sheets, frames, strict=True):
        visitors = np.flatnonzero(frame["force_code"].notna().to_numpy()) + sheet.header_row + 1
        mess.append(MessItem("other-force-delegate", name, visitors.tolist(), "delegates from "
                             "neighbouring forces", sheet=sheet.name, column="Home Force",
                             value="; ".join(frame["force_form"].iloc[visitors - sheet.header_row
                                                                      - 1])))
        per_sheet[sheet.name] = {"rows": len(frame), "attended": int(frame["attended"].sum()),
                                 "did_not_attend": int((~frame["attended"]).sum()),
                                 "other_force": len(visitors)}
    xlsx.write_workbook(out_dir / name, sheets)
    everyone = pd.concat(frames, ignore_index=True)
    own = everyone[everyone["staff_number"].notna() & everyone["attended"]]
    counts = {"sheets": per_sheet, "attended_rows": int(everyone["attended"].sum()),
              "own_force_attended": int(own["staff_number"].nunique()),
              "other_force_rows": int(everyone["force_code"].notna().sum())}
    entry = FileEntry(name, "hydra-delegates", force, "xlsx", sheets[0].header_row,
                      len(everyone), None, [s.name for s in sheets], counts)
    return entry, mess
