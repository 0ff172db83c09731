"""The zoo: exports from the systems forces really run, imported with the real CLI, must give
the coverage worked out by hand from one synthetic force (tests/data/make_zoo.py).

Each case starts from an empty database, imports a roster layout, then a completion layout
(an LMS export or a Hydra register), and asks `tracker coverage` for the force as of
2026-11-01. A header the importer does not recognise must never give a confident wrong
number: these tests assert the exact numbers, the exit codes, and that nobody on the roster
is left in the unmatched queue.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.conftest import DATA, cli_db_url
from tracker.cli import app

ZOO = DATA / "zoo"
MANIFEST = tomllib.loads((ZOO / "manifest.toml").read_text(encoding="utf-8"))
AS_OF, TODAY, FORCE = MANIFEST["as_of"], MANIFEST["today"], MANIFEST["force"]
CASES = MANIFEST["case"]
ROSTERS = MANIFEST["roster"]
ON_ROSTER = [p for p in MANIFEST["person"] if p["on_roster"]]

Run = Callable[..., Result]


@pytest.fixture
def cli(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """`tracker --db URL ...` on a fresh database, today being the manifest's."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    for name in ("TRACKER_FORCE", "TRACKER_DB_URL", "TRACKER_RULES"):
        monkeypatch.delenv(name, raising=False)
    url = cli_db_url(engine)

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, ["--db", url, *args])

    return run


def import_layout(cli: Run, name: str, log: list[str]) -> None:
    result = cli("import", str(ZOO / name), "--force", FORCE)
    log.append(f"$ tracker import {name} --force {FORCE}  (exit {result.exit_code})\n"
               + result.output)
    assert result.exit_code == 0, "\n".join(log)


def coverage(cli: Run) -> list[dict[str, Any]]:
    result = cli("coverage", "--as-of", AS_OF, "--force", FORCE, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def expected_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The manifest's rows; TOML has no null, so an absent coverage_pct is None."""
    return [{**row, "coverage_pct": row.get("coverage_pct")} for row in rows]


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.casefold())


def _keys(person: dict[str, Any]) -> set[str]:
    forename, _, surname = person["name"].partition(" ")
    keys = {_folded(person["name"]), _folded(f"{surname} {forename}"),
            _folded(person["email"]), _folded(person["staff"])}
    if person["collar"] != "none":
        keys.add(_folded(person["collar"]))
    return keys


def unmatched_on_roster(cli: Run) -> list[str]:
    """Records in the review queue whose name or identity is someone on the roster."""
    result = cli("match", "list", "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout) if result.stdout.strip().startswith("[") else []
    found = []
    for record in records:
        seen = {_folded(str(record.get("name") or "")), _folded(str(record.get("identity")
                                                                    or ""))} - {""}
        for person in ON_ROSTER:
            if seen & _keys(person):
                found.append(f"row {record['row']}: {record['name']} ({record['identity']}) "
                             f"is {person['name']}, staff {person['staff']}, on the roster")
                break
    return found


@pytest.mark.parametrize("case", CASES, ids=[c["layout"] for c in CASES])
def test_completion_layout_gives_the_coverage_of_the_truth(cli: Run,
                                                           case: dict[str, Any]) -> None:
    log: list[str] = []
    import_layout(cli, case["roster"], log)
    import_layout(cli, case["layout"], log)
    got = coverage(cli)
    assert got == expected_rows(case["expected"]), "\n".join(log)
    assert unmatched_on_roster(cli) == [], "\n".join(log)


@pytest.mark.parametrize("roster", ROSTERS, ids=[r["layout"] for r in ROSTERS])
def test_roster_layout_alone_gives_the_population_of_the_truth(cli: Run,
                                                               roster: dict[str, Any]) -> None:
    log: list[str] = []
    import_layout(cli, roster["layout"], log)
    assert coverage(cli) == expected_rows(roster["expected"]), "\n".join(log)


def test_the_zoo_is_a_zoo() -> None:
    """At least 25 layouts, each file in the folder used by a case, and each roster
    layout imported before some completion layout."""
    layouts = {c["layout"] for c in CASES} | {r["layout"] for r in ROSTERS}
    on_disk = {p.name for p in ZOO.iterdir() if p.name != "manifest.toml"}
    assert len(layouts) >= 25
    assert on_disk == layouts
    assert {c["roster"] for c in CASES} == {r["layout"] for r in ROSTERS}
