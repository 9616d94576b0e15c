"""The flags queue's keyset pagination on both databases: every open flag exactly once,
most severe first, oldest first, however the pages fall (ties on opened_at included)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from checker.model import ArticleIn, CitationIn
from store.articles import import_articles
from store.dashboard import Cursor, QueryError, QueueFilter, flag_queue, open_counts
from store.db import Database
from store.tables import Citation, Flag
from tests.web_fixtures import T0

KINDS = ("dead", "moved", "unsupported")


def _many_flags(db: Database, n: int) -> list[int]:
    cites = tuple(
        CitationIn(str(i), f"https://s{i % 7}.example/p{i}", f"Claim {i}.") for i in range(n)
    )
    db.run(lambda s: import_articles(s, [ArticleIn("https://news.example/a", "A", cites)], T0))

    def add(session: object) -> list[int]:
        rows = session.execute(select(Citation)).scalars().all()  # type: ignore[attr-defined]
        flags = []
        for i, c in enumerate(rows):
            at = T0 + timedelta(hours=i // 3)  # three flags share each opened_at
            flag = Flag(citation_id=c.id, article_id=c.article_id, source_id=c.source_id,
                        kind=KINDS[i % 3], severity=("high", "medium", "low")[i % 4 % 3],
                        status="open", opened_at=at, updated_at=at)  # fmt: skip
            if i % 10 == 9:
                flag.resolved_at, flag.status = at, "resolved"
            session.add(flag)  # type: ignore[attr-defined]
            flags.append(flag)
        session.flush()  # type: ignore[attr-defined]
        rank = {"high": 0, "medium": 1, "low": 2}
        open_ = [f for f in flags if f.resolved_at is None]
        return [f.id for f in sorted(open_, key=lambda f: (rank[f.severity], f.opened_at, f.id))]

    return db.run(add)


@pytest.mark.parametrize("page_size", [1, 7, 50])
def test_pages_cover_the_queue_exactly_once_in_order(db: Database, page_size: int) -> None:
    expected = _many_flags(db, 40)
    seen: list[int] = []
    cursor = None
    for _ in range(100):
        page = db.run(lambda s, c=cursor: flag_queue(s, QueueFilter(), after=c, limit=page_size))
        seen += [row["id"] for row in page.items]
        if page.next_cursor is None:
            break
        cursor = Cursor.decode(page.next_cursor)
    assert seen == expected


def test_counts_and_filters_agree(db: Database) -> None:
    _many_flags(db, 40)
    counts = db.run(open_counts)
    dead = db.run(lambda s: flag_queue(s, QueueFilter(kind="dead"), limit=500)).items
    assert len(dead) == sum(counts["dead"].values())
    host = db.run(lambda s: flag_queue(s, QueueFilter(host="www.s3.example"), limit=500)).items
    assert host and {r["host"] for r in host} == {"s3.example"}
    resolved = db.run(lambda s: flag_queue(s, QueueFilter(status="resolved"), limit=500)).items
    assert len(resolved) == 4


@pytest.mark.parametrize("token", ["", "nonsense", Cursor("high", T0, 1).encode()[:-3] + "!!!"])
def test_a_bad_cursor_is_a_query_error(token: str) -> None:
    with pytest.raises(QueryError, match="cursor"):
        Cursor.decode(token)
