"""The evidence behind a compliance report: the import batches that fed it and what the data
could not say (unmatched learners, import problems, unmapped ranks and departments)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select

from tracker.store import models

EVIDENCE_COLUMNS = [
    "file_name", "kind", "force", "imported_at", "imported_by", "rows_read", "rows_accepted",
    "rows_rejected", "sha256",
]


def _force_filter(column: Any, force_codes: list[str]) -> Any:
    ids = select(models.Force.id).where(models.Force.code.in_(force_codes)).scalar_subquery()
    return or_(column.is_(None), column.in_(ids))


def evidence_table(engine: Engine, force_codes: list[str]) -> pd.DataFrame:
    """Every committed import batch of the report's forces (or of no single force)."""
    batch = models.ImportBatch
    stmt = (select(batch.file_name, batch.kind, models.Force.name, batch.imported_at,
                   batch.imported_by, batch.rows_read, batch.rows_accepted,
                   batch.rows_rejected, batch.sha256)
            .outerjoin(models.Force, models.Force.id == batch.force_id)
            .where(batch.status == "committed", _force_filter(batch.force_id, force_codes))
            .order_by(batch.imported_at, batch.id))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=EVIDENCE_COLUMNS)
    frame["force"] = frame["force"].fillna("Several / not stated")
    return frame


def quality_table(engine: Engine, force_codes: list[str], as_of: dt.date) -> pd.DataFrame:
    """Counts of what the data could not say: unmatched learners, problems, unmapped values."""
    parts = [_unmatched(engine, force_codes), _problems(engine, force_codes),
             *_unmapped(engine, force_codes, as_of)]
    frame = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(
        columns=["section", "item", "count", "next_step"])], ignore_index=True)
    return frame.reset_index(drop=True)


def _counts(rows: list[Any], section: str, next_step: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["item", "count"])
    frame = frame.sort_values(["count", "item"], ascending=[False, True], kind="stable")
    return frame.assign(section=section, next_step=next_step)[
        ["section", "item", "count", "next_step"]]


def _unmatched(engine: Engine, force_codes: list[str]) -> pd.DataFrame:
    rec, batch = models.UnmatchedRecord, models.ImportBatch
    label = func.coalesce(batch.file_name, "")
    stmt = (select(label, func.count(rec.id))
            .join(batch, batch.id == rec.batch_id)
            .where(rec.status == "open", batch.status == "committed",
                   _force_filter(rec.force_id, force_codes))
            .group_by(label))
    with engine.connect() as conn:
        rows = [(f"{name}", n) for name, n in conn.execute(stmt)]
    return _counts(rows, "Unmatched learner records (open), by file",
                   "Confirm or reject each one in the queue of unmatched learners (a training "
                   "lead can).")


def _problems(engine: Engine, force_codes: list[str]) -> pd.DataFrame:
    prob, batch = models.ImportProblem, models.ImportBatch
    stmt = (select(prob.code, prob.severity, func.count(prob.id))
            .join(batch, batch.id == prob.batch_id)
            .where(batch.status == "committed", _force_filter(batch.force_id, force_codes))
            .group_by(prob.code, prob.severity))
    with engine.connect() as conn:
        rows = [(f"{code} ({severity})", n) for code, severity, n in conn.execute(stmt)]
    return _counts(rows, "Import problems (rejected rows and warnings), by code",
                   "Open the import batch to see each row, fix the file and import it again.")


def _unmapped(engine: Engine, force_codes: list[str], as_of: dt.date) -> list[pd.DataFrame]:
    state = models.PersonState
    latest = (select(state.person_id, func.max(state.as_of).label("as_of"))
              .where(state.as_of <= as_of).group_by(state.person_id).subquery())
    base = (select(state.rank, state.rank_raw, state.department, state.unit)
            .join(latest, and_(latest.c.person_id == state.person_id,
                               latest.c.as_of == state.as_of))
            .join(models.Person, models.Person.id == state.person_id)
            .join(models.Force, models.Force.id == models.Person.force_id)
            .where(models.Force.code.in_(force_codes)).subquery())
    ranks = (select(base.c.rank_raw, func.count()).where(base.c.rank.is_(None),
             base.c.rank_raw.is_not(None)).group_by(base.c.rank_raw))
    units = (select(base.c.unit, func.count()).where(base.c.department.is_(None),
             base.c.unit.is_not(None)).group_by(base.c.unit))
    with engine.connect() as conn:
        rank_rows, unit_rows = conn.execute(ranks).all(), conn.execute(units).all()
    return [
        _counts([tuple(r) for r in rank_rows], "Unmapped ranks (people, by HR value)",
                "Map each value once to a rank the tool knows (a training lead can)."),
        _counts([tuple(r) for r in unit_rows], "Unmapped departments (people, by HR unit)",
                "Map each unit once to a department the tool knows (a training lead can)."),
    ]
