"""The CLI's renderer of ``tracker.messages.progress``: one line on the terminal, redrawn in place.

    with TerminalProgress("lms.csv") as progress:
        import_one(..., progress=progress)

The line goes to stderr (stdout stays for the result, and for JSON), starts with ``\\r``
and is padded over what it replaces; it is redrawn at most ``MAX_RATE`` times a second
within a stage (a new stage is drawn at once) and cleared when the work ends. When the
stream is not a terminal (a pipe, a file, a test's runner), or when ``quiet`` (``--json``),
nothing is written at all.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

from tracker.messages.progress import Stage

MAX_RATE = 10  # redraws a second, at most, within a stage


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class TerminalProgress:
    """A ``tracker.messages.progress.Progress`` that draws "<prefix>: <stage text>" on a
    terminal."""

    def __init__(self, prefix: str = "", stream: TextIO | None = None, *, quiet: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.prefix = f"{prefix}: " if prefix else ""
        self.clock = clock
        self.active = not quiet and is_terminal(self.stream)
        self.shown = 0  # characters on the line now
        self.stage: Stage | None = None
        self.drawn_at = float("-inf")

    def __call__(self, stage: Stage, done: int | None = None,
                 total: int | None = None) -> None:
        if not self.active:
            return
        now = self.clock()
        if stage is self.stage and now - self.drawn_at < 1 / MAX_RATE:
            return
        self.stage, self.drawn_at = stage, now
        self._draw(self.prefix + stage.text(done, total))

    def _draw(self, text: str) -> None:
        width = shutil.get_terminal_size().columns - 1  # a full line would wrap
        text = text[:width]
        self.stream.write("\r" + text + " " * max(0, self.shown - len(text)))
        self.stream.flush()
        self.shown = len(text)

    def clear(self) -> None:
        """Take the line away (nothing when nothing was drawn)."""
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0
        self.stage = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.clear()
