"""Leasing sources host by host, so that politeness holds across worker processes.

Each process spaces its requests to a host with its own gates (checker.fetch.politeness);
two processes would each give a host the full rate. So a worker leases a host before it
leases the host's sources, and one worker at a time holds a host: while it does, only
its gates decide when the host sees a request. When it lets the host go it writes
`next_request_at`, when its gate would next let a request go, and no other worker
starts on the host before then. A crashed worker's host lease expires like its source
leases (`[monitor] lease_s`).

One lease is one transaction: let go of the hosts the worker no longer checks, pick a
bounded window of due sources (walking the due index) on hosts that are free or already
this worker's and not at its per-host cap, lease their hosts in one upsert (on
PostgreSQL, of two workers racing for a host only one gets a row back; SQLite runs one
writer at a time), then lease the sources of the hosts it got.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from store.host_tables import HostLease
from store.sources import leasable, lease_sources
from store.tables import Source
from store.types import UTCDateTime

# How many candidate sources one lease reads, per source wanted: enough that a few busy
# hosts at the head of the queue do not hide the others, bounded whatever the queue.
WINDOW_FACTOR = 4


@dataclass(frozen=True)
class HostLeased:
    sources: dict[int, str]  # leased source id → its host
    # Fewer than asked, yet leasable sources remain, held back by this worker's per-host
    # caps or a host's next_request_at (or beyond the window): asking again may get them.
    held_back: bool = False


def lease_by_host(
    session: Session,
    *,
    owner: str,
    now: datetime,
    limit: int,
    lease_s: float,
    per_host: int,
    in_flight: Mapping[str, int],
    release: Mapping[str, datetime | None] | None = None,
    due_only: bool = True,
    checked_before: datetime | None = None,
) -> HostLeased:
    """Lease up to `limit` sources to `owner`, at most `per_host` in flight per host
    counting the `in_flight` checks it already has; first let go of the `release` hosts
    (host → when the next request may start there, None: unchanged)."""
    if release:
        release_hosts(session, owner=owner, hosts=release)
    room = {host: per_host - n for host, n in in_flight.items()}
    full = sorted(host for host, left in room.items() if left <= 0)
    picked: dict[int, str] = {}
    taken: Counter[str] = Counter()
    for source_id, host in _candidates(
        session, owner, now, limit * WINDOW_FACTOR, full, due_only, checked_before
    ):
        if len(picked) >= limit:
            break
        if taken[host] < room.get(host, per_host):
            picked[source_id] = host
            taken[host] += 1
    granted = take_hosts(session, owner=owner, hosts=set(picked.values()), now=now, lease_s=lease_s)
    wanted = [source_id for source_id, host in picked.items() if host in granted]
    leased: list[int] = []
    if wanted:
        leased = lease_sources(
            session,
            owner=owner,
            now=now,
            limit=len(wanted),
            lease_s=lease_s,
            due_only=due_only,
            checked_before=checked_before,
            source_ids=wanted,
        )
    got = {source_id: picked[source_id] for source_id in leased}
    unused = granted - set(got.values()) - set(in_flight)
    if unused:  # its sources went to another worker meanwhile: let the host go again
        release_hosts(session, owner=owner, hosts=dict.fromkeys(unused))
    held_back = len(got) < limit and _any_held_back(session, owner, now, due_only, checked_before)
    return HostLeased(got, held_back)


def _open_to(owner: str, now: datetime) -> Any:
    """A host row `owner` may lease: its own (held or last held: its gates space the
    requests), or nobody's with its next request allowed by now."""
    free = or_(col(HostLease.lease_expires_at).is_(None), col(HostLease.lease_expires_at) < now)
    rested = or_(col(HostLease.next_request_at).is_(None), col(HostLease.next_request_at) <= now)
    return or_(col(HostLease.lease_owner) == owner, and_(free, rested))


def _candidates(
    session: Session,
    owner: str,
    now: datetime,
    window: int,
    full: list[str],
    due_only: bool,
    checked_before: datetime | None,
) -> list[tuple[int, str]]:
    """The most overdue leasable sources on hosts open to `owner` and not at its cap."""
    stmt = (
        select(Source.id, Source.host)
        .join(HostLease, col(HostLease.host) == col(Source.host), isouter=True)
        .where(*leasable(now, due_only, checked_before))
        .where(or_(col(HostLease.host).is_(None), _open_to(owner, now)))
    )
    if full:
        stmt = stmt.where(col(Source.host).not_in(full))
    stmt = stmt.order_by(col(Source.next_check_at)).limit(window)
    return [(int(source_id), host) for source_id, host in session.exec(stmt) if source_id]


def _any_held_back(
    session: Session, owner: str, now: datetime, due_only: bool, checked_before: datetime | None
) -> bool:
    """Whether a leasable source is left that asking again soon may get: on a host at this
    worker's cap, resting until its next_request_at, or beyond the window. Sources on a
    host another worker holds are not counted: that worker checks them (a burst run stops
    rather than wait for it, a long-running worker waits for its tick)."""
    not_elsewhere = or_(
        col(HostLease.host).is_(None),
        col(HostLease.lease_owner) == owner,
        col(HostLease.lease_expires_at).is_(None),
        col(HostLease.lease_expires_at) < now,
    )
    stmt = (
        select(Source.id)
        .join(HostLease, col(HostLease.host) == col(Source.host), isouter=True)
        .where(*leasable(now, due_only, checked_before), not_elsewhere)
        .limit(1)
    )
    return session.exec(stmt).first() is not None


def take_hosts(
    session: Session, *, owner: str, hosts: Iterable[str], now: datetime, lease_s: float
) -> set[str]:
    """Lease `hosts` to `owner` where they are open to it (creating missing rows); returns
    the hosts it got. One statement, in host order so that racing workers lock rows in the
    same order: `INSERT … ON CONFLICT (host) DO UPDATE … WHERE <open> RETURNING host`."""
    names = sorted(hosts)
    if not names:
        return set()
    table = HostLease.__table__  # type: ignore[attr-defined]
    postgres = session.get_bind().dialect.name == "postgresql"
    until = now + timedelta(seconds=lease_s)
    rows = [{"host": h, "lease_owner": owner, "lease_expires_at": until} for h in names]
    insert = (pg_insert if postgres else sqlite_insert)(table).values(rows)
    upsert = insert.on_conflict_do_update(
        index_elements=[table.c.host],
        set_={
            "lease_owner": insert.excluded.lease_owner,
            "lease_expires_at": insert.excluded.lease_expires_at,
        },
        where=_open_to(owner, now),
    ).returning(table.c.host)
    return {row[0] for row in session.execute(upsert)}


def release_hosts(session: Session, *, owner: str, hosts: Mapping[str, datetime | None]) -> None:
    """Let go of the `hosts` `owner` holds; each maps to when its gate would next let a
    request go there (never moved earlier than a time already recorded; None: unchanged).

    One statement run for every host (executemany), in host order like `take_hosts`, so
    no two workers lock host rows in opposite orders."""
    if not hosts:
        return
    table = HostLease.__table__  # type: ignore[attr-defined]
    at = bindparam("b_at", type_=UTCDateTime())
    latest = func.coalesce(at, table.c.next_request_at)  # None: the time already recorded
    later = or_(table.c.next_request_at.is_(None), table.c.next_request_at < latest)
    stmt = (
        update(table)
        .where(table.c.host == bindparam("b_host"), table.c.lease_owner == owner)
        .values(
            lease_expires_at=None,
            next_request_at=case((later, latest), else_=table.c.next_request_at),
        )
    )
    rows = [{"b_host": host, "b_at": hosts[host]} for host in sorted(hosts)]
    session.connection().execute(stmt, rows)


def renew_hosts(
    session: Session, *, owner: str, hosts: Iterable[str], now: datetime, lease_s: float
) -> int:
    """Heartbeat: extend the host leases `owner` holds on these hosts (those it checks).
    A host it has let go meanwhile (the heartbeat read its hosts before) stays let go."""
    names = sorted(set(hosts))
    if not names:
        return 0
    stmt = (
        update(HostLease)
        .where(
            col(HostLease.host).in_(names),
            col(HostLease.lease_owner) == owner,
            col(HostLease.lease_expires_at).is_not(None),
        )
        .values(lease_expires_at=now + timedelta(seconds=lease_s))
    )
    return int(session.exec(stmt).rowcount)


def held_hosts(session: Session, *, now: datetime) -> dict[str, str]:
    """Hosts under a live lease → their holder (for tests and the curious)."""
    stmt = select(HostLease.host, HostLease.lease_owner).where(
        col(HostLease.lease_expires_at).is_not(None), col(HostLease.lease_expires_at) >= now
    )
    return {host: owner or "" for host, owner in session.exec(stmt)}
