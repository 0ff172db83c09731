"""``tracker visitors``: the visiting forces' return, the delegates of one other force who
attended Hydra sessions here, as a delegate list (xlsx or csv) to send to that force.

A thin layer over ``tracker.reports.visitors``: the option checks, the write and the audit
are the library's; this prints the outcome or the refusal with what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.options import user_name
from tracker.messages.hints import explain
from tracker.reference.text import long_date


@app.command()
def visitors(
    ctx: typer.Context,
    force: Annotated[str, typer.Option(
        "--force", metavar="CODE", help="The home force of the visiting delegates (its "
        "code, e.g. wiltshire): the force the file is for.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar="FILE", help="File to write: .xlsx or .csv, in the layout "
        "`tracker import` reads as a Hydra delegate list.")],
    host: Annotated[str | None, typer.Option(
        "--host", envvar="TRACKER_FORCE", metavar="CODE", show_default=False,
        help="The force whose sessions they attended (whose delegate lists were imported). "
        "Default: $TRACKER_FORCE, else every force's lists but the home force's own.")]
    = None,
) -> None:
    """Write the visiting forces' return: the delegates of --force on Hydra delegate lists
    here (name, collar and staff number, rank, course date, attendance: "Attended" or "Did
    not attend"), and nobody else, for that force to import and credit its people. The
    export is recorded in the audit log."""
    from tracker.reports.visitors import VisitorsError, export_visitors, file_format

    try:
        fmt = file_format(out.name)
        out.parent.mkdir(parents=True, exist_ok=True)
        actor = user_name(fallback="command line")
        result = export_visitors(state(ctx).engine, force, out, fmt, actor, host)
    except VisitorsError as exc:
        fail(explain(exc, "cli"))
    except OSError as exc:
        fail(f"{out}: cannot write the file ({exc.strerror}). Check the folder exists and "
             "the file is not open in Excel.")
    dates = result.delegates["course_date"]
    absent = f" and {result.absences} absence(s)" if result.absences else ""
    typer.echo(f"Wrote {out}: {result.attendances} attendance(s){absent} of {result.people} "
               f"delegate(s) of {result.home_name}, sessions from {long_date(dates.min())} "
               f"to {long_date(dates.max())}. Send it to {result.home_name}; they import it as "
               "a Hydra delegate list.")
