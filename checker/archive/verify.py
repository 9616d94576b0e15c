"""Verified archived copies: the snapshot of a source, closest before the citation date,
that still carries the citation's evidence.

Snapshots are listed by the Wayback CDX API and any Memento TimeMap configured, then
fetched one by one (closest first) through the fetcher, so every address an archive
hands us passes the same URL-safety rule as a source (scheme, SSRF guard, robots.txt,
size and time limits). Each is read by the extractor and judged by the evidence
matcher against the citation's baseline. An archive that times out, answers 429 or
garbage gives no verdict (the next check looks again), and so does one whose snapshots
cannot be read at all; no request holds a worker longer than [archive] timeout_s.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from checker import evidence as ev
from checker.archive.indexes import (
    Snapshot,
    cdx_after_query,
    cdx_query,
    in_order,
    parse_cdx,
    parse_timemap,
)
from checker.extract import Extractor
from checker.fetch import Fetcher
from checker.model import (
    Document,
    Evidence,
    EvidenceChange,
    EvidenceStatus,
    ExtractError,
    FetchResult,
)
from checker.outcome import CopyVerdict, SourceTask
from checker.settings import ArchiveSettings, EvidenceSettings


@dataclass(frozen=True)
class Wanted:
    """A citation to find a verified copy for: its evidence and the text it was taken from."""

    citation_id: int
    evidence: Evidence
    baseline: Document


def copies_wanted(
    task: SourceTask,
    texts: Mapping[int, Document],
    dead: bool,
    changes: Mapping[int, EvidenceChange],
) -> tuple[list[Wanted], datetime | None]:
    """The citations to find a verified copy for, not looked for yet: all of a dead
    source's, and those whose evidence this check found edited or gone (a cut page is
    not an edit); and the date they were cited, the earliest (pure)."""
    wanted, dates = [], []
    for c in task.citations:
        baseline = texts.get(c.baseline_snapshot_id) if c.baseline_snapshot_id else None
        if c.copy_looked or c.evidence is None or baseline is None:
            continue
        change = changes.get(c.id)
        edited = (
            change is not None
            and change.status is not EvidenceStatus.UNCHANGED
            and not change.hidden_by
        )
        if dead or edited:
            wanted.append(Wanted(c.id, c.evidence, baseline))
            cited = c.article_published_at or c.cited_at
            if cited is not None:
                dates.append(cited)
    return wanted, min(dates, default=None)


async def verified_copies(
    fetcher: Fetcher,
    extractor: Extractor,
    settings: ArchiveSettings,
    evidence_settings: EvidenceSettings,
    url: str,
    cited: datetime | None,
    wanted: Sequence[Wanted],
) -> tuple[CopyVerdict, ...]:
    """A verdict per wanted citation; none at all when no archive could be asked."""
    if not wanted:
        return ()
    listed = await _snapshots(fetcher, settings, url, cited)
    if listed is None:
        return ()
    order = in_order(listed, cited, settings.verify_snapshots)
    found: dict[int, Snapshot] = {}
    tried = read = 0
    for snapshot in order:
        pending = [w for w in wanted if w.citation_id not in found]
        if not pending:
            break
        tried += 1
        document = await _read(fetcher, extractor, settings, snapshot)
        if document is None:
            continue
        read += 1
        for want in pending:
            change = await asyncio.to_thread(
                ev.compare, want.evidence, want.baseline, document, evidence_settings
            )
            if change.status is EvidenceStatus.UNCHANGED:
                found[want.citation_id] = snapshot
    if order and not read:
        return ()  # listed, but none could be read (the archive refusing): ask again later
    closest = order[0] if order else None
    verdicts = []
    for want in wanted:
        chosen = found.get(want.citation_id) or closest
        verdicts.append(
            CopyVerdict(
                want.citation_id,
                chosen.url if chosen else None,
                chosen.taken_at if chosen else None,
                want.citation_id in found,
                chosen.service if chosen else "",
                tried,
            )
        )
    return tuple(verdicts)


async def _snapshots(
    fetcher: Fetcher, settings: ArchiveSettings, url: str, cited: datetime | None
) -> list[Snapshot] | None:
    """Every snapshot the archives list; None when none of them gave a usable answer."""
    answered = False
    found: list[Snapshot] = []
    want = max(1, settings.verify_snapshots)
    if settings.cdx_url:
        before = await _get(
            fetcher, settings, cdx_query(settings.cdx_url, url, before=cited, limit=want)
        )
        listed = parse_cdx(before.body, settings.cdx_url) if _ok(before) else None
        if listed is not None:
            answered = True
            found += listed
            if cited is not None and len(listed) < want:
                query = cdx_after_query(settings.cdx_url, url, after=cited, limit=want)
                later = await _get(fetcher, settings, query)
                found += (parse_cdx(later.body, settings.cdx_url) if _ok(later) else None) or []
    for endpoint in settings.timemap_urls:
        answer = await _get(fetcher, settings, f"{endpoint}{url}")
        if answer.status == 404:  # a Memento service's "no mementos"
            answered = True
        elif _ok(answer):
            answered = True
            found += parse_timemap(answer.body)
    return found if answered else None


async def _read(
    fetcher: Fetcher, extractor: Extractor, settings: ArchiveSettings, snapshot: Snapshot
) -> Document | None:
    result = await _get(fetcher, settings, snapshot.fetch_url)
    if not _ok(result):
        return None
    try:
        return await extractor.extract(
            result.body, result.content_type, result.final_url, result.charset
        )
    except ExtractError:
        return None


async def _get(fetcher: Fetcher, settings: ArchiveSettings, url: str) -> FetchResult:
    """One request, never longer than timeout_s; trouble is an answer without a body."""
    try:
        async with asyncio.timeout(settings.timeout_s or None):
            return await fetcher.fetch(url)
    except TimeoutError:
        return FetchResult(url, url, None, error_message="archive did not answer in time")


def _ok(result: FetchResult) -> bool:
    return result.status == 200 and bool(result.body) and not result.truncated
