"""The engine: leases due sources and runs the pipeline on them, a bounded number at once.

`CheckRun` keeps at most `concurrency` checks in flight: it leases only as many sources
as it has free slots. A check whose result waits for the writer frees its slot (it no
longer fetches), up to `[database] write_batch` of them: memory holds at most
`concurrency + write_batch` tasks and results whatever the number of sources, and a
store slower than the web holds the checks back. `run_once` is the burst mode (check
what is due, then return); the long-running `checker.engine.worker.Worker` drives the
same object from the scheduler.

Workers coordinate only through the database: a source is leased before it is checked,
its lease is renewed while the check runs (`renew`), and its result (check row,
snapshot, flags, outbox rows) is written with others in one transaction
(`checker.engine.writer`) that first confirms the leases are still held, so a source
taken over by another worker is never written twice.
A source's host is leased with it (store.hosts, checker.engine.hosts): one worker at a
time checks a host, so per-host politeness holds across worker processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlmodel import Session

from checker.engine.build import Pipeline, utcnow
from checker.engine.hosts import HostSlots, next_requests, wait_a_little
from checker.engine.metrics import Metrics
from checker.engine.report import RunReport
from checker.engine.writer import ResultWriter
from checker.model import Document
from checker.outcome import SourceOutcome, SourceTask
from checker.settings import Settings
from store import hosts, results, sources, writes
from store.db import Database
from store.writes import WrittenBatch

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
T = TypeVar("T")


@dataclass
class CheckRun:
    db: Database
    settings: Settings
    checker: Pipeline
    clock: Clock = utcnow
    concurrency: int = 0  # checks in flight at most; 0: [fetch] concurrency
    name: str = ""  # lease owner; default: the pipeline's worker name
    metrics: Metrics = field(default_factory=Metrics)
    report: RunReport = field(default_factory=RunReport)
    # called after each written check with the report so far (a progress display)
    on_checked: Callable[[RunReport], None] | None = None
    _running: dict[int, asyncio.Task[None]] = field(default_factory=dict, init=False)
    _writing: set[int] = field(default_factory=set, init=False)  # results at the writer
    _slot_freed: asyncio.Event | None = field(default=None, init=False)
    _hosts: HostSlots = field(default_factory=HostSlots, init=False)
    writer: ResultWriter = field(init=False)

    def __post_init__(self) -> None:
        db = self.settings.database
        self.writer = ResultWriter(
            self.db,
            self._record,
            metrics=self.metrics,
            checking=lambda: len(self._running) - len(self._writing),
            forget=self._forget,
            max_batch=db.write_batch,
            linger_s=db.write_linger_s,
        )

    @property
    def owner(self) -> str:
        return self.name or self.checker.worker

    @property
    def limit(self) -> int:
        return max(1, self.concurrency or self.settings.fetch.concurrency)

    @property
    def in_flight(self) -> int:
        return len(self._running)

    @property
    def free_slots(self) -> int:
        waiting = min(len(self._writing), self.writer.max_batch)  # fetched, not written
        return self.limit - len(self._running) + waiting

    # ------------------------------------------------------------------ burst mode

    async def _load_texts(self, ids: tuple[int, ...]) -> dict[int, Document]:
        """Stored texts a check asks for (none when its source did not change)."""
        texts: dict[int, Document] = await self.db.read(sources.load_snapshots, ids)
        return texts

    async def run_once(self, *, due_only: bool = True, limit: int | None = None) -> RunReport:
        """Check what is due (or, with due_only=False, everything once), then return."""
        self.report = RunReport()
        started = self.clock()
        seen: set[int] = set()
        try:
            while limit is None or len(seen) < limit:
                await self.wait_for_slot()
                wanted = self._batch(None if limit is None else limit - len(seen))
                ids = await self.lease_and_start(
                    wanted, due_only=due_only, checked_before=None if due_only else started
                )
                fresh = set(ids) - seen
                seen |= set(ids)
                if ids and not fresh:
                    break  # only what this run already tried
                if len(ids) < wanted:
                    if not self.held_back:
                        break  # nothing due is left that no worker has leased
                    if not ids:
                        await self.wait_for_hosts()
            await self.drain(None)
        finally:
            await self.drain(0.0)
        return self.report

    # ------------------------------------------------------------------ building blocks

    def _batch(self, remaining: int | None) -> int:
        wanted = min(self.settings.monitor.batch_size, self.free_slots)
        return wanted if remaining is None else min(wanted, remaining)

    @property
    def refill_at(self) -> int:
        """Free slots worth a lease: a quarter batch, so that a busy worker leases a few
        sources per query rather than one query per finished check."""
        return max(1, min(self.settings.monitor.batch_size, self.limit) // 4)

    async def wait_for_slot(self) -> None:
        """Wait until `refill_at` checks can start."""
        while self.free_slots < self.refill_at:
            self._slot_freed = self._slot_freed or asyncio.Event()
            self._slot_freed.clear()
            await self._slot_freed.wait()

    @property
    def held_back(self) -> bool:
        """The last lease left due sources that host caps, other workers' host leases
        or a host's next_request_at held back: leasing again soon may get them."""
        return self._hosts.held_back

    async def wait_for_hosts(self) -> None:
        """Wait for a check to finish or a short poll, before asking again."""
        self._slot_freed = self._slot_freed or asyncio.Event()
        await wait_a_little(self._slot_freed)

    async def lease_and_start(
        self, wanted: int, *, due_only: bool = True, checked_before: datetime | None = None
    ) -> list[int]:
        """Lease up to `wanted` sources and start checking them; returns the leased ids."""
        if wanted <= 0:
            return []
        now = self.clock()
        idle, busy = self._hosts.idle(), self._hosts.in_flight()  # read here, not in a thread
        release = next_requests(self.checker, idle, now)
        leased, spent = await self.db.write(
            self._lease, now, wanted, due_only, checked_before, busy, release
        )
        self._hosts.let_go(idle)
        self._hosts.held.update(leased.sources.values())  # let go at drain if loading fails
        self._hosts.held_back = leased.held_back
        ids = sorted(leased.sources)
        if not ids:
            self.metrics.lease_seconds.inc(spent)
            return []
        try:
            tasks, loading = await self.db.read(
                _timed(functools.partial(sources.load_tasks, with_texts=False)), ids
            )
        except BaseException:  # hand the sources back rather than let their leases expire
            await self.db.write(lambda s: sources.release_leases(s, owner=self.owner, ids=ids))
            raise
        self.metrics.lease_seconds.inc(spent + loading)
        for task in tasks:
            task = dataclasses.replace(task, load_texts=self._load_texts)
            running = asyncio.create_task(self._check_one(task))
            running.add_done_callback(functools.partial(self._finished, task.id))
            self._running[task.id] = running
            self._hosts.started(task.id, leased.sources[task.id])
        return ids

    def _lease(
        self,
        session: Session,
        now: datetime,
        wanted: int,
        due_only: bool,
        checked_before: datetime | None,
        in_flight: dict[str, int],
        release: dict[str, datetime | None],
    ) -> tuple[hosts.HostLeased, float]:
        began = time.perf_counter()  # time in the database, not waiting for the writer
        leased = hosts.lease_by_host(
            session,
            owner=self.owner,
            now=now,
            limit=wanted,
            lease_s=self.settings.monitor.lease_s,
            per_host=self.settings.fetch.per_host_concurrency,
            in_flight=in_flight,
            release=release,
            due_only=due_only,
            checked_before=checked_before,
        )
        return leased, time.perf_counter() - began

    def _finished(self, source_id: int, _task: object = None) -> None:
        self._running.pop(source_id, None)
        self._writing.discard(source_id)
        self._hosts.finished(source_id)
        self.metrics.in_flight.set(len(self._running))
        if self._slot_freed is not None:
            self._slot_freed.set()

    async def renew(self) -> int:
        """Heartbeat: extend the leases of the checks in flight and of their hosts;
        returns how many source leases are held."""
        ids, busy = sorted(self._running), set(self._hosts.by_source.values())
        if not ids:
            return 0
        now, lease_s = self.clock(), self.settings.monitor.lease_s

        def renew(s: Session) -> int:
            hosts.renew_hosts(s, owner=self.owner, hosts=busy, now=now, lease_s=lease_s)
            return sources.renew_leases(s, owner=self.owner, ids=ids, now=now, lease_s=lease_s)

        held = await self.db.write(renew)
        if held < len(ids):
            log.warning("%s: %d lease(s) lost to other workers", self.owner, len(ids) - held)
        return held

    async def drain(self, grace_s: float | None) -> int:
        """Wait for the checks in flight (up to `grace_s`); cancel the rest and release
        their leases. Returns how many were cancelled."""
        running = list(self._running.values())
        if running and (grace_s is None or grace_s > 0):
            await asyncio.wait(running, timeout=grace_s)
        late = [t for t in running if not t.done()]
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        if late:
            released = await self.db.write(lambda s: sources.release_leases(s, owner=self.owner))
            self.report.released += released
            log.warning("%s: released %d unfinished check(s)", self.owner, released)
        await self.release_hosts()
        return len(late)

    async def release_hosts(self) -> None:
        """Let go of the hosts held with no check in flight, telling other workers when
        this worker's gates would next let a request go to each."""
        idle = self._hosts.idle()
        if idle:
            release = next_requests(self.checker, idle, self.clock())
            await self.db.write(lambda s: hosts.release_hosts(s, owner=self.owner, hosts=release))
            self._hosts.let_go(idle)

    # ------------------------------------------------------------------ one check

    async def _check_one(self, task: SourceTask) -> None:
        began = time.perf_counter()
        try:
            outcome = await self.checker.check(task, self.clock())
        except Exception as exc:  # a bug must not stop the other checks
            log.exception("checking %s failed", task.url)
            await self._internal_error(task, exc)
            return
        self.metrics.check_duration.observe(time.perf_counter() - began)
        self.metrics.fetch_latency.observe(outcome.elapsed_ms / 1000)
        self._writing.add(task.id)  # its slot, and its room on its host, are free
        self._hosts.finished(task.id)  # (politeness counts requests, not writes)
        if self._slot_freed is not None:
            self._slot_freed.set()
        try:
            written = await self.writer.write(outcome)
        except Exception as exc:  # the writer tried again and alone: hand the source back
            await self._not_written(task, exc)
            return
        if not written:
            self.report.lost_leases += 1
            self.metrics.lost_leases.inc()
            return
        self._count(task, outcome)

    async def _not_written(self, task: SourceTask, exc: Exception) -> None:
        """Report a result the store would not take and release its lease at once (another
        check takes the source); never raises, the database may still be down."""
        log.error("result of %s not written (%s); its lease is released", task.url, exc)
        self.report.errors.append(
            {"source_id": task.id, "url": task.url, "error": f"not written: {exc!r}"}
        )
        self.metrics.check_errors.inc()
        with contextlib.suppress(Exception):
            await self.db.write(
                lambda s: sources.release_leases(s, owner=self.owner, ids=[task.id])
            )

    def _count(self, task: SourceTask, outcome: SourceOutcome) -> None:
        state = outcome.liveness.state.value
        self.report.count(task, outcome, confirm_failures=self.settings.monitor.confirm_failures)
        log.info(
            "checked %s: %s%s, %.0f ms",
            task.url,
            state,
            f" ({outcome.liveness.reason})" if outcome.liveness.reason else "",
            outcome.elapsed_ms,
        )
        self.metrics.checks.labels(state=state).inc()
        if outcome.liveness.is_failure:
            self.metrics.check_failures.labels(reason=outcome.liveness.reason).inc()
        if self.on_checked is not None:
            self.on_checked(self.report)

    def _record(self, session: Session, outcomes: Sequence[SourceOutcome]) -> WrittenBatch:
        """Write a batch of results (in the writer thread)."""
        return writes.record_batch(
            session,
            outcomes,
            owner=self.owner,
            now=self.clock(),
            lease_s=self.settings.monitor.lease_s,
            check_history=self.settings.database.check_history,
            snapshot_history=self.settings.database.snapshot_history,
            keep_captures=self.settings.archive.keep_captures,
        )

    async def _forget(self, paths: tuple[str, ...]) -> None:
        """Delete WARC files retention dropped the last capture of (after the commit)."""
        archive = getattr(self.checker, "archive", None)  # only a real SourceChecker has one
        if archive is None:
            return
        for path in paths:
            try:
                await asyncio.to_thread(archive.delete, path)
            except Exception as exc:  # a file left behind costs disk, never the check
                log.warning("archive file %s not deleted: %s", path, exc)

    async def _internal_error(self, task: SourceTask, exc: Exception) -> None:
        self.report.errors.append({"source_id": task.id, "url": task.url, "error": repr(exc)})
        self.metrics.check_errors.inc()
        now, message = self.clock(), repr(exc)
        retry = now + timedelta(seconds=self.settings.monitor.min_interval_s)
        await self.db.write(
            lambda s: results.record_internal_error(
                s, task.id, owner=self.owner, now=now, message=message, retry_at=retry
            )
        )


def _timed(fn: Callable[..., T]) -> Callable[..., tuple[T, float]]:
    """`fn`, also returning how long it ran (run in a database thread: no queueing)."""

    def timed(*args: Any) -> tuple[T, float]:
        began = time.perf_counter()
        return fn(*args), time.perf_counter() - began

    return timed
