"""The command line says what to do with a command (issue 13 item 6): the core's message,
then the command from ``tracker.messages.hints``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import cli_in

ROSTER = """Staff Number,Surname,Forenames,Email,Rank,Department,Status
1001,Lee,Ann,ann.lee@asc.police.uk,Insp,Response - Bristol North,Active
1002,Kay,Bob,bob.kay@asc.police.uk,Inspector,NPT Taunton,Active
1003,Dee,Cy,cy.dee@asc.police.uk,Insp (T/Sgt),CID Bristol,Active
1004,Fox,Di,di.fox@asc.police.uk,Inspector,Xylophone Team,Active
"""
UNKNOWN_RANK = ('[warning] roster.csv, row 4, column "Rank": "Insp (T/Sgt)" is not a rank or '
                "grade this tool knows; the person was kept with no rank. Map it with: tracker "
                'map rank "Insp (T/Sgt)" RANK-CODE.')


@pytest.fixture
def cli(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return cli_in(engine, tmp_path, monkeypatch, "2026-03-01")


def test_problem_lines_end_with_the_command_that_deals_with_them(cli) -> None:
    result = cli("import", "roster.csv", "--as-of", "2026-01-31", "--accept")
    assert result.exit_code == 0, result.output
    out = [line.strip() for line in result.output.splitlines()]
    assert UNKNOWN_RANK in out
    assert any(line.endswith('Map it with: tracker map department "Xylophone Team" '
                             "DEPARTMENT-CODE.") for line in out), out
    listing = cli("imports", "problems", "1").output
    assert 'tracker map rank "Insp (T/Sgt)" RANK-CODE.' in listing


def test_an_already_imported_file_names_undo_and_reimport(cli) -> None:
    cli("import", "roster.csv", "--as-of", "2026-01-31", "--accept")
    result = cli("import", "roster.csv", "--accept")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith(
        "(same content); nothing was changed. To import it again, undo that batch first "
        "(`tracker imports undo 1`), or use --reimport (rows already stored stay as they "
        "are).")


def test_refused_requests_name_the_command_to_run(cli) -> None:
    undo = cli("imports", "undo", "999")
    assert undo.exit_code == 1
    assert "Error: No import batch 999. `tracker imports list` shows them." in undo.output
    reject = cli("match", "reject", "999")
    assert reject.exit_code == 1
    assert ("Error: No unmatched record 999. `tracker match list` shows the open ones."
            in reject.output)
