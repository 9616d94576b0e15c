"""An article's citations and their health, for the newsroom's exports: each citation's
source, open flags, verification, first capture and verified archived copy."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from checker.model import Severity
from store.archive_tables import ArchivedCopy, Capture
from store.tables import Article, Citation, Flag, Source


def find_article(session: Session, url: str) -> Article | None:
    """The article at `url`, as imported or in its canonical spelling."""
    from checker.urls import normalize_url

    found = session.exec(select(Article).where(Article.url == url)).first()
    if found is None:
        try:
            canonical = normalize_url(url)
        except ValueError:
            return None
        found = session.exec(select(Article).where(Article.url == canonical)).first()
    return found


def article_health(session: Session, article: Article) -> dict[str, Any]:
    """The article and its citations in force, in the order they appear."""
    rows = session.exec(
        select(Citation, Source)
        .join(Source, col(Source.id) == col(Citation.source_id))
        .where(Citation.article_id == article.id, col(Citation.retired_at).is_(None))
        .order_by(col(Citation.position), col(Citation.id))
    ).all()
    ids = [c.id for c, _ in rows]
    flags: dict[int, list[dict[str, str]]] = defaultdict(list)
    for cid, kind, severity in session.exec(
        select(Flag.citation_id, Flag.kind, Flag.severity)
        .where(col(Flag.citation_id).in_(ids), col(Flag.resolved_at).is_(None))
        .order_by(col(Flag.id))
    ):
        flags[cid].append({"kind": kind, "severity": severity})
    copies = {
        c.citation_id: c
        for c in session.exec(select(ArchivedCopy).where(col(ArchivedCopy.citation_id).in_(ids)))
    }
    first_capture: dict[int, Any] = {}
    for cid, at in session.exec(
        select(Capture.citation_id, Capture.captured_at)
        .where(col(Capture.citation_id).in_(ids), col(Capture.warc_path).is_not(None))
        .order_by(col(Capture.captured_at))
    ):
        first_capture.setdefault(cid, at)
    citations = []
    for citation, source in rows:
        cid = int(citation.id or 0)
        copy = copies.get(cid)
        open_flags = flags.get(cid, [])
        citations.append(
            {
                "ref": citation.ref,
                "claim": citation.claim,
                "source_url": source.url,
                "state": source.state,
                "reason": source.reason,
                "open_flags": open_flags,
                "worst_severity": max(
                    (f["severity"] for f in open_flags),
                    key=lambda s: Severity(s).rank,
                    default=None,
                ),
                "verified_at": citation.verified_at,
                "unverified_reason": citation.unverified_reason,
                "cited_at": article.published_at or citation.created_at,
                "captured_at": first_capture.get(cid),
                "archived_copy": None
                if copy is None
                else {
                    "url": copy.snapshot_url,
                    "date": copy.snapshot_at,
                    "verified": copy.verified,
                },
            }
        )
    return {
        "article": {
            "url": article.url,
            "title": article.title,
            "published_at": article.published_at,
        },
        "citations": citations,
    }
