"""The engine: decides which sources to check when, and runs the pipeline on them.

`CheckRun.run_once` is the burst mode (lease what is due, check it, write results,
repeat until nothing is due). Workers coordinate only through the database: a source
is leased before it is checked, and a result is written only while the lease is held.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from checker.extract import Extractor
from checker.fetch import Fetcher
from checker.outcome import SourceOutcome, SourceTask
from checker.pipeline import SourceChecker
from checker.settings import Settings
from checker.support import make_scorer
from store import results, sources
from store.db import Database

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class RunReport:
    checked: int = 0
    states: Counter[str] = field(default_factory=Counter)
    suspects: list[dict[str, Any]] = field(default_factory=list)  # failures awaiting confirmation
    errors: list[dict[str, Any]] = field(default_factory=list)  # internal errors (bugs), per source
    lost_leases: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "states": dict(self.states),
            "suspects": self.suspects,
            "errors": self.errors,
            "lost_leases": self.lost_leases,
        }


@contextlib.asynccontextmanager
async def open_checker(
    settings: Settings, *, worker: str | None = None, resolver: Any = None
) -> AsyncIterator[SourceChecker]:
    """The pipeline's stages, built once: HTTP session, extraction pool, scorer."""
    extractor = Extractor(settings.extract)
    try:
        async with Fetcher(settings.fetch, resolver=resolver) as fetcher:
            scorer = make_scorer(settings.support)
            yield SourceChecker(settings, fetcher, extractor, scorer, worker or worker_name())
    finally:
        extractor.close()


@dataclass
class CheckRun:
    db: Database
    settings: Settings
    checker: SourceChecker
    clock: Clock = utcnow

    @property
    def owner(self) -> str:
        return self.checker.worker

    async def run_once(self, *, due_only: bool = True, limit: int | None = None) -> RunReport:
        """Check what is due (or everything), batch by batch, then return."""
        report = RunReport()
        started = self.clock()
        while limit is None or report.checked < limit:
            ids = await self.db.write(self._lease, self.clock(), due_only, started)
            if not ids:
                break
            await self.check_ids(ids, report)
        return report

    def _lease(self, session: Any, now: datetime, due_only: bool, started: datetime) -> list[int]:
        return sources.lease_sources(
            session,
            owner=self.owner,
            now=now,
            limit=self.settings.monitor.batch_size,
            lease_s=self.settings.monitor.lease_s,
            due_only=due_only,
            checked_before=None if due_only else started,
        )

    async def check_ids(self, ids: list[int], report: RunReport) -> None:
        tasks = await self.db.read(sources.load_tasks, ids)
        limit = asyncio.Semaphore(max(1, self.settings.fetch.concurrency))

        async def one(task: SourceTask) -> None:
            async with limit:
                await self._check_one(task, report)

        try:
            await asyncio.gather(*(one(t) for t in tasks))
        finally:
            await self.db.write(lambda s: sources.release_leases(s, owner=self.owner, ids=ids))

    async def _check_one(self, task: SourceTask, report: RunReport) -> None:
        try:
            outcome = await self.checker.check(task, self.clock())
        except Exception as exc:  # a bug must not stop the other checks
            log.exception("checking %s failed", task.url)
            report.errors.append({"source_id": task.id, "url": task.url, "error": repr(exc)})
            now, message = self.clock(), repr(exc)
            retry = now + timedelta(seconds=self.settings.monitor.min_interval_s)
            await self.db.write(
                lambda s: results.record_internal_error(
                    s, task.id, owner=self.owner, now=now, message=message, retry_at=retry
                )
            )
            return
        written = await self.db.write(self._record, outcome)
        if not written:
            report.lost_leases += 1
            return
        report.checked += 1
        report.states[outcome.liveness.state.value] += 1
        if outcome.health.state == "suspect":
            report.suspects.append(
                {
                    "url": task.url,
                    "reason": outcome.liveness.reason,
                    "failures": outcome.health.failure_count,
                    "needed": self.settings.monitor.confirm_failures,
                    "next_check_at": outcome.next_check_at.isoformat(),
                }
            )

    def _record(self, session: Any, outcome: SourceOutcome) -> bool:
        return results.record_outcome(
            session,
            outcome,
            owner=self.owner,
            check_history=self.settings.database.check_history,
            snapshot_history=self.settings.database.snapshot_history,
        )
