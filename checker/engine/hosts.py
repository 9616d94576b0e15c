"""The engine's side of host leases (store.hosts): which hosts its checks are on, which
host leases it holds, and what to tell other workers when it lets a host go.

A `CheckRun` keeps one `HostSlots`: a host per running check, so a lease can skip hosts
at `[fetch] per_host_concurrency` and take no more than the room left on the others;
and the hosts leased to it, so that those with no check left in flight are let go in
its next lease (or when it drains), with the time its own gate would next let a request
go there.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

# How long a worker with nothing it may lease waits before asking again, in seconds:
# another worker may let a host go, or a host's next_request_at may come, meanwhile.
HOST_POLL_S = 0.25


@dataclass
class HostSlots:
    by_source: dict[int, str] = field(default_factory=dict)  # running check → its host
    held: set[str] = field(default_factory=set)  # hosts leased to this worker
    held_back: bool = False  # the last lease left due sources that caps or hosts held back

    def started(self, source_id: int, host: str) -> None:
        self.by_source[source_id] = host
        self.held.add(host)

    def finished(self, source_id: int) -> None:
        self.by_source.pop(source_id, None)

    def in_flight(self) -> Counter[str]:
        return Counter(self.by_source.values())

    def idle(self) -> list[str]:
        """Hosts held with no check in flight: to let go."""
        return sorted(self.held - set(self.by_source.values()))

    def let_go(self, hosts: list[str]) -> None:
        self.held.difference_update(hosts)


def next_requests(checker: object, hosts: list[str], now: datetime) -> dict[str, datetime | None]:
    """When each host may next see a request, by the checker's fetcher (a stand-in
    pipeline has none: None, the host is free at once)."""
    fetcher = getattr(checker, "fetcher", None)
    when = getattr(fetcher, "next_request_at", None)
    return {host: when(host, now) if when is not None else None for host in hosts}


async def wait_a_little(slot_freed: asyncio.Event | None, poll_s: float = HOST_POLL_S) -> None:
    """Wait until a check finishes (its slot and host room are free) or `poll_s` passed,
    whichever comes first: never a busy loop, never long past a host coming free."""
    if slot_freed is None:
        await asyncio.sleep(poll_s)
        return
    slot_freed.clear()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(slot_freed.wait(), poll_s)
