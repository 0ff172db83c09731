"""In the browser: a training lead opens a link to the Outstanding page filtered to the
inspectors of CID (as the Coverage heatmap's drill-down makes it), or picks the same
filters on the page; the people table starts with what a manager chases with (name, rank,
department, unit, line manager, modules missing, days overdue), lists only CID inspectors
and shows no id.

    /work/venv/bin/python -m pytest -m e2e tests/e2e/test_outstanding.py -q
"""

from __future__ import annotations

import pytest

from tests.dashboards.conftest import PEOPLE
from tests.e2e.harness import WAIT_MS, login, nav, settle, shot
from tracker import auth

pytestmark = pytest.mark.e2e

LINK = "/outstanding?req=oic-elearning&asof=2026-03-01&rank=inspector&dept=cid"
TITLE = ("OIC e-learning (all four modules): who is outstanding — Inspectors in CID, "
         "as of {day}")
FIRST_HEADINGS = ["Name", "Rank", "Department", "Unit", "Line manager", "Modules missing",
                  "Days overdue"]
# e-learning not finished by CID inspectors: Cat Cole (2 of 4 modules), Dan Dale (none)
CID_INSPECTORS = sorted(name for _s, name, _w, rank, dept, done, _h in PEOPLE
                        if rank == "inspector" and dept == "cid" and done < 4)
OTHERS = [name for _s, name, *_rest in PEOPLE if name not in CID_INSPECTORS]


def _log_in_here(page: object) -> None:
    page.get_by_label("User name").fill("demo-lead")  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(  # type: ignore[attr-defined]
        auth.DEMO_USERS["demo-lead"][1])
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
    settle(page)


def _headers(grid: object) -> list[str]:
    """The column headings of a data grid, in order (its accessible table's header row)."""
    cells = grid.get_by_role("columnheader", include_hidden=True)  # type: ignore[attr-defined]
    cells.first.wait_for(state="attached", timeout=WAIT_MS)
    return [t.strip() for t in cells.all_text_contents()]


def _rows(grid: object) -> list[list[str]]:
    """The grid's body rows, as the text of their cells (all of them: the accessible table
    says how many rows the grid has, and a short list renders them all)."""
    table = grid.get_by_role("grid", include_hidden=True)  # type: ignore[attr-defined]
    rows = table.get_by_role("row", include_hidden=True).all()
    cells = [[c.strip() for c in r.get_by_role("gridcell", include_hidden=True)
              .all_text_contents()] for r in rows]
    body = [r for r in cells if r]
    assert len(body) == int(table.get_attribute("aria-rowcount")) - 1
    return body


def _shows_cid_inspectors(page: object, day: str, name: str) -> None:
    page.get_by_role("heading", name=TITLE.format(day=day)).wait_for(  # type: ignore[attr-defined]
        timeout=WAIT_MS)
    shot(page, name)
    people = page.get_by_test_id("stDataFrame").last  # type: ignore[attr-defined]
    headers = _headers(people)
    assert headers[:7] == FIRST_HEADINGS, headers
    assert not {"Person id", "Id", "person_id"} & set(headers)
    rows = _rows(people)
    assert sorted(r[0] for r in rows) == CID_INSPECTORS == ["Cat Cole", "Dan Dale"], rows
    assert {(r[1], r[2]) for r in rows} == {("Inspector", "CID")}, rows
    text = page.text_content("body")  # type: ignore[attr-defined]
    assert [n for n in OTHERS if n in text] == []


def test_a_link_to_cid_inspectors_lists_only_them(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    login(page, server, "demo-lead")
    # Opening a URL loads the page anew, a new session: log in again at the link.
    page.goto(server + LINK)  # type: ignore[attr-defined]
    _log_in_here(page)
    landed = page.get_by_text("who is outstanding")  # type: ignore[attr-defined]
    overview = page.get_by_text("OIC training coverage, as of")  # type: ignore[attr-defined]
    landed.or_(overview).first.wait_for(timeout=WAIT_MS)
    settle(page)
    if not landed.count():
        shot(page, "outstanding-link-lost-at-login")
        page.close()
        from dashboards import ui

        # ui.land (issue 13 item 1, on its own branch) takes a user where a link pointed;
        # until it is merged the link is lost at log-in, and after that it must not be.
        assert not hasattr(ui, "land"), "the link to Outstanding was lost at log-in"
        pytest.xfail("the link was lost at log-in: issue 13 item 1 (deep links) not in yet")
    _shows_cid_inspectors(page, "1 Mar 2026", "outstanding-link-cid-inspectors")
    page.close()


def _choose(page: object, test_id: str, label: str, option: str) -> None:
    box = page.get_by_test_id(test_id).filter(has_text=label)  # type: ignore[attr-defined]
    box.click()
    page.get_by_role("option", name=option, exact=True).click()  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    settle(page)


def test_the_filters_picked_on_the_page_make_the_same_link(server: str,
                                                           browser: object) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    login(page, server, "demo-lead")
    nav(page, "Outstanding")
    _choose(page, "stSelectbox", "Requirement", "OIC e-learning (all four modules)")
    _choose(page, "stMultiSelect", "Rank", "Inspector")
    _choose(page, "stMultiSelect", "Department", "CID")
    url = page.url  # type: ignore[attr-defined]
    assert "/outstanding?" in url and "rank=inspector" in url and "dept=cid" in url, url
    assert "req=oic-elearning" in url, url
    _shows_cid_inspectors(page, "2 Mar 2026", "outstanding-filters-cid-inspectors")
    page.close()
