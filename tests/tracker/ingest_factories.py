"""Hand-made ``ParsedFile`` objects and a database content snapshot, for ingest tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pandas as pd
from sqlalchemy import Engine, MetaData, select, text

from tracker.ingest.records import COMPLETION_COLUMNS, ROSTER_COLUMNS, Kind, ParsedFile
from tracker.messages.problems import Problem, Report

ROSTER_DEFAULTS: dict[str, Any] = {
    "collar_number": None, "surname": None, "forenames": None, "email": None,
    "workforce_type": "police_officer", "rank_raw": "Insp", "rank": "inspector",
    "detective": False, "unit": "Response Bristol", "department": "response", "role": None,
    "line_manager": None, "start_date": dt.date(2015, 1, 5), "leaving_date": None,
    "status": "active",
}


def person(staff: str, name: str, **fields: Any) -> dict[str, Any]:
    """A roster row: staff number and full name, the rest defaulted."""
    forenames, _, surname = name.rpartition(" ")
    return {**ROSTER_DEFAULTS, "staff_number": staff, "full_name": name,
            "forenames": forenames or None, "surname": surname, **fields}


def done(module: str = "oic-el-1", on: dt.date = dt.date(2026, 1, 10),
         **who: Any) -> dict[str, Any]:
    """A completion row: who (staff_number=, email=, full_name=, ...) did what, when."""
    base = {c: None for c in COMPLETION_COLUMNS if c != "row"}
    return {**base, "module_code": module, "raw_title": f"OIC {module}", "completed_on": on,
            "raw_status": "Completed", **who}


def _sha(rows: list[dict[str, Any]], salt: str) -> str:
    return hashlib.sha256((salt + json.dumps(rows, default=str)).encode()).hexdigest()


def parsed(kind: Kind, rows: list[dict[str, Any]], *, name: str = "file.csv",
           problems: list[Problem] | None = None, as_of: dt.date | None = None,
           rows_read: int | None = None) -> ParsedFile:
    """A ParsedFile whose records are ``rows`` (spreadsheet rows 2, 3, ...)."""
    columns = ROSTER_COLUMNS if kind.is_roster else COMPLETION_COLUMNS
    frame = pd.DataFrame([{**r, "row": r.get("row", i + 2)} for i, r in enumerate(rows)],
                         columns=columns)
    report = Report()
    report.extend(problems or [])
    return ParsedFile(file_name=name, sha256=_sha(rows, name), kind=kind, records=frame,
                      report=report, rows_read=rows_read if rows_read is not None else len(rows),
                      as_of=as_of)


def roster(rows: list[dict[str, Any]], **kw: Any) -> ParsedFile:
    return parsed(Kind.HR_ROSTER, rows, **{"name": "roster.csv", **kw})


def lms(rows: list[dict[str, Any]], **kw: Any) -> ParsedFile:
    return parsed(Kind.LMS_LONG, rows, **{"name": "lms.csv", **kw})


BATCH_TABLES = {"import_batches", "audit_log", "import_problems", "alembic_version"}


def content(engine: Engine, skip: set[str] = BATCH_TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but ``skip``), sorted: for 'as before' comparisons."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, table in meta.tables.items():
            if name not in skip:
                out[name] = sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
    return out


def facts(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """What the data says, without ids or batch links: people, their states, completions
    and the review queue (for 'same as importing once' comparisons)."""
    queries = {
        "people": "SELECT f.code, p.staff_number, p.collar_number, p.full_name, p.email "
                  "FROM people p JOIN forces f ON f.id = p.force_id",
        "states": "SELECT p.staff_number, s.as_of, s.rank, s.unit, s.department, s.status, "
                  "s.leaving_date FROM person_states s JOIN people p ON p.id = s.person_id",
        "completions": "SELECT p.full_name, p.staff_number, m.code, c.completed_on "
                       "FROM completions c JOIN people p ON p.id = c.person_id "
                       "JOIN modules m ON m.id = c.module_id",
        "queue": "SELECT identity_key, status FROM unmatched_records",
        "links": "SELECT identity_key, confirmed_by FROM identity_links",
    }
    with engine.connect() as conn:
        return {k: sorted(tuple(map(str, r)) for r in conn.execute(text(q)))
                for k, q in queries.items()}


DATA_TABLES = ["completion_evidence", "completions", "unmatched_records", "identity_links",
               "person_states", "roster_snapshots", "exemptions", "people", "import_problems",
               "import_batches", "audit_log", "value_mappings"]


def wipe(engine: Engine) -> None:
    """Delete all imported data (reference data stays): a clean slate per Hypothesis example."""
    with engine.begin() as conn:
        for table in DATA_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
