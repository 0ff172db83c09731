"""What every browser test shares: the seeded database, the dashboard run by ``streamlit
run`` on a free local port, Debian's Chromium, and small steps (log in, open a page by its
title, wait for the script to settle, save a screenshot under ``screenshots/``).

The ``server`` and ``browser`` fixtures are in ``conftest.py``; a test file gets its own
server (module scope), so one file's uploads do not move another's numbers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.dashboards.conftest import ROOT
from tracker import auth

CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "screenshots"
UPLOAD = ROOT / "tests" / "dashboards" / "data" / "lms-long-hal-hill.csv"
# Row-level problems that carry names: three learners nobody on the roster matches, a bad
# date and an unknown course of roster people (imported before the server starts).
NAMED_PROBLEMS = ROOT / "tests" / "dashboards" / "data" / "lms-long-names-in-problems.csv"
UNMATCHED = ["Quentin Strange", "Rosa O'Hare", "Zélie Brun", "Nobody Known"]
NATIONAL_INSPECTOR = ("e2e-national-inspector", "a national inspector password")
WAIT_MS = 60_000



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
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


@contextmanager
def dashboard(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """``streamlit run`` of the dashboard on a free local port with ``env`` (its database
    and today), its log in ``folder``; the base URL while it runs, stopped after."""
    port = free_port()
    log = (folder / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboards" / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def import_named_problems(url: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from tracker.cli import app; app()", "--db", url, "import",
         str(NAMED_PROBLEMS), "--force", "avon-and-somerset", "--accept"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unmatched 3" in done.stdout, done.stdout


def settle(page: object) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_timeout(400)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    page.wait_for_timeout(300)  # type: ignore[attr-defined]


def shot(page: object, name: str) -> None:
    settle(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


OVERVIEW_TITLE = "OIC training coverage, as of"


def login(page: object, url: str, username: str, password: str | None = None, *,
          lands_on: str = OVERVIEW_TITLE) -> None:
    """Open ``url`` (logged out, so the log-in form shows), log in, and wait for the text
    the landing page shows: the Overview's title unless ``lands_on`` says another."""
    page.goto(url)  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(  # type: ignore[attr-defined]
        password or auth.DEMO_USERS[username][1])
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
    page.get_by_text(lands_on).first.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    settle(page)


def nav(page: object, title: str) -> None:
    nav = page.get_by_test_id("stSidebarNav")  # type: ignore[attr-defined]
    nav.get_by_role("link", name=title, exact=True).click()
    settle(page)


def coverage_values(page: object) -> list[str]:
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    settle(page)
    values = page.get_by_test_id("stMetric").filter(  # type: ignore[attr-defined]
        has_text="Coverage").get_by_test_id("stMetricValue")
    return [v.strip() for v in values.all_inner_texts()]


