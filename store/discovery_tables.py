"""Publications citecheck watches, and what it remembers about each article URL found.

A `Publication` row mirrors one `[[publications]]` table of the config (its name is the
key) plus what its last poll saw. A `DiscoveredArticle` row is one article URL a feed
or sitemap listed for that publication: the listing's own change markers (entry id,
`lastmod` / updated date, publication date), the page's validators (ETag,
Last-Modified), and how the last attempt to read it went. A poll compares a listing
with these rows to fetch only new or changed articles; a page that answers 404 keeps
its row, with its status, until it is listed and readable again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import JSONDoc, UTCDateTime

# What happened the last time an article URL was read.
DISCOVERY_STATUSES = (
    "imported",  # read, its citations imported (or updated in place)
    "no_citations",  # read, but the page cites nothing: nothing to watch
    "unreadable",  # answered, but not an article page the HTML reader can read
    "gone",  # 404 / 410
    "failed",  # no usable answer (timeout, 5xx, refused by robots.txt, ...)
)


def _time(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class Publication(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    # the config as last applied: feeds, sitemaps, include, exclude, poll_interval_s
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONDoc, nullable=False))
    created_at: datetime = _time()
    last_poll_at: datetime | None = _time(nullable=True)
    next_poll_at: datetime | None = _time(nullable=True)
    # counts and one-line problems of the last poll (see checker.discover.poll.PollReport)
    last_report: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONDoc, nullable=False)
    )


class DiscoveredArticle(SQLModel, table=True):
    __tablename__ = "discovered_article"

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id")
    url: str = Field(max_length=2048)  # as listed (normalized)
    article_id: int | None = Field(default=None, foreign_key="article.id", index=True)
    # the listing's change markers
    entry_id: str | None = Field(default=None, max_length=2048)  # feed <guid> / <id>
    listed_modified_at: datetime | None = _time(nullable=True)  # <lastmod>, <updated>
    published_at: datetime | None = _time(nullable=True)  # feed / news sitemap date
    first_seen_at: datetime = _time()
    last_listed_at: datetime = _time()
    # the page's validators, sent back as a conditional request
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    # the last attempt to read it
    status: str = Field(default="new", max_length=16)  # new or one of DISCOVERY_STATUSES
    reason: str = Field(default="", max_length=300)
    http_status: int | None = None
    failures: int = 0  # consecutive attempts that did not import it
    fetched_at: datetime | None = _time(nullable=True)
    imported_at: datetime | None = _time(nullable=True)

    __table_args__ = (
        UniqueConstraint("publication_id", "url", name="uq_discovered_publication_url"),
        Index("ix_discovered_status", "publication_id", "status"),
    )
