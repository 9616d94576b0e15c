"""Host leases in the store (store.hosts), on SQLite and PostgreSQL: what taking and
letting go of a host writes, apart from any worker (those are in
test_politeness_workers.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from store.db import Database
from store.host_tables import HostLease
from store.hosts import release_hosts, take_hosts
from tests.test_engine import T0


def test_letting_hosts_go_keeps_the_latest_next_request_and_touches_no_other_workers(
    db: Database,
) -> None:
    """A released host keeps the latest next_request_at written (None keeps it as it
    is); a host another worker holds stays as it is."""

    def take(owner: str, *names: str) -> set[str]:
        return db.run(lambda s: take_hosts(s, owner=owner, hosts=names, now=T0, lease_s=60))

    def release(owner: str, times: dict[str, datetime | None]) -> None:
        db.run(lambda s: release_hosts(s, owner=owner, hosts=times))

    def rows() -> dict[str, tuple[str | None, bool, datetime | None]]:
        query = select(HostLease.host, HostLease.lease_owner, HostLease.lease_expires_at,
                       HostLease.next_request_at)  # fmt: skip
        return {
            host: (owner, until is not None, at)
            for host, owner, until, at in db.run(lambda s: list(s.exec(query)))
        }

    later, sooner = T0 + timedelta(seconds=5), T0 + timedelta(seconds=1)
    assert take("w1", "a.example", "b.example", "c.example") == {
        "a.example", "b.example", "c.example"
    }  # fmt: skip
    assert take("w2", "d.example") == {"d.example"}
    release("w1", {"a.example": later, "b.example": None, "d.example": later})
    assert rows() == {
        "a.example": ("w1", False, later),
        "b.example": ("w1", False, None),
        "c.example": ("w1", True, None),  # not let go
        "d.example": ("w2", True, None),  # w2's: w1 cannot let it go
    }
    assert take("w1", "a.example", "b.example") == {"a.example", "b.example"}  # its own
    release("w1", {"a.example": sooner, "b.example": later})
    assert rows()["a.example"] == ("w1", False, later)  # never moved earlier
    assert rows()["b.example"] == ("w1", False, later)
    assert take("w1", "a.example") == {"a.example"}
    release("w1", {"a.example": None})
    assert rows()["a.example"] == ("w1", False, later)
