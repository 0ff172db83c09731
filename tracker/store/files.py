"""Uploaded files kept as they came: stored once per content in the import's transaction,
and handed back byte for byte (the evidence behind a batch, for whoever may see it)."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tracker.store.db import unit_of_work
from tracker.store.models import ImportBatch, ImportFile


@dataclass(frozen=True)
class Original:
    file_name: str
    content: bytes


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def pack(content: bytes) -> bytes:
    """The stored form of a file: zlib at its quickest level (a 100 MB csv in about 0.7 s;
    an xlsx is a zip already and hardly shrinks)."""
    return zlib.compress(content, 1)


def keep(session: Session, sha256: str, file_name: str, content: bytes,
         packed: Callable[[], bytes] | None = None) -> None:
    """Store ``content`` (whose SHA-256 is ``sha256``) unless that content is kept already.
    ``packed`` gives ``pack(content)`` when the caller has it made elsewhere."""
    kept = session.scalar(select(ImportFile.sha256).where(ImportFile.sha256 == sha256))
    if kept is None:  # (not session.get: that would load the stored bytes to say yes)
        session.add(ImportFile(sha256=sha256, file_name=file_name, size=len(content),
                               content=packed() if packed else pack(content)))


def original(engine: Engine, batch_id: int) -> Original | None:
    """The file batch ``batch_id`` imported, as uploaded (None when it was not kept: a
    batch imported before files were kept)."""
    with unit_of_work(engine) as session:
        row = session.execute(
            select(ImportBatch.file_name, ImportFile.content)
            .join(ImportFile, ImportFile.sha256 == ImportBatch.sha256)
            .where(ImportBatch.id == batch_id)).first()
    if row is None:
        return None
    return Original(row.file_name, zlib.decompress(row.content))
