"""The documents kept as evidence for a milestone: uploaded as bytes with their name, kept
once per content (SHA-256, zlib-packed, as import files are) however many milestones they
back, and handed back byte for byte. Attaching and downloading are audited."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tracker.messages.hints import Refusal
from tracker.recommendations.milestones import MilestoneError, find
from tracker.store import audit
from tracker.store.db import unit_of_work
from tracker.store.files import Original, pack, sha256_of
from tracker.store.models import Milestone, MilestoneEvidence, MilestoneFile


@dataclass(frozen=True)
class Document:
    """One evidence document of a milestone."""

    file_name: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {"file_name": self.file_name, "sha256": self.sha256, "size": self.size,
                "uploaded_by": self.uploaded_by,
                "uploaded_at": self.uploaded_at.isoformat(timespec="seconds")}


def _documents(session: Session, milestone: Milestone) -> list[Document]:
    rows = session.execute(
        select(MilestoneEvidence, MilestoneFile.size)
        .join(MilestoneFile, MilestoneFile.sha256 == MilestoneEvidence.sha256)
        .where(MilestoneEvidence.milestone_id == milestone.id)
        .order_by(MilestoneEvidence.uploaded_at, MilestoneEvidence.id))
    return [Document(e.file_name, e.sha256, size, e.uploaded_by, e.uploaded_at)
            for e, size in rows]


def documents(engine: Engine, force: str, key: str) -> list[Document]:
    """The evidence documents of a milestone, oldest first."""
    with unit_of_work(engine) as session:
        return _documents(session, find(session, force, key))


def _check_upload(file_name: str, content: bytes, max_bytes: int | None) -> str:
    name = file_name.strip()
    if not name:
        raise MilestoneError("An evidence document needs its file name.")
    if not content:
        raise MilestoneError(f"{name} is empty; attach the document itself.")
    if max_bytes is not None and len(content) > max_bytes:
        raise MilestoneError(f"{name} is {len(content) / 1e6:.1f} MB, over the limit of "
                             f"{max_bytes / 1e6:.1f} MB; attach a smaller copy (a PDF, say).")
    return name


def attach(engine: Engine, force: str, key: str, file_name: str, content: bytes, actor: str,
           *, max_bytes: int | None = None) -> Document:
    """Attach ``content`` to a milestone as evidence named ``file_name``. The content is
    stored once whatever it is attached to; attaching it to the same milestone again is
    refused."""
    name = _check_upload(file_name, content, max_bytes)
    sha256 = sha256_of(content)
    with unit_of_work(engine) as session:
        milestone = find(session, force, key)
        same = [d for d in _documents(session, milestone) if d.sha256 == sha256]
        if same:
            raise MilestoneError(
                f"{name} is attached to {key!r} already, as {same[0].file_name} (uploaded by "
                f"{same[0].uploaded_by} on {same[0].uploaded_at:%Y-%m-%d}); nothing changed.")
        if session.scalar(select(MilestoneFile.sha256).where(MilestoneFile.sha256 == sha256)) \
                is None:
            session.add(MilestoneFile(sha256=sha256, size=len(content), content=pack(content)))
            session.flush()
        session.add(MilestoneEvidence(milestone_id=milestone.id, sha256=sha256, file_name=name,
                                      uploaded_by=actor))
        audit.record(session, actor, "milestone-evidence-add", f"milestone:{force}/{key}",
                     file_name=name, sha256=sha256, size=len(content))
        session.flush()
        return next(d for d in _documents(session, milestone) if d.sha256 == sha256)


def _choose(key: str, docs: list[Document], wanted: str | None) -> Document:
    """The document named (by file name, or by the start of its SHA-256) or the only one."""
    if not docs:
        raise MilestoneError(f"Milestone {key!r} has no evidence documents yet.",
                             Refusal.NO_EVIDENCE)
    names = ", ".join(d.file_name for d in docs)
    if wanted is None:
        if len(docs) > 1:
            raise MilestoneError(f"Milestone {key!r} has {len(docs)} evidence documents "
                                 f"({names}); say which one.", Refusal.WHICH_DOCUMENT)
        return docs[0]
    found = [d for d in docs if d.file_name == wanted
             or (len(wanted) >= 8 and d.sha256.startswith(wanted.lower()))]
    if len(found) != 1:
        raise MilestoneError(f"No single evidence document {wanted!r} on {key!r}; it has: "
                             f"{names}.", Refusal.WHICH_DOCUMENT)
    return found[0]


def fetch(engine: Engine, force: str, key: str, actor: str,
          document: str | None = None) -> Original:
    """An evidence document of a milestone as it was uploaded (``document``: its file name
    or the start of its SHA-256, at least 8 characters; needed when there are several)."""
    with unit_of_work(engine) as session:
        chosen = _choose(key, _documents(session, find(session, force, key)), document)
        packed = session.execute(select(MilestoneFile.content)
                                 .where(MilestoneFile.sha256 == chosen.sha256)).scalar_one()
        audit.record(session, actor, "milestone-evidence-download",
                     f"milestone:{force}/{key}", file_name=chosen.file_name,
                     sha256=chosen.sha256)
    return Original(chosen.file_name, zlib.decompress(packed))
