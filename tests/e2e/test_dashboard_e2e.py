"""End to end: the real dashboard (``streamlit run``) on a free local port against a
temporary database, driven in headless Chromium (Debian's package) with Playwright.

A training lead logs in, uploads an e-learning export through the file uploader, confirms
it, sees the e-learning coverage change and downloads the compliance report; an inspector
logs in and finds no Upload page, not even by its URL. Two inspectors (one of a force, one
of all forces) open every page they may, every batch on the Imports page and every
requirement on the Outstanding page, press every download button, and find no roster
name and no unmatched learner's name in any page's text or downloaded file. Screenshots
of each page are saved under ``screenshots/``; the harness is in ``harness.py``.

    /work/venv/bin/python -m pytest -m e2e tests/e2e -q
"""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

import pytest

from tests.dashboards.conftest import OTHER_FORCE, PEOPLE, TODAY
from tests.e2e.harness import (
    NATIONAL_INSPECTOR,
    UNMATCHED,
    UPLOAD,
    WAIT_MS,
    coverage_values,
    login,
    nav,
    settle,
    shot,
)

pytestmark = pytest.mark.e2e


def test_training_lead_uploads_confirms_and_downloads(server: str, browser: object,
                                                      tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1800})  # type: ignore[attr-defined]
    login(page, server, "demo-lead")
    before = coverage_values(page)
    shot(page, "01-overview-training-lead")
    for title, name in (("Coverage", "02-coverage"), ("Outstanding", "03-outstanding"),
                        ("Imports", "04-imports"), ("Exemptions", "05-exemptions")):
        nav(page, title)
        shot(page, name)

    nav(page, "Upload")
    page.locator("input[type=file]").set_input_files(str(UPLOAD))
    confirm = page.get_by_role("button", name="Confirm: import 1 file")
    confirm.wait_for(timeout=WAIT_MS)
    settle(page)
    shot(page, "06-upload-preview")
    confirm.click()
    page.get_by_text(f"Imported {UPLOAD.name} as batch").wait_for(timeout=WAIT_MS)
    shot(page, "07-upload-done")

    nav(page, "Overview")
    after = coverage_values(page)
    assert after[0] == before[0]  # Hydra: the file holds e-learning only
    assert after[1] != before[1], (before, after)
    assert float(after[1].rstrip("%")) > float(before[1].rstrip("%"))
    shot(page, "08-overview-after-upload")

    nav(page, "Data quality")
    shot(page, "09-data-quality")
    nav(page, "Reports")
    shot(page, "10-reports")
    with page.expect_download(timeout=WAIT_MS) as info:
        page.get_by_role("button", name="Compliance report (Excel)").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == f"oic-compliance-{TODAY.isoformat()}.xlsx"
    assert target.read_bytes()[:2] == b"PK"  # a zip: an .xlsx workbook
    page.close()


def test_inspector_has_no_upload_page(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1800})  # type: ignore[attr-defined]
    login(page, server, "demo-inspector")
    links = page.get_by_test_id("stSidebarNav")
    assert links.get_by_role("link", name="Overview", exact=True).count() == 1
    assert links.get_by_role("link", name="Upload", exact=True).count() == 0
    shot(page, "11-overview-inspector")
    nav(page, "Outstanding")
    shot(page, "12-outstanding-inspector-pseudonymised")
    # A crafted URL (a reload starts a new session, so the log-in comes first): the
    # inspector lands on the Overview, told in words that their role cannot open Upload.
    login(page, f"{server}/upload", "demo-inspector")
    assert page.locator("input[type=file]").count() == 0
    assert page.get_by_text("OIC training coverage, as of").count() == 1
    assert page.get_by_text("which your role (Inspector (read-only)) cannot open").count() == 1
    shot(page, "13-inspector-upload-url")
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
        settle(page)
        for summary in page.locator("[data-testid=stExpander] summary").all():  # type: ignore[attr-defined]
            summary.click()
        settle(page)
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
    login(page, base, username, password)
    scan = Scan(page, folder)
    links = page.get_by_test_id("stSidebarNav")  # type: ignore[attr-defined]
    titles = [t.strip().splitlines()[-1] for t in links.get_by_role("link").all_inner_texts()]
    for title in titles:  # each link's text is its icon's name, then its title
        nav(page, title)
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
    expected = {"Overview", "Recommendations", "NCCU referrals", "OIC plan", "Coverage",
                "Outstanding", "Hydra sessions", "Imports", "Reports"}
    assert scan.pages == (expected | {"National"} if password else expected)
    assert len(NAMES) == 31 and len(FORMS) == 93
    assert scan.hits() == []
    # The data was there to leak: the problems of the named file, as counts by code.
    counts = [t for w, t in scan.texts if "lms-long-names-in-problems.csv" in w
              and "problem-counts.csv" in w]
    assert counts and ("Learner matches nobody on the roster,Kept: check it,Full Name,3,5,7"
                      in counts[0])
    print(f"{who}: {len(scan.pages)} pages, {len(scan.texts) - len(scan.downloads)} page "
          f"views, {len(scan.downloads)} downloads, {len(NAMES)} names in {len(FORMS)} forms")
