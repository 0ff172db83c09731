"""End to end: the real dashboard (``streamlit run``) on a free local port against a
temporary database, driven in headless Chromium (Debian's package) with Playwright.

A training lead logs in, uploads an e-learning export through the file uploader, confirms
it, sees the e-learning coverage change and downloads the compliance report; an inspector
logs in and finds no Upload page, not even by its URL. Screenshots of each page are saved
under ``screenshots/``.

    /work/venv/bin/python -m pytest -m e2e tests/e2e -q
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboards.conftest import ROOT, TODAY, seed
from tracker import auth
from tracker.db import init_db, make_engine

pytestmark = pytest.mark.e2e

CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "screenshots"
UPLOAD = ROOT / "tests" / "dashboards" / "data" / "lms-long-hal-hill.csv"
WAIT_MS = 60_000

playwright_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}; install Debian's chromium package",
                allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the dashboard did not answer at {url} within {seconds:.0f} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'tracker.db'}"
    engine = make_engine(url)
    init_db(engine)
    seed(engine)
    auth.ensure_demo_users(engine)
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "TRACKER_DB_URL": url, "TRACKER_TODAY": TODAY.isoformat(),
           "TRACKER_DATA_DIR": str(folder)}
    env.pop("TRACKER_AUTH", None)
    log = (folder / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboards" / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    SHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def _settle(page: object) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_timeout(400)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    page.wait_for_timeout(300)  # type: ignore[attr-defined]


def _shot(page: object, name: str) -> None:
    _settle(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _login(page: object, url: str, username: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(  # type: ignore[attr-defined]
        auth.DEMO_USERS[username][1])
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
    page.get_by_text("OIC training coverage, as of").wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    _settle(page)


def _nav(page: object, title: str) -> None:
    nav = page.get_by_test_id("stSidebarNav")  # type: ignore[attr-defined]
    nav.get_by_role("link", name=title, exact=True).click()
    _settle(page)


def _coverage_values(page: object) -> list[str]:
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    _settle(page)
    values = page.get_by_test_id("stMetric").filter(  # type: ignore[attr-defined]
        has_text="Coverage").get_by_test_id("stMetricValue")
    return [v.strip() for v in values.all_inner_texts()]


def test_training_lead_uploads_confirms_and_downloads(server: str, browser: object,
                                                      tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1800})  # type: ignore[attr-defined]
    _login(page, server, "demo-lead")
    before = _coverage_values(page)
    _shot(page, "01-overview-training-lead")
    for title, name in (("Coverage", "02-coverage"), ("Outstanding", "03-outstanding"),
                        ("Imports", "04-imports"), ("Exemptions", "05-exemptions")):
        _nav(page, title)
        _shot(page, name)

    _nav(page, "Upload")
    page.locator("input[type=file]").set_input_files(str(UPLOAD))
    confirm = page.get_by_role("button", name="Confirm: import 1 file")
    confirm.wait_for(timeout=WAIT_MS)
    _settle(page)
    _shot(page, "06-upload-preview")
    confirm.click()
    page.get_by_text(f"Imported {UPLOAD.name} as batch").wait_for(timeout=WAIT_MS)
    _shot(page, "07-upload-done")

    _nav(page, "Overview")
    after = _coverage_values(page)
    assert after[0] == before[0]  # Hydra: the file holds e-learning only
    assert after[1] != before[1], (before, after)
    assert float(after[1].rstrip("%")) > float(before[1].rstrip("%"))
    _shot(page, "08-overview-after-upload")

    _nav(page, "Data quality")
    _shot(page, "09-data-quality")
    _nav(page, "Reports")
    _shot(page, "10-reports")
    with page.expect_download(timeout=WAIT_MS) as info:
        page.get_by_role("button", name="Compliance report (Excel)").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == f"oic-compliance-{TODAY.isoformat()}.xlsx"
    assert target.read_bytes()[:2] == b"PK"  # a zip: an .xlsx workbook
    page.close()


def test_inspector_has_no_upload_page(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1800})  # type: ignore[attr-defined]
    _login(page, server, "demo-inspector")
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_role("link", name="Overview", exact=True).count() == 1
    assert nav.get_by_role("link", name="Upload", exact=True).count() == 0
    _shot(page, "11-overview-inspector")
    _nav(page, "Outstanding")
    _shot(page, "12-outstanding-inspector-pseudonymised")
    # A crafted URL (a reload starts a new session, so the log-in comes first):
    _login(page, f"{server}/upload", "demo-inspector")
    assert page.locator("input[type=file]").count() == 0
    assert page.get_by_text("OIC training coverage, as of").count() == 1
    _shot(page, "13-inspector-upload-url")
    page.close()
