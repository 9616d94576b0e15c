"""robots.txt (RFC 9309): parse once per host, answer "may we fetch this path?".

The standard library's parser applies the first matching rule; RFC 9309 (and every
large crawler) applies the longest one, which is what sites write their files for
("Disallow: /" then "Allow: /news/"). Parsing is pure; `RobotsCache` keeps one
parsed file per origin for a while and fetches it through a caller-given function.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

# How long a parsed robots.txt is trusted, and how long a failure to get one is.
ROBOTS_TTL_S = 24 * 3600.0
ROBOTS_ERROR_TTL_S = 600.0
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB
_MAX_ORIGINS = 10_000


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str


@dataclass(frozen=True)
class RobotsRules:
    rules: tuple[Rule, ...] = ()

    def allows(self, path: str) -> bool:
        """Longest matching pattern wins; on a tie, Allow wins; no match allows."""
        target = _canonical(path or "/")
        best: Rule | None = None
        for rule in self.rules:
            if not _matches(rule.pattern, target):
                continue
            if (
                best is None
                or len(rule.pattern) > len(best.pattern)
                or (len(rule.pattern) == len(best.pattern) and rule.allow)
            ):
                best = rule
        return best is None or best.allow


ALLOW_ALL = RobotsRules()
DISALLOW_ALL = RobotsRules((Rule(False, "/"),))


def parse_robots(text: str, agent: str) -> RobotsRules:
    """The rules of the group that names `agent` (product token), else of `*`."""
    groups: list[tuple[list[str], list[Rule]]] = []
    current: tuple[list[str], list[Rule]] | None = None
    in_agents = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if current is None or not in_agents:
                current = ([], [])
                groups.append(current)
            current[0].append(value.lower())
            in_agents = True
        elif key in ("allow", "disallow") and current is not None:
            in_agents = False
            if value:  # "Disallow:" with no path allows everything: no rule needed
                current[1].append(Rule(key == "allow", _canonical(value)))
        else:
            in_agents = False
    token = agent.lower()
    mine = [rules for agents, rules in groups if token in agents]
    if not mine:
        mine = [rules for agents, rules in groups if "*" in agents]
    return RobotsRules(tuple(rule for rules in mine for rule in rules))


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


def _canonical(path: str) -> str:
    # Compare decoded paths so "/a%20b" and "/a b" match the same rule; keep %2F distinct.
    return unquote(path.replace("%2F", "%252F").replace("%2f", "%252F"))


@lru_cache(maxsize=4096)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


def _matches(pattern: str, path: str) -> bool:
    if "*" not in pattern and not pattern.endswith("$"):
        return path.startswith(pattern)
    return _pattern_regex(pattern).match(path) is not None
