"""The result writer: a process's check results, written a batch per transaction.

A finished check hands its outcome to `ResultWriter.write` and waits for the store's
answer. One background task takes what has queued and writes it as one batch
(`store.writes.record_batch`): as soon as `max_batch` results wait, when no check is
still running that will hand one over, or after `linger_s` at most. A busy worker so writes
a few large transactions a second, and a lone check waits for nothing.

A failed batch is tried again twice (a dropped connection, a lock), then written one
result at a time, so that one result the store refuses never costs the others theirs.
A result that cannot be written is reported to its check, which hands the source back.

Write cost is measured in the database thread, wall time and CPU time apart: on a busy
process most of the wall time is spent waiting for the GIL, not writing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from checker.engine.metrics import Metrics
from checker.outcome import SourceOutcome
from store.db import Database
from store.writes import WrittenBatch

log = logging.getLogger(__name__)

# Waits before trying a failed batch again.
RETRY_DELAYS_S = (0.2, 1.0)

Record = Callable[[Session, Sequence[SourceOutcome]], WrittenBatch]


@dataclass
class _Queued:
    outcome: SourceOutcome
    written: asyncio.Future[bool]


class ResultWriter:
    def __init__(
        self,
        db: Database,
        record: Record,
        *,
        metrics: Metrics,
        checking: Callable[[], int],
        forget: Callable[[tuple[str, ...]], Awaitable[None]],
        max_batch: int = 50,
        linger_s: float = 0.2,
    ) -> None:
        self._db = db
        self._record = record
        self._metrics = metrics
        self._checking = checking  # checks running that have not handed a result here
        self._forget = forget  # deletes WARC files a committed batch orphaned
        self.max_batch = max(1, max_batch)
        self.linger_s = max(0.0, linger_s)
        self._queue: list[_Queued] = []
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def write(self, outcome: SourceOutcome) -> bool:
        """Write `outcome` with the next batch: True once committed, False if the lease
        was lost to another worker (nothing written); raises if it could not be written."""
        written: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(outcome, written))
        self._arrived.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return await written

    async def _run(self) -> None:
        batch: list[_Queued] = []
        try:
            while self._queue:
                batch = await self._gather()
                await self._write(batch)
        finally:  # cancelled with the loop: no check may wait forever for its answer
            for queued in (*batch, *self._queue):
                if not queued.written.done():
                    queued.written.cancel()

    async def _gather(self) -> list[_Queued]:
        """Take a batch off the queue, lingering while more results are on their way."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.linger_s
        while len(self._queue) < self.max_batch and self._checking() > 0:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._arrived.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._arrived.wait()
            except TimeoutError:
                break
        batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
        return batch

    async def _write(self, batch: list[_Queued]) -> None:
        failure: Exception | None = None
        for delay in (*RETRY_DELAYS_S, None):
            try:
                timed = await self._db.write_timed(self._record, [q.outcome for q in batch])
            except Exception as exc:
                failure = exc
                if delay is None:
                    break
                log.warning("writing %d result(s) failed (%s); trying again", len(batch), exc)
                await asyncio.sleep(delay)
                continue
            await self._settle(batch, *timed)
            return
        assert failure is not None
        if len(batch) == 1:
            self._fail(batch[0], failure)
            return
        log.warning("writing %d results together failed; writing them one by one", len(batch))
        for queued in batch:
            try:
                timed = await self._db.write_timed(self._record, [queued.outcome])
            except Exception as exc:
                self._fail(queued, exc)
            else:
                await self._settle([queued], *timed)

    async def _settle(
        self, batch: list[_Queued], written: WrittenBatch, wall_s: float, cpu_s: float
    ) -> None:
        m = self._metrics
        m.write_seconds.inc(wall_s)
        m.write_cpu_seconds.inc(cpu_s)
        m.write_batches.inc()
        if written.flags_opened:
            m.flags_opened.inc(written.flags_opened)
        if written.flags_resolved:
            m.flags_resolved.inc(written.flags_resolved)
        for queued in batch:
            if not queued.written.done():
                queued.written.set_result(queued.outcome.source_id in written.written)
        if written.orphaned_files:
            await self._forget(written.orphaned_files)

    @staticmethod
    def _fail(queued: _Queued, exc: Exception) -> None:
        if not queued.written.done():
            queued.written.set_exception(exc)
