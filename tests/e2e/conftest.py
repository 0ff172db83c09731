"""Fixtures of the browser suite: the dashboard on a seeded temporary database, and
Debian's Chromium driven by Playwright. Skipped when either is missing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboards.conftest import TODAY, seed
from tests.e2e.harness import (
    CHROMIUM,
    NATIONAL_INSPECTOR,
    SHOTS,
    dashboard,
    import_named_problems,
)
from tracker import auth
from tracker.store.db import init_db, make_engine, unit_of_work

playwright_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}; install Debian's chromium package",
                allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'tracker.db'}"
    engine = make_engine(url)
    init_db(engine)
    seed(engine)
    auth.ensure_demo_users(engine)
    with unit_of_work(engine) as session:
        auth.add_user(session, *NATIONAL_INSPECTOR[:1], "inspector", NATIONAL_INSPECTOR[1],
                      "e2e")
    engine.dispose()
    env = {**os.environ, "TRACKER_DB_URL": url, "TRACKER_TODAY": TODAY.isoformat(),
           "TRACKER_DATA_DIR": str(folder)}
    env.pop("TRACKER_AUTH", None)
    import_named_problems(url, env)
    with dashboard(folder, env) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    SHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()




def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``--dist loadgroup``), a browser file's tests run on one worker,
    so its dashboard server and browser start once, not once a worker."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
