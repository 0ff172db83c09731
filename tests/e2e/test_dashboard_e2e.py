"""End to end: the real dashboard (``streamlit run``) on a free local port against a
temporary database, driven in headless Chromium (Debian's package) with Playwright.

A training lead logs in, uploads an e-learning export through the file uploader, confirms
it, sees the e-learning coverage change and downloads the compliance report; an inspector
logs in and finds no Upload page, not even by its URL. Two inspectors (one of a force, one
of all forces) open every page they may, every batch on the Imports page and every
requirement on the Outstanding page, press every download button, and find no roster
name and no unmatched learner's name in any page's text or downloaded file. Screenshots
of each page are saved under ``screenshots/``.

    /work/venv/bin/python -m pytest -m e2e tests/e2e -q
"""

from __future__ import annotations

import html
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboards.conftest import OTHER_FORCE, PEOPLE, ROOT, TODAY, seed
from tracker import auth
from tracker.db import init_db, make_engine, unit_of_work

pytestmark = pytest.mark.e2e

CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "screenshots"
UPLOAD = ROOT / "tests" / "dashboards" / "data" / "lms-long-hal-hill.csv"
# Row-level problems that carry names: three learners nobody on the roster matches, a bad
# date and an unknown course of roster people (imported before the server starts).
NAMED_PROBLEMS = ROOT / "tests" / "dashboards" / "data" / "lms-long-names-in-problems.csv"
UNMATCHED = ["Quentin Strange", "Rosa O'Hare", "Zélie Brun", "Nobody Known"]
NATIONAL_INSPECTOR = ("e2e-national-inspector", "a national inspector password")
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


def _import_named_problems(url: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from tracker.cli import app; app()", "--db", url, "import",
         str(NAMED_PROBLEMS), "--force", "avon-and-somerset", "--accept"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unmatched 3" in done.stdout, done.stdout


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
    port = _free_port()
    env = {**os.environ, "TRACKER_DB_URL": url, "TRACKER_TODAY": TODAY.isoformat(),
           "TRACKER_DATA_DIR": str(folder)}
    env.pop("TRACKER_AUTH", None)
    _import_named_problems(url, env)
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


def _login(page: object, url: str, username: str, password: str | None = None) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(  # type: ignore[attr-defined]
        password or auth.DEMO_USERS[username][1])
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


# ---------------------------------------------------------------- no names for inspectors


def _name_forms(name: str) -> list[str]:
    """How a name shows in a page or file, lower case: "ann able", "able, ann", the email's
    "ann.able"."""
    first, last = name.lower().split(" ", 1)
    return [f"{first} {last}", f"{last}, {first}", f"{first}.{last}".replace("'", "")]


NAMES = [p[1] for p in PEOPLE] + [n for _s, n in OTHER_FORCE] + UNMATCHED
FORMS = {form: name for name in NAMES for form in _name_forms(name)}


def _file_text(path: Path) -> str:
    """A download's text: a CSV as it is, an .xlsx as the XML of all its parts."""
    raw = path.read_bytes()
    if raw[:2] != b"PK":
        return raw.decode("utf-8-sig")
    with zipfile.ZipFile(path) as book:
        return html.unescape("\n".join(book.read(n).decode("utf-8") for n in book.namelist()
                                        if n.endswith(".xml")))


class Scan:
    """What an inspector's browser showed: each page's text and each downloaded file."""

    def __init__(self, page: object, folder: Path) -> None:
        self.page, self.folder = page, folder
        self.texts: list[tuple[str, str]] = []
        self.pages: set[str] = set()
        self.downloads: list[str] = []

    def take(self, label: str) -> None:
        """Open every expander, keep the page's text, press every download button."""
        page = self.page
        _settle(page)
        for summary in page.locator("[data-testid=stExpander] summary").all():  # type: ignore[attr-defined]
            summary.click()
        _settle(page)
        self.pages.add(label.split(" · ")[0])
        self.texts.append((label, page.locator("body").inner_text()))  # type: ignore[attr-defined]
        buttons = page.get_by_test_id("stDownloadButton").locator("button")  # type: ignore[attr-defined]
        for i in range(buttons.count()):
            with page.expect_download(timeout=WAIT_MS) as info:  # type: ignore[attr-defined]
                buttons.nth(i).click()
            target = self.folder / f"{len(self.downloads):03d}-{info.value.suggested_filename}"
            info.value.save_as(target)
            self.downloads.append(info.value.suggested_filename)
            self.texts.append((f"{label} · {target.name}", _file_text(target)))

    def hits(self) -> list[tuple[str, str]]:
        return [(where, FORMS[form]) for where, text in self.texts for form in FORMS
                if form in text.lower()]


def _choose_each(scan: Scan, label: str, box_label: str) -> None:
    """Every option of the select box ``box_label``, one after another, each scanned."""
    page = scan.page
    box = page.get_by_test_id("stSelectbox").filter(has_text=box_label)  # type: ignore[attr-defined]
    box.click()
    options = page.get_by_role("option").all_inner_texts()  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    for option in options:
        box.click()
        page.get_by_role("option", name=option, exact=True).click()  # type: ignore[attr-defined]
        scan.take(f"{label} · {option}")


def _scan_inspector(page: object, base: str, username: str, password: str | None,
                    folder: Path) -> Scan:
    _login(page, base, username, password)
    scan = Scan(page, folder)
    nav = page.get_by_test_id("stSidebarNav")  # type: ignore[attr-defined]
    titles = [t.strip().splitlines()[-1] for t in nav.get_by_role("link").all_inner_texts()]
    for title in titles:  # each link's text is its icon's name, then its title
        _nav(page, title)
        if title == "Imports":
            _choose_each(scan, "Imports", "Batch")
        elif title == "Outstanding":
            _choose_each(scan, "Outstanding", "Requirement")
        else:
            scan.take(title)
    return scan


@pytest.mark.parametrize("who", ["demo-inspector", NATIONAL_INSPECTOR[0]])
def test_inspectors_see_no_names_on_any_page_or_download(server: str, browser: object,
                                                         tmp_path: Path, who: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1800})  # type: ignore[attr-defined]
    password = NATIONAL_INSPECTOR[1] if who == NATIONAL_INSPECTOR[0] else None
    scan = _scan_inspector(page, server, who, password, tmp_path)
    page.close()
    expected = {"Overview", "Coverage", "Outstanding", "Imports", "Reports"}
    assert scan.pages == (expected | {"National"} if password else expected)
    assert len(NAMES) == 31 and len(FORMS) == 93
    assert scan.hits() == []
    # The data was there to leak: the problems of the named file, as counts by code.
    counts = [t for w, t in scan.texts if "lms-long-names-in-problems.csv" in w
              and "problem-counts.csv" in w]
    assert counts and "unmatched-learner,warning,Full Name,3,5,7" in counts[0]
    print(f"{who}: {len(scan.pages)} pages, {len(scan.texts) - len(scan.downloads)} page "
          f"views, {len(scan.downloads)} downloads, {len(NAMES)} names in {len(FORMS)} forms")
