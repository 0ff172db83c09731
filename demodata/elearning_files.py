"""E-learning exports in three real layouts.

- ``lms_export.csv``: a long LMS export (NCALT MLE style), one row per learner per course,
  Windows-1252, CRLF. It holds the completions made before the force moved to Moodle (the
  earlier roster date), in-progress and not-started rows, and unrelated courses.
- ``completion-oic-el.csv``: Moodle ``report/completion`` "Download in
  Excel-compatible format": UTF-16LE with a byte-order mark, tab-separated, LF.
- ``progress.OIC-EL.csv``: Moodle ``report/progress``: every value double-quoted, UTF-8.
The two Moodle files hold the same Moodle course (completions from the changeover on).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from demodata import pools
from demodata.manifest import FileEntry, MessItem

LMS_HEADER = ["Employee ID", "Full Name", "Email", "Course Title", "Status", "Completion Date",
              "Score", "Organisation", "Position"]
COMPLETED = {"Completed", "Passed"}
MOODLE_COMPLETE = ("Completed", "Completed (achieved pass grade)", "Completed (set by Jo Trainer)")


@dataclass
class Learners:
    """What the e-learning writers need to know about the force's people."""

    latest: pd.DataFrame  # the latest roster state of everyone (indexed by staff number)
    completions: pd.DataFrame  # staff_number, module_code, completed_at
    switch: dt.date  # the day the force moved from the old LMS to Moodle
    force_name: str
    domain: str


def _dates_text(stamps: pd.Series, with_time: np.ndarray) -> pd.Series:
    stamps = pd.to_datetime(stamps)
    return stamps.dt.strftime("%d/%m/%Y").where(~with_time, stamps.dt.strftime("%d/%m/%Y %H:%M"))


def _oic_rows(rng: np.random.Generator, ln: Learners) -> pd.DataFrame:
    """OIC module rows of the old LMS: completions, in progress, not started."""
    done = ln.completions[pd.to_datetime(ln.completions["completed_at"])
                          < pd.Timestamp(ln.switch)].copy()
    done["Status"] = np.where(rng.random(len(done)) < 0.3, "Passed", "Completed")
    existed = ln.latest.index[pd.to_datetime(ln.latest["start_date"]) < pd.Timestamp(ln.switch)]
    grid = pd.MultiIndex.from_product([existed, pools.MODULE_CODES],
                                      names=["staff_number", "module_code"])
    open_ = grid.difference(pd.MultiIndex.from_frame(done[["staff_number", "module_code"]]))
    draw = rng.random(len(open_))
    rest = open_.to_frame(index=False)
    rest["Status"] = np.where(draw < 0.12, "In Progress", "Not Started")
    rest = rest[draw < 0.3]
    rows = pd.concat([done, rest], ignore_index=True)
    rows["Course Title"] = rows["module_code"].map(pools.LMS_TITLES)
    return rows


def _other_rows(rng: np.random.Generator, ln: Learners) -> pd.DataFrame:
    """Unrelated courses (fire safety, information security ...) the importer must skip."""
    people = ln.latest.index.to_numpy()
    taken = rng.random((len(people), len(pools.OTHER_COURSES))) < 0.24
    who, course = np.nonzero(taken)
    lo = np.datetime64("2023-01-02T08:00")
    span = int((np.datetime64(ln.switch, "m") - lo).astype(np.int64))
    return pd.DataFrame({
        "staff_number": people[who],
        "Course Title": np.array(pools.OTHER_COURSES, dtype=object)[course],
        "completed_at": lo + rng.integers(0, span, len(who)).astype("timedelta64[m]"),
        "Status": "Completed",
        "module_code": None,
    })


def _lms_frame(rng: np.random.Generator, ln: Learners) -> pd.DataFrame:
    rows = pd.concat([_oic_rows(rng, ln), _other_rows(rng, ln)], ignore_index=True)
    who = ln.latest.loc[rows["staff_number"]]
    has_date = rows["Status"].isin(COMPLETED).to_numpy()
    dates = _dates_text(rows["completed_at"], rng.random(len(rows)) < 0.4)
    score = np.where(rows["Status"] == "Passed", rng.integers(70, 101, len(rows)), -1)
    return pd.DataFrame({
        "Employee ID": rows["staff_number"].to_numpy(),
        "Full Name": who["full_name"].to_numpy(),
        "Email": who["email"].to_numpy(),
        "Course Title": rows["Course Title"].to_numpy(),
        "Status": rows["Status"].to_numpy(),
        "Completion Date": np.where(has_date, dates.to_numpy(), ""),
        "Score": np.where(score >= 0, score.astype(str), ""),
        "Organisation": ln.force_name,
        "Position": who["role"].to_numpy(),
        "_tag": "",
        "_module": rows["module_code"].to_numpy(),
    })


def typo(email: str) -> str:
    """The e-mail with two letters of its local part swapped (a typical keying slip)."""
    local, _, domain = email.partition("@")
    i = next((k for k in range(1, len(local) - 1)
              if local[k].isalpha() and local[k + 1].isalpha() and local[k] != local[k + 1]), 0)
    return f"{local[:i]}{local[i + 1]}{local[i]}{local[i + 2:]}@{domain}"


def _outsider(rng: np.random.Generator, force_name: str, title_map: dict[str, str],
              stamps: list[np.datetime64]) -> pd.DataFrame:
    fore = pools.FORENAMES[int(rng.integers(0, len(pools.FORENAMES)))]
    sur = pools.SURNAMES[int(rng.integers(0, len(pools.SURNAMES)))]
    domain = force_name.lower().replace(" police", "").replace(" ", "") + ".police.uk"
    email = f"{fore.lower()}.{sur.lower()}@{domain}".replace("'", "").replace(" ", "")
    codes = pools.MODULE_CODES[: len(stamps)]
    return pd.DataFrame({
        "Employee ID": f"77{int(rng.integers(10000, 99999))}", "Full Name": f"{fore} {sur}",
        "Email": email, "Course Title": [title_map[c] for c in codes], "Status": "Completed",
        "Completion Date": [pd.Timestamp(s).strftime("%d/%m/%Y") for s in stamps], "Score": "",
        "Organisation": force_name, "Position": "Constable - Response", "_tag": "outsider",
        "_module": codes,
    })


def _pick_row(rng: np.random.Generator, df: pd.DataFrame, protected: set[str]) -> int:
    """A random untagged row, preferring OIC completions of unprotected learners."""
    free = (df["_tag"] == "") & (df["Employee ID"] != "")
    best = free & df["Status"].isin(COMPLETED) & df["_module"].notna()
    best &= ~df["Employee ID"].isin(protected)
    rows = np.flatnonzero(best.to_numpy()) if best.any() else np.flatnonzero(free.to_numpy())
    return int(df.index[rows[rng.integers(0, len(rows))]])


def _plant_lms(rng: np.random.Generator, df: pd.DataFrame, protected: set[str],
               neighbour: str) -> pd.DataFrame:
    df["_seq"] = np.arange(len(df), dtype=float)
    victim = df.loc[_pick_row(rng, df, protected), "Employee ID"]
    mine = df["Employee ID"] == victim
    df.loc[mine, "Email"] = df.loc[mine, "Email"].map(typo)
    df.loc[mine, "Employee ID"] = ""
    df.loc[mine, "_tag"] = "typo"
    extra = df.loc[[_pick_row(rng, df, protected)]].copy()
    extra[["Course Title", "_module", "_tag", "Score"]] = [pools.UNMAPPABLE_OIC_TITLE, None,
                                                           "unmappable", ""]
    extra[["Status", "Completion Date"]] = ["Completed", "14/03/2026"]
    dup = df.loc[[_pick_row(rng, df, protected)]].copy()
    df.loc[dup.index, "_tag"] = "duplicated"
    dup["_tag"], dup["_seq"] = "duplicate", dup["_seq"] + 0.5
    stamps = [np.datetime64("2025-03-11T10:00"), np.datetime64("2025-03-18T14:30")]
    out = _outsider(rng, neighbour, pools.LMS_TITLES, stamps)
    out["_seq"] = len(df) + np.arange(len(out))
    df = pd.concat([df, extra, dup, out], ignore_index=True)
    return df.sort_values(["Full Name", "Course Title", "_seq"], kind="mergesort",
                          ignore_index=True)


def _tagged_rows(df: pd.DataFrame, tag: str, first_row: int = 2) -> list[int]:
    return (np.flatnonzero((df["_tag"] == tag).to_numpy()) + first_row).tolist()


def _lms_mess(df: pd.DataFrame, file: str, leavers: set[str]) -> list[MessItem]:
    left = df["Employee ID"].isin(leavers) & df["Status"].isin(COMPLETED) & df["_module"].notna()
    first_leaver = df.loc[left, "Employee ID"].iloc[0] if left.any() else ""
    leaver_rows = (np.flatnonzero((left & (df["Employee ID"] == first_leaver)).to_numpy()) + 2)
    return [
        MessItem("typo-email", file, _tagged_rows(df, "typo"), "a roster learner whose e-mail "
                 "is mistyped and whose Employee ID is blank", column="Email",
                 value=str(df.loc[df["_tag"] == "typo", "Email"].iloc[0])),
        MessItem("duplicate-row", file, _tagged_rows(df, "duplicated") + _tagged_rows(
            df, "duplicate"), "the same completion twice (exact duplicate rows)"),
        MessItem("not-on-roster", file, _tagged_rows(df, "outsider"), "a learner from another "
                 "force, not on the roster", value=str(df.loc[df["_tag"] == "outsider",
                                                               "Organisation"].iloc[0])),
        MessItem("unmappable-course", file, _tagged_rows(df, "unmappable"), "a course title "
                 "that looks like OIC but maps to no module", column="Course Title",
                 value=pools.UNMAPPABLE_OIC_TITLE),
        MessItem("leaver-with-completions", file, leaver_rows.tolist(), f"{int(left.sum())} "
                 "completed OIC rows belong to leavers; the rows given are one leaver's",
                 value=str(first_leaver)),
    ]


def _lms_counts(df: pd.DataFrame) -> dict[str, object]:
    oic = df[df["_module"].notna()]
    done = oic[oic["Status"].isin(COMPLETED)]
    return {
        "status": df["Status"].value_counts().sort_index().to_dict(),
        "completed_rows": done["_module"].value_counts().sort_index().to_dict(),
        "other_course_rows": int(df["Course Title"].isin(pools.OTHER_COURSES).sum()),
        "unmappable_rows": int((df["_tag"] == "unmappable").sum()),
        "titles": {**{c: t for c, t in pools.LMS_TITLES.items()}},
    }


def write_csv(path: Path, header: list[str], rows: pd.DataFrame, encoding: str,
              bom: bytes = b"", **fmt: object) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, **fmt)  # type: ignore[arg-type]
    writer.writerow(header)
    columns = [rows[c].to_numpy(dtype=object).tolist() for c in rows.columns]
    writer.writerows(zip(*columns, strict=True))
    path.write_bytes(bom + buffer.getvalue().encode(encoding))


def write_lms(rng: np.random.Generator, ln: Learners, out_dir: Path, prefix: str, force: str,
              protected: set[str], leavers: set[str], neighbour: str,
              ) -> tuple[FileEntry, list[MessItem], pd.DataFrame]:
    """The long LMS export (cp1252, CRLF); returns its rows too (with tags)."""
    name = f"{prefix}lms_export.csv"
    df = _plant_lms(rng, _lms_frame(rng, ln), protected, neighbour)
    write_csv(out_dir / name, LMS_HEADER, df[LMS_HEADER], "cp1252", lineterminator="\r\n")
    entry = FileEntry(name, "lms-long", force, "cp1252", 1, len(df), ln.switch,
                      counts=_lms_counts(df))
    return entry, _lms_mess(df, name, leavers), df


def _moodle_frame(rng: np.random.Generator, ln: Learners, enrolled: pd.Index,
                  neighbour: tuple[str, str]) -> pd.DataFrame:
    """One row per enrolled learner: identity, then a completion time per module (or NaT)."""
    moodle = ln.completions[pd.to_datetime(ln.completions["completed_at"])
                            >= pd.Timestamp(ln.switch)]
    wide = moodle.pivot(index="staff_number", columns="module_code", values="completed_at")
    who = enrolled.union(wide.index)
    frame = ln.latest.loc[who, ["full_name", "email"]].reset_index()
    frame = frame.join(wide.reindex(columns=pools.MODULE_CODES), on="staff_number")
    frame["id_number"] = frame["staff_number"].where(rng.random(len(frame)) >= 0.02, "")
    frame["_tag"] = np.where(frame["id_number"] == "", "blank-id", "")
    fore = pools.FORENAMES[int(rng.integers(0, len(pools.FORENAMES)))]
    sur = pools.SURNAMES[int(rng.integers(0, len(pools.SURNAMES)))]
    visitor = {"staff_number": "", "full_name": f"{fore} {sur}", "id_number": "",
               "email": f"{fore}.{sur}@{neighbour[1]}".lower().replace("'", "").replace(" ", ""),
               "_tag": "outsider", "oic-el-1": pd.Timestamp(ln.switch) + pd.Timedelta("50h"),
               "oic-el-2": pd.Timestamp(ln.switch) + pd.Timedelta("51h")}
    frame = pd.concat([frame, pd.DataFrame([visitor])], ignore_index=True)
    frame["moodle_id"] = 2 + rng.permutation(len(frame))
    return frame.sort_values(["full_name", "moodle_id"], ignore_index=True)


def _moodle_counts(frame: pd.DataFrame) -> dict[str, object]:
    done = frame[pools.MODULE_CODES].notna()
    return {
        "completed_rows": {c: int(done[c].sum()) for c in pools.MODULE_CODES},
        "course_complete": int(done.all(axis=1).sum()),
        "blank_id_number": int((frame["_tag"] == "blank-id").sum()),
        "titles": dict(pools.MOODLE_TITLES),
    }


def _moodle_mess(frame: pd.DataFrame, file: str, column: str) -> list[MessItem]:
    return [
        MessItem("blank-identifier", file, _tagged_rows(frame, "blank-id"),
                 "learners with an empty ID number (match them by e-mail)", column=column),
        MessItem("not-on-roster", file, _tagged_rows(frame, "outsider"),
                 "a visiting officer from another force, not on the roster",
                 value=str(frame.loc[frame["_tag"] == "outsider", "email"].iloc[0])),
    ]


def write_moodle_course(frame: pd.DataFrame, out_dir: Path, prefix: str, force: str,
                        as_of: dt.date) -> tuple[FileEntry, list[MessItem]]:
    """Moodle course completion report, Excel-compatible download (UTF-16LE, BOM, tabs)."""
    name = f"{prefix}completion-oic-el.csv"
    out = pd.DataFrame({"ID": frame["moodle_id"].astype(str), "Name": frame["full_name"],
                        "Email address": frame["email"], "ID number": frame["id_number"]})
    header = list(out.columns)
    for code in pools.MODULE_CODES:
        title, stamps = pools.MOODLE_TITLES[code], pd.to_datetime(frame[code])
        done = "Completed (achieved pass grade)" if code == "oic-el-4" else "Completed"
        out[title] = np.where(stamps.notna(), done, "Not completed")
        out[f"{title} - Completion date"] = stamps.dt.strftime("%d/%m/%y, %H:%M").fillna("")
        header += [title, f"{title} - Completion date"]
    last = pd.to_datetime(frame[pools.MODULE_CODES].max(axis=1))
    complete = frame[pools.MODULE_CODES].notna().all(axis=1)
    out["Course complete"] = last.dt.strftime("%d/%m/%y, %H:%M").where(complete, "")
    write_csv(out_dir / name, [*header, "Course complete"], out, "utf-16-le", b"\xff\xfe",
              delimiter="\t", lineterminator="\n")
    entry = FileEntry(name, "moodle-course-completion", force, "utf-16-le (BOM), tab", 1,
                      len(out), as_of, counts=_moodle_counts(frame))
    return entry, _moodle_mess(frame, name, "ID number")


def write_moodle_progress(rng: np.random.Generator, frame: pd.DataFrame, out_dir: Path,
                          prefix: str, force: str, as_of: dt.date,
                          ) -> tuple[FileEntry, list[MessItem]]:
    """Moodle activity completion report (progress.<shortname>.csv, all values quoted)."""
    name = f"{prefix}progress.OIC-EL.csv"
    out = pd.DataFrame({"name": frame["full_name"], "Email address": frame["email"],
                        "ID number": frame["id_number"]})
    header = ["", "Email address", "ID number"]
    overrides = 0
    for code in pools.MODULE_CODES:
        stamps = pd.to_datetime(frame[code])
        status = np.where(rng.random(len(frame)) < 0.02, MOODLE_COMPLETE[2],
                          MOODLE_COMPLETE[1] if code == "oic-el-4" else MOODLE_COMPLETE[0])
        out[code] = np.where(stamps.notna(), status, "Not completed")
        overrides += int((out[code] == MOODLE_COMPLETE[2]).sum())
        out[f"{code} date"] = stamps.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
        header += [pools.MOODLE_TITLES[code], ""]
    write_csv(out_dir / name, header, out, "utf-8", quoting=csv.QUOTE_ALL, lineterminator="\n")
    counts = {**_moodle_counts(frame), "set_by_teacher": overrides}
    entry = FileEntry(name, "moodle-activity-completion", force, "utf-8", 1, len(out), as_of,
                      counts=counts)
    return entry, _moodle_mess(frame, name, "ID number")
