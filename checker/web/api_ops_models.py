"""What /api/v1 answers about its own operation, as pydantic models: errors, who is
asking, the results of actions and imports, the overview with worker status, and the
webhook destinations with their deliveries. See api_models.py for why they exist.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, RootModel

from checker.web.api_models import Count, Counts, Flag, Id, Reply, SourceState, Time

Role = Literal["viewer", "editor", "admin"]  # store.auth_tables.ROLES
DestinationFormat = Literal["json", "slack", "teams"]  # checker.alert_model.FORMATS
DestinationMode = Literal["immediate", "hourly", "daily"]  # checker.alert_model.MODES
MessageStatus = Literal["pending", "sent", "failed"]  # store.alert_tables.MESSAGE_STATUSES


class Error(Reply):
    """Every 4xx answer: one sentence saying what was wrong and what to do."""

    error: str


class Me(Reply):
    """The user the token belongs to."""

    name: str
    role: Role


class ActionResult(Reply):
    """What an action did, and the flag as it is now."""

    message: str = Field(description="a short past-tense phrase for the editor")
    flag: Flag


class ImportSummary(Reply):
    """What an import changed."""

    articles_added: Count
    articles_updated: Count
    citations_added: Count
    citations_unchanged: Count
    citations_updated: Count
    citations_retired: Count
    replacements_kept: Count = Field(
        description="citations an editor pointed at another source, kept as the editor chose"
    )
    sources_added: Count
    article_ids: list[Id] = Field(description="the imported articles, in input order")
    articles: Count = Field(description="articles read from the input")


class WeekCount(Reply):
    week: date = Field(description="the Monday that starts the week")
    opened: Count
    resolved: Count


class HourCount(Reply):
    hour: Time
    checks: Count


class Worker(Reply):
    """A monitoring process, from its last heartbeat."""

    name: str
    host: str
    pid: int
    mode: Literal["worker", "serve", "once"]
    started_at: Time
    beat_at: Time
    stopped_at: Time | None
    in_flight: Count
    checked: Count
    failed: Count
    alive: bool = Field(description="beat recently and did not stop")


class ClaimCounts(Reply):
    """Citations in force by how their source supports the claim."""

    supported: Count
    not_confirmed: Count = Field(description="weak support and no reason to flag: never alerted")
    unsupported: Count = Field(description="flagged: a part contradicted or sharing nothing")
    unscored: Count = Field(description="not judged yet")


class Overview(Reply):
    """Counts, the last 12 weeks of flags, the last 24 hours of checks, worker status."""

    articles: Count
    citations: Count = Field(description="citations in force (not retired)")
    sources: dict[SourceState, Count] = Field(description="sources per state")
    weekly: list[WeekCount]
    hourly_checks: list[HourCount]
    workers: list[Worker] | None = Field(description="null where heartbeats are not recorded")
    open_flags: Counts
    claims: ClaimCounts


class DestinationStatus(Reply):
    """A webhook destination and the health of its deliveries."""

    name: str
    url: str
    format: DestinationFormat
    mode: DestinationMode
    origin: Literal["config", "dashboard"]
    enabled: bool
    disabled_reason: str | None
    waiting_events: Count = Field(description="events not yet put in a message")
    pending_messages: Count
    failing_messages: Count = Field(description="pending messages whose last attempt failed")
    failed_messages: Count
    sent_messages: Count
    last_status: int | None = Field(description="HTTP status of the last attempt")
    last_error: str | None
    last_attempt_at: Time | None
    last_sent_at: Time | None


class DestinationList(RootModel[list[DestinationStatus]]):
    """Every destination, by name."""


class DestinationSaved(Reply):
    name: str
    saved: Literal[True]


class DestinationDeleted(Reply):
    name: str
    deleted: Literal[True]


class WebhookMessage(Reply):
    """One HTTP message to a destination (an event, a batch or a digest) and its retries."""

    id: Id
    destination: str
    webhook_id: str = Field(description="the webhook-id header, the same on every retry")
    kind: Literal["event", "batch", "digest"]
    events: Count
    status: MessageStatus
    attempts: Count
    created_at: Time
    next_attempt_at: Time | None = Field(description="set while the message is pending")
    sent_at: Time | None
    last_status: int | None
    last_error: str | None


class MessageList(RootModel[list[WebhookMessage]]):
    """Recent messages, newest first."""
