"""``tracker report``: the compliance report as an Excel workbook or a CSV.

A thin layer over ``tracker.reports.data``: options are parsed and checked here, the data comes
from ``build_report`` and the files from ``write_xlsx`` / ``write_csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.options import AsOf, DepartmentOpt, ForceOpt, RequirementOpt, user_name
from tracker.messages.hints import explain
from tracker.reference import vocab
from tracker.reference.text import long_date

if TYPE_CHECKING:  # SQLAlchemy, pandas and the report are loaded by the command
    from sqlalchemy import Engine

    from tracker.config import Settings
    from tracker.reports.data import ReportData

SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class Scope:
    """Who the report is for and what they may see."""

    generated_by: str
    force: str | None
    departments: list[str] | None
    pseudonymise: bool


def _user_scope(engine: Engine, username: str, force: str | None,
                departments: list[str] | None, pseudonymise: bool,
                pseudonymise_inspectors: bool) -> Scope:
    """A user's report: a manager sees only their force and departments, an inspector gets
    pseudonyms when the settings say so."""
    from sqlalchemy import select

    from tracker import auth
    from tracker.store import models
    from tracker.store.db import unit_of_work

    with unit_of_work(engine) as session:
        try:
            user = auth.require_user(session, username)
        except auth.AuthError as exc:
            fail(explain(exc, "cli"))
        if not auth.can(user, "export"):
            fail(f"user {username!r} ({user.role}) may not export reports; ask an admin.")
        own_force = (session.scalar(select(models.Force.code)
                                    .where(models.Force.id == user.force_id))
                     if user.force_id else None)
        role, own_departments = user.role, list(user.departments or [])
    if own_force and force and force != own_force:
        fail(f"user {username!r} may only report on {own_force}, not {force}.")
    if role == "manager":
        outside = sorted(set(departments or []) - set(own_departments))
        if outside:
            fail(f"user {username!r} manages {', '.join(own_departments)}; "
                 f"not {', '.join(outside)}.")
        departments = departments or own_departments
    hide = not auth.shows_identities(user, pseudonymise_inspectors)
    return Scope(username, own_force or force, departments, pseudonymise or hide)


def _check(out: Path, departments: list[str] | None, force: str | None) -> None:
    if out.suffix.lower() not in SUFFIXES:
        fail(f"{out}: the report is written as .xlsx (the full workbook) or .csv (the "
             "outstanding list); give --out a file name ending in one of those.")
    known = vocab.departments().departments
    for code in departments or []:
        if code not in known:
            fail(f"unknown department {code!r}; use one of: {', '.join(known)}.")
    if force and force not in vocab.forces().forces:
        fail(f"unknown force {force!r}; use a force code from tracker/reference/data/forces.toml, "
             "e.g. avon-and-somerset.")


@app.command()
def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="File to write: "
                                      ".xlsx for the workbook, .csv for the outstanding "
                                      "list.")],
    requirement: RequirementOpt = None,
    as_of: AsOf = None,
    department: DepartmentOpt = None,
    force: ForceOpt = None,
    pseudonymise: Annotated[bool, typer.Option(
        "--pseudonymise", help="Show pseudonyms instead of names, emails and staff numbers.")]
    = False,
    table: Annotated[str, typer.Option(
        "--table", metavar="TABLE", help="For a .csv: outstanding (the people still to "
        "complete) or summary (one row per requirement).")] = "outstanding",
    user: Annotated[str | None, typer.Option(
        "--user", metavar="NAME", show_default=False, help="Write the report as this "
        "tracker user: a manager's report holds only their departments; an inspector's is "
        "pseudonymised "
        "unless TRACKER_PSEUDONYMISE_INSPECTORS=0.")] = None,
) -> None:
    """Write the compliance report: an Excel workbook an inspector can file (cover and
    evidence trail, summary, by rank and department, trend, outstanding, exemptions, data
    quality), or the outstanding list (or the summary) as CSV."""
    from tracker.coverage.snapshot import coverage_source
    from tracker.reports.csvs import TABLES
    from tracker.reports.data import build_report
    from tracker.store import audit
    from tracker.store.db import unit_of_work

    st = state(ctx)
    _check(out, department, force)
    if table not in TABLES:
        fail(f"unknown --table {table!r}; use outstanding or summary.")
    rules = st.rules()
    if requirement and requirement not in rules.ids:
        fail(f"unknown requirement {requirement!r}; the rules have: {', '.join(rules.ids)}.")
    scope = (_user_scope(st.engine, user, force, department, pseudonymise,
                         st.settings.pseudonymise_inspectors) if user
             else Scope(user_name(fallback="command line"), force, department, pseudonymise))
    day = as_of.date() if as_of else st.settings.today()
    snapshot = coverage_source(st.engine, rules, st.settings.data_dir).snapshot
    data = build_report(st.engine, rules, day, requirement=requirement, force=scope.force,
                        departments=scope.departments, pseudonymise=scope.pseudonymise,
                        generated_by=scope.generated_by,
                        pseudonym_secret=_secret(st.settings, scope.pseudonymise),
                        snapshot=snapshot)
    _write(data, out, table)
    with unit_of_work(st.engine) as session:
        audit.record(session, scope.generated_by, "report-export", out.name,
                     as_of=day.isoformat(), requirement=requirement, force=scope.force,
                     departments=scope.departments, pseudonymised=scope.pseudonymise)
    typer.echo(_done_line(data, out))


def _secret(settings: Settings, pseudonymise: bool) -> str:
    """The pseudonym secret, read (or made) only for a pseudonymised report."""
    return settings.pseudonym_secret() if pseudonymise else ""


def _write(data: ReportData, out: Path, table: str) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            from tracker.reports.csvs import write_csv

            write_csv(data, out, table=table)
        else:
            from tracker.reports.workbook import write_xlsx  # openpyxl: only for a workbook

            write_xlsx(data, out)
    except OSError as exc:
        fail(f"{out}: cannot write the report ({exc.strerror}). Check the folder exists and "
             "the file is not open in Excel.")


def _done_line(data: ReportData, out: Path) -> str:
    import pandas as pd

    parts = [f"{title} {'-' if pd.isna(pct) else format(float(pct), '.1%')}"
             for title, pct in zip(data.summary["requirement"], data.summary["coverage"],
                                   strict=True)]
    return (f"Wrote {out} (as of {long_date(data.as_of)}): {'; '.join(parts)}; "
            f"{len(data.outstanding):,} outstanding.")


