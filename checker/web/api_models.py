"""What /api/v1 answers about flags, citations, articles and sources, as pydantic models.

The OpenAPI document's components are generated from these models (openapi.py), and
every handler passes its answer through one of them before sending it (api.py), so the
document cannot drift from what the API returns: a key a model does not declare, or a
value of the wrong type, fails the request loudly instead of reaching clients unannounced.
The store's query functions still build plain dicts (the pages render the same dicts);
the models only check and describe them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, RootModel

from checker.model import FetchErrorKind, FlagKind, LivenessState, Severity, SupportLabel
from checker.web.api_archive_models import CitationArchive
from checker.web.api_types import Count, Id, Reply, Time

__all__ = ["Count", "Id", "Reply", "Time"]  # the shared types, for the other model modules


FlagStatus = Literal["open", "acknowledged", "muted", "resolved"]  # store.tables.FLAG_STATUSES
SourceState = Literal["new", "ok", "suspect", "dead", "unreachable", "blocked", "moved"]
DiffPart = tuple[Literal["=", "-", "+"], str]  # kept, removed or added text


class Article(Reply):
    """An article as imported."""

    id: Id
    url: str
    title: str
    published_at: Time | None
    tags: list[str]
    imported_at: Time


class Source(Reply):
    """A cited URL and its health: fetched once per cycle however many citations use it."""

    id: Id
    url: str
    host: str
    state: SourceState
    reason: str = Field(description="why the state: not_found, gone, soft_404, timeout, ...")
    last_status: int | None = Field(description="HTTP status of the last check, if any")
    final_url: str | None
    last_checked_at: Time | None
    next_check_at: Time
    failure_count: Count = Field(description="failures counted towards confirming dead")
    archived_url: str | None


class ClaimPart(Reply):
    """One fact of a claim, as one source reads it."""

    text: str
    label: SupportLabel
    score: float | None
    reason: str | None = Field(description="why not supported, quoting the passage read")
    passage: str | None


class Citation(Reply):
    """A claim of an article attributed to a source, with its last support result."""

    id: Id
    ref: str = Field(description="the marker or footnote as published")
    claim: str
    quote: str | None
    source_id: Id
    article_id: Id
    retired_at: Time | None = Field(description="set when a re-import dropped the citation")
    evidence_anchored: bool
    support_score: float | None
    support_label: SupportLabel | None
    support_passage: str | None = Field(description="the source passage the claim aligns with")
    support_mismatches: list[str] | None = Field(
        description="what that passage contradicts: 'claim says 21, source says 12', ..."
    )
    support_reason: str | None = Field(
        description="why the claim is unsupported or not confirmed, quoting the passage read "
        "(with the sentence's other sources, when it cites several)"
    )
    support_parts: list[ClaimPart] = Field(
        description="the claim's facts as this citation's source reads them"
    )
    support_backend: str | None
    verified_at: Time | None = Field(
        description="last check that read the source's own content for this citation"
    )
    unverified_since: Time | None = Field(
        description="set while checks cannot verify the citation (a wall, an error, a cut page)"
    )
    unverified_reason: str | None = Field(
        description="why: rate_limited, consent_wall, login_wall, paywall, http_503, timeout, ..."
    )


class Redirect(Reply):
    status: int
    url: str
    location: str


class Check(Reply):
    """One fetch of a source and what was concluded from it."""

    checked_at: Time
    status: int | None
    state: LivenessState | Literal["error"] = Field(description='"error": a checker bug')
    reason: str
    error: FetchErrorKind | Literal["internal"] | None
    final_url: str
    elapsed_ms: float
    redirects: list[Redirect]
    error_message: str | None
    cue: str | None = Field(description="what decided the result, in words")
    rendered_ms: float | None = Field(
        description="set when the page was rendered by the browser: how long it took"
    )
    unreadable: str | None = Field(
        description="set when the source answered with no text we can read: why"
    )


class FlagRef(Reply):
    """Another open flag, named by id, kind and severity."""

    id: Id
    kind: FlagKind
    severity: Severity


class Flag(Reply):
    """A flag: a condition of one citation that an editor should look at."""

    id: Id
    kind: FlagKind
    severity: Severity
    status: FlagStatus
    opened_at: Time
    updated_at: Time
    resolved_at: Time | None
    resolved_by: str | None = Field(description="an editor's name, or recovered / replaced...")
    muted_until: Time | None
    note: str | None
    citation_id: Id
    article_id: Id
    source_id: Id
    detail: dict[str, Any] = Field(description="what the checker found; keys depend on kind")
    summary: str = Field(description="one short phrase saying why the flag is open")


class FlagEvent(Reply):
    """One line of a flag's audit trail, by the checker or an editor."""

    at: Time
    actor: str
    action: str
    note: str | None
    detail: dict[str, Any]


class Snapshot(Reply):
    """A stored copy of the source's text."""

    id: Id
    title: str
    fetched_at: Time
    last_seen_at: Time
    final_url: str


class Evidence(Reply):
    """The cited passage as anchored and as it reads now."""

    before: str
    after: str
    diff: list[DiffPart]
    changes: list[str] = Field(description="what changed: number, negation, entity, date")
    notices: list[str] = Field(description="correction or update notices near the evidence")
    baseline_snapshot: Snapshot | None
    latest_snapshot: Snapshot | None


class FlagDetail(Reply):
    """A flag with everything an editor needs to decide on it."""

    flag: Flag
    citation: Citation
    article: Article
    source: Source = Field(description="the citation's current source")
    source_moved_since: bool = Field(description="the citation was moved to another source")
    checks: list[Check] = Field(description="the source's latest checks, newest first")
    events: list[FlagEvent]
    other_flags: list[FlagRef] = Field(description="the citation's other open flags")
    evidence: Evidence
    archived_url: str | None
    archive: CitationArchive = Field(description="the citation's archive of record")


class QueueItem(Reply):
    """One row of the flags queue."""

    id: Id
    kind: FlagKind
    severity: Severity
    status: FlagStatus
    summary: str
    opened_at: Time
    updated_at: Time
    resolved_at: Time | None
    resolved_by: str | None
    muted_until: Time | None
    article_id: Id
    article_title: str
    article_url: str
    source_id: Id
    source_url: str
    host: str
    citation_id: Id
    ref: str
    claim: str


class FlagPage(Reply):
    """A page of the flags queue: most severe first, then oldest."""

    items: list[QueueItem]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")


class Counts(RootModel[dict[FlagKind, dict[Severity, Count]]]):
    """Unresolved flags per kind, then per severity; kinds without one are left out."""


class ArticleRow(Article):
    """An article with its health."""

    citations: Count = Field(description="citations in force (not retired)")
    open_flags: Count
    worst_severity: Severity | None
    not_confirmed: Count = Field(
        description="citations whose claim is not confirmed: weak support, no flag"
    )


class ArticlePage(Reply):
    """A page of articles, newest first."""

    items: list[ArticleRow]
    next_after: Id | None = Field(description="pass as ?after= for the next page")


class ArticleCitation(Citation):
    """A citation of the article, with its source and open flags."""

    source: Source
    flags: list[FlagRef]


class ArticleView(Reply):
    """An article's citations (retired ones last) and their health."""

    article: Article
    citations: list[ArticleCitation]


class SourceCitation(Citation):
    """A citation of the source, with its article and health."""

    article: Article
    open_flags: Count
    worst_severity: Severity | None


class SourceView(Reply):
    """A source, every citation of it, and its latest checks (newest first)."""

    source: Source
    citations: list[SourceCitation]
    checks: list[Check]
