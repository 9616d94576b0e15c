"""Sending side of the alert store: claim due messages, record what the receiver said.

A message is claimed by pushing its next attempt past the request timeout (with its
attempt counted), so two dispatchers never send it at once and a dispatcher that dies
mid-send only delays it: after the claim expires it is resent with the same webhook-id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from store.alert_tables import AlertDestination, AlertMessage
from store.alerts import GONE


@dataclass(frozen=True)
class OutgoingMessage:
    id: int
    webhook_id: str
    body: str
    attempts: int  # including the one about to be made
    destination_id: int
    destination: str
    url: str
    secret: str


def claim_due(
    session: Session, now: datetime, *, lease_s: float, limit: int
) -> list[OutgoingMessage]:
    """Due messages of enabled destinations, pushed `lease_s` ahead while we send them."""
    m, d = AlertMessage, AlertDestination
    stmt = (
        select(
            col(m.id),
            col(m.webhook_id),
            col(m.body),
            col(m.attempts),
            col(d.id),
            col(d.name),
            col(d.url),
            col(d.secret),
        )
        .join(d, col(d.id) == col(m.destination_id))
        .where(col(m.status) == "pending", col(m.next_attempt_at) <= now, col(d.enabled).is_(True))
        .order_by(col(m.next_attempt_at), col(m.id))
        .limit(limit)
        .with_for_update(of=m, skip_locked=True)
    )
    claimed = [
        OutgoingMessage(pk, webhook_id, body, attempts + 1, dest_id, name, url, secret)
        for pk, webhook_id, body, attempts, dest_id, name, url, secret in session.execute(stmt)
    ]
    if claimed:
        until = now + timedelta(seconds=lease_s)
        session.execute(
            update(m)
            .where(col(m.id).in_([c.id for c in claimed]))
            .values(attempts=col(m.attempts) + 1, next_attempt_at=until, last_attempt_at=now)
        )
    return claimed


@dataclass(frozen=True)
class AttemptResult:
    message_id: int
    destination_id: int
    ok: bool
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds, from the receiver's Retry-After


@dataclass
class RecordedAttempts:
    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    disabled: tuple[int, ...] = ()


def record_attempts(
    session: Session,
    results: Sequence[AttemptResult],
    now: datetime,
    *,
    max_attempts: int,
    retry_delay_s: Callable[[int, float | None], float],
) -> RecordedAttempts:
    """Record a batch of delivery attempts; `retry_delay_s(attempts made, Retry-After)`
    is the sender's backoff policy, in seconds."""
    out = RecordedAttempts()
    by_status: dict[int | None, list[int]] = {}
    for result in results:
        if result.ok:
            by_status.setdefault(result.status, []).append(result.message_id)
    for status, ids in by_status.items():  # one UPDATE per status code (almost always 200)
        session.execute(
            update(AlertMessage)
            .where(col(AlertMessage.id).in_(ids))
            .values(status="sent", sent_at=now, last_status=status, last_error=None)
        )
        out.sent += len(ids)
    gone: set[int] = set()
    failures = [r for r in results if not r.ok]
    attempts = _attempts_made(session, [r.message_id for r in failures])
    changes: list[dict[str, Any]] = []
    for result in failures:
        if result.message_id not in attempts:
            continue
        change: dict[str, Any] = {
            "id": result.message_id,
            "last_status": result.status,
            "last_error": (result.error or "")[:512],
        }
        if result.status == 410:
            gone.add(result.destination_id)
            change["status"] = "failed"
            out.given_up += 1
        elif attempts[result.message_id] >= max_attempts:
            change["status"] = "failed"
            out.given_up += 1
        else:
            delay = retry_delay_s(attempts[result.message_id], result.retry_after)
            change["next_attempt_at"] = now + timedelta(seconds=delay)
            out.retrying += 1
        changes.append(change)
    # bulk UPDATE by primary key wants the same keys in every row: one batch per shape
    for keys in {tuple(sorted(c)) for c in changes}:
        session.execute(update(AlertMessage), [c for c in changes if tuple(sorted(c)) == keys])
    for dest_id in gone:
        dest = session.get(AlertDestination, dest_id)
        if dest is not None and dest.enabled:
            dest.enabled, dest.disabled_reason, dest.disabled_at = False, GONE, now
            dest.updated_at = now
    out.disabled = tuple(sorted(gone))
    return out


def _attempts_made(session: Session, message_ids: list[int]) -> dict[int, int]:
    if not message_ids:
        return {}
    stmt = select(col(AlertMessage.id), col(AlertMessage.attempts)).where(
        col(AlertMessage.id).in_(message_ids)
    )
    return {pk: n for pk, n in session.execute(stmt)}
