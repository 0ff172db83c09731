"""Commands for importing files and cleaning up after them: import, imports (list, undo,
problems), match (the review queue of unmatched learners) and map (raw value -> canonical)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from enum import StrEnum
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
from tracker.cli.terminal import TerminalProgress
from tracker.ingest.records import FIELD_LABELS, Decision, Kind, ParsedFile
from tracker.messages.hints import explain, row_hint, with_hint
from tracker.messages.problems import Code, Problem, Report, Severity
from tracker.messages.progress import Progress, no_progress

if TYPE_CHECKING:  # SQLAlchemy, pandas and the store are loaded by the commands
    from sqlalchemy import Engine

    from imports import FileRefused
    from tracker.store.files import Original

if TYPE_CHECKING:
    from tracker.ingest.plausibility import Finding

T = TypeVar("T")


class DateOrder(StrEnum):
    """imports.DATE_ORDERS, as choices (a test keeps the two equal)."""

    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


SHOWN_PROBLEMS = 20

imports_app = typer.Typer(name="imports", help="List, undo and inspect import batches.",
                          no_args_is_help=True, rich_markup_mode=None)
match_app = typer.Typer(name="match", help="The review queue: learners in completion files "
                        "that matched nobody on the roster. Suggest, confirm or reject.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(imports_app)
app.add_typer(match_app)

ColumnOption = Annotated[list[str] | None, typer.Option(
    "--column", metavar="HEADER=FIELD", show_default=False,
    help='Say which field a column feeds, e.g. --column "Patch=unit" (FIELD a field name '
    'or its label, such as "Department"; "ignore" for a column that feeds nothing). Repeat '
    "for several columns. Saved for the file's layout once it is imported.")]
def _guard(work: Callable[[], T]) -> T:
    """Library refusals (ValueError and its kinds) become CLI errors with exit code 1, with
    the command line's hint when the refusal has a code."""
    try:
        return work()
    except ValueError as exc:
        fail(explain(exc, "cli"))


# ---------------------------------------------------------------- tracker import

@app.command("import")
def import_files(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Files to import (.xlsx, .xlsm, .ods, "
                                                ".csv, .tsv, .txt).", show_default=False,
                                                metavar="FILE...")],
    kind: Annotated[Kind | None, typer.Option("--kind", help="The kind of file, when the "
                                              "headers do not make it clear.",
                                              show_default=False)] = None,
    force: Annotated[str, typer.Option("--force", envvar="TRACKER_FORCE", metavar="CODE",
                                       help="Code of the force the files belong to.")]
    = DEFAULT_FORCE,
    as_of: Annotated[dt.datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], metavar="DATE", show_default=False,
        help="Date of an HR roster snapshot (YYYY-MM-DD). Default: the date the file gives, "
        "else today.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="NAME",
                                              help="Workbook sheet to read. Default: the "
                                              "one holding the data.",
                                              show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write "
                                          "nothing.")] = False,
    reimport: Annotated[bool, typer.Option("--reimport", help="Import a file again even if "
                                           "the same content was imported before (rows "
                                           "already stored stay as they are).")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="The roster is a partial update: "
                                          "people missing from it are not made leavers.")]
    = False,
    date_order: Annotated[DateOrder | None, typer.Option(
        "--date-order",
        help="How to read dates like 03/04/2026 in a column where no day is over 12 (reported "
        "as ambiguous-dates): day-first (03/04 = 3 April) or month-first (03/04 = 4 March). "
        "A column with a day over 12 is read the way it shows. Default: day-first, with a "
        "warning.", show_default=False)] = None,
    column: ColumnOption = None,
    accept: Annotated[bool, typer.Option("--accept", help="Import a file even though it looks "
                                         "implausible (a column the requirement rules use "
                                         "not found, many of its values unknown, many "
                                         "learners matching nobody, a requirement's people "
                                         "in scope or completed falling sharply; a log with "
                                         "no officer column, officers matching nobody, or "
                                         "implausible dates), once you "
                                         "have checked it. Recorded in the audit log.")]
    = False,
    as_json: JsonOption = False,
    user: UserOption = None,
) -> None:
    """Import HR rosters, LMS e-learning exports and Hydra delegate lists. Prints, per file,
    which column feeds what and why, what was read, accepted, rejected and left unmatched,
    and the first problems with their row and column. A mapping given with --column is
    saved for the layout of the file once it is imported, so later files of that layout
    need none. A file that looks implausible is refused with what looks wrong and how to
    fix it (--accept imports it anyway). Exit code 0 when every file was imported, 1 when
    any was refused."""
    columns = parse_columns(column)
    engine = ready_engine(ctx)

    def one(path: Path) -> dict[str, Any]:
        try:
            with TerminalProgress(path.name, quiet=as_json) as progress:
                return _import_one(
                    ctx, engine, path, kind=kind, force=force,
                    as_of=as_of.date() if as_of else None, sheet=sheet, dry_run=dry_run,
                    reimport=reimport, partial=partial, accept=accept, actor=user_name(user),
                    date_order=date_order.value if date_order else None, columns=columns,
                    progress=progress)
        except ValueError as exc:  # a library refusal, said once the progress line is gone
            fail(str(exc))

    results = _import_each(files, one)
    if as_json:
        typer.echo(json.dumps(results, indent=2, default=str))
    else:
        for result in results:
            typer.echo(_describe(result))
    if any(r["status"] == "refused" for r in results):
        raise typer.Exit(1)


def _import_each(files: list[Path],
                 one: Callable[[Path], dict[str, Any]]) -> list[dict[str, Any]]:
    """Each file in turn. Ctrl-C stops with what was imported and what was not (a file's
    import is one transaction: an interrupted one leaves nothing), exit code 130."""
    results: list[dict[str, Any]] = []
    for path in files:
        try:
            results.append(one(path))
        except KeyboardInterrupt:
            done = [r["file"] for r in results if r.get("batch_id") is not None]
            typer.echo("Interrupted: nothing was imported." if not done else
                       f"Interrupted: nothing of {path.name} was imported; "
                       f"{', '.join(done)} imported before it stay imported.", err=True)
            raise typer.Exit(130) from None
    return results


def _import_one(ctx: typer.Context, engine: Engine, path: Path, *, kind: Kind | None,
                force: str, as_of: dt.date | None, sheet: str | None, dry_run: bool,
                reimport: bool, partial: bool, date_order: str | None, accept: bool,
                actor: str, columns: dict[str, str],
                progress: Progress = no_progress) -> dict[str, Any]:
    """Parse, plan and (unless a dry run) commit one file, telling ``progress`` each
    stage; a result for printing. A library refusal (ValueError) is the caller's to say."""
    from imports import FileRefused
    from imports.workflow import ImportRequest, plan_file
    from tracker.ingest.batch import ImportRefused, commit_import

    request = ImportRequest(force, actor, kind=kind, sheet=sheet, date_order=date_order,
                            columns=columns, as_of=as_of, full_roster=not partial,
                            allow_reimport=reimport, accept=accept)
    try:
        plan = plan_file(engine, path, request, state(ctx).settings, state(ctx).rules(),
                         progress=progress)
    except FileRefused as exc:
        return _refused(path, exc, kind)
    parsed = plan.parsed
    batch_id = None
    if plan.refused is None and not dry_run:
        try:  # the commit makes the plan again when another import came first
            batch_id = commit_import(engine, plan, path.read_bytes(), progress).id
        except ImportRefused as exc:
            plan.refused = str(exc)
        else:
            _remember_layout(engine, force, parsed, columns, actor)
    status = "refused" if plan.refused else "dry-run" if dry_run else "imported"
    return {**plan.summary(), "refused": plan.refusal("cli"), "status": status,
            "batch_id": batch_id,
            "problem_counts": plan.report.counts(),
            "problems": [p.as_dict() for p in plan.report.problems[:SHOWN_PROBLEMS]],
            **_column_result(parsed.decisions, parsed.layout_used),
            "implausible": [{**f.as_dict(), "fix": _fix(f)} for f in plan.findings]}


# ---------------------------------------------------------------- column mappings

def parse_columns(values: list[str] | None) -> dict[str, str]:
    """--column values as header -> field; a usage error names a malformed one."""
    from tracker.ingest.profiles import IGNORE, field_name

    out: dict[str, str] = {}
    for value in values or []:
        header, sep, text = value.rpartition("=")
        if not sep or not header.strip() or not text.strip():
            raise typer.BadParameter(f'"{value}" is not HEADER=FIELD; write it like '
                                     '--column "Patch=unit".', param_hint="'--column'")
        name = field_name(text.strip())
        if name is None:
            raise typer.BadParameter(
                f'"{value}": {text.strip()!r} is not a field; use one of: '
                f"{', '.join(FIELD_LABELS)} (or {IGNORE}).", param_hint="'--column'")
        out[header.strip()] = name
    return out


def _refused(path: Path, exc: FileRefused, kind: Kind | None) -> dict[str, Any]:
    """A file the importer refused: its message with the CLI's hint, and its columns."""
    from imports.kinds import SPECS

    known = kind or exc.kind
    fields = ", ".join(f.name for f in SPECS[known].fields) if known else ""
    refused = with_hint(str(exc), exc.code, "cli", kinds=", ".join(k.value for k in Kind),
                        fields=fields)
    return {"file": path.name, "status": "refused", "refused": refused, "problems": [],
            **_column_result(exc.decisions, False)}


def _column_result(decisions: list[Decision], layout_used: bool) -> dict[str, Any]:
    return {"columns": [{**dataclasses.asdict(d), "describe": d.describe()}
                        for d in decisions], "layout_used": layout_used}


def _remember_layout(engine: Engine, force: str, parsed: ParsedFile,
                     columns: dict[str, str], actor: str) -> None:
    """Save the --column mapping for the file's layout; count a saved layout's use (a
    ValueError is the caller's to say)."""
    from tracker.ingest.profiles import remember
    from tracker.store.db import unit_of_work

    with unit_of_work(engine) as session:
        remember(session, force, parsed, columns, actor)


def _column_lines(result: dict[str, Any]) -> list[str]:
    lines = ["  using the saved mapping for this layout"] if result.get("layout_used") else []
    if result.get("columns"):
        lines += ["  columns:", *(f"    {c['describe']}" for c in result["columns"])]
    return lines


def _fix(finding: Finding) -> str:
    """What to do about an implausible file, in the command line's words."""
    from tracker.ingest.plausibility import EXAMPLE_HEADERS
    from tracker.messages.hints import face_hint

    evidence = finding.evidence
    example = evidence.get("example") or EXAMPLE_HEADERS.get(str(evidence.get("field")))
    fix = face_hint(finding.code, "cli", **{**evidence, "example": example})
    return (f"To fix: {fix[0].lower()}{fix[1:]} If the file is right, pass --accept to "
            "import it anyway.")


def _describe(result: dict[str, Any]) -> str:
    """The lines a person reads about one file."""
    status = result["status"]
    reason = str(result["refused"]).removeprefix(f"{result['file']}: ")
    if status == "refused" and "kind" not in result:
        return "\n".join([f"{result['file']}: refused: {reason}", *_column_lines(result)])
    head = {"imported": f"imported as batch {result['batch_id']}",
            "dry-run": "dry run, nothing written",
            "refused": f"refused: {reason}"}[status]
    lines = [f"{result['file']}: {head}", *_refusal_fixes(result),
             f"  kind {result['kind']}, force {result['force']}, as of {result['as_of'] or '-'}",
             "  " + ", ".join(f"{label} {result[key]}" for label, key in _COUNT_LABELS),
             *_accepted_lines(result)]
    extra = [f"{label} {result[key]}" for label, key in _ROSTER_LABELS if result[key]]
    if extra:
        lines.append("  " + ", ".join(extra))
    lines += _column_lines(result)
    total = sum(result["problem_counts"].values())
    if total:
        shown = len(result["problems"])
        lines.append(f"  problems (first {shown} of {total}):" if total > shown
                     else f"  problems ({total}):")
        lines += [f"    {_problem_line(p)}" for p in result["problems"]]
    return "\n".join(lines)


def _refusal_fixes(result: dict[str, Any]) -> list[str]:
    """Refused as implausible: how to fix the finding the head line gives, then any other
    finding and its fix."""
    found = result.get("implausible") or []
    if result["status"] != "refused" or not found:
        return []
    lines = [f"  {found[0]['fix']}"]
    for finding in found[1:]:
        message = finding["message"].removeprefix(f"{result['file']}: ")
        lines += [f"  also: {message}", f"  {finding['fix']}"]
    return lines


def _accepted_lines(result: dict[str, Any]) -> list[str]:
    """Gone ahead with --accept: each finding accepted."""
    if result["status"] == "refused":
        return []
    return [f"  accepted as implausible: {f['message'].removeprefix(result['file'] + ': ')}"
            for f in result.get("implausible") or []]


_COUNT_LABELS = [("rows read", "rows_read"), ("accepted", "accepted"),
                 ("warnings", "warnings"), ("rejected", "rejected"),
                 ("unmatched", "unmatched"), ("new", "new"), ("unchanged", "unchanged")]
_ROSTER_LABELS = [("updated", "updated"), ("leavers", "leavers"),
                  ("date disagreements", "date_disagreements"),
                  ("people created", "people_created")]


def _problem_line(problem: dict[str, Any]) -> str:
    where = [problem["file"]] if problem.get("file") else []
    if problem.get("row") is not None:
        where.append(f"row {problem['row']}")
    if problem.get("column"):
        where.append(f'column "{problem["column"]}"')
    message = _with_row_hint(problem["message"], problem["code"], problem.get("value"))
    return f"[{problem['severity']}] {', '.join(where)}: {message}"


def _with_row_hint(message: str, code: str, value: Any) -> str:
    """A stored problem's message with the command that deals with it, if there is one."""
    return f"{message} {row_hint(code, 'cli', value, added_only=True)}".strip()


# ---------------------------------------------------------------- tracker imports ...

@imports_app.command("list")
def list_batches(ctx: typer.Context,
                 force: Annotated[str | None, typer.Option(
                     "--force", metavar="CODE", show_default=False,
                     help="Only this force's batches (its code, e.g. avon-and-somerset). "
                     "Default: every force's.")] = None,
                 as_json: JsonOption = False) -> None:
    """List import batches, newest first (one force's with --force): file, kind, counts
    and status."""
    from tracker.ingest import reads

    rows = [{"id": b["id"], "imported_at": f"{b['imported_at']:%Y-%m-%d %H:%M}",
             "file": b["file_name"], "kind": b["kind"], "force": b["force"], "as_of": b["as_of"],
             "by": b["imported_by"], "read": b["rows_read"], "accepted": b["rows_accepted"],
             "rejected": b["rows_rejected"], "unmatched": b["rows_unmatched"],
             "new": b["rows_new"], "status": b["status"]}
            for b in reads.import_history(ready_engine(ctx), force).records]
    emit_rows(rows, as_json, empty=f"No imports of {force} yet: `tracker import FILE --force "
              f"{force}` adds one." if force else "No imports yet: `tracker import FILE` adds one.")


@imports_app.command("undo")
def undo(ctx: typer.Context,
         batch_id: Annotated[int, typer.Argument(help="The batch id (`tracker imports list`).")],
         user: UserOption = None) -> None:
    """Undo an import batch: the database is left as if the file had never been imported
    (the batch stays in the list, marked undone, for the audit trail)."""
    from tracker.ingest.undo import undo_batch

    engine = ready_engine(ctx)
    batch = _guard(lambda: undo_batch(engine, batch_id, user_name(user)))
    typer.echo(f"Batch {batch.id} ({batch.file_name}) undone.")


@imports_app.command("problems")
def problems(ctx: typer.Context,
             batch_id: Annotated[int, typer.Argument(help="The batch id.")],
             out: Annotated[Path | None, typer.Option(
                 "--out", metavar="FILE",
                 help="Write the problems to this .csv or .xlsx file instead.",
                 show_default=False)] = None) -> None:
    """Show every row-level problem of a batch (row as the spreadsheet shows it), or write
    them to a .csv / .xlsx file to work through."""
    from tracker.ingest import reads

    engine = ready_engine(ctx)
    if out is not None and out.suffix.lower() not in {".csv", ".xlsx"}:
        fail(f"cannot write {out.name}: use a .csv or .xlsx file name.", code=2)
    name = reads.batch_file_name(engine, batch_id)
    if name is None:
        fail(f"no import batch {batch_id}; `tracker imports list` shows them.")
    rows = reads.batch_problems(engine, batch_id).records
    if out is None:
        emit_rows([{**r, "message": _with_row_hint(r["message"], r["code"], r["value"])}
                   for r in rows], False, empty=f"Batch {batch_id} has no problems.")
        return
    from imports import write_problems

    found = [Problem(Code(r["code"]), Severity(r["severity"]), r["message"], r["row"],
                     r["column"], r["value"], name) for r in rows]
    write_problems(Report(problems=found), out)  # every text cell inert in a spreadsheet
    typer.echo(f"Wrote {len(found)} problems of batch {batch_id} to {out}.")


@imports_app.command("file")
def original_file(ctx: typer.Context,
                  batch_id: Annotated[int, typer.Argument(help="The batch id.")],
                  out: Annotated[Path | None, typer.Option(
                      "--out", metavar="FILE", show_default=False,
                      help="Where to write it. Default: the file's own name, here.")] = None,
                  user: UserOption = None) -> None:
    """Write the file a batch imported, byte for byte as it was uploaded (it holds names and
    numbers: the fetch is in the audit log)."""
    from tracker.ingest import reads

    def write(kept: Original) -> None:
        target = out or Path(Path(kept.file_name).name)
        if target.exists():
            fail(f"{target} exists; give --out another file name.", code=2)
        target.write_bytes(kept.content)
        typer.echo(f"Wrote {target} ({len(kept.content):,} bytes), the file of batch "
                   f"{batch_id}.")

    if reads.original_file(ready_engine(ctx), batch_id, user_name(user), write) is None:
        fail(f"the file of batch {batch_id} is not kept (no such batch, imported before "
             "files were kept, undone, or purged by the retention policy); `tracker imports "
             "list` shows the batches.")


# ---------------------------------------------------------------- tracker match ...

@match_app.command("list")
def match_list(ctx: typer.Context,
               show_all: Annotated[bool, typer.Option("--all", help="Include confirmed and "
                                                      "rejected records.")] = False,
               as_json: JsonOption = False) -> None:
    """Learners that matched nobody, waiting for a person to confirm or reject them."""
    from tracker.ingest import reads

    queue = reads.review_queue(ready_engine(ctx), open_only=not show_all)
    rows = [{"id": r["id"], "batch": r["batch_id"], "row": r["row"], "name": r["display_name"],
             "identity": r["identity_key"], "module": r["payload"].get("module_code"),
             "completed_on": r["payload"].get("completed_on"), "status": r["status"]}
            for r in queue.records]
    emit_rows(rows, as_json, empty="The review queue is empty.")


@match_app.command("suggest")
def match_suggest(ctx: typer.Context,
                  record_id: Annotated[int, typer.Argument(help="The record id "
                                                           "(`tracker match list`).")],
                  limit: Annotated[int, typer.Option("--limit", min=1)] = 5) -> None:
    """Roster people whose name is close to the learner's (never applied automatically)."""
    from tracker.ingest.matching import suggest_matches

    engine = ready_engine(ctx)
    found = _guard(lambda: suggest_matches(engine, record_id, limit=limit))
    if not found:
        typer.echo(f"No close names for record {record_id}; confirm with a staff number if "
                   "you know who it is.")
        return
    for item in found:
        typer.echo(f"  person {item.person_id}: {item.describe()}")
    typer.echo(f"Confirm with: tracker match confirm {record_id} PERSON_ID")


@match_app.command("confirm")
def match_confirm(ctx: typer.Context,
                  record_id: Annotated[int, typer.Argument(help="The record id.")],
                  person: Annotated[str, typer.Argument(help="Person id or staff number.")],
                  user: UserOption = None) -> None:
    """Confirm that the learner is this person: the link is stored and reapplied on every
    later import, and the completion is recorded."""
    from tracker.ingest.matching import confirm_match, resolve_person

    engine = ready_engine(ctx)
    person_id = _guard(lambda: resolve_person(engine, record_id, person))
    resolved = _guard(lambda: confirm_match(engine, record_id, person_id, user_name(user)))
    typer.echo(f"Record {record_id} confirmed as person {person_id}; {resolved} record(s) of "
               "this learner resolved.")


@match_app.command("reject")
def match_reject(ctx: typer.Context,
                 record_id: Annotated[int, typer.Argument(help="The record id.")],
                 user: UserOption = None) -> None:
    """Close a record as not one of ours (kept for the audit trail; not queued again)."""
    from tracker.ingest.matching import reject_match

    engine = ready_engine(ctx)
    _guard(lambda: reject_match(engine, record_id, user_name(user)))
    typer.echo(f"Record {record_id} rejected.")


# ---------------------------------------------------------------- tracker map

@app.command("map")
def map_value(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="rank, department, module or force; or `list` "
                                        "to show the mappings.")],
    raw: Annotated[str | None, typer.Argument(help="The value as files write it.",
                                              show_default=False)] = None,
    canonical: Annotated[str | None, typer.Argument(help="The canonical code it means.",
                                                    show_default=False)] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Map a raw rank, department, module title or force to its canonical code, for every
    later import (`tracker map department "RPU Portishead" roads-policing`), or list the
    mappings (`tracker map list`)."""
    from tracker.ingest.mappings import save_mapping
    from tracker.store.db import unit_of_work

    engine = ready_engine(ctx)
    if kind == "list" and raw is None:
        _list_mappings(engine, as_json)
        return
    if raw is None or canonical is None:
        raise typer.BadParameter("give KIND RAW CANONICAL, or `list`.", param_hint="KIND")
    with unit_of_work(engine) as session:
        _guard(lambda: save_mapping(session, kind, raw, canonical, user_name(user)))
    typer.echo(f"Mapped {kind} {raw.strip()!r} to {canonical}. Import the files again to apply it "
               "(with --reimport for a file imported before).")


def _list_mappings(engine: Engine, as_json: bool) -> None:
    from sqlalchemy import select

    from tracker.store.db import unit_of_work
    from tracker.store.models import ValueMapping

    with unit_of_work(engine) as session:
        rows = [{"kind": m.kind, "raw": m.raw_example, "canonical": m.canonical,
                 "by": m.created_by, "at": f"{m.created_at:%Y-%m-%d %H:%M}"}
                for m in session.scalars(select(ValueMapping)
                                         .order_by(ValueMapping.kind, ValueMapping.raw_key))]
    emit_rows(rows, as_json, empty="No mappings yet: `tracker map KIND RAW CANONICAL` adds one.")

