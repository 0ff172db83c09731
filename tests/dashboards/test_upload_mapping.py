"""The Upload page's table of columns: shown before the preview numbers, editable; a change
reads the file again with it, Confirm saves it, and the next file of that layout needs no
clicks. A file refused for a missing column shows the table so the column can be mapped."""

from __future__ import annotations

import csv
import io

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import app_for
from tracker.store.db import unit_of_work
from tracker.store.models import Person, PersonState, SourceProfile

# The department column is headed "Patch" (a word recognition does not know) and holds no
# known unit: only the training lead can say what it is.
HEADERS = ["Staff Number", "Surname", "Forenames", "Rank", "Patch"]
FIRST = [["1001", "Able", "Ann", "Insp", "Zebra Squad"],
         ["1002", "Baker", "Bob", "Inspector", "Yak Team"]]
SECOND = [["1003", "Cole", "Cat", "Inspector", "Yak Team"]]


def _csv(headers: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue().encode()


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.checkbox(key="upload_full").uncheck()  # a partial update: nobody else leaves
    at.file_uploader[0].upload(name, content, "text/csv")
    return at.run()


def _table(at: AppTest) -> list[list[str]]:
    return at.data_editor[0].value[["Column in the file", "Feeds"]].values.tolist()


def _feed(at: AppTest, row: int, label: str) -> AppTest:
    """The training lead picks ``label`` in the "Feeds" cell of ``row``."""
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {row: {"Feeds": label}}, "added_rows": [], "deleted_rows": []}
    return at.run()


def _units(db: Engine) -> dict[str, str | None]:
    with unit_of_work(db) as session:
        rows = session.execute(select(Person.staff_number, PersonState.unit)
                               .join(PersonState, PersonState.person_id == Person.id)
                               .where(Person.staff_number.in_(["1001", "1002", "1003"]))
                               .order_by(PersonState.id)).all()
    return {staff: unit for staff, unit in rows}  # the latest state of each


def test_the_mapping_table_comes_before_the_numbers_and_a_change_rereads_the_file(
        db: Engine) -> None:
    at = _upload(app_for(db, "demo-lead", page="upload"), "first.csv", _csv(HEADERS, FIRST))
    assert not at.exception
    kinds = [type(e).__name__ for e in at.main]
    assert kinds.index("Dataframe") < kinds.index("Metric")
    assert _table(at) == [["Staff Number", "Staff number"], ["Surname", "Surname"],
                          ["Forenames", "Forenames"], ["Rank", "Rank"],
                          ["Patch", "(not used)"]]
    assert at.data_editor[0].value["Why"].tolist()[4] == (
        "no field of this kind of file fits its header or its values")
    _feed(at, 4, "Department")
    assert not at.exception
    assert _table(at)[4] == ["Patch", "Department"]
    assert at.data_editor[0].value["Why"].tolist()[4] == "chosen for this layout"
    assert set(at.dataframe[-1].value["problem"]) == {"Department not known"}  # Patch is read
    at.button(key="upload_confirm").click().run()
    assert at.success[0].value.endswith(
        "The column mapping is saved for later files like this one.")
    assert _units(db) == {"1001": "Zebra Squad", "1002": "Yak Team", "1003": "Cid"}
    with unit_of_work(db) as session:
        [profile] = session.scalars(select(SourceProfile)).all()
        assert (profile.kind, profile.columns, profile.created_by) == (
            "hr-roster", {"Patch": "unit"}, "demo-lead")


def test_the_next_file_of_the_same_layout_needs_no_clicks(db: Engine) -> None:
    at = _upload(app_for(db, "demo-lead", page="upload"), "first.csv", _csv(HEADERS, FIRST))
    _feed(at, 4, "Department").button(key="upload_confirm").click().run()
    order = [4, 2, 0, 1, 3]  # the same layout, its columns moved
    second = _upload(app_for(db, "demo-lead", page="upload"), "second.csv",
                     _csv([HEADERS[i] for i in order], [[r[i] for i in order] for r in SECOND]))
    assert not second.exception
    assert [i.value for i in second.info] == ["Using the saved mapping for this layout of file."]
    assert ["Patch", "Department"] in _table(second)
    second.button(key="upload_confirm").click().run()
    assert not second.success[0].value.endswith("like this one.")  # nothing new to save
    assert _units(db)["1003"] == "Yak Team"
    with unit_of_work(db) as session:
        assert session.scalars(select(SourceProfile.uses)).all() == [1]


def test_a_file_refused_for_a_missing_column_can_be_mapped_on_the_page(db: Engine) -> None:
    newcomers = [["7001", *FIRST[0][1:]], ["7002", *FIRST[1][1:]]]  # not on the roster
    at = _upload(app_for(db, "demo-lead", page="upload"), "tag.csv",
                 _csv(["Tag", *HEADERS[1:]], newcomers))
    assert not at.exception
    [error] = at.error
    assert error.value.startswith('tag.csv: no column was recognised as "Staff number".')
    assert error.value.endswith(
        "Choose the column that holds it in the table of columns below.")
    assert "--" not in error.value and "tracker " not in error.value  # no CLI words here
    assert not at.metric
    assert _table(at)[0] == ["Tag", "(not used)"]
    _feed(at, 0, "Staff number")
    assert not at.exception
    [error] = at.error  # now read, it lacks a department column: implausible
    assert error.value.endswith('To fix: choose the column that holds the department in the '
                                "table of columns below (Feeds: Department); the choice is "
                                'saved for later files like this one. If the file is right, '
                                'tick "I have checked this file: import it anyway" below.')
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {4: {"Feeds": "Department"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error
    assert _table(at)[0] == ["Tag", "Staff number"]
    assert {m.label: m.value for m in at.metric}["Rows read"] == "2"
    assert not at.button(key="upload_confirm").disabled


def test_the_mapping_is_saved_and_reapplied_on_postgresql(pg_db: Engine) -> None:
    at = _upload(app_for(pg_db, "demo-lead", page="upload"), "first.csv", _csv(HEADERS, FIRST))
    _feed(at, 4, "Department").button(key="upload_confirm").click().run()
    again = _upload(app_for(pg_db, "demo-lead", page="upload"), "second.csv",
                    _csv(HEADERS, SECOND))
    assert not again.exception
    assert ["Patch", "Department"] in _table(again)
    assert [i.value for i in again.info] == ["Using the saved mapping for this layout of file."]
