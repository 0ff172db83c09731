"""Imported by the fork server of ``imports.isolated`` only: parses a small sample once, so
that every child forked from it starts with the importers' lazy state (compiled patterns,
vocabularies, Arrow's reader) ready instead of building it again per upload."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from imports import parse_file

SAMPLE = ("Staff Number,Name,Email,Course Title,Status,Completion Date\n"
          "00123,Ann Example,ann@example.org,OIC Module 1,Completed,13/01/2026\n"
          "00124,Bob Example,bob@example.org,OIC Module 2,Completed,2026-01-14\n")


def warm() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "warm.csv"
        path.write_text(SAMPLE, encoding="utf-8")
        parse_file(path, today=dt.date(2026, 1, 31))


warm()
