"""A force's register of milestones for recommendation 4: the shipped defaults
(``reference/data/milestones.toml``), added to a force's register on first use and never
over its edits; list, add, edit and mark done. Every change writes an audit event saying
who changed what, from what, to what."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.messages.hints import Advised, Refusal
from tracker.recommendations.wording import wording
from tracker.reference.text import fold
from tracker.store import audit
from tracker.store.db import unit_of_work
from tracker.store.models import Force, Milestone, MilestoneEvidence, utcnow

STATUSES = {"not_started": "not started", "in_progress": "in progress", "done": "done"}
SEEDER = "tracker"  # the actor recorded for the shipped milestones
EDITABLE = ("title", "owner", "due_on", "status", "done_on")


class MilestoneError(Advised):
    """A refused change to a register; the message says what to change."""


@dataclass(frozen=True)
class ShippedMilestone:
    key: str
    title: str
    due_on: dt.date
    description: str


@dataclass(frozen=True)
class Recommendation:
    number: int
    title: str
    text: str
    reference: str
    deadline: dt.date
    milestones: tuple[ShippedMilestone, ...]


@cache
def shipped() -> Recommendation:
    """Recommendation 4 (its words from ``recommendations.toml``) and the milestones every
    register starts with."""
    text = resources.files("tracker.reference.data").joinpath("milestones.toml").read_text(
        encoding="utf-8")
    rec = wording(4)
    steps = tuple(ShippedMilestone(m["key"], m["title"], m.get("due", rec.deadline),
                                   m.get("description", ""))
                  for m in tomllib.loads(text)["milestone"])
    return Recommendation(rec.number, rec.title, rec.text, rec.reference, rec.deadline, steps)


@dataclass(frozen=True)
class MilestoneView:
    """A milestone as every face shows it; ``evidence``: its documents' file names."""

    key: str
    title: str
    owner: str | None
    due_on: dt.date
    status: str
    done_on: dt.date | None
    evidence: tuple[str, ...]
    updated_by: str
    updated_at: dt.datetime

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    def done_by(self, day: dt.date) -> bool:
        return self.status == "done" and self.done_on is not None and self.done_on <= day

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "owner": self.owner,
                "due_on": self.due_on.isoformat(), "status": self.status,
                "done_on": self.done_on.isoformat() if self.done_on else None,
                "evidence": list(self.evidence), "updated_by": self.updated_by,
                "updated_at": self.updated_at.isoformat(timespec="seconds")}


# ---------------------------------------------------------------- the register


def force_id(session: Session, code: str) -> int:
    found = session.scalar(select(Force.id).where(Force.code == code))
    if found is None:
        raise MilestoneError(f"Unknown force {code!r}; use a force code such as "
                             "avon-and-somerset.")
    return found


def register(session: Session, force: str) -> list[Milestone]:
    """The force's milestones by due date, after adding each shipped one it does not hold
    yet (a held one is never changed; a first use by two people at once adds them once)."""
    fid = force_id(session, force)
    held = {k for k in session.scalars(select(Milestone.key).where(Milestone.force_id == fid))}
    new = [Milestone(force_id=fid, key=s.key, title=s.title, due_on=s.due_on,
                     status="not_started", created_by=SEEDER, updated_by=SEEDER)
           for s in shipped().milestones if s.key not in held]
    if new:
        try:
            with session.begin_nested():
                session.add_all(new)
            audit.record(session, SEEDER, "milestone-seed", f"force:{force}",
                         keys=[m.key for m in new])
        except IntegrityError:  # another session seeded them first
            pass
    return list(session.scalars(select(Milestone).where(Milestone.force_id == fid)
                                .order_by(Milestone.due_on, Milestone.id)))


def forces_with_registers(engine: Engine) -> list[str]:
    """The codes of the forces that hold a register (read, never seeded), in code order."""
    with unit_of_work(engine) as session:
        return list(session.scalars(select(Force.code).join(Milestone,
                                                            Milestone.force_id == Force.id)
                                    .distinct().order_by(Force.code)))


def find(session: Session, force: str, key: str) -> Milestone:
    """The force's milestone ``key`` (the register seeded first)."""
    for row in register(session, force):
        if row.key == key:
            return row
    raise MilestoneError(f"No milestone {key!r} in the register of {force}.",
                         Refusal.NO_MILESTONE, force=force)


def _views(session: Session, rows: list[Milestone]) -> list[MilestoneView]:
    names: dict[int, list[str]] = {r.id: [] for r in rows}
    for mid, name in session.execute(
            select(MilestoneEvidence.milestone_id, MilestoneEvidence.file_name)
            .where(MilestoneEvidence.milestone_id.in_(list(names)))
            .order_by(MilestoneEvidence.uploaded_at, MilestoneEvidence.id)):
        names[mid].append(name)
    return [MilestoneView(r.key, r.title, r.owner, r.due_on, r.status, r.done_on,
                          tuple(names[r.id]), r.updated_by, r.updated_at) for r in rows]


def list_milestones(engine: Engine, force: str) -> list[MilestoneView]:
    """The force's register, by due date (seeded with the shipped milestones on first use)."""
    with unit_of_work(engine) as session:
        return _views(session, register(session, force))


# ---------------------------------------------------------------- checks


def parse_status(text: str) -> str:
    """``not started``, ``in progress`` or ``done`` (any case, hyphens or underscores) as
    its code."""
    wanted = fold(text)
    for code, label in STATUSES.items():
        if wanted == label:
            return code
    raise MilestoneError(f"Unknown status {text!r}; use one of: {', '.join(STATUSES.values())}.")


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise MilestoneError("A milestone needs a title (e.g. OIC profile).")
    return title


def _key(text: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:64].strip("-")
    if not key:
        raise MilestoneError(f"{text!r} makes no key: give one with letters or digits "
                             "(e.g. oic-profile).")
    return key


def _check_done(status: str, done_on: dt.date | None, today: dt.date) -> None:
    if status == "done" and done_on is None:
        raise MilestoneError("A milestone marked done needs the date it was done.",
                             Refusal.DONE_WITHOUT_DATE)
    if status != "done" and done_on is not None:
        raise MilestoneError(f"A date done ({done_on.isoformat()}) goes only with the status "
                             f"done; this milestone would be {STATUSES[status]}. Mark it "
                             "done, or leave the date out.")
    if done_on is not None and done_on > today:
        raise MilestoneError(f"The date done, {done_on.isoformat()}, is after today "
                             f"({today.isoformat()}); give the date it was done.")


# ---------------------------------------------------------------- changes


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def add_milestone(engine: Engine, force: str, title: str, actor: str, *,
                  key: str | None = None, owner: str | None = None,
                  due_on: dt.date | None = None) -> MilestoneView:
    """Add a milestone to the force's register (due by the recommendation's deadline unless
    ``due_on`` says otherwise; its key made from the title unless given)."""
    title = _title(title)
    key = _key(key or title)
    with unit_of_work(engine) as session:
        rows = register(session, force)
        if any(r.key == key for r in rows):
            raise MilestoneError(f"The register of {force} holds a milestone {key!r} "
                                 "already; change that one, or give the new one another key.",
                                 Refusal.MILESTONE_EXISTS)
        row = Milestone(force_id=force_id(session, force), key=key, title=title,
                        owner=(owner or "").strip() or None,
                        due_on=due_on or shipped().deadline, status="not_started",
                        created_by=actor, updated_by=actor)
        session.add(row)
        session.flush()
        audit.record(session, actor, "milestone-add", f"milestone:{force}/{key}",
                     **{f: _shown(getattr(row, f)) for f in EDITABLE})
        return _views(session, [row])[0]


def _wanted(row: Milestone, given: dict[str, Any]) -> dict[str, Any]:
    """Each editable field as it would be after the edit: a status other than done clears
    the date done."""
    after = {f: getattr(row, f) for f in EDITABLE}
    after |= {f: v for f, v in given.items() if v is not None}
    if given.get("owner") is not None:
        after["owner"] = given["owner"].strip() or None
    if given.get("title") is not None:
        after["title"] = _title(given["title"])
    if given.get("status") is not None:
        after["status"] = parse_status(given["status"])
        if after["status"] != "done" and given.get("done_on") is None:
            after["done_on"] = None
    return after


def edit_milestone(engine: Engine, force: str, key: str, actor: str, *, today: dt.date,
                   title: str | None = None, owner: str | None = None,
                   due_on: dt.date | None = None, status: str | None = None,
                   done_on: dt.date | None = None) -> MilestoneView:
    """Change a milestone's title, owner ("" clears it), due date, status or date done.
    Audited as each field's old and new value; an edit that changes nothing writes
    nothing."""
    given = {"title": title, "owner": owner, "due_on": due_on, "status": status,
             "done_on": done_on}
    if all(v is None for v in given.values()):
        raise MilestoneError("Nothing to change: give a new title, owner, due date, status "
                             "or date done.")
    with unit_of_work(engine) as session:
        row = find(session, force, key)
        after = _wanted(row, given)
        _check_done(after["status"], after["done_on"], today)
        changed = {f: {"old": _shown(getattr(row, f)), "new": _shown(v)}
                   for f, v in after.items() if getattr(row, f) != v}
        if changed:
            for f in changed:
                setattr(row, f, after[f])
            row.updated_by, row.updated_at = actor, utcnow()
            audit.record(session, actor, "milestone-edit", f"milestone:{force}/{key}",
                         **changed)
        return _views(session, [row])[0]


def mark_done(engine: Engine, force: str, key: str, on: dt.date, actor: str, *,
              today: dt.date) -> MilestoneView:
    """Mark a milestone done on ``on`` (not after ``today``)."""
    return edit_milestone(engine, force, key, actor, today=today, status="done", done_on=on)
