"""Worker heartbeats: which monitoring processes are alive, and what they are doing.

Every worker upserts its row on each heartbeat; the dashboard lists them and
`citecheck worker --check` (a process supervisor's health probe) reads them. A row
whose heartbeat is older than the lease time belongs to a dead worker: its leases
expire on their own, the row only tells people what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Field, Session, SQLModel, col, select

from store.types import UTCDateTime


class WorkerBeat(SQLModel, table=True):
    __tablename__ = "worker_beat"

    name: str = Field(primary_key=True, max_length=128)  # host:pid[:n], the lease owner
    host: str = Field(max_length=255, index=True)
    pid: int = 0
    mode: str = Field(default="worker", max_length=16)  # worker | serve | once
    started_at: datetime = Field(sa_type=UTCDateTime)
    beat_at: datetime = Field(sa_type=UTCDateTime)
    stopped_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    in_flight: int = 0
    checked: int = 0
    failed: int = 0


@dataclass(frozen=True)
class WorkerStatus:
    """One heartbeat row, as plain data."""

    name: str
    host: str
    pid: int
    mode: str
    started_at: datetime
    beat_at: datetime
    stopped_at: datetime | None
    in_flight: int
    checked: int
    failed: int

    def alive(self, now: datetime, stale_after_s: float) -> bool:
        return self.stopped_at is None and now - self.beat_at <= timedelta(seconds=stale_after_s)


def record_beat(
    session: Session,
    *,
    name: str,
    host: str,
    pid: int,
    mode: str,
    started_at: datetime,
    now: datetime,
    in_flight: int,
    checked: int,
    failed: int,
    stopped: bool = False,
) -> None:
    row = session.get(WorkerBeat, name)
    if row is None:
        row = WorkerBeat(name=name, host=host, pid=pid, started_at=started_at, beat_at=now)
        session.add(row)
    row.mode, row.beat_at = mode, now
    row.in_flight, row.checked, row.failed = in_flight, checked, failed
    row.stopped_at = now if stopped else None


def list_workers(session: Session, *, host: str | None = None) -> list[WorkerStatus]:
    stmt = select(WorkerBeat).order_by(col(WorkerBeat.beat_at).desc())
    if host is not None:
        stmt = stmt.where(col(WorkerBeat.host) == host)
    return [
        WorkerStatus(
            r.name,
            r.host,
            r.pid,
            r.mode,
            r.started_at,
            r.beat_at,
            r.stopped_at,
            r.in_flight,
            r.checked,
            r.failed,
        )
        for r in session.exec(stmt)
    ]


def forget_workers(session: Session, *, silent_since: datetime) -> int:
    """Drop rows of workers not heard from since `silent_since` (housekeeping)."""
    stmt = delete(WorkerBeat).where(col(WorkerBeat.beat_at) < silent_since)
    return int(session.exec(stmt).rowcount)
