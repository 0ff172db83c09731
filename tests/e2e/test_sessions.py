"""In the browser: a training lead opens Hydra sessions, reads the gap (2 still to train:
Bob Baker and Vic Vale; see tests/dashboards/test_sessions_page.py), adds a session of one
seat on 1 Apr 2026, has its invitation suggested (Bob Baker), downloads the list, and
moves the session to 8 Apr at the Hydra suite with 2 seats.

    /work/venv/bin/python -m pytest -m e2e tests/e2e/test_sessions.py -q
"""

from __future__ import annotations

import csv

import pytest

from tests.e2e.harness import WAIT_MS, login, nav, settle, shot

pytestmark = pytest.mark.e2e


def _metric(page: object, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has_text=label)  # type: ignore[attr-defined]
    return str(box.get_by_test_id("stMetricValue").inner_text()).strip()


def test_a_lead_plans_a_session_and_downloads_its_invitations(server: str,
                                                              browser: object) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1400})  # type: ignore[attr-defined]
    login(page, server, "demo-lead")
    nav(page, "Hydra sessions")
    page.get_by_role("heading", name="Hydra sessions").first.wait_for(  # type: ignore[attr-defined]
        timeout=WAIT_MS)
    assert (_metric(page, "Still to train"), _metric(page, "Seats planned"),
            _metric(page, "More sessions needed")) == ("2", "0", "1")
    day = page.get_by_test_id("stDateInput").get_by_role(  # type: ignore[attr-defined]
        "group", name="Date", exact=True)
    day.get_by_role("spinbutton").first.click()
    page.keyboard.type("01042026")  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert "".join(str(day.inner_text()).split()) == "01/04/2026"
    page.get_by_label("Venue", exact=True).fill("Portishead HQ")  # type: ignore[attr-defined]
    page.get_by_label("Seats", exact=True).fill("1")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Add session").click()  # type: ignore[attr-defined]
    page.get_by_text("Added the session of 1 Apr 2026 at Portishead HQ, 1 seat.").wait_for(
        timeout=WAIT_MS)
    settle(page)
    assert _metric(page, "Seats planned") == "1"
    page.get_by_role("button", name="Suggest invitations").click()  # type: ignore[attr-defined]
    page.get_by_text("Invited 1 more.").wait_for(timeout=WAIT_MS)
    settle(page)
    shot(page, "sessions-invitations")
    grid = page.get_by_test_id("stDataFrame").last  # type: ignore[attr-defined]
    cells = grid.get_by_role("gridcell", include_hidden=True).all_text_contents()
    assert "Bob Baker" in [c.strip() for c in cells], cells
    with page.expect_download() as caught:  # type: ignore[attr-defined]
        page.get_by_role("button", name="Download the list (csv)").click()
    with open(caught.value.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert (rows[0][0], rows[1][:2]) == ("Name", ["Bob Baker", "1002"])
    _edit_the_session(page)
    page.close()


def _edit_the_session(page: object) -> None:
    """Move the session to 8 Apr at the Hydra suite with 2 seats, in its edit form."""
    form = page.get_by_test_id("stForm").filter(  # type: ignore[attr-defined]
        has=page.get_by_role("button", name="Save changes"))  # type: ignore[attr-defined]
    day = form.get_by_role("group", name="Date", exact=True)
    day.get_by_role("spinbutton").first.click()
    page.keyboard.type("08042026")  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    form.get_by_label("Venue", exact=True).fill("Portishead HQ, Hydra suite")
    form.get_by_label("Seats", exact=True).fill("2")
    form.get_by_role("button", name="Save changes").click()
    page.get_by_text("Saved: the session is now 8 Apr 2026 at Portishead HQ, Hydra suite, "  # type: ignore[attr-defined]
                     "2 seats.").wait_for(timeout=WAIT_MS)
    settle(page)
    assert _metric(page, "Seats planned") == "2"
    shot(page, "sessions-edited")
