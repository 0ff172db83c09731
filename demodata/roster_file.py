"""The HR roster export: ``hr_roster_<date>.xlsx``, written the way HR systems write it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from demodata import pools, xlsx
from demodata.manifest import FileEntry, MessItem
from demodata.people import STATUS_RAW

HEADER = ["Staff Number", "Collar No", "Surname", "Forename(s)", "Email", "Rank/Grade",
          "Workforce Type", "Department", "Role", "Line Manager Staff No", "Start Date",
          "Leaving Date", "Status"]


def _start_dates(rng: np.random.Generator, dates: pd.Series, first_row: int, file: str,
                 mess: list[MessItem]) -> xlsx.Column:
    """Start dates: date cells, some day-first text, three Excel serial numbers."""
    values = dates.astype(object).reset_index(drop=True)
    kinds = pd.Series("date", index=values.index, dtype=object)
    text = np.flatnonzero(rng.random(len(values)) < 0.04)
    serial = rng.choice(np.setdiff1d(np.arange(len(values)), text), min(3, len(values)),
                        replace=False)
    serial.sort()
    values[text] = [d.strftime("%d/%m/%Y") for d in values[text]]
    kinds[text] = "str"
    values[serial] = [(d - dt.date(1899, 12, 30)).days for d in values[serial]]
    kinds[serial] = "num"
    rows = (text + first_row).tolist()
    mess.append(MessItem("text-date", file, rows, f"{len(rows)} start dates written as "
                         "day-first text (dd/mm/yyyy)", column="Start Date"))
    mess.append(MessItem("excel-serial-date", file, (serial + first_row).tolist(),
                         "start dates written as Excel serial numbers", column="Start Date"))
    return xlsx.Column(values, kinds)


def _workforce_raw(rng: np.random.Generator, state: pd.DataFrame) -> tuple[pd.Series, int]:
    raw = state["workforce_type"].map(pools.WORKFORCE_RAW)
    blank = (state["workforce_type"] == "police_officer").to_numpy() & (
        rng.random(len(state)) < 0.25)
    return raw.where(~blank, None), int(blank.sum())


def roster_sheet(rng: np.random.Generator, state: pd.DataFrame, force_name: str,
                 file: str, mess: list[MessItem]) -> tuple[xlsx.Sheet, int]:
    """The roster sheet of one snapshot, and how many officers have a blank workforce type."""
    as_of: dt.date = state["as_of"].iloc[0]
    state = state.sort_values("staff_number", ignore_index=True)
    sheet = xlsx.Sheet(
        "Establishment",
        preamble=[[f"{force_name} - HR establishment report"],
                  [f"Run date: {as_of:%d/%m/%Y}"], []],
        header=HEADER,
        trailer=[[], ["Total", len(state)]],
    )
    first = sheet.header_row + 1
    workforce, blanks = _workforce_raw(rng, state)
    sheet.columns = [
        xlsx.column(state[c]) for c in ("staff_number", "collar_number", "surname",
                                        "forenames", "email", "rank_raw")
    ] + [
        xlsx.column(workforce), xlsx.column(state["unit"]), xlsx.column(state["role"]),
        xlsx.column(state["line_manager"]),
        _start_dates(rng, state["start_date"], first, file, mess),
        xlsx.column(state["leaving_date"], "date"),
        xlsx.column(state["status"].map(STATUS_RAW)),
    ]
    n = len(state)
    mess.append(MessItem("title-rows", file, [1, 2], "two title rows and a blank row above "
                         "the header (row 4)", sheet="Establishment"))
    mess.append(MessItem("total-row", file, [first + n, first + n + 1],
                         "a blank row, then a 'Total' row after the data", sheet="Establishment"))
    unmapped = state.index[state["department"].isna()]
    if len(unmapped):
        mess.append(MessItem("unmapped-department", file, (unmapped + first).tolist(),
                             "departments no vocabulary keyword matches", column="Department",
                             value="; ".join(state.loc[unmapped, "unit"])))
    return sheet, blanks


def write_roster(rng: np.random.Generator, state: pd.DataFrame, force_code: str,
                 force_name: str, out_dir: Path, prefix: str) -> tuple[FileEntry, list[MessItem]]:
    as_of: dt.date = state["as_of"].iloc[0]
    name = f"{prefix}hr_roster_{as_of:%Y-%m-%d}.xlsx"
    mess: list[MessItem] = []
    sheet, blanks = roster_sheet(rng, state, force_name, name, mess)
    xlsx.write_workbook(out_dir / name, [sheet])
    counts = {
        "workforce_type": state["workforce_type"].value_counts().sort_index().to_dict(),
        "status": state["status"].value_counts().sort_index().to_dict(),
        "blank_workforce_type": blanks,
        "unmapped_departments": int(state["department"].isna().sum()),
    }
    entry = FileEntry(name, "hr-roster", force_code, "xlsx", sheet.header_row, len(state),
                      as_of, [sheet.name], counts)
    return entry, mess
