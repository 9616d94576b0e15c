"""The database handle: engine, schema upgrades, and off-loop execution.

Query code is plain synchronous SQLModel (easy to read and test). The event loop never
waits on the database: `read` and `write` run a function taking a `Session` in worker
threads. On SQLite all writes go through one writer thread (SQLite allows one writer at
a time; queuing them in-process avoids lock contention), while reads run in parallel
under WAL. On PostgreSQL both use a pool of threads sized like the connection pool.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlmodel import Session, create_engine

T = TypeVar("T")


class StoreError(Exception):
    """The database cannot be used (unreachable, bad URL, schema too new); one line."""


def parse_url(url: str) -> URL:
    """SQLAlchemy URL with our driver defaults: psycopg 3 for PostgreSQL."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"database URL is not valid: {url!r}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r} in {redact(url)}: "
            "use sqlite:///FILE or postgresql://USER@HOST/DB"
        )
    return parsed


def redact(url: str | URL) -> str:
    try:
        return (make_url(url) if isinstance(url, str) else url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, readers: int = 4) -> None:
        self.url = parse_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = self._make_engine(pool_size)
        writers = 1 if self.is_sqlite else pool_size
        self._writer = ThreadPoolExecutor(writers, thread_name_prefix="db-write")
        self._reader = ThreadPoolExecutor(readers, thread_name_prefix="db-read")

    def _make_engine(self, pool_size: int) -> Engine:
        if self.is_sqlite:
            path = self.url.database
            if path and path != ":memory:":
                parent = Path(path).expanduser().resolve().parent
                if not parent.is_dir():
                    raise StoreError(f"cannot open SQLite database {path}: no directory {parent}")
            engine = create_engine(
                self.url, connect_args={"check_same_thread": False, "timeout": 30}
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        try:
            return create_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                connect_args={"connect_timeout": 10},
            )
        except NoSuchModuleError as exc:
            raise StoreError(f"no driver for {redact(self.url)}: {exc}") from None

    # ------------------------------------------------------------------ lifecycle

    def describe(self) -> str:
        return redact(self.url)

    def ping(self) -> None:
        """Raise StoreError with the reason if the database cannot be reached."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except (OperationalError, DBAPIError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"cannot reach database {self.describe()}: {reason}") from None

    def upgrade(self) -> None:
        """Bring the schema to the latest migration (idempotent)."""
        from store.migrate import upgrade

        self.ping()
        upgrade(self.engine)

    def has_schema(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        self._reader.shutdown(wait=True)
        self.engine.dispose()

    # ------------------------------------------------------------------ sessions

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def run(self, fn: Callable[[Session], T]) -> T:
        with self.session() as session:
            return fn(session)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(session, *args)` in one transaction on the writer thread(s)."""
        call = functools.partial(self._in_session, fn, args)
        return await asyncio.get_running_loop().run_in_executor(self._writer, call)

    async def write_timed(self, fn: Callable[..., T], *args: Any) -> tuple[T, float, float]:
        """`write`, also returning the wall and CPU time the transaction took in its
        thread, commit included (not the wait for the thread)."""
        call = functools.partial(self._timed_session, fn, args)
        return await asyncio.get_running_loop().run_in_executor(self._writer, call)

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        call = functools.partial(self._in_session, fn, args)
        return await asyncio.get_running_loop().run_in_executor(self._reader, call)

    def _in_session(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self.session() as session:
            return fn(session, *args)

    def _timed_session(self, fn: Callable[..., T], args: tuple[Any, ...]) -> tuple[T, float, float]:
        wall, cpu = time.perf_counter(), time.thread_time()
        result = self._in_session(fn, args)
        return result, time.perf_counter() - wall, time.thread_time() - cpu


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
