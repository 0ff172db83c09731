"""Which sheet(s) of a file hold the data, of which kind, with which columns."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from imports.columns import IGNORE, Field, closest_header
from imports.detect import detect_kind
from imports.errors import FileRefused
from imports.evidence import SAMPLE_ROWS, Sample, sample
from imports.header import Header, cell_text, find_header
from imports.kinds import SPECS, missing_required
from imports.reading import Body, RawSheet
from imports.recognise import MAX_COLUMNS, Recognition, recognise
from imports.table import Table, drop_blank_and_totals
from tracker.ingest.mappings import Mappings
from tracker.ingest.records import Kind, Layout, RosterKeys
from tracker.messages.problems import Code
from tracker.messages.progress import Progress, Stage, no_progress
from tracker.reference.text import fold

IDENTITY_SAMPLE = 5_000  # distinct identifiers compared with the roster, at most


@dataclass
class Hints:
    """What the user (or what was saved for a layout) says about a file, and what the
    roster knows: everything recognition may use besides the file itself."""

    mappings: Mappings = field(default_factory=Mappings)
    columns: Mapping[str, str] = field(default_factory=dict)  # header -> field ("ignore")
    layouts: Mapping[str, Layout] = field(default_factory=dict)  # by signature
    roster: RosterKeys | None = None


def layout_signature(headers: list[str]) -> str:
    """A layout's signature: its non-empty headers, case and punctuation blind, in any
    order (a file of the same layout with its columns moved has the same signature)."""
    names = sorted({fold(h) for h in headers if h and fold(h)})
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:16]


@dataclass
class Chosen:
    kind: Kind
    tables: list[Table]
    signature: str
    layout_used: bool


def choose_tables(sheets: list[RawSheet], name: str, kind: Kind | None, sheet: str | None,
                  hints: Hints | None = None, progress: Progress = no_progress) -> Chosen:
    """The kind of the file and the table(s) to read: one sheet, or for a Hydra workbook
    every sheet with a delegate header (``progress`` is told when a table's columns are
    being recognised)."""
    hints = hints or Hints()
    sheets = _named_sheet(sheets, name, sheet) if sheet else sheets
    found = [(raw, header) for raw in sheets if (header := find_header(raw)) is not None]
    if not found:
        raise FileRefused(f"{name}: no table found (no row of column headings in the first "
                          "30 rows). Check this is the right file.", Code.NO_DATA, name)
    multi = len(sheets) > 1
    detected = [(raw, header, kind or _detect(raw, header, hints)) for raw, header in found]
    chosen = next(((r, h, k) for r, h, k in detected if k is not None), None)
    if chosen is None:
        raw, header = found[0]
        raise FileRefused(f"{name}: cannot tell what kind of export this is. Headers found "
                          f"({_where(raw, header, multi)}): {_listing(header)}.",
                          Code.UNKNOWN_KIND, name, headers=header.cells)
    the_kind = chosen[2]
    assert the_kind is not None
    if the_kind is Kind.HYDRA and not sheet:
        picked = [(r, h) for r, h, k in detected
                  if (_fits(r, h, Kind.HYDRA, hints) if kind else k is Kind.HYDRA)]
        picked = picked or [(chosen[0], chosen[1])]
    else:
        picked = [(chosen[0], chosen[1])]
    signature = layout_signature(picked[0][1].cells)
    layout = hints.layouts.get(signature)
    layout = layout if layout is not None and layout.kind is the_kind else None
    tables = [_table(raw, header, the_kind, name, multi and len(picked) > 1, multi, hints,
                     layout, progress) for raw, header in picked]
    if not any(len(t) for t in tables):
        where = _where(*picked[0], multi)
        raise FileRefused(f"{name}: there are column headings ({where}) "
                          "but no rows under them. Export the file again.", Code.NO_DATA, name)
    return Chosen(the_kind, tables, signature, layout is not None)


def _detect(raw: RawSheet, header: Header, hints: Hints) -> Kind | None:
    layout = hints.layouts.get(layout_signature(header.cells))
    if layout is not None:
        return layout.kind
    return detect_kind(header.cells, " ".join([raw.name or "", *header.title_lines]),
                       _preview_samples(raw, header), hints.mappings)


def _preview_samples(raw: RawSheet, header: Header) -> list[Sample]:
    """A sample of each column from the preview rows under the header."""
    below = raw.preview[header.index + 1:]
    return [sample([row[i] if i < len(row) else None for row in below])
            for i in range(min(len(header.cells), MAX_COLUMNS))]


def _fits(raw: RawSheet, header: Header, kind: Kind, hints: Hints) -> bool:
    """Whether a sheet has the columns ``kind`` needs (from its preview)."""
    found = recognise(header.cells, _preview_samples(raw, header), SPECS[kind].fields,
                      hints.mappings)
    return missing_required(found.columns, kind) is None


def _named_sheet(sheets: list[RawSheet], name: str, wanted: str) -> list[RawSheet]:
    match = [s for s in sheets if (s.name or "").strip().lower() == wanted.strip().lower()]
    if not match:
        names = ", ".join(f'"{s.name}"' for s in sheets if s.name)
        raise FileRefused(f'{name}: no sheet named "{wanted}"; its sheets are: {names}.',
                          Code.NO_DATA, name)
    return match


def _where(raw: RawSheet, header: Header, multi: bool) -> str:
    return f'sheet "{raw.name}", row {header.row}' if multi else f"row {header.row}"


def _listing(header: Header) -> str:
    return ", ".join(c for c in header.cells if c)


def _table(raw: RawSheet, header: Header, kind: Kind, name: str, label: bool, multi: bool,
           hints: Hints, layout: Layout | None, progress: Progress = no_progress) -> Table:
    body = raw.load(header.index + 1, len(header.cells))
    body, blank, total = drop_blank_and_totals(body)
    progress(Stage.RECOGNISING, total=sum(1 for cell in header.cells if cell))
    found = _recognise(header, body, kind, name, hints, layout)
    missing = missing_required(found.columns, kind)
    if missing is not None:
        raise _missing_column(missing, header, raw, name, multi, found, kind)
    return Table(name, raw.name, header, body, found.columns, sheet_label=label,
                 skipped={"blank_rows": blank, "total_rows": total},
                 decisions=found.ordered(), identity=found.identity)


def _recognise(header: Header, body: Body, kind: Kind, name: str, hints: Hints,
               layout: Layout | None) -> Recognition:
    spec = SPECS[kind]
    fixed = _fixed(header.cells, kind, name, layout.columns if layout else {}, "saved mapping")
    fixed.update(_fixed(header.cells, kind, name, hints.columns, "your mapping"))
    samples = [sample(body.sample(i, SAMPLE_ROWS)) for i in range(min(body.width, MAX_COLUMNS))]

    def distinct(index: int) -> tuple[list[str], int]:
        """Up to IDENTITY_SAMPLE of a column's distinct values (spread evenly through
        them), and how many it has."""
        uniques = body.coded(index)[1]
        at = np.linspace(0, len(uniques) - 1, min(len(uniques), IDENTITY_SAMPLE)).astype(int)
        return [cell_text(uniques[i]) for i in np.unique(at)], len(uniques)

    roster = hints.roster if spec.identity_by_values else None
    return recognise(header.cells, samples, spec.fields, hints.mappings, fixed=fixed,
                     roster=roster, distinct=distinct)


def _fixed(headers: list[str], kind: Kind, name: str, columns: Mapping[str, str],
           source: str) -> dict[int, tuple[str, str]]:
    """User mappings (header -> field) as column index -> (field, source)."""
    by_text = {fold(h): i for i, h in enumerate(headers) if h}
    allowed = {f.name for f in SPECS[kind].fields}
    out: dict[int, tuple[str, str]] = {}
    for text, wanted in columns.items():
        index = by_text.get(fold(text))
        if index is None:
            if source == "saved mapping":
                continue  # a saved layout's column this file lacks: recognised as usual
            raise FileRefused(f'{name}: no column headed "{text}"; its columns are: '
                              f'{", ".join(h for h in headers if h)}.', Code.MISSING_COLUMN,
                              name, headers=headers, kind=kind)
        if wanted != IGNORE and wanted not in allowed:
            raise FileRefused(
                f'{name}: "{wanted}" is not a field of a {kind.label}; use one of: '
                f'{", ".join(sorted(allowed))} (or {IGNORE}).', Code.MISSING_COLUMN, name,
                headers=headers, kind=kind)
        out[index] = (wanted, source)
    return out


def _missing_column(group: tuple[Field, ...], header: Header, raw: RawSheet, name: str,
                    multi: bool, found: Recognition, kind: Kind) -> FileRefused:
    wanted = " or ".join(f'"{f.label}"' for f in group[:5])
    if len(group) > 5:
        wanted += " (or another way to identify the learner)"
    suggestion = next((s for f in group if (s := closest_header(f, header.cells))), None)
    hint = f' The closest is "{suggestion}".' if suggestion else ""
    labels = [f.label.lower() for f in group]
    refused = [d.describe() for d in found.ordered() if d.field is None
               and any(f"like the {label}," in d.evidence for label in labels)]
    why = f" ({'; '.join(refused[:3])})" if refused else ""
    return FileRefused(f"{name}: no column was recognised as {wanted}. Headers found "
                       f"({_where(raw, header, multi)}): {_listing(header)}.{hint}{why}",
                       Code.MISSING_COLUMN, name, headers=header.cells,
                       decisions=found.ordered(), missing=[f.name for f in group], kind=kind)

