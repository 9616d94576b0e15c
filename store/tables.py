"""The core tables: articles, sources, citations, snapshots, checks, flags, flag events
and the alert outbox.

Idempotence lives in the schema: one source row per normalized URL, one citation per
(article, key), one snapshot per (source, content hash), one *open* flag per
(citation, kind) (a partial unique index), one outbox row per event id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.types import JSONDoc, UTCDateTime

OPEN_FLAG_STATUSES = ("open", "acknowledged", "muted")
FLAG_STATUSES = (*OPEN_FLAG_STATUSES, "resolved")


def _time(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _json(default: Any = None) -> Any:
    factory = (lambda: dict(default)) if isinstance(default, dict) else (lambda: default)
    return Field(default_factory=factory, sa_column=Column(JSONDoc, nullable=default is None))


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, max_length=2048)
    title: str = ""
    published_at: datetime | None = _time(nullable=True)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSONDoc, nullable=False))
    imported_at: datetime = _time()
    updated_at: datetime = _time()


class Source(SQLModel, table=True):
    """One cited URL, fetched once per cycle however many citations point at it."""

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, max_length=2048)
    host: str = Field(index=True, max_length=255)
    created_at: datetime = _time()
    # scheduling
    next_check_at: datetime = _time()
    interval_s: float = 86_400.0
    last_checked_at: datetime | None = _time(nullable=True)
    unchanged_checks: int = 0  # consecutive checks with the same content: stretches the interval
    # lease: which worker is checking it now, until when
    lease_owner: str | None = Field(default=None, max_length=128)
    lease_expires_at: datetime | None = _time(nullable=True)
    # health
    state: str = Field(default="new", max_length=16)  # new|ok|suspect|dead|unreachable|blocked
    reason: str = Field(default="", max_length=64)
    failure_count: int = 0  # failures counted towards confirmation
    first_failure_at: datetime | None = _time(nullable=True)
    last_failure_at: datetime | None = _time(nullable=True)
    last_status: int | None = None
    final_url: str | None = Field(default=None, max_length=2048)
    # conditional requests and content
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    content_hash: str | None = Field(default=None, max_length=64)
    body_hash: str | None = Field(default=None, max_length=32)  # raw bytes of the last full read
    last_snapshot_id: int | None = None
    archived_url: str | None = Field(default=None, max_length=2048)

    __table_args__ = (Index("ix_source_due", "next_check_at", "lease_expires_at"),)


class Citation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    key: str = Field(max_length=64)  # hash of (source url, claim): identity across re-imports
    ref: str = Field(max_length=64)
    claim: str
    quote: str | None = None
    position: int = 0
    created_at: datetime = _time()
    retired_at: datetime | None = _time(nullable=True)
    # evidence anchored at the first successful check (checker.model.Evidence as JSON)
    evidence: dict[str, Any] | None = _json()
    baseline_snapshot_id: int | None = Field(default=None, foreign_key="snapshot.id")
    # last claim-support result, keyed by the content hash it was computed on
    support_score: float | None = None
    support_label: str | None = Field(default=None, max_length=16)
    support_passage: str | None = None
    # what the aligned passage contradicts ("claim says 21, source says 12"), if anything
    support_mismatches: list[str] | None = Field(
        default=None, sa_column=Column(JSONDoc, nullable=True)
    )
    # the claim's parts as its own source reads them (checker.model.PartSupport as JSON),
    # and why it is unsupported or not confirmed (with the sentence's other sources)
    support_parts: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSONDoc, nullable=True)
    )
    support_reason: str | None = None
    support_backend: str | None = Field(default=None, max_length=32)
    support_hash: str | None = Field(default=None, max_length=64)
    # last check that saw the source's own content, and since when (and why) none has:
    # a rate limit, a consent or login wall, a paywall hiding the evidence, ...
    # set when an editor replaced the source: the key the article's own URL gives, so a
    # re-import of the unchanged article keeps the editor's choice
    replaces_key: str | None = Field(default=None, max_length=64)
    verified_at: datetime | None = _time(nullable=True)
    unverified_since: datetime | None = _time(nullable=True)
    unverified_reason: str | None = Field(default=None, max_length=32)

    __table_args__ = (UniqueConstraint("article_id", "key", name="uq_citation_article_key"),)


class Snapshot(SQLModel, table=True):
    """Extracted text of a source, stored once per distinct content hash."""

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    content_hash: str = Field(max_length=64)
    title: str = ""
    text: str = ""
    kind: str = Field(default="html", max_length=16)
    final_url: str = Field(default="", max_length=2048)
    fetched_at: datetime = _time()
    last_seen_at: datetime = _time()

    __table_args__ = (UniqueConstraint("source_id", "content_hash", name="uq_snapshot_content"),)


class SourceCheck(SQLModel, table=True):
    """One fetch of a source and what was concluded from it."""

    __tablename__ = "source_check"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")
    checked_at: datetime = _time()
    status: int | None = None
    final_url: str = Field(default="", max_length=2048)
    error: str | None = Field(default=None, max_length=32)
    state: str = Field(max_length=16)  # liveness state
    reason: str = Field(default="", max_length=64)
    elapsed_ms: float = 0.0
    snapshot_id: int | None = None
    worker: str = Field(default="", max_length=128)
    detail: dict[str, Any] = _json({})

    __table_args__ = (Index("ix_check_source_time", "source_id", "checked_at"),)


class Flag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    citation_id: int = Field(foreign_key="citation.id")
    # denormalized for the queue's filters and joins
    article_id: int = Field(foreign_key="article.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    kind: str = Field(max_length=32)
    severity: str = Field(max_length=8)
    status: str = Field(default="open", max_length=16)
    opened_at: datetime = _time()
    updated_at: datetime = _time()
    resolved_at: datetime | None = _time(nullable=True)
    resolved_by: str | None = Field(default=None, max_length=32)
    muted_until: datetime | None = _time(nullable=True)
    note: str | None = None
    detail: dict[str, Any] = _json({})

    __table_args__ = (
        # One unresolved flag per (citation, kind): enforced by the database.
        Index(
            "uq_flag_open",
            "citation_id",
            "kind",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
        Index("ix_flag_queue", "status", "severity", "opened_at"),
        Index("ix_flag_citation", "citation_id", "kind"),
    )


class FlagEvent(SQLModel, table=True):
    """Audit trail: every change to a flag, by the checker or an editor."""

    __tablename__ = "flag_event"

    id: int | None = Field(default=None, primary_key=True)
    flag_id: int = Field(foreign_key="flag.id", index=True)
    at: datetime = _time()
    actor: str = Field(max_length=128)  # "checker" or a user name
    action: str = Field(max_length=32)  # opened|escalated|updated|resolved|acknowledged|muted|...
    note: str | None = None
    detail: dict[str, Any] = _json({})


class AlertEvent(SQLModel, table=True):
    """Outbox: written in the same transaction as the flag change it announces."""

    __tablename__ = "alert_event"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=64)  # reused on every retry
    type: str = Field(max_length=32)  # flag.opened | flag.escalated | flag.resolved
    flag_id: int = Field(foreign_key="flag.id", index=True)
    created_at: datetime = _time()
    dispatched_at: datetime | None = _time(nullable=True, index=True)
    payload: dict[str, Any] = _json({})
