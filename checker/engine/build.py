"""Building the pipeline a run checks sources with: its stages, made once per process.

`open_checker` starts the HTTP session, the extraction pool, the scorer and, when
enabled, the browser and the archive of record, and closes them all on the way out.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from checker.outcome import SourceOutcome, SourceTask
from checker.settings import Settings

if TYPE_CHECKING:
    from checker.support.second import Ledger


def utcnow() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Pipeline(Protocol):
    """What the engine needs of a source check (checker.engine.pipeline.SourceChecker)."""

    @property
    def worker(self) -> str: ...

    async def check(self, task: SourceTask, now: datetime) -> SourceOutcome: ...


@contextlib.asynccontextmanager
async def open_checker(
    settings: Settings,
    *,
    worker: str | None = None,
    resolver: Any = None,
    warm: bool = False,
    ledger: Ledger | None = None,
) -> AsyncIterator[Pipeline]:
    """The pipeline's stages, built once: HTTP session, extraction pool, claim judge; `warm`
    starts the pool's processes at once (a long-running worker), else at the first read.
    `ledger` counts the second opinions asked for each day (store.usage, every worker)."""
    from checker.archive import open_archive
    from checker.archive.save_page import SavePageNow
    from checker.engine.pipeline import SourceChecker
    from checker.extract import Extractor
    from checker.fetch import Fetcher
    from checker.fetch.browser import Renderer
    from checker.support import make_judge

    archive = open_archive(settings)  # refuses to start on an unwritable folder
    extractor = Extractor(settings.extract)
    if warm:
        extractor.warm()
    try:
        async with Fetcher(settings.fetch, resolver=resolver) as fetcher:
            judge = make_judge(settings.support, ledger)
            async with contextlib.AsyncExitStack() as stack:
                renderer = None
                if settings.browser.enabled:
                    renderer = Renderer(settings.browser, fetcher)
                    await stack.enter_async_context(renderer)
                name = worker or worker_name()
                save_page = None
                if settings.archive.save_page_now:
                    save_page = SavePageNow(fetcher.session, settings.archive)
                yield SourceChecker(
                    settings,
                    fetcher,
                    extractor,
                    judge,
                    name,
                    renderer,
                    archive=archive,
                    save_page=save_page,
                )
    finally:
        extractor.close()
