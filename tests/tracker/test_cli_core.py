"""The command line: every command has help, and the set-up commands work."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tracker.cli import app

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path below a group (Typer groups have a ``commands`` mapping)."""
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if hasattr(command, "commands"):
            found.extend(_commands(command, (*prefix, name)))
    return found


def test_every_command_has_help_text() -> None:
    root = typer.main.get_command(app)
    commands = _commands(root)
    assert ("init",) in commands and ("demo",) in commands
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        command: Any = root
        for part in path:
            command = command.commands[part]
        assert command.help and len(command.help.strip()) > 20, f"{path} has no help text"


BARE_TYPE = re.compile(r"--[\w-]+ <(str|int|float|path|list\[\w+\]|%[^>]*)>")


def test_every_option_names_what_it_takes() -> None:
    """``--force CODE``, ``--as-of DATE``: not Typer's bare ``<str>`` or ``<%Y-%m-%d>``
    (a choice of values, ``<day-first|month-first>``, says it already)."""
    for path in _commands(typer.main.get_command(app)):
        output = runner.invoke(app, [*path, "--help"], terminal_width=200).output
        assert not BARE_TYPE.findall(output), (path, BARE_TYPE.findall(output))


def test_init_creates_then_reports_the_same_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'tracker.db'}"
    first = runner.invoke(app, ["--db", url, "init"])
    second = runner.invoke(app, ["--db", url, "init"])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output == (
        f"Database ready at {url} (schema 0009_hydra_absences).\n")


def test_init_on_an_unreachable_server_says_what_to_check() -> None:
    result = runner.invoke(app, ["--db", "postgresql://nobody@127.0.0.1:9/none", "init"])
    assert result.exit_code == 1
    assert "Error: cannot open the database postgresql+psycopg://nobody@127.0.0.1:9/none" \
        in result.output
    assert "Check --db / TRACKER_DB_URL, and that the server is running." in result.output


# ---------------------------------------------------------------- tracker serve

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _wait_until(check: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_becomes_the_server_so_stopping_it_leaves_nothing_running(
        tmp_path: Path, stop: signal.Signals) -> None:
    port, url = _free_port(), f"sqlite:///{tmp_path / 'tracker.db'}"
    command = [sys.executable, "-c", "from tracker.cli import app; app()", "--db", url,
               "serve", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)},
                                  start_new_session=True)
    try:  # up, with its signal handlers in place, once it has said where it is
        assert _wait_until(lambda: "Local URL" in log.read_text() or server.poll() is not None,
                           120), log.read_text()
        assert server.poll() is None and _listening(port)
        cmdline = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
        assert cmdline[cmdline.index(b"run") - 1].endswith(b"streamlit")  # itself, no child
        assert _children(server.pid) == []
        environ = Path(f"/proc/{server.pid}/environ").read_bytes().split(b"\0")
        assert b"MALLOC_ARENA_MAX=2" in environ  # memory that does not grow per page thread
        server.send_signal(stop)
        assert server.wait(timeout=30) == 0
        assert not _listening(port)
        assert log.read_text().startswith(
            f"\nDashboard: http://localhost:{port}  (Ctrl+C to stop)\n")
        assert log.read_text().rstrip().endswith("Stopping...")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)  # only the group this test started
            server.wait()


def test_serve_passes_the_dashboards_streamlit_settings_from_any_folder(tmp_path: Path) -> None:
    from tracker.cli.core import dashboard_options

    options = dashboard_options()
    pairs = dict(zip(options[::2], options[1::2], strict=True))
    assert pairs["--client.disableDataExport"] == "true"
    assert pairs["--theme.textColor"] == "#111111"
    assert pairs["--server.headless"] == "true"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert dashboard_options(tmp_path / "none.toml") == [
        "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    # the server's own upload limit follows TRACKER_MAX_UPLOAD_MB (Streamlit's is 200 MB)
    assert dashboard_options(tmp_path / "none.toml", max_upload_mb=500)[:4] == [
        "--server.headless", "true", "--server.maxUploadSize", "500"]


def test_the_server_environment_limits_memory_arenas_unless_told_otherwise() -> None:
    from tracker.cli.core import server_env

    assert server_env("sqlite:///x.db", {"PATH": "/bin"}) == {
        "MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system", "PATH": "/bin",
        "TRACKER_DB_URL": "sqlite:///x.db"}
    assert server_env("sqlite:///x.db", {"MALLOC_ARENA_MAX": "8"})["MALLOC_ARENA_MAX"] == "8"


def test_help_loads_no_heavy_library() -> None:
    """`tracker --help` (and building any command) loads neither pandas, SQLAlchemy,
    openpyxl nor argon2: each command imports what it needs when it runs."""
    code = ("import sys; from tracker.cli import app; import typer.main; "
            "typer.main.get_command(app); "
            "print(sorted(m for m in ('pandas', 'numpy', 'sqlalchemy', 'openpyxl', 'argon2') "
            "if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert shown.stdout.strip() == "[]"


def test_help_texts_name_the_library_choices() -> None:
    """The --by and --role choices the help spells out (so that it need not load the
    libraries) are the libraries' own."""
    from tracker.auth import ROLES
    from tracker.cli import coverage_cmd, referrals_cmd, users_cmd
    from tracker.coverage.population import BREAKDOWNS
    from tracker.recommendations import referrals

    assert coverage_cmd.BREAKDOWNS == BREAKDOWNS
    assert referrals_cmd.BREAKDOWNS == referrals.BREAKDOWNS
    assert users_cmd.ROLES == ROLES
