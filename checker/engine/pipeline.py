"""One source check: fetch → liveness → extract → evidence → support → verdict.

`SourceChecker` wires the stages together once per process; `check(task, now)` runs
them for one source and returns a `SourceOutcome` for the store to write in one
transaction. It never raises for anything a source does: network trouble, hostile
or unreadable bodies all end up in the outcome.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from checker import evidence as ev
from checker import verdict
from checker.engine.schedule import next_check
from checker.extract import Extractor
from checker.fetch import Fetcher
from checker.fetch.archive import find_archived_copy
from checker.liveness import classify
from checker.model import (
    Document,
    ExtractError,
    FetchResult,
    FlagKind,
    FlagSpec,
    Liveness,
    LivenessState,
)
from checker.outcome import CitationOutcome, CitationTask, SourceOutcome, SourceTask
from checker.settings import Settings
from checker.support import Scorer

log = logging.getLogger(__name__)

# States whose body is worth reading: the page answered, even if it hides behind a wall.
_READABLE = (LivenessState.ALIVE, LivenessState.MOVED, LivenessState.BLOCKED)


@dataclass
class SourceChecker:
    settings: Settings
    fetcher: Fetcher
    extractor: Extractor
    scorer: Scorer
    worker: str = ""

    async def check(self, task: SourceTask, now: datetime) -> SourceOutcome:
        result = await self.fetcher.fetch(
            task.url, etag=task.etag, last_modified=task.last_modified
        )
        probe = None
        if result.status == 200 and result.content_type in ("text/html", "application/xhtml+xml"):
            probe = await self.fetcher.probe_not_found(result.final_url)
        # classify parses HTML for its cues (a few ms per page): keep it off the event loop
        liveness = await asyncio.to_thread(classify, result, probe=probe)
        document, extract_error = await self._read(task, result, liveness)
        content_hash = ev.fingerprint(document) if document else None
        changed = None if content_hash is None else content_hash != task.content_hash

        health = verdict.next_health(task.health, liveness, now, self.settings.monitor)
        archived_url = task.archived_url
        if health.state == "dead" and not archived_url and self.settings.archive.enabled:
            archived_url = await self._archived_copy(task)
        source_flags = verdict.source_conditions(liveness, health, archived_url=archived_url)

        citations = await self._judge_citations(task, document, content_hash, source_flags)
        schedule = next_check(
            now,
            source_id=task.id,
            interval_s=task.interval_s,
            unchanged_checks=task.unchanged_checks,
            content_changed=changed,
            failing=health.state == "suspect",
            settings=self.settings.monitor,
            newest_article_at=task.newest_article_at,
            retry_after_s=_float(liveness.detail.get("retry_after_s")),
            max_retry_after_s=self.settings.fetch.max_retry_after_s,
        )
        detail: dict[str, Any] = {
            "redirects": [[h.status, h.url, h.location] for h in result.redirects],
            "content_type": result.content_type,
            "liveness": liveness.detail,
        }
        if extract_error:
            detail["extract_error"] = extract_error
        if result.error_message:
            detail["error_message"] = result.error_message
        return SourceOutcome(
            source_id=task.id,
            checked_at=now,
            liveness=liveness,
            health=health,
            next_check_at=schedule.next_check_at,
            interval_s=schedule.interval_s,
            unchanged_checks=schedule.unchanged_checks,
            citations=citations,
            status=result.status,
            final_url=result.final_url,
            error=result.error.value if result.error else None,
            elapsed_ms=result.elapsed_ms,
            document=document if changed else None,
            content_hash=content_hash or task.content_hash,
            etag=result.headers.get("etag", task.etag if result.not_modified else None),
            last_modified=result.headers.get(
                "last-modified", task.last_modified if result.not_modified else None
            ),
            archived_url=archived_url,
            worker=self.worker,
            detail=detail,
        )

    async def _read(
        self, task: SourceTask, result: FetchResult, liveness: Liveness
    ) -> tuple[Document | None, str | None]:
        if result.not_modified:
            last = task.snapshots.get(task.last_snapshot_id or -1)
            return last, None
        if liveness.state not in _READABLE or not result.body:
            return None, None
        try:
            doc = await self.extractor.extract(
                result.body, result.content_type, result.final_url, result.charset
            )
        except ExtractError as exc:
            return None, str(exc)
        return doc, None

    async def _archived_copy(self, task: SourceTask) -> str | None:
        dates = [c.article_published_at for c in task.citations if c.article_published_at]
        copy = await find_archived_copy(
            self.fetcher.session, self.settings.archive, task.url, min(dates) if dates else None
        )
        return copy.url if copy else None

    async def _judge_citations(
        self,
        task: SourceTask,
        document: Document | None,
        content_hash: str | None,
        source_flags: tuple[list[FlagSpec], frozenset[FlagKind]],
    ) -> tuple[CitationOutcome, ...]:
        if document is None or content_hash is None:
            return tuple(
                CitationOutcome(c.id, *verdict.combine(source_flags)) for c in task.citations
            )
        to_score = [c for c in task.citations if c.support_hash != content_hash]
        scores = await asyncio.to_thread(
            self.scorer.score_many, [(c.claim, document.text) for c in to_score]
        )
        support = {c.id: s for c, s in zip(to_score, scores, strict=True)}
        return tuple(
            self._judge_citation(task, c, document, content_hash, source_flags, support.get(c.id))
            for c in task.citations
        )

    def _judge_citation(
        self,
        task: SourceTask,
        citation: CitationTask,
        document: Document,
        content_hash: str,
        source_flags: tuple[list[FlagSpec], frozenset[FlagKind]],
        support: Any,
    ) -> CitationOutcome:
        parts = []
        anchored = None
        quote_missing = False
        if citation.evidence is None:
            anchored = ev.anchor(citation.claim, citation.quote, document, self.settings.evidence)
            quote_missing = bool(citation.quote) and not ev.quote_found(anchored, document)
        elif content_hash != task.content_hash:
            baseline = task.snapshots.get(citation.baseline_snapshot_id or -1)
            if baseline is not None:
                change = ev.compare(citation.evidence, baseline, document, self.settings.evidence)
                parts.append(verdict.evidence_conditions(change, self.settings.evidence))
        if support is not None:
            parts.append(verdict.support_conditions(support, quote_missing=quote_missing))
        conditions, judged = verdict.combine(source_flags, *parts)
        return CitationOutcome(citation.id, conditions, judged, anchored, support)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
