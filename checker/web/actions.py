"""What the pages and the API share: reading queue filters from a query string and
carrying out an editor's action on a flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from checker.model import FlagKind
from store import editing
from store.dashboard import Cursor, QueryError, QueueFilter, open_counts
from store.db import Database
from store.overview import not_confirmed_count

ACTIONS = (*editing.FLAG_ACTIONS, "recheck", "replace")
FLAG_KINDS = tuple(k.value for k in FlagKind)
# The largest id every store can hold: ids are PostgreSQL `integer` columns.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(text: str) -> int | None:
    """An id from a URL, or None: ASCII digits only, and no more than a column holds."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def _int(query: Mapping[str, str], name: str) -> int | None:
    value = query.get(name, "").strip()
    if not value:
        return None
    parsed = parse_id(value)
    if parsed is None:
        raise QueryError(f"{name} must be an id from 1 to {MAX_ID}, got {value[:40]!r}")
    return parsed


def _text(query: Mapping[str, str], name: str, limit: int = 200) -> str | None:
    """A free-text parameter; control characters (a NUL, say) are refused, not passed on."""
    value = query.get(name, "").strip()
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise QueryError(f"{name} must not contain control characters")
    return value[:limit] or None


def _date(query: Mapping[str, str], name: str) -> datetime | None:
    value = query.get(name, "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"{name} must be a date like 2026-01-31, got {value[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def queue_filter(query: Mapping[str, str]) -> tuple[QueueFilter, Cursor | None]:
    kind = query.get("kind", "").strip() or None
    if kind is not None and kind not in FLAG_KINDS:
        raise QueryError(f"kind {kind[:40]!r} is not one of {', '.join(FLAG_KINDS)}")
    until = _date(query, "until")
    if until is not None and len(query.get("until", "").strip()) == 10:
        until += timedelta(days=1)  # a day given as "until" includes that day
    flt = QueueFilter(
        status=_text(query, "status") or "open",
        kind=kind,
        severity=_text(query, "severity"),
        article_id=_int(query, "article"),
        source_id=_int(query, "source"),
        host=_text(query, "domain"),
        opened_from=_date(query, "since"),
        opened_to=until,
        search=_text(query, "q"),
    )
    cursor_text = query.get("cursor", "").strip()
    return flt, (Cursor.decode(cursor_text) if cursor_text else None)


class OpenCounts:
    """Open flags per kind and severity, shown on every queue page: counting 50,000 open
    flags per page view is the queue's most expensive query, so the answer is kept for
    a few seconds (the worker's changes show up within that time) and dropped at once
    when an editor acts through this app."""

    def __init__(self, db: Database, clock: Callable[[], datetime], ttl_s: float = 10.0) -> None:
        self.db, self.clock, self.ttl = db, clock, timedelta(seconds=ttl_s)
        self._value: dict[str, dict[str, int]] | None = None
        self._not_confirmed: int | None = None
        self._at: datetime | None = None

    async def get(self) -> dict[str, dict[str, int]]:
        await self._refresh()
        assert self._value is not None
        return self._value

    async def not_confirmed(self) -> int:
        """Live citations whose claim is not confirmed: counted, never flagged."""
        await self._refresh()
        assert self._not_confirmed is not None
        return self._not_confirmed

    async def _refresh(self) -> None:
        now = self.clock()
        if self._value is None or self._at is None or now - self._at >= self.ttl:
            self._value = await self.db.read(open_counts)
            self._not_confirmed, self._at = await self.db.read(not_confirmed_count), now

    def invalidate(self) -> None:
        self._value = None


@dataclass(frozen=True)
class ActionRequest:
    action: str
    note: str | None = None
    mute_days: float | None = None  # None with "mute": muted for good
    url: str | None = None
    use_archive: bool = False


async def perform(
    db: Database, flag_id: int, req: ActionRequest, *, actor: str, now: datetime
) -> str:
    """Carry out the action; returns a short past-tense phrase for the editor."""
    if req.action not in ACTIONS:
        raise editing.EditInputError(
            f"unknown action {req.action!r}: use one of {', '.join(ACTIONS)}"
        )
    if req.action == "recheck":
        await db.write(lambda s: editing.request_recheck(s, flag_id, actor=actor, now=now))
        return "recheck requested: a worker will check the source shortly"
    if req.action == "replace":
        await db.write(
            lambda s: editing.replace_source(
                s,
                flag_id,
                actor=actor,
                now=now,
                new_url=req.url,
                use_archive=req.use_archive,
                note=req.note,
            )
        )
        return "source replaced; the new source will be checked as the baseline"
    until = None
    if req.action == "mute" and req.mute_days:
        if not 0 < req.mute_days <= 3650:
            raise editing.EditInputError("mute days must be between 0 and 3650")
        until = now + timedelta(days=req.mute_days)
    await db.write(
        lambda s: editing.act_on_flag(
            s, flag_id, req.action, actor=actor, now=now, note=req.note, until=until
        )
    )
    return {
        "acknowledge": "acknowledged",
        "resolve": "resolved",
        "mute": "muted",
        "unmute": "unmuted",
        "false_alarm": "marked as a false alarm",
    }[req.action]
