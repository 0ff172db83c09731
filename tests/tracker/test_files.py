"""Uploaded files are kept as they came: once per content, in the import's transaction,
handed back byte for byte, and forgotten with the last committed batch that imported them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from imports import parse_file
from tracker.ingest.batch import ImportRefused, commit_import, plan_import
from tracker.ingest.undo import undo_batch
from tracker.store import files
from tracker.store.db import unit_of_work
from tracker.store.models import ImportFile

ROSTER = Path(__file__).parents[1] / "data" / "hr_roster_2026-11-01.csv"


def _import(engine: Engine, path: Path = ROSTER, *, reimport: bool = False,
            original: bytes | None = None) -> int:
    parsed = parse_file(path, today=dt.date(2026, 11, 30))
    plan = plan_import(engine, parsed, force_code="avon-and-somerset", as_of=None,
                       actor="lead", allow_reimport=reimport)
    return commit_import(engine, plan, path.read_bytes() if original is None else original).id


def _kept(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ImportFile)) or 0)


def test_the_upload_is_kept_and_handed_back_byte_for_byte(engine: Engine) -> None:
    batch = _import(engine)
    kept = files.original(engine, batch)
    assert kept == files.Original(ROSTER.name, ROSTER.read_bytes())
    with unit_of_work(engine) as session:
        stored = session.scalars(select(ImportFile)).one()
    assert (stored.file_name, stored.size) == (ROSTER.name, ROSTER.stat().st_size)
    assert len(stored.content) < stored.size  # compressed


def test_the_same_content_is_kept_once(engine: Engine) -> None:
    first = _import(engine)
    second = _import(engine, reimport=True)
    assert _kept(engine) == 1
    assert files.original(engine, first) == files.original(engine, second)


def test_bytes_that_are_not_the_file_read_are_refused(engine: Engine) -> None:
    with pytest.raises(ImportRefused, match=f"^{ROSTER.name} changed after it was read; "
                       "nothing was imported. Read it again and import that.$"):
        _import(engine, original=ROSTER.read_bytes() + b"\n9999,Late Addition\n")
    assert _kept(engine) == 0


def test_undo_forgets_the_file_unless_another_batch_imported_it(engine: Engine) -> None:
    first = _import(engine)
    second = _import(engine, reimport=True)
    undo_batch(engine, second, "lead")
    assert files.original(engine, first) is not None  # the first batch still stands on it
    undo_batch(engine, first, "lead")
    assert _kept(engine) == 0
    assert files.original(engine, first) is None


def test_a_batch_whose_file_was_not_kept_has_no_original(engine: Engine) -> None:
    parsed = parse_file(ROSTER, today=dt.date(2026, 11, 30))
    plan = plan_import(engine, parsed, force_code="avon-and-somerset", as_of=None,
                       actor="lead")
    assert files.original(engine, commit_import(engine, plan).id) is None
