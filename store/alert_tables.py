"""Alert delivery tables: destinations, one delivery per (event, destination), and the
HTTP messages that carry them (a message holds one event, a grouped burst or a digest).

The outbox (`alert_event`, in store/tables.py) is written with the flag change; the
dispatcher fans each event out into `alert_delivery` rows (unique per event and
destination, so a crash mid-fan-out duplicates nothing), then composes `alert_message`
rows whose id and body are fixed before the first attempt: every retry resends the same
`webhook-id` and bytes, so a receiver can de-duplicate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.tables import _json, _time

DELIVERY_STATUSES = ("pending", "queued", "suppressed")
MESSAGE_STATUSES = ("pending", "sent", "failed")


class AlertDestination(SQLModel, table=True):
    """A webhook destination: synced from config (origin "config") or added on the dashboard."""

    __tablename__ = "alert_destination"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    url: str = Field(max_length=2048)
    format: str = Field(default="json", max_length=8)  # json | slack | teams
    events: list[str] = _json([])  # empty: every event type
    kinds: list[str] = _json([])  # empty: every kind
    min_severity: str = Field(default="low", max_length=8)
    url_prefixes: list[str] = _json([])
    tags: list[str] = _json([])
    mode: str = Field(default="immediate", max_length=16)  # immediate | hourly | daily
    digest_time: str = Field(default="08:00", max_length=5)  # UTC, daily mode
    secret: str = Field(default="", max_length=512)
    origin: str = Field(default="config", max_length=16)  # config | dashboard
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=255)
    disabled_at: datetime | None = _time(nullable=True)
    created_at: datetime = _time()
    updated_at: datetime = _time()


class AlertDelivery(SQLModel, table=True):
    """One event owed to one destination: pending → queued (in a message) or suppressed."""

    __tablename__ = "alert_delivery"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="alert_event.id")
    destination_id: int = Field(foreign_key="alert_destination.id")
    created_at: datetime = _time()  # when the event happened
    due_at: datetime = _time()  # grouping window / digest boundary
    status: str = Field(default="pending", max_length=16)
    reason: str | None = Field(default=None, max_length=32)  # why suppressed
    message_id: int | None = Field(default=None, foreign_key="alert_message.id", index=True)

    __table_args__ = (
        UniqueConstraint("event_id", "destination_id", name="uq_delivery_event_destination"),
        Index("ix_delivery_pending", "status", "destination_id", "due_at"),
    )


class AlertMessage(SQLModel, table=True):
    """One HTTP message to one destination, with its retry state."""

    __tablename__ = "alert_message"

    id: int | None = Field(default=None, primary_key=True)
    destination_id: int = Field(foreign_key="alert_destination.id", index=True)
    webhook_id: str = Field(max_length=64)  # the event id, or a batch/digest id
    kind: str = Field(max_length=8)  # event | batch | digest
    events: int = 1
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)  # pending | sent | failed
    attempts: int = 0
    created_at: datetime = _time()
    next_attempt_at: datetime = _time()  # also the claim: pushed ahead while a send is in flight
    last_attempt_at: datetime | None = _time(nullable=True)
    sent_at: datetime | None = _time(nullable=True)
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=512)

    __table_args__ = (
        UniqueConstraint("destination_id", "webhook_id", name="uq_message_destination_webhook"),
        Index("ix_message_due", "status", "next_attempt_at"),
    )
