"""Commands for setting up: init, demo-data, demo, serve."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tracker.cli.app import app, fail, state
from tracker.coverage.rules import load_rules

if TYPE_CHECKING:
    from sqlalchemy import Engine

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
STREAMLIT_CONFIG = DASHBOARD.parents[1] / ".streamlit" / "config.toml"

DateOption = Annotated[
    dt.datetime | None,
    typer.Option("--today", formats=["%Y-%m-%d"], metavar="DATE", help="Pretend today is this date "
                 "(YYYY-MM-DD). Default: $TRACKER_TODAY, else the real date.",
                 show_default=False),
]


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the database, or upgrade it to the newest schema. Safe to run again."""
    from sqlalchemy.exc import OperationalError

    from tracker.store.db import init_db

    st = state(ctx)
    try:
        revision = init_db(st.engine)
    except OperationalError as exc:
        fail(f"cannot open the database {st.engine.url.render_as_string()}: {exc.orig}. "
             "Check --db / TRACKER_DB_URL, and that the server is running.")
    typer.echo(f"Database ready at {st.engine.url.render_as_string()} (schema {revision}).")


@app.command("demo-data")
def demo_data(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", metavar="FOLDER|FILE.db",
                                      help="Folder to write the export files to; with "
                                      "--national, the SQLite file to create.")],
    people: Annotated[int | None, typer.Option(
        "--people", min=50, metavar="N", show_default=False,
        help="Size of the force [default: 6500; national: 250000 in all].")] = None,
    seed: Annotated[int, typer.Option("--seed", metavar="N",
                                      help="Random seed (same seed, same files).")] = 2025,
    forces: Annotated[int, typer.Option("--forces", min=1, max=43, metavar="N",
                                        help="Number of forces (national benchmarks).")] = 1,
    national: Annotated[bool, typer.Option(
        "--national", help="Instead of export files, build a national database (43 forces, "
        "two roster snapshots, completions, exemptions) straight into a new SQLite file, with "
        "log-ins for a national admin, lead and inspector and a Metropolitan Police "
        "lead.")] = False,
    completions: Annotated[int, typer.Option(
        "--completions", min=0, metavar="N",
        help="With --national: e-learning and Hydra completions in all.")] = 1_000_000,
    today: DateOption = None,
) -> None:
    """Write realistic synthetic export files (HR roster, LMS e-learning exports, Hydra
    delegate lists) for a force, with the mess real files carry; or, with --national, a
    national database to try the dashboard at scale."""
    if national:
        _national_database(out, people or 250_000, completions, seed)
        return
    from demodata import generate

    day = today.date() if today else state(ctx).settings.today()
    manifest = generate(out, people=people or 6500, seed=seed, forces=forces, today=day)
    for item in manifest.files:
        typer.echo(f"  {item.kind:<28} {out / item.name}")
    typer.echo(f"Wrote {len(manifest.files)} files for {people or 6500} people to {out}.")


def _national_database(out: Path, people: int, completions: int, seed: int) -> None:
    from demodata.national import build_national, national_users
    from tracker.store.db import make_engine

    if out.exists():
        fail(f"{out} already exists: choose a new file name, or remove it first.")
    if not out.parent.is_dir():
        fail(f"the folder {out.parent} does not exist: create it, or choose another file.")
    typer.echo(f"Building a national database of {people:,} people at {out} ...")
    engine = make_engine(f"sqlite:///{out.resolve()}")
    try:
        sizes = build_national(engine, people, completions, seed)
        users = national_users(engine)
    finally:
        engine.dispose()
    typer.echo(f"  {sizes['forces']} forces, {sizes['people']:,} people, "
               f"{sizes['person_states']:,} roster rows, {sizes['completions']:,} completions, "
               f"{sizes['exemptions']:,} exemptions.")
    typer.echo("Log-ins (user / password):")
    for username, password in users.items():
        typer.echo(f"  {username:<20} {password}")
    typer.echo(f"Open it: TRACKER_DB_URL=sqlite:///{out.resolve()} tracker serve")


def build_demo_database(engine: Engine, files_dir: Path, today: dt.date) -> list[str]:
    """Generate the demo force's files and import them through the real import path.
    Returns one summary line per imported file."""
    from demodata import generate
    from imports.workflow import ImportRequest, plan_file
    from tracker.config import load_settings
    from tracker.ingest.batch import commit_import
    from tracker.recommendations.demo import demo_register
    from tracker.sessions.demo import demo_sessions
    from tracker.store.db import init_db

    init_db(engine)
    manifest = generate(files_dir, today=today)
    settings = dataclasses.replace(load_settings(), today_override=today)
    request = ImportRequest("avon-and-somerset", "demo")
    lines = []
    for item in sorted(manifest.files, key=lambda f: (f.kind != "hr-roster", f.name)):
        path = files_dir / item.name
        plan = plan_file(engine, path, request, settings, in_child=False)
        batch = commit_import(engine, plan, path.read_bytes())
        lines.append(f"  {item.name:<45} {plan.parsed.kind.value:<28} "
                     f"{batch.rows_accepted:>6} accepted, {batch.rows_rejected} rejected, "
                     f"{batch.rows_unmatched} unmatched")
    demo_register(engine, "avon-and-somerset", today)
    demo_sessions(engine, load_rules(), "avon-and-somerset", today)
    return lines


@app.command()
def demo(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", metavar="PORT",
                                      help="Port for the dashboard.")] = 8501,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build the demo database and "
                                           "stop, without starting the dashboard.")] = False,
) -> None:
    """Build a fresh demo database (a synthetic force of 6,500 people, imported through the
    real import path), create one demo user per role, print their log-ins, and start the
    dashboard."""
    from tracker.auth import DEMO_USERS, ensure_demo_users

    st = state(ctx)
    if st.engine.url.get_backend_name() == "sqlite":
        _remove_sqlite(st.engine)
    today = st.settings.today()
    typer.echo(f"Building the demo database at {st.engine.url.render_as_string()} ...")
    with tempfile.TemporaryDirectory(prefix="tracker-demo-") as tmp:
        for line in build_demo_database(st.engine, Path(tmp), today):
            typer.echo(line)
    users = ensure_demo_users(st.engine)
    typer.echo("\nDemo log-ins (user / password / role):")
    for username, password in users.items():
        role = DEMO_USERS[username][0]
        typer.echo(f"  {username:<16} {password:<26} {role}")
    if not no_serve:
        _serve(st.engine, port, st.settings.max_upload_mb)


def _remove_sqlite(engine: Engine) -> None:
    database = engine.url.database
    engine.dispose()
    if database and database != ":memory:":
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", metavar="PORT",
                                      help="Port for the dashboard.")] = 8501,
) -> None:
    """Start the dashboard on the configured database (run `tracker init` first). The
    command becomes the server: stopping it (Ctrl+C, SIGTERM) stops the server."""
    from tracker.store.db import init_db

    st = state(ctx)
    init_db(st.engine)
    _serve(st.engine, port, st.settings.max_upload_mb)


def dashboard_options(config: Path = STREAMLIT_CONFIG, max_upload_mb: int | None = None,
                      ) -> list[str]:
    """The dashboard's Streamlit settings (``.streamlit/config.toml``: theme colours that
    meet WCAG contrast, no built-in table export that would skip the audit log and the
    formula-safe writer) as command-line flags, so they hold from whatever folder the
    server is started; Streamlit itself reads that file only from the current folder.
    ``max_upload_mb`` (TRACKER_MAX_UPLOAD_MB) becomes the server's own upload limit, which
    otherwise refuses anything over 200 MB whatever the pages' uploaders say."""
    settings = tomllib.loads(config.read_text(encoding="utf-8")) if config.exists() else {}
    settings.setdefault("server", {})["headless"] = True
    if max_upload_mb is not None:
        settings["server"]["maxUploadSize"] = max_upload_mb
    settings.setdefault("browser", {})["gatherUsageStats"] = False
    return [item for section, values in settings.items() for key, value in values.items()
            for item in (f"--{section}.{key}", str(value).lower() if isinstance(value, bool)
                         else str(value))]


# glibc gives each thread that allocates its own memory arena, and Streamlit runs every
# page in a thread of its own: a national server's memory then only grows (890 MB after a
# few pages, 1,080 MB after a few more; 760 MB and steady with two arenas, same pages).
# Arrow's own allocator keeps what it frees (the snapshot read back: 76 MB kept of 80);
# the system's gives it back (4 kept).
SERVER_ENV = {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"}


def server_env(db_url: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """The dashboard server's environment: ``env`` (default: this one), the database, and
    SERVER_ENV unless ``env`` sets them itself."""
    return {**SERVER_ENV, **(os.environ if env is None else env), "TRACKER_DB_URL": db_url}


def _serve(engine: Engine, port: int, max_upload_mb: int) -> NoReturn:
    """Become the dashboard: this process is replaced by Streamlit's (exec), so the signals
    that stop it (Ctrl+C, SIGTERM from systemd or `docker stop`, even SIGKILL) reach the
    server itself and nothing is left running. The database's connections are closed
    first; the server opens its own."""
    streamlit = shutil.which("streamlit")
    launcher = [streamlit] if streamlit else [sys.executable, "-m", "streamlit"]
    env = server_env(engine.url.render_as_string(hide_password=False))
    engine.dispose()
    typer.echo(f"\nDashboard: http://localhost:{port}  (Ctrl+C to stop)")
    command = [*launcher, "run", str(DASHBOARD), "--server.port", str(port),
               *dashboard_options(max_upload_mb=max_upload_mb)]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(command[0], command, env)
