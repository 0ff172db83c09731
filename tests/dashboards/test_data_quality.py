"""Data quality, Unknown values: the "Means" box starts empty and shows names, not codes;
Save mapping does nothing until a meaning is chosen (issue 11 item 7)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from tests.dashboards.conftest import app_for
from tracker.messages.problems import Code
from tracker.store.db import unit_of_work
from tracker.store.models import ImportBatch, ImportProblem, PersonState, ValueMapping


def _unknown_values(db: Engine) -> None:
    """A rank, a unit and a course title the vocabularies do not know."""
    with unit_of_work(db) as session:
        first, second = session.scalars(select(PersonState).order_by(PersonState.id)).all()[:2]
        first.rank, first.rank_raw = None, "Insp (T/Sgt)"
        second.department, second.unit = None, "Ops Support Hub"
        batch = session.scalars(select(ImportBatch).where(ImportBatch.kind == "lms-long")
                                .order_by(ImportBatch.id)).first()
        assert batch is not None
        session.add(ImportProblem(batch_id=batch.id, code=Code.UNKNOWN_MODULE.value,
                                  severity="error", row=7, column="Course Title",
                                  value="Legacy OIC course", message="Unknown module"))


def _mappings(db: Engine) -> int:
    with unit_of_work(db) as session:
        return int(session.scalar(select(func.count()).select_from(ValueMapping)) or 0)


def test_means_starts_empty_with_names_and_save_waits_for_a_choice(db: Engine) -> None:
    _unknown_values(db)
    at = app_for(db, "demo-lead", page="data_quality")
    assert not at.exception
    means = {kind: at.selectbox(key=f"dq_code_{kind}")
             for kind in ("rank", "department", "module")}
    assert {kind: box.value for kind, box in means.items()} == {
        "rank": None, "department": None, "module": None}
    assert "Inspector" in means["rank"].options and "inspector" not in means["rank"].options
    assert "Roads Policing" in means["department"].options
    assert means["module"].options[0] == "OIC Hydra exercise"
    assert means["module"].placeholder == "Choose the module it means"
    assert all(at.button(key=f"dq_map_{kind}").disabled for kind in means)  # no click
    assert _mappings(db) == 0


def test_a_chosen_name_saves_its_code(db: Engine) -> None:
    _unknown_values(db)
    at = app_for(db, "demo-lead", page="data_quality")
    at.selectbox(key="dq_code_department").set_value("roads-policing").run()
    assert not at.button(key="dq_map_department").disabled
    at.button(key="dq_map_department").click().run()
    assert not at.exception
    assert at.info[0].value.startswith(
        "Saved: department 'Ops Support Hub' means 'Roads Policing'.")
    with unit_of_work(db) as session:
        mapping = session.scalars(select(ValueMapping)).one()
    assert (mapping.kind, mapping.raw_example, mapping.canonical) == (
        "department", "Ops Support Hub", "roads-policing")
