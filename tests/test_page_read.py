"""One parse per page: `read_page` (liveness cues and main text from one tree, in one
call of the extraction pool) says what `classify` and `extract`, each parsing the body
its own way, say: on every real page, and on the walls and templates sites answer with.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fakeweb import NewsArticle, news_articles
from fakeweb.pages import (
    article_page,
    captcha_page,
    challenge_page,
    login_page,
    not_found_template,
    parked_page,
    paywall_page,
)

from checker.extract import Extractor, extract
from checker.extract.page import read_page
from checker.liveness import classify
from checker.model import Document, ExtractError, FetchResult, LivenessState
from checker.settings import ExtractSettings

URL = "https://news.example/2024/05/story"
MAX_CHARS = ExtractSettings().max_chars


def answer(body: bytes, status: int = 200, content_type: str = "text/html") -> FetchResult:
    return FetchResult(URL, URL, status, body=body, content_type=content_type)


def separately(result: FetchResult) -> tuple[object, Document | str | None]:
    """What classify and extract say, each on its own parse (the way before one parse)."""
    liveness = classify(result)
    if liveness.state not in (LivenessState.ALIVE, LivenessState.MOVED):
        return liveness, None
    try:
        return liveness, extract(result.body, result.content_type, URL, max_chars=MAX_CHARS)
    except ExtractError as exc:
        return liveness, str(exc)


def together(result: FetchResult) -> tuple[object, Document | str | None]:
    page = read_page(result, None, max_chars=MAX_CHARS)
    if page.liveness.state not in (LivenessState.ALIVE, LivenessState.MOVED):
        return page.liveness, None
    return page.liveness, page.document or page.error


@pytest.mark.parametrize("article", news_articles(), ids=lambda a: a.id[:10])
def test_a_real_page_reads_the_same_from_one_parse(article: NewsArticle) -> None:
    result = answer(article.html)
    assert together(result) == separately(result)


def first() -> NewsArticle:
    return news_articles()[0]


PAGES: list[tuple[str, Callable[[], bytes], LivenessState]] = [
    ("article", lambda: article_page("news.test", first()), LivenessState.ALIVE),
    ("soft 404", lambda: not_found_template("news.test", "/x"), LivenessState.DEAD),
    ("parked", lambda: parked_page("parked.test"), LivenessState.DEAD),
    ("challenge", challenge_page, LivenessState.BLOCKED),
    ("captcha", captcha_page, LivenessState.BLOCKED),
    ("login", lambda: login_page("news.test"), LivenessState.BLOCKED),
    ("paywall", lambda: paywall_page("news.test", first()), LivenessState.BLOCKED),
    ("not html", lambda: bytes(range(256)) * 8, LivenessState.ALIVE),
]


@pytest.mark.parametrize(("name", "body", "state"), PAGES, ids=[p[0] for p in PAGES])
def test_walls_and_templates_read_the_same_from_one_parse(
    name: str, body: Callable[[], bytes], state: LivenessState
) -> None:
    result = answer(body())
    liveness, _ = together(result)
    assert getattr(liveness, "state", None) is state
    assert together(result) == separately(result)


def test_an_error_page_is_classified_and_not_extracted() -> None:
    page = read_page(answer(b"<h1>Gone</h1>", status=410), None, max_chars=MAX_CHARS)
    assert (page.liveness.reason, page.extracted, page.document) == ("gone", False, None)


def test_extraction_can_be_left_to_the_browser() -> None:
    result = answer(article_page("news.test", first()))
    page = read_page(result, None, max_chars=MAX_CHARS, extract_text=False)
    assert page.liveness.state is LivenessState.ALIVE and not page.extracted


async def test_the_pool_reads_a_page_in_one_call() -> None:
    result = answer(article_page("news.test", first()))
    with Extractor(ExtractSettings(processes=2)) as extractor:
        page = await extractor.read_page(result, None)
    assert page.document is not None and first().paragraphs[0] in page.document.passages
