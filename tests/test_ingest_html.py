"""HTML import: links and footnotes in the article body, never the page chrome."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import datasets
import pytest

from checker.ingest import IngestError, load_articles, parse_articles
from checker.model import ArticleIn

DATA = Path(__file__).resolve().parent / "data" / "ingest"
PAGE = DATA / "heatwave-factcheck.html"


def _page(body: str, head: str = "") -> bytes:
    return (
        f"<html><head><title>T</title>{head}</head><body><nav><a href='/'>Home</a></nav>"
        f"<article>{body}</article><footer><a href='mailto:x@y.example'>Mail</a></footer>"
        "</body></html>"
    ).encode()


def _one(
    body: str, head: str = "", url: str | None = "https://site.example/news/story"
) -> ArticleIn:
    [article] = parse_articles(_page(body, head), "html", name="page.html", article_url=url)
    return article


def _pairs(article: ArticleIn) -> list[tuple[str, str, str]]:
    return [(c.ref, c.url, c.claim) for c in article.citations]


def test_news_page_fixture() -> None:
    [article] = load_articles(PAGE)
    assert article.url == "https://www.theledger.example/fact-check/2024-heatwave-records"
    assert article.title == "Fact check: Did the 2024 heatwave break records in every state?"
    assert article.published_at == datetime(2024, 8, 21, 14, 5, tzinfo=UTC)
    assert article.tags == ("Climate", "Fact check")
    records = (
        "According to the national climate records database, 14 states set a new all-time "
        "daily maximum in July 2024."
    )
    assert _pairs(article) == [
        ("link-1", "https://www.ncei.example.gov/access/monitoring/records/", records),
        ("1", "https://www.ncei.example.gov/monthly-report/national/202407", records),
        (
            "2",
            "https://www.weather.example.gov/psr/2024Heat",
            "Phoenix recorded 113 consecutive days above 100°F, a record for the city.",
        ),
        (
            "link-2",
            "https://www.theledger.example/fact-check/2024-may-heat-outlook",
            "Forecasters had warned of the risk in May, as our earlier fact check explained.",
        ),
        (
            "3",
            "https://www.maricopa.example.gov/heat-report-2024.pdf",
            "Health officials linked at least 645 deaths in Maricopa County to heat in 2024.",
        ),
        (
            "link-3",
            "https://www.ipcc.example.int/ar6/wg1/chapter-11",
            "Scientists attribute the trend to climate change, as the IPCC assessment found "
            "that hot extremes have become more frequent since the 1950s.",
        ),
    ]


def test_page_chrome_is_not_cited() -> None:
    [article] = load_articles(PAGE)
    hosts_and_paths = {c.url for c in article.citations}
    for chrome in (
        "https://www.facebook.com/sharer/sharer.php",  # share buttons
        "https://ads.example.net/click?id=42",  # sponsored
        "https://www.theledger.example/climate",  # section front
        "https://www.theledger.example/tag/heat",  # tag page
        "https://www.theledger.example/authors/maria-lopez",  # author
        "https://www.theledger.example/fact-check/wildfire-smoke-maps",  # related aside
        "https://www.theledger.example/corrections",  # article footer
        "https://www.theledger.example/about",  # site footer
        "https://shop.theledger.example/",  # navigation
        "https://twitter.com/theledger",
    ):
        assert not any(url.startswith(chrome) for url in hosts_and_paths), chrome


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<p>Wages rose by 3% in 2024, <a href='https://stats.example/wages'>official data"
            "</a> show. Prices rose too.</p>",
            [
                (
                    "link-1",
                    "https://stats.example/wages",
                    "Wages rose by 3% in 2024, official data show.",
                )
            ],
        ),
        (
            "<p>Prices rose. <a href='/data/prices'>Wages</a> fell.</p>",
            [("link-1", "https://site.example/data/prices", "Wages fell.")],
        ),
        (
            "<p>Wages rose.<sup><a href='#n1'>1</a></sup> Prices fell.</p>"
            "<ol><li id='n1'>Stats office, https://stats.example/w.</li></ol>",
            [("1", "https://stats.example/w", "Wages rose.")],
        ),
        (
            "<p>Wages rose<a href='#cite-a'>[a]</a> and prices fell.</p>"
            "<ul><li><a name='cite-a'></a><a href='https://stats.example/a'>Stats</a></li></ul>",
            [("a", "https://stats.example/a", "Wages rose and prices fell.")],
        ),
        (
            "<p>Wages rose<br>Prices fell <a href='https://stats.example/p'>per the office"
            "</a>.</p>",
            [("link-1", "https://stats.example/p", "Prices fell per the office.")],
        ),
        (
            "<p>Wages rose.<sup><a href='#n1'>1</a></sup></p>"
            "<ol><li id='n1'>An explanatory note without any source.</li></ol>",
            [],
        ),
        (
            "<p>Wages rose.<sup><a href='#n1'>1</a></sup> Prices fell.<sup><a href='#n2'>2</a>"
            "</sup></p><ol><li id='n1'>A note.</li><li id='n2'>https://stats.example/p</li></ol>",
            [("2", "https://stats.example/p", "Prices fell.")],
        ),
        (
            "<p>See <a href='mailto:desk@site.example'>the desk</a>, "
            "<a href='javascript:void(0)'>more</a> or <a href='#top'>the top</a>.</p>"
            "<p>Wages rose, <a href='https://stats.example/w'>data show</a>.</p>",
            [("link-1", "https://stats.example/w", "Wages rose, data show.")],
        ),
        (
            "<p>Wages rose, <a href='https://stats.example/w'><img src='x.png'></a>.</p>"
            "<p>Prices rose, <a href='https://site.example/'>home</a>.</p>"
            "<p>Rents rose, <a href='https://site.example/news/story#comments'>see</a>.</p>"
            "<p>Jobs grew, <a href='https://stats.example/j'>data</a>.</p>",
            [("link-1", "https://stats.example/j", "Jobs grew, data.")],
        ),
        (
            "<ul><li><a href='https://other.example/story-a'>Another story</a></li></ul>"
            "<p>Page <a href='https://site.example/news/story?p=2'>2</a> "
            "<a href='https://site.example/news/story?p=3'>3</a></p>"
            "<p>Like this story? <a href='https://site.example/subscribe-now'>Subscribe</a> "
            "or <a href='https://twitter.com/site'>follow us</a>.</p>"
            "<p>Jobs grew, <a href='https://stats.example/j'>data</a> show.</p>",
            [("link-1", "https://stats.example/j", "Jobs grew, data show.")],
        ),
    ],
)
def test_html_citations(body: str, expected: list[tuple[str, str, str]]) -> None:
    padding = "<p>" + "Background paragraph for the article body. " * 6 + "</p>"
    if not expected:
        with pytest.raises(IngestError, match="no citations found"):
            _one(padding + body)
        return
    assert _pairs(_one(padding + body)) == expected


def test_footnote_to_a_non_web_address_fails_the_import() -> None:
    body = (
        "<p>Wages rose.<sup><a href='#n1'>1</a></sup> Prices fell.<sup><a href='#n2'>2</a>"
        "</sup></p><ol><li id='n1'><a href='ftp://files.example/w.csv'>data</a></li>"
        "<li id='n2'><a href='https://stats.example/p'>prices</a></li></ol>"
    )
    with pytest.raises(IngestError) as caught:
        _one(body)
    message = str(caught.value)
    assert "ref 1 (#n1): source URL 'ftp://files.example/w.csv'" in message
    assert "nothing was imported" in message


def test_article_url_from_argument_then_file_uri(tmp_path: Path) -> None:
    body = "<p>Wages rose, <a href='https://stats.example/w'>data show</a>.</p>"
    assert _one(body).url == "https://site.example/news/story"
    page = tmp_path / "saved.htm"
    page.write_bytes(_page(body))
    [article] = load_articles(page)
    assert article.url == page.resolve().as_uri()


def test_canonical_wins_over_the_argument() -> None:
    head = "<link rel='canonical' href='/news/canonical-story?utm_medium=x'>"
    body = "<p>Wages rose, <a href='https://stats.example/w'>data show</a>.</p>"
    assert _one(body, head).url == "https://site.example/news/canonical-story"


def test_page_without_any_url_in_a_paste_is_refused() -> None:
    with pytest.raises(IngestError, match="names no URL"):
        _one("<p>Wages rose, <a href='https://stats.example/w'>data</a>.</p>", url=None)


def test_densest_block_is_the_body_when_there_is_no_article_element() -> None:
    page = (
        "<html><body><div class='menu'><a href='https://other.example/x'>Other</a></div>"
        "<div class='content'><p>" + "Filler text of the story. " * 10 + "</p>"
        "<p>Wages rose, <a href='https://stats.example/w'>data show</a>.</p></div></body></html>"
    )
    [article] = parse_articles(
        page.encode(), "auto", name="pasted", article_url="https://site.example/a"
    )
    assert [c.url for c in article.citations] == ["https://stats.example/w"]


def test_html_in_a_declared_legacy_charset() -> None:
    page = (
        "<html><head><meta charset='windows-1252'></head><body><article><p>"
        + "Filler text. " * 20
        + "Caf\xe9 prices rose, <a href='https://stats.example/c'>data show</a>.</p>"
        "</article></body></html>"
    ).encode("cp1252")
    [article] = parse_articles(page, "html", name="p.html", article_url="https://s.example/")
    assert article.citations[0].claim == "Café prices rose, data show."


def test_real_news_pages_import_or_fail_cleanly() -> None:
    ground_truth = datasets.ground_truth()
    imported = 0
    for page in sorted(datasets.NEWS_HTML.glob("*.html.gz")):
        page_id = page.name.split(".")[0]
        try:
            [article] = parse_articles(
                gzip.decompress(page.read_bytes()),
                "auto",
                name=page.name,
                article_url=ground_truth[page_id]["url"],
            )
        except IngestError as exc:
            assert "no citations found" in str(exc), page.name
            continue
        imported += 1
        for citation in article.citations:
            assert citation.claim and citation.url.startswith(("http://", "https://"))
            assert "/sharer" not in citation.url and "/intent/" not in citation.url
    assert imported >= 40  # most real articles link to something
