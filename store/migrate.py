"""Schema migrations with Alembic, run from code (no alembic.ini needed at run time)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to `revision`; a schema already at head costs one query, no Alembic run."""
    if revision == "head" and current(engine) == head():
        return
    command.upgrade(alembic_config(engine), revision)


def head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def new_revision(message: str, rev_id: str) -> None:
    """Developer tool: write a migration for the difference between the models and head.

    Run `python -m store.migrate REV_ID "message"` after changing a table; it builds head
    in a throwaway SQLite database and autogenerates the difference.
    """
    import tempfile

    from sqlalchemy import create_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'head.db'}")
        upgrade(engine)
        command.revision(alembic_config(engine), message, autogenerate=True, rev_id=rev_id)
        engine.dispose()


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 3:
        sys.exit('usage: python -m store.migrate REV_ID "message"')
    new_revision(sys.argv[2], sys.argv[1])
