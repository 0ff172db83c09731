"""``tracker milestones``: each force's register of milestones for recommendation 4 (clear plans
to collect, analyse and share OIC information): list with progress, add, edit, mark done,
attach evidence and write it back out.

A thin layer over ``tracker.recommendations``: options are parsed here; the register, its
checks and the status come from the library, so every face says the same.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.options import (
    DEFAULT_FORCE,
    JsonOption,
    UserOption,
    emit_rows,
    ready_engine,
    user_name,
)
from tracker.messages import hints

if TYPE_CHECKING:  # the register (SQLAlchemy, pandas) is loaded by the commands
    from tracker.recommendations.milestones import MilestoneView

T = TypeVar("T")

plan_app = typer.Typer(
    name="milestones", no_args_is_help=True, rich_markup_mode=None,
    help="Recommendation 4 (by 31 December 2025, clear plans to collect, analyse and share "
    "OIC information): each force's register of milestones (an OIC profile, a Strategic "
    "Intelligence Requirement, an Intelligence Collection Plan, and any it adds), their "
    "owners, due dates, status and evidence documents. Every change is audited.")
app.add_typer(plan_app)

ForceOption = Annotated[str, typer.Option(
    "--force", envvar="TRACKER_FORCE", metavar="CODE",
    help="Code of the force whose register it is. Default: $TRACKER_FORCE, else "
    "avon-and-somerset.")]
MilestoneArgument = Annotated[str, typer.Argument(
    metavar="MILESTONE", show_default=False,
    help="The milestone's key, e.g. oic-profile (`tracker milestones list` shows them).")]


def _guard(work: Callable[[], T]) -> T:
    """Run ``work``, turning the library's refusals into CLI errors with the CLI's hint."""
    from tracker.recommendations.milestones import MilestoneError

    try:
        return work()
    except MilestoneError as exc:
        fail(hints.explain(exc, "cli"))


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _row(m: MilestoneView) -> dict[str, Any]:
    return {"key": m.key, "title": m.title, "owner": m.owner or "", "due": m.due_on,
            "status": m.status_label, "done on": m.done_on or "",
            "evidence": ", ".join(m.evidence)}


def _said(m: MilestoneView) -> str:
    done = f" on {m.done_on}" if m.done_on else ""
    owner = f", owner {m.owner}" if m.owner else ""
    return f"{m.key}: {m.title} ({m.status_label}{done}; due {m.due_on}{owner})"


@plan_app.command("list")
def list_(ctx: typer.Context, force: ForceOption = DEFAULT_FORCE,
          as_of: Annotated[dt.datetime | None, typer.Option(
              "--as-of", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
              help="Date to count the milestones done on (YYYY-MM-DD). Default: today "
              "($TRACKER_TODAY when set).")] = None,
          as_json: JsonOption = False) -> None:
    """List the force's milestones (key, title, owner, due date, status, date done, evidence
    documents), then how many were done as of the date, of how many, and the red/amber/green
    status with its reason and rule."""
    from tracker.recommendations import milestones
    from tracker.recommendations.progress import progress

    engine = ready_engine(ctx)
    day = _day(as_of) or state(ctx).settings.today()
    rows = _guard(lambda: milestones.list_milestones(engine, force))
    done = progress(engine, force, day)
    if as_json:
        typer.echo(json.dumps({"force": force, "progress": done.to_dict(),
                               "milestones": [m.to_dict() for m in rows]}, indent=2))
        return
    emit_rows([_row(m) for m in rows], False, empty="The register holds no milestones.")
    typer.echo(f"\n{done.done} of {done.total} milestones done as of {day}. {done.reason}\n"
               f"Rule: {done.rule}")


@plan_app.command("add")
def add(ctx: typer.Context,
        title: Annotated[str, typer.Argument(metavar="TITLE", show_default=False,
                                             help="What the milestone is, e.g. "
                                             '"Information sharing agreement".')],
        key: Annotated[str | None, typer.Option(
            "--key", metavar="KEY", show_default=False,
            help="Its key (lower case, hyphens). Default: made from the title.")] = None,
        owner: Annotated[str | None, typer.Option(
            "--owner", metavar="NAME", show_default=False,
            help="Who owns it (a person or a role).")] = None,
        due: Annotated[dt.datetime | None, typer.Option(
            "--due", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
            help="When it is due (YYYY-MM-DD). Default: the recommendation's deadline.")]
        = None,
        force: ForceOption = DEFAULT_FORCE, user: UserOption = None) -> None:
    """Add a milestone to the force's register, not started."""
    from tracker.recommendations import milestones

    engine = ready_engine(ctx)
    added = _guard(lambda: milestones.add_milestone(engine, force, title, user_name(user), key=key,
                                                    owner=owner, due_on=_day(due)))
    typer.echo(f"Added {_said(added)}.")


@plan_app.command("edit")
def edit(ctx: typer.Context, key: MilestoneArgument,
         title: Annotated[str | None, typer.Option(
             "--title", metavar="TEXT", show_default=False, help="A new title.")] = None,
         owner: Annotated[str | None, typer.Option(
             "--owner", metavar="NAME", show_default=False,
             help='A new owner ("" for none).')] = None,
         due: Annotated[dt.datetime | None, typer.Option(
             "--due", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
             help="A new due date (YYYY-MM-DD).")] = None,
         status: Annotated[str | None, typer.Option(
             "--status", metavar="STATUS", show_default=False,
             help='"not started" or "in progress" (clears the date done), or "done" (for a '
             "milestone with a date done; else use `tracker milestones done`).")] = None,
         force: ForceOption = DEFAULT_FORCE, user: UserOption = None) -> None:
    """Change a milestone's title, owner, due date or status. The audit log keeps each
    field's old and new value."""
    from tracker.recommendations import milestones

    engine = ready_engine(ctx)
    st = state(ctx)
    changed = _guard(lambda: milestones.edit_milestone(
        engine, force, key, user_name(user), today=st.settings.today(), title=title, owner=owner,
        due_on=_day(due), status=status))
    typer.echo(f"Now {_said(changed)}.")


@plan_app.command("done")
def done(ctx: typer.Context, key: MilestoneArgument,
         on: Annotated[dt.datetime | None, typer.Option(
             "--on", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
             help="The date it was done (YYYY-MM-DD), not after today. Default: today "
             "($TRACKER_TODAY when set).")] = None,
         force: ForceOption = DEFAULT_FORCE, user: UserOption = None) -> None:
    """Mark a milestone done on a date. Attach the document that shows it with `tracker
    plan attach`."""
    from tracker.recommendations import milestones

    engine = ready_engine(ctx)
    today = state(ctx).settings.today()
    marked = _guard(lambda: milestones.mark_done(engine, force, key, _day(on) or today,
                                                 user_name(user), today=today))
    typer.echo(f"Now {_said(marked)}.")


@plan_app.command("attach")
def attach(ctx: typer.Context, key: MilestoneArgument,
           file: Annotated[Path, typer.Argument(
               metavar="FILE", show_default=False, exists=True, dir_okay=False,
               help="The evidence document (any kind of file: PDF, Word, ...).")],
           force: ForceOption = DEFAULT_FORCE, user: UserOption = None) -> None:
    """Attach a document to a milestone as evidence. It is kept byte for byte with its
    SHA-256 (content attached to several milestones is stored once)."""
    from tracker.recommendations import evidence

    engine = ready_engine(ctx)
    limit = state(ctx).settings.max_upload_mb * 1024 * 1024
    doc = _guard(lambda: evidence.attach(engine, force, key, file.name, file.read_bytes(),
                                         user_name(user), max_bytes=limit))
    typer.echo(f"Attached {doc.file_name} ({doc.size:,} bytes, SHA-256 {doc.sha256}) to "
               f"{key}.")


@plan_app.command("evidence")
def evidence_(ctx: typer.Context, key: MilestoneArgument,
              out: Annotated[Path | None, typer.Option(
                  "--out", metavar="FILE", show_default=False, dir_okay=False,
                  help="Write the document here, byte for byte. Without it, list the "
                  "milestone's documents.")] = None,
              document: Annotated[str | None, typer.Option(
                  "--document", metavar="NAME", show_default=False,
                  help="Which document, by file name or the start of its SHA-256 (at least "
                  "8 characters). Needed when there are several.")] = None,
              force: ForceOption = DEFAULT_FORCE, as_json: JsonOption = False,
              user: UserOption = None) -> None:
    """List a milestone's evidence documents (name, SHA-256, size, who uploaded it, when),
    or write one out with --out (the download is in the audit log)."""
    from tracker.recommendations import evidence

    engine = ready_engine(ctx)
    if out is None:
        docs = _guard(lambda: evidence.documents(engine, force, key))
        emit_rows([d.to_dict() for d in docs], as_json, empty=f"{key} has no evidence documents "
                  "yet: `tracker milestones attach MILESTONE FILE` adds one.")
        return
    if out.exists():
        fail(f"{out} exists; give --out another file name.", code=2)
    kept = _guard(lambda: evidence.fetch(engine, force, key, user_name(user), document))
    out.write_bytes(kept.content)
    typer.echo(f"Wrote {out} ({len(kept.content):,} bytes), {kept.file_name} of {key}.")
