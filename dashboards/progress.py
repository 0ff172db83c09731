"""The dashboard's renderer of ``tracker.messages.progress``: a ``st.progress`` bar whose text says
what is happening to which file ("lms.csv (2 of 3): Matching 120,000 learners to the
roster…").

The Upload page reads and checks files when they are dropped, and writes them when the
lead confirms: one bar for each. ``PLANNING`` and ``WRITING`` say which part of an import
a bar stands for, so each fills from empty to full across its files."""

from __future__ import annotations

from typing import Protocol

from tracker.messages.progress import Stage

PLANNING = (0.0, Stage.WRITING.fraction())  # reading to matching
WRITING = (Stage.WRITING.fraction(), 1.0)


class Bar(Protocol):
    """What ``st.progress`` returns."""

    def progress(self, value: float, text: str | None = None) -> object: ...


class BarProgress:
    """A ``tracker.messages.progress.Progress`` for file ``index`` (from 0) of ``count``, drawn on
    ``bar`` within ``part`` (PLANNING or WRITING) of an import."""

    def __init__(self, bar: Bar, name: str, index: int = 0, count: int = 1,
                 part: tuple[float, float] = PLANNING) -> None:
        self.bar, self.index, self.count, self.part = bar, index, count, part
        self.name = f"{name} ({index + 1} of {count})" if count > 1 else name

    def __call__(self, stage: Stage, done: int | None = None,
                 total: int | None = None) -> None:
        low, high = self.part
        within = (stage.fraction(done, total) - low) / (high - low)
        value = (self.index + min(max(within, 0.0), 1.0)) / self.count
        self.bar.progress(min(round(value, 4), 1.0),  # st.progress refuses 1.0000000001
                          text=f"{self.name}: {stage.text(done, total)}")
