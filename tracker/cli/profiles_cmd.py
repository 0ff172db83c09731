"""``tracker profiles``: the column mappings saved per layout of file (list, show, delete).

A thin layer over ``tracker.ingest.profiles``: `tracker import --column` saves them, every later
import of a file of the same layout applies them.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from tracker.cli.app import app, fail
from tracker.cli.options import JsonOption, UserOption, emit_rows, ready_engine, user_name
from tracker.ingest.records import FIELD_LABELS

profiles_app = typer.Typer(
    name="profiles", no_args_is_help=True, rich_markup_mode=None,
    help="Column mappings saved for a layout of file (by `tracker import --column`), applied "
    "to every later file of that layout: list, show or delete them.")
app.add_typer(profiles_app)

IdArgument = Annotated[int, typer.Argument(help="The profile id (`tracker profiles list`).",
                                           show_default=False)]


def _mapping_text(columns: dict[str, str]) -> str:
    return "; ".join(f'"{h}" -> {f}' for h, f in columns.items())


@profiles_app.command("list")
def list_(ctx: typer.Context,
          force: Annotated[str | None, typer.Option(
              "--force", metavar="CODE", show_default=False,
              help="Only this force's profiles. Default: every force's.")] = None,
          as_json: JsonOption = False) -> None:
    """List the saved column mappings: force, kind of file, the columns mapped, how often
    they were used and when last."""
    from tracker.ingest import profiles
    from tracker.store.db import unit_of_work

    engine = ready_engine(ctx)
    with unit_of_work(engine) as session:
        rows = [profiles.describe(session, p) for p in profiles.list_profiles(session, force)]
    if not as_json:
        rows = [{"id": r["id"], "force": r["force"], "kind": r["kind"],
                 "columns": _mapping_text(r["columns"]), "uses": r["uses"],
                 "last used": f"{r['last_used_at']:%Y-%m-%d %H:%M}" if r["last_used_at"]
                 else "never"} for r in rows]
    emit_rows(rows, as_json, empty="No saved column mappings yet: `tracker import FILE --column "
          '"HEADER=FIELD"` saves one.')


@profiles_app.command("show")
def show(ctx: typer.Context, profile_id: IdArgument, as_json: JsonOption = False) -> None:
    """Show one saved column mapping: the layout's headers, each column mapped, who saved
    it, and its use."""
    from tracker.ingest import profiles
    from tracker.store.db import unit_of_work

    engine = ready_engine(ctx)
    with unit_of_work(engine) as session:
        row = profiles.get_profile(session, profile_id)
        if row is None:
            fail(f"no profile {profile_id}; `tracker profiles list` shows them.")
        shown = profiles.describe(session, row)
    if as_json:
        typer.echo(json.dumps(shown, indent=2, default=str))
    else:
        typer.echo("\n".join(_show_lines(shown)))


def _show_lines(p: dict[str, Any]) -> list[str]:
    used = (f"used {p['uses']} time{'s' if p['uses'] != 1 else ''}, last "
            f"{p['last_used_at']:%Y-%m-%d %H:%M}" if p["last_used_at"] else "not used yet")
    return [f"Profile {p['id']}: {p['kind']} files of {p['force']} (layout {p['signature']})",
            f"  headers: {', '.join(h for h in p['headers'] if h)}",
            "  columns:",
            *(f'    "{h}" -> {f} ({FIELD_LABELS.get(f, "not used")})'
              for h, f in p["columns"].items()),
            f"  saved by {p['created_by']} on {p['created_at']:%Y-%m-%d %H:%M}, updated "
            f"{p['updated_at']:%Y-%m-%d %H:%M}; {used}"]


@profiles_app.command("delete")
def delete(ctx: typer.Context, profile_id: IdArgument, user: UserOption = None) -> None:
    """Delete a saved column mapping: later files of its layout are recognised afresh (by
    their headers and values) until a mapping is given again."""
    from tracker.ingest import profiles
    from tracker.store.db import unit_of_work

    engine = ready_engine(ctx)
    with unit_of_work(engine) as session:
        row = profiles.delete_profile(session, profile_id, user_name(user))
        if row is None:
            fail(f"no profile {profile_id}; `tracker profiles list` shows them.")
    typer.echo(f"Profile {profile_id} deleted: later {row.kind} files of its layout are "
               "recognised afresh.")
