"""Plain-text import: [n] markers → one citation per (marker, sentence)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from datasets import SEED_ARTICLE

from checker.ingest import IngestError, load_articles, parse_articles
from checker.model import ArticleIn

DATA = Path(__file__).resolve().parent / "data" / "ingest"
SEED = SEED_ARTICLE


def _one(data: str, refs: str | None = None, name: str = "article.txt") -> ArticleIn:
    [article] = parse_articles(
        data.encode(),
        "text",
        name=name,
        refs=refs.encode() if refs is not None else None,
        article_url="https://news.example/story",
    )
    return article


def _by_ref(article: ArticleIn) -> dict[str, list[str]]:
    claims: dict[str, list[str]] = {}
    for citation in article.citations:
        claims.setdefault(citation.ref, []).append(citation.claim)
    return claims


# --------------------------------------------------------------------------- the seed article


@pytest.mark.parametrize("refs", ["seed-refs.txt", "seed-refs.json"])
def test_seed_article_with_a_refs_file(refs: str) -> None:
    [article] = load_articles(SEED, refs=DATA / refs)
    claims = _by_ref(article)
    assert sorted(claims, key=int) == [str(n) for n in range(1, 10)]
    assert article.url == SEED.resolve().as_uri()
    assert article.title.startswith("Fact check: Can local law enforcement refuse")
    # [2] is cited in two paragraphs: two citations with different claims
    assert len(claims["2"]) == 2
    assert claims["2"][0] != claims["2"][1]
    assert claims["2"][1].startswith("Reporting and advocacy reflect competing agendas")
    # "[1] [2]" on one sentence: the same claim for both
    assert claims["1"] == [claims["2"][0]]
    assert claims["1"][0].startswith("Legal analyses and advocacy groups argue")
    assert claims["1"][0].endswith("federal prerogatives and local obligations.")
    assert len(article.citations) == 10


def test_seed_claims_are_sentences_without_markers_or_boilerplate() -> None:
    [article] = load_articles(SEED, refs=DATA / "seed-refs.txt")
    for citation in article.citations:
        assert "[" not in citation.claim and "  " not in citation.claim
        assert "donation" not in citation.claim and "Keep Factually" not in citation.claim
        assert not citation.claim.startswith(("Executive Summary", "1. Why"))
        # a sentence, not the whole paragraph
        assert citation.claim.count(". ") <= 1
    urls = {c.url for c in article.citations}
    assert "http://127.0.0.1:8765/ice/partnerships" in urls  # utm_source dropped


def test_seed_article_alone_names_the_unresolved_markers() -> None:
    with pytest.raises(IngestError) as caught:
        load_articles(SEED)
    message = str(caught.value)
    assert "[1]–[9]" in message
    assert "References" in message and "--refs" in message
    assert "nothing was imported" in message
    assert "\n" not in message


def test_seed_with_an_incomplete_refs_file_names_the_missing_markers(tmp_path: Path) -> None:
    refs = tmp_path / "refs.txt"
    refs.write_text("\n".join(f"[{n}] http://127.0.0.1:8765/{n}" for n in range(1, 8)))
    with pytest.raises(IngestError, match=r"markers \[8\]–\[9\] .*not in the reference list"):
        load_articles(SEED, refs=refs)


# --------------------------------------------------------------------------- reference lists


def test_article_with_its_own_reference_section() -> None:
    [article] = load_articles(DATA / "river-report.txt")
    assert article.url == "https://news.example.org/2025/03/river-cleanup-report"
    assert article.title == "River clean-up cut pollution by a third, state report finds"
    assert article.published_at == datetime(2025, 3, 14, tzinfo=UTC)
    assert article.tags == ("environment", "water")
    claims = _by_ref(article)
    assert claims["1"] == [
        "Nitrate levels in the Green River fell 34 percent between 2019 and 2024, according to "
        "the state environment agency's annual report.",
        "The agency credits new rules for farms upstream.",
        "Critics note that the report covers only surface water.",
    ]
    # markers after the full stop belong to the sentence before it
    assert claims["5"] == ["Funding for the programme was renewed in January."]
    # a hard-wrapped sentence is joined again
    assert claims["4"] == [
        "Local groups say the remaining two stations sit downstream of the city's old "
        "sewage outfall."
    ]
    urls = {c.ref: c.url for c in article.citations}
    assert urls == {
        "1": "https://env.example.gov/reports/2024-water.pdf",
        "2": "https://env.example.gov/rules/farm-runoff",
        "3": "https://data.example.gov/stations?year=2024",
        "4": "https://greenriver.example.org/news/statement-2025-03-02",
        "5": "https://legislature.example.gov/budget/minutes/2025-01-20",
    }
    assert all("donate" not in c.claim for c in article.citations)


@pytest.mark.parametrize(
    ("reference_list", "expected"),
    [
        ("References\n[1] https://a.example/1", "https://a.example/1"),
        ("Sources:\n[1]: https://a.example/1", "https://a.example/1"),
        ("## Notes\n1. Title of report, https://a.example/1.", "https://a.example/1"),
        ("Citations\n1) https://a.example/1", "https://a.example/1"),
        ("REFERENCES\n^1 Agency, <https://a.example/1>", "https://a.example/1"),
        ("References\n- [1] Agency (https://a.example/p_(x))", "https://a.example/p_(x)"),
        ("References\n1. A long title\n   https://a.example/1", "https://a.example/1"),
        ("[1] https://a.example/1", "https://a.example/1"),  # trailing list, no heading
        ("[^1]: https://a.example/1", "https://a.example/1"),
    ],
)
def test_reference_line_formats(reference_list: str, expected: str) -> None:
    article = _one(f"The budget grew by 4% in 2024 [1].\n\n{reference_list}\n")
    assert [(c.ref, c.url) for c in article.citations] == [("1", expected)]
    assert article.citations[0].claim == "The budget grew by 4% in 2024."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Prices rose [1] [2].", {"1": ["Prices rose."], "2": ["Prices rose."]}),
        ("Prices rose [1, 3].", {"1": ["Prices rose."], "3": ["Prices rose."]}),
        ("Prices rose [1-3].", {str(n): ["Prices rose."] for n in (1, 2, 3)}),
        ("Prices rose [2–3].", {"2": ["Prices rose."], "3": ["Prices rose."]}),
        ("Prices rose.[1] Wages fell.[2]", {"1": ["Prices rose."], "2": ["Wages fell."]}),
        ("Prices rose. [1]\nWages fell [2].", {"1": ["Prices rose."], "2": ["Wages fell."]}),
        ("Prices rose.\n[1]", {"1": ["Prices rose."]}),
        ("Prices rose [1]. Prices rose [1].", {"1": ["Prices rose."]}),  # deduplicated
        ("Prices rose [1].\n\nPrices fell [1].", {"1": ["Prices rose.", "Prices fell."]}),
        ("Prices rose (see [2]).", {"2": ["Prices rose (see)."]}),
        ("The 1990s [1990-2020] saw growth [1].", {"1": ["The 1990s [1990-2020] saw growth."]}),
        ("Dr. Smith said so [3].", {"3": ["Dr. Smith said so."]}),
        ("Prices rose [^1].", {"1": ["Prices rose."]}),
    ],
)
def test_markers_and_claims(body: str, expected: dict[str, list[str]]) -> None:
    refs = "\n".join(f"[{n}] https://src.example/{n}" for n in range(1, 4))
    assert _by_ref(_one(body, refs=refs)) == expected


def test_refs_file_wins_over_the_article_reference_list() -> None:
    article = _one(
        "Prices rose [1].\n\nReferences\n[1] https://old.example/1",
        refs='{"1": "https://new.example/1"}',
    )
    assert article.citations[0].url == "https://new.example/1"


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    ("head", "url", "title"),
    [
        (
            "---\nurl: https://n.example/a\ntitle: 'A title'\n---\n",
            "https://n.example/a",
            "A title",
        ),
        ("URL: https://n.example/b\nTitle: B title\n\n", "https://n.example/b", "B title"),
        ("Subscribe to our newsletter\nAn article about prices\n", None, "An article about prices"),
    ],
)
def test_article_url_and_title(head: str, url: str | None, title: str) -> None:
    article = _one(head + "Prices rose [1].\n\n[1] https://src.example/1\n")
    assert article.url == (url or "https://news.example/story")
    assert article.title == title


def test_pasted_text_without_any_url_is_refused() -> None:
    with pytest.raises(IngestError, match=r"no URL.*URL: https://"):
        parse_articles(b"Prices rose [1].\n\n[1] https://src.example/1", "text", name="pasted")


def test_bad_front_matter_url_and_date_are_reported() -> None:
    with pytest.raises(IngestError) as caught:
        _one("URL: ftp://n.example/a\nPublished: last week\n\nPrices rose [1].\n[1] https://s.x/1")
    assert "2 problems" in str(caught.value)
    assert "ftp:" in str(caught.value) and "'last week' is not a date" in str(caught.value)


# --------------------------------------------------------------------------- all or nothing


def test_bad_reference_urls_fail_the_whole_import_naming_ref_and_url() -> None:
    text = (
        "Prices rose [1]. Wages fell [2]. Rents rose [3].\n\n"
        "References\n[1] https://ok.example/1\n[2] ftp://files.example/2\n"
        "[3] mailto:desk@example.com\n"
    )
    with pytest.raises(IngestError) as caught:
        _one(text)
    message = str(caught.value)
    assert message.startswith("article.txt: 2 problems, nothing was imported")
    assert "line 1, ref 2: source URL 'ftp://files.example/2'" in message
    assert "ref 3" in message and "mailto:" in message
    assert len(caught.value.problems) == 2


def test_a_reference_without_url_is_reported() -> None:
    with pytest.raises(IngestError, match=r"reference \[1\] \(line 4\) has no URL"):
        _one("Prices rose [1].\n\nReferences\n[1] Annual report, page 4\n")


def test_many_problems_are_counted_not_all_listed() -> None:
    body = " ".join(f"Claim {n} [{n}]." for n in range(1, 13))
    refs = "\n".join(f"[{n}] javascript:void({n})" for n in range(1, 13))
    with pytest.raises(IngestError) as caught:
        _one(body, refs=refs)
    assert "12 problems" in str(caught.value) and "and 7 more" in str(caught.value)
    assert len(caught.value.problems) == 12


def test_text_without_markers_is_refused_with_a_hint() -> None:
    with pytest.raises(IngestError, match=r"no citations found; mark each claim with \[1\]"):
        _one("Just an opinion with no sources at all.\nAnother line.")


@pytest.mark.parametrize(
    ("refs", "message"),
    [
        ('{"1": ', "invalid JSON at line 1, column 7"),
        ('{"1": 5}', "must be a URL string"),
        ("[]", "no references found"),
        ("just some words", "no references found"),
    ],
)
def test_bad_refs_files(refs: str, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        _one("Prices rose [1].", refs=refs)


def test_seed_with_a_references_section_added_as_the_error_suggests() -> None:
    refs = (DATA / "seed-refs.txt").read_text()
    data = SEED.read_bytes() + b"\n\n" + refs.encode()
    [article] = parse_articles(
        data, "auto", name="pasted text", article_url="https://factually.example/ice"
    )
    assert article.url == "https://factually.example/ice"
    assert len(article.citations) == 10
    assert not any("127.0.0.1" in c.claim for c in article.citations)


@pytest.mark.parametrize(
    "written",
    ["2025-03-14", "2025-03-14T00:00:00Z", "2025-03-14 00:00", "March 14, 2025", "14 Mar 2025"],
)
def test_publication_dates_as_people_write_them(written: str) -> None:
    article = _one(f"Published: {written}\n\nPrices rose [1].\n\n[1] https://src.example/1")
    assert article.published_at == datetime(2025, 3, 14, tzinfo=UTC)


def test_markers_on_later_lines_of_a_wrapped_paragraph_are_reported_at_their_line() -> None:
    from checker.ingest import IngestError, parse_articles

    text = (
        "url: https://paper.example/story\n\n"
        "The council approved the budget [1] and the mayor\n"
        "signed it on Tuesday [2], officials said, while critics\n"
        "objected to the cuts [3].\n"
    )
    with pytest.raises(IngestError) as info:
        parse_articles(text.replace(" [1]", "").encode(), "text", name="story.txt")
    assert "(first at line 4)" in str(info.value)  # [2] is on the wrapped paragraph's 2nd line
    markdown = text.replace("[1]", "").replace("url: https", "---\nurl: https") + "\n"
    markdown = markdown.replace("\n\nThe", "\n---\n\nThe")
    with pytest.raises(IngestError) as info:
        parse_articles(markdown.encode(), "markdown", name="story.md")
    assert "(first at line 6)" in str(info.value)  # [2] is on the wrapped paragraph's 2nd line
