"""Picking sources to check (leases) and loading what a check needs to know (tasks).

A lease is taken in one statement: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
LOCKED) RETURNING id` on PostgreSQL, the same without the locking clause on SQLite,
where the statement itself is atomic (SQLite has one writer at a time). A lease whose
worker died simply expires and is taken over by the next worker that asks.
The engine leases through `store.hosts.lease_by_host`, which first leases the sources'
hosts (one worker at a time per host) and then calls `lease_sources` for their sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from checker.model import Document, Evidence
from checker.outcome import CitationTask, SourceHealth, SourceTask
from store.captures import captured_citations, looked_for_copies
from store.claim_groups import co_cited_ids
from store.tables import Article, Citation, Snapshot, Source


def lease_sources(
    session: Session,
    *,
    owner: str,
    now: datetime,
    limit: int,
    lease_s: float,
    due_only: bool = True,
    checked_before: datetime | None = None,
    source_ids: Sequence[int] | None = None,
) -> list[int]:
    """Lease up to `limit` sources (most overdue first) to `owner`; return their ids.

    `due_only=False` leases sources whether due or not; `checked_before` then keeps a
    pass over everything from taking the same source twice.
    """
    pick = select(Source.id).where(*leasable(now, due_only, checked_before))
    if source_ids is not None:
        pick = pick.where(col(Source.id).in_(list(source_ids)))
    pick = pick.order_by(col(Source.next_check_at)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(Source)
        .where(col(Source.id).in_(pick.scalar_subquery()))
        .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_s))
        .returning(col(Source.id))
    )
    return sorted(row[0] for row in session.exec(stmt))


def leasable(now: datetime, due_only: bool, checked_before: datetime | None) -> list[Any]:
    """What makes a source leasable, host aside: no live lease, a live citation, due (or,
    in a pass over everything, not checked since `checked_before`)."""
    free = or_(col(Source.lease_expires_at).is_(None), col(Source.lease_expires_at) < now)
    conditions = [free, _has_live_citation()]
    if due_only:
        conditions.append(Source.next_check_at <= now)
    if checked_before is not None:
        conditions.append(
            or_(col(Source.last_checked_at).is_(None), col(Source.last_checked_at) < checked_before)
        )
    return conditions


def renew_leases(
    session: Session, *, owner: str, ids: Sequence[int], now: datetime, lease_s: float
) -> int:
    """Heartbeat: extend the leases `owner` still holds; returns how many it holds."""
    if not ids:
        return 0
    stmt = (
        update(Source)
        .where(col(Source.id).in_(list(ids)), col(Source.lease_owner) == owner)
        .values(lease_expires_at=now + timedelta(seconds=lease_s))
    )
    return int(session.exec(stmt).rowcount)


def release_leases(session: Session, *, owner: str, ids: Sequence[int] | None = None) -> int:
    stmt = update(Source).where(col(Source.lease_owner) == owner)
    if ids is not None:
        stmt = stmt.where(col(Source.id).in_(list(ids)))
    stmt = stmt.values(lease_owner=None, lease_expires_at=None)
    return int(session.exec(stmt).rowcount)


def count_leased(session: Session, *, owner: str | None = None) -> int:
    """Leases currently recorded (by `owner`, or by anyone), expired or not."""
    stmt = select(func.count()).select_from(Source).where(col(Source.lease_owner).is_not(None))
    if owner is not None:
        stmt = stmt.where(Source.lease_owner == owner)
    return int(session.exec(stmt).one())


def next_due_at(session: Session) -> datetime | None:
    """When the next source falls due: the earliest next_check_at with a live citation.

    Walks the next_check_at index and stops at the first source with a live citation,
    so it stays fast however many sources there are.
    """
    stmt = (
        select(Source.next_check_at)
        .where(_has_live_citation())
        .order_by(col(Source.next_check_at))
        .limit(1)
    )
    value = session.exec(stmt).first()
    return value if isinstance(value, datetime) else None


def count_due(session: Session, now: datetime) -> int:
    stmt = (
        select(func.count())
        .select_from(Source)
        .where(Source.next_check_at <= now, _has_live_citation())
    )
    return int(session.exec(stmt).one())


def oldest_due(session: Session, now: datetime) -> datetime | None:
    """The most overdue next_check_at (queue lag is now minus this); None if nothing is due."""
    value = next_due_at(session)
    return value if value is not None and value <= now else None


def _has_live_citation() -> Any:
    live = select(Citation.id).where(
        Citation.source_id == Source.id,
        col(Citation.retired_at).is_(None),
    )
    return live.exists()


def load_snapshots(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    """Stored texts by snapshot id."""
    rows = session.exec(select(Snapshot).where(col(Snapshot.id).in_(sorted(ids))))
    return {s.id: Document.from_text(s.title, s.text, s.kind) for s in rows if s.id is not None}


def load_tasks(
    session: Session, ids: Sequence[int], *, with_texts: bool = True
) -> list[SourceTask]:
    """Everything the pipeline needs for these sources, in three queries; without
    `with_texts`, the stored texts are left for the check to load if it needs them."""
    if not ids:
        return []
    sources = session.exec(select(Source).where(col(Source.id).in_(list(ids)))).all()
    rows = session.exec(
        select(Citation, Article.published_at, Article.imported_at)
        .join(Article, col(Article.id) == col(Citation.article_id))
        .where(col(Citation.source_id).in_(list(ids)), col(Citation.retired_at).is_(None))
        .order_by(col(Citation.id))
    ).all()
    by_source: dict[int, list[tuple[Citation, datetime | None, datetime]]] = defaultdict(list)
    snapshot_ids: set[int] = set()
    for citation, published, imported in rows:
        by_source[citation.source_id].append((citation, published, imported))
        if citation.baseline_snapshot_id:
            snapshot_ids.add(citation.baseline_snapshot_id)
    snapshot_ids |= {s.last_snapshot_id for s in sources if s.last_snapshot_id}
    snapshots = load_snapshots(session, sorted(snapshot_ids)) if with_texts else {}
    captured = captured_citations(session, list(ids))
    looked = looked_for_copies(session, list(ids))
    co_cited = co_cited_ids(session, [c.id for c, _, _ in rows if c.id is not None])
    tasks = []
    for src in sources:
        assert src.id is not None
        cites = by_source.get(src.id, [])
        wanted = {src.last_snapshot_id} | {c.baseline_snapshot_id for c, _, _ in cites}
        tasks.append(
            SourceTask(
                id=src.id,
                url=src.url,
                health=SourceHealth(
                    src.state,
                    src.reason,
                    src.failure_count,
                    src.first_failure_at,
                    src.last_failure_at,
                ),
                citations=tuple(
                    _citation_task(c, published, c.id in captured, c.id in looked, c.id in co_cited)
                    for c, published, _ in cites
                ),
                etag=src.etag,
                last_modified=src.last_modified,
                content_hash=src.content_hash,
                body_hash=src.body_hash,
                final_url=src.final_url,
                last_snapshot_id=src.last_snapshot_id,
                interval_s=src.interval_s,
                unchanged_checks=src.unchanged_checks,
                last_checked_at=src.last_checked_at,
                archived_url=src.archived_url,
                newest_article_at=max((p or i for _, p, i in cites), default=None),
                snapshots={k: v for k, v in snapshots.items() if k in wanted},
            )
        )
    return tasks


def _citation_task(
    citation: Citation,
    published: datetime | None,
    captured: bool = False,
    looked: bool = False,
    co_cited: bool = False,
) -> CitationTask:
    assert citation.id is not None
    evidence = None
    if citation.evidence:
        data = dict(citation.evidence)
        data["passages"] = tuple(data.get("passages", ()))
        evidence = Evidence(**data)
    return CitationTask(
        id=citation.id,
        claim=citation.claim,
        quote=citation.quote,
        evidence=evidence,
        baseline_snapshot_id=citation.baseline_snapshot_id,
        support_hash=citation.support_hash,
        article_published_at=published,
        unverified_reason=citation.unverified_reason,
        captured=captured,
        copy_looked=looked,
        cited_at=citation.created_at,
        co_cited=co_cited,
    )
