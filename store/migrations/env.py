"""Alembic environment: the engine comes from store.Database (config.attributes["engine"])."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from store.schema import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` command line: -x url=...
    engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
