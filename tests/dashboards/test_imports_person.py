"""The Imports and Person pages as a training lead reads them (issue 13, items 4 and 5):
the batch picker says "undone" right after an undo, the history's columns in reading order
with counts in words ("7 completions from 3 rows" for a wide Moodle file), "–" for a file
with no as-of date; the Person page in plain words (module names, "2 Mar 2026" dates, the
rule in words) with each completion's evidence as a table, and no code block."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Engine, select, update
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboards.data import HISTORY_COLUMNS, accepted_words
from tests.conftest import cli_db_url
from tests.dashboards.conftest import app_for
from tracker.cli import app as cli
from tracker.store.db import unit_of_work
from tracker.store.models import Completion, ImportBatch, Person

# A Moodle course completion report (one row per learner, a status and a date column per
# module) of three roster people: Hal Hill did all four modules, Lee Lamb two, Xan Xu one.
MOODLE = """Name,Email address,ID number,OIC Module 1,OIC Module 1 - Completion date,\
OIC Module 2,OIC Module 2 - Completion date,OIC Module 3,OIC Module 3 - Completion date,\
OIC Module 4,OIC Module 4 - Completion date,Course complete
Hal Hill,hal.hill@example.police.uk,1008,Completed,"03/02/26, 14:05",Completed,\
"04/02/26, 09:00",Completed (achieved pass grade),"05/02/26, 10:00",Completed,\
"06/02/26, 11:00","06/02/26, 11:00"
Lee Lamb,lee.lamb@example.police.uk,1012,Completed,"03/02/26, 14:05",Completed,\
"04/02/26, 09:00",Not completed,,Not completed,,
Xan Xu,xan.xu@example.police.uk,1024,Completed,"03/02/26, 14:05",Not completed,,\
Not completed,,Not completed,,
"""


def _batch_id(engine: Engine, file_name: str) -> int:
    with unit_of_work(engine) as session:
        return session.scalars(select(ImportBatch.id).where(
            ImportBatch.file_name == file_name)).one()


def _columns(at: AppTest, index: int = 0) -> dict[str, str]:
    """A table's headers as shown: column name -> label (from its column config)."""
    config = json.loads(at.dataframe[index].proto.columns)
    return {name: c.get("label", name) for name, c in config.items()}


# ---------------------------------------------------------------- Imports


def test_picker_says_undone_right_after_an_undo(db: Engine) -> None:
    batch_id = _batch_id(db, "lms-1.csv")
    at = app_for(db, "demo-lead", page="imports")
    at.selectbox(key="imports_batch").set_value(batch_id).run()
    assert at.selectbox(key="imports_batch").options[0] == (
        f"#{batch_id} · lms-1.csv · {_when(db, batch_id)} · committed")
    at.checkbox(key="undo_sure").check().run()
    at.button(key="undo_button").click().run()
    assert not at.exception
    picker = at.selectbox(key="imports_batch")
    label = f"#{batch_id} · lms-1.csv · {_when(db, batch_id)} · undone"
    assert picker.value == batch_id and picker.options[0] == label
    # The browser keeps the label it was sent last: the page sends the new one.
    assert picker.proto.set_value and picker.proto.raw_value == label
    assert at.caption[0].value == f"Batch #{batch_id} is undone; there is nothing to undo."


def _when(engine: Engine, batch_id: int) -> str:
    with unit_of_work(engine) as session:
        at = session.get(ImportBatch, batch_id).imported_at  # type: ignore[union-attr]
    return f"{at.day} {at:%b %Y %H:%M}"


def test_history_columns_in_reading_order_with_readable_labels(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="imports")
    shown = at.dataframe[0].value
    assert list(shown.columns) == HISTORY_COLUMNS
    assert list(shown.columns[:11]) == [
        "id", "file_name", "kind", "imported_at", "imported_by", "status", "rows_read",
        "rows_accepted", "accepted", "rows_rejected", "problems"]
    assert list(shown.columns[-2:]) == ["sha256", "file_kept"]
    labels = _columns(at)
    assert [labels[c] for c in ("rows_read", "rows_accepted", "rows_rejected", "problems",
                                "undone", "as_of", "sha256")] == [
        "Rows read", "Records accepted", "Rows rejected", "Problems", "Undone", "As of",
        "SHA-256"]
    assert list(shown["kind"]) == ["LMS export (a row per learner and course)", "HR roster"]


def test_as_of_is_a_dash_not_none_and_its_help_says_what_it_means(db: Engine) -> None:
    roster = _batch_id(db, "roster-1.csv")
    with unit_of_work(db) as session:
        session.execute(update(ImportBatch).where(ImportBatch.id == roster)
                        .values(as_of=dt.date(2025, 6, 1)))
    at = app_for(db, "demo-lead", page="imports")
    shown = at.dataframe[0].value
    assert dict(zip(shown["file_name"], shown["as_of"], strict=True)) == {
        "lms-1.csv": "–", "roster-1.csv": "1 Jun 2025"}
    assert "None" not in shown.astype(str).to_csv()
    help_text = json.loads(at.dataframe[0].proto.columns)["as_of"]["help"]
    assert help_text.startswith("The date the file describes: an HR roster's snapshot date")


def test_accepted_words() -> None:
    assert accepted_words("moodle-course-completion", 5161, 12866) == \
        "12,866 completions from 5,161 rows"
    assert accepted_words("hr-roster", 24, 24) == "24 people from 24 rows"
    assert accepted_words("lms-long", 1, 1) == "1 completion from 1 row"


def test_a_wide_moodle_file_says_completions_from_rows(db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "oic-course-completion.csv"
    path.write_text(MOODLE, encoding="utf-8")
    done = CliRunner().invoke(cli, ["--db", cli_db_url(db), "import", str(path), "--force",
                                    "avon-and-somerset", "--accept"])
    assert done.exit_code == 0, done.output
    at = app_for(db, "demo-lead", page="imports")
    row = at.dataframe[0].value.iloc[0]  # newest first
    # 3 rows (learners); 4 + 2 + 1 = 7 modules completed on them.
    assert (row["file_name"], row["rows_read"], row["rows_accepted"], row["accepted"]) == (
        "oic-course-completion.csv", 3, 7, "7 completions from 3 rows")
    assert row["kind"] == "Moodle course completion report"


def test_inspector_sees_problem_counts_and_the_same_columns(db: Engine) -> None:
    with unit_of_work(db) as session:
        from tracker.store.models import ImportProblem

        session.add(ImportProblem(batch_id=_batch_id(db, "lms-1.csv"), row=4, column="Date",
                                  code="bad-date", severity="error", value="Ann Able 31/02",
                                  message="is not a date"))
    at = app_for(db, "demo-inspector", page="imports")
    assert not at.exception and not at.checkbox  # no undo
    shown = at.dataframe[0].value
    assert list(shown.columns) == HISTORY_COLUMNS
    assert dict(zip(shown["file_name"], shown["problems"], strict=True)) == {
        "lms-1.csv": 1, "roster-1.csv": 0}
    assert "Ann Able" not in shown.to_csv()


# ---------------------------------------------------------------- Person


def _number_rows(engine: Engine, staff: str) -> None:
    """Give the person's completions the rows they came from (the seed has none)."""
    with unit_of_work(engine) as session:
        person = session.scalars(select(Person).where(Person.staff_number == staff)).one()
        completions = session.scalars(select(Completion).where(
            Completion.person_id == person.id).order_by(Completion.completed_on)).all()
        for row, completion in enumerate(completions, 2):
            completion.row = row


def _text(at: AppTest) -> str:
    parts = [*at.title, *at.header, *at.markdown, *at.caption, *at.warning, *at.info]
    return "\n".join(str(e.value) for e in parts)


def test_person_page_reads_in_plain_words(db: Engine) -> None:
    _number_rows(db, "1003")
    at = app_for(db, "demo-lead", page="person")
    at.text_input(key="person_query").input("Cat Cole").run()
    assert not at.exception
    assert not at.code  # no monospace dump
    text = _text(at)
    for words in ("Why a person has their status, as of 2 Mar 2026",
                  "Inspector, Police officer, CID (unit Cid); started 1 Jan 2015; active in "
                  "the HR roster of 1 Jun 2025.",
                  "On the roster on 2 Mar 2026; state taken from the latest roster snapshot",
                  "OIC Hydra exercise: Completed",
                  "Deadline 30 Apr 2026. In scope: Police officer, Inspector, in CID, one of "
                  "the departments this requirement covers.",
                  "Completed on 15 Sep 2025.",
                  "OIC e-learning (all four modules): Outstanding",
                  "In scope: Police officer, one of the workforce types this requirement "
                  "covers.",
                  "Still to do: Module 3, Module 4."):
        assert words in text, words
    for code in ("oic-el-", "oic-hydra", "police_officer", "clause", "2026-", "2025-"):
        assert code not in text, code
    status = at.dataframe[0].value
    assert list(status["requirement"]) == ["OIC Hydra exercise",
                                           "OIC e-learning (all four modules)"]
    evidence = at.dataframe[2].value  # the e-learning's completions
    assert list(evidence.columns) == ["module", "completed_on", "counted", "note",
                                      "file_name", "row", "imported_at", "imported_by"]
    assert evidence[["module", "completed_on", "counted", "file_name", "row",
                     "imported_by"]].values.tolist() == [
        ["OIC e-learning module 1: Understanding organised immigration crime",
         dt.date(2025, 9, 1), "Counted", "lms-1.csv", 2, "seed"],
        ["OIC e-learning module 2: Identifying and responding to OIC",
         dt.date(2025, 9, 8), "Counted", "lms-1.csv", 3, "seed"]]
    labels = _columns(at, 2)
    assert (labels["file_name"], labels["row"], labels["imported_at"]) == (
        "File", "Row", "Imported")


def test_person_page_exemption_and_out_of_scope_in_words(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="person")
    at.text_input(key="person_query").input("Dan Dale").run()
    text = _text(at)
    assert "OIC Hydra exercise: Exempt" in text
    assert "Exemption: Career break, from 1 Oct 2025 with no end date." in text
    at.text_input(key="person_query").input("Rae Reed").run()  # police staff, corporate
    text = _text(at)
    assert ("Not in scope: this requirement covers 2 groups of people and this person is "
            "in none: (1) workforce type is Police staff, not Police officer, Special "
            "constable or PCSO; (2) department is Corporate Services, not Control Room or "
            "Custody."
            ) in text


def test_manager_finds_only_people_of_their_departments(db: Engine) -> None:
    at = app_for(db, "demo-manager", page="person")
    at.text_input(key="person_query").input("Cat Cole").run()  # CID: not theirs
    assert at.warning[0].value == ("Nobody matches 'Cat Cole' in your departments. Check "
                                   "the spelling, or search by staff number.")
    assert not at.header
    at.text_input(key="person_query").input("Eve East").run()  # Response: theirs
    assert not at.exception
    assert "Police officer, Constable, in Response" not in _text(at)  # not in Hydra scope
    assert "Not in scope: rank is Constable, not Inspector." in _text(at)
