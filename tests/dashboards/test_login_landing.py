"""Where a user lands after logging in: the page and filters of the link they opened while
logged out; a page their role may not open is refused in words (and audited) on the page
they land on instead; after "Log out" the next log-in starts at the home page."""

from __future__ import annotations

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import APP, TIMEOUT
from tracker import auth
from tracker.store.db import unit_of_work
from tracker.store.models import AuditEvent

OVERVIEW_TITLE = "OIC training coverage, as of 2 Mar 2026"


def _opened(url_path: str, params: dict[str, str] | None = None) -> AppTest:
    """The app as a browser shows it at ``url_path`` (with ``params``), logged out."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.context["url"] = f"http://localhost:8501{url_path}"
    at.query_params.update(params or {})
    return at.run()


def _log_in(at: AppTest, username: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(auth.DEMO_USERS[username][1])
    return at.button(key="login_submit").click().run()


def _refusals(engine: Engine) -> list[tuple[str, str | None]]:
    with unit_of_work(engine) as session:
        return [(e.actor, e.target) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "page-refused"))]


def test_a_link_opened_logged_out_opens_after_log_in_with_its_filters(db: Engine) -> None:
    at = _opened("/outstanding", {"req": "oic-elearning", "by": "rank", "asof": "2026-03-01"})
    assert at.text_input(key="login_username") and not at.dataframe  # the log-in form only
    _log_in(at, "demo-lead")
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == [
        "OIC e-learning (all four modules): who is outstanding, as of 1 Mar 2026"]
    assert at.selectbox(key="f_req").value == "oic-elearning"
    assert at.selectbox(key="f_by").value == "rank"
    assert str(at.date_input(key="f_asof").value) == "2026-03-01"
    assert at.query_params == {"req": "oic-elearning", "by": "rank", "asof": "2026-03-01"}


def test_a_page_the_role_may_not_open_is_refused_in_words_after_log_in(db: Engine) -> None:
    at = _log_in(_opened("/upload", {"kind": "lms-long"}), "demo-inspector")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The link you followed opens the Upload page, which your role (Inspector "
        "(read-only)) cannot open, so you are on the Overview page instead. Ask an "
        "administrator if you need it."]
    assert at.title[0].value == OVERVIEW_TITLE and not at.file_uploader
    assert at.query_params == {}  # the refused page's filters are not kept
    assert _refusals(db) == [("demo-inspector", "upload")]


def test_a_manager_is_refused_the_imports_page_by_its_title(db: Engine) -> None:
    at = _log_in(_opened("/imports"), "demo-manager")
    assert [e.value for e in at.error] == [
        "The link you followed opens the Imports page, which your role (Manager) cannot "
        "open, so you are on the Overview page instead. Ask an administrator if you need it."]
    assert _refusals(db) == [("demo-manager", "imports")]


def test_the_national_page_for_a_user_of_one_force_is_explained_not_refused(
        db: Engine) -> None:
    at = _log_in(_opened("/national"), "demo-inspector")
    assert not at.error and at.title[0].value == OVERVIEW_TITLE
    assert [i.value for i in at.info] == [
        "The link you followed opens the National page, which compares forces; you see one "
        "force, so you are on the Overview page instead."]
    assert _refusals(db) == []


def test_an_unknown_address_lands_on_the_overview_quietly(db: Engine) -> None:
    at = _log_in(_opened("/no-such-page", {"x": "1"}), "demo-lead")
    assert not at.exception and not at.error and not at.info
    assert at.title[0].value == OVERVIEW_TITLE and at.query_params == {}


def test_after_log_out_the_next_log_in_starts_at_the_home_page(db: Engine) -> None:
    at = _log_in(_opened("/coverage", {"req": "oic-elearning"}), "demo-lead")
    assert at.title[0].value.startswith("OIC e-learning (all four modules) coverage")
    at.button(key="logout").click().run()
    assert at.text_input(key="login_username") and at.query_params == {}
    _log_in(at, "demo-inspector")
    assert not at.exception and not at.error
    assert at.title[0].value == OVERVIEW_TITLE
