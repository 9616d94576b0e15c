"""Schema migrations with Alembic, run from code (no alembic.ini needed at run time).

A schema already at head costs one query and no Alembic import: every command starts
by making sure of the schema, and importing Alembic alone takes a quarter of a second.
Migration files are named after their revision (`0016_….py` holds revision "0016"), so
the head is the highest file name prefix; tests/test_store.py holds Alembic to that.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to `revision`; a schema already at head costs one query, no Alembic run."""
    if revision == "head" and current(engine) == head():
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def head() -> str | None:
    """The newest revision: the highest prefix of the migration files' names."""
    found = (_REVISION_FILE.match(p.name) for p in (MIGRATIONS / "versions").iterdir())
    return max((m.group(1) for m in found if m), default=None)


def alembic_head() -> str | None:
    """The head as Alembic reads it from the migration scripts (slow: imports them all)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: no schema yet)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def new_revision(message: str, rev_id: str) -> None:
    """Developer tool: write a migration for the difference between the models and head.

    Run `python -m store.migrate REV_ID "message"` after changing a table; it builds head
    in a throwaway SQLite database and autogenerates the difference.
    """
    import tempfile

    from alembic import command
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
