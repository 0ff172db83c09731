"""The Reports page offers a training lead each visiting force's Hydra delegate list
(``tracker.reports.visitors``): one line per force, an Excel and a CSV download, audited;
a manager, who uploads nothing, is not offered them.

The seeded database plus one delegate list of Avon and Somerset's (the demo users' force)
on which Wiltshire's Yan York attended on 10 February 2026."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import Engine, select

from dashboards import actions
from tests.dashboards.conftest import app_for
from tracker import auth
from tracker.store.db import force_ids, module_ids, unit_of_work
from tracker.store.models import AuditEvent, Completion, ImportBatch, Person

LEAD = auth.CurrentUser("demo-lead", "training_lead", force_code="avon-and-somerset")


def _delegate_list(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        forces, modules = force_ids(session), module_ids(session)
        batch = ImportBatch(file_name="hydra-feb.xlsx", sha256="f" * 64,
                            kind="hydra-delegates", force_id=forces["avon-and-somerset"],
                            imported_by="demo-lead", rows_read=1)
        session.add(batch)
        session.flush()
        yan = session.scalars(select(Person).where(Person.full_name == "Yan York")).one()
        session.add(Completion(person_id=yan.id, module_id=modules["oic-hydra"],
                               completed_on=dt.date(2026, 2, 10), source="hydra-delegates",
                               batch_id=batch.id))


def test_a_training_lead_downloads_a_visiting_forces_list(db: Engine) -> None:
    _delegate_list(db)
    at = app_for(db, "demo-lead", page="reports")
    assert not at.exception
    assert "**Wiltshire Police**: 1 delegate" in [m.value for m in at.markdown]
    buttons = {b.key: b.proto.label for b in at.get("download_button")
               if b.key.startswith("dl_visitors_")}
    assert buttons == {"dl_visitors_wiltshire_xlsx": "Wiltshire Police (Excel)",
                       "dl_visitors_wiltshire_csv": "Wiltshire Police (CSV)"}
    content = actions.visitors_file("wiltshire", "avon-and-somerset", "csv", LEAD)()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1:] == [["OIC Hydra exercise", "2026-02-10", "Yan York", "", "9001",
                         "Constable", "Wiltshire Police", "Attended"]]
    with unit_of_work(db) as session:
        event = session.scalars(select(AuditEvent)
                                .where(AuditEvent.action == "visitors-export")).one()
        assert (event.actor, event.target, event.detail["force"], event.detail["rows"]) == (
            "demo-lead", "visitors.csv", "wiltshire", 1)


def test_a_manager_is_not_offered_the_lists(db: Engine) -> None:
    _delegate_list(db)
    at = app_for(db, "demo-manager", page="reports")
    assert not at.exception
    assert not [b for b in at.get("download_button") if b.key.startswith("dl_visitors_")]
    with pytest.raises(actions.Refused):
        actions.visitors_file("wiltshire", None, "csv",
                              auth.CurrentUser("demo-manager", "manager"))


def test_no_visitors_yet_says_where_they_come_from(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="reports")
    assert [i.value for i in at.info] == [
        "No delegates from other forces yet. They appear here once the delegate lists of "
        "your Hydra sessions are uploaded on the Upload page."]
