"""First paint of the dashboard for a 6,500-person force (Avon and Somerset's size).

    /work/venv/bin/python bench/bench_dashboard.py             # 6,500 people, 20,000 completions
    /work/venv/bin/python bench/bench_dashboard.py --people 20000 --completions 60000

Builds a temporary SQLite database with the synthetic people, roster snapshots, completions
and exemptions of ``bench/bench_coverage.py`` (one force only), then runs the real app
script with Streamlit's ``AppTest`` (the same script runner a server uses, without the
browser) as a training lead and times, each the best of ``--repeat``:

* cold: a new session in a fresh process state (no cached query result): the first paint
  a user sees after a new import or a restart;
* warm: a new session while the query results are cached (another user, same data);
* the Coverage and Outstanding pages, cold and warm.

With ``--browser`` it also starts the real server (``streamlit run``) on a free port and logs
in from headless Chromium (Playwright, Debian's ``/usr/bin/chromium``), timing from the
click on "Log in" to the first coverage number on screen and to the finished page: first
for a fresh server (cold caches), then for a second user (warm).

The goal (issue 5) is a first paint under 2 seconds on these machines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_coverage as bc  # noqa: E402

from demodata import national  # noqa: E402
from tracker import auth  # noqa: E402
from tracker.store.db import init_db, make_engine  # noqa: E402

APP = ROOT / "dashboards" / "app.py"
FORCE = "avon-and-somerset"


def load(engine: Engine, people: int, completions: int, seed: int) -> None:
    """One force's people, two roster snapshots, completions and exemptions."""
    rng = np.random.default_rng(seed)
    init_db(engine)
    sizes = {FORCE: people}
    batch_ids, snapshot_ids = national.reference_rows(engine, sizes)
    with engine.begin() as conn:
        force_ids = {c: i for c, i in conn.execute(text("SELECT code, id FROM forces"))}
        module_ids = {c: i for c, i in conn.execute(text("SELECT code, id FROM modules"))}
    p = national.make_people(people, sizes, force_ids, rng)
    done = national.make_completions(p, completions, module_ids, rng)
    tables = national.build_tables(p, done, batch_ids, snapshot_ids, rng)
    for table, (columns, rows) in tables.items():
        national.bulk_insert(engine, table, columns, rows)
    auth.ensure_demo_users(engine)


def session(engine: Engine, page: str | None, cold: bool) -> Callable[[], float]:
    """A new logged-in session opening ``page`` (None: the first page after log-in);
    returns the wall time of that page's script run. ``cold`` clears Streamlit's query
    caches just before (the engine stays, as in a running server)."""
    user = auth.authenticate(engine, "demo-lead", auth.DEMO_USERS["demo-lead"][1]).user

    def run() -> float:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.session_state["tracker_user"] = user
        at.session_state["tracker_session_clock"] = auth.SessionClock()
        if page is not None:
            at.run()
            at.switch_page(f"views/{page}.py")
        if cold:
            st.cache_data.clear()
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"the app failed: {at.exception[0].message}")
        return elapsed

    return run


def paint_time(engine: Engine, page: str | None, cold: bool, repeat: int) -> float:
    """Best of ``repeat`` runs."""
    work = session(engine, page, cold)
    return min(work() for _ in range(repeat))


def browser_times(url: str, folder: Path) -> list[tuple[str, float, float]]:
    """(who, seconds to the first coverage number, seconds to the finished page) for a
    log-in on a fresh server and a second log-in, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "TRACKER_DB_URL": url, "TRACKER_TODAY": bc.TODAY.isoformat()}
    log = (folder / "streamlit.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    out = []
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-dev-shm-usage"])
            for who in ("first user, fresh server", "second user"):
                out.append((who, *login_paint(browser, f"http://127.0.0.1:{port}")))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return out


def login_paint(browser: Any, base: str) -> tuple[float, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(base)
    page.get_by_label("User name").fill("demo-lead")
    page.get_by_label("Password", exact=True).fill(auth.DEMO_USERS["demo-lead"][1])
    start = time.perf_counter()
    page.get_by_role("button", name="Log in").click()
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=120_000)
    first = time.perf_counter() - start
    page.get_by_test_id("stPlotlyChart").nth(1).wait_for(timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    done = time.perf_counter() - start
    page.close()
    return first, done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the dashboard did not answer at {base} within {seconds:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=6_500)
    parser.add_argument("--completions", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--browser", action="store_true",
                        help="Also time a real server from headless Chromium.")
    args = parser.parse_args(argv)
    browser_rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        started = time.perf_counter()
        load(engine, args.people, args.completions, args.seed)
        print(f"Loaded {args.people:,} people and {args.completions:,} completions in "
              f"{time.perf_counter() - started:.1f} s")
        os.environ.update({"TRACKER_DB_URL": url, "TRACKER_TODAY": bc.TODAY.isoformat()})
        session(engine, None, True)()  # imports, engine and rules: once per server process
        rows = []
        for label, page in (("Overview (first page after log-in)", None),
                            ("Coverage", "coverage"), ("Outstanding", "outstanding")):
            cold = paint_time(engine, page, True, args.repeat)
            warm = paint_time(engine, page, False, args.repeat)
            rows.append((label, cold, warm))
        if args.browser:
            browser_rows = browser_times(url, Path(tmp))
        engine.dispose()
    print(f"\nFirst paint, {args.people:,}-person force, SQLite, as of "
          f"{bc.TODAY:%d %b %Y} (best of {args.repeat}; AppTest, no browser):")
    print(f"{'page':<38} {'cold cache':>11} {'warm cache':>11}")
    for label, cold, warm in rows:
        print(f"{label:<38} {cold:>10.2f}s {warm:>10.2f}s")
    if browser_rows:
        print("\nReal server, headless Chromium, from the click on 'Log in':")
        print(f"{'':<38} {'first number':>13} {'page done':>10}")
        for who, first, done in browser_rows:
            print(f"{who:<38} {first:>12.2f}s {done:>9.2f}s")
    worst = max(cold for _l, cold, _w in rows)
    print(f"\nSlowest cold first paint: {worst:.2f} s (goal: under 2 s) -> "
          f"{'met' if worst < 2 else 'NOT met'}; median warm "
          f"{statistics.median(w for _l, _c, w in rows):.2f} s. Generated "
          f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
