"""The flags queue behind the dashboard and the API: filters, keyset pages, counts.

The queue pages with a keyset (severity, opened_at, id), never OFFSET: page 1000 costs
what page 1 costs. Severity is ordered high → medium → low by walking the three
severities in turn, so each step is an index range scan on ix_flag_open_queue.
Rows come back as plain dicts (datetimes kept), ready for a template or for JSON.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, tuple_
from sqlmodel import Session, col

from store.tables import FLAG_STATUSES, Article, Citation, Flag, Source

SEVERITIES = ("high", "medium", "low")
QUEUE_STATUSES = ("open", *FLAG_STATUSES, "all")  # "open": not resolved yet


class QueryError(ValueError):
    """A filter or cursor that makes no sense; the message names the parameter."""


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"
    kind: str | None = None
    severity: str | None = None
    article_id: int | None = None
    source_id: int | None = None
    host: str | None = None  # source domain, with or without www.
    opened_from: datetime | None = None
    opened_to: datetime | None = None
    search: str | None = None  # words in the claim, the article title or either URL


@dataclass(frozen=True)
class Cursor:
    severity: str
    opened_at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.severity}|{self.opened_at.isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            severity, opened, ident = raw.split("|")
            at = datetime.fromisoformat(opened)
            if severity not in SEVERITIES or at.tzinfo is None:
                raise ValueError(raw)
            return cls(severity, at.astimezone(UTC), int(ident))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise QueryError(
                f"cursor {token[:40]!r} is not valid: start from the first page"
            ) from None


@dataclass(frozen=True)
class QueuePage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def flag_queue(
    session: Session, flt: QueueFilter, *, after: Cursor | None = None, limit: int = 50
) -> QueuePage:
    if flt.status not in QUEUE_STATUSES:
        raise QueryError(f"status {flt.status!r} is not one of {', '.join(QUEUE_STATUSES)}")
    if flt.severity is not None and flt.severity not in SEVERITIES:
        raise QueryError(f"severity {flt.severity!r} is not one of {', '.join(SEVERITIES)}")
    severities = [s for s in SEVERITIES if flt.severity in (None, s)]
    if after is not None:
        severities = (
            severities[severities.index(after.severity) :] if (after.severity in severities) else []
        )
    rows: list[dict[str, Any]] = []
    for severity in severities:
        stmt = queue_select(flt).where(col(Flag.severity) == severity)
        if after is not None and after.severity == severity:
            stmt = stmt.where(
                tuple_(col(Flag.opened_at), col(Flag.id)) > tuple_(after.opened_at, after.id)
            )
        stmt = stmt.order_by(col(Flag.opened_at), col(Flag.id)).limit(limit + 1 - len(rows))
        rows += [_queue_row(r) for r in session.execute(stmt)]
        if len(rows) > limit:
            break
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = Cursor(last["severity"], last["opened_at"], last["id"]).encode()
    return QueuePage(rows, next_cursor)


def queue_select(flt: QueueFilter) -> Select[*tuple[Any, ...]]:
    """Flags with their claim, ref, article title and URL, source URL and host, filtered."""
    stmt: Select[*tuple[Any, ...]] = (
        select(
            Flag,
            col(Citation.claim),
            col(Citation.ref),
            col(Article.title),
            col(Article.url),
            col(Source.url),
            col(Source.host),
        )
        .join(Citation, col(Citation.id) == col(Flag.citation_id))
        .join(Article, col(Article.id) == col(Flag.article_id))
        .join(Source, col(Source.id) == col(Flag.source_id))
    )
    if flt.status == "open":
        stmt = stmt.where(col(Flag.resolved_at).is_(None))
    elif flt.status != "all":
        stmt = stmt.where(col(Flag.status) == flt.status)
    if flt.kind:
        stmt = stmt.where(col(Flag.kind) == flt.kind)
    if flt.article_id is not None:
        stmt = stmt.where(col(Flag.article_id) == flt.article_id)
    if flt.source_id is not None:
        stmt = stmt.where(col(Flag.source_id) == flt.source_id)
    if flt.host:
        # Exact host (with or without "www."): an index lookup on source.host that then
        # drives the flags; a suffix match would scan every source.
        host = flt.host.strip().lower().removeprefix("www.")
        hosts = select(col(Source.id)).where(col(Source.host).in_([host, f"www.{host}"]))
        stmt = stmt.where(col(Flag.source_id).in_(hosts))
    if flt.opened_from is not None:
        stmt = stmt.where(col(Flag.opened_at) >= flt.opened_from)
    if flt.opened_to is not None:
        stmt = stmt.where(col(Flag.opened_at) < flt.opened_to)
    if flt.search and flt.search.strip():
        needle = flt.search.strip()
        stmt = stmt.where(
            or_(
                *(
                    col.icontains(needle, autoescape=True)
                    for col in (
                        col(Citation.claim),
                        col(Article.title),
                        col(Article.url),
                        col(Source.url),
                    )
                )
            )
        )
    return stmt


def _queue_row(row: Any) -> dict[str, Any]:
    flag, claim, ref, title, article_url, source_url, host = row
    return {
        "id": flag.id,
        "kind": flag.kind,
        "severity": flag.severity,
        "status": flag.status,
        "summary": flag_summary(flag.kind, flag.detail),
        "opened_at": flag.opened_at,
        "updated_at": flag.updated_at,
        "resolved_at": flag.resolved_at,
        "resolved_by": flag.resolved_by,
        "muted_until": flag.muted_until,
        "article_id": flag.article_id,
        "article_title": title,
        "article_url": article_url,
        "source_id": flag.source_id,
        "source_url": source_url,
        "host": host,
        "citation_id": flag.citation_id,
        "ref": ref,
        "claim": claim,
    }


def flag_summary(kind: str, detail: dict[str, Any]) -> str:
    """One short phrase saying why the flag is open, for lists and alerts."""
    if kind in ("dead", "blocked", "unreachable"):
        if detail.get("reason") == "forbidden_address":
            return "private address: set [fetch] allow_private_networks to check it"
        return str(detail.get("reason") or kind).replace("_", " ")
    if kind == "moved":
        return f"moved to {detail.get('final_url') or detail.get('new_url') or '?'}"
    if kind == "evidence_changed":
        return "changed: " + (", ".join(detail.get("changes") or []) or "wording")
    if kind == "evidence_removed":
        return (
            f"passage gone ({detail['hidden_by']})" if detail.get("hidden_by") else ("passage gone")
        )
    if kind == "unsupported":
        if detail.get("quote_not_found"):
            return "the quoted passage is not on the page"
        reason = str(detail.get("reason") or "")
        return reason.split(": “", 1)[0][:120] or f"support score {detail.get('score', '?')}"
    if kind == "unreadable":
        return f"cannot read: {str(detail.get('cue') or 'no text')[:80]}"
    return f"page drift {detail.get('drift', '?')}"


def open_counts(session: Session) -> dict[str, dict[str, int]]:
    """Unresolved flags per kind and severity."""
    rows = session.execute(
        select(col(Flag.kind), col(Flag.severity), func.count())
        .where(col(Flag.resolved_at).is_(None))
        .group_by(col(Flag.kind), col(Flag.severity))
    )
    counts: dict[str, dict[str, int]] = {}
    for kind, severity, n in rows:
        counts.setdefault(kind, {})[severity] = int(n)
    return counts
