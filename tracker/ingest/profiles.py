"""Source profiles: a column mapping a force saved for one layout of file, so the next file
of that layout needs no mapping again.

A layout is known by its header signature (``imports.layout_signature``: the headers, case
and punctuation blind, in any order). A profile holds the kind the layout was imported as
and the columns the user mapped (header as written -> field, or "ignore"); everything else
in the file is still recognised by its headers and values. Saving again merges: a later
mapping for a header replaces the earlier one. Saves and deletions are in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.ingest.records import FIELD_LABELS, Kind, Layout, ParsedFile
from tracker.reference.text import fold
from tracker.store import audit
from tracker.store.models import Force, SourceProfile, utcnow

IGNORE = "ignore"  # a column that feeds nothing (``imports.columns.IGNORE``)


class ProfileError(ValueError):
    """A profile cannot be saved as asked; the message says why."""


def field_name(text: str) -> str | None:
    """The field ``text`` names: a field name ("unit"), a field's label as people read it
    ("Department"), or "ignore"; None when it names none."""
    if text in FIELD_LABELS or text == IGNORE:
        return text
    wanted = fold(text)
    if wanted == IGNORE:
        return IGNORE
    return next((name for name, label in FIELD_LABELS.items()
                 if wanted in (fold(name), fold(label))), None)


def _force_id(session: Session, force_code: str) -> int | None:
    return session.scalars(select(Force.id).where(Force.code == force_code)).first()


def _merge(old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str]:
    """``old`` with ``new`` on top; headers compared case and punctuation blind."""
    replaced = {fold(h) for h in new}
    return {**{h: f for h, f in old.items() if fold(h) not in replaced}, **new}


def save_profile(session: Session, force_code: str, kind: Kind, signature: str,
                 headers: list[str], columns: Mapping[str, str], actor: str) -> SourceProfile:
    """Save ``columns`` (header -> field) for the force's files of this kind and layout,
    merged into the profile saved before, if any."""
    force_id = _force_id(session, force_code)
    if force_id is None:
        raise ProfileError(f"Unknown force {force_code!r}; the mapping was not saved.")
    unknown = sorted(f for f in columns.values() if field_name(f) != f)
    if unknown:
        raise ProfileError(f"Unknown field {unknown[0]!r}; use one of: "
                           f"{', '.join(FIELD_LABELS)} (or {IGNORE}).")
    row = session.scalars(select(SourceProfile).where(
        SourceProfile.force_id == force_id, SourceProfile.kind == kind.value,
        SourceProfile.signature == signature)).first()
    if row is None:
        row = SourceProfile(force_id=force_id, kind=kind.value, signature=signature,
                            headers=list(headers), columns=dict(columns), created_by=actor,
                            uses=0)
        session.add(row)
    else:
        row.columns = _merge(row.columns, columns)  # a new dict: the JSON change is seen
        row.headers, row.updated_at = list(headers), utcnow()
    session.flush()
    audit.record(session, actor, "save-profile", f"profile:{row.id}", force=force_code,
                 kind=kind.value, signature=signature, columns=dict(columns))
    return row


def load_layouts(session: Session, force_code: str,
                 kind: Kind | None = None) -> dict[str, Layout]:
    """The force's saved layouts by signature (only those of ``kind`` when given). Where
    one layout was saved as two kinds, the one saved or used last wins."""
    stmt = (select(SourceProfile).join(Force, Force.id == SourceProfile.force_id)
            .where(Force.code == force_code))
    if kind is not None:
        stmt = stmt.where(SourceProfile.kind == kind.value)
    rows = sorted(session.scalars(stmt),
                  key=lambda r: max(r.updated_at, r.last_used_at or r.updated_at))
    return {r.signature: Layout(r.signature, Kind(r.kind), dict(r.columns)) for r in rows}


def mark_used(session: Session, force_code: str, kind: Kind, signature: str) -> None:
    """Count one import that applied the force's saved mapping of this layout."""
    row = session.scalars(select(SourceProfile).join(Force, Force.id == SourceProfile.force_id)
                          .where(Force.code == force_code, SourceProfile.kind == kind.value,
                                 SourceProfile.signature == signature)).first()
    if row is not None:
        row.uses, row.last_used_at = row.uses + 1, utcnow()


def remember(session: Session, force_code: str, parsed: ParsedFile,
             columns: Mapping[str, str], actor: str) -> SourceProfile | None:
    """After ``parsed`` was imported: save the columns the user mapped (if any) for its
    layout, and count the use of a saved mapping (if one was applied). Returns the profile
    saved, or None."""
    saved = None
    if columns:
        saved = save_profile(session, force_code, parsed.kind, parsed.signature,
                             parsed.headers, _as_written(parsed.headers, columns), actor)
    if parsed.layout_used:
        mark_used(session, force_code, parsed.kind, parsed.signature)
    return saved


def _as_written(headers: list[str], columns: Mapping[str, str]) -> dict[str, str]:
    """The user's mapping with each header spelt as the file spells it."""
    by_text = {fold(h): h for h in headers if h}
    return {by_text.get(fold(h), h): f for h, f in columns.items()}


def list_profiles(session: Session, force_code: str | None = None) -> list[SourceProfile]:
    """The saved profiles (of one force, when given), oldest first."""
    stmt = select(SourceProfile).order_by(SourceProfile.id)
    if force_code is not None:
        stmt = stmt.join(Force, Force.id == SourceProfile.force_id).where(
            Force.code == force_code)
    return list(session.scalars(stmt))


def get_profile(session: Session, profile_id: int) -> SourceProfile | None:
    return session.get(SourceProfile, profile_id)


def delete_profile(session: Session, profile_id: int, actor: str) -> SourceProfile | None:
    """Delete a profile (files of its layout are recognised afresh); None if there is none."""
    row = session.get(SourceProfile, profile_id)
    if row is None:
        return None
    audit.record(session, actor, "delete-profile", f"profile:{profile_id}", kind=row.kind,
                 signature=row.signature, columns=dict(row.columns))
    session.delete(row)
    return row


def describe(session: Session, row: SourceProfile) -> dict[str, Any]:
    """A profile as plain data, for a listing or JSON."""
    force = session.get(Force, row.force_id)
    return {"id": row.id, "force": force.code if force else None, "kind": row.kind,
            "signature": row.signature, "columns": dict(row.columns),
            "headers": list(row.headers), "created_by": row.created_by,
            "created_at": row.created_at, "updated_at": row.updated_at,
            "last_used_at": row.last_used_at, "uses": row.uses}
