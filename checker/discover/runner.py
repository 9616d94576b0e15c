"""Polling the configured publications: now (`citecheck discover --once`), or each when
its poll interval has passed (`citecheck discover`, and the scheduler of `serve` and
`worker`). Processes share the work through `store.discovery.claim_poll`: a poll due now
is made by whichever process claims it first, once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from checker.discover.config import PublicationSettings
from checker.discover.poll import PollReport, Progress, poll_publication
from checker.fetch import Fetcher
from checker.settings import Settings
from store import discovery
from store.db import Database

log = logging.getLogger(__name__)
TICK_S = 30.0  # how often a long-running poller looks for a publication due


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DiscoveryPoller:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        fetcher: Fetcher,
        *,
        publications: Sequence[PublicationSettings] | None = None,
        clock: Callable[[], datetime] = _utcnow,
        on_report: Callable[[PollReport, float], None] | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        self.db, self.settings, self.fetcher, self.clock = db, settings, fetcher, clock
        self.publications = list(settings.publications if publications is None else publications)
        self.on_report = on_report
        self.on_progress = on_progress

    async def poll(self, *, due_only: bool) -> list[PollReport]:
        """Poll every publication (`due_only`: those due, that no other process claimed)."""
        reports = []
        for publication in self.publications:
            now = self.clock()
            pub_id = await self.db.write(
                discovery.sync_publication, publication.name, publication.as_dict(), now
            )
            claimed = await self.db.write(
                discovery.claim_poll, pub_id, now, publication.poll_interval_s, not due_only
            )
            if not claimed:
                continue
            started = asyncio.get_running_loop().time()
            report = await poll_publication(
                self.db,
                self.fetcher,
                publication,
                now=now,
                on_progress=self.on_progress,
                concurrency=max(1, min(self.settings.fetch.concurrency, 32)),
            )
            took = asyncio.get_running_loop().time() - started
            if self.on_report is not None:
                self.on_report(report, took)
            reports.append(report)
        return reports

    async def poll_due_logged(self) -> None:
        """The scheduler's job: poll what is due; a failure is logged, never raised."""
        try:
            await self.poll(due_only=True)
        except Exception:
            log.exception("discovery poll failed; it is retried at the next tick")

    async def run(self, stop: asyncio.Event) -> None:
        """Poll each publication as it falls due until `stop` is set."""
        while not stop.is_set():
            await self.poll_due_logged()
            try:
                await asyncio.wait_for(stop.wait(), TICK_S)
            except TimeoutError:
                continue
