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
from typing import TYPE_CHECKING, Any

from checker import archive as arc
from checker import evidence as ev
from checker import verdict
from checker.archive.save_page import SavePageNow
from checker.engine import archiving, compare
from checker.engine.schedule import next_check
from checker.extract import Extractor
from checker.fetch import Fetcher
from checker.fetch.browser import Renderer
from checker.liveness import classify
from checker.model import (
    CHECKABLE_TYPES,
    Document,
    EvidenceChange,
    ExtractError,
    FetchResult,
    Liveness,
    LivenessState,
    RenderError,
    Support,
)
from checker.outcome import (
    CitationCapture,
    CitationOutcome,
    CopyVerdict,
    SourceHealth,
    SourceOutcome,
    SourceTask,
)
from checker.settings import Settings
from checker.support.judge import ClaimJudge
from checker.urls import host_of
from checker.verdict import sight
from checker.verdict.citation import Reading, judge_citation
from checker.verdict.sight import Sight

if TYPE_CHECKING:
    from checker.extract.page import PageRead

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Read:
    """What reading a body gave: its text, or why there is none, and how it was rendered."""

    document: Document | None = None
    error: str | None = None
    rendered: dict[str, Any] | None = None  # the browser's summary, when it rendered the page


@dataclass
class SourceChecker:
    settings: Settings
    fetcher: Fetcher
    extractor: Extractor
    judge: ClaimJudge
    worker: str = ""
    renderer: Renderer | None = None  # [browser] enabled: pages written by scripts
    archive: arc.FolderArchive | None = None  # [archive] capture: the archive of record
    save_page: SavePageNow | None = None  # [archive] save_page_now: a public copy too

    async def check(self, task: SourceTask, now: datetime) -> SourceOutcome:
        # A citation not captured yet needs the body itself: no conditional request, and
        # no "same bytes" shortcut past its capture.
        uncaptured = self.archive is not None and any(not c.captured for c in task.citations)
        result = await self.fetcher.fetch(
            task.url,
            etag=None if uncaptured else task.etag,
            last_modified=None if uncaptured else task.last_modified,
        )
        body_hash = compare.body_hash(result)
        if not uncaptured and compare.may_stand(task, result, body_hash):
            return self._unchanged(task, result, body_hash, now)
        return await self._judge(task, result, body_hash, now)

    def _unchanged(
        self, task: SourceTask, result: FetchResult, body_hash: str | None, now: datetime
    ) -> SourceOutcome:
        """The same bytes (or a 304) as the last full read: its verdict stands as it is.

        No classification, extraction, evidence or support, and no stored text loaded:
        the source's own flags are judged (it answered), its citations' are kept.
        """
        cue = "304 Not Modified" if result.not_modified else "the same bytes as the last check"
        liveness = Liveness(LivenessState.ALIVE, "unchanged", {"status": result.status, "cue": cue})
        health = verdict.next_health(task.health, liveness, now, self.settings.monitor)
        source = verdict.source_conditions(liveness, health)
        citations = tuple(
            CitationOutcome(c.id, *verdict.combine(source), unseen=c.unverified_reason)
            for c in task.citations
        )
        return self._outcome(
            task,
            result,
            now,
            liveness=liveness,
            health=health,
            citations=citations,
            changed=False,
            detail={"liveness": liveness.detail, "sight": "unchanged"},
            validators=True,
            body_hash=body_hash or task.body_hash,
        )

    async def _judge(
        self, task: SourceTask, result: FetchResult, body_hash: str | None, now: datetime
    ) -> SourceOutcome:
        texts = await self._texts(task)
        probe = None
        if result.status == 200 and result.content_type in ("text/html", "application/xhtml+xml"):
            probe = await self.fetcher.probe_not_found(result.final_url)
        liveness, page = await self._classify(result, probe)
        read = await self._read(task, texts, result, liveness, page)
        document, extract_error = read.document, read.error
        seen_text = await asyncio.to_thread(
            compare.compare_text, task, texts, document, liveness, result, self.settings.evidence
        )
        content_hash, same_text, changes = seen_text.content_hash, seen_text.same, seen_text.changes
        liveness = sight.reconsider(
            liveness,
            changes.values(),
            same_text=same_text,
            related=seen_text.related,
            short=seen_text.short,
        )
        seen = sight.sight_of(liveness, truncated=result.truncated)
        if document is None and seen is not Sight.NONE:
            seen = Sight.NONE  # nothing readable came back: no all-clear on it
        full = seen is Sight.FULL

        health = verdict.next_health(task.health, liveness, now, self.settings.monitor)
        copies = await archiving.copies(
            self.fetcher, self.extractor, self.settings, task, texts, health, changes
        )
        archived_url = task.archived_url
        if health.state == "dead" and not archived_url and self.settings.archive.enabled:
            # A copy verified to carry the evidence; when no archive could say (none
            # answered, no evidence to verify), the availability API's closest copy.
            verified = next((c.snapshot_url for c in copies if c.verified), None)
            archived_url = verified or (
                None
                if copies
                else await archiving.closest_copy(self.fetcher.session, self.settings, task)
            )
        reading = Reading(
            sight=seen,
            document=document,
            same_text=same_text,
            unseen_reason=sight.unseen_reason(liveness, truncated=result.truncated)
            or ("unreadable" if document is None else ""),
            source=verdict.source_conditions(liveness, health, archived_url=archived_url),
            moved=liveness.state is LivenessState.MOVED,
            unreadable=compare.unreadable(liveness, document, extract_error),
        )
        citations = await self._judge_citations(task, reading, changes, content_hash)
        captures = (
            await archiving.capture(
                self.archive, self.fetcher.user_agent, task, result, citations, changes, now
            )
            if full
            else ()
        )
        detail: dict[str, Any] = {
            "redirects": [[h.status, h.url, h.location] for h in result.redirects],
            "content_type": result.content_type,
            "liveness": liveness.detail,
            "sight": seen.value,
        }
        if extract_error:
            detail["extract_error"] = extract_error
        if read.rendered is not None:
            detail["rendered"] = read.rendered
        if reading.unreadable:
            detail["unreadable"] = reading.unreadable
        failed = next((c.error for c in captures if c.error), None)
        if failed:
            detail["capture_error"] = failed
        if captures and self.save_page is not None and not any(c.captured for c in task.citations):
            detail["save_page_now"] = (await self.save_page.submit(task.url)).as_detail()
        # Only the source's own content becomes its text, hashes and validators: a wall's
        # ETag must never make a later 304 look like the article unchanged, nor a script
        # shell's bytes, whose text comes from elsewhere.
        own = full and read.rendered is None
        return self._outcome(
            task,
            result,
            now,
            liveness=liveness,
            health=health,
            citations=citations,
            changed=content_hash != task.content_hash if full and content_hash else None,
            detail=detail,
            validators=own or (result.not_modified and read.rendered is None),
            body_hash=body_hash if own else task.body_hash,
            document=document if full else None,
            content_hash=content_hash if full else None,
            archived_url=archived_url,
            captures=captures,
            copies=copies,
        )

    def _outcome(
        self,
        task: SourceTask,
        result: FetchResult,
        now: datetime,
        *,
        liveness: Liveness,
        health: SourceHealth,
        citations: tuple[CitationOutcome, ...],
        changed: bool | None,
        detail: dict[str, Any],
        validators: bool,
        body_hash: str | None,
        document: Document | None = None,
        content_hash: str | None = None,
        archived_url: str | None = None,
        captures: tuple[CitationCapture, ...] = (),
        copies: tuple[CopyVerdict, ...] = (),
    ) -> SourceOutcome:
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
        if result.error_message:
            detail["error_message"] = result.error_message
        headers = result.headers
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
            body_hash=body_hash,
            etag=headers.get("etag", task.etag) if validators else task.etag,
            last_modified=(
                headers.get("last-modified", task.last_modified)
                if validators
                else task.last_modified
            ),
            archived_url=archived_url or task.archived_url,
            worker=self.worker,
            detail=detail,
            captures=captures,
            copies=copies,
        )

    async def _texts(self, task: SourceTask) -> dict[int, Document]:
        """The stored texts this source's judgement compares with, loaded only now."""
        wanted = {task.last_snapshot_id, *(c.baseline_snapshot_id for c in task.citations)}
        missing = tuple(sorted(i for i in wanted if i is not None and i not in task.snapshots))
        if not missing or task.load_texts is None:
            return task.snapshots
        return task.snapshots | await task.load_texts(missing)

    async def _classify(
        self, result: FetchResult, probe: FetchResult | None
    ) -> tuple[Liveness, PageRead | None]:
        """Liveness, and the main text where worth reading, from one parse of the body in
        one call of the extraction pool; an answer with no text to read (no body, a 304,
        an image) is classified in a thread, its body never sent to the pool."""
        unreadable = result.content_type and result.content_type not in CHECKABLE_TYPES
        if not result.body or result.not_modified or unreadable:
            return await asyncio.to_thread(classify, result, probe=probe), None
        try:
            page = await self.extractor.read_page(
                result, probe, extract_text=not self._renders(result, None, always=True)
            )
        except ExtractError as exc:  # the worker died or ran out of time: say so
            from checker.extract.page import PageRead

            liveness = await asyncio.to_thread(classify, result, probe=probe)
            return liveness, PageRead(liveness, extracted=True, error=str(exc))
        return page.liveness, page

    async def _read(
        self,
        task: SourceTask,
        texts: dict[int, Document],
        result: FetchResult,
        liveness: Liveness,
        page: PageRead | None = None,
    ) -> Read:
        if result.not_modified:
            return Read(texts.get(task.last_snapshot_id or -1))
        if not sight.worth_reading(liveness, result.status, bool(result.body)):
            return Read()
        if self._renders(result, liveness, always=True):
            return await self._render(result, None)
        if liveness.reason == "script_shell":  # its text is not in the HTML
            shell = str(liveness.detail.get("cue"))
            return (
                await self._render(result, shell)
                if self._renders(result, liveness)
                else Read(error=shell)
            )
        if page is not None and page.extracted:
            doc, error = page.document, page.error
        else:
            try:
                doc = await self.extractor.extract(
                    result.body, result.content_type, result.final_url, result.charset
                )
                error = None
            except ExtractError as exc:
                doc, error = None, str(exc)
        if doc is None:
            if self._renders(result, liveness):
                return await self._render(result, error)
            return Read(error=error)
        return Read(doc)

    def _renders(
        self, result: FetchResult, liveness: Liveness | None, *, always: bool = False
    ) -> bool:
        """Is this an HTML page for the browser (one whose host is always rendered)?
        `liveness` None: whatever the page turns out to be, were it answering."""
        answered = liveness is None or liveness.state in (LivenessState.ALIVE, LivenessState.MOVED)
        html = result.content_type in ("text/html", "application/xhtml+xml")
        if self.renderer is None or not answered or not html:
            return False
        return not always or host_of(result.final_url) in self.settings.browser.hosts

    async def _render(self, result: FetchResult, static_error: str | None) -> Read:
        """The page as a browser shows it, once its scripts have written it."""
        assert self.renderer is not None
        why = f"{static_error}; " if static_error else ""
        try:
            rendered = await self.renderer.render(result)
        except RenderError as exc:
            return Read(error=f"{why}{exc}")
        try:
            doc = await self.extractor.extract(rendered.html, "text/html", rendered.url, "utf-8")
        except ExtractError as exc:
            return Read(error=f"{why}rendered, but still {exc}", rendered=rendered.summary())
        return Read(doc, rendered=rendered.summary())

    async def _judge_citations(
        self,
        task: SourceTask,
        reading: Reading,
        changes: dict[int, EvidenceChange],
        content_hash: str | None,
    ) -> tuple[CitationOutcome, ...]:
        """Anchors, support scores and verdicts, in one thread: all CPU, none on the loop."""

        def judge_all() -> tuple[CitationOutcome, ...]:
            support: dict[int, Support] = {}
            if reading.sight is Sight.FULL and reading.document is not None and content_hash:
                to_score = [c for c in task.citations if c.support_hash != content_hash]
                text = reading.document.text
                # A long text is scored on each claim's window (see evidence.retrieval).
                pairs = [(c.claim, ev.window_text(c.claim, text)) for c in to_score]
                scores = self.judge.judge_many(pairs)
                support = {c.id: s for c, s in zip(to_score, scores, strict=True)}
            settings = self.settings.evidence
            return tuple(
                judge_citation(c, reading, changes.get(c.id), support.get(c.id), settings)
                for c in task.citations
            )

        return await asyncio.to_thread(judge_all)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
