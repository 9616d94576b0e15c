"""robots.txt (RFC 9309): parse once per host, answer "may we fetch this path?".

Parsing and matching are Protego's (the parser Scrapy uses: longest match wins, as
RFC 9309 and every large crawler do, with `*` and `$` patterns). Around it we keep
our own policy: what a missing or failing robots.txt means (`rules_for_status`), and
`RobotsCache`, which keeps one parsed file per origin for a while and fetches it
through a caller-given function.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from protego import Protego

# How long a parsed robots.txt is trusted, and how long a failure to get one is.
ROBOTS_TTL_S = 24 * 3600.0
ROBOTS_ERROR_TTL_S = 600.0
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB
_MAX_ORIGINS = 10_000
_ORIGIN = "http://robots.invalid"  # Protego matches URLs; only the path and query count


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one robots.txt, for one user agent (None: no file, allow all)."""

    parsed: Protego | None = None
    agent: str = "*"

    def allows(self, path: str) -> bool:
        if self.parsed is None:
            return True
        return bool(self.parsed.can_fetch(_ORIGIN + (path or "/"), self.agent))


ALLOW_ALL = RobotsRules()


def parse_robots(text: str, agent: str) -> RobotsRules:
    """The rules of the group that names `agent` (product token), else of `*`."""
    return RobotsRules(Protego.parse(text), agent)


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched on ("citecheck/0.1 (...)" → "citecheck")."""
    return re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0] or "*"


def rules_for_status(status: int | None, body: str, agent: str) -> tuple[RobotsRules, float]:
    """What a robots.txt answer means for us, and how long to keep it.

    No file (4xx) means no rules. A server error or no answer also lets us through:
    the fetch of the page itself will meet the same trouble and be judged on it,
    where a guessed "disallow" would hide a dead site behind "cannot verify".
    """
    if status is not None and 200 <= status < 300:
        return parse_robots(body, agent), ROBOTS_TTL_S
    if status is not None and 400 <= status < 500:
        return ALLOW_ALL, ROBOTS_TTL_S
    return ALLOW_ALL, ROBOTS_ERROR_TTL_S


RobotsLoader = Callable[[str], Awaitable[tuple[int | None, str]]]


class RobotsCache:
    """One robots.txt per origin, fetched once however many requests wait for it."""

    def __init__(self, agent: str, load: RobotsLoader, clock: Callable[[], float]) -> None:
        self._agent = agent
        self._load = load
        self._clock = clock
        self._rules: dict[str, tuple[RobotsRules, float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allows(self, origin: str, path: str) -> bool:
        return (await self.rules(origin)).allows(path)

    async def rules(self, origin: str) -> RobotsRules:
        fresh = self._fresh(origin)
        if fresh is not None:
            return fresh
        lock = self._locks.setdefault(origin, asyncio.Lock())
        try:
            async with lock:  # the first caller loads; the others find its answer cached
                fresh = self._fresh(origin)
                if fresh is not None:
                    return fresh
                status, body = await self._load(origin + "/robots.txt")
                rules, ttl = rules_for_status(status, body, self._agent)
                if len(self._rules) >= _MAX_ORIGINS:
                    self._rules.clear()
                self._rules[origin] = (rules, self._clock() + ttl)
                return rules
        finally:
            if not lock.locked():
                self._locks.pop(origin, None)

    def _fresh(self, origin: str) -> RobotsRules | None:
        cached = self._rules.get(origin)
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        return None
