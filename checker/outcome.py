"""What the store hands the pipeline (a task) and what the pipeline hands back (an outcome).

A task is everything one source check needs to know about the past; an outcome is
everything it learned, written back by the store in one transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checker.model import Document, Evidence, FlagKind, FlagSpec, Liveness, Support


@dataclass(frozen=True)
class SourceHealth:
    """Failure bookkeeping that turns single failures into confirmed ones."""

    state: str = "new"  # new | ok | suspect | dead | unreachable | blocked | moved
    reason: str = ""
    failure_count: int = 0
    first_failure_at: datetime | None = None
    last_failure_at: datetime | None = None


@dataclass(frozen=True)
class CitationTask:
    id: int
    claim: str
    quote: str | None
    evidence: Evidence | None  # None until the first successful check anchors it
    baseline_snapshot_id: int | None
    support_hash: str | None  # content hash the last support score was computed on
    article_published_at: datetime | None = None
    unverified_reason: str | None = None  # why the last check could not verify it
    captured: bool = False  # the archive holds a capture of its source for it
    copy_looked: bool = False  # an archived copy was looked for (and verified) already
    cited_at: datetime | None = None  # when the citation was imported
    # the article cites other sources for the same sentence: its claim is judged with
    # theirs (checker.support.together), once all are written (store.claim_groups)
    co_cited: bool = False


@dataclass(frozen=True)
class SourceTask:
    id: int
    url: str
    health: SourceHealth
    citations: tuple[CitationTask, ...]
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    last_snapshot_id: int | None = None
    interval_s: float = 86_400.0
    unchanged_checks: int = 0
    last_checked_at: datetime | None = None
    archived_url: str | None = None
    newest_article_at: datetime | None = None  # freshest citing article: checked more often
    body_hash: str | None = None  # hash of the raw body of the last full read
    final_url: str | None = None  # where the last check landed
    # text of the snapshots the citations' evidence was anchored on (and the last one),
    # as far as loaded; `load_texts` loads the others when the check needs them
    snapshots: dict[int, Document] = field(default_factory=dict)
    load_texts: Callable[[tuple[int, ...]], Awaitable[dict[int, Document]]] | None = None


@dataclass(frozen=True)
class StoredRecord:
    """Where one capture's WARC records are: `length` bytes at `offset` of `path`, a path
    relative to the archive folder."""

    path: str
    offset: int
    length: int
    digest: str  # WARC-Payload-Digest, "sha1:<base32>"
    record: str  # "response" | "revisit" (the payload was already archived)
    record_id: str
    url: str  # WARC-Target-URI: where the response came from


@dataclass(frozen=True)
class CitationCapture:
    """A capture this check made for a citation, or tried to (`error` says why it failed)."""

    citation_id: int
    reason: str  # "first_read" | "evidence_changed"
    record: StoredRecord | None = None
    error: str | None = None


@dataclass(frozen=True)
class CopyVerdict:
    """The archived copy found for a citation's dead, moved or edited source."""

    citation_id: int
    snapshot_url: str | None  # the one that verified, else the closest tried; None: none
    snapshot_at: datetime | None
    verified: bool  # it carries the citation's evidence (the evidence matcher agrees)
    service: str = ""  # wayback | memento
    tried: int = 0  # snapshots fetched to find it


@dataclass(frozen=True)
class CitationOutcome:
    citation_id: int
    conditions: tuple[FlagSpec, ...]  # what holds now: open or keep these flags
    judged: frozenset[FlagKind]  # kinds this check could assess: resolve those not in conditions
    evidence: Evidence | None = None  # set when anchored by this check (new baseline)
    support: Support | None = None  # set when scored by this check
    # why this check could not verify the citation (rate_limited, consent_wall, paywall,
    # ...); None when it saw the source's own content
    unseen: str | None = None
    co_cited: bool = False  # its sentence cites other sources too (CitationTask.co_cited)


@dataclass(frozen=True)
class SourceOutcome:
    source_id: int
    checked_at: datetime
    liveness: Liveness
    health: SourceHealth
    next_check_at: datetime
    interval_s: float
    unchanged_checks: int
    citations: tuple[CitationOutcome, ...]
    status: int | None = None
    final_url: str = ""
    error: str | None = None
    elapsed_ms: float = 0.0
    document: Document | None = None  # text to snapshot (None: nothing new was read)
    content_hash: str | None = None
    body_hash: str | None = None  # raw body of the last full read
    etag: str | None = None
    last_modified: str | None = None
    archived_url: str | None = None
    worker: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    captures: tuple[CitationCapture, ...] = ()  # archive of record, written this check
    copies: tuple[CopyVerdict, ...] = ()  # archived copies looked for this check
