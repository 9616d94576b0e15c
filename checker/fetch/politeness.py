"""Per-host politeness: how many requests a host sees at once, and how often.

Every request to a host goes through that host's `HostGate`: at most
`per_host_concurrency` in flight, and request starts at least `per_host_delay_s`
apart. After a 429 or 503 the host is left alone for a while (its Retry-After when
short, else an exponential backoff) so one busy site never sees a burst from us.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Hosts whose gates are idle are forgotten once this many are kept.
_MAX_IDLE_GATES = 10_000


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date), None if absent.

    `now` should be the response's Date header when it has one, so a server whose
    clock is off still gets the wait it asked for.
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def response_now(date_header: str | None, fallback: datetime) -> datetime:
    """The server's idea of now (its Date header), else `fallback`."""
    if date_header:
        try:
            when = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            return fallback
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return fallback


class HostGate:
    """Concurrency, spacing and backoff for one host."""

    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(max(1, concurrency))
        self.start_lock = asyncio.Lock()
        self.last_start = float("-inf")
        self.not_before = float("-inf")
        self.failures = 0  # consecutive 429/503 answers
        self.users = 0
        self.previous_sent: asyncio.Event | None = None  # set once the last request left


class HostGates:
    """The gates of all hosts, plus the global concurrency limit.

    A request takes its host slot first, then a global slot, then waits out the
    host's spacing: so a host with a thousand queued URLs holds at most
    `per_host_concurrency` global slots, and the rest go to other hosts.
    """

    def __init__(
        self,
        *,
        concurrency: int,
        per_host_concurrency: int,
        per_host_delay_s: float,
        max_backoff_s: float,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._sleep = sleep
        self._global = asyncio.Semaphore(max(1, concurrency))
        self._per_host = per_host_concurrency
        self._delay = per_host_delay_s
        self._max_backoff = max_backoff_s
        self._clock = clock
        self._gates: dict[str, HostGate] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[Callable[[], None]]:
        """Hold a place to send one request to `host`; entered when it may start.

        Yields `sent`, to call when the request actually leaves (an aiohttp trace hook):
        spacing counts from there, so a request that took long to connect does not let
        the next one reach the host right behind it.
        """
        gate = self._gate(host)
        gate.users += 1
        sent = asyncio.Event()

        def mark_sent() -> None:
            if not sent.is_set():
                gate.last_start = max(gate.last_start, self._clock())
                sent.set()

        try:
            async with gate.slots, self._global:
                async with gate.start_lock:
                    if gate.previous_sent is not None:
                        await gate.previous_sent.wait()
                    while (wait := self._start_at(gate) - self._clock()) > 0:
                        await self._sleep(wait)
                    gate.last_start = self._clock()
                    gate.previous_sent = sent
                try:
                    yield mark_sent
                finally:
                    sent.set()  # also when it never left (refused, timed out connecting)
        finally:
            gate.users -= 1

    def next_start(self, host: str) -> float | None:
        """When (on the clock) the gate would let the next request to `host` start, spacing
        and 429/503 backoff included; None when no request went there lately."""
        gate = self._gates.get(host)
        if gate is None:
            return None
        at = self._start_at(gate)
        return at if at != float("-inf") else None

    def _start_at(self, gate: HostGate) -> float:
        return max(gate.last_start + self._delay, gate.not_before)

    def answered(self, host: str, status: int | None, retry_after_s: float | None) -> None:
        """Record an answer: 429/503 pushes the host's next start back, anything else resets."""
        gate = self._gates.get(host)
        if gate is None:
            return
        if status in (429, 503):
            gate.failures += 1
            backoff = max(self._delay * 2, 1.0) * 2 ** (gate.failures - 1)
            pause = retry_after_s if retry_after_s is not None else backoff
            gate.not_before = self._clock() + min(pause, self._max_backoff)
        elif status is not None:
            gate.failures = 0

    def _gate(self, host: str) -> HostGate:
        gate = self._gates.get(host)
        if gate is None:
            if len(self._gates) >= _MAX_IDLE_GATES:
                self._forget_idle()
            gate = self._gates[host] = HostGate(self._per_host)
        return gate

    def _forget_idle(self) -> None:
        # Only gates whose spacing and backoff are over: forgetting them changes nothing.
        now = self._clock()
        for host, gate in list(self._gates.items()):
            idle = gate.users == 0 and gate.last_start + self._delay <= now
            if idle and gate.not_before <= now:
                del self._gates[host]
