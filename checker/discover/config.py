"""`[[publications]]` config tables → validated `PublicationSettings`.

Read by checker.settings once, with the rest of the config. Errors name the
publication and the key, in one line (`PublicationConfigError`, which settings turns
into a SettingsError; this module imports nothing of settings, to stay out of a circle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from checker.discover.patterns import PatternError, compile_pattern
from checker.urls import BadUrl, normalize_url

DEFAULT_POLL_INTERVAL_S = 900.0
MIN_POLL_INTERVAL_S = 60.0  # politeness: nobody's feed needs reading more often
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LIST_KEYS = ("feeds", "sitemaps", "include", "exclude")
KNOWN_KEYS = ("name", *_LIST_KEYS, "poll_interval_s")


class PublicationConfigError(ValueError):
    """A `[[publications]]` table is wrong; the message names the publication and key."""


@dataclass(frozen=True)
class PublicationSettings:
    name: str
    feeds: tuple[str, ...] = ()  # RSS / Atom feed URLs
    sitemaps: tuple[str, ...] = ()  # sitemap or sitemap index URLs (.xml or .xml.gz)
    include: tuple[str, ...] = ()  # URL patterns of article pages (see discover.patterns)
    exclude: tuple[str, ...] = ()  # URL patterns never imported
    poll_interval_s: float = DEFAULT_POLL_INTERVAL_S

    def as_dict(self) -> dict[str, Any]:
        return {
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "include": list(self.include),
            "exclude": list(self.exclude),
            "poll_interval_s": self.poll_interval_s,
        }


def parse_publications(tables: Any, where: str) -> tuple[PublicationSettings, ...]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise PublicationConfigError(f"{where}: [[publications]] must be an array of tables")
    parsed: list[PublicationSettings] = []
    for position, table in enumerate(tables, start=1):
        publication = parse_publication(table, f"{where}: [[publications]] #{position}")
        if any(p.name == publication.name for p in parsed):
            raise PublicationConfigError(
                f"{where}: publication {publication.name!r}: name used twice"
            )
        parsed.append(publication)
    return tuple(parsed)


def parse_publication(table: dict[str, Any], where: str) -> PublicationSettings:
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise PublicationConfigError(
            f"{where}: key 'name' must be 1-64 letters, digits, '.', '_' or '-', got {name!r}"
        )
    label = f"{where.split(': [[')[0]}: publication {name!r}"
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        raise PublicationConfigError(
            f"{label}: unknown key {unknown[0]!r} (known: {', '.join(KNOWN_KEYS)})"
        )
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PublicationConfigError(f"{label}: key {key!r} must be a list of strings")
        lists[key] = tuple(value)
    for key in ("feeds", "sitemaps"):
        lists[key] = tuple(_url(u, f"{label}: key {key!r}") for u in lists[key])
    if not lists["feeds"] and not lists["sitemaps"]:
        raise PublicationConfigError(f"{label}: give at least one of 'feeds' or 'sitemaps'")
    for key in ("include", "exclude"):
        for pattern in lists[key]:
            try:
                compile_pattern(pattern)
            except PatternError as exc:
                raise PublicationConfigError(f"{label}: key {key!r}: {exc}") from None
    interval = table.get("poll_interval_s", DEFAULT_POLL_INTERVAL_S)
    if isinstance(interval, bool) or not isinstance(interval, int | float):
        raise PublicationConfigError(f"{label}: key 'poll_interval_s' must be a number")
    if interval < MIN_POLL_INTERVAL_S:
        raise PublicationConfigError(
            f"{label}: key 'poll_interval_s' must be at least {MIN_POLL_INTERVAL_S:.0f} "
            f"seconds, got {interval}"
        )
    return PublicationSettings(name, poll_interval_s=float(interval), **lists)


def _url(raw: str, where: str) -> str:
    try:
        return normalize_url(raw)
    except BadUrl as exc:
        raise PublicationConfigError(f"{where}: {exc}") from None
