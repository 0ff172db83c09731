"""Undoing an import batch: the database is left as if the batch had never been imported.

Removed: the NCCU referrals and intelligence submissions it added that no other batch
reports (one another batch reported again passes to it), the batch's completion evidence,
completions no other batch reports, the absences it first reported (a delegate list's
did-not-attend rows), its roster snapshot and person states, people it
created that nothing else refers to, its review queue records, and the file kept as
uploaded (unless another committed batch imported the same content). Restored: identity
fields the batch overwrote (unless a later batch changed them again). Kept: the batch row
itself (marked ``undone``) and its problems, for the audit trail, and identity links a
person confirmed (they are knowledge, not data).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, and_, delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from tracker.ingest import import_lock
from tracker.ingest.batch import IDENTITY_FIELDS
from tracker.ingest.logs import remove_log_rows
from tracker.ingest.matching import AUTO_LINK_ACTOR
from tracker.messages.hints import Advised, Refusal
from tracker.store import audit
from tracker.store.db import unit_of_work
from tracker.store.models import (
    Completion,
    CompletionEvidence,
    Exemption,
    HydraAbsence,
    IdentityLink,
    ImportBatch,
    ImportFile,
    Person,
    PersonState,
    RosterSnapshot,
    UnmatchedRecord,
)


def _run(session: Session, statement: Any) -> int:
    """Execute a bulk statement; the number of rows it touched."""
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


class UndoRefused(Advised):
    """The batch cannot be undone; the message says why (each face adds what to do)."""


def undo_batch(engine: Engine, batch_id: int, actor: str) -> ImportBatch:
    """Undo a committed batch in one transaction; refuse a missing or already undone one."""
    with unit_of_work(engine) as session:
        import_lock.take(session)  # no import commits while a batch is taken out
        batch = session.get(ImportBatch, batch_id, with_for_update=True)
        if batch is None:
            raise UndoRefused(f"No import batch {batch_id}.", Refusal.NO_BATCH)
        if batch.status == "undone":
            raise UndoRefused(f"Batch {batch_id} was already undone on "
                              f"{batch.undone_at:%Y-%m-%d %H:%M} by {batch.undone_by}; "
                              "nothing was changed.")
        counts = _remove_completions(session, batch_id)
        counts["absences"] = _run(session,
            delete(HydraAbsence).where(HydraAbsence.batch_id == batch_id))
        counts["states"] = _remove_roster(session, batch_id)
        counts["log_rows"] = remove_log_rows(session, batch)
        _restore_identities(session, batch)
        counts["unmatched"] = _run(session,
            delete(UnmatchedRecord).where(UnmatchedRecord.batch_id == batch_id))
        counts["people"] = _remove_people(session, batch_id)
        counts["kept_files"] = _forget_file(session, batch)
        batch.status, batch.undone_by = "undone", actor
        batch.undone_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        audit.record(session, actor, "import-undo", f"batch:{batch_id}",
                     file=batch.file_name, **counts)
        return batch


def _remove_completions(session: Session, batch_id: int) -> dict[str, Any]:
    """Delete the batch's evidence (its reports of completions another batch reported
    first); a completion this batch reported first passes to the earliest other batch still
    reporting it (batch, row and source), or is deleted when no other batch reports it."""
    ev = CompletionEvidence
    evidence = _run(session, delete(ev).where(ev.batch_id == batch_id))

    def earliest(column: Any) -> Any:
        return (select(column).where(ev.completion_id == Completion.id)
                .order_by(ev.batch_id).limit(1).scalar_subquery().correlate(Completion))

    kind = select(ImportBatch.kind).where(ImportBatch.id == earliest(ev.batch_id))
    _run(session, update(Completion)
         .where(Completion.batch_id == batch_id,
                exists().where(ev.completion_id == Completion.id))
         .values(batch_id=earliest(ev.batch_id), row=earliest(ev.row),
                 source=kind.scalar_subquery())
         .execution_options(synchronize_session=False))
    _run(session, delete(ev).where(exists().where(
        Completion.id == ev.completion_id, Completion.batch_id == ev.batch_id))
         .execution_options(synchronize_session=False))  # now the completion's own report
    removed = _run(session, delete(Completion).where(Completion.batch_id == batch_id)
                              .execution_options(synchronize_session=False))
    return {"completions": removed, "evidence": evidence}


def _forget_file(session: Session, batch: ImportBatch) -> int:
    """The kept upload goes too, unless another committed batch imported the same content."""
    others = exists().where(ImportBatch.sha256 == batch.sha256, ImportBatch.id != batch.id,
                            ImportBatch.status == "committed")
    return _run(session, delete(ImportFile).where(ImportFile.sha256 == batch.sha256, ~others)
                .execution_options(synchronize_session=False))


def _remove_roster(session: Session, batch_id: int) -> int:
    snapshots = select(RosterSnapshot.id).where(RosterSnapshot.batch_id == batch_id)
    states = _run(session, delete(PersonState).where(PersonState.snapshot_id.in_(snapshots))
                             .execution_options(synchronize_session=False))
    _run(session, delete(RosterSnapshot).where(RosterSnapshot.batch_id == batch_id))
    return int(states)


def _restore_identities(session: Session, batch: ImportBatch) -> None:
    """Put back identity fields this batch overwrote, where they still hold its values."""
    changes: dict[str, dict[str, list[Any]]] = (batch.detail or {}).get("identity", {})
    for person_id, change in changes.items():
        after = dict(zip(IDENTITY_FIELDS, change["after"], strict=True))
        conditions = [getattr(Person, f) == v if v is not None else getattr(Person, f).is_(None)
                      for f, v in after.items()]
        _run(session, update(Person).where(Person.id == int(person_id), and_(*conditions))
                        .values(dict(zip(IDENTITY_FIELDS, change["before"], strict=True))))


def _remove_people(session: Session, batch_id: int) -> int:
    """People this batch created that nothing else refers to (a link made by the import
    itself for a delegate is not a reference; one a person confirmed is)."""
    p = aliased(Person)
    referenced = [
        exists().where(PersonState.person_id == p.id),
        exists().where(Completion.person_id == p.id),
        exists().where(HydraAbsence.person_id == p.id),
        exists().where(UnmatchedRecord.person_id == p.id),
        exists().where(Exemption.person_id == p.id),
        exists().where(IdentityLink.person_id == p.id,
                       IdentityLink.confirmed_by != AUTO_LINK_ACTOR),
    ]
    doomed = select(p.id).where(p.first_batch_id == batch_id, *(~ref for ref in referenced))
    _run(session, delete(IdentityLink).where(IdentityLink.person_id.in_(doomed))
                    .execution_options(synchronize_session=False))
    removed = _run(session, delete(Person).where(Person.id.in_(doomed))
                              .execution_options(synchronize_session=False))
    return int(removed)
