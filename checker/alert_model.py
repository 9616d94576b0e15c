"""Plain values of the alert sender: a destination, and the facts one event announces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FORMATS = ("json", "slack", "teams")
MODES = ("immediate", "hourly", "daily")
EVENT_TYPES = ("flag.opened", "flag.escalated", "flag.resolved")


@dataclass(frozen=True)
class Destination:
    """Where alerts go and which ones: one `[[destinations]]` table, validated."""

    name: str
    url: str
    format: str = "json"  # json | slack | teams
    events: tuple[str, ...] = EVENT_TYPES
    kinds: tuple[str, ...] = ()  # empty: every kind
    min_severity: str = "low"
    url_prefixes: tuple[str, ...] = ()  # empty: every article
    tags: tuple[str, ...] = ()  # empty: every article; else articles with one of these tags
    mode: str = "immediate"  # immediate | hourly | daily
    digest_time: str = "08:00"  # UTC time of day the daily digest goes out
    secret: str = ""  # signing secret: "whsec_<base64>" or raw text; empty: unsigned
    enabled: bool = True


@dataclass(frozen=True)
class AlertFacts:
    """Everything one outbox event announces, read from the store when it is sent."""

    event_id: str
    event_type: str
    created_at: datetime
    flag_id: int
    kind: str
    severity: str
    status: str  # the flag's status now: open | acknowledged | muted | resolved
    opened_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    article_id: int
    article_url: str
    article_title: str
    article_tags: tuple[str, ...]
    citation_id: int
    citation_ref: str
    claim: str
    quote: str | None
    source_id: int
    source_url: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def archived_url(self) -> str | None:
        value = self.detail.get("archived_url")
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Rendered:
    """One HTTP message body, ready to sign and send."""

    message_id: str  # webhook-id: the event id, or a stable batch/digest id
    kind: str  # event | batch | digest
    body: str
    event_ids: tuple[str, ...]
