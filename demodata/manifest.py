"""What the generator wrote: files, their layouts, exact counts and the planted mess.

Tests of the importers read ``manifest.json`` (or the returned ``Manifest``) and assert the
exact numbers in it. Row numbers are the ones Excel shows (a CSV's header is row 1).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class MessItem:
    """One planted data-quality problem."""

    item: str  # e.g. "duplicate-row", "unmapped-department", "excel-serial-date"
    file: str  # path relative to the output folder
    rows: list[int]  # spreadsheet row numbers (header row = its own number)
    note: str
    sheet: str | None = None
    column: str | None = None
    value: str | None = None


@dataclass
class FileEntry:
    """One written file."""

    path: str  # relative to the output folder
    kind: str  # a tracker.ingest.records.Kind value
    force_code: str
    encoding: str
    header_row: int  # the header's row number (1 for CSV files)
    rows: int  # data rows (not counting title, header, blank or total rows)
    as_of: dt.date | None = None
    sheets: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The same as ``path``: where the file is, relative to the output folder."""
        return self.path


@dataclass
class ForceSummary:
    """Ground truth for one force."""

    force_code: str
    force_name: str
    roster_dates: list[dt.date]
    people: dict[str, int]  # later roster rows by workforce type
    ranks: dict[str, int]  # later roster officers by canonical rank
    roster_rows: dict[str, int]  # rows per roster date (ISO date -> count)
    joiners: int
    leavers: int
    completions: dict[str, int]  # distinct roster-person completions per module code
    elearning_all_four: int  # people on the later roster with all four modules
    elearning_in_scope: int  # people on the later roster in scope of oic-elearning
    hydra_in_scope: int  # in-scope inspectors (ever on a roster)
    hydra_attended: int  # of those, attended a course
    story: dict[str, str] = field(default_factory=dict)


@dataclass
class Manifest:
    seed: int
    today: dt.date
    people: int
    files: list[FileEntry] = field(default_factory=list)
    forces: list[ForceSummary] = field(default_factory=list)
    mess: list[MessItem] = field(default_factory=list)
    ignored_courses: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=_json_default, indent=2, ensure_ascii=False)

    def write(self, out_dir: Path) -> Path:
        path = out_dir / "manifest.json"
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    def file(self, kind: str, force_code: str | None = None) -> list[FileEntry]:
        """The files of one kind (optionally of one force)."""
        return [f for f in self.files
                if f.kind == kind and (force_code is None or f.force_code == force_code)]

    def planted(self, item: str) -> list[MessItem]:
        return [m for m in self.mess if m.item == item]


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to manifest.json")
