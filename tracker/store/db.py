"""Engine, sessions and schema set-up (Alembic), for SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tracker.reference import vocab
from tracker.store import models

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQLite files get WAL, foreign keys and a busy timeout, and
    their folder is created; PostgreSQL URLs use psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql" or parsed.drivername == "postgres":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


def _sqlite_engine(parsed: Any, **kwargs: Any) -> Engine:
    database = parsed.database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


@contextmanager
def scratch_schema(url: str, prefix: str) -> Iterator[Engine]:
    """An engine on a new, empty PostgreSQL schema ``<prefix>_<random hex>`` of the database
    at ``url``, dropped with everything in it when the block ends (for tests and
    benchmarks: each run has its own, so runs side by side never meet)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_engine(url).url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def cursor_frame(dbapi_connection: Any, sql: str, params: Any,
                 columns: Sequence[str]) -> pd.DataFrame:
    """Run ``sql`` on a DBAPI connection and return its rows as one block of object columns
    (values as the driver gives them): plain tuples into one object array are several times
    quicker, for a quarter of a million rows, than result objects or pandas' own per-cell
    type inference."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql, params) if params is not None else cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    data = np.empty((len(rows), len(columns)), dtype=object)
    if rows:
        data[:] = rows
    return pd.DataFrame(data, columns=list(columns), dtype=object, copy=False)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: committed if the block ends normally, rolled back otherwise."""
    with session_factory(engine)() as session, session.begin():
        yield session


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def init_db(engine: Engine) -> str:
    """Create or upgrade the schema to the newest migration, then load the shipped forces
    and modules. Idempotent: running it twice changes nothing. Returns the revision."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    command.upgrade(alembic_config(engine), "head")
    sync_reference_data(engine)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or ""


def sync_reference_data(engine: Engine) -> None:
    """Insert shipped forces and modules that are missing; update titles that changed."""
    with unit_of_work(engine) as session:
        known_forces = {f.code: f for f in session.scalars(select(models.Force))}
        for force in vocab.forces().forces.values():
            row = known_forces.get(force.code)
            if row is None:
                session.add(models.Force(code=force.code, name=force.name,
                                         home_office=force.home_office))
            else:
                row.name, row.home_office = force.name, force.home_office
        known_modules = {m.code: m for m in session.scalars(select(models.Module))}
        for module in vocab.modules().modules.values():
            mrow = known_modules.get(module.code)
            if mrow is None:
                session.add(models.Module(code=module.code, title=module.title,
                                          kind=module.kind,
                                          available_from=module.available_from))
            else:
                mrow.title, mrow.kind = module.title, module.kind
                mrow.available_from = module.available_from


def force_ids(session: Session) -> dict[str, int]:
    return {code: id_ for id_, code in session.execute(select(models.Force.id, models.Force.code))}


def module_ids(session: Session) -> dict[str, int]:
    rows = session.execute(select(models.Module.id, models.Module.code))
    return {code: id_ for id_, code in rows}
