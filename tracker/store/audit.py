"""The audit log: who did what, when. Every upload, undo, mapping, exemption and export."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tracker.store.models import AuditEvent


def record(session: Session, actor: str, action: str, target: str | None = None,
           **detail: Any) -> AuditEvent:
    """Add an audit event to the session's unit of work (committed with it)."""
    event = AuditEvent(actor=actor, action=action, target=target, detail=detail or None)
    session.add(event)
    return event
