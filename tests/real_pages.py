"""The saved news pages of tests/data/news-pages, and the sentences fit to cite in them."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from datasets import DATA, ground_truth
from page_text import PageText, pattern

from checker.text import normalize, split_sentences

_FIGURE = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\w])")


@dataclass(frozen=True)
class NewsPage:
    id: str
    url: str
    html: bytes
    body: str  # the true article text


def news_pages(data: Path = DATA) -> list[NewsPage]:
    """The saved news pages under `data`/news-pages with their true article bodies."""
    truth = ground_truth() if data == DATA else _truth(data)
    pages = []
    for path in sorted((data / "news-pages" / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        entry = truth[page_id]
        html = gzip.decompress(path.read_bytes())
        pages.append(NewsPage(page_id, entry["url"], html, entry["articleBody"]))
    return pages


def _truth(data: Path) -> dict[str, dict[str, str]]:
    """Ground truth of a copy elsewhere (the benchmarks read ../shared/data)."""
    plain = data / "news-pages" / "ground-truth.json"
    if plain.is_file():
        truth: dict[str, dict[str, str]] = json.loads(plain.read_text("utf-8"))
        return truth
    with gzip.open(plain.with_suffix(".json.gz"), "rt", encoding="utf-8") as file:
        packed: dict[str, dict[str, str]] = json.load(file)
    return packed


def evidence_candidates(page: NewsPage) -> list[str]:
    """Sentences of the article fit to cite, best first.

    Best: 12-60 words, with three sentences before them (so a paywall can show an
    opening and still hide the evidence) and two after, once in the page, with a
    figure, nearest 40% into the article. Short articles get looser choices.
    """
    sentences = [
        s for p in page.body.split("\n") if p.strip() for s in split_sentences(normalize(p))
    ]
    body = normalize(page.body)
    text = PageText(page.html).text
    ranked: list[tuple[int, int, int, float, str]] = []
    for index, sentence in enumerate(sentences):
        size = len(sentence.split())
        if not 6 <= size <= 80 or index == 0 or index == len(sentences) - 1:
            continue
        if body.count(sentence) != 1:
            continue
        copies = len(re.findall(pattern(sentence), text))
        if not copies:
            continue
        roomy = 3 <= index < len(sentences) - 2 and 12 <= size <= 60
        ranked.append(
            (
                0 if roomy else 1,
                0 if copies == 1 else 1,
                0 if _FIGURE.search(sentence) else 1,
                abs(index / len(sentences) - 0.4),
                sentence,
            )
        )
    return [entry[-1] for entry in sorted(ranked)]


def pick_evidence(page: NewsPage, usable: Callable[[str], bool] = lambda _: True) -> str | None:
    """The best of `evidence_candidates` that `usable` accepts (e.g. found by extraction)."""
    return next((s for s in evidence_candidates(page) if usable(s)), None)
