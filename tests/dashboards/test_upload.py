"""Upload through the dashboard: preview, problems, confirm or cancel; coverage changes at
once; the unmatched learner reaches the Data quality queue and can be resolved there."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from dashboards import actions
from tests.dashboards.conftest import TODAY, app_for
from tracker import auth
from tracker.coverage import engine as coverage
from tracker.coverage.rules import load_rules
from tracker.ingest import mappings
from tracker.store import files
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent, ImportBatch, UnmatchedRecord

FILE = Path(__file__).parent / "data" / "lms-long-hal-hill.csv"
AMBIGUOUS = "Dates could be day-first or month-first"


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _upload(db: Engine) -> AppTest:
    at = app_for(db, "demo-lead", page="upload")
    at.file_uploader[0].upload(FILE.name, FILE.read_bytes(), "text/csv")
    return at.run()


def _batches(db: Engine) -> int:
    with unit_of_work(db) as session:
        return int(session.scalar(select(func.count()).select_from(ImportBatch)) or 0)


def test_upload_previews_then_imports_and_coverage_changes(db: Engine) -> None:
    before = coverage.compute(db, load_rules(), TODAY, force="avon-and-somerset").summary()
    at = _upload(db)
    assert not at.exception
    assert _metrics(at) == {"Rows read": "6", "New": "4", "Updated": "0", "Unchanged": "0",
                            "Rejected": "1", "Unmatched": "1"}
    problems = at.dataframe[-1].value
    assert sorted(problems["row"].tolist()) == [6, 7]
    assert set(problems["problem"]) == {"Course title not known",
                                        "Learner matches nobody on the roster"}
    batches = _batches(db)
    assert batches == 4  # nothing written by the preview
    at.button(key="upload_confirm").click().run()
    assert not at.exception
    assert at.success[0].value == (f"Imported {FILE.name} as batch #{batches + 1}: 5 rows "
                                   "accepted, 1 rejected, 1 unmatched.")
    after = coverage.compute(db, load_rules(), TODAY, force="avon-and-somerset").summary()
    assert after["completed"].tolist()[1] == before["completed"].tolist()[1] + 1
    at.switch_page("views/overview.py").run()
    assert [m.value for m in at.metric if m.label == "Coverage"][1] == \
        f"{after['coverage_pct'].tolist()[1]:.1f}%"
    with unit_of_work(db) as session:
        actors = session.execute(select(AuditEvent.actor).where(
            AuditEvent.action == "import")).scalars().all()
    assert actors == ["demo-lead"]


def test_cancel_imports_nothing(db: Engine) -> None:
    at = _upload(db)
    at.button(key="upload_cancel").click().run()
    assert at.info[0].value == "Cancelled: nothing was imported."
    assert _batches(db) == 4


def test_unmatched_learner_is_rejected_on_the_data_quality_page(db: Engine) -> None:
    at = _upload(db)
    at.button(key="upload_confirm").click().run()
    at.switch_page("views/data_quality.py").run()
    assert not at.exception
    queue = at.dataframe[0].value
    assert queue["display_name"].tolist() == ["Nobody Known"]
    at.button(key="dq_reject").click().run()
    assert not at.exception
    with unit_of_work(db) as session:
        statuses = session.scalars(select(UnmatchedRecord.status)).all()
    assert statuses == ["rejected"]


def test_a_file_imported_before_can_be_imported_again_after_a_new_mapping(db: Engine) -> None:
    """The training lead's loop: a row is rejected for an unknown course title, they map
    the title, upload the same file again, tick "Import it again", and only the row that
    can be read now is added."""
    at = _upload(db)
    at.button(key="upload_confirm").click().run()
    with unit_of_work(db) as session:
        mappings.save_mapping(session, "module", "OIC Module 9", "oic-el-4", "demo-lead")
    again = _upload(db)
    assert not again.exception
    assert again.warning[0].value.startswith(
        f"This file was imported before, as batch #{_batches(db)} (same content)")
    assert again.button(key="upload_confirm").disabled  # refused unless ticked
    [tick] = [c for c in again.checkbox if c.key.startswith("upload_again_")]
    tick.check().run()
    assert not again.exception
    assert _metrics(again) == {"Rows read": "6", "New": "1", "Updated": "0",
                               "Unchanged": "4", "Rejected": "0", "Unmatched": "1"}
    again.button(key="upload_confirm").click().run()
    assert again.success[0].value.startswith(f"Imported {FILE.name} as batch #")
    assert _batches(db) == 6


def _originals(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")
            if b.proto.label.endswith(" as uploaded")]


def test_the_uploaded_file_is_kept_and_a_training_lead_can_download_it(db: Engine) -> None:
    at = _upload(db)
    at.button(key="upload_confirm").click().run()
    batch = _batches(db)
    assert files.original(db, batch) == files.Original(FILE.name, FILE.read_bytes())
    at.switch_page("views/imports.py").run()
    at.selectbox(key="imports_batch").set_value(batch).run()
    assert _originals(at) == [f"Download {FILE.name} as uploaded"]
    lead = auth.CurrentUser("demo-lead", "training_lead", force_code="avon-and-somerset")
    assert actions.original_file(batch, lead)() == FILE.read_bytes()
    with unit_of_work(db) as session:
        assert session.scalars(select(AuditEvent.target).where(
            AuditEvent.action == "download-original")).all() == [f"batch:{batch}"]
    inspector = app_for(db, "demo-inspector", page="imports")
    inspector.selectbox(key="imports_batch").set_value(batch).run()
    assert not _originals(inspector)  # the file holds names and numbers
    with pytest.raises(actions.Refused):
        actions.original_file(batch, auth.CurrentUser("demo-inspector", "inspector"))


def test_the_training_lead_says_how_to_read_ambiguous_dates(db: Engine) -> None:
    ambiguous = Path(__file__).parents[1] / "data" / "dates-ambiguous.csv"
    at = app_for(db, "demo-lead", page="upload")
    at.file_uploader[0].upload(ambiguous.name, ambiguous.read_bytes(), "text/csv")
    at.run()
    [choice] = [r for r in at.radio if r.key.startswith("upload_dates_")]
    assert choice.value is None  # read day first until the lead says
    assert AMBIGUOUS in set(at.dataframe[-1].value["problem"])
    choice.set_value("month-first").run()
    assert not at.exception
    assert AMBIGUOUS not in set(at.dataframe[-1].value["problem"])
    assert [r.value for r in at.radio if r.key.startswith("upload_dates_")] == ["month-first"]
    at.button(key="upload_confirm").click().run()
    with unit_of_work(db) as session:
        dates = [r.payload["completed_on"] for r in session.scalars(select(UnmatchedRecord))
                 if r.payload["row"] == 2]
    assert dates == ["2026-02-03"]  # 02/03/2026 read month first: 3 February


def _strangers_file(folder: Path) -> Path:
    """Two learners of the seeded force and six nobody knows: implausible."""
    path = folder / "lms-mostly-strangers.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Staff Number", "Full Name", "Course Title", "Status",
                         "Completion Date"])
        writer.writerow(["1008", "Hal Hill", "OIC Module 1", "Completed", "10/01/2026"])
        writer.writerow(["1012", "Lee Lamb", "OIC Module 1", "Completed", "10/01/2026"])
        for n in range(6):
            writer.writerow([f"90{n}", f"Stranger {n}", "OIC Module 1", "Completed",
                             "10/01/2026"])
    return path


STRANGERS = ("lms-mostly-strangers.csv: 6 of the 8 learners of Avon and Somerset Constabulary "
             "in it (75%) match nobody on that force's roster, matched by \"Staff Number\" "
             "(staff number) and \"Full Name\" (name): their completions would not count.")


def test_a_referral_log_of_strangers_gets_a_log_fix_not_a_roster_one(db: Engine,
                                                                     tmp_path: Path) -> None:
    """The fix under a referral log's finding is about officers, not about a full roster."""
    path = tmp_path / "referrals-strangers.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Referral Date", "Incident Number", "Reporting Officer Staff No"])
        writer.writerows([f"0{1 + n}/02/2026", f"INC-{n}", f"99{n:03d}"] for n in range(8))
    at = app_for(db, "demo-lead", page="upload")
    at.file_uploader[0].upload(path.name, path.read_bytes(), "text/csv")
    at.run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("referrals-strangers.csv: 8 of the 8 officers it names (100%) "
                            "match nobody on the ")
    assert ("To fix: check that the log belongs to the force in the Force box above and "
            "that the column holds staff or collar numbers as the roster writes them") in error
    assert "Full roster" not in error


def test_an_implausible_file_says_why_and_waits_for_the_box(db: Engine,
                                                             tmp_path: Path) -> None:
    path = _strangers_file(tmp_path)
    at = app_for(db, "demo-lead", page="upload")
    at.file_uploader[0].upload(path.name, path.read_bytes(), "text/csv")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"{STRANGERS}\n\nTo fix: check that the file belongs to the force in the Force box "
        "above and that those columns hold what its roster holds; if the roster is out of "
        "date, upload the current one first. If the file is right, tick \"I have checked "
        'this file: import it anyway" below.']
    assert at.button(key="upload_confirm").disabled
    [tick] = [c for c in at.checkbox if c.key.startswith("upload_accept_")]
    assert tick.label == "I have checked this file: import it anyway"
    tick.check().run()
    assert not at.error
    assert at.warning[0].value == (f"{STRANGERS}\n\nYou have checked it: it will be imported "
                                   "anyway, and the audit log will say so.")
    assert _batches(db) == 4  # nothing written yet
    at.button(key="upload_confirm").click().run()
    assert at.success[0].value.startswith(f"Imported {path.name} as batch #5")
    with unit_of_work(db) as session:
        detail = session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "import")).one()
    assert [f["message"] for f in detail["implausible_accepted"]] == [STRANGERS]
