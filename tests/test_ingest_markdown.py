"""Markdown import: markers and footnotes like text, plus links as citations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from checker.ingest import IngestError, load_articles, parse_articles
from checker.model import ArticleIn

DATA = Path(__file__).resolve().parent / "data" / "ingest"


def _one(markdown: str) -> ArticleIn:
    [article] = parse_articles(
        markdown.encode(), "markdown", name="post.md", article_url="https://blog.example/post"
    )
    return article


def _pairs(article: ArticleIn) -> list[tuple[str, str, str]]:
    return [(c.ref, c.url, c.claim) for c in article.citations]


def test_markdown_fixture() -> None:
    [article] = load_articles(DATA / "transit-explainer.md")
    assert article.url == "https://www.citydesk.example/explainers/night-buses"
    assert article.title == "Explainer: why the night buses stopped"
    assert article.published_at == datetime(2025, 5, 2, 8, 30, tzinfo=timezone(timedelta(hours=2)))
    assert article.tags == ("transport", "city budget")
    drivers = (
        "The transport authority says it could not hire enough drivers, while the union "
        "disputes that figure (statement)."
    )
    assert _pairs(article) == [
        (
            "link-1",
            "https://council.example.gov/minutes/2025-03-28",
            "The city ended four night bus routes in April after the operator's contract "
            "expired, as the council minutes show.",
        ),
        (
            "ridership",
            "https://data.example.gov/transit/ridership",
            "Ridership on those routes had fallen by 40% since 2019.",
        ),
        ("drivers", "https://transport.example.gov/news/driver-shortage", drivers),
        ("link-2", "https://union.example.org/press/night-shift", drivers),
        (
            "plan",
            "https://transport.example.gov/plans/on-demand-2025",
            "A replacement on-demand service is planned for autumn, according to the "
            "authority's plan.",
        ),
        (
            "3",
            "https://data.example.gov/transit/n4.csv",
            "Route N4 carried 310 riders a night in 2024.",
        ),
    ]


def test_navigation_banner_images_code_and_mail_links_are_not_citations() -> None:
    [article] = load_articles(DATA / "transit-explainer.md")
    urls = {c.url for c in article.citations}
    assert not urls & {
        "https://citydesk.example/donate",
        "https://www.citydesk.example/subscribe",
        "https://www.citydesk.example/transport",
        "https://www.citydesk.example/",
        "https://img.citydesk.example/bus.jpg",
        "https://example.com/not-a-citation",
    }
    assert all(url.startswith("https://") for url in urls)
    assert len(urls) == 6


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "Rents rose [sharply](https://stats.example/rents) in 2024.",
            [("link-1", "https://stats.example/rents", "Rents rose sharply in 2024.")],
        ),
        (
            "Rents rose. See [the data](/data/rents?utm_source=x).",
            [("link-1", "https://blog.example/data/rents", "See the data.")],
        ),
        (
            "Rents rose in 2024 [1](https://stats.example/rents).",
            [("1", "https://stats.example/rents", "Rents rose in 2024.")],
        ),
        (
            "Rents rose in **2024**, says <https://stats.example/rents>.",
            [("link-1", "https://stats.example/rents", "Rents rose in 2024, says.")],
        ),
        (
            "Rents rose [1][2].\n\n[1]: https://a.example/1\n[2]: https://a.example/2",
            [
                ("1", "https://a.example/1", "Rents rose."),
                ("2", "https://a.example/2", "Rents rose."),
            ],
        ),
        (
            "Rents\nrose by a\nthird [^a].\n\n[^a]: https://a.example/a",
            [("a", "https://a.example/a", "Rents rose by a third.")],
        ),
        (
            "# Rents [report](https://a.example/h)\n\nRents rose [1].\n\n[1]: https://a.example/1",
            [("1", "https://a.example/1", "Rents rose.")],
        ),
        (
            "- Rents rose [1].\n- Wages fell [2].\n\n## Sources\n1. https://a.example/1\n"
            "2. https://a.example/2",
            [
                ("1", "https://a.example/1", "Rents rose."),
                ("2", "https://a.example/2", "Wages fell."),
            ],
        ),
        (
            "> Rents rose, the [mayor said](https://city.example/speech).",
            [("link-1", "https://city.example/speech", "Rents rose, the mayor said.")],
        ),
        (
            "[Home](/) · [News](/news)\n\nRents rose [1].\n\n[1]: https://a.example/1",
            [("1", "https://a.example/1", "Rents rose.")],
        ),
    ],
)
def test_markdown_citations(markdown: str, expected: list[tuple[str, str, str]]) -> None:
    assert _pairs(_one(markdown)) == expected


def test_hard_line_break_ends_a_sentence_and_comments_keep_line_numbers() -> None:
    article = _one("Rents rose  \nWages fell [1].\n\n[1]: https://a.example/1")
    assert article.citations[0].claim == "Wages fell."
    with pytest.raises(IngestError, match=r"marker \[2\] \(line 4\)"):
        _one("<!-- a comment\nover two lines -->\n\nPrices rose [2].")


def test_first_heading_is_the_title() -> None:
    article = _one("Intro line\n\n# The real title\n\nRents rose [1].\n\n[1]: https://a.example/1")
    assert article.title == "The real title"


def test_link_to_a_non_web_address_is_refused() -> None:
    with pytest.raises(IngestError, match=r"ref link-1: source URL 'ftp://files.example/x'"):
        _one("Rents rose, says [the file](ftp://files.example/x).")


def test_relative_link_in_a_file_without_web_url_is_refused(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("Rents rose, says [the data](/data/rents).\n")
    with pytest.raises(IngestError, match="'/data/rents' is not an absolute URL"):
        load_articles(post)
