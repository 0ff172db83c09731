"""Planning and writing an import of a log of events (recommendation 2's NCCU referral log
and intelligence submission log): each row is stored once per force and reference, with
the batch and row that first reported it. A reference the force has already is counted
as already known and left as stored; undoing a batch removes the rows it added
(``tracker.ingest.undo``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.ingest.records import LOG_COLUMNS, Kind
from tracker.store.bulk import insert_frame
from tracker.store.models import ImportBatch, IntelSubmission, Referral

if TYPE_CHECKING:
    from tracker.ingest.batch import ImportPlan

TABLES: dict[Kind, type[Referral] | type[IntelSubmission]] = {
    Kind.REFERRAL_LOG: Referral, Kind.INTELLIGENCE_LOG: IntelSubmission}
DATE_FIELD = {Kind.REFERRAL_LOG: "referred_on", Kind.INTELLIGENCE_LOG: "submitted_on"}


def plan_log(session: Session, plan: ImportPlan) -> None:
    """Which of the file's rows are new to the force (``plan.frames["log"]``), and the
    counts: accepted, new, unchanged (already known)."""
    kind = plan.parsed.kind
    table = TABLES[kind]
    records = plan.parsed.records
    known = set(session.scalars(select(table.reference)
                                .where(table.force_id == plan.force_id)))
    new = ~records["reference"].isin(known)
    plan.frames["log"] = records.loc[new, LOG_COLUMNS[kind]]
    plan.counts["accepted"] = len(records)
    plan.counts["new"] = int(new.sum())
    plan.counts["unchanged"] = len(records) - int(new.sum())


def write_log(session: Session, plan: ImportPlan, batch: ImportBatch) -> None:
    """Insert the plan's new rows, each tied to ``batch``."""
    kind = plan.parsed.kind
    frame = plan.frames["log"].copy()
    when = DATE_FIELD[kind]
    frame[when] = pd.to_datetime(frame[when]).dt.strftime("%Y-%m-%d")
    frame = frame.astype(object).where(frame.notna(), None)
    frame["row"] = plan.frames["log"]["row"].astype("int64")
    frame = frame.assign(force_id=plan.force_id, batch_id=batch.id)
    insert_frame(session, TABLES[kind].__tablename__, frame)


def remove_log_rows(session: Session, batch_id: int) -> int:
    """Delete the referrals and submissions ``batch_id`` added; how many."""
    removed = 0
    for table in TABLES.values():
        result = session.execute(delete(table).where(table.batch_id == batch_id)
                                 .execution_options(synchronize_session=False))
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
