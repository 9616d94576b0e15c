"""The engine on SQLite and PostgreSQL, in-process: bounded concurrency, leases, take-over,
draining. The pipeline is a stand-in that answers "alive" (or waits until released), so
these tests are about the engine alone; tests/test_worker_processes.py runs the real
pipeline in real worker processes."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from checker.engine import CheckRun
from checker.engine.metrics import Metrics
from checker.engine.worker import MonitorScheduler, Worker, run_workers
from checker.model import FlagKind, FlagSpec, Liveness, LivenessState, Severity
from checker.outcome import CitationOutcome, SourceHealth, SourceOutcome, SourceTask
from checker.settings import Settings
from store.db import Database
from store.worker_tables import list_workers
from tests.worker_fixtures import check_workers, checks_per_source, held_leases, seed_sources

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


class Starts:
    """Checks started so far, shared by stand-in pipelines; tests await a count."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self._changed = asyncio.Condition()

    async def add(self, source_id: int) -> None:
        async with self._changed:
            self.ids.append(source_id)
            self._changed.notify_all()

    async def reach(self, n: int) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: len(self.ids) >= n)


class StandInPipeline:
    """Answers every check with "alive, due again tomorrow"; `gate` holds checks back."""

    def __init__(
        self,
        worker: str,
        gate: asyncio.Event | None = None,
        starts: Starts | None = None,
        flags: tuple[FlagSpec, ...] = (),
    ) -> None:
        self.worker = worker
        self.flags = flags  # conditions every citation is found in (judged: dead)
        self.gate = gate
        self.starts = starts or Starts()
        self.running = 0
        self.most_running = 0

    @property
    def started(self) -> list[int]:
        return self.starts.ids

    async def check(self, task: SourceTask, now: datetime) -> SourceOutcome:
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        await self.starts.add(task.id)
        try:
            if self.gate is not None:
                await self.gate.wait()
            await asyncio.sleep(0)
        finally:
            self.running -= 1
        return SourceOutcome(
            source_id=task.id,
            checked_at=now,
            liveness=Liveness(LivenessState.ALIVE),
            health=SourceHealth("ok"),
            next_check_at=now + timedelta(days=1),
            interval_s=86_400.0,
            unchanged_checks=0,
            citations=tuple(
                CitationOutcome(c.id, self.flags, frozenset({FlagKind.DEAD}))
                for c in task.citations
            ),
            status=200,
            final_url=task.url,
            elapsed_ms=12.0,
            worker=self.worker,
        )


def settings(*, batch_size: int = 5, lease_s: float = 300.0, grace_s: float = 5.0) -> Settings:
    base = Settings()
    return dataclasses.replace(
        base,
        monitor=dataclasses.replace(
            base.monitor,
            batch_size=batch_size,
            lease_s=lease_s,
            shutdown_grace_s=grace_s,
            tick_s=0.05,
        ),
        # No archive of record: it would default to a folder in the working directory.
        archive=dataclasses.replace(base.archive, capture=False),
    )


def urls(n: int) -> list[str]:
    return [f"https://site{i % 7}.example/page/{i}" for i in range(n)]


async def test_run_once_checks_every_due_source_once_within_the_concurrency_bound(
    db: Database,
) -> None:
    seed_sources(db, urls(40), T0)
    pipeline = StandInPipeline("w1")
    run = CheckRun(db, settings(batch_size=8), pipeline, clock=lambda: T0, concurrency=3)

    report = await run.run_once()

    assert report.checked == 40
    assert set(checks_per_source(db).values()) == {1}
    assert pipeline.most_running == 3  # never more in flight than asked
    assert held_leases(db) == []
    again = await CheckRun(db, settings(), StandInPipeline("w1"), clock=lambda: T0).run_once()
    assert again.checked == 0  # nothing is due until tomorrow


async def test_two_runs_racing_check_each_source_exactly_once(db: Database) -> None:
    seed_sources(db, urls(60), T0)
    first, second = StandInPipeline("w1"), StandInPipeline("w2")
    runs = [
        CheckRun(db, settings(batch_size=4), p, clock=lambda: T0, concurrency=4)
        for p in (first, second)
    ]

    reports = await asyncio.gather(*(r.run_once() for r in runs))

    assert sum(r.checked for r in reports) == 60
    assert set(checks_per_source(db).values()) == {1}
    assert not set(first.started) & set(second.started)
    assert held_leases(db) == []


async def test_an_expired_lease_is_taken_over_and_the_late_result_dropped(db: Database) -> None:
    seed_sources(db, urls(1), T0)
    gate = asyncio.Event()
    slow = StandInPipeline("slow", gate)
    now = {"t": T0}
    slow_run = CheckRun(db, settings(lease_s=60), slow, clock=lambda: now["t"])
    slow_done = asyncio.create_task(slow_run.run_once())
    await slow.starts.reach(1)  # the slow worker has leased the source and started

    now["t"] = T0 + timedelta(seconds=61)  # its lease expires without a heartbeat
    fast = CheckRun(db, settings(), StandInPipeline("fast"), clock=lambda: now["t"])
    taken = await fast.run_once()
    gate.set()
    late = await slow_done

    assert taken.checked == 1
    assert late.checked == 0 and late.lost_leases == 1
    assert list(checks_per_source(db).values()) == [1]
    assert list(check_workers(db).values()) == ["fast"]
    assert held_leases(db) == []


async def test_renewed_leases_are_not_taken_over(db: Database) -> None:
    seed_sources(db, urls(2), T0)
    gate = asyncio.Event()
    holder = StandInPipeline("holder", gate)
    now = {"t": T0}
    run = CheckRun(db, settings(lease_s=60), holder, clock=lambda: now["t"])
    done = asyncio.create_task(run.run_once())
    await holder.starts.reach(2)

    now["t"] = T0 + timedelta(seconds=50)
    assert await run.renew() == 2  # heartbeat before expiry
    now["t"] = T0 + timedelta(seconds=100)  # past the first lease, within the renewed one
    other = await CheckRun(
        db, settings(), StandInPipeline("other"), clock=lambda: now["t"]
    ).run_once()
    gate.set()
    report = await done

    assert other.checked == 0
    assert report.checked == 2


async def test_drain_deadline_releases_unfinished_checks(db: Database) -> None:
    seed_sources(db, urls(5), T0)
    stuck = StandInPipeline("stuck", asyncio.Event())  # never released
    run = CheckRun(db, settings(), stuck, clock=lambda: T0, concurrency=5)
    await run.lease_and_start(5)
    assert len(held_leases(db)) == 5

    cancelled = await run.drain(0.01)

    assert cancelled == 5
    assert held_leases(db) == []
    assert sum(checks_per_source(db).values()) == 0  # nothing half-written


async def test_worker_stop_drains_in_flight_checks_and_records_its_beat(db: Database) -> None:
    seed_sources(db, urls(12), T0)
    metrics, starts, gate = Metrics(), Starts(), asyncio.Event()
    cfg = settings(batch_size=5)
    workers = [
        Worker(CheckRun(db, cfg, StandInPipeline(f"w{i}", gate, starts), metrics=metrics,
                        concurrency=2))
        for i in range(2)
    ]  # fmt: skip
    scheduler = MonitorScheduler(workers, db=db, settings=cfg, metrics=metrics)
    stop = asyncio.Event()
    serving = asyncio.create_task(run_workers(scheduler, stop))
    await starts.reach(4)  # both workers are full
    stop.set()  # like SIGTERM: stop leasing, finish what is in flight
    gate.set()
    reports = await serving

    assert sum(r.checked for r in reports) == 4
    assert sorted(checks_per_source(db).values()) == [0] * 8 + [1] * 4
    assert held_leases(db) == []
    beats = {w.name: w for w in db.run(lambda s: list_workers(s))}
    assert set(beats) == {"w0", "w1"}
    assert all(b.stopped_at is not None for b in beats.values())
    assert metrics.value("citecheck_checks_total", state="alive") == 4


async def test_worker_once_exits_when_nothing_is_due(db: Database) -> None:
    seed_sources(db, urls(7), T0)
    cfg = settings(batch_size=3)
    worker = Worker(CheckRun(db, cfg, StandInPipeline("w"), concurrency=2), mode="once")
    scheduler = MonitorScheduler([worker], db=db, settings=cfg, metrics=worker.run.metrics)

    [report] = await run_workers(scheduler, asyncio.Event(), once=True)

    assert report.checked == 7
    assert held_leases(db) == []


async def test_flags_opened_and_resolved_by_checks_are_counted(db: Database) -> None:
    seed_sources(db, urls(3), T0)  # three sources, one citation each
    dead = (FlagSpec(FlagKind.DEAD, Severity.HIGH, {"reason": "not_found"}),)
    metrics = Metrics()
    first = CheckRun(db, settings(), StandInPipeline("w", flags=dead), clock=lambda: T0,
                     metrics=metrics)  # fmt: skip
    await first.run_once()
    later = T0 + timedelta(days=2)
    healed = CheckRun(db, settings(), StandInPipeline("w"), clock=lambda: later, metrics=metrics)
    await healed.run_once()

    assert metrics.value("citecheck_flags_opened_total") == 3
    assert metrics.value("citecheck_flags_resolved_total") == 3
    assert metrics.value("citecheck_checks_total", state="alive") == 6


REFUSE_CHECKS = {
    "sqlite": [
        "CREATE TRIGGER refuse_checks BEFORE INSERT ON source_check "
        "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION refuse_checks() RETURNS trigger AS "
        "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_checks BEFORE INSERT ON source_check "
        "FOR EACH ROW EXECUTE FUNCTION refuse_checks()",
    ],
}


async def test_a_result_that_cannot_be_written_is_reported_and_its_lease_released(
    db: Database,
) -> None:
    """The database refuses every result (a real trigger, as a full disk would): the run
    retries, then reports each source, hands its lease back at once and keeps going;
    no exception escapes a check task. Once writes work again, nothing was lost."""
    seed_sources(db, urls(3), T0)
    dialect = db.engine.dialect.name
    with db.engine.begin() as conn:
        for statement in REFUSE_CHECKS[dialect]:
            conn.exec_driver_sql(statement)
    try:
        run = CheckRun(db, settings(), StandInPipeline("w"), clock=lambda: T0)
        report = await run.run_once()
        assert report.checked == 0 and len(report.errors) == 3
        assert all("not written" in e["error"] for e in report.errors)
        assert held_leases(db) == []  # handed back, not held until the lease expires
    finally:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "DROP TRIGGER refuse_checks"
                + (" ON source_check" if dialect == "postgresql" else "")
            )
    again = await CheckRun(db, settings(), StandInPipeline("w"), clock=lambda: T0).run_once()
    assert again.checked == 3 and checks_per_source(db) == {u: 1 for u in urls(3)}
