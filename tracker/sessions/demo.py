"""The demo force's Hydra sessions: three planned in the weeks after the demo's today, the
first with its invitations suggested, so the Hydra sessions page has a plan to show. Given
twice, it adds nothing the second time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from tracker.coverage.rules import RuleSet
from tracker.sessions.invites import invite_suggested
from tracker.sessions.register import add_session, list_sessions

ACTOR = "demo"
# days after today, seats
DEMO = ((14, 12), (35, 12), (56, 16))
VENUE = "Portishead HQ, Hydra suite"
TRAINER = "Hydra trainer (demo)"


def demo_sessions(engine: Engine, rules: RuleSet, force: str, today: dt.date) -> None:
    """Plan the demo sessions of each requirement delivered in sessions, unless the force
    holds sessions of it already."""
    for req in (r for r in rules.requirements if r.in_sessions):
        if list_sessions(engine, force=force, requirement=req.id):
            continue
        added = [add_session(engine, rules, force, req.id, today + dt.timedelta(days=days),
                             VENUE, seats, ACTOR, trainer=TRAINER) for days, seats in DEMO]
        invite_suggested(engine, rules, added[0].id, today, ACTOR)
