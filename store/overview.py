"""Read queries for the wider views: articles with their health, one article's
citations, one source's articles, and the overview's counts and trends.

Lists page by id (keyset); per-row health comes from one grouped query over the page's
ids, so a page costs the same whatever the table size.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, inspect, select
from sqlmodel import Session, col

from store.dashboard_detail import article_dict, check_dict, citation_dict, source_dict
from store.tables import Article, Citation, Flag, Source
from store.tables import SourceCheck as Check

_RANK = {"high": 3, "medium": 2, "low": 1}


def article_page(
    session: Session, *, after_id: int | None = None, limit: int = 50, support: str = ""
) -> tuple[list[dict[str, Any]], int | None]:
    """Articles newest first, with citation counts, open flags and claims not confirmed;
    (rows, next after_id). `support`: only articles with a live citation of that label."""
    stmt = select(Article).order_by(col(Article.id).desc()).limit(limit + 1)
    if after_id is not None:
        stmt = stmt.where(col(Article.id) < after_id)
    if support:
        labelled = select(col(Citation.id)).where(
            col(Citation.article_id) == col(Article.id),
            col(Citation.retired_at).is_(None),
            col(Citation.support_label) == support,
        )
        stmt = stmt.where(labelled.exists())
    articles = list(session.execute(stmt).scalars())
    more = len(articles) > limit
    articles = articles[:limit]
    ids = [a.id for a in articles]
    cites = dict(
        session.execute(
            select(col(Citation.article_id), func.count())
            .where(col(Citation.article_id).in_(ids), col(Citation.retired_at).is_(None))
            .group_by(col(Citation.article_id))
        ).all()
    )
    unconfirmed = dict(
        session.execute(
            select(col(Citation.article_id), func.count())
            .where(
                col(Citation.article_id).in_(ids),
                col(Citation.retired_at).is_(None),
                col(Citation.support_label) == "not_confirmed",
            )
            .group_by(col(Citation.article_id))
        ).all()
    )
    flags = _open_flags_by(session, col(Flag.article_id), ids)
    rows = [
        article_dict(a)
        | {"citations": int(cites.get(a.id, 0)), "not_confirmed": int(unconfirmed.get(a.id, 0))}
        | _health(flags.get(a.id, {}))
        for a in articles
    ]
    return rows, (ids[-1] if more and ids else None)


SUPPORT_STATES = ("supported", "not_confirmed", "unsupported")


def not_confirmed_count(session: Session) -> int:
    """Live citations whose claim is not confirmed (ix_citation_support_label)."""
    stmt = select(func.count()).where(
        col(Citation.support_label) == "not_confirmed", col(Citation.retired_at).is_(None)
    )
    return int(session.execute(stmt).scalar_one())


def support_counts(session: Session) -> dict[str, int]:
    """Live citations by support label ("unscored": not judged yet)."""
    rows = session.execute(
        select(col(Citation.support_label), func.count())
        .where(col(Citation.retired_at).is_(None))
        .group_by(col(Citation.support_label))
    )
    counts = dict.fromkeys((*SUPPORT_STATES, "unscored"), 0)
    for label, n in rows:
        counts[label if label in SUPPORT_STATES else "unscored"] += int(n)
    return counts


def _open_flags_by(session: Session, column: Any, ids: list[Any]) -> dict[int, dict[str, int]]:
    """{id: {severity: open flag count}} for the given article or citation ids."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if not ids:
        return out
    rows = session.execute(
        select(column, col(Flag.severity), func.count())
        .where(column.in_(ids), col(Flag.resolved_at).is_(None))
        .group_by(column, col(Flag.severity))
    )
    for key, severity, n in rows:
        out[key][severity] = int(n)
    return out


def _health(by_severity: dict[str, int]) -> dict[str, Any]:
    worst = max(by_severity, key=lambda s: _RANK.get(s, 0), default=None)
    return {"open_flags": sum(by_severity.values()), "worst_severity": worst}


def article_view(session: Session, article_id: int) -> dict[str, Any] | None:
    article = session.get(Article, article_id)
    if article is None:
        return None
    rows = session.execute(
        select(Citation, Source)
        .join(Source, col(Source.id) == col(Citation.source_id))
        .where(col(Citation.article_id) == article_id)
        .order_by(col(Citation.retired_at).is_not(None), col(Citation.position), col(Citation.id))
    ).all()
    flags: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ident, cid, kind, severity in session.execute(
        select(col(Flag.id), col(Flag.citation_id), col(Flag.kind), col(Flag.severity)).where(
            col(Flag.article_id) == article_id,
            col(Flag.resolved_at).is_(None),
        )
    ):
        flags[cid].append({"id": ident, "kind": kind, "severity": severity})
    citations = [
        citation_dict(c) | {"source": source_dict(s), "flags": flags.get(c.id or 0, [])}
        for c, s in rows
    ]
    return {"article": article_dict(article), "citations": citations}


def source_view(session: Session, source_id: int, *, checks: int = 20) -> dict[str, Any] | None:
    source = session.get(Source, source_id)
    if source is None:
        return None
    rows = session.execute(
        select(Citation, Article)
        .join(Article, col(Article.id) == col(Citation.article_id))
        .where(col(Citation.source_id) == source_id)
        .order_by(col(Article.id), col(Citation.position))
    ).all()
    flags = _open_flags_by(session, col(Flag.citation_id), [c.id for c, _ in rows])
    history = session.execute(
        select(Check)
        .where(col(Check.source_id) == source_id)
        .order_by(col(Check.checked_at).desc(), col(Check.id).desc())
        .limit(checks)
    ).scalars()
    return {
        "source": source_dict(source),
        "citations": [
            citation_dict(c) | {"article": article_dict(a)} | _health(flags.get(c.id or 0, {}))
            for c, a in rows
        ],
        "checks": [check_dict(c) for c in history],
    }


# --------------------------------------------------------------------------- overview


def overview(session: Session, now: datetime, *, weeks: int = 12) -> dict[str, Any]:
    week_start = _monday(now) - timedelta(weeks=weeks - 1)
    hour_start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    opened = _bucketed(session, col(Flag.opened_at), week_start, "week")
    resolved = _bucketed(session, col(Flag.resolved_at), week_start, "week")
    checks = _bucketed(session, col(Check.checked_at), hour_start, "hour")
    weeks_list = [week_start + timedelta(weeks=i) for i in range(weeks)]
    hours = [hour_start + timedelta(hours=i) for i in range(24)]
    sources = dict(
        session.execute(select(col(Source.state), func.count()).group_by(col(Source.state))).all()
    )
    return {
        "articles": _count(session, select(func.count()).select_from(Article)),
        "citations": _count(
            session,
            select(func.count()).select_from(Citation).where(col(Citation.retired_at).is_(None)),
        ),
        "sources": {str(k): int(v) for k, v in sources.items()},
        "weekly": [
            {
                "week": w.date().isoformat(),
                "opened": opened.get(_key(w, "week"), 0),
                "resolved": resolved.get(_key(w, "week"), 0),
            }
            for w in weeks_list
        ],
        "hourly_checks": [{"hour": h, "checks": checks.get(_key(h, "hour"), 0)} for h in hours],
        "workers": worker_status(session, now),
    }


def _count(session: Session, stmt: Any) -> int:
    return int(session.execute(stmt).scalar_one())


def _monday(now: datetime) -> datetime:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def _key(at: datetime, unit: str) -> str:
    return at.strftime("%Y-%m-%d") if unit == "week" else at.strftime("%Y-%m-%d %H")


def _bucketed(session: Session, column: Any, since: datetime, unit: str) -> dict[str, int]:
    """Row counts per week (Monday) or hour since `since`, grouped in the database."""
    if session.get_bind().dialect.name == "postgresql":
        bucket = func.to_char(
            func.date_trunc(unit, column), "YYYY-MM-DD" if unit == "week" else "YYYY-MM-DD HH24"
        )
    elif unit == "week":
        bucket = func.date(column, "weekday 0", "-6 days")
    else:
        bucket = func.strftime("%Y-%m-%d %H", column)
    rows = session.execute(
        select(bucket, func.count()).where(column >= since).group_by(bucket)
    ).all()
    return {str(k): int(n) for k, n in rows if k is not None}


def worker_status(session: Session, now: datetime) -> list[dict[str, Any]] | None:
    """The engine's worker heartbeats, if that table exists here (None if not)."""
    try:
        from store import worker_tables
    except ImportError:  # an older build without heartbeats
        return None
    if not inspect(session.get_bind()).has_table(worker_tables.WorkerBeat.__tablename__):
        return None
    stale_after = 3 * 300.0  # three lease periods without a beat: the worker is gone
    return [
        dataclasses.asdict(w) | {"alive": w.alive(now, stale_after)}
        for w in worker_tables.list_workers(session)
    ]
