"""``tracker coverage``, ``tracker outstanding``, ``tracker trend`` and ``tracker explain``.

A thin layer over ``tracker.coverage.engine``, ``tracker.coverage.trend`` and
``tracker.coverage.explain``: options are parsed here, the numbers come from the engine,
so the CLI, the dashboard and the reports cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.options import (
    AsOf,
    DepartmentOpt,
    ForceOpt,
    FormatOpt,
    RequirementOpt,
    check_format,
    day_of,
)
from tracker.messages import hints
from tracker.reference import vocab

if TYPE_CHECKING:  # pandas, SQLAlchemy and the engine are loaded by the commands
    import pandas as pd

    from tracker.coverage.engine import CoverageResult

T = TypeVar("T")

# tracker.coverage.population.BREAKDOWNS, spelled out so that building the CLI (its --help)
# need not load pandas and SQLAlchemy; a test keeps the two equal.
BREAKDOWNS = ("rank", "department", "unit", "workforce_type", "line_manager", "force")


def guard(work: Callable[[], T]) -> T:
    """Run ``work``, turning engine refusals and database failures into CLI errors."""
    from sqlalchemy.exc import DBAPIError

    try:
        return work()
    except (KeyError, ValueError) as exc:
        fail(hints.explain(exc, "cli"))
    except DBAPIError as exc:
        fail(f"cannot read the database: {exc.orig}. Run `tracker init` to create or upgrade "
             "it, and check --db / TRACKER_DB_URL.")


def _split_by(by: str | None) -> list[str]:
    keys = [k.strip().replace("-", "_") for k in (by or "").split(",") if k.strip()]
    unknown = [k for k in keys if k not in BREAKDOWNS]
    if unknown:
        fail(f"cannot break coverage down by {unknown[0]!r}; --by takes one or two of "
             f"{', '.join(BREAKDOWNS)}, comma-separated (e.g. --by rank,department).", code=2)
    return keys


def check_force(force: str | None) -> None:
    """Stop with a usage error when ``force`` is not a known force code."""
    if force is not None and force not in vocab.forces().forces:
        fail(f"unknown force {force!r}; use a force code such as avon-and-somerset "
             "(see tracker/reference/data/forces.toml).", code=2)


def _compute(ctx: typer.Context, as_of: dt.date, requirement: str | None, force: str | None,
             departments: Sequence[str] | None) -> CoverageResult:
    from tracker.coverage.snapshot import saved_source

    st = state(ctx)
    rules = st.rules()
    check_force(force)
    return guard(lambda: saved_source(st.engine, rules, st.settings.data_dir, force=force,
                                      departments=departments or None).on(as_of, requirement))


# --------------------------------------------------------------------------- output


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes turned into labels, percentages and blanks made readable, for a table."""
    import pandas as pd

    out = frame.copy()
    labels: dict[str, Callable[[Any], str]] = {
        "rank": vocab.rank_label,
        "department": vocab.department_label,
        "workforce_type": lambda v: vocab.WORKFORCE_LABELS.get(v, v or "Unknown"),
        "force": lambda v: vocab.forces().forces[v].name if v in vocab.forces().forces
        else (v or "Unknown"),
    }
    for column, label in labels.items():
        if column in out:
            out[column] = out[column].map(label)
    if "coverage_pct" in out:
        small = out.get("small_group", pd.Series(False, index=out.index))
        out["coverage_pct"] = [
            "-" if pct is None else f"{pct:.1f}%{'*' if flag else ''}"
            for pct, flag in zip(out["coverage_pct"], small, strict=True)]
    if "expired" in out:
        out["expired"] = out["expired"].map({True: "yes", False: ""})
    out = out.drop(columns=[c for c in ("small_group",) if c in out])
    return out.astype(object).where(out.notna(), "")


def render_table(frame: pd.DataFrame) -> str:
    """An aligned plain-text table: text left, numbers right, a rule under the heading."""
    import pandas as pd

    from tracker.reference.labels import heading

    shown = _display(frame)
    headings = [heading(c, "terminal") for c in shown.columns]
    cells = [[str(v) for v in row] for row in shown.itertuples(index=False, name=None)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) or c == "coverage_pct"
               for c in shown.columns]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headings)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w)
                 for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headings), rule, *(line(r) for r in cells)])


def emit(frame: pd.DataFrame, fmt: str, *, title: str = "", notes: Sequence[str] = ()) -> None:
    """Print ``frame`` as a table (with title and notes), CSV or JSON."""
    from tracker.coverage.engine import to_records
    from tracker.reports.safe_text import csv_text

    if fmt == "json":
        typer.echo(json.dumps(to_records(frame), indent=2, ensure_ascii=False))
    elif fmt == "csv":
        typer.echo(csv_text(frame), nl=False)  # the one formula-safe writer
    else:
        if title:
            typer.echo(title + "\n")
        typer.echo(render_table(frame) if len(frame) else "(nobody)")
        for note in notes:
            typer.echo(note)


def _where(as_of: dt.date, force: str | None, departments: Sequence[str] | None) -> str:
    place = vocab.forces().forces[force].name if force else "all forces"
    if departments:
        place += ", " + ", ".join(vocab.department_label(d) for d in departments)
    return f"as of {as_of.isoformat()}, {place}"


# --------------------------------------------------------------------------- commands


@app.command()
def coverage(
    ctx: typer.Context,
    requirement: RequirementOpt = None,
    by: Annotated[str | None, typer.Option(
        "--by", metavar="FIELDS", show_default=False,
        help=f"Break down by one or two of {', '.join(BREAKDOWNS)}, comma-separated "
        "(e.g. rank,department).")] = None,
    as_of: AsOf = None,
    force: ForceOpt = None,
    department: DepartmentOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Coverage of each requirement: people in scope, exempt, completed (and late), not yet
    due, outstanding, and coverage % = completed / (completed + outstanding)."""
    check_format(fmt)
    keys = _split_by(by)
    day = day_of(ctx, as_of)
    result = _compute(ctx, day, requirement, force, department)
    summary = result.summary(keys)
    notes = ["", "Coverage = completed / (completed + outstanding); exempt and not-yet-due "
             "people are counted but not in the base."]
    if "small_group" in summary and summary["small_group"].any():
        notes.append("* fewer than 10 people in scope: read the percentage with care.")
    emit(summary, fmt, title=f"Coverage {_where(day, force, department)}", notes=notes)


@app.command()
def outstanding(
    ctx: typer.Context,
    requirement: RequirementOpt = None,
    by: Annotated[str, typer.Option(
        "--by", metavar="FIELD",
        help="Group the list by department or line_manager.")] = "department",
    as_of: AsOf = None,
    force: ForceOpt = None,
    department: DepartmentOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Everyone outstanding, with rank, unit, line manager, the modules they are missing and
    the days left to the deadline (negative once it has passed): the list to chase."""
    check_format(fmt)
    if by not in ("department", "line_manager"):
        fail(f"--by takes department or line_manager, not {by!r}.", code=2)
    day = day_of(ctx, as_of)
    result = _compute(ctx, day, requirement, force, department)
    listing = guard(lambda: result.outstanding(requirement, by=by))
    if fmt == "table":
        listing = listing.drop(columns=["email", "line_manager", "department_label"],
                               errors="ignore")
    emit(listing, fmt, title=f"Outstanding {_where(day, force, department)}: "
         f"{len(listing)} people")


@app.command()
def trend(
    ctx: typer.Context,
    requirement: Annotated[str, typer.Option(
        "--requirement", "-r", metavar="ID",
        help="Requirement id from the rules, e.g. oic-elearning.")],
    today: Annotated[dt.datetime | None, typer.Option(
        "--today", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
        help="Last week's date (YYYY-MM-DD). Default: today ($TRACKER_TODAY when set).")]
    = None,
    force: ForceOpt = None,
    department: DepartmentOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Weekly coverage up to today, the recent completion rate, the forecast date for 100%,
    the completions needed per week to make the deadline, and a red/amber/green status."""
    from tracker.coverage.engine import to_records
    from tracker.coverage.snapshot import saved_source

    check_format(fmt)
    st = state(ctx)
    rules = st.rules()
    day = day_of(ctx, today)
    result = guard(lambda: saved_source(st.engine, rules, st.settings.data_dir, force=force,
                                        departments=department or None).trend(requirement,
                                                                              day))
    if fmt == "json":
        payload = {**result.as_dict(), "weekly": to_records(result.weekly),
                   "needed": to_records(result.needed)}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        emit(result.weekly, fmt)
        return
    headline = result.as_dict()
    emit(result.weekly, fmt, title=f"Trend of {requirement} {_where(day, force, department)}",
         notes=["", f"Status: {result.rag.upper()}. {result.rag_reason}",
                f"Recent rate: {headline['recent_rate']} people a week over the last 6 weeks; "
                f"forecast 100%: {headline['forecast_date'] or 'none at this rate'}; needed "
                f"from now: {headline['weekly_needed'] or '- (the deadline has passed)'} "
                "a week.", f"Rule: {result.rag_rule}"])


@app.command()
def explain(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(
        metavar="PERSON", help="Staff number, collar number, e-mail address or person id.")],
    as_of: AsOf = None,
    force: ForceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")]
    = False,
) -> None:
    """Why a person has the status they have for each requirement: the roster state used,
    the rule that put them in scope (or kept them out), the completions counted and the
    import files they came from, the modules missing and any exemption."""
    from tracker.coverage.explain import explain as explain_person

    st = state(ctx)
    rules = st.rules()
    day = day_of(ctx, as_of)
    result = guard(lambda: explain_person(st.engine, rules, person, day, force=force))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(result.to_text())
