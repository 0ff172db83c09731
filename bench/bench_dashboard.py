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

With ``--national FILE.db`` (a database from ``tracker demo-data --national --out FILE.db``)
it times only the browser, on a copy of that database, as of 30 Nov 2026, for each of
``demodata.national.NATIONAL_USERS`` (issue 17): the Overview after log-in on a fresh server
(first coverage number; page done) and at a second log-in on the same server; opening
Coverage and Outstanding (where the role may) and changing each one's requirement; then
the same users one after another on one server. A run ends when the server sends the tab
Streamlit's end-of-run message and the page shows what the run draws. It prints a markdown
table (interaction x user, seconds), the server's memory (VmRSS / VmHWM from /proc) after
one user and with all four logged in, and the load average::

    /work/venv/bin/python bench/bench_dashboard.py --national /tmp/nat.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
from tracker.cli.core import dashboard_options, server_env  # noqa: E402
from tracker.store.db import init_db, make_engine  # noqa: E402

APP = ROOT / "dashboards" / "app.py"
FORCE = "avon-and-somerset"
NATIONAL_TODAY = dt.date(2026, 11, 30)
WAIT_MS = 180_000  # a cold national Overview took about 12 s in December 2026
# A click's run is over when the server has sent the tab Streamlit's script_finished
# message (ForwardMsg) and the page shows what that run draws. (Streamlit's status
# widget is no signal: it shows only after a run has taken 500 ms.) The Overview draws
# every requirement's trend chart, one per "Coverage" number (and no element of the last
# run is left, stale):
OVERVIEW_DONE = """() => !document.querySelector('[data-stale="true"]') &&
  document.querySelectorAll('[data-testid="stPlotlyChart"]').length >= Math.max(1,
    [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
      .filter(e => e.innerText.trim().startsWith('Coverage')).length)"""
# other pages a title that starts with ``start`` and holds ``part``.
TITLE_DONE = """([start, part]) => !document.querySelector('[data-stale="true"]') &&
  [...document.querySelectorAll('h1')]
  .some(h => h.innerText.startsWith(start) && h.innerText.includes(part))"""
# The pages whose requirement is changed, and what their title holds after it.
REQUIREMENT_PAGES = {"coverage": " coverage, as of", "outstanding": ": who is outstanding"}
NATIONAL_ROWS = (
    "Overview, fresh server: first number", "Overview, fresh server: page done",
    "Overview, second log-in: first number", "Overview, second log-in: page done",
    "Coverage: open", "Coverage: change requirement",
    "Outstanding: open", "Outstanding: change requirement",
)


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
    password = auth.DEMO_USERS["demo-lead"][1]
    out = []
    with dashboard(url, folder, bc.TODAY) as (base, _pid), chromium() as browser:
        for who in ("first user, fresh server", "second user"):
            tab, first, done = login_paint(browser, base, "demo-lead", password)
            tab.page.close()
            out.append((who, first, done))
    return out


@contextmanager
def dashboard(url: str, folder: Path, today: dt.date) -> Iterator[tuple[str, int]]:
    """``streamlit run`` of the app on a free port with the database ``url`` and ``today``;
    (base URL, server process id) while it runs, stopped after."""
    port = free_port()
    env = {**server_env(url), "TRACKER_TODAY": today.isoformat()}  # as `tracker serve`
    log = (folder / "streamlit.log").open("ab")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
         *dashboard_options()],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """A browser tab on the dashboard that counts the script runs the server reports
    finished (successfully) on its websocket."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.finished = 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and finished_run(payload):
            self.finished += 1

    def timed(self, action: Callable[[], Any], done_js: str, arg: Any = None) -> float:
        """Seconds from ``action`` (a click) to the end of the run it starts, once the
        page also passes ``done_js``."""
        before, began = self.finished, time.perf_counter()
        action()
        while self.finished <= before:
            if time.perf_counter() - began > WAIT_MS / 1000:
                raise TimeoutError(f"no script run finished within {WAIT_MS // 1000} s")
            self.page.wait_for_timeout(20)  # lets Playwright deliver the frames
        self.page.wait_for_function(done_js, arg=arg, timeout=WAIT_MS)
        return time.perf_counter() - began


def finished_run(payload: bytes) -> bool:
    """Whether a websocket frame is Streamlit's message that a script run ended well."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if len(payload) > 4096:  # element deltas, never the short end-of-run message
        return False
    msg = ForwardMsg()
    msg.ParseFromString(payload)
    return (msg.WhichOneof("type") == "script_finished"
            and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY)


def login_paint(browser: Any, base: str, username: str,
                password: str) -> tuple[Tab, float, float]:
    """A new tab logs in: (the tab, seconds from the click on "Log in" to the first coverage
    number, to the finished page: the run over, every requirement's trend chart drawn)."""
    tab = Tab(browser)
    page = tab.page
    page.goto(base)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    first: list[float] = []
    start = time.perf_counter()

    def log_in() -> None:
        page.get_by_role("button", name="Log in").click()
        page.get_by_test_id("stMetricValue").first.wait_for(timeout=WAIT_MS)
        first.append(time.perf_counter() - start)

    done = tab.timed(log_in, OVERVIEW_DONE)
    return tab, first[0], done


def national_fresh(url: str, folder: Path) -> tuple[dict[str, dict[str, float]],
                                                   dict[str, tuple[float, float]]]:
    """Each national user on a server of their own: (seconds by user and interaction,
    the server's (VmRSS, VmHWM) in MB by user after that user's first session)."""
    times, memory = {}, {}
    for username, (_role, password, _force) in national.NATIONAL_USERS.items():
        with dashboard(url, folder, NATIONAL_TODAY) as (base, pid), chromium() as browser:
            _page, cells = user_session(browser, base, username, "Overview, fresh server")
            memory[username] = memory_mb(pid)
            again, first, done = login_paint(browser, base, username, password)
            again.page.close()
            cells |= {"Overview, second log-in: first number": first,
                      "Overview, second log-in: page done": done}
            times[username] = cells
    return times, memory


def national_shared(url: str, folder: Path) -> tuple[dict[str, dict[str, float]],
                                                    list[tuple[str, float, float]]]:
    """The national users one after another on one server, each tab left open: (seconds by
    user and interaction, the server's memory after each user)."""
    times, memory = {}, []
    with dashboard(url, folder, NATIONAL_TODAY) as (base, pid), chromium() as browser:
        for username in national.NATIONAL_USERS:
            times[username] = user_session(browser, base, username, "Overview")[1]
            memory.append((username, *memory_mb(pid)))
    return times, memory


def user_session(browser: Any, base: str, username: str,
                 overview: str) -> tuple[Tab, dict[str, float]]:
    """A national user logs in, then opens Coverage and Outstanding (those the role may)
    and changes each one's requirement: (the tab, seconds by interaction)."""
    role, password, _force = national.NATIONAL_USERS[username]
    tab, first, done = login_paint(browser, base, username, password)
    page = tab.page
    cells = {f"{overview}: first number": first, f"{overview}: page done": done}
    for page_id, part in REQUIREMENT_PAGES.items():
        if page_id in auth.pages_for(role):
            title = auth.PAGES[page_id].title
            link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title,
                                                                   exact=True)
            cells[f"{title}: open"] = tab.timed(link.click, TITLE_DONE, ["", part])
            option = other_requirement(page)
            choose = page.get_by_role("option", name=option, exact=True).click
            cells[f"{title}: change requirement"] = tab.timed(choose, TITLE_DONE,
                                                              [option, part])
    return tab, cells


def other_requirement(page: Any) -> str:
    """Opens the Requirement box; the first requirement it does not show."""
    box = page.get_by_test_id("stSelectbox").filter(has_text="Requirement")
    shown = str(box.get_by_role("combobox").input_value()).strip()  # what the box shows
    box.click()
    return other_option(page.get_by_role("option").all_inner_texts(), shown)


def other_option(options: Sequence[str], shown: str) -> str:
    """The first option that is not the one shown."""
    return next(o.strip() for o in options if o.strip() != shown)


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return proc_kb(status, "VmRSS") / 1024, proc_kb(status, "VmHWM") / 1024


def proc_kb(status: str, field: str) -> int:
    """A ``field:   123 kB`` line of /proc/PID/status, in kB."""
    line = next(x for x in status.splitlines() if x.startswith(f"{field}:"))
    return int(line.split()[1])


def markdown_table(rows: Sequence[str], cells: Mapping[str, Mapping[str, float]]) -> str:
    """A markdown table of seconds: a row per interaction, a column per user (``cells``
    by user, then interaction); "n/a" where the user did not do it."""
    users = list(cells)
    lines = ["| interaction | " + " | ".join(users) + " |",
             "|---|" + "---:|" * len(users)]
    for row in rows:
        values = [f"{cells[u][row]:.2f}" if row in cells[u] else "n/a" for u in users]
        lines.append(f"| {row} | " + " | ".join(values) + " |")
    return "\n".join(lines)


def national_main(db: Path) -> int:
    """The national table (issue 17) on a copy of ``db``, in headless Chromium."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        copy = Path(tmp) / "national.db"  # logging in writes (audit, last log-in)
        shutil.copyfile(db, copy)
        url = f"sqlite:///{copy}"
        fresh, memory = national_fresh(url, Path(tmp))
        shared, shared_memory = national_shared(url, Path(tmp))
    print(f"\nNational database {db}, SQLite, as of {NATIONAL_TODAY:%d %b %Y}; real server, "
          "headless Chromium; seconds from the click; a fresh server per user:\n")
    print(markdown_table(NATIONAL_ROWS, fresh))
    print("\nThe same users one after another on one server (tabs left open):\n")
    print(markdown_table([r.replace(", fresh server", "") for r in NATIONAL_ROWS[:2]]
                         + list(NATIONAL_ROWS[4:]), shared))
    print("\nServer memory (MB), VmRSS / VmHWM:")
    lines = [(f"{username} alone, fresh server", rss, hwm)
             for username, (rss, hwm) in memory.items()]
    lines += [(f"{i} logged in on one server (+ {username})", rss, hwm)
              for i, (username, rss, hwm) in enumerate(shared_memory, start=1)]
    for label, rss, hwm in lines:
        print(f"  {label:<50} {rss:6.0f} / {hwm:6.0f}")
    print(f"\nLoad average (1, 5, 15 min): before {fmt_load(load_before)}, after "
          f"{fmt_load(os.getloadavg())}; {os.cpu_count()} cores. Generated "
          f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.")
    return 0


def fmt_load(load: tuple[float, float, float]) -> str:
    return ", ".join(f"{x:.2f}" for x in load)


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
    parser.add_argument("--national", type=Path, metavar="FILE.db",
                        help="Only time the national users in headless Chromium on (a copy "
                        "of) this database from 'tracker demo-data --national'.")
    args = parser.parse_args(argv)
    if args.national is not None:
        return national_main(args.national)
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
