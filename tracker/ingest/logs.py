"""Planning and writing an import of a log of events (recommendation 2's NCCU referral log
and intelligence submission log): each row is stored once per force and reference, with
the batch and row that first reported it. A reference the force has already is counted
as already known and left as stored; the batch keeps which it reported again (and on
which row, ``ALSO_REPORTED`` in its detail), so that undoing the batch that first
reported a row passes it to the earliest other batch still reporting it, and removes only
the rows no other batch reports (``tracker.ingest.undo``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tracker.ingest.records import LOG_COLUMNS, Kind
from tracker.store.bulk import insert_frame
from tracker.store.models import ImportBatch, IntelSubmission, Referral

if TYPE_CHECKING:
    from tracker.ingest.batch import ImportPlan

TABLES: dict[Kind, type[Referral] | type[IntelSubmission]] = {
    Kind.REFERRAL_LOG: Referral, Kind.INTELLIGENCE_LOG: IntelSubmission}
ALSO_REPORTED = "also_reported"  # batch detail: reference -> row, already stored when imported
DATE_FIELD = {Kind.REFERRAL_LOG: "referred_on", Kind.INTELLIGENCE_LOG: "submitted_on"}
TIME_FIELD = {Kind.REFERRAL_LOG: "referred_at", Kind.INTELLIGENCE_LOG: "submitted_at"}


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
    plan.frames["log_known"] = records.loc[~new, ["reference", "row"]]
    plan.counts["accepted"] = len(records)
    plan.counts["new"] = int(new.sum())
    plan.counts["unchanged"] = len(records) - int(new.sum())


def write_log(session: Session, plan: ImportPlan, batch: ImportBatch) -> None:
    """Insert the plan's new rows, each tied to ``batch``."""
    kind = plan.parsed.kind
    frame = plan.frames["log"].copy()
    when = DATE_FIELD[kind]
    frame[when] = pd.to_datetime(frame[when]).dt.strftime("%Y-%m-%d")
    clock = TIME_FIELD[kind]
    frame[clock] = [None if t is None or t != t else t.strftime("%H:%M:%S")
                    for t in frame[clock]]
    frame = frame.astype(object).where(frame.notna(), None)
    frame["row"] = plan.frames["log"]["row"].astype("int64")
    frame = frame.assign(force_id=plan.force_id, batch_id=batch.id)
    insert_frame(session, TABLES[kind].__tablename__, frame)
    known = plan.frames["log_known"]
    if not known.empty:
        batch.detail = {**(batch.detail or {}), ALSO_REPORTED: dict(zip(
            known["reference"].astype(str), known["row"].astype(int).tolist(), strict=True))}


def remove_log_rows(session: Session, batch: ImportBatch) -> int:
    """Take ``batch``'s referrals or submissions out: each one another committed batch
    reported again passes to the earliest such batch (and its row); the rest are deleted.
    Returns how many were deleted."""
    if batch.kind not in {k.value for k in TABLES}:
        return 0
    table = TABLES[Kind(batch.kind)]
    mine = session.execute(select(table.id, table.reference)
                           .where(table.batch_id == batch.id)).all()
    heirs = _heirs(session, batch)
    passed = [{"id": id_, "batch_id": heirs[ref][0], "row": heirs[ref][1]}
              for id_, ref in mine if ref in heirs]
    if passed:
        session.execute(update(table), passed)
    result = session.execute(delete(table).where(table.batch_id == batch.id)
                             .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def _heirs(session: Session, batch: ImportBatch) -> dict[str, tuple[int, int]]:
    """Reference -> (batch, row) of the earliest other committed batch of the same kind and
    force that reported it again."""
    others = session.scalars(select(ImportBatch).where(
        ImportBatch.kind == batch.kind, ImportBatch.force_id == batch.force_id,
        ImportBatch.status == "committed", ImportBatch.id != batch.id)
        .order_by(ImportBatch.id))
    heirs: dict[str, tuple[int, int]] = {}
    for other in others:
        for reference, row in (other.detail or {}).get(ALSO_REPORTED, {}).items():
            heirs.setdefault(reference, (other.id, int(row)))
    return heirs
