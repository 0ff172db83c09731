"""File in, plan out: the one workflow every face calls (the CLI's ``tracker import``, the
Upload page, the demo builder, the import benchmark).

    request = ImportRequest(force_code="avon-and-somerset", actor="lead")
    plan = plan_file(engine, Path("lms-export.csv"), request, settings=settings, rules=rules)

``read_file`` reads the file with what the database knows (the value mappings, the
force's saved column layouts, its roster's identifiers) within the settings' limits, in a
child process unless ``in_child=False``; ``plan_parsed`` plans its import
(``tracker.ingest.batch.plan_import``, with the settings' plausibility thresholds);
``plan_file`` is the two in turn. Nothing is written: committing the plan
(``tracker.ingest.batch.commit_import``) is the caller's. A file that cannot be read at all
raises ``FileRefused``; an unknown force raises ValueError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from imports import isolated, parse_file
from tracker.config import Settings
from tracker.coverage.rules import RuleSet
from tracker.ingest import batch
from tracker.ingest.batch import ImportPlan
from tracker.ingest.mappings import load_mappings
from tracker.ingest.matching import roster_keys
from tracker.ingest.profiles import load_layouts
from tracker.ingest.records import Kind, ParsedFile
from tracker.messages.progress import Progress, no_progress
from tracker.store.db import unit_of_work

__all__ = ["ImportRequest", "plan_file", "plan_parsed", "read_file"]


@dataclass(frozen=True)
class ImportRequest:
    """What a face asks of one file: whose it is, who asks, and what the user said about it
    (``kind``, ``sheet``, ``date_order``, ``columns``: header -> field) and about its import
    (``as_of``, ``full_roster``: False for a partial roster update, ``allow_reimport``,
    ``accept``: even if it looks implausible). ``file_name`` is the name shown in messages
    (an upload's own name; default the path's)."""

    force_code: str
    actor: str
    kind: Kind | None = None
    file_name: str | None = None
    sheet: str | None = None
    date_order: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    as_of: dt.date | None = None
    full_roster: bool = True
    allow_reimport: bool = False
    accept: bool = False


def read_file(engine: Engine, path: Path, request: ImportRequest, settings: Settings, *,
              in_child: bool = True, progress: Progress = no_progress) -> ParsedFile:
    """``imports.parse_file`` with the database's mappings, the force's saved layouts (of
    the kind asked for, if any) and its roster's identifiers, dated by ``settings.today()``
    and within ``settings.max_upload_mb``; in a child process within ``settings.limits``
    (``imports.isolated``) unless ``in_child`` is False. FileRefused when it cannot be read."""
    with unit_of_work(engine) as session:
        mappings = load_mappings(session)
        layouts = load_layouts(session, request.force_code, request.kind)
    options: dict[str, Any] = {
        "kind": request.kind, "mappings": mappings, "today": settings.today(),
        "file_name": request.file_name, "sheet": request.sheet,
        "date_order": request.date_order, "max_bytes": settings.max_upload_mb * 1024 * 1024,
        "columns": request.columns, "layouts": layouts,
        "roster": roster_keys(engine, request.force_code), "progress": progress}
    if in_child:
        return isolated.parse_isolated(path, limits=settings.limits, **options)
    return parse_file(path, **options)


def plan_parsed(engine: Engine, parsed: ParsedFile, request: ImportRequest,
                settings: Settings, rules: RuleSet | None = None, *,
                progress: Progress = no_progress) -> ImportPlan:
    """The dry run of importing ``parsed`` as ``request`` says, judged by ``rules`` (default
    the shipped ones) and ``settings.thresholds``."""
    return batch.plan_import(engine, parsed, force_code=request.force_code, as_of=request.as_of,
                       actor=request.actor, allow_reimport=request.allow_reimport,
                       full_roster=request.full_roster, rules=rules,
                       thresholds=settings.thresholds, accept=request.accept,
                       progress=progress)


def plan_file(engine: Engine, path: Path, request: ImportRequest, settings: Settings,
              rules: RuleSet | None = None, *, in_child: bool = True,
              progress: Progress = no_progress) -> ImportPlan:
    """Read ``path`` (``read_file``) and plan its import (``plan_parsed``), telling
    ``progress`` each stage; the plan carries the file as read (``plan.parsed``)."""
    parsed = read_file(engine, path, request, settings, in_child=in_child, progress=progress)
    return plan_parsed(engine, parsed, request, settings, rules, progress=progress)
