"""Shared fixtures: every database test runs on SQLite, and on PostgreSQL too when
``TRACKER_TEST_POSTGRES_URL`` is set (each test in a schema of its own, dropped after)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tracker.store.db import init_db, make_engine, scratch_schema

DATA = Path(__file__).parent / "data"
POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a brand-new, empty database (no schema)."""
    if request.param == "postgresql":
        with scratch_schema(POSTGRES_URL or "", "t") as engine:
            yield engine
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a database with the schema and the shipped reference data."""
    init_db(empty_engine)
    return empty_engine


def cli_db_url(engine: Engine) -> str:
    """A URL the CLI can open for a fixture's database (its own schema on PostgreSQL)."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


# Settings a developer's shell may hold that would change what a command does.
CLI_ENV_CLEARED = ("TRACKER_FORCE", "TRACKER_REFERRAL_WINDOW_DAYS")


def cli_in(engine: Engine, folder: Path, monkeypatch: pytest.MonkeyPatch,
           today: str) -> Callable[..., Any]:
    """`tracker --db URL ARGS...` run in ``folder`` on ``engine``'s database, today being
    ``today`` (YYYY-MM-DD), with no TRACKER_* setting from the shell that changes results."""
    from typer.testing import CliRunner

    from tracker.cli import app

    monkeypatch.chdir(folder)
    monkeypatch.setenv("TRACKER_TODAY", today)
    for name in CLI_ENV_CLEARED:
        monkeypatch.delenv(name, raising=False)
    url = cli_db_url(engine)
    return lambda *args: CliRunner().invoke(app, ["--db", url, *args])
