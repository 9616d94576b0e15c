"""Runs extraction off the event loop, in a process pool, with a time limit per body.

`read_page` is the pipeline's one call per page: liveness and main text from one parse
(`checker.extract.page`); `extract` reads a body whose liveness is known (a rendered
page, an archived copy).

A worker process that dies (out of memory, a crash in a C parser) or gets stuck on a
pathological page is replaced; the caller gets an ExtractError naming the URL.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from multiprocessing import get_context
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from checker.model import Document, ExtractError, FetchResult
from checker.settings import ExtractSettings

if TYPE_CHECKING:
    from checker.extract.page import PageRead

T = TypeVar("T")


class Extractor:
    """Runs `extract` off the event loop: in a process pool, or in a thread for processes=1."""

    def __init__(self, settings: ExtractSettings) -> None:
        self.settings = settings
        self.processes = settings.processes or min(4, os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    async def extract(
        self, body: bytes, content_type: str, url: str, charset: str | None = None
    ) -> Document:
        job = partial(
            _extract, body, content_type, url, charset=charset, max_chars=self.settings.max_chars
        )
        return await self._run(job, url)

    async def read_page(
        self, result: FetchResult, probe: FetchResult | None, *, extract_text: bool = True
    ) -> PageRead:
        """Liveness and main text of `result` from one parse, in one call of the pool
        (see `checker.extract.page`); ExtractError if the worker died or ran out of time."""
        job = partial(
            _read_page,
            result,
            probe,
            max_chars=self.settings.max_chars,
            extract_text=extract_text,
        )
        return await self._run(job, result.final_url)

    def warm(self) -> None:
        """Start the pool's processes now, in the background: a long-running worker will
        read pages, and its first one need not wait for them (the forkserver imports
        trafilatura once, each process forks from it)."""
        if self.processes > 1:
            pool = self._executor()
            for _ in range(self.processes):
                pool.submit(_ready)

    async def _run(self, job: Callable[[], T], url: str) -> T:
        timeout = self.settings.timeout_s or None
        try:
            if self.processes == 1:
                # A thread cannot be stopped: past the timeout it finishes in the background.
                return await asyncio.wait_for(asyncio.to_thread(job), timeout)
            loop = asyncio.get_running_loop()
            return await asyncio.wait_for(loop.run_in_executor(self._executor(), job), timeout)
        except BrokenProcessPool:
            # A worker died (out of memory, a crash in a C parser): start afresh next time.
            self._discard_pool()
            raise ExtractError(f"{url}: the extraction process died reading this body") from None
        except TimeoutError:
            # A hostile or pathological page: kill the stuck worker with its pool.
            self._discard_pool(kill=True)
            raise ExtractError(
                f"{url}: extraction took longer than {self.settings.timeout_s:g} s"
            ) from None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers do not inherit the event loop's threads and sockets;
            # they fork from a server that has imported trafilatura once already.
            context = get_context("forkserver")
            context.set_forkserver_preload(["checker.extract.page"])
            self._pool = ProcessPoolExecutor(max_workers=self.processes, mp_context=context)
        return self._pool

    def _discard_pool(self, *, kill: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:  # shutdown() would wait for the stuck task; Python 3.11 has no public kill
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Extractor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _ready() -> None:
    """A pool job that does nothing: it makes the pool start a process."""


# The pool's jobs import the parsers where they run: in the pool's processes (the
# forkserver has them imported already), never in the event loop's process, which
# would spend a third of a second importing trafilatura, htmldate and pypdf for nothing.


def _extract(*args: Any, **kwargs: Any) -> Document:
    from checker.extract.read import extract

    return extract(*args, **kwargs)


def _read_page(*args: Any, **kwargs: Any) -> PageRead:
    from checker.extract.page import read_page

    return read_page(*args, **kwargs)
