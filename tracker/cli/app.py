"""The Typer application, its global options and the helpers every command shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tracker.config import Settings, load_settings
from tracker.coverage.rules import RulesError, RuleSet, load_rules

if TYPE_CHECKING:  # SQLAlchemy is loaded by the commands that open the database
    from sqlalchemy import Engine

app = typer.Typer(
    name="tracker",
    help="OIC training compliance tracker: import LMS, HR and Hydra exports, and see who has "
    "completed the HMICFRS organised immigration crime training (Hydra exercise, "
    "recommendation 8; four-module e-learning, recommendation 9) against 30 April 2026; "
    "with the intelligence documents for NCCU referrals (recommendation 2) and the OIC plan's "
    "milestones (recommendation 4) beside them.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


@dataclass
class State:
    settings: Settings
    db_url: str
    rules_path: Path | None
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.db_url)
        return self._engine

    def close(self) -> None:
        """Give the database connections back when the command ends (a long test run or
        a script calling many commands must not pile them up on the server)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def rules(self) -> RuleSet:
        try:
            return load_rules(self.rules_path)
        except RulesError as exc:
            fail(str(exc))


def make_engine(url: str) -> Engine:
    """``tracker.store.db.make_engine``, imported on first use: SQLAlchemy (and pandas) are
    loaded by the commands that open the database, not by ``tracker --help``."""
    from tracker.store import db

    return db.make_engine(url)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="URL", show_default=False,
                     help="Database URL (SQLAlchemy form), e.g. sqlite:///data/tracker.db or "
                     "postgresql://user@host/db. Default: $TRACKER_DB_URL, else "
                     "./data/tracker.db."),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", metavar="FILE", show_default=False,
                     help="Requirement rules file (TOML). Default: $TRACKER_RULES, else the "
                     "shipped rules."),
    ] = None,
) -> None:
    try:
        settings = load_settings()
    except ValueError as exc:  # a TRACKER_* variable that cannot be read
        fail(str(exc), code=2)
    ctx.obj = State(settings, db or settings.db_url, rules or settings.rules_path)
    ctx.call_on_close(ctx.obj.close)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error to stderr and exit (1: refused or failed, 2: usage)."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)
