"""A very long page (2 MB, ~250,000 words) is read on the claim's window, and the
evidence deep in it is still found: anchored, and the claim supported.

The page is a real article's markup with its paragraphs repeated as numbered sections,
and one paragraph of another real article placed 80% of the way down (long_page.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fakeweb import FakeWeb, NewsArticle
from long_page import long_page
from sqlmodel import select
from test_pipeline_e2e import check, evidence_sentence, open_flags, settings_for

from checker.evidence.retrieval import LONG_TEXT_WORDS, is_long, window, window_text
from checker.model import ArticleIn, CitationIn
from store.articles import import_articles
from store.db import Database
from store.tables import Citation

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
FILLER = "The council met on Tuesday and discussed the budget for the coming year."


def pair(articles: tuple[NewsArticle, ...]) -> tuple[NewsArticle, NewsArticle, str]:
    """A page to repeat, and a claim from another article (not in the first one)."""
    usable = [a for a in articles if evidence_sentence(a) and "wsj" not in a.original_url]
    page, other = usable[0], usable[1]
    claim = evidence_sentence(other)
    assert claim is not None and claim not in page.text
    return page, other, claim


async def test_evidence_deep_in_a_2_mb_page_is_found_and_supports_the_claim(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...]
) -> None:
    page, other, claim = pair(articles)
    evidence = next(p for p in other.paragraphs if claim in p)
    built = long_page(page.html, page.paragraphs, evidence)
    assert len(built.html) >= 2_000_000 and built.words > 5 * LONG_TEXT_WORDS
    fake_web.set_page(fake_web.NEWS, page.path, built.html)
    url = fake_web.article_url(page)
    refs = (CitationIn("1", url, claim),)
    db.run(lambda s: import_articles(s, [ArticleIn("https://paper.example/a", "A", refs)], T0))

    await check(db, settings_for(fake_web), fake_web, T0)

    cited = db.run(lambda s: s.exec(select(Citation)).one())
    assert cited.support_label == "supported"
    assert cited.support_passage is not None and claim[:60] in cited.support_passage
    assert cited.evidence is not None
    assert any(claim[:60] in p for p in cited.evidence["passages"])
    assert open_flags(db) == {}


def test_a_short_text_is_read_whole() -> None:
    text = "\n\n".join([FILLER] * 100)
    assert not is_long(text)
    assert window_text("The council discussed the budget.", text) == text


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (0, [0, 1, 2]),  # at the top: only the neighbours below
        (5000, [4998, 4999, 5000, 5001, 5002]),
        (9999, [9997, 9998, 9999]),  # at the bottom: only the neighbours above
    ],
)
def test_a_long_text_is_read_on_the_claims_passages_and_their_neighbours(
    position: int, expected: list[int]
) -> None:
    passages = [FILLER] * 10_000
    passages[position] = "The regional agency reported that vaccination rates rose by 4.2 percent."
    claim = "Vaccination rates rose by 4.2 percent, the agency reported."
    assert window(claim, passages) == expected
    text = "\n\n".join(passages)
    assert is_long(text)
    assert window_text(claim, text).split("\n\n") == [passages[i] for i in expected]


def test_a_claim_sharing_no_word_with_a_long_text_reads_its_opening() -> None:
    passages = [FILLER] * 10_000
    assert window("Zebras migrate north.", passages) == list(range(8))


def test_letters_whose_lower_case_is_longer_do_not_shift_the_window() -> None:
    passages = ["İstanbul İzmir İnebolu: notes from the road."] * 5_000
    passages[4_000] = "The regional agency reported that vaccination rates rose by 4.2 percent."
    assert window("Vaccination rates rose, the agency said.", passages) == list(range(3_998, 4_003))
