"""The demo force's register: the three shipped milestones with owners and realistic
states (the OIC profile done in November 2025 with its document, the Strategic
Intelligence Requirement done in December, the Intelligence Collection Plan in progress).
A step dated after the demo's today stays in progress."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from tracker.recommendations.evidence import attach, documents
from tracker.recommendations.milestones import edit_milestone

ACTOR = "demo"
# key -> owner, date done (None: in progress), evidence document (name, first line)
DEMO: dict[str, tuple[str, dt.date | None, tuple[str, str] | None]] = {
    "oic-profile": ("Head of Intelligence", dt.date(2025, 11, 14),
                    ("OIC problem profile v1.0.txt", "Organised immigration crime: problem "
                     "profile, version 1.0 (synthetic demo document)")),
    "strategic-intelligence-requirement": ("Strategic Intelligence Manager",
                                           dt.date(2025, 12, 5), None),
    "intelligence-collection-plan": ("Intelligence Collection Manager", None, None),
}


def _document(title: str) -> bytes:
    return (f"{title}\n\nScope: the force area, 1 April 2024 to 30 September 2025.\n"
            "Sources: intelligence logs, NCCU referrals, partner agencies.\n"
            "This file was made for the demo database; it holds no real intelligence.\n"
            ).encode()


def demo_register(engine: Engine, force: str, today: dt.date) -> None:
    """Give ``force``'s register the demo states, as of ``today`` (again on a database
    that has them: the document is attached once)."""
    for key, (owner, done_on, document) in DEMO.items():
        done = done_on is not None and done_on <= today
        edit_milestone(engine, force, key, ACTOR, today=today, owner=owner,
                       status="done" if done else "in progress",
                       done_on=done_on if done else None)
        if document is not None and not documents(engine, force, key):
            attach(engine, force, key, document[0], _document(document[1]), ACTOR)
