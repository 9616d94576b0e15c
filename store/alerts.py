"""Alert destinations and delivery status: what the CLI and the dashboard read and manage.

For the dashboard:
- `list_destinations(session)` → one dict per destination, with its delivery health
  (pending / failing / failed messages, last error, last success);
- `list_messages(session, status=..., destination=..., limit=...)` → recent messages;
- `save_destination(session, dest, origin="dashboard", now=...)` adds or edits one
  (validate first with checker.alerts.destinations.parse_destination);
- `set_destination_enabled(session, name, enabled, now=...)` re-enables one that a 410
  disabled, or pauses one; `delete_destination(session, name)` removes it and its history.
Config destinations are synced at dispatcher start by `sync_config_destinations`; a
destination added on the dashboard is never touched by that sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from checker.alert_model import EVENT_TYPES, Destination
from checker.urls import origin_only
from store.alert_tables import AlertDelivery, AlertDestination, AlertMessage

REMOVED_FROM_CONFIG = "removed from config"
DISABLED_IN_CONFIG = "disabled in config"
GONE = "receiver answered 410 Gone"


def destination_value(row: AlertDestination) -> Destination:
    return Destination(
        name=row.name,
        url=row.url,
        format=row.format,
        events=tuple(row.events) or EVENT_TYPES,
        kinds=tuple(row.kinds),
        min_severity=row.min_severity,
        url_prefixes=tuple(row.url_prefixes),
        tags=tuple(row.tags),
        mode=row.mode,
        digest_time=row.digest_time,
        secret=row.secret,
        enabled=row.enabled,
    )


def _apply(row: AlertDestination, dest: Destination, now: datetime) -> None:
    row.url, row.format, row.mode, row.digest_time = (
        dest.url,
        dest.format,
        dest.mode,
        dest.digest_time,
    )
    row.events, row.kinds = list(dest.events), list(dest.kinds)
    row.min_severity, row.secret = dest.min_severity, dest.secret
    row.url_prefixes, row.tags = list(dest.url_prefixes), list(dest.tags)
    row.updated_at = now


def _find(session: Session, name: str) -> AlertDestination | None:
    stmt = select(AlertDestination).where(col(AlertDestination.name) == name)
    return session.execute(stmt).scalar_one_or_none()


def save_destination(
    session: Session, dest: Destination, *, origin: str = "dashboard", now: datetime
) -> int:
    """Insert or update by name; returns the id. A changed URL re-enables a 410'd one."""
    row = _find(session, dest.name)
    if row is None:
        row = AlertDestination(name=dest.name, url=dest.url, origin=origin, created_at=now)
        session.add(row)
    elif row.url != dest.url and row.disabled_reason == GONE:
        row.enabled, row.disabled_reason, row.disabled_at = True, None, None
    row.origin = origin
    _apply(row, dest, now)
    if not dest.enabled:
        row.enabled, row.disabled_reason, row.disabled_at = False, DISABLED_IN_CONFIG, now
    elif row.disabled_reason in (DISABLED_IN_CONFIG, REMOVED_FROM_CONFIG):
        row.enabled, row.disabled_reason, row.disabled_at = True, None, None
    session.flush()
    assert row.id is not None
    return row.id


def sync_config_destinations(session: Session, dests: Sequence[Destination], now: datetime) -> None:
    """Make the config's destinations current; config ones no longer listed are disabled."""
    for dest in dests:
        save_destination(session, dest, origin="config", now=now)
    names = {d.name for d in dests}
    stale = select(AlertDestination).where(
        col(AlertDestination.origin) == "config",
        col(AlertDestination.name).not_in(names),
    )
    for row in session.execute(stale).scalars():
        if row.enabled:
            row.enabled, row.disabled_reason, row.disabled_at = False, REMOVED_FROM_CONFIG, now
            row.updated_at = now


def set_destination_enabled(
    session: Session, name: str, enabled: bool, *, now: datetime, reason: str | None = None
) -> bool:
    """False if there is no such destination."""
    row = _find(session, name)
    if row is None:
        return False
    row.enabled = enabled
    row.disabled_reason = None if enabled else (reason or "disabled by an editor")
    row.disabled_at = None if enabled else now
    row.updated_at = now
    return True


def delete_destination(session: Session, name: str) -> bool:
    row = _find(session, name)
    if row is None:
        return False
    session.execute(delete(AlertDelivery).where(col(AlertDelivery.destination_id) == row.id))
    session.execute(delete(AlertMessage).where(col(AlertMessage.destination_id) == row.id))
    session.delete(row)
    return True


def get_destination(session: Session, name: str) -> tuple[int, Destination] | None:
    row = _find(session, name)
    return None if row is None or row.id is None else (row.id, destination_value(row))


def list_destinations(session: Session) -> list[dict[str, Any]]:
    counts: dict[tuple[int, str], int] = {}
    stmt = select(
        col(AlertMessage.destination_id), col(AlertMessage.status), func.count()
    ).group_by(col(AlertMessage.destination_id), col(AlertMessage.status))
    for dest_id, status, n in session.execute(stmt):
        counts[(dest_id, status)] = int(n)
    failing_stmt = (
        select(col(AlertMessage.destination_id), func.count())
        .where(col(AlertMessage.status) == "pending", col(AlertMessage.attempts) > 0)
        .group_by(col(AlertMessage.destination_id))
    )
    failing = {dest_id: int(n) for dest_id, n in session.execute(failing_stmt)}
    pending_stmt = (
        select(col(AlertDelivery.destination_id), func.count())
        .where(col(AlertDelivery.status) == "pending")
        .group_by(col(AlertDelivery.destination_id))
    )
    waiting = {dest_id: int(n) for dest_id, n in session.execute(pending_stmt)}
    rows = session.execute(select(AlertDestination).order_by(col(AlertDestination.name))).scalars()
    out = []
    for row in rows:
        assert row.id is not None
        last = session.execute(
            select(
                col(AlertMessage.last_status),
                col(AlertMessage.last_error),
                col(AlertMessage.last_attempt_at),
            )
            .where(
                col(AlertMessage.destination_id) == row.id,
                col(AlertMessage.last_attempt_at).is_not(None),
            )
            .order_by(col(AlertMessage.last_attempt_at).desc())
            .limit(1)
        ).first()
        last_sent = session.execute(
            select(func.max(col(AlertMessage.sent_at))).where(
                col(AlertMessage.destination_id) == row.id
            )
        ).scalar_one()
        out.append(
            {
                "name": row.name,
                "url": origin_only(row.url),  # the whole URL is a credential: set, never shown
                "format": row.format,
                "mode": row.mode,
                "origin": row.origin,
                "enabled": row.enabled,
                "disabled_reason": row.disabled_reason,
                "waiting_events": waiting.get(row.id, 0),
                "pending_messages": counts.get((row.id, "pending"), 0),
                "failing_messages": failing.get(row.id, 0),
                "failed_messages": counts.get((row.id, "failed"), 0),
                "sent_messages": counts.get((row.id, "sent"), 0),
                "last_status": last[0] if last else None,
                "last_error": last[1] if last else None,
                "last_attempt_at": _iso(last[2]) if last else None,
                "last_sent_at": _iso(last_sent),
            }
        )
    return out


def list_messages(
    session: Session,
    *,
    status: str | None = None,
    destination: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Newest first. status: pending | sent | failed | failing (pending after a failure)."""
    stmt = select(AlertMessage, col(AlertDestination.name)).join(
        AlertDestination,
        col(AlertDestination.id) == col(AlertMessage.destination_id),
    )
    if status == "failing":
        stmt = stmt.where(col(AlertMessage.status) == "pending", col(AlertMessage.attempts) > 0)
    elif status:
        stmt = stmt.where(col(AlertMessage.status) == status)
    if destination:
        stmt = stmt.where(col(AlertDestination.name) == destination)
    stmt = stmt.order_by(col(AlertMessage.id).desc()).limit(limit)
    return [
        {
            "id": msg.id,
            "destination": name,
            "webhook_id": msg.webhook_id,
            "kind": msg.kind,
            "events": msg.events,
            "status": msg.status,
            "attempts": msg.attempts,
            "created_at": _iso(msg.created_at),
            "next_attempt_at": _iso(msg.next_attempt_at) if msg.status == "pending" else None,
            "sent_at": _iso(msg.sent_at),
            "last_status": msg.last_status,
            "last_error": msg.last_error,
        }
        for msg, name in session.execute(stmt)
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None
