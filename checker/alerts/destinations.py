"""`[[destinations]]` config tables → validated `Destination` values, and who gets what.

Validation errors name the destination and the key, in one line, so a newsroom can fix
its config without reading a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from checker.alert_model import EVENT_TYPES, FORMATS, MODES, Destination
from checker.alerts.signing import SecretError, decode_secret
from checker.model import FlagKind, Severity
from checker.settings import SettingsError

_LIST_KEYS = ("events", "kinds", "url_prefixes", "tags")
_KNOWN = (
    "name",
    "url",
    "format",
    "events",
    "kinds",
    "min_severity",
    "url_prefixes",
    "tags",
    "mode",
    "digest_time",
    "secret",
    "enabled",
)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class DestinationError(SettingsError):
    """A destination's config is wrong; the message names the destination and the key."""


def parse_destinations(tables: Sequence[dict[str, Any]]) -> tuple[Destination, ...]:
    """Validate every table; names must be unique."""
    parsed: list[Destination] = []
    seen: set[str] = set()
    for position, table in enumerate(tables, start=1):
        dest = parse_destination(table, where=f"[[destinations]] #{position}")
        if dest.name in seen:
            raise DestinationError(f"destination {dest.name!r}: name used twice")
        seen.add(dest.name)
        parsed.append(dest)
    return tuple(parsed)


def parse_destination(table: dict[str, Any], *, where: str = "destination") -> Destination:
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise DestinationError(
            f"{where}: key 'name' must be 1-64 letters, digits, '.', '_' or '-', got {name!r}"
        )
    label = f"destination {name!r}"
    unknown = sorted(set(table) - set(_KNOWN))
    if unknown:
        raise DestinationError(
            f"{label}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KNOWN))})"
        )
    for key in _LIST_KEYS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DestinationError(f"{label}: key {key!r} must be a list of strings")
    for key in ("url", "format", "min_severity", "mode", "digest_time", "secret"):
        if key in table and not isinstance(table[key], str):
            raise DestinationError(f"{label}: key {key!r} must be a string")
    if "enabled" in table and not isinstance(table["enabled"], bool):
        raise DestinationError(f"{label}: key 'enabled' must be true or false")

    url = table.get("url", "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationError(f"{label}: key 'url' must be an http(s) URL, got {url!r}")
    fmt = _choice(table, "format", FORMATS, "json", label)
    mode = _choice(table, "mode", MODES, "immediate", label)
    severity = _choice(table, "min_severity", tuple(s.value for s in Severity), "low", label)
    kinds = _subset(table, "kinds", tuple(k.value for k in FlagKind), label)
    events = _subset(table, "events", EVENT_TYPES, label) or EVENT_TYPES
    digest_time = table.get("digest_time", "08:00")
    if not _TIME.match(digest_time):
        raise DestinationError(
            f"{label}: key 'digest_time' must be HH:MM (UTC), got {digest_time!r}"
        )
    secret = table.get("secret", "")
    try:
        decode_secret(secret)
    except SecretError as exc:
        raise DestinationError(f"{label}: key 'secret': {exc}") from None
    for prefix in table.get("url_prefixes", []):
        if not prefix.startswith(("http://", "https://")):
            raise DestinationError(
                f"{label}: key 'url_prefixes' entries must start with http(s)://, got {prefix!r}"
            )
    return Destination(
        name=name,
        url=url,
        format=fmt,
        events=events,
        kinds=kinds,
        min_severity=severity,
        url_prefixes=tuple(table.get("url_prefixes", [])),
        tags=tuple(table.get("tags", [])),
        mode=mode,
        digest_time=digest_time,
        secret=secret,
        enabled=table.get("enabled", True),
    )


def _choice(
    table: dict[str, Any], key: str, allowed: tuple[str, ...], default: str, label: str
) -> str:
    value = table.get(key, default)
    if value not in allowed:
        raise DestinationError(
            f"{label}: key {key!r} must be one of {', '.join(allowed)}, got {value!r}"
        )
    return str(value)


def _subset(
    table: dict[str, Any], key: str, allowed: tuple[str, ...], label: str
) -> tuple[str, ...]:
    values: list[str] = table.get(key, [])
    for value in values:
        if value not in allowed:
            raise DestinationError(
                f"{label}: key {key!r} has unknown value {value!r} (known: {', '.join(allowed)})"
            )
    return tuple(dict.fromkeys(values))


def wants(
    dest: Destination,
    *,
    event_type: str,
    kind: str,
    severity: str,
    article_url: str,
    article_tags: Sequence[str],
) -> bool:
    """Whether this destination subscribes to this event (type, kind, severity, article)."""
    if not dest.enabled or event_type not in dest.events:
        return False
    if dest.kinds and kind not in dest.kinds:
        return False
    try:
        if Severity(severity).rank < Severity(dest.min_severity).rank:
            return False
    except ValueError:
        return False
    if dest.url_prefixes and not any(article_url.startswith(p) for p in dest.url_prefixes):
        return False
    return not dest.tags or bool(set(dest.tags) & set(article_tags))
