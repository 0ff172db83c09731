"""Alembic environment: the engine is handed in by tracker.store.db.alembic_config."""

from __future__ import annotations

from alembic import context

from tracker.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - run through `tracker init`, not the alembic CLI
    from tracker.config import load_settings
    from tracker.store.db import make_engine

    engine = make_engine(load_settings().db_url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
