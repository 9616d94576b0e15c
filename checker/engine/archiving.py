"""The archive's part in a check: the response captured as WARC records (the archive of
record), and archived copies looked for and verified when the source dies or its
evidence changes. The pipeline's (checker.engine.pipeline), kept apart to keep it one
read.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import aiohttp

from checker import archive as arc
from checker.archive.verify import copies_wanted, verified_copies
from checker.extract import Extractor
from checker.fetch import Fetcher
from checker.fetch.archive import find_archived_copy
from checker.fetch.client import ACCEPT
from checker.model import Document, EvidenceChange, FetchResult
from checker.outcome import (
    CitationCapture,
    CitationOutcome,
    CopyVerdict,
    SourceHealth,
    SourceTask,
)
from checker.settings import Settings


async def capture(
    archive: arc.FolderArchive | None,
    user_agent: str,
    task: SourceTask,
    result: FetchResult,
    citations: tuple[CitationOutcome, ...],
    changes: dict[int, EvidenceChange],
    now: datetime,
) -> tuple[CitationCapture, ...]:
    """The response as WARC records, for the citations that need a capture now."""
    if archive is None or not arc.capturable(result):
        return ()
    reasons = arc.capture_reasons(task.citations, citations, changes)
    host = urlsplit(result.final_url).netloc.rpartition("@")[2]
    sent = [("Host", host), ("User-Agent", user_agent), ("Accept", ACCEPT)]
    return await arc.capture_response(archive, result, sent, reasons, now)


async def copies(
    fetcher: Fetcher,
    extractor: Extractor,
    settings: Settings,
    task: SourceTask,
    texts: dict[int, Document],
    health: SourceHealth,
    changes: dict[int, EvidenceChange],
) -> tuple[CopyVerdict, ...]:
    """Archived copies verified to carry each citation's evidence, where one is wanted."""
    if not settings.archive.enabled:
        return ()
    wanted, cited = copies_wanted(task, texts, health.state == "dead", changes)
    return await verified_copies(
        fetcher,
        extractor,
        settings.archive,
        settings.evidence,
        task.url,
        cited,
        wanted,
    )


async def closest_copy(
    session: aiohttp.ClientSession, settings: Settings, task: SourceTask
) -> str | None:
    """The availability API's copy closest to the first citing article's date."""
    dates = [c.article_published_at for c in task.citations if c.article_published_at]
    copy = await find_archived_copy(
        session,
        settings.archive,
        task.url,
        min(dates) if dates else None,
    )
    return copy.url if copy else None
