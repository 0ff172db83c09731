"""Progress of long work (an import): which stage it is in, with counts, told to whoever
shows it.

The work calls a ``Progress`` at each stage's start and, in a long stage, after each chunk;
never per row::

    progress(Stage.MATCHING, total=120_000)      # "Matching 120,000 learners to the roster…"
    progress(Stage.WRITING, done=50_000, total=118_400)

Each face brings its renderer (the CLI a line on the terminal, the dashboard a progress
bar); the default, ``no_progress``, does nothing, so callers that show nothing (the demo
builder, the bench, tests) pass nothing. A stage's text names no face.
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol


class Stage(Enum):
    """The stages of an import, in order. The value is (label, text with a total, text
    without one); two stages that do the same for different kinds of file share a label."""

    READING = ("Reading", "Reading the file…", "Reading the file…")
    RECOGNISING = ("Recognising columns", "Recognising {total} columns…",
                   "Recognising the columns…")
    CHECKING = ("Checking rows", "Checking {total} rows…", "Checking the rows…")
    MATCHING = ("Matching people", "Matching {total} learners to the roster…",
                "Matching learners to the roster…")
    COMPARING = ("Matching people", "Comparing {total} people with the roster…",
                 "Comparing people with the roster…")
    WRITING = ("Writing", "Writing {total} completions…", "Writing completions…")
    WRITING_ROSTER = ("Writing", "Writing {total} roster rows…", "Writing the roster…")

    @property
    def label(self) -> str:
        """The stage in a word or two ("Matching people")."""
        return self.value[0]

    @property
    def step(self) -> int:
        """Where the stage comes in an import (0 reading ... 4 writing)."""
        return list(dict.fromkeys(s.label for s in Stage)).index(self.label)

    def text(self, done: int | None = None, total: int | None = None) -> str:
        """What is happening, in plain words: "Writing 118,400 completions… 42%"."""
        _, counted, plain = self.value
        if total is None:
            return plain
        words = counted.format(total=f"{total:,}")
        if done is None or not total:
            return words
        return f"{words} {min(done, total) * 100 // total}%"

    def fraction(self, done: int | None = None, total: int | None = None) -> float:
        """How far a whole import is, 0 to 1, at this point of this stage (each stage an
        equal share: they are for showing movement, not for forecasting)."""
        within = min(done, total) / total if done is not None and total else 0.0
        return (self.step + within) / STEPS


STEPS = len({s.label for s in Stage})


class Progress(Protocol):
    """Told at each stage's start (``done`` None) and after each chunk of a long stage."""

    def __call__(self, stage: Stage, done: int | None = None,
                 total: int | None = None) -> None: ...


def no_progress(stage: Stage, done: int | None = None, total: int | None = None) -> None:
    """The default: show nothing."""
