"""Uploads are parsed in a child process: whatever the reader does, the caller lives and
gets a ParsedFile or a FileRefused. The stand-in readers below run in the child."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from imports import FileRefused, parse_file
from imports.isolated import parse_isolated
from tracker.config import ParseLimits
from tracker.ingest.records import ParsedFile
from tracker.messages.problems import Code

TODAY = dt.date(2026, 11, 30)
LIMITS = ParseLimits(memory_mb=1024, seconds=60)
AGAIN = "Check the file (is it the export the source system wrote?); export it again"


def aborting_reader(path: Path, **_: Any) -> ParsedFile:
    os.abort()  # what calamine does when an allocation fails


def killed_reader(path: Path, **_: Any) -> ParsedFile:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("not reached")


def greedy_reader(path: Path, **_: Any) -> ParsedFile:
    hoard = [bytearray(64 * 1024**2) for _ in range(1000)]  # 64 GB, 64 MB at a time
    raise AssertionError(f"not reached: {len(hoard)}")


def slow_reader(path: Path, **_: Any) -> ParsedFile:
    time.sleep(60)
    raise AssertionError("not reached")


def buggy_reader(path: Path, **_: Any) -> ParsedFile:
    raise KeyError("a bug")


def settings_reader(path: Path, **_: Any) -> ParsedFile:
    raise FileRefused(os.environ.get("TRACKER_MAX_UPLOAD_MB", "unset"))


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "lms.csv"
    path.write_text("Staff Number,Course Title,Completion Date\n00123,OIC Module 1,13/01/2026\n"
                    "00124,OIC Module 2,14/01/2026\n", encoding="utf-8")
    return path


def test_a_file_comes_back_as_parse_file_reads_it(csv_file: Path) -> None:
    isolated = parse_isolated(csv_file, limits=LIMITS, today=TODAY, file_name="upload.csv")
    direct = parse_file(csv_file, today=TODAY, file_name="upload.csv")
    assert isolated.records.equals(direct.records)
    assert list(isolated.records.dtypes) == list(direct.records.dtypes)
    assert isolated.report == direct.report
    assert (isolated.file_name, isolated.sha256, isolated.kind, isolated.decisions) == (
        direct.file_name, direct.sha256, direct.kind, direct.decisions)


def test_a_refusal_comes_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Colour,Shape\nred,round\n", encoding="utf-8")
    with pytest.raises(FileRefused) as direct:
        parse_file(path, today=TODAY)
    with pytest.raises(FileRefused) as isolated:
        parse_isolated(path, limits=LIMITS, today=TODAY)
    assert str(isolated.value) == str(direct.value)
    assert (isolated.value.code, isolated.value.headers, isolated.value.problems) == (
        Code.UNKNOWN_KIND, ["Colour", "Shape"], direct.value.problems)


def test_a_reader_that_aborts_is_a_refusal(csv_file: Path) -> None:
    with pytest.raises(FileRefused) as info:
        parse_isolated(csv_file, limits=LIMITS, reader=aborting_reader, file_name="x.xlsx")
    assert str(info.value) == (
        "x.xlsx: this file could not be read safely: the reader stopped (signal 6, SIGABRT; "
        "with 1,024 MB of memory at most, running out of it ends a reader this way too). "
        f"{AGAIN}, or save it as .csv and import that.")
    assert info.value.code is Code.UNREADABLE_FILE


def test_a_reader_killed_by_a_signal_is_a_refusal(csv_file: Path) -> None:
    with pytest.raises(FileRefused, match=r"the reader stopped \(signal 9, SIGKILL;"):
        parse_isolated(csv_file, limits=LIMITS, reader=killed_reader)


def test_a_reader_that_runs_out_of_memory_is_a_refusal(csv_file: Path) -> None:
    with pytest.raises(FileRefused) as info:
        parse_isolated(csv_file, limits=LIMITS, reader=greedy_reader)
    assert str(info.value) == (
        "lms.csv: this file could not be read safely: the reader ran out of memory (it may "
        f"use 1,024 MB; TRACKER_PARSE_MEMORY_MB sets that). {AGAIN}, or split it.")
    assert info.value.code is Code.UNSAFE_FILE


def test_a_reader_that_takes_too_long_is_stopped(csv_file: Path) -> None:
    started = time.monotonic()
    with pytest.raises(FileRefused) as info:
        parse_isolated(csv_file, limits=ParseLimits(seconds=1), reader=slow_reader)
    assert time.monotonic() - started < 10
    assert str(info.value) == (
        "lms.csv: this file could not be read safely: the reader took more than 1 seconds "
        f"and was stopped (TRACKER_PARSE_SECONDS sets that). {AGAIN}, or split it.")


def test_a_bug_in_the_reader_is_raised_again_in_the_caller(csv_file: Path) -> None:
    with pytest.raises(KeyError, match="a bug") as info:
        parse_isolated(csv_file, limits=LIMITS, reader=buggy_reader)
    assert "In the child process that parsed lms.csv" in info.value.__notes__[0]


def test_the_child_reads_the_callers_settings(csv_file: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_MAX_UPLOAD_MB", "7")
    with pytest.raises(FileRefused, match=r"^7$"):
        parse_isolated(csv_file, limits=LIMITS, reader=settings_reader)


def test_the_probes_workbook_is_refused_in_a_child_without_the_guard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second wall alone: with the guard switched off in the child (a stand-in reader
    that skips it), calamine aborts on the probe's workbook and the caller gets a refusal."""
    from tests.imports.test_guards import DATA_ROW, FAR, HEADER_ROW, workbook

    path = workbook(tmp_path / "moved.xlsx", HEADER_ROW + DATA_ROW + FAR, "A1:XFD1048576",
                    target="sheet1.xml", part="xl/sheet1.xml")
    with pytest.raises(FileRefused, match=r"the reader stopped \(signal 6, SIGABRT;"):
        parse_isolated(path, limits=LIMITS, reader=unguarded_reader, today=TODAY)


def unguarded_reader(path: Path, **options: Any) -> ParsedFile:
    from imports import guards

    guards.check_workbook = lambda *_args, **_kw: None  # type: ignore[assignment]
    import imports

    imports.check_workbook = guards.check_workbook  # type: ignore[attr-defined]
    return parse_file(path, **options)
