"""Host leases: which worker may send requests to a host, and from when another may.

Politeness (`[fetch] per_host_delay_s`, `per_host_concurrency`) is enforced by each
process's own host gates; the gates of two processes know nothing of each other. A host
lease makes one worker at a time the only one checking a host, so its gates hold for
every process sharing the database. The logic lives in `store.hosts`.

A row outlives its lease: with `lease_expires_at` NULL the host is free, `lease_owner`
names the worker that last held it (its own gates still space its requests, so it may
take the host back at once) and `next_request_at` says when anyone else may start.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from store.types import UTCDateTime


class HostLease(SQLModel, table=True):
    __tablename__ = "host_lease"

    host: str = Field(primary_key=True, max_length=255)  # Source.host: name without port
    lease_owner: str | None = Field(default=None, max_length=128)  # holder, or last holder
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    # the holder's gate's next allowed request start, written when it lets the host go
    next_request_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
