"""``tracker plan`` and ``tracker sessions``: the sessions a force plans for a requirement
delivered in person (the Hydra exercise), and the plan: people still to train (the coverage
engine's count), seats planned, whether the plan closes the gap by a target date, and how
many more sessions it needs.

A thin layer over ``tracker.sessions``: options are parsed here; the numbers come from the
library, so every face says the same.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.coverage_cmd import check_force, guard
from tracker.cli.options import (
    DEFAULT_FORCE,
    AsOf,
    ForceOpt,
    JsonOption,
    RequirementOpt,
    UserOption,
    day_of,
    emit_rows,
    ready_engine,
    user_name,
)
from tracker.messages import hints

if TYPE_CHECKING:  # the sessions library (SQLAlchemy, pandas) is loaded by the commands
    from tracker.sessions.plan import Plan
    from tracker.sessions.register import SessionView

T = TypeVar("T")
PLAN_FORMATS = ("table", "json")

sessions_app = typer.Typer(
    name="sessions", no_args_is_help=True, rich_markup_mode=None,
    help="The sessions of a requirement delivered in person (the Hydra exercise, "
    "recommendation 8), planned or held: date, venue, seats, trainer. Every change is "
    "audited; `tracker plan` says whether they close the gap.")
app.add_typer(sessions_app)

DateArg = Annotated[dt.datetime, typer.Option(
    "--date", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
    help="The day of the session (YYYY-MM-DD).")]
SessionArgument = Annotated[int, typer.Argument(
    metavar="SESSION", show_default=False,
    help="The session's id (`tracker sessions list` shows them).")]
ForceCode = Annotated[str, typer.Option(
    "--force", envvar="TRACKER_FORCE", metavar="CODE",
    help="Code of the force running the session. Default: $TRACKER_FORCE, else "
    "avon-and-somerset.")]


def _guard(work: Callable[[], T]) -> T:
    """Run ``work``, turning the library's refusals into CLI errors with the CLI's hint."""
    from tracker.sessions.register import SessionError

    try:
        return work()
    except SessionError as exc:
        fail(hints.explain(exc, "cli"))


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _row(s: SessionView) -> dict[str, Any]:
    return {"id": s.id, "date": s.held_on, "force": s.force, "requirement": s.requirement,
            "venue": s.venue, "seats": s.capacity, "trainer": s.trainer or "",
            "invited": s.invited, "notes": s.notes or ""}


def _said(s: SessionView) -> str:
    trainer = f", trainer {s.trainer}" if s.trainer else ""
    return (f"session {s.id}: {s.requirement} on {s.held_on} at {s.venue}, {s.capacity} "
            f"seats{trainer} ({s.force})")


# --------------------------------------------------------------------------- the plan


def _plan_table(plans: list[Plan]) -> str:
    """The plan of each requirement as lines of words, then its sessions as a table."""
    import pandas as pd

    from tracker.reference.labels import heading

    lines: list[str] = []
    for p in plans:
        when = (f"the plan closes it on {p.closes_on}" if p.closes_on
                else "the sessions planned do not close it")
        lines += [f"{p.title} ({p.requirement}) as of {p.as_of}, target {p.target}:",
                  f"  still to train now: {p.outstanding} (in scope {p.in_scope}, completed "
                  f"{p.completed}, exempt {p.exempt}); joining by the target: {p.joining}",
                  f"  seats planned by the target: {p.seats_planned} of {p.need} needed: "
                  f"{'closes the gap' if p.closes_gap else 'short'}; {when}",
                  f"  more sessions of {p.usual_size} seats needed by the target: "
                  f"{p.sessions_needed}"]
        if not p.roster_looks_ahead:
            lines.append(f"  The roster holds no start date or snapshot after {p.as_of}: "
                         "joiners cannot be foreseen until an HR roster carrying them is "
                         "imported.")
        if p.sessions:
            frame = pd.DataFrame([s.to_dict() for s in p.sessions]).drop(columns=["id"])
            frame["closes_gap"] = frame["closes_gap"].map({True: "yes", False: "no"})
            text = frame.rename(columns=lambda c: heading(c, "terminal")).to_string(index=False)
            lines += ["", *("  " + line for line in text.splitlines())]
        lines.append("")
    return "\n".join(lines).rstrip()


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    requirement: RequirementOpt = None,
    as_of: AsOf = None,
    by: Annotated[dt.datetime | None, typer.Option(
        "--by", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
        help="Target date to close the gap by (YYYY-MM-DD). Default: the requirement's "
        "deadline; once it has passed, the last session planned.")] = None,
    force: ForceOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                     help="Output: table or json.")] = "table",
) -> None:
    """The plan of each requirement delivered in sessions: people still to train (in scope,
    minus completed and exempt, as `tracker coverage` counts them), those joining before
    the target date, seats planned in sessions after the date, whether they close the gap
    and when, and how many more sessions of the usual size are needed."""
    from tracker.sessions.plan import plan

    if fmt not in PLAN_FORMATS:
        fail(f"unknown format {fmt!r}; use one of {', '.join(PLAN_FORMATS)}.", code=2)
    check_force(force)
    st = state(ctx)
    rules = st.rules()
    engine = ready_engine(ctx)
    plans = guard(lambda: plan(engine, rules, day_of(ctx, as_of),
                               requirement=requirement, by=_day(by), force=force))
    if fmt == "json":
        typer.echo(json.dumps([p.to_dict() for p in plans], indent=2))
    else:
        typer.echo(_plan_table(plans) or "No requirement of these rules is delivered in "
                   "sessions.")


# --------------------------------------------------------------------------- the register


@sessions_app.command("list")
def list_(ctx: typer.Context, force: ForceOpt = None,
          since: Annotated[dt.datetime | None, typer.Option(
              "--from", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
              help="Only sessions on or after this day (YYYY-MM-DD).")] = None,
          as_json: JsonOption = False) -> None:
    """List the sessions (id, date, force, requirement, venue, seats, trainer, how many
    invited, notes), by date."""
    from tracker.sessions import register

    check_force(force)
    engine = ready_engine(ctx)
    rows = _guard(lambda: register.list_sessions(engine, force=force, since=_day(since)))
    if as_json:
        typer.echo(json.dumps([s.to_dict() for s in rows], indent=2))
        return
    emit_rows([_row(s) for s in rows], False, empty="No session is recorded: add one with "
              "`tracker sessions add`.")


@sessions_app.command("add")
def add(ctx: typer.Context, date: DateArg,
        venue: Annotated[str, typer.Option("--venue", metavar="TEXT", show_default=False,
                                           help="Where it is held.")],
        capacity: Annotated[int, typer.Option("--capacity", metavar="SEATS",
                                              show_default=False,
                                              help="How many delegates it takes.")],
        trainer: Annotated[str | None, typer.Option(
            "--trainer", metavar="NAME", show_default=False, help="Who runs it.")] = None,
        notes: Annotated[str | None, typer.Option(
            "--notes", metavar="TEXT", show_default=False, help="Anything else.")] = None,
        requirement: Annotated[str, typer.Option(
            "--requirement", "-r", metavar="ID",
            help="The requirement it delivers.")] = "oic-hydra",
        force: ForceCode = DEFAULT_FORCE, user: UserOption = None) -> None:
    """Record a session, planned or held."""
    from tracker.sessions import register

    rules = state(ctx).rules()
    engine = ready_engine(ctx)
    added = _guard(lambda: register.add_session(
        engine, rules, force, requirement, date.date(), venue, capacity, user_name(user),
        trainer=trainer, notes=notes))
    typer.echo(f"Added {_said(added)}.")


@sessions_app.command("edit")
def edit(ctx: typer.Context, session_id: SessionArgument,
         date: Annotated[dt.datetime | None, typer.Option(
             "--date", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
             help="A new day (YYYY-MM-DD).")] = None,
         venue: Annotated[str | None, typer.Option(
             "--venue", metavar="TEXT", show_default=False, help="A new venue.")] = None,
         capacity: Annotated[int | None, typer.Option(
             "--capacity", metavar="SEATS", show_default=False,
             help="A new number of seats.")] = None,
         trainer: Annotated[str | None, typer.Option(
             "--trainer", metavar="NAME", show_default=False,
             help='A new trainer ("" clears it).')] = None,
         notes: Annotated[str | None, typer.Option(
             "--notes", metavar="TEXT", show_default=False,
             help='New notes ("" clears them).')] = None,
         user: UserOption = None) -> None:
    """Change a session's date, venue, seats, trainer or notes."""
    from tracker.sessions import register

    engine = ready_engine(ctx)
    edited = _guard(lambda: register.edit_session(
        engine, session_id, user_name(user), held_on=_day(date), venue=venue, capacity=capacity,
        trainer=trainer, notes=notes))
    typer.echo(f"Now {_said(edited)}.")


@sessions_app.command("remove")
def remove(ctx: typer.Context, session_id: SessionArgument, user: UserOption = None) -> None:
    """Take a session, and its invite list, out of the register (the audit log keeps what
    it was)."""
    from tracker.sessions import register

    engine = ready_engine(ctx)
    removed = _guard(lambda: register.remove_session(engine, session_id, user_name(user)))
    typer.echo(f"Removed {_said(removed)}.")


# --------------------------------------------------------------------------- invitations

StaffOption = Annotated[list[str] | None, typer.Option(
    "--staff", metavar="NUMBER", show_default=False,
    help="A person's staff number; repeat for several.")]


@sessions_app.command("invite")
def invite(ctx: typer.Context, session_id: SessionArgument,
           suggest: Annotated[bool, typer.Option(
               "--suggest", help="Fill the free seats with the suggested people: the most "
               "overdue first, spread across departments, never anyone exempt or invited "
               "to another session still to come.")] = False,
           staff: StaffOption = None, as_of: AsOf = None, user: UserOption = None) -> None:
    """Add people to a session's invite list: the suggested ones (--suggest), or those
    named (--staff)."""
    from tracker.sessions import invites

    if suggest == bool(staff):
        fail("give --suggest, or one or more --staff NUMBER (not both).", code=2)
    rules = state(ctx).rules()
    engine = ready_engine(ctx)
    day = day_of(ctx, as_of)
    if suggest:
        added = _guard(lambda: invites.invite_suggested(engine, rules, session_id, day,
                                                        user_name(user)))
    else:
        added = _guard(lambda: invites.invite(engine, session_id, invites.people_by_staff_number(
            engine, session_id, list(staff or [])), user_name(user)))
    typer.echo(f"Invited {added} more to session {session_id}; see them with "
               f"`tracker sessions invites {session_id}`.")


@sessions_app.command("uninvite")
def uninvite(ctx: typer.Context, session_id: SessionArgument, staff: StaffOption = None,
             user: UserOption = None) -> None:
    """Take people (--staff) off a session's invite list."""
    from tracker.sessions import invites

    if not staff:
        fail("give one or more --staff NUMBER to take off the list.", code=2)
    engine = ready_engine(ctx)
    taken = _guard(lambda: invites.uninvite(engine, session_id, invites.people_by_staff_number(
        engine, session_id, list(staff)), user_name(user)))
    typer.echo(f"Took {taken} off the list of session {session_id}.")


@sessions_app.command("invites")
def invite_list(ctx: typer.Context, session_id: SessionArgument, as_of: AsOf = None,
                out: Annotated[Path | None, typer.Option(
                    "--out", metavar="FILE", show_default=False,
                    help="Write the list to FILE.csv or FILE.xlsx (formula-safe) to send "
                    "out.")] = None,
                user: UserOption = None) -> None:
    """A session's invite list (name, numbers, rank, department, unit, e-mail); once the
    session has been held and its delegate list imported, who came: invited and attended,
    invited and absent, attended uninvited."""
    from tracker.reference.labels import heading
    from tracker.sessions import invites

    rules = state(ctx).rules()
    engine = ready_engine(ctx)
    day = day_of(ctx, as_of)
    if out is not None:
        fmt = out.suffix.lower().lstrip(".")
        written = _guard(lambda: invites.export_invites(engine, rules, session_id, day, out,
                                                        fmt, user_name(user)))
        typer.echo(f"Wrote {written} people to {out}.")
        return
    frame = _guard(lambda: invites.invite_list(engine, rules, session_id, day))
    emit_rows([{heading(c, "terminal"): v for c, v in r.items() if c != "person_id"}
               for r in frame.to_dict("records")], False,
          empty=f"Nobody is invited to session {session_id}: invite with `tracker sessions "
          f"invite {session_id} --suggest`.")
    came = invites.who_came(frame)
    if came:
        typer.echo(f"\n{came}")
