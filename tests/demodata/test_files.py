"""The files the generator writes: layouts, encodings, and counts that match the manifest."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd

from demodata import Manifest
from demodata.elearning_files import LMS_HEADER
from demodata.hydra_file import HEADER as HYDRA_HEADER
from demodata.pools import MODULE_CODES, MOODLE_TITLES, OTHER_COURSES, UNMAPPABLE_OIC_TITLE
from demodata.roster_file import HEADER as ROSTER_HEADER
from tracker.reference import vocab

Demo = tuple[Path, Manifest]


def _sheet_rows(path: Path, sheet: str | None = None) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True))
    book.close()
    return rows


def _data(rows: list[tuple], header_row: int) -> list[tuple]:
    """The data rows under the header, up to the first blank row."""
    out = []
    for row in rows[header_row:]:
        if all(v is None for v in row):
            break
        out.append(row)
    return out


def _workforce_of(raw: str) -> str:
    match = vocab.ranks().lookup(raw)
    assert match is not None, raw
    return match.rank.workforce_type


def test_roster_layout_and_counts(demo: Demo) -> None:
    out, manifest = demo
    for entry in manifest.file("hr-roster"):
        rows = _sheet_rows(out / entry.path)
        assert rows[0][0] == "Avon and Somerset Constabulary - HR establishment report"
        assert rows[1][0] == f"Run date: {entry.as_of:%d/%m/%Y}"
        assert list(rows[entry.header_row - 1]) == ROSTER_HEADER
        data = _data(rows, entry.header_row)
        assert len(data) == entry.rows
        assert rows[entry.header_row + len(data) + 1][:2] == ("Total", entry.rows)
        frame = pd.DataFrame(data, columns=ROSTER_HEADER)
        implied = frame["Rank/Grade"].map(_workforce_of)
        assert implied.value_counts().to_dict() == entry.counts["workforce_type"]
        assert int(frame["Workforce Type"].isna().sum()) == entry.counts["blank_workforce_type"]
        assert all(len(s) == 6 and s.isdigit() for s in frame["Staff Number"])


def test_roster_dates_are_mixed_as_planted(demo: Demo) -> None:
    out, manifest = demo
    entry = manifest.file("hr-roster")[-1]
    rows = _sheet_rows(out / entry.path)
    start = ROSTER_HEADER.index("Start Date")
    last = entry.header_row + entry.rows
    text_rows = [i + 1 for i, r in enumerate(rows) if entry.header_row <= i < last
                 and isinstance(r[start], str)]
    serial_rows = [i + 1 for i, r in enumerate(rows) if entry.header_row <= i < last
                   and isinstance(r[start], int)]
    planted = {m.item: m.rows for m in manifest.mess if m.file == entry.path}
    assert text_rows == planted["text-date"] and text_rows
    assert serial_rows == planted["excel-serial-date"] and len(serial_rows) == 3
    day = rows[text_rows[0] - 1][start]
    assert dt.datetime.strptime(day, "%d/%m/%Y")


def test_lms_export_is_cp1252_with_accents(demo: Demo) -> None:
    out, manifest = demo
    raw = (out / manifest.file("lms-long")[0].path).read_bytes()
    text = raw.decode("cp1252")
    assert "Zoë O'Brien" in text and "Siân Ní Bhriain" in text
    assert "\r\n" in text
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        raise AssertionError("the LMS export should not be valid UTF-8")


def _lms(out: Path, manifest: Manifest) -> pd.DataFrame:
    entry = manifest.file("lms-long")[0]
    return pd.read_csv(out / entry.path, encoding="cp1252", dtype=str, keep_default_na=False)


def test_lms_counts_match_manifest(demo: Demo) -> None:
    out, manifest = demo
    entry = manifest.file("lms-long")[0]
    frame = _lms(out, manifest)
    assert list(frame.columns) == LMS_HEADER
    assert len(frame) == entry.rows
    modules = frame["Course Title"].map(vocab.modules().lookup)
    done = frame[modules.notna() & frame["Status"].isin(["Completed", "Passed"])]
    assert done["Course Title"].map(vocab.modules().lookup).value_counts().to_dict() == \
        entry.counts["completed_rows"]
    assert frame["Status"].value_counts().to_dict() == entry.counts["status"]
    assert int(frame["Course Title"].isin(OTHER_COURSES).sum()) == \
        entry.counts["other_course_rows"]
    assert set(frame.loc[modules.isna(), "Course Title"]) == {*OTHER_COURSES,
                                                              UNMAPPABLE_OIC_TITLE}


def test_lms_planted_mess(demo: Demo) -> None:
    out, manifest = demo
    frame = _lms(out, manifest)
    roster, early = (pd.read_excel(out / f.path, header=3, dtype=str, engine="calamine")
                     for f in reversed(manifest.file("hr-roster")))
    planted = {m.item: m for m in manifest.mess if m.file == "lms_export.csv"}
    at = lambda rows: frame.iloc[[r - 2 for r in rows]]  # noqa: E731
    first, second = at(planted["duplicate-row"].rows).itertuples(index=False)
    assert first == second
    typo = at(planted["typo-email"].rows)
    assert set(typo["Employee ID"]) == {""}
    assert not typo["Email"].isin(roster["Email"]).any()
    outsider = at(planted["not-on-roster"].rows)
    assert not outsider["Employee ID"].isin(roster["Staff Number"]).any()
    assert set(outsider["Organisation"]) == {"Wiltshire Police"}
    assert list(at(planted["unmappable-course"].rows)["Course Title"]) == [UNMAPPABLE_OIC_TITLE]
    leaver = at(planted["leaver-with-completions"].rows)
    who = set(leaver["Employee ID"])
    assert who <= set(early["Staff Number"])
    later = roster[roster["Staff Number"].isin(who)]
    assert later.empty or set(later["Status"]) == {"Leaver"}


def _moodle(out: Path, manifest: Manifest) -> tuple[bytes, pd.DataFrame]:
    raw = (out / manifest.file("moodle-course-completion")[0].path).read_bytes()
    frame = pd.read_csv(io.BytesIO(raw), sep="\t", encoding="utf-16", dtype=str,
                        keep_default_na=False)
    return raw, frame


def test_moodle_course_report_is_utf16le_tab_separated(demo: Demo) -> None:
    out, manifest = demo
    raw, frame = _moodle(out, manifest)
    assert raw[:2] == b"\xff\xfe"
    header = raw[2:].decode("utf-16-le").split("\n")[0].split("\t")
    assert header[:4] == ["ID", "Name", "Email address", "ID number"]
    first = MOODLE_TITLES["oic-el-1"]
    assert header[4:6] == [first, f"{first} - Completion date"]
    assert header[-1] == "Course complete" and len(header) == 4 + 2 * 4 + 1
    entry = manifest.file("moodle-course-completion")[0]
    assert len(frame) == entry.rows
    for code in MODULE_CODES:
        title = MOODLE_TITLES[code]
        assert vocab.modules().lookup(title) == code
        done = frame[title].str.startswith("Completed")
        assert int(done.sum()) == entry.counts["completed_rows"][code]
        assert (frame.loc[done, f"{title} - Completion date"] != "").all()
        dt.datetime.strptime(frame.loc[done, f"{title} - Completion date"].iloc[0],
                             "%d/%m/%y, %H:%M")
    assert int((frame["Course complete"] != "").sum()) == entry.counts["course_complete"]
    assert set(frame[MOODLE_TITLES["oic-el-4"]]) == {"Completed (achieved pass grade)",
                                                     "Not completed"}


def test_moodle_progress_report_layout(demo: Demo) -> None:
    out, manifest = demo
    entry = manifest.file("moodle-activity-completion")[0]
    text = (out / entry.path).read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[0].startswith('"","Email address","ID number","Organised Immigration Crime')
    assert all(line.startswith('"') and line.endswith('"') for line in lines if line)
    rows = list(csv.reader(io.StringIO(text)))
    header, data = rows[0], rows[1:]
    assert header[4] == "" and header[3] == MOODLE_TITLES["oic-el-1"]
    assert len(data) == entry.rows
    for i, code in enumerate(MODULE_CODES):
        statuses = [r[3 + 2 * i] for r in data]
        dates = [r[4 + 2 * i] for r in data if r[3 + 2 * i].startswith("Completed")]
        assert len(dates) == entry.counts["completed_rows"][code]
        assert all(dt.datetime.strptime(d, "%Y-%m-%d %H:%M:%S") for d in dates)
        assert set(statuses) <= {"Completed", "Not completed", "Completed (achieved pass grade)",
                                 "Completed (set by Jo Trainer)"}


def test_hydra_workbook(demo: Demo) -> None:
    out, manifest = demo
    entry = manifest.file("hydra-delegates")[0]
    book = openpyxl.load_workbook(out / entry.path, read_only=True)
    assert book.sheetnames == entry.sheets
    total = 0
    for name in entry.sheets:
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0][0] == "OIC Hydra - Delegate list" and rows[1][0].startswith("Trainer: ")
        assert list(rows[entry.header_row - 1]) == HYDRA_HEADER
        data = pd.DataFrame(_data(rows, entry.header_row), columns=HYDRA_HEADER)
        counts = entry.counts["sheets"][name]
        assert len(data) == counts["rows"]
        assert int(data["Attended"].isin(["Y", "Attended"]).sum()) == counts["attended"]
        forces = data["Home Force"].map(vocab.forces().lookup)
        assert forces.notna().all()
        assert int((forces != "avon-and-somerset").sum()) == counts["other_force"]
        sizes = data[data["Syndicate"].notna()].groupby("Syndicate").size()
        assert sizes.between(4, 7).all() or len(data) < 4
        total += len(data)
    book.close()
    assert total == entry.rows


def test_manifest_json_round_trips(demo: Demo) -> None:
    out, manifest = demo
    text = (out / "manifest.json").read_text(encoding="utf-8")
    assert text == manifest.to_json() + "\n"
    assert '"kind": "lms-long"' in text and '"roster_dates": [' in text
