"""Results are written in batches (checker.engine.writer, store.writes), on SQLite and
PostgreSQL: few transactions, none lost or doubled when one result is refused, when the
database refuses everything for a while, or when the process dies in the middle of one."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import col, func, select

from checker.engine import CheckRun
from checker.engine.metrics import Metrics
from checker.settings import Settings
from store.db import Database
from store.tables import Source, SourceCheck
from tests.test_engine import T0, StandInPipeline, settings, urls
from tests.worker_fixtures import checks_per_source, held_leases, seed_sources

REPO = Path(__file__).resolve().parents[1]


def batched(base: Settings, *, write_batch: int) -> Settings:
    return dataclasses.replace(
        base,
        database=dataclasses.replace(base.database, write_batch=write_batch, write_linger_s=5.0),
        monitor=dataclasses.replace(base.monitor, batch_size=50),
    )


async def run_released_together(db: Database, config: Settings, metrics: Metrics) -> CheckRun:
    """Check every due source with all checks finishing at the same moment."""
    gate = asyncio.Event()
    pipeline = StandInPipeline("w", gate=gate)
    run = CheckRun(db, config, pipeline, clock=lambda: T0, metrics=metrics)
    running = asyncio.create_task(run.run_once())
    await pipeline.starts.reach(len(urls(12)))
    gate.set()
    await running
    return run


async def test_results_go_out_in_batches_of_at_most_write_batch(db: Database) -> None:
    seed_sources(db, urls(12), T0)
    metrics = Metrics()
    run = await run_released_together(db, batched(settings(), write_batch=5), metrics)

    assert run.report.checked == 12
    assert checks_per_source(db) == {u: 1 for u in urls(12)}
    batches = metrics.value("citecheck_write_batches_total")
    assert 3 <= batches <= 4  # 12 results, at most 5 a transaction, not one each
    assert metrics.value("citecheck_write_seconds_total") > 0
    assert metrics.value("citecheck_write_cpu_seconds_total") > 0
    assert held_leases(db) == []


def refuse_one(db: Database, url: str) -> tuple[list[str], str]:
    """A real trigger refusing the check rows of one source; returns how to drop it."""
    source_id = db.run(lambda s: s.exec(select(Source.id).where(Source.url == url)).one())
    if db.engine.dialect.name == "sqlite":
        return [
            "CREATE TRIGGER refuse_one BEFORE INSERT ON source_check "
            f"WHEN NEW.source_id = {source_id} BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ], "DROP TRIGGER refuse_one"
    return [
        "CREATE OR REPLACE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN "
        f"IF NEW.source_id = {source_id} THEN RAISE EXCEPTION 'refused'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_one BEFORE INSERT ON source_check "
        "FOR EACH ROW EXECUTE FUNCTION refuse_one()",
    ], "DROP TRIGGER refuse_one ON source_check"


async def test_a_result_the_store_refuses_costs_the_rest_of_its_batch_nothing(
    db: Database,
) -> None:
    seed_sources(db, urls(12), T0)
    bad = urls(12)[4]
    create, drop = refuse_one(db, bad)
    with db.engine.begin() as conn:
        for statement in create:
            conn.exec_driver_sql(statement)
    try:
        run = await run_released_together(db, batched(settings(), write_batch=50), Metrics())
    finally:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(drop)

    assert run.report.checked == 11
    assert [e["url"] for e in run.report.errors] == [bad]
    assert checks_per_source(db) == {u: 0 if u == bad else 1 for u in urls(12)}
    assert held_leases(db) == []  # the refused one handed back at once, due again


CRASH_MID_BATCH = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime, timedelta
    from sqlalchemy import event
    from sqlalchemy.orm import Session as OrmSession
    from checker.model import Liveness, LivenessState
    from checker.outcome import CitationOutcome, SourceHealth, SourceOutcome
    from store import sources, writes
    from store.db import Database

    db = Database(sys.argv[1])
    now = datetime.fromisoformat(sys.argv[2])
    ids = db.run(lambda s: sources.lease_sources(s, owner="crasher", now=now, limit=50,
                                                 lease_s=300))
    tasks = db.run(lambda s: sources.load_tasks(s, ids))
    outcomes = [
        SourceOutcome(source_id=t.id, checked_at=now, liveness=Liveness(LivenessState.ALIVE),
                      health=SourceHealth("ok"), next_check_at=now + timedelta(days=1),
                      interval_s=86400.0, unchanged_checks=0,
                      citations=tuple(CitationOutcome(c.id, (), frozenset())
                                      for c in t.citations),
                      status=200, final_url=t.url, elapsed_ms=1.0, worker="crasher")
        for t in tasks
    ]

    @event.listens_for(OrmSession, "after_flush")
    def die(*_args):  # every row of the batch sent, nothing committed: the power goes
        os.kill(os.getpid(), signal.SIGKILL)

    db.run(lambda s: writes.record_batch(s, outcomes, owner="crasher", now=now, lease_s=300))
    print("not killed")
    """
)


async def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(
    db: Database, tmp_path: Path
) -> None:
    seed_sources(db, urls(6), T0)
    url = db.url.render_as_string(hide_password=False)
    died = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", CRASH_MID_BATCH, url, T0.isoformat()],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert died.returncode == -signal.SIGKILL, died.stderr

    # Nothing of the batch was committed, and the dead worker's leases still hold.
    assert db.run(lambda s: s.exec(select(func.count(col(SourceCheck.id)))).one()) == 0
    assert sorted(held_leases(db)) == sorted((u, "crasher") for u in urls(6))

    # Once the leases expire another worker checks every source, each exactly once.
    later = T0 + timedelta(seconds=301)
    run = CheckRun(db, settings(), StandInPipeline("w2"), clock=lambda: later)
    report = await run.run_once()
    assert report.checked == 6 and report.lost_leases == 0
    assert checks_per_source(db) == {u: 1 for u in urls(6)}
    assert held_leases(db) == []


@contextlib.contextmanager
def writes_blocked(db: Database) -> Iterator[None]:
    """Another connection holds the write lock (SQLite) or locks the source table
    against writers (PostgreSQL) until the block ends; reads still go through."""
    url = db.url.render_as_string(hide_password=False)
    if db.engine.dialect.name == "sqlite":
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as pg, pg.begin():
            pg.exec_driver_sql("LOCK TABLE source IN EXCLUSIVE MODE")
            yield
    finally:
        engine.dispose()


@pytest.mark.parametrize("write_batch", [1, 50])
async def test_a_check_waiting_for_the_writer_frees_its_slot_up_to_write_batch(
    db: Database, write_batch: int
) -> None:
    """Checks whose results wait for a slow store make no requests: their slots go to
    the next checks, at most `write_batch` of them."""
    seed_sources(db, urls(2), T0)
    gate = asyncio.Event()
    pipeline = StandInPipeline("w", gate=gate)
    config = batched(settings(), write_batch=write_batch)
    run = CheckRun(db, config, pipeline, clock=lambda: T0, concurrency=2)
    assert len(await run.lease_and_start(2)) == 2 and run.free_slots == 0
    with writes_blocked(db):
        gate.set()
        for _ in range(500):
            if pipeline.running == 0 and run.free_slots > 0:
                break
            await asyncio.sleep(0.01)
        assert run.free_slots == min(2, write_batch)
        assert run.in_flight == 2  # not written yet: still leased, still its checks
        assert checks_per_source(db) == {u: 0 for u in urls(2)}
    await run.drain(None)
    assert run.report.checked == 2
    assert checks_per_source(db) == {u: 1 for u in urls(2)}
    assert run.free_slots == 2 and held_leases(db) == []
