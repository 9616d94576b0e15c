"""Composing side of the alert store: fan events out to destinations, gather the groups
that are due, save composed messages (sending is in store/alert_attempts.py). Each
function runs in the caller's transaction; the dispatcher calls them through `db.write`.

Exactly-once towards a receiver is impossible over HTTP; what holds is: no event is lost
(an event is marked dispatched in the transaction that creates its deliveries; a message
is stored with its id and body before its first attempt) and every retry reuses the
message's webhook-id and body, so the receiver can de-duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from checker.alert_model import AlertFacts, Destination, Rendered
from store.alert_tables import AlertDelivery, AlertDestination, AlertMessage
from store.alerts import destination_value
from store.tables import AlertEvent, Article, Citation, Flag, Source


def enabled_destinations(session: Session) -> list[tuple[int, Destination]]:
    rows = session.execute(
        select(AlertDestination).where(col(AlertDestination.enabled).is_(True))
    ).scalars()
    return [(row.id, destination_value(row)) for row in rows if row.id is not None]


@dataclass(frozen=True)
class OutboxEvent:
    """What routing an event to destinations may look at."""

    type: str
    kind: str
    severity: str
    created_at: datetime
    article_url: str
    article_tags: tuple[str, ...]


# The sender's routing policy: when this destination should get this event, or None
# when it does not subscribe to it (checker.alerts.dispatcher provides it).
Route = Callable[[Destination, OutboxEvent], datetime | None]


def fan_out(session: Session, now: datetime, *, route: Route, limit: int) -> tuple[int, int]:
    """Turn undispatched outbox events into deliveries; returns (events, deliveries)."""
    stmt = (
        select(
            col(AlertEvent.id),
            col(AlertEvent.type),
            col(AlertEvent.created_at),
            col(AlertEvent.payload),
            col(Article.url),
            col(Article.tags),
        )
        .join(Flag, col(Flag.id) == col(AlertEvent.flag_id))
        .join(Article, col(Article.id) == col(Flag.article_id))
        .where(col(AlertEvent.dispatched_at).is_(None))
        .order_by(col(AlertEvent.id))
        .limit(limit)
        .with_for_update(of=AlertEvent, skip_locked=True)
    )
    events = session.execute(stmt).all()
    if not events:
        return 0, 0
    dests = enabled_destinations(session)
    rows: list[dict[str, Any]] = []
    for event_pk, event_type, created_at, payload, article_url, tags in events:
        event = OutboxEvent(
            type=event_type,
            kind=str(payload.get("kind", "")),
            severity=str(payload.get("severity", "")),
            created_at=created_at,
            article_url=article_url,
            article_tags=tuple(tags or ()),
        )
        for dest_id, dest in dests:
            due = route(dest, event)
            if due is not None:
                rows.append(
                    {
                        "event_id": event_pk,
                        "destination_id": dest_id,
                        "created_at": created_at,
                        "due_at": due,
                        "status": "pending",
                    }
                )
    if rows:
        session.execute(insert(AlertDelivery), rows)
    ids = [e[0] for e in events]
    session.execute(update(AlertEvent).where(col(AlertEvent.id).in_(ids)).values(dispatched_at=now))
    return len(events), len(rows)


@dataclass(frozen=True)
class PendingGroup:
    """Deliveries of one destination to go out as one message (before suppression)."""

    destination_id: int
    destination: Destination
    items: tuple[tuple[int, AlertFacts], ...]  # (delivery id, facts), oldest first
    alerted_flags: frozenset[int]  # flags this destination was already told about


def pending_groups(
    session: Session, now: datetime, *, window_s: float, max_group: int, limit: int
) -> list[PendingGroup]:
    """Groups that are due: a destination's whole burst once its oldest delivery is due
    (immediate mode), each delivery alone when window_s is 0, everything due (digests)."""
    due_dests = session.execute(
        select(col(AlertDelivery.destination_id))
        .where(col(AlertDelivery.status) == "pending", col(AlertDelivery.due_at) <= now)
        .distinct()
    ).scalars()
    enabled = dict(enabled_destinations(session))
    groups: list[PendingGroup] = []
    for dest_id in sorted(set(due_dests)):
        dest = enabled.get(dest_id)
        if dest is None:
            continue  # paused or disabled: its deliveries wait
        alone = dest.mode == "immediate" and window_s <= 0
        cap = limit if alone else max_group
        rows = _pending_facts(session, dest_id, None if dest.mode == "immediate" else now, cap)
        if not rows:
            continue
        alerted = _alerted_flags(session, dest_id, {f.flag_id for _, f in rows})
        chunks = [[r] for r in rows] if alone else [rows]
        groups.extend(PendingGroup(dest_id, dest, tuple(c), alerted) for c in chunks)
        limit -= len(rows)
        if limit <= 0:
            break
    return groups


# Columns read for each pending delivery (plain columns: loading ORM objects costs 3x).
_FACT_COLUMNS = (
    col(AlertDelivery.id), col(AlertEvent.event_id), col(AlertEvent.type),
    col(AlertEvent.created_at), col(Flag.id), col(Flag.kind), col(Flag.severity),
    col(Flag.status), col(Flag.opened_at), col(Flag.resolved_at), col(Flag.resolved_by),
    col(Article.id), col(Article.url), col(Article.title), col(Article.tags),
    col(Citation.id), col(Citation.ref), col(Citation.claim), col(Citation.quote),
    col(Source.id), col(Source.url), col(Flag.detail),
)  # fmt: skip


def _pending_facts(
    session: Session, dest_id: int, due_by: datetime | None, limit: int
) -> list[tuple[int, AlertFacts]]:
    stmt = (
        select(*_FACT_COLUMNS)
        .select_from(AlertDelivery)
        .join(AlertEvent, col(AlertEvent.id) == col(AlertDelivery.event_id))
        .join(Flag, col(Flag.id) == col(AlertEvent.flag_id))
        .join(Article, col(Article.id) == col(Flag.article_id))
        .join(Citation, col(Citation.id) == col(Flag.citation_id))
        .join(Source, col(Source.id) == col(Flag.source_id))
        .where(col(AlertDelivery.destination_id) == dest_id, col(AlertDelivery.status) == "pending")
        .order_by(col(AlertDelivery.created_at), col(AlertDelivery.id))
        .limit(limit)
        .with_for_update(of=AlertDelivery, skip_locked=True)
    )
    if due_by is not None:
        stmt = stmt.where(col(AlertDelivery.due_at) <= due_by)
    out = []
    for row in session.execute(stmt):
        (delivery_id, event_id, event_type, created_at, flag_id, kind, severity, status,
         opened_at, resolved_at, resolved_by, article_id, article_url, title, tags,
         citation_id, ref, claim, quote, source_id, source_url, detail) = row  # fmt: skip
        facts = AlertFacts(
            event_id=event_id, event_type=event_type, created_at=created_at, flag_id=flag_id,
            kind=kind, severity=severity, status=status, opened_at=opened_at,
            resolved_at=resolved_at, resolved_by=resolved_by, article_id=article_id,
            article_url=article_url, article_title=title, article_tags=tuple(tags or ()),
            citation_id=citation_id, citation_ref=ref, claim=claim, quote=quote,
            source_id=source_id, source_url=source_url, detail=dict(detail or {}),
        )  # fmt: skip
        out.append((delivery_id, facts))
    return out


def _alerted_flags(session: Session, dest_id: int, flag_ids: set[int]) -> frozenset[int]:
    stmt = (
        select(col(AlertEvent.flag_id))
        .join(AlertDelivery, col(AlertDelivery.event_id) == col(AlertEvent.id))
        .where(
            col(AlertDelivery.destination_id) == dest_id,
            col(AlertDelivery.status) == "queued",
            col(AlertEvent.type).in_(("flag.opened", "flag.escalated")),
            col(AlertEvent.flag_id).in_(flag_ids),
        )
        .distinct()
    )
    return frozenset(session.execute(stmt).scalars())


@dataclass(frozen=True)
class Composed:
    """What became of one pending group: the message to send (if any) and what was dropped."""

    group: PendingGroup
    rendered: Rendered | None
    dropped: tuple[tuple[str, str], ...]  # (event id, reason)


def save_messages(session: Session, composed: Sequence[Composed], now: datetime) -> None:
    """Store the composed messages and settle their deliveries, in bulk statements."""
    rows = [
        {
            "destination_id": c.group.destination_id,
            "webhook_id": c.rendered.message_id,
            "kind": c.rendered.kind,
            "events": len(c.rendered.event_ids),
            "body": c.rendered.body,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        for c in composed
        if c.rendered is not None
    ]
    ids: dict[tuple[int, str], int] = {}
    if rows:
        stmt = insert(AlertMessage).returning(
            col(AlertMessage.id), col(AlertMessage.destination_id), col(AlertMessage.webhook_id)
        )
        for pk, dest_id, webhook_id in session.execute(stmt, rows):
            ids[(dest_id, webhook_id)] = pk
    settled: list[dict[str, Any]] = []
    for c in composed:
        by_event = {facts.event_id: delivery_id for delivery_id, facts in c.group.items}
        if c.rendered is not None:
            message_pk = ids[(c.group.destination_id, c.rendered.message_id)]
            settled.extend(
                {"id": by_event[e], "status": "queued", "message_id": message_pk, "reason": None}
                for e in c.rendered.event_ids
            )
        settled.extend(
            {"id": by_event[e], "status": "suppressed", "message_id": None, "reason": reason}
            for e, reason in c.dropped
        )
    if settled:  # bulk UPDATE by primary key
        session.execute(update(AlertDelivery), settled)
