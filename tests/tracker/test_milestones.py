"""Recommendation 4's register of milestones: seeded per force from the shipped defaults,
edited and audited, evidence kept once per content and handed back byte for byte, and
progress against the deadline with its red/amber/green status (figures worked by hand)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from tracker.recommendations import evidence, milestones
from tracker.recommendations.demo import demo_register
from tracker.recommendations.milestones import (
    MilestoneError,
    MilestoneView,
    Recommendation,
    ShippedMilestone,
    add_milestone,
    edit_milestone,
    list_milestones,
    mark_done,
)
from tracker.recommendations.progress import assess, progress
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, MilestoneEvidence, MilestoneFile

FORCE = "avon-and-somerset"
TODAY = dt.date(2026, 3, 1)
DEADLINE = dt.date(2025, 12, 31)
SHIPPED = ["oic-profile", "strategic-intelligence-requirement", "intelligence-collection-plan"]


def _events(engine: Engine) -> list[tuple[str, str, str | None, dict[str, Any] | None]]:
    with unit_of_work(engine) as session:
        return [(e.actor, e.action, e.target, e.detail) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("milestone-%"))
            .order_by(AuditEvent.id))]


def _count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# ---------------------------------------------------------------- the register


def test_a_force_starts_with_the_three_shipped_milestones_once(engine: Engine) -> None:
    first = list_milestones(engine, FORCE)
    assert [(m.key, m.title, m.owner, m.due_on, m.status, m.done_on) for m in first] == [
        ("oic-profile", "OIC profile", None, DEADLINE, "not_started", None),
        ("strategic-intelligence-requirement", "Strategic Intelligence Requirement", None,
         DEADLINE, "not_started", None),
        ("intelligence-collection-plan", "Intelligence Collection Plan", None, DEADLINE,
         "not_started", None)]
    assert [m.key for m in list_milestones(engine, FORCE)] == SHIPPED
    assert [m.key for m in list_milestones(engine, "dorset")] == SHIPPED
    assert _events(engine) == [
        ("tracker", "milestone-seed", f"force:{FORCE}", {"keys": SHIPPED}),
        ("tracker", "milestone-seed", "force:dorset", {"keys": SHIPPED})]


def test_a_milestone_shipped_later_is_added_and_a_forces_edits_stay(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    edit_milestone(engine, FORCE, "oic-profile", "lead", today=TODAY, title="OIC profile 2025",
                   owner="Head of Intelligence")
    now = milestones.shipped()
    later = ShippedMilestone("data-sharing-agreement", "Data sharing agreement",
                             dt.date(2025, 11, 30), "")
    monkeypatch.setattr(milestones, "shipped", lambda: Recommendation(
        now.number, now.title, now.text, now.reference, now.deadline,
        (*now.milestones, later)))
    rows = list_milestones(engine, FORCE)
    assert [(m.key, m.title, m.owner) for m in rows] == [
        ("data-sharing-agreement", "Data sharing agreement", None),  # due first
        ("oic-profile", "OIC profile 2025", "Head of Intelligence"),
        ("strategic-intelligence-requirement", "Strategic Intelligence Requirement", None),
        ("intelligence-collection-plan", "Intelligence Collection Plan", None)]
    assert _events(engine)[-1] == ("tracker", "milestone-seed", f"force:{FORCE}",
                                   {"keys": ["data-sharing-agreement"]})


def test_an_edit_is_audited_field_by_field_and_an_edit_to_the_same_values_writes_nothing(
        engine: Engine) -> None:
    changed = edit_milestone(engine, FORCE, "oic-profile", "lead", today=TODAY,
                             owner="  Head of Intelligence ", due_on=dt.date(2025, 11, 30),
                             status="In-Progress")
    assert (changed.owner, changed.due_on, changed.status, changed.updated_by) == (
        "Head of Intelligence", dt.date(2025, 11, 30), "in_progress", "lead")
    edit_milestone(engine, FORCE, "oic-profile", "other", today=TODAY,
                   owner="Head of Intelligence", status="in progress")
    assert _events(engine)[1:] == [("lead", "milestone-edit", f"milestone:{FORCE}/oic-profile", {
        "owner": {"old": None, "new": "Head of Intelligence"},
        "due_on": {"old": "2025-12-31", "new": "2025-11-30"},
        "status": {"old": "not_started", "new": "in_progress"}})]


def test_marking_done_then_reopening_clears_the_date_done(engine: Engine) -> None:
    done = mark_done(engine, FORCE, "oic-profile", dt.date(2025, 11, 14), "lead", today=TODAY)
    assert (done.status, done.done_on) == ("done", dt.date(2025, 11, 14))
    reopened = edit_milestone(engine, FORCE, "oic-profile", "lead", today=TODAY,
                              status="not started")
    assert (reopened.status, reopened.done_on) == ("not_started", None)
    assert [e[3] for e in _events(engine)[1:]] == [
        {"status": {"old": "not_started", "new": "done"},
         "done_on": {"old": None, "new": "2025-11-14"}},
        {"status": {"old": "done", "new": "not_started"},
         "done_on": {"old": "2025-11-14", "new": None}}]


def test_an_added_milestone_gets_a_key_from_its_title_and_the_deadline(engine: Engine) -> None:
    added = add_milestone(engine, FORCE, " Information-sharing  agreement (ISA) ", "lead",
                          owner="Partnerships")
    assert (added.key, added.title, added.owner, added.due_on, added.status) == (
        "information-sharing-agreement-isa", "Information-sharing agreement (ISA)",
        "Partnerships", DEADLINE, "not_started")
    assert [m.key for m in list_milestones(engine, FORCE)] == [*SHIPPED, added.key]
    assert _events(engine)[-1] == (
        "lead", "milestone-add", f"milestone:{FORCE}/information-sharing-agreement-isa",
        {"title": "Information-sharing agreement (ISA)", "owner": "Partnerships",
         "due_on": "2025-12-31", "status": "not_started", "done_on": None})


REFUSALS = [
    (lambda e: edit_milestone(e, FORCE, "oic-profile", "u", today=TODAY, status="finished"),
     "Unknown status 'finished'; use one of: not started, in progress, done."),
    (lambda e: edit_milestone(e, FORCE, "oic-profile", "u", today=TODAY, status="done"),
     "A milestone marked done needs the date it was done."),
    (lambda e: mark_done(e, FORCE, "oic-profile", dt.date(2026, 3, 2), "u", today=TODAY),
     "The date done, 2026-03-02, is after today (2026-03-01); give the date it was done."),
    (lambda e: edit_milestone(e, FORCE, "oic-profile", "u", today=TODAY,
                              done_on=dt.date(2025, 11, 1)),
     "A date done (2025-11-01) goes only with the status done; this milestone would be not "
     "started. Mark it done, or leave the date out."),
    (lambda e: edit_milestone(e, FORCE, "oic-profile", "u", today=TODAY, title="  "),
     "A milestone needs a title (e.g. OIC profile)."),
    (lambda e: edit_milestone(e, FORCE, "oic-profile", "u", today=TODAY),
     "Nothing to change: give a new title, owner, due date, status or date done."),
    (lambda e: edit_milestone(e, FORCE, "icp", "u", today=TODAY, owner="x"),
     "No milestone 'icp' in the register of avon-and-somerset."),
    (lambda e: list_milestones(e, "atlantis"),
     "Unknown force 'atlantis'; use a force code such as avon-and-somerset."),
    (lambda e: add_milestone(e, FORCE, "OIC Profile", "u"),
     "The register of avon-and-somerset holds a milestone 'oic-profile' already; change "
     "that one, or give the new one another key."),
    (lambda e: add_milestone(e, FORCE, "***", "u"),
     "'***' makes no key: give one with letters or digits (e.g. oic-profile)."),
]


@pytest.mark.parametrize(("call", "message"), REFUSALS, ids=[m[:30] for _, m in REFUSALS])
def test_refusals_say_what_to_change_and_change_nothing(engine: Engine, call: Any,
                                                        message: str) -> None:
    register = list_milestones(engine, FORCE)
    before = _events(engine)
    with pytest.raises(MilestoneError) as refused:
        call(engine)
    assert str(refused.value) == message
    assert _events(engine) == before
    assert list_milestones(engine, FORCE) == register


# ---------------------------------------------------------------- evidence

CONTENT = bytes(range(256)) * 40  # every byte value, 10,240 bytes


def test_evidence_is_stored_once_per_content_and_comes_back_byte_for_byte(
        engine: Engine) -> None:
    first = evidence.attach(engine, FORCE, "oic-profile", "profile v1.pdf", CONTENT, "lead")
    evidence.attach(engine, FORCE, "strategic-intelligence-requirement", "copy.pdf",
                    CONTENT, "analyst")
    assert (first.size, first.uploaded_by) == (10240, "lead")
    assert first.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert (_count(engine, MilestoneFile), _count(engine, MilestoneEvidence)) == (1, 2)
    kept = evidence.fetch(engine, FORCE, "oic-profile", "inspector")
    assert (kept.file_name, kept.content) == ("profile v1.pdf", CONTENT)
    assert list_milestones(engine, FORCE)[0].evidence == ("profile v1.pdf",)
    assert [(e[0], e[1], e[3]) for e in _events(engine)[1:]] == [
        ("lead", "milestone-evidence-add",
         {"file_name": "profile v1.pdf", "sha256": first.sha256, "size": 10240}),
        ("analyst", "milestone-evidence-add",
         {"file_name": "copy.pdf", "sha256": first.sha256, "size": 10240}),
        ("inspector", "milestone-evidence-download",
         {"file_name": "profile v1.pdf", "sha256": first.sha256})]


def test_with_several_documents_the_one_wanted_is_named(engine: Engine) -> None:
    one = evidence.attach(engine, FORCE, "oic-profile", "v1.docx", b"version 1", "lead")
    evidence.attach(engine, FORCE, "oic-profile", "v2.docx", b"version 2", "lead")
    with pytest.raises(MilestoneError) as refused:
        evidence.fetch(engine, FORCE, "oic-profile", "lead")
    assert str(refused.value) == ("Milestone 'oic-profile' has 2 evidence documents "
                                  "(v1.docx, v2.docx); say which one.")
    assert evidence.fetch(engine, FORCE, "oic-profile", "lead", "v2.docx").content == \
        b"version 2"
    assert evidence.fetch(engine, FORCE, "oic-profile", "lead", one.sha256[:8]).content == \
        b"version 1"


EVIDENCE_REFUSALS = [
    (lambda e: evidence.attach(e, FORCE, "oic-profile", "empty.pdf", b"", "u"),
     "empty.pdf is empty; attach the document itself."),
    (lambda e: evidence.attach(e, FORCE, "oic-profile", "big.pdf", b"x" * 3_000_001, "u",
                               max_bytes=2_000_000),
     "big.pdf is 3.0 MB, over the limit of 2.0 MB; attach a smaller copy (a PDF, say)."),
    (lambda e: evidence.fetch(e, FORCE, "oic-profile", "u"),
     "Milestone 'oic-profile' has no evidence documents yet."),
]


@pytest.mark.parametrize(("call", "message"), EVIDENCE_REFUSALS,
                         ids=[m[:20] for _, m in EVIDENCE_REFUSALS])
def test_evidence_refusals(engine: Engine, call: Any, message: str) -> None:
    with pytest.raises(MilestoneError) as refused:
        call(engine)
    assert str(refused.value) == message
    assert _count(engine, MilestoneFile) == 0


def test_the_same_document_twice_on_one_milestone_is_refused(engine: Engine) -> None:
    evidence.attach(engine, FORCE, "oic-profile", "a.pdf", b"plan", "lead")
    with pytest.raises(MilestoneError) as refused:
        evidence.attach(engine, FORCE, "oic-profile", "b.pdf", b"plan", "other")
    day = dt.datetime.now(dt.UTC).date()
    assert str(refused.value) in {
        f"b.pdf is attached to 'oic-profile' already, as a.pdf (uploaded by lead on {d}); "
        "nothing changed." for d in (day, day - dt.timedelta(days=1))}
    assert _count(engine, MilestoneEvidence) == 1


# ---------------------------------------------------------------- progress


def _view(key: str, status: str = "not_started", done_on: dt.date | None = None,
          title: str | None = None) -> MilestoneView:
    return MilestoneView(key, title or key, None, DEADLINE, status, done_on, (), "t",
                         dt.datetime(2025, 6, 1))


# the register the inspection found developing: profile done 14 Nov, SIR 5 Dec, ICP going
FOUND = [_view("oic-profile", "done", dt.date(2025, 11, 14), "OIC profile"),
         _view("sir", "done", dt.date(2025, 12, 5), "SIR"),
         _view("icp", "in_progress", None, "ICP")]


@pytest.mark.parametrize(("as_of", "done", "status", "reason"), [
    (dt.date(2025, 11, 13), 0, "amber", "Amber: 0 of 3 milestones done; still to do by the "
     "deadline (31 Dec 2025, 48 days away): OIC profile (done later, on 14 Nov 2025); SIR (done "
     "later, on 5 Dec 2025); ICP (in progress)."),
    (dt.date(2025, 11, 14), 1, "amber", "Amber: 1 of 3 milestones done; still to do by the "
     "deadline (31 Dec 2025, 47 days away): SIR (done later, on 5 Dec 2025); ICP (in "
     "progress)."),
    (dt.date(2025, 12, 30), 2, "amber", "Amber: 2 of 3 milestones done; still to do by the "
     "deadline (31 Dec 2025, 1 day away): ICP (in progress)."),
    (dt.date(2025, 12, 31), 2, "amber", "Amber: 2 of 3 milestones done; still to do by the "
     "deadline (31 Dec 2025, today): ICP (in progress)."),
    (dt.date(2026, 1, 1), 2, "red", "Red: 2 of 3 milestones done by the deadline "
     "(31 Dec 2025); not done by it: ICP (in progress)."),
])
def test_progress_before_on_and_after_the_deadline(as_of: dt.date, done: int, status: str,
                                                   reason: str) -> None:
    got = assess(FOUND, as_of, DEADLINE, 4)
    assert (got.done, got.total, got.status, got.reason) == (done, 3, status, reason)


def test_done_after_the_deadline_counts_as_done_but_stays_red() -> None:
    late = [*FOUND[:2], _view("icp", "done", dt.date(2026, 1, 15), "ICP")]
    got = assess(late, dt.date(2026, 2, 1), DEADLINE, 4)
    assert (got.done, got.total, got.status, got.reason) == (
        3, 3, "red", "Red: 2 of 3 milestones done by the deadline (31 Dec 2025); not done by "
        "it: ICP (done later, on 15 Jan 2026).")


def test_all_done_is_green_from_the_day_the_last_is_done() -> None:
    on_time = [*FOUND[:2], _view("icp", "done", dt.date(2025, 12, 31), "ICP")]
    assert assess(on_time, dt.date(2025, 12, 30), DEADLINE, 4).status == "amber"
    for day in (dt.date(2025, 12, 31), dt.date(2026, 6, 1)):
        got = assess(on_time, day, DEADLINE, 4)
        assert (got.done, got.status, got.reason) == (
            3, "green", "Green: all 3 milestones done by 31 Dec 2025.")


def test_an_empty_register_is_never_green() -> None:
    before, after = (assess([], day, DEADLINE, 4) for day in (dt.date(2025, 12, 1),
                                                              dt.date(2026, 1, 1)))
    assert (before.done, before.total, before.status, before.reason) == (
        0, 0, "amber", "Amber: the register holds no milestones, and the deadline "
        "(31 Dec 2025) is 30 days away.")
    assert (after.status, after.reason) == (
        "red", "Red: the register holds no milestones, and the deadline (31 Dec 2025) has "
        "passed.")


def test_progress_reads_the_forces_register_and_says_its_rule(engine: Engine) -> None:
    mark_done(engine, FORCE, "oic-profile", dt.date(2025, 11, 14), "lead", today=TODAY)
    got = progress(engine, FORCE, dt.date(2025, 12, 1))
    assert got.to_dict() == {
        "recommendation": 4, "deadline": "2025-12-31", "as_of": "2025-12-01", "done": 1,
        "total": 3, "status": "amber", "rule": (
            "Green: every milestone in the register is done (and, once the deadline of 31 "
            "December 2025 has passed, was done by it). Amber: the deadline is still ahead "
            "and a milestone is not done yet. Red: the deadline has passed and a milestone "
            "was not done by it. A register with no milestones is never green. A milestone "
            "counts as done from the date it was done."),
        "reason": "Amber: 1 of 3 milestones done; still to do by the deadline (31 Dec 2025, "
        "30 days away): Strategic Intelligence Requirement (not started); Intelligence "
        "Collection Plan (not started)."}
    assert progress(engine, "dorset", dt.date(2025, 12, 1)).done == 0


# ---------------------------------------------------------------- the demo force


@pytest.mark.parametrize(("today", "states"), [
    (dt.date(2026, 3, 1), [("done", dt.date(2025, 11, 14), 1), ("done", dt.date(2025, 12, 5), 0),
                           ("in_progress", None, 0)]),
    (dt.date(2025, 11, 20), [("done", dt.date(2025, 11, 14), 1), ("in_progress", None, 0),
                             ("in_progress", None, 0)]),
])
def test_the_demo_force_has_a_register_in_realistic_states(
        engine: Engine, today: dt.date, states: list[tuple[str, dt.date | None, int]]) -> None:
    demo_register(engine, FORCE, today)
    rows = list_milestones(engine, FORCE)
    assert [(m.status, m.done_on, len(m.evidence)) for m in rows] == states
    assert all(m.owner for m in rows)


def test_the_demo_register_can_be_given_twice(engine: Engine) -> None:
    demo_register(engine, FORCE, TODAY)
    demo_register(engine, FORCE, TODAY)
    assert [len(m.evidence) for m in list_milestones(engine, FORCE)] == [1, 0, 0]
