"""``tracker recommendations``: where the force stands on each HMICFRS recommendation, as
of a date: the one progress view (``tracker.recommendations.overview``) as a table, CSV or
JSON. Options are parsed here; the figures, statuses and rules come from the library, so
the command, the workbook's sheet and the dashboard's page say the same."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

import typer

from tracker.cli.app import app, state
from tracker.cli.coverage_cmd import check_force, guard, render_table
from tracker.cli.options import AsOf, ForceOpt, FormatOpt, check_format, day_of
from tracker.reference import vocab

if TYPE_CHECKING:  # the overview (pandas, SQLAlchemy) is loaded by the command
    import pandas as pd

    from tracker.recommendations.overview import Overview

TABLE_COLUMNS = ["recommendation", "deadline", "figure", "on_deadline", "status"]
CSV_COLUMNS = ["recommendation", "title", "deadline", "measure", "value_pct", "done", "total",
               "on_deadline_pct", "on_deadline_done", "rag", "rule", "reason", "evidence"]
WIDTH = 92


def _wrapped(label: str, text: object) -> str:
    return textwrap.fill(f"{label}: {text}", WIDTH, subsequent_indent="  ")


def _details(frame: pd.DataFrame) -> list[str]:
    """Under the table, each recommendation's words, measure, reason, rule and evidence."""
    lines: list[str] = []
    for row in frame.itertuples(index=False):
        lines += ["", f"Recommendation {row.recommendation}: {row.title}",
                  _wrapped("  Words", row.wording), _wrapped("  Measure", row.measure),
                  _wrapped("  Status", row.reason)]
        if row.rule:
            lines.append(_wrapped("  Rule", row.rule))
        lines.append(_wrapped("  Evidence", row.evidence))
    return lines


def _table(view: Overview) -> str:
    from tracker.recommendations.overview import overview_frame

    frame = overview_frame(view)
    place = vocab.forces().forces[view.force].name if view.force else "all forces"
    unmeasured = [f"Recommendation {w.number} is not measured yet: no figure is shown for "
                  "it." for w in view.unmeasured]
    return "\n".join([f"Recommendations as of {view.as_of.isoformat()}, {place}", "",
                      render_table(frame[TABLE_COLUMNS]), *_details(frame), "",
                      *unmeasured])


@app.command()
def recommendations(ctx: typer.Context, as_of: AsOf = None, force: ForceOpt = None,
                    fmt: FormatOpt = "table") -> None:
    """Each HMICFRS recommendation (2, 4, 8, 9): its words, deadline and measure, the figure
    as of the date and on the deadline once passed, a red/amber/green status with its rule
    in words, and where the evidence is. Training coverage (8, 9) is the figure `tracker
    coverage` gives; recommendation 4 counts the milestones of `tracker milestones`. The JSON
    lists the measured recommendations only; one not measured yet has no figure."""
    from tracker.recommendations.overview import overview, overview_frame
    from tracker.reports.safe_text import csv_text

    check_format(fmt)
    check_force(force)
    st = state(ctx)
    rules = st.rules()
    view = guard(lambda: overview(st.engine, force, day_of(ctx, as_of), rules))
    if fmt == "json":
        typer.echo(json.dumps(view.as_list(), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        frame = overview_frame(view)
        typer.echo(csv_text(frame[CSV_COLUMNS].rename(columns={"rag": "status"})), nl=False)
    else:
        typer.echo(_table(view))
