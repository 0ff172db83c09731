"""The command line: every command has help, and the set-up commands work."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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
    assert first.output == second.output == f"Database ready at {url} (schema 0004).\n"


def test_init_on_an_unreachable_server_says_what_to_check() -> None:
    result = runner.invoke(app, ["--db", "postgresql://nobody@127.0.0.1:9/none", "init"])
    assert result.exit_code == 1
    assert "Error: cannot open the database postgresql+psycopg://nobody@127.0.0.1:9/none" \
        in result.output
    assert "Check --db / TRACKER_DB_URL, and that the server is running." in result.output
