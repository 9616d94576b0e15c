"""JSON import: objects, lists, JSON Lines; every shape problem named, nothing half-imported."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from checker.ingest import IngestError, load_articles, parse_articles
from checker.model import ArticleIn, CitationIn

DATA = Path(__file__).resolve().parent / "data" / "ingest"
ARTICLE = {
    "url": "https://news.example/a",
    "title": "A",
    "citations": [{"ref": "1", "url": "https://src.example/1", "claim": "Prices rose."}],
}


def _parse(value: Any, name: str = "articles.json") -> list[ArticleIn]:
    return parse_articles(json.dumps(value).encode(), "json", name=name)


def _error(value: Any) -> str:
    with pytest.raises(IngestError) as caught:
        _parse(value)
    return str(caught.value)


def test_json_fixture() -> None:
    first, second = load_articles(DATA / "articles.json")
    assert first.url == "https://www.factdesk.example/2025/vaccine-schedule"
    assert first.published_at == datetime(2025, 4, 9, 10, 0, tzinfo=UTC)
    assert first.tags == ("health", "vaccines")
    assert first.citations[0] == CitationIn(
        ref="1",
        url="https://www.cdc.example.gov/vaccines/schedules/child.html",
        claim="The recommended schedule still calls for two MMR doses, at 12-15 months and "
        "4-6 years.",
        quote="Children need 2 doses of MMR vaccine",
    )
    # a numeric ref becomes text; a relative URL resolves against the article URL
    assert first.citations[1].ref == "2"
    assert first.citations[1].url == "https://www.factdesk.example/2024/measles-cases-explained"
    # no title: the URL stands in; no refs: positions; identical citations kept once
    assert second.title == second.url
    assert [c.ref for c in second.citations] == ["1"]


def test_json_lines_fixture() -> None:
    articles = load_articles(DATA / "articles.jsonl")
    assert [a.title for a in articles] == ["A", "B"]


@pytest.mark.parametrize(
    "value",
    [ARTICLE, [ARTICLE], {"articles": [ARTICLE]}],
    ids=["object", "list", "wrapped"],
)
def test_accepted_shapes(value: Any) -> None:
    [article] = _parse(value)
    assert article.citations[0].claim == "Prices rose."


def test_json_lines_in_a_json_file() -> None:
    data = json.dumps(ARTICLE) + "\n" + json.dumps({**ARTICLE, "url": "https://n.example/b"})
    assert len(parse_articles(data.encode(), "json", name="x.json")) == 2


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ('{"url": "https://n.example/a",\n "citations": [}', "a.json", "line 2, column 16"),
        ('{"url": "x"', "a.json", "line 1, column 12"),
        (json.dumps(ARTICLE) + "\n{oops}\n", "a.jsonl", "line 2, column 2"),
    ],
)
def test_invalid_json_names_line_and_column(data: str, name: str, message: str) -> None:
    with pytest.raises(IngestError, match=f"invalid JSON at {message}"):
        parse_articles(data.encode(), "json", name=name)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (42, "expected an article object or a list of them, got a number"),
        ("text", "got a string"),
        ([], "no articles in the file"),
        ([7], "article 1: expected an object"),
        ({**ARTICLE, "citations": {"1": "x"}}, '"citations" must be a list, not an object'),
        ({"url": "https://n.example/a"}, '"citations" is missing'),
        ({**ARTICLE, "url": None}, '"url" is missing'),
        ({**ARTICLE, "url": "ftp://n.example/a"}, "article URL 'ftp://n.example/a' uses the ftp:"),
        ({**ARTICLE, "title": 3}, '"title" must be a string, not a number'),
        ({**ARTICLE, "tags": "a,b"}, '"tags" must be a list of strings'),
        ({**ARTICLE, "published_at": "yesterday"}, "'yesterday' is not a date"),
        ({**ARTICLE, "citations": ["https://x.example"]}, "citation 1: expected"),
        (
            {**ARTICLE, "citations": [{"ref": "7", "claim": "Prices rose."}]},
            'citation 1 (ref 7): "url" is missing',
        ),
        (
            {**ARTICLE, "citations": [{"ref": "7", "url": "https://s.example/"}]},
            'citation 1 (ref 7): "claim" is missing',
        ),
        (
            {**ARTICLE, "citations": [{"ref": True, "url": "https://s.example/", "claim": "c"}]},
            '"ref" must be a string or number',
        ),
        (
            {**ARTICLE, "citations": [{"url": "https://s.example/", "claim": "c", "quote": 1}]},
            '"quote" must be a string',
        ),
    ],
)
def test_wrong_shapes_name_the_field(value: Any, message: str) -> None:
    assert message in _error(value)


def test_missing_url_names_article_and_ref_and_nothing_is_imported() -> None:
    good = {**ARTICLE, "url": "https://news.example/good"}
    bad = {
        "url": "https://news.example/bad",
        "citations": [
            {"ref": "1", "url": "https://s.example/1", "claim": "Fine."},
            {"ref": "2", "claim": "No source given."},
            {"ref": "3", "url": "javascript:alert(1)", "claim": "Script."},
        ],
    }
    message = _error([good, bad])
    assert message.startswith("articles.json: 2 problems, nothing was imported:\n  - ")
    assert len(message.splitlines()) == 3  # one problem per line
    assert (
        "article 2 ('https://news.example/bad'), citation 2 (ref 2): \"url\" is missing" in message
    )
    assert "ref 3: source URL 'javascript:alert(1)'" in message


def test_identical_citations_are_kept_once_but_different_claims_stay() -> None:
    citation = {"ref": "1", "url": "https://s.example/1?utm_source=a", "claim": "Prices  rose."}
    [article] = _parse(
        {
            **ARTICLE,
            "citations": [
                citation,
                {**citation, "url": "https://s.example/1"},
                {**citation, "claim": "Wages fell."},
            ],
        }
    )
    assert [(c.url, c.claim) for c in article.citations] == [
        ("https://s.example/1", "Prices rose."),
        ("https://s.example/1", "Wages fell."),
    ]
