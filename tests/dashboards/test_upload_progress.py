"""The Upload page's bars say what happens to each file: reading, recognising columns,
checking rows and matching people when it is dropped, writing on Confirm, with counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.delta_generator import DeltaGenerator

from dashboards.progress import WRITING, BarProgress
from tests.dashboards.conftest import app_for
from tracker.messages.progress import Stage

DATA = Path(__file__).parent / "data"
FILE = DATA / "lms-long-hal-hill.csv"  # 6 rows, 6 columns; 2 learners; Hal's 4 matched


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, str | None]]:
    """Every update of a progress bar the page makes: (value, text)."""
    seen: list[tuple[float, str | None]] = []
    original = DeltaGenerator.progress

    def progress(self: DeltaGenerator, value: float, text: str | None = None,
                 **kw: object) -> DeltaGenerator:
        seen.append((value, text))
        return original(self, value, text=text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(DeltaGenerator, "progress", progress)
    return seen


def test_the_upload_bar_tells_each_stage_with_counts(db: Engine, bars) -> None:
    at = app_for(db, "demo-lead", page="upload")
    at.file_uploader[0].upload(FILE.name, FILE.read_bytes(), "text/csv")
    at.run()
    assert not at.exception
    name = FILE.name
    assert bars == [(0.0, f"{name}: Reading the file…"),
                    (0.25, f"{name}: Recognising 6 columns…"),
                    (0.5, f"{name}: Checking 6 rows…"),
                    (0.75, f"{name}: Matching 2 learners to the roster…")]
    bars.clear()
    at.button(key="upload_confirm").click().run()
    assert not at.exception
    assert bars == [(0.0, f"{name}: Writing 4 completions…"),
                    (1.0, f"{name}: Writing 4 completions… 100%")]


def test_a_bar_shares_itself_between_files() -> None:
    seen: list[tuple[float, str | None]] = []

    class Bar:
        def progress(self, value: float, text: str | None = None) -> None:
            seen.append((value, text))

    second = BarProgress(Bar(), "b.csv", 1, 2)
    second(Stage.READING)
    second(Stage.MATCHING, total=3)
    writing = BarProgress(Bar(), "b.csv", 1, 2, WRITING)
    writing(Stage.WRITING, 50, 100)
    assert seen == [(0.5, "b.csv (2 of 2): Reading the file…"),
                    (0.875, "b.csv (2 of 2): Matching 3 learners to the roster…"),
                    (0.75, "b.csv (2 of 2): Writing 100 completions… 50%")]
