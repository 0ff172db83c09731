"""End to end: the Coverage page's charts open the people behind them. A training lead
clicks a rank x department cell of the heatmap (at the centre of the cell, found from the
chart's own axis labels in its SVG) and lands on the Outstanding page with that rank and
department as codes in the URL; the same from a bar of the department chart. The Overview
trend chart shows its legend with every line named. Screenshots go under
``screenshots/`` (``drill-*``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.harness import WAIT_MS, login, nav, settle, shot

pytestmark = pytest.mark.e2e
VIEWPORT = {"width": 1440, "height": 900}


def _centre(locator: object) -> tuple[float, float]:
    box = locator.bounding_box()  # type: ignore[attr-defined]
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _tick(chart: object, axis: str, label: str) -> object:
    """The axis tick label of ``chart`` whose text is ``label`` (wrapped labels too)."""
    ticks = chart.locator(f"g.{axis}tick text")  # type: ignore[attr-defined]
    found = ticks.filter(has_text=label)
    found.first.wait_for(timeout=WAIT_MS)
    for i in range(found.count()):
        if "".join(found.nth(i).text_content().split()) == "".join(label.split()):
            return found.nth(i)
    raise AssertionError(f"no {axis} tick labelled {label!r}: {ticks.all_text_contents()}")


CELL_CENTRE = """([rank, dept]) => {
    const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const cells = gd.data.find(t => t.name === 'cells');
    const i = cells.customdata.findIndex(c => c[0] === rank && c[1] === dept);
    if (i < 0) return null;
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(cells.x[i]),
            box.top + ya._offset + ya.d2p(cells.y[i])];
}"""


def _cell_centre(page: object, rank: str, dept: str) -> tuple[float, float]:
    """Where the heatmap draws the cell of (rank, dept) codes, from Plotly's own axes
    (level, wrapped or turned labels alike)."""
    centre = page.evaluate(CELL_CENTRE, [rank, dept])  # type: ignore[attr-defined]
    assert centre is not None, f"no heatmap cell for {rank}, {dept}"
    return float(centre[0]), float(centre[1])


def _outstanding_query(page: object) -> dict[str, list[str]]:
    page.wait_for_url("**/outstanding?**", timeout=WAIT_MS)  # type: ignore[attr-defined]
    settle(page)
    return parse_qs(urlparse(page.url).query)  # type: ignore[attr-defined]


def _open_coverage(page: object, server: str) -> Any:
    login(page, server, "demo-lead")
    nav(page, "Coverage")
    charts = page.get_by_test_id("stPlotlyChart")  # type: ignore[attr-defined]
    charts.first.locator("g.xtick text").first.wait_for(timeout=WAIT_MS)
    settle(page)
    return charts


def test_clicking_a_heatmap_cell_opens_its_people(server: str, browser: object) -> None:
    page = browser.new_page(viewport=VIEWPORT)  # type: ignore[attr-defined]
    charts = _open_coverage(page, server)
    heat = charts.first
    assert heat.get_by_text("On track: at or above").count() == 1  # the bands' legend
    heat.scroll_into_view_if_needed()
    shot(page, "drill-01-coverage-heatmap")
    x, y = _cell_centre(page, "inspector", "response")
    tick_x, _ = _centre(_tick(heat, "x", "Response"))  # the labels agree with the axes
    _, tick_y = _centre(_tick(heat, "y", "Inspector"))
    assert abs(x - tick_x) < 5 and abs(y - tick_y) < 5
    page.mouse.click(x, y)  # type: ignore[attr-defined]
    query = _outstanding_query(page)
    assert query["rank"] == ["inspector"]
    assert query["dept"] == ["response"]
    assert query["asof"] == ["2026-03-02"]
    assert query["req"] == ["oic-hydra"]
    page.get_by_role("heading", name="OIC Hydra exercise: who is outstanding").first.wait_for(
        timeout=WAIT_MS)
    shot(page, "drill-02-outstanding-from-cell")
    main = page.get_by_test_id("stMain")  # type: ignore[attr-defined]
    assert main.get_by_text("Bob Baker").count() >= 1  # the inspector in Response outstanding
    if main.get_by_test_id("stMultiSelect").filter(has_text="Rank").count():
        # Outstanding reads rank and dept (the other half of the contract): only him
        assert main.get_by_text("Vic Vale").count() == 0
    page.close()


def test_clicking_a_department_bar_opens_that_department(server: str,
                                                         browser: object) -> None:
    page = browser.new_page(viewport=VIEWPORT)  # type: ignore[attr-defined]
    charts = _open_coverage(page, server)
    bars = charts.nth(2)  # heatmap, by rank, by department
    bars.scroll_into_view_if_needed()
    settle(page)
    plot = bars.locator("rect.nsewdrag").first
    box = plot.bounding_box()
    assert box is not None
    _, y = _centre(_tick(bars, "y", "Response"))
    page.mouse.click(box["x"] + 4, y)  # the first segment of the bar
    query = _outstanding_query(page)
    assert query["dept"] == ["response"]
    assert "rank" not in query
    page.get_by_role("heading", name="who is outstanding").first.wait_for(timeout=WAIT_MS)
    page.close()


def test_overview_trend_has_every_line_in_its_legend(server: str, browser: object) -> None:
    page = browser.new_page(viewport=VIEWPORT)  # type: ignore[attr-defined]
    login(page, server, "demo-lead")
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.locator("g.legend").wait_for(timeout=WAIT_MS)
    settle(page)
    legend = " ".join(chart.locator("g.legend text.legendtext").all_text_contents())
    for name in ("Coverage", "Steady pace to 100% by 30 Apr 2026",
                 "Needed from today to reach 100% by 30 Apr 2026", "Forecast at the last",
                 "Deadline, 30 Apr 2026"):
        assert name in legend, legend
    chart.scroll_into_view_if_needed()
    shot(page, "drill-03-overview-trend")
    page.close()
