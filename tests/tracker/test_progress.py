"""Progress of an import: the stages' words, the terminal's line, and the stages an import
really reports, in order, with their totals."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine

from imports.isolated import parse_isolated
from tests.tracker.ingest_factories import person, roster
from tracker.cli.terminal import TerminalProgress
from tracker.config import ParseLimits
from tracker.ingest import batch as ingest
from tracker.ingest.batch import commit_import, plan_import
from tracker.messages.progress import Stage, no_progress

FORCE = "avon-and-somerset"
DATA = Path(__file__).resolve().parents[1] / "data"
Told = list[tuple[str, int | None, int | None]]


class Recorder:
    """A Progress that keeps what it is told, as (stage name, done, total)."""

    def __init__(self) -> None:
        self.told: Told = []

    def __call__(self, stage: Stage, done: int | None = None,
                 total: int | None = None) -> None:
        self.told.append((stage.name, done, total))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- the stages' words

def test_stage_texts_say_what_happens_with_counts() -> None:
    assert Stage.READING.text() == "Reading the file…"
    assert Stage.RECOGNISING.text(total=8) == "Recognising 8 columns…"
    assert Stage.CHECKING.text(total=200_000) == "Checking 200,000 rows…"
    assert Stage.MATCHING.text(total=120_000) == "Matching 120,000 learners to the roster…"
    assert Stage.COMPARING.text(total=6_500) == "Comparing 6,500 people with the roster…"
    assert Stage.WRITING.text(total=118_400) == "Writing 118,400 completions…"
    assert Stage.WRITING.text(50_000, 118_400) == "Writing 118,400 completions… 42%"
    assert Stage.WRITING_ROSTER.text(total=6_500) == "Writing 6,500 roster rows…"
    assert Stage.MATCHING.text() == "Matching learners to the roster…"


def test_stages_share_an_import_in_order() -> None:
    assert [Stage.READING.fraction(), Stage.CHECKING.fraction(), Stage.COMPARING.fraction(),
            Stage.MATCHING.fraction(), Stage.WRITING.fraction(),
            Stage.WRITING.fraction(59_200, 118_400), Stage.WRITING_ROSTER.fraction(3, 3)] == [
        0.0, 0.4, 0.6, 0.6, 0.8, 0.9, 1.0]
    assert no_progress(Stage.READING) is None


# ---------------------------------------------------------------- the terminal's line

def test_the_line_is_redrawn_in_place_and_padded_over_a_longer_one() -> None:
    stream, clock = FakeTerminal(), Clock()
    line = TerminalProgress("lms.csv", stream, clock=clock)
    line(Stage.CHECKING, total=200_000)
    line(Stage.MATCHING, total=5)
    assert stream.getvalue() == ("\rlms.csv: Checking 200,000 rows…"
                                 "\rlms.csv: Matching 5 learners to the roster…")
    line(Stage.READING)
    assert stream.getvalue().endswith("\rlms.csv: Reading the file…" + " " * 17)


def test_the_line_is_redrawn_at_most_ten_times_a_second_within_a_stage() -> None:
    stream, clock = FakeTerminal(), Clock()
    line = TerminalProgress("", stream, clock=clock)
    line(Stage.WRITING, total=1000)
    for done in range(1, 50):  # all in the same instant: none drawn
        line(Stage.WRITING, done, 1000)
    clock.now += 0.05
    line(Stage.WRITING, 500, 1000)  # too soon
    clock.now += 0.06
    line(Stage.WRITING, 600, 1000)  # 0.11 s after the last drawn
    assert stream.getvalue() == ("\rWriting 1,000 completions…"
                                 "\rWriting 1,000 completions… 60%")


def test_a_new_stage_is_drawn_at_once() -> None:
    stream, clock = FakeTerminal(), Clock()
    line = TerminalProgress("", stream, clock=clock)
    line(Stage.READING)
    line(Stage.RECOGNISING, total=8)
    line(Stage.CHECKING, total=13)
    assert stream.getvalue().split("\r")[1:] == [
        "Reading the file…", "Recognising 8 columns…", "Checking 13 rows…" + " " * 5]


def test_the_line_is_cleared_at_the_end() -> None:
    stream = FakeTerminal()
    with TerminalProgress("x.csv", stream, clock=Clock()) as line:
        line(Stage.CHECKING, total=13)
    drawn = "\rx.csv: Checking 13 rows…"
    assert stream.getvalue() == drawn + "\r" + " " * (len(drawn) - 1) + "\r"


def test_nothing_is_cleared_when_nothing_was_drawn() -> None:
    stream = FakeTerminal()
    with TerminalProgress("x.csv", stream):
        pass
    assert stream.getvalue() == ""


@pytest.mark.parametrize("stream, quiet", [(io.StringIO(), False), (FakeTerminal(), True)],
                         ids=["not a terminal", "quiet"])
def test_nothing_is_written_off_a_terminal_or_when_quiet(stream: io.StringIO,
                                                         quiet: bool) -> None:
    with TerminalProgress("x.csv", stream, quiet=quiet) as line:
        line(Stage.READING)
        line(Stage.WRITING, 5, 10)
    assert stream.getvalue() == ""


def test_the_line_is_cut_to_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "20")
    stream = FakeTerminal()
    TerminalProgress("a-long-file-name.csv", stream)(Stage.READING)
    assert stream.getvalue() == "\ra-long-file-name.cs"


# ---------------------------------------------------------------- what an import reports

def test_a_completions_import_reports_its_stages_in_order(engine: Engine) -> None:
    """lms-long-cp1252.csv: 8 headed columns; 15 rows under the header, of which a blank
    and a "Total" row are dropped: 13 checked. Three completions are accepted (rows 2-4:
    00123 modules 1 and 2, 00124 module 3), by 2 distinct learners; the other rows are
    another course, not completed, or rejected. So 3 completions are written."""
    people = [person("00123", "Zoë Brontë"), person("00124", "Seán O'Connor")]
    commit_import(engine, plan_import(engine, roster(people), force_code=FORCE,
                                      as_of=dt.date(2026, 1, 31), actor="lead"))
    told = Recorder()
    parsed = parse_isolated(DATA / "lms-long-cp1252.csv", limits=ParseLimits(),
                            today=dt.date(2026, 3, 10), progress=told)
    plan = plan_import(engine, parsed, force_code=FORCE, as_of=None, actor="lead",
                       progress=told)
    assert plan.refused is None
    commit_import(engine, plan, progress=told)
    assert told.told == [("READING", None, None), ("RECOGNISING", None, 8),
                         ("CHECKING", None, 13), ("MATCHING", None, 2),
                         ("WRITING", None, 3), ("WRITING", 3, 3)]


def test_the_writing_is_reported_per_chunk(engine: Engine,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 2: two new completions, then one already stored (its evidence row)."""
    from tests.tracker.ingest_factories import done, lms

    commit_import(engine, plan_import(engine, roster([person("1001", "Ann Lee")]),
                                      force_code=FORCE, as_of=dt.date(2026, 1, 31),
                                      actor="lead"))
    first = [done("oic-el-1", staff_number="1001")]
    commit_import(engine, plan_import(engine, lms(first), force_code=FORCE, as_of=None,
                                      actor="lead"))
    monkeypatch.setattr(ingest, "WRITE_CHUNK", 2)
    told = Recorder()
    rows = [*first, done("oic-el-2", staff_number="1001"), done("oic-el-3", staff_number="1001")]
    plan = plan_import(engine, lms(rows, name="again.csv"), force_code=FORCE, as_of=None,
                       actor="lead")
    commit_import(engine, plan, progress=told)
    assert told.told == [("WRITING", None, 3), ("WRITING", 2, 3), ("WRITING", 3, 3)]


def test_a_roster_import_reports_its_stages_in_order(engine: Engine) -> None:
    """hr_roster_2026-11-01.csv: 4 columns, 2 people, both new."""
    told = Recorder()
    parsed = parse_isolated(DATA / "hr_roster_2026-11-01.csv", limits=ParseLimits(),
                            progress=told)
    plan = plan_import(engine, parsed, force_code=FORCE, as_of=None, actor="lead",
                       progress=told, accept=True)
    commit_import(engine, plan, progress=told)
    assert told.told == [("READING", None, None), ("RECOGNISING", None, 4),
                         ("CHECKING", None, 2), ("COMPARING", None, 2),
                         ("WRITING_ROSTER", None, 2)]
