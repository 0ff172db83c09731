"""The dashboard says what to do in its own words: a page and a button, never a command
(issue 13 item 6). Problems tables carry a "What to do" column from ``tracker.messages.hints``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboards import actions
from tests.dashboards.conftest import app_for, as_user

FILE = Path(__file__).parent / "data" / "lms-long-hal-hill.csv"
COMMAND = re.compile(r"\btracker [a-z]+|`|--[a-z]")
MAP_MODULE = ("Map it once on the Data quality page (Unknown values, Save mapping), then "
              "upload the file again on the Upload page.")
CONFIRM = ("Confirm who they are on the Data quality page (Unmatched learners, Confirm "
           "match), or mark them Not one of ours.")


def _shown(at: AppTest, tables: bool) -> list[str]:
    """Every sentence the page shows, and (``tables``) every table cell."""
    texts = [e.value for kind in ("markdown", "caption", "error", "warning", "info",
                                  "success", "title", "subheader") for e in getattr(at, kind)]
    for frame in at.dataframe if tables else []:
        texts += [str(v) for v in pd.DataFrame(frame.value).astype(str).to_numpy().ravel()]
    return [str(t) for t in texts]


def _no_command(at: AppTest, tables: bool = True) -> None:
    assert not at.exception
    assert [t for t in _shown(at, tables) if COMMAND.search(t)] == []


def _upload(db: Engine) -> AppTest:
    at = app_for(db, "demo-lead", page="upload")
    at.file_uploader[0].upload(FILE.name, FILE.read_bytes(), "text/csv")
    return at.run()


def test_upload_and_imports_problems_say_what_to_do_on_a_page(db: Engine) -> None:
    at = _upload(db)
    _no_command(at)
    problems = at.dataframe[-1].value
    assert dict(zip(problems["problem"], problems["what_to_do"], strict=True)) == {
        "Course title not known": MAP_MODULE, "Learner matches nobody on the roster": CONFIRM}
    at.button(key="upload_confirm").click().run()
    at.switch_page("views/imports.py").run()
    _no_command(at)
    problems = at.dataframe[-1].value
    assert problems.columns.tolist()[-1] == "what_to_do"
    assert set(problems["what_to_do"]) == {MAP_MODULE, CONFIRM}


def test_an_already_imported_file_names_the_pages_and_the_box(db: Engine) -> None:
    at = _upload(db)
    at.button(key="upload_confirm").click().run()
    at = _upload(db)
    _no_command(at)
    assert any(w.value.startswith("This file was imported before, as batch #") for w in
               at.warning)
    lead = as_user(db, "demo-lead")
    again = actions.plan_upload(FILE.name, FILE.read_bytes(), lead, "avon-and-somerset",
                                kind=None, as_of=None, full_roster=True)
    assert again.error is not None and not COMMAND.search(again.error)
    assert again.error.endswith(
        "on the Imports page (Undo batch), then upload the file again; or tick \"Import it "
        "again\" under the file on the Upload page (rows already stored stay as they are).")
    assert "undo batch #5 on the Imports page" in again.error


def test_refusals_of_actions_name_the_page(db: Engine) -> None:
    lead = as_user(db, "demo-lead")
    assert actions.undo(999, lead) == (
        "No import batch 999. Choose one from the list on the Imports page.")
    assert actions.reject_match(999, lead) == (
        "No unmatched record 999. Choose one of the learners listed on the Data quality page "
        "(Unmatched learners).")


def test_the_admin_page_says_what_to_do_in_its_own_words(db: Engine) -> None:
    at = app_for(db, "demo-admin", page="admin")
    at.text_input(key="add_username").input("demo-lead")
    at.text_input(key="add_password").input("a long enough password")
    at.button(key="add_submit").click().run()
    _no_command(at, tables=False)  # the audit log's actors include "tracker demo"
    assert at.error[0].value == ("User 'demo-lead' exists already. Change it under Change a "
                                 "user below (Set role, Reset password).")
    at.text_input(key="add_username").input("new.manager")
    at.selectbox(key="add_role").set_value("manager")
    at.button(key="add_submit").click().run()
    _no_command(at, tables=False)  # the audit log's actors include "tracker demo"
    assert at.error[0].value == (
        'A manager sees only their departments. Choose at least one under "Departments, for '
        'a manager".')
