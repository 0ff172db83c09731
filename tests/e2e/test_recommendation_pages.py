"""End to end: the recommendation pages (Recommendations, NCCU referrals, OIC plan) in
Chromium, on the seeded force with the hand-worked referral logs of
``tests/dashboards/test_referrals_page.py``. A training lead and an inspector open each
page from the sidebar: no exception, the expected headings, no serious or critical axe-core
finding (``test_accessibility.py``'s rules), and the inspector's NCCU
referrals page holds no name and no staff number of the seeded people. Screenshots under
``screenshots/`` (``recommendation-pages-<role>-<page>.png``)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.dashboards.conftest import PEOPLE, TODAY, seed
from tests.dashboards.test_referrals_page import MANAGERS, add_logs
from tests.e2e.harness import dashboard, login, nav, shot
from tests.e2e.test_accessibility import BLOCKING, axe_violations, describe
from tracker import auth
from tracker.store.db import init_db, make_engine

pytestmark = pytest.mark.e2e

# page title in the sidebar -> headings it shows (its title first)
HEADINGS = {
    "Recommendations": ["HMICFRS recommendations, as of 2 Mar 2026",
                        "Recommendation 2: Intelligence documents for NCCU referrals"],
    "NCCU referrals": ["NCCU referrals, as of 2 Mar 2026", "By month",
                       "By department of the reporting officer",
                       "By rank of the reporting officer",
                       "Referrals with no document, to chase",
                       "Why a referral stands as it does"],
    "OIC plan": ["OIC plan (recommendation 4), as of 2 Mar 2026", "Evidence documents"],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e-recommendations")
    url = f"sqlite:///{folder / 'tracker.db'}"
    engine = make_engine(url)
    init_db(engine)
    seed(engine)
    add_logs(engine)
    auth.ensure_demo_users(engine)
    engine.dispose()
    env = {**os.environ, "TRACKER_DB_URL": url, "TRACKER_TODAY": TODAY.isoformat(),
           "TRACKER_DATA_DIR": str(folder)}
    for name in ("TRACKER_AUTH", "TRACKER_REFERRAL_WINDOW_DAYS",
                 "TRACKER_PSEUDONYMISE_INSPECTORS"):
        env.pop(name, None)
    with dashboard(folder, env) as base:
        yield base


@pytest.mark.parametrize("username", ["demo-lead", "demo-inspector"])
def test_each_recommendation_page_opens_with_its_headings(server: str, browser: object,
                                                          username: str) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1800})  # type: ignore[attr-defined]
    login(page, server, username)
    role = auth.DEMO_USERS[username][0].replace("_", "-")
    texts = {}
    for title, headings in HEADINGS.items():
        nav(page, title)
        assert page.get_by_test_id("stException").count() == 0, title
        for heading in headings:
            page.get_by_role("heading", name=heading, exact=True).first.wait_for(
                timeout=5_000)
        texts[title] = page.locator("body").inner_text()  # type: ignore[attr-defined]
        blocking = [describe(v) for v in axe_violations(page) if v["impact"] in BLOCKING]
        assert not blocking, (title, blocking)  # WCAG 2.2 AA, with data on the page
        shot(page, f"recommendation-pages-{role}-{title.lower().replace(' ', '-')}")
    page.close()
    referrals = texts["NCCU referrals"]  # the page's words (a table is drawn on a canvas)
    assert "50.0%" in referrals and "3 of 6" in referrals
    names = [name for _s, name, *_ in PEOPLE if name in referrals]
    numbers = [n for n in ("1005", *MANAGERS, *MANAGERS.values()) if n in referrals]
    # the why of the newest referral, INC-0006, reported by Eve East (1005)
    if username == "demo-inspector":
        assert (names, numbers) == ([], [])
        assert "Referral INC-0006, reported on 27 Feb 2026 by officer P-" in referrals
    else:
        assert "Referral INC-0006, reported on 27 Feb 2026 by officer 1005 (Eve East)" \
            in referrals
