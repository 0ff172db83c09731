"""Deep links in the browser: a link opened while logged out shows the log-in form, and
after log-in the user lands on the page it pointed to with its filters; a page the role
may not open says so in words on the page they land on. And the app fetches nothing
from outside its own server (no icon font or favicon from a CDN)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.harness import OVERVIEW_TITLE, WAIT_MS, login, nav, settle, shot

pytestmark = pytest.mark.e2e

LINK = "/outstanding?req=oic-elearning&by=rank&asof=2026-03-01"
LANDS_ON = "OIC e-learning (all four modules): who is outstanding, as of 1 Mar 2026"


def _select_value(page: object, label: str) -> str:
    box = page.get_by_role("combobox", name=label, exact=True)  # type: ignore[attr-defined]
    return str(box.input_value())


def _date_value(page: object, label: str) -> str:
    field = page.get_by_test_id("stDateInput").get_by_role(  # type: ignore[attr-defined]
        "group", name=label, exact=True)
    return "".join(str(field.inner_text()).split())


def test_a_link_opened_logged_out_lands_there_after_log_in(server: str,
                                                           browser: object) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{server}{LINK}")
    page.get_by_label("User name").wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Outstanding by").count() == 0  # nothing shown before log-in
    login(page, f"{server}{LINK}", "demo-lead", lands_on=LANDS_ON)
    assert page.get_by_role("heading", name=LANDS_ON).count() == 1
    assert page.get_by_text(OVERVIEW_TITLE).count() == 0
    assert _select_value(page, "Requirement") == "OIC e-learning (all four modules)"
    assert _select_value(page, "Group by") == "Rank"
    assert _date_value(page, "As of") == "01/03/2026"
    assert page.get_by_text("Outstanding by rank").count() == 1
    url = urlsplit(page.url)
    assert url.path == "/outstanding"
    assert parse_qs(url.query) == {"req": ["oic-elearning"], "by": ["rank"],
                                   "asof": ["2026-03-01"]}
    shot(page, "deep-link-outstanding-after-login")
    page.close()


def test_a_page_the_role_may_not_open_says_so_after_log_in(server: str,
                                                           browser: object) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    login(page, f"{server}/upload?kind=lms-long", "demo-inspector")
    refusal = page.get_by_test_id("stAlert").filter(has_text="Upload page")
    assert refusal.inner_text().strip() == (
        "The link you followed opens the Upload page, which your role (Inspector "
        "(read-only)) cannot open, so you are on the Overview page instead. Ask an "
        "administrator if you need it.")
    assert page.locator("input[type=file]").count() == 0
    assert page.get_by_text(OVERVIEW_TITLE).count() == 1
    assert "kind=" not in page.url  # the refused page's filters are not kept
    shot(page, "deep-link-upload-refused-inspector")
    page.close()


def test_the_app_fetches_nothing_from_outside_its_server(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((server, "data:", "blob:")) else None)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    login(page, server, "demo-lead")
    for title in ("Coverage", "Outstanding", "Upload", "Reports"):
        nav(page, title)
    settle(page)
    assert outside == []
    assert failed == []
    page.close()
