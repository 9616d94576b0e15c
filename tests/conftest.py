from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fakeweb import FakeWeb, NewsArticle

from checker.fetch import Fetcher
from checker.settings import FetchSettings

# =========================================================================== fake web
# Fixtures for the local fake web (tests/fakeweb), owned by fetch/liveness. Database
# fixtures go in their own block, outside this one.


@pytest.fixture
async def fake_web() -> AsyncIterator[FakeWeb]:
    """The fake web, listening on 127.0.0.1 (see tests/fakeweb/__init__.py)."""
    async with FakeWeb() as web:
        yield web


@pytest.fixture
def articles(fake_web: FakeWeb) -> tuple[NewsArticle, ...]:
    """The real news pages the fake web serves (tests/data/news-pages)."""
    assert fake_web.articles, "tests/data/news-pages is missing: the checkout is incomplete"
    return fake_web.articles


@pytest.fixture
def fetch_settings() -> FetchSettings:
    """Fetch settings for the fake web: loopback allowed, no spacing, short limits."""
    return FetchSettings(
        timeout_s=5.0,
        connect_timeout_s=2.0,
        max_bytes=2_000_000,
        per_host_delay_s=0.0,
        per_host_concurrency=4,
        allow_private_networks=True,
        retry_after_wait_s=0.2,  # also caps the 429/503 backoff: tests never wait long
    )


@pytest.fixture
async def fetcher(fake_web: FakeWeb, fetch_settings: FetchSettings) -> AsyncIterator[Fetcher]:
    """A Fetcher whose DNS puts the fake web's hosts (news.test, ...) on 127.0.0.1."""
    async with Fetcher(fetch_settings, resolver=fake_web.resolver()) as client:
        yield client


# =========================================================================== end fake web


# =========================================================================== discovery
# The real pages the discovery tests list in their feeds and sitemaps (tests/publication_web.py).


@pytest.fixture
def citing(fake_web: FakeWeb, articles: tuple[NewsArticle, ...]) -> list[NewsArticle]:
    """Real pages whose body cites sources and that name no URL of their own site (their
    canonical URL is on the original site, so the fake web's address is theirs)."""
    from publication_web import reader

    found = []
    for a in articles:
        parsed = reader(fake_web, a)
        if parsed is not None and "wsj.com" not in a.original_url and len(parsed.citations) >= 3:
            found.append(a)
    assert len(found) >= 8
    return found


@pytest.fixture
def silent(fake_web: FakeWeb, articles: tuple[NewsArticle, ...]) -> NewsArticle:
    """A real page that cites nothing."""
    from publication_web import reader

    return next(a for a in articles if reader(fake_web, a) is None)
