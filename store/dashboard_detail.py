"""One flag with everything an editor needs to decide: the claim as published, the
source's check history (statuses, redirect chains, errors), the evidence then and now,
support, the audit trail. Also the plain-dict shapes shared by the other views.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from store.capture_views import citation_archive
from store.dashboard import flag_summary
from store.tables import Article, Citation, Flag, FlagEvent, Snapshot, Source
from store.tables import SourceCheck as Check


def flag_detail(session: Session, flag_id: int, *, checks: int = 20) -> dict[str, Any] | None:
    # One joined read for the four rows; the source is the citation's current one.
    row = session.execute(
        select(Flag, Citation, Article, Source)
        .join(Citation, col(Citation.id) == col(Flag.citation_id))
        .join(Article, col(Article.id) == col(Flag.article_id))
        .join(Source, col(Source.id) == col(Citation.source_id))
        .where(col(Flag.id) == flag_id)
    ).first()
    if row is None:
        return None
    flag, citation, article, source = row
    detail = {k: v for k, v in flag.detail.items() if k != "signature"}
    history = (
        session.execute(
            select(Check)
            .where(col(Check.source_id) == source.id)
            .order_by(col(Check.checked_at).desc(), col(Check.id).desc())
            .limit(checks)
        )
        .scalars()
        .all()
    )
    events = (
        session.execute(
            select(FlagEvent)
            .where(col(FlagEvent.flag_id) == flag_id)
            .order_by(col(FlagEvent.at), col(FlagEvent.id))
        )
        .scalars()
        .all()
    )
    others = session.execute(
        select(col(Flag.id), col(Flag.kind), col(Flag.severity)).where(
            col(Flag.citation_id) == citation.id,
            col(Flag.resolved_at).is_(None),
            col(Flag.id) != flag_id,
        )
    ).all()
    snapshots = _snapshots(session, citation.baseline_snapshot_id, source.last_snapshot_id)
    baseline = snapshots.get(citation.baseline_snapshot_id or 0)
    latest = snapshots.get(source.last_snapshot_id or 0)
    return {
        "flag": _flag_dict(flag) | {"detail": detail, "summary": flag_summary(flag.kind, detail)},
        "citation": citation_dict(citation),
        "article": article_dict(article),
        "source": source_dict(source),
        "source_moved_since": flag.source_id != citation.source_id,
        "checks": [check_dict(c) for c in history],
        "events": [
            {"at": e.at, "actor": e.actor, "action": e.action, "note": e.note, "detail": e.detail}
            for e in events
        ],
        "other_flags": [{"id": i, "kind": k, "severity": s} for i, k, s in others],
        "evidence": {
            "before": detail.get("before") or _first(citation.evidence),
            "after": detail.get("after") or citation.support_passage or "",
            "diff": [list(op) for op in detail.get("diff") or []],
            "changes": detail.get("changes") or [],
            "notices": detail.get("notices") or [],
            "baseline_snapshot": baseline,
            "latest_snapshot": latest,
        },
        "archived_url": source.archived_url or detail.get("archived_url"),
        "archive": citation_archive(session, int(citation.id or 0)),
    }


def _first(evidence: dict[str, Any] | None) -> str:
    passages = (evidence or {}).get("passages") or []
    return "\n\n".join(str(p) for p in passages)


def _snapshots(session: Session, *ids: int | None) -> dict[int, dict[str, Any]]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.execute(
        select(
            col(Snapshot.id),
            col(Snapshot.title),
            col(Snapshot.fetched_at),
            col(Snapshot.last_seen_at),
            col(Snapshot.final_url),
        ).where(col(Snapshot.id).in_(wanted))
    )
    return {
        ident: {
            "id": ident,
            "title": title,
            "fetched_at": fetched,
            "last_seen_at": seen,
            "final_url": final_url,
        }
        for ident, title, fetched, seen, final_url in rows
    }


def _flag_dict(flag: Flag) -> dict[str, Any]:
    return {
        "id": flag.id,
        "kind": flag.kind,
        "severity": flag.severity,
        "status": flag.status,
        "opened_at": flag.opened_at,
        "updated_at": flag.updated_at,
        "resolved_at": flag.resolved_at,
        "resolved_by": flag.resolved_by,
        "muted_until": flag.muted_until,
        "note": flag.note,
        "citation_id": flag.citation_id,
        "article_id": flag.article_id,
        "source_id": flag.source_id,
    }


def citation_dict(c: Citation) -> dict[str, Any]:
    return {
        "id": c.id,
        "ref": c.ref,
        "claim": c.claim,
        "quote": c.quote,
        "source_id": c.source_id,
        "article_id": c.article_id,
        "retired_at": c.retired_at,
        "evidence_anchored": c.evidence is not None,
        "support_score": c.support_score,
        "support_label": c.support_label,
        "support_passage": c.support_passage,
        "support_mismatches": c.support_mismatches,
        "support_reason": c.support_reason,
        "support_parts": [
            {k: p.get(k) for k in ("text", "label", "score", "reason", "passage")}
            for p in c.support_parts or []
        ],
        "support_backend": c.support_backend,
        "verified_at": c.verified_at,
        "unverified_since": c.unverified_since,
        "unverified_reason": c.unverified_reason,
    }


def article_dict(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "url": a.url,
        "title": a.title,
        "published_at": a.published_at,
        "tags": list(a.tags),
        "imported_at": a.imported_at,
    }


def source_dict(s: Source) -> dict[str, Any]:
    return {
        "id": s.id,
        "url": s.url,
        "host": s.host,
        "state": s.state,
        "reason": s.reason,
        "last_status": s.last_status,
        "final_url": s.final_url,
        "last_checked_at": s.last_checked_at,
        "next_check_at": s.next_check_at,
        "failure_count": s.failure_count,
        "archived_url": s.archived_url,
    }


def check_dict(c: Check) -> dict[str, Any]:
    redirects = c.detail.get("redirects") or []
    return {
        "checked_at": c.checked_at,
        "status": c.status,
        "state": c.state,
        "reason": c.reason,
        "error": c.error,
        "final_url": c.final_url,
        "elapsed_ms": round(c.elapsed_ms, 1),
        "redirects": [{"status": h[0], "url": h[1], "location": h[2]} for h in redirects],
        "error_message": c.detail.get("error_message"),
        "cue": (c.detail.get("liveness") or {}).get("cue"),
        "rendered_ms": (c.detail.get("rendered") or {}).get("ms"),
        "unreadable": c.detail.get("unreadable"),
    }
