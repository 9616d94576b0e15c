"""The generic JSON event schema (version 1), documented in docs/alerts.md.

Every message has the same envelope: `schema_version`, `id` (also sent as webhook-id),
`type` and `timestamp`, and `data`. A single event's `data` carries the flag, article,
citation, source and evidence; a `batch` (a burst grouped into one message) and a
`digest` (hourly/daily summary) carry `events`, a list of single-event envelopes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from checker.alert_model import AlertFacts

SCHEMA_VERSION = 1
# Keys of flag.detail that are internal bookkeeping or moved to `evidence`.
_HIDDEN_DETAIL = {"signature", "before", "after", "diff"}


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def flag_link(dashboard_url: str, flag_id: int) -> str:
    return f"{dashboard_url.rstrip('/')}/flags/{flag_id}"


def event_envelope(facts: AlertFacts, dashboard_url: str) -> dict[str, Any]:
    """One `flag.*` event as the JSON format sends it."""
    return {
        "schema_version": SCHEMA_VERSION,
        "id": facts.event_id,
        "type": facts.event_type,
        "timestamp": iso(facts.created_at),
        "data": {
            "flag": {
                "id": facts.flag_id,
                "kind": facts.kind,
                "severity": facts.severity,
                "status": facts.status,
                "opened_at": iso(facts.opened_at),
                "resolved_at": iso(facts.resolved_at),
                "resolved_by": facts.resolved_by,
                "url": flag_link(dashboard_url, facts.flag_id),
                "detail": {k: v for k, v in facts.detail.items() if k not in _HIDDEN_DETAIL},
            },
            "article": {
                "id": facts.article_id,
                "url": facts.article_url,
                "title": facts.article_title,
                "tags": list(facts.article_tags),
            },
            "citation": {
                "id": facts.citation_id,
                "ref": facts.citation_ref,
                "claim": facts.claim,
                "quote": facts.quote,
            },
            "source": {
                "id": facts.source_id,
                "url": facts.source_url,
                "archived_url": facts.archived_url,
            },
            "evidence": evidence(facts),
        },
    }


def evidence(facts: AlertFacts) -> dict[str, Any] | None:
    """Before/after of the cited passage and the word diff, for evidence flags."""
    d = facts.detail
    if not any(k in d for k in ("before", "after", "diff")):
        return None
    ops = [
        {"op": str(op[0]), "text": str(op[1])}
        for op in d.get("diff") or []
        if isinstance(op, list | tuple) and len(op) == 2
    ]
    return {
        "before": d.get("before", ""),
        "after": d.get("after", ""),
        "diff": ops,
        "changes": list(d.get("changes") or []),
    }


def batch_envelope(
    message_id: str,
    items: Sequence[AlertFacts],
    dashboard_url: str,
    now: datetime,
    *,
    digest_mode: str | None = None,
) -> dict[str, Any]:
    """A `batch` (grouped burst) or, with `digest_mode`, a `digest` message."""
    data: dict[str, Any] = {
        "count": len(items),
        "counts": dict(Counter(f.event_type for f in items)),
        "events": [event_envelope(f, dashboard_url) for f in items],
    }
    if digest_mode:
        data["period"] = {
            "mode": digest_mode,
            "from": iso(min((f.created_at for f in items), default=now)),
            "to": iso(now),
        }
    return {
        "schema_version": SCHEMA_VERSION,
        "id": message_id,
        "type": "digest" if digest_mode else "batch",
        "timestamp": iso(now),
        "data": data,
    }
