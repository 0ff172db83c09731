"""Options and small helpers every command module shares, defined once: the date, force,
requirement, department, format, JSON and user options; the engine once its schema exists;
who is at the keyboard (for the audit log); and the two plain printers."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import fail, state

if TYPE_CHECKING:  # pandas and SQLAlchemy are loaded by the commands that use them
    from sqlalchemy import Engine

DEFAULT_FORCE = "avon-and-somerset"
FORMATS = ("table", "csv", "json")

AsOf = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
                 help="Date to compute coverage on (YYYY-MM-DD). Default: today "
                 "($TRACKER_TODAY when set)."),
]
RequirementOpt = Annotated[
    str | None,
    typer.Option("--requirement", "-r", metavar="ID", show_default=False,
                 help="One requirement id from the rules, e.g. oic-hydra. Default: all."),
]
ForceOpt = Annotated[
    str | None,
    typer.Option("--force", metavar="CODE", show_default=False,
                 help="One force code, e.g. avon-and-somerset. Default: all forces."),
]
DepartmentOpt = Annotated[
    list[str] | None,
    typer.Option("--department", metavar="CODE", show_default=False,
                 help="Only people in this department (function code, e.g. cid); repeat "
                 "for several."),
]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", metavar="FORMAT", help="Output: table, csv or json."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
UserOption = Annotated[str | None, typer.Option(
    "--user", metavar="NAME", show_default=False,
    help="Who is doing this, for the audit log. Default: your login name.")]


def user_name(value: str | None = None, fallback: str = "cli") -> str:
    """``--user`` when given, else the login name, else ``fallback``."""
    if value:
        return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return fallback


def ready_engine(ctx: typer.Context) -> Engine:
    """The engine, once the schema is known to exist (else a clear error)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    engine = state(ctx).engine
    try:
        ready = inspect(engine).has_table("import_batches")
    except DBAPIError as exc:
        fail(f"cannot open the database {engine.url.render_as_string()}: {exc.orig}. "
             "Check --db / TRACKER_DB_URL.")
    if not ready:
        fail(f"the database {engine.url.render_as_string()} has no tables yet: "
             "run `tracker init` first.")
    return engine


def day_of(ctx: typer.Context, value: dt.datetime | None) -> dt.date:
    """The ``--as-of`` date, else today (TRACKER_TODAY when set)."""
    return value.date() if value else state(ctx).settings.today()


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}.", code=2)


def emit_rows(rows: list[dict[str, Any]], as_json: bool, empty: str) -> None:
    """Rows as JSON, or as a plain table (``empty`` when there are none)."""
    import pandas as pd

    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
    elif not rows:
        typer.echo(empty)
    else:
        typer.echo(pd.DataFrame(rows, dtype=object).fillna("").to_string(index=False))
