"""The Upload page's table of a file's columns: what each column feeds and why, as rows a
training lead can change, and the column mapping (header -> field) their changes make."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tracker.ingest.profiles import IGNORE
from tracker.ingest.records import FIELD_LABELS, Decision, Kind

COLUMN, FEEDS, WHY = "Column in the file", "Feeds", "Why"
NOT_USED = "(not used)"


@dataclass(frozen=True)
class FileColumns:
    """A file's columns as read: its kind (None: not settled), header row, and what each
    column was taken for."""

    kind: Kind | None
    headers: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


def options(kind: Kind) -> dict[str, str]:
    """What a column of a ``kind`` file can feed, by the name people read -> field name."""
    from imports.kinds import SPECS  # here: a page run alone has views/imports.py first

    fields = {FIELD_LABELS.get(f.name, f.label): f.name for f in SPECS[kind].fields}
    return {**fields, NOT_USED: IGNORE}


def table(columns: FileColumns) -> pd.DataFrame:
    """One row per column of the file: its header, the field it feeds, and why."""
    rows = [(d.column, FIELD_LABELS.get(d.field, d.field) if d.field else NOT_USED, d.evidence)
            for d in columns.decisions]
    if not rows:
        rows = [(h, NOT_USED, "") for h in columns.headers if h]
    return pd.DataFrame(rows, columns=[COLUMN, FEEDS, WHY], dtype=object)


def changes(before: pd.DataFrame, after: pd.DataFrame, choices: dict[str, str]) -> dict[str, str]:
    """The mapping (header -> field, "ignore") of the rows whose "Feeds" was changed."""
    changed = after[after[FEEDS] != before[FEEDS]]
    return {str(row[COLUMN]): choices.get(str(row[FEEDS]), IGNORE)
            for _, row in changed.iterrows()}
