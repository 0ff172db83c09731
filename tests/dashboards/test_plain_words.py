"""Pages speak the user's words: the force and departments by name (not code), the rules
file by name and date (never a server path), the upload's file types written out (and a
file of another type refused in words), the manager's Overview saying it is their
departments only; and the Admin page deactivates and reactivates users, but nobody
deactivates themself."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import Engine, select

from tests.dashboards.conftest import app_for
from tracker import auth
from tracker.coverage.rules import DEFAULT_RULES
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent

FORCE_NAME = "Avon and Somerset Constabulary"


def _texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    """Every piece of text the run shows, main area and sidebar."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "text", "info",
             "success", "warning", "error")
    return [str(e.value) for kind in kinds for e in getattr(at, kind)] + [
        str(e.value) for kind in ("caption", "markdown") for e in getattr(at.sidebar, kind)]


def _rules_file_words() -> str:
    changed = dt.datetime.fromtimestamp(DEFAULT_RULES.stat().st_mtime, tz=dt.UTC)
    return (f"Rules file: rules.toml (the tracker's standard rules), last changed "
            f"{changed.day} {changed:%b %Y at %H:%M} UTC, fingerprint "
            f"{hashlib.sha256(DEFAULT_RULES.read_bytes()).hexdigest()[:12]}.")


@pytest.mark.parametrize("username", ["demo-lead", "demo-manager", "demo-inspector"])
def test_the_sidebar_names_the_force(db: Engine, username: str) -> None:
    at = app_for(db, username)
    captions = [c.value for c in at.sidebar.caption]
    assert captions[0].startswith("Logged in as **Demo ")
    assert captions[0].endswith(f"** · {FORCE_NAME}")
    assert not any("avon-and-somerset" in text for text in _texts(at))


def test_the_managers_sidebar_and_overview_name_their_departments(db: Engine) -> None:
    at = app_for(db, "demo-manager")
    assert "Departments: Response, Neighbourhood" in [c.value for c in at.sidebar.caption]
    assert at.caption[0].value == "Your departments only: Response, Neighbourhood."
    lead = app_for(db, "demo-lead")
    assert not [c for c in lead.caption if c.value.startswith("Your departments only")]


def test_the_upload_page_names_the_force_and_the_file_types(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="upload")
    assert at.text_input(key="upload_force_fixed").value == FORCE_NAME
    assert ("Files it reads: CSV or text (.csv, .txt, .tsv), Excel (.xlsx, .xlsm, .xls) or "
            "OpenDocument (.ods), up to 200 MB each.") in [c.value for c in at.caption]


def test_a_file_of_another_type_is_refused_in_words(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="upload")
    at.file_uploader[0].upload("roster.pdf", b"%PDF-1.7", "application/pdf")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "roster.pdf is not a file this page reads, so it is left out. Save it from its "
        "system as CSV or text (.csv, .txt, .tsv), Excel (.xlsx, .xlsm, .xls) or "
        "OpenDocument (.ods) and upload that; remove it from the list above."]
    assert not at.metric and "upload_confirm" not in [b.key for b in at.button]  # not read


def test_reports_name_the_force_and_the_rules_file_without_a_path(db: Engine) -> None:
    at = app_for(db, "demo-manager", page="reports")
    assert not at.exception
    texts = _texts(at)
    assert next(t for t in texts if t.startswith("For ")).startswith(
        f"For {FORCE_NAME}, departments Response, Neighbourhood; every requirement;")
    assert _rules_file_words() in texts
    assert not [t for t in texts if str(DEFAULT_RULES.parent) in t]


def test_the_admin_rules_tab_names_the_file_without_a_path(db: Engine) -> None:
    at = app_for(db, "demo-admin", page="admin")
    captions = [c.value for c in at.caption]
    assert any(c.startswith(_rules_file_words()) for c in captions)
    assert not [c for c in captions if str(DEFAULT_RULES.parent) in c]


def _user_events(engine: Engine) -> list[tuple[str, str, str | None]]:
    with unit_of_work(engine) as session:
        return [(e.actor, e.action, e.target) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(
                ("user-activate", "user-deactivate"))))]


def test_admin_deactivates_and_reactivates_a_user_audited(db: Engine) -> None:
    at = app_for(db, "demo-admin", page="admin")
    at.selectbox(key="change_user").set_value("demo-manager").run()
    assert not at.button(key="deactivate").disabled and at.button(key="reactivate").disabled
    at.button(key="deactivate").click().run()
    assert [s.value for s in at.success] == [
        "demo-manager deactivated: their open sessions end at their next page."]
    at.selectbox(key="change_user").set_value("demo-manager").run()
    assert "demo-manager is deactivated: they cannot log in." in [c.value for c in at.caption]
    assert at.button(key="deactivate").disabled
    at.button(key="reactivate").click().run()
    assert [s.value for s in at.success] == ["demo-manager can log in again."]
    assert _user_events(db) == [("demo-admin", "user-deactivate", "demo-manager"),
                                ("demo-admin", "user-activate", "demo-manager")]


def test_an_admin_cannot_deactivate_themself(db: Engine) -> None:
    at = app_for(db, "demo-admin", page="admin")
    at.selectbox(key="change_user").set_value("demo-admin").run()
    assert at.button(key="deactivate").disabled
    assert at.button(key="deactivate").proto.help == (
        "You cannot deactivate your own account; another administrator can.")
    with unit_of_work(db) as session, pytest.raises(auth.AuthError) as refused:
        auth.set_active(session, "demo-admin", False, "demo-admin")
    assert str(refused.value) == ("You cannot deactivate your own account; another "
                                  "administrator can, if it is needed.")
    assert auth.authenticate(db, "demo-admin", auth.DEMO_USERS["demo-admin"][1]).ok
    assert _user_events(db) == []


def test_the_admin_page_lists_and_adds_users_by_force_and_department_names(db: Engine) -> None:
    at = app_for(db, "demo-admin", page="admin")
    users = at.dataframe[0].value.set_index("username")
    assert users.at["demo-lead", "force"] == FORCE_NAME
    assert users.at["demo-manager", "departments"] == "Response, Neighbourhood"
    assert at.selectbox(key="add_force").format_func("avon-and-somerset") == FORCE_NAME
    at.text_input(key="add_username").input("new.manager")
    at.selectbox(key="add_role").set_value("manager")
    at.selectbox(key="add_force").set_value("avon-and-somerset")
    at.multiselect(key="add_depts").set_value(["cid"])
    at.text_input(key="add_password").input("a long enough password")
    at.button(key="add_submit").click().run()
    assert [s.value for s in at.success] == ["Added new.manager."]
    with unit_of_work(db) as session:
        added = {u["username"]: u for u in auth.list_users(session)}["new.manager"]
    assert (added["force"], added["departments"]) == ("avon-and-somerset", "cid")


def test_the_person_picker_names_the_force(db: Engine) -> None:
    at = app_for(db, "demo-lead", page="person")
    at.text_input(key="person_query").input("Cat Cole").run()
    assert at.selectbox(key="person_pick").options == [f"Cat Cole · 1003 · {FORCE_NAME}"]
