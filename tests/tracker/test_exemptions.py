"""Exemptions: record, end, list; refusals explain themselves; every change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from tracker.coverage import exemptions
from tracker.store.db import force_ids, unit_of_work
from tracker.store.models import AuditEvent, ImportBatch, Person, PersonState, RosterSnapshot

REQS = ["oic-hydra", "oic-elearning"]


@pytest.fixture
def people(engine: Engine) -> dict[str, int]:
    """Two people of Avon and Somerset: one in Response, one in CID (roster of 1 Jan 2026)."""
    with unit_of_work(engine) as session:
        force = force_ids(session)["avon-and-somerset"]
        batch = ImportBatch(file_name="roster.csv", sha256="0" * 64, kind="hr-roster",
                            force_id=force, imported_by="test")
        session.add(batch)
        session.flush()
        snap = RosterSnapshot(force_id=force, batch_id=batch.id, as_of=dt.date(2026, 1, 1))
        session.add(snap)
        ids = {}
        for staff, name, dept in (("001", "Ann Able", "response"), ("002", "Bob Baker", "cid")):
            person = Person(force_id=force, staff_number=staff, full_name=name)
            session.add(person)
            session.flush()
            session.add(PersonState(snapshot_id=snap.id, person_id=person.id,
                                    as_of=snap.as_of, department=dept,
                                    workforce_type="police_officer", rank="inspector"))
            ids[name] = person.id
    return ids


def test_record_list_and_end(engine: Engine, people: dict[str, int]) -> None:
    with unit_of_work(engine) as session:
        ex = exemptions.record_exemption(
            session, people["Ann Able"], "oic-hydra", "Career break", dt.date(2026, 1, 10),
            "lead", known_requirements=REQS)
        ex_id = ex.id
    frame = exemptions.list_exemptions(engine, active_on=dt.date(2026, 2, 1))
    assert frame[["full_name", "department", "requirement", "reason", "active"]].to_dict(
        "records") == [{"full_name": "Ann Able", "department": "response",
                        "requirement": "oic-hydra", "reason": "Career break", "active": True}]
    with unit_of_work(engine) as session:
        exemptions.end_exemption(session, ex_id, dt.date(2026, 1, 31), "lead")
    assert exemptions.list_exemptions(engine, active_on=dt.date(2026, 2, 1)).empty
    assert len(exemptions.list_exemptions(engine)) == 1
    with unit_of_work(engine) as session:
        actions = [e.action for e in session.scalars(select(AuditEvent))]
    assert actions == ["exemption-record", "exemption-end"]


def test_managers_list_only_their_departments(engine: Engine, people: dict[str, int]) -> None:
    with unit_of_work(engine) as session:
        for pid in people.values():
            exemptions.record_exemption(session, pid, "oic-elearning", "Secondment",
                                        dt.date(2026, 1, 5), "lead")
    frame = exemptions.list_exemptions(engine, departments=["cid"])
    assert frame["full_name"].tolist() == ["Bob Baker"]
    assert list(frame.columns) == exemptions.LIST_COLUMNS


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"requirement": "oic-typo"}, "Unknown requirement 'oic-typo'; use one of: oic-hydra, "
                                  "oic-elearning."),
    ({"reason": "  "}, "Give a reason for the exemption"),
    ({"ends_on": dt.date(2026, 1, 1)}, "The end date 1 Jan 2026 is before the start date "
                                       "10 Jan 2026; pick an end on or after the start."),
    ({"person_id": 99999}, "No person with id 99999"),
])
def test_bad_requests_are_refused_with_a_reason(engine: Engine, people: dict[str, int],
                                                kwargs: dict, message: str) -> None:
    args = {"person_id": people["Ann Able"], "requirement": "oic-hydra", "reason": "Other",
            "starts_on": dt.date(2026, 1, 10), "actor": "lead", "known_requirements": REQS,
            **kwargs}
    with unit_of_work(engine) as session, pytest.raises(exemptions.ExemptionError) as err:
        exemptions.record_exemption(**args, session=session)
    assert str(err.value).startswith(message)


def test_active_means_active_on_tracker_today(engine: Engine, people: dict[str, int],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with unit_of_work(engine) as session:
        exemptions.record_exemption(
            session, people["Ann Able"], "oic-hydra", "Secondment", dt.date(2026, 1, 10),
            "lead", ends_on=dt.date(2026, 1, 20), known_requirements=REQS)
    monkeypatch.setenv("TRACKER_TODAY", "2026-01-15")
    assert exemptions.list_exemptions(engine)["active"].tolist() == [True]
    monkeypatch.setenv("TRACKER_TODAY", "2026-01-21")
    assert exemptions.list_exemptions(engine)["active"].tolist() == [False]
