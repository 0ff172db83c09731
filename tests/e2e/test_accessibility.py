"""Accessibility in the browser: WCAG 2.2 AA, checked with axe-core in Chromium.

For every demo role (and the inspector of all forces, who also has the National page) the
test logs in, opens every page the role has in the sidebar, runs axe-core (the copy bundled
in ``axe-playwright-python``: nothing is downloaded) with the WCAG 2.0, 2.1 and 2.2 A and AA
rules plus axe's best practices (heading order), and saves a full-page screenshot as
``screenshots/<role>-<page>.png``. Every page must have no serious or critical violation;
the moderate and minor ones are printed as a table per role (and written to
``screenshots/axe-<role>.txt``).

The Upload flow is also driven by keyboard only: Tab to the file picker, Enter to open it,
Tab to the Confirm button, Enter to import.

    PYTHONPATH=$PWD .venv/bin/python -m pytest tests/e2e/test_accessibility.py -q -s
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.harness import (
    NATIONAL_INSPECTOR,
    SHOTS,
    UPLOAD,
    WAIT_MS,
    login,
    settle,
)
from tracker import auth

pytestmark = pytest.mark.e2e
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
# Only Streamlit's own chrome that no theme, config or CSS of ours can change is left out;
# nothing the tracker's pages draw is.
EXCLUDE: list[list[str]] = []
BLOCKING = ("serious", "critical")
ACCOUNTS = [(username, None) for username in auth.DEMO_USERS] + [NATIONAL_INSPECTOR]
WIDTH, HEIGHT = 1440, 900


def role_name(username: str) -> str:
    """'training-lead', 'manager', ...; 'inspector-national' for the all-forces one."""
    if username == NATIONAL_INSPECTOR[0]:
        return "inspector-national"
    return auth.DEMO_USERS[username][0].replace("_", "-")


def sidebar_pages(page: Any) -> list[tuple[str, str]]:
    """(title, url path) of every page in the sidebar, in order."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    return [(link.inner_text().strip().splitlines()[-1],
             urlsplit(link.get_attribute("href") or "").path.strip("/") or "overview")
            for link in links.all()]


def full_page_shot(page: Any, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main section, so the
    viewport is made as tall as that section's content first."""
    settle(page)
    tall = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                         "'[data-testid=stMain], [data-testid=stAppViewContainer], body')]"
                         ".map(e => e.scrollHeight))")
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(tall) + 40)})
    settle(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def axe_violations(page: Any) -> list[dict[str, Any]]:
    settle(page)
    context = {"exclude": EXCLUDE} if EXCLUDE else None
    results = axe_api.Axe().run(page, context=context, options=OPTIONS)
    return list(results.response["violations"])


# axe-core does not check the text of SVG charts, so the chart's own words (axis ticks and
# titles, legend, annotations, colour bar) are measured here against the page's white.
CHART_TEXT = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const sel = '.js-plotly-plot :is(.xtick, .ytick, .g-xtitle, .g-ytitle, .gtitle, .legendtext,'
    + ' .annotation-text, .cbaxis, .cbtitle) text, .js-plotly-plot text:is(.gtitle, .legendtext,'
    + ' .annotation-text)';
  return [...new Set(document.querySelectorAll(sel))].map(e => {
    const style = getComputedStyle(e);
    const [r, g, b, a = 1] = rgb(style.fill);
    const alpha = a * Number(style.fillOpacity || 1) * Number(style.opacity || 1);
    const mixed = [r, g, b].map(v => v * alpha + 255 * (1 - alpha));
    return {text: e.textContent, fill: style.fill, ratio: 1.05 / (lum(mixed) + 0.05)};
  }).filter(t => t.text.trim() && t.ratio < 4.5);
}"""


def low_contrast_chart_text(page: Any) -> list[str]:
    return [f"chart text {t['text']!r} in {t['fill']}: {t['ratio']:.2f}:1 (needs 4.5:1)"
            for t in page.evaluate(CHART_TEXT)]


def describe(violation: dict[str, Any]) -> str:
    nodes = violation["nodes"]
    where = "; ".join(f"{' '.join(map(str, n['target']))}: "
                      f"{(n.get('failureSummary') or '').splitlines()[-1].strip()}"
                      for n in nodes[:6])
    return f"{violation['id']} ({violation['impact']}, {len(nodes)} nodes): {where}"


def count_table(role: str, rows: dict[str, list[dict[str, Any]]]) -> str:
    impacts = ("critical", "serious", "moderate", "minor")
    lines = [f"axe-core on every page as {role}",
             f"{'page':<16}" + "".join(f"{i:>10}" for i in impacts) + "  rules"]
    for name, violations in rows.items():
        counts = {i: sum(1 for v in violations if v["impact"] == i) for i in impacts}
        rules = ", ".join(f"{v['id']}({v['impact']})" for v in violations) or "-"
        lines.append(f"{name:<16}" + "".join(f"{counts[i]:>10}" for i in impacts)
                     + f"  {rules}")
    return "\n".join(lines)


@pytest.mark.parametrize(("username", "password"), ACCOUNTS,
                         ids=[role_name(u) for u, _ in ACCOUNTS])
def test_every_page_of_every_role_meets_wcag_aa(server: str, browser: Any,
                                                 capsys: pytest.CaptureFixture[str],
                                                 username: str, password: str | None) -> None:
    role = role_name(username)
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(server)
    page.get_by_label("User name").wait_for(timeout=WAIT_MS)
    settle(page)
    found = {"log-in": axe_violations(page)}
    charts: dict[str, list[str]] = {}
    login(page, server, username, password)
    pages = sidebar_pages(page)
    assert pages, f"{role} has no page in the sidebar"
    for title, path in pages:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title,
                                                        exact=True).click()
        settle(page)
        found[path] = axe_violations(page)
        charts[path] = low_contrast_chart_text(page)
        full_page_shot(page, f"{role}-{path.replace('_', '-')}")
    page.close()

    table = count_table(role, found)
    (SHOTS / f"axe-{role}.txt").write_text(table + "\n", encoding="utf-8")
    (SHOTS / f"axe-{role}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    with capsys.disabled():
        print("\n" + table)
    blocking = [f"{name}: {describe(v)}" for name, violations in found.items()
                for v in violations if v["impact"] in BLOCKING]
    blocking += [f"{name}: {text}" for name, texts in charts.items() for text in texts]
    assert not blocking, "\n".join(blocking)


def focus_by_tab(page: Any, matches: str, presses: int = 150) -> int:
    """Press Tab until the focused element matches the JS predicate ``matches`` (given the
    element); the number of presses it took."""
    check = f"() => {{ const e = document.activeElement; return !!e && ({matches}); }}"
    for n in range(1, presses + 1):
        page.keyboard.press("Tab")
        if page.evaluate(check):
            return n
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
    raise AssertionError(f"not reached by {presses} Tab presses; focus is on {focused[:300]}")


def test_upload_works_by_keyboard_alone(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    login(page, server, "demo-lead")
    focus_by_tab(page, "e.tagName === 'A' && e.getAttribute('href').endsWith('/upload')")
    # Enter on the Upload link opens it (Streamlit's links are real links)
    page.keyboard.press("Enter")
    page.get_by_test_id("stFileUploader").wait_for(timeout=WAIT_MS)
    settle(page)

    # the uploader's "Browse files" button is reached by Tab; the file itself is handed to
    # its input (the native file dialog's event proved unreliable in a long browser run)
    to_picker = focus_by_tab(
        page, "e.tagName === 'BUTTON' && e.closest('[data-testid=stFileUploader]') !== null")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(UPLOAD))
    page.get_by_role("button", name="Confirm: import 1 file").wait_for(timeout=WAIT_MS)
    settle(page)
    blocking = [describe(v) for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(blocking)
    full_page_shot(page, "training-lead-upload-preview")

    to_confirm = focus_by_tab(
        page, "e.tagName === 'BUTTON' && e.innerText.startsWith('Confirm: import')", presses=200)
    page.keyboard.press("Enter")
    page.get_by_text(f"Imported {UPLOAD.name} as batch").wait_for(timeout=WAIT_MS)
    full_page_shot(page, "training-lead-upload-done-by-keyboard")
    print(f"Upload by keyboard: {to_picker} Tab presses to the file picker, {to_confirm} "
          "more to Confirm")
    page.close()
