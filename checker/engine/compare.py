"""What a check read, set against what was read before: pure, run off the event loop.

`may_stand` says when the same bytes (or a 304) let the last verdict stand unread;
`compare_text` fingerprints the text read, looks for each citation's evidence in it and
tells whether it is the same page as before, in one pass; `unreadable` says what keeps
an answering source from being read.
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b

from checker import evidence as ev
from checker.model import Document, EvidenceChange, FetchResult, Liveness, LivenessState
from checker.outcome import SourceTask
from checker.settings import EvidenceSettings
from checker.verdict import sight

# Fewer words than this in the main text: not an article (an error or placeholder page).
SHORT_PAGE_WORDS = 150


@dataclass(frozen=True)
class SeenText:
    """What the text read says against the last one, computed off the event loop."""

    content_hash: str | None  # fingerprint of the text read (None: nothing read)
    same: bool  # the text is the one already read (or a 304)
    changes: dict[int, EvidenceChange]  # each anchored citation's evidence, looked for
    related: bool  # the same page as the last text read (shared text or title)
    short: bool  # too few words to be an article


def compare_text(
    task: SourceTask,
    texts: dict[int, Document],
    document: Document | None,
    liveness: Liveness,
    result: FetchResult,
    settings: EvidenceSettings,
) -> SeenText:
    """Fingerprint, evidence comparison and page checks of `document`: every pass over
    the whole text, in one thread hop."""
    content_hash = ev.fingerprint(document) if document else None
    same_text = result.not_modified or (
        content_hash is not None and content_hash == task.content_hash
    )
    # A move is judged on whether the evidence travelled, even when the text is the
    # one already read (a 304 at the new address).
    moved = liveness.state is LivenessState.MOVED
    changes: dict[int, EvidenceChange] = {}
    if document is not None and (moved or not same_text):
        changes = {
            c.id: ev.compare(c.evidence, texts[c.baseline_snapshot_id], document, settings)
            for c in task.citations
            if c.evidence is not None and c.baseline_snapshot_id in texts
        }
    return SeenText(
        content_hash,
        same_text,
        changes,
        related=document is not None and related(texts.get(task.last_snapshot_id or -1), document),
        short=document is not None and len(document.text.split()) < SHORT_PAGE_WORDS,
    )


def related(last: Document | None, document: Document) -> bool:
    """Is `document` the same page as the last text read (shared text or title)?"""
    if last is None:
        return True  # nothing to tell it apart from
    same_title = bool(last.title.strip()) and last.title.strip() == document.title.strip()
    return same_title or ev.overlap(last, document) >= sight.RELATED_SHARE


def body_hash(result: FetchResult) -> str | None:
    """A hash of the raw body of a complete 200 answer: same bytes, same page."""
    if result.status != 200 or not result.body or result.truncated:
        return None
    return blake2b(result.body, digest_size=16).hexdigest()


def may_stand(task: SourceTask, result: FetchResult, body_hash: str | None) -> bool:
    """May the last verdict stand? Only for a healthy source read in full last time, at
    the same address, with the same bytes (or a 304), and every citation judged on them."""
    same = result.not_modified or (body_hash is not None and body_hash == task.body_hash)
    if not same or task.health.state != "ok" or not task.content_hash:
        return False
    if result.final_url != (task.final_url or task.url):
        return False
    return all(
        c.evidence is not None and c.support_hash == task.content_hash for c in task.citations
    )


def unreadable(liveness: Liveness, document: Document | None, error: str | None) -> str | None:
    """What keeps an answering source from being read, if anything does."""
    if liveness.state is LivenessState.UNCHECKABLE:
        return str(liveness.detail.get("cue") or "a content type we cannot read")
    if document is None and liveness.state in (LivenessState.ALIVE, LivenessState.MOVED):
        return error or "no readable text"
    return None
