"""User mappings of raw values (rank, department, module title, force) to canonical ones.

Stored in the database and reapplied on every later import; they win over the shipped
vocabularies. Keys are normalised the same way the vocabularies normalise their input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.reference import vocab
from tracker.reference.text import fold, squash
from tracker.store import audit
from tracker.store.models import ValueMapping

KINDS = ("rank", "department", "module", "force")


def mapping_key(kind: str, raw: str) -> str:
    """The normalised key a vocabulary looks a raw value up by."""
    return squash(raw) if kind == "rank" else fold(raw)


@dataclass
class Mappings:
    """User mappings by kind: {kind: {normalised raw value: canonical code}}."""

    by_kind: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in KINDS})

    def get(self, kind: str) -> dict[str, str]:
        return self.by_kind.setdefault(kind, {})


def load_mappings(session: Session) -> Mappings:
    out = Mappings()
    for row in session.scalars(select(ValueMapping)):
        out.get(row.kind)[row.raw_key] = row.canonical
    return out


def save_mapping(session: Session, kind: str, raw: str, canonical: str, actor: str) -> ValueMapping:
    """Map ``raw`` to ``canonical`` (replacing an earlier mapping of the same raw value).
    Raises ValueError with a helpful message for an unknown kind or canonical code."""
    if kind not in KINDS:
        raise ValueError(f"Unknown mapping kind {kind!r}; use one of: {', '.join(KINDS)}.")
    codes = vocab.known_codes(kind)
    if canonical not in codes:
        raise ValueError(f"Unknown {kind} {canonical!r}; use one of: {', '.join(codes)}.")
    key = mapping_key(kind, raw)
    row = session.scalars(
        select(ValueMapping).where(ValueMapping.kind == kind, ValueMapping.raw_key == key)
    ).first()
    if row is None:
        row = ValueMapping(kind=kind, raw_key=key, raw_example=raw.strip(), canonical=canonical,
                           created_by=actor)
        session.add(row)
    else:
        row.canonical, row.created_by = canonical, actor
    audit.record(session, actor, "map-value", f"{kind}:{raw.strip()}", canonical=canonical)
    return row
