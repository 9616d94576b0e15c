"""The long-running worker: leases as check slots free up, wakes on the scheduler's tick,
heartbeats its leases, and drains cleanly on SIGTERM / SIGINT.

APScheduler (3.x, on the running asyncio loop) drives two periodic jobs per process:
`tick` wakes the workers to pick newly due sources and refreshes the queue-lag gauge;
`heartbeat` renews the leases of checks in flight and records each worker's beat. The
tick is jittered so that many worker processes started together do not all query the
database in the same instant.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import SQLAlchemyError

from checker.engine.build import utcnow
from checker.engine.metrics import Metrics
from checker.engine.report import RunReport
from checker.engine.run import CheckRun, Clock
from checker.settings import Settings
from store import sources
from store.db import Database
from store.worker_tables import record_beat

log = logging.getLogger(__name__)


class Worker:
    """One worker loop over one `CheckRun` (its lease owner name is the worker's name)."""

    def __init__(self, run: CheckRun, *, mode: str = "worker") -> None:
        self.run = run
        self.mode = mode
        self.started_at = run.clock()
        self.wake = asyncio.Event()
        self.running = False

    @property
    def name(self) -> str:
        return self.run.owner

    async def serve(self, stop: asyncio.Event, *, once: bool = False) -> RunReport:
        """Check sources as they fall due until `stop` is set (or, `once`, nothing is due);
        then finish in-flight checks within [monitor] shutdown_grace_s, releasing the rest."""
        self.running = True
        try:
            while not stop.is_set():
                await _first(self.run.wait_for_slot(), stop.wait())
                if stop.is_set():
                    break
                wanted = min(self.run.settings.monitor.batch_size, self.run.free_slots)
                self.wake.clear()  # a tick from now on must wake us again
                try:
                    leased: list[int] = await self.run.lease_and_start(wanted)
                except SQLAlchemyError as exc:
                    log.error("%s: cannot lease sources: %s", self.name, _first_line(exc))
                    leased, held_back = [], False
                else:
                    held_back = self.run.held_back
                if len(leased) < wanted and held_back:
                    # Due sources wait on host caps or hosts: ask again soon, not at the tick.
                    if not leased:
                        await _first(self.run.wait_for_hosts(), stop.wait())
                elif len(leased) < wanted:
                    if once:
                        await self.run.drain(None)
                        break
                    await self._idle(stop)
        finally:
            await self.run.drain(self.run.settings.monitor.shutdown_grace_s)
            self.running = False
        return self.run.report

    async def _idle(self, stop: asyncio.Event) -> None:
        """Wait for the tick; meanwhile let go of each host whose last check finished, so
        that other workers need not wait for this worker's tick to check it."""
        while not (self.wake.is_set() or stop.is_set()):
            await _first(self.wake.wait(), stop.wait(), self.run.wait_for_hosts())
            try:
                await self.run.release_hosts()
            except SQLAlchemyError as exc:  # the host leases expire; the next lease retries
                log.error("%s: cannot release hosts: %s", self.name, _first_line(exc))

    async def heartbeat(self, *, stopped: bool = False) -> None:
        """Renew the leases in flight and record this worker's beat."""
        try:
            await self.run.renew()
            await self.run.db.write(
                lambda s: record_beat(
                    s,
                    name=self.name,
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    mode=self.mode,
                    started_at=self.started_at,
                    now=self.run.clock(),
                    in_flight=self.run.in_flight,
                    checked=self.run.report.checked,
                    failed=len(self.run.report.errors),
                    stopped=stopped,
                )
            )
        except SQLAlchemyError as exc:
            log.error("%s: heartbeat failed: %s", self.name, _first_line(exc))


class MonitorScheduler:
    """The periodic jobs of one process, for all of its workers."""

    def __init__(
        self,
        workers: Sequence[Worker],
        *,
        db: Database,
        settings: Settings,
        metrics: Metrics,
        clock: Clock = utcnow,
    ) -> None:
        self.workers = list(workers)
        self.db, self.settings, self.metrics, self.clock = db, settings, metrics, clock
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._periodic: list[tuple[Callable[[], Awaitable[None]], float, str]] = []
        # A line per job run (every tick) drowns the worker's own log at INFO.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)

    def start(self) -> None:
        monitor = self.settings.monitor
        now = datetime.now(UTC)
        common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        self._scheduler.add_job(
            self.tick,
            "interval",
            seconds=monitor.tick_s,
            jitter=monitor.tick_s / 10,
            id="tick",
            next_run_time=now + timedelta(seconds=monitor.tick_s),
            **common,
        )
        self._scheduler.add_job(
            self.heartbeat,
            "interval",
            seconds=heartbeat_interval(monitor.lease_s),
            id="heartbeat",
            next_run_time=now,
            **common,
        )
        for job, seconds, job_id in self._periodic:
            self._scheduler.add_job(
                job,
                "interval",
                seconds=seconds,
                id=job_id,
                next_run_time=now + timedelta(seconds=1),
                **common,
            )
        self._scheduler.start()
        self.metrics.workers.set(len(self.workers))

    def add_periodic(self, job: Callable[[], Awaitable[None]], seconds: float, job_id: str) -> None:
        """Another job of this process (discovery polls), run every `seconds` from start,
        never two at once; `job` logs its own failures."""
        self._periodic.append((job, seconds, job_id))

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def tick(self) -> None:
        for worker in self.workers:
            worker.wake.set()
        await self.refresh_lag()

    async def refresh_lag(self) -> None:
        now = self.clock()
        try:
            oldest = await self.db.read(sources.oldest_due, now)
        except SQLAlchemyError as exc:
            log.error("cannot read the queue lag: %s", _first_line(exc))
            return
        lag = (now - oldest).total_seconds() if oldest else 0.0
        self.metrics.queue_lag.set(max(0.0, lag))

    async def heartbeat(self) -> None:
        await asyncio.gather(*(w.heartbeat() for w in self.workers if w.running))


def heartbeat_interval(lease_s: float) -> float:
    """Three beats per lease: a worker survives two lost beats before its leases expire."""
    return max(0.05, lease_s / 3)


async def run_workers(
    scheduler: MonitorScheduler, stop: asyncio.Event, *, once: bool = False
) -> list[RunReport]:
    """Run the scheduler's workers until `stop` (or, `once`, until idle)."""
    workers = scheduler.workers
    scheduler.start()
    try:
        if not workers:
            await stop.wait()
        return list(await asyncio.gather(*(w.serve(stop, once=once) for w in workers)))
    finally:
        scheduler.shutdown()
        await asyncio.gather(*(w.heartbeat(stopped=True) for w in workers))


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[asyncio.Event]:
    """SIGTERM / SIGINT set `stop`: stop leasing, drain, exit 0."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)

    def on_signal(signum: int) -> None:
        log.warning("received %s: finishing in-flight checks", signal.Signals(signum).name)
        stop.set()

    for signum in signals:
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        yield stop
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)


async def _first(*waits: Awaitable[object]) -> None:
    """Return when the first of `waits` completes; cancel the others."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
