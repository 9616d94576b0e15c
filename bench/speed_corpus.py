"""The corpus of bench/bench_speed.py: real news pages served as many distinct sources
over loopback hosts, a claim from each page's own text, a long page made of their real
paragraphs, and the article files that cite them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from real_pages import evidence_candidates, news_pages

HOSTS = tuple(f"127.0.0.{i}" for i in range(2, 52))


@dataclass(frozen=True)
class Corpus:
    base: list[bytes]  # the real pages the sources repeat
    claims: list[str]  # a sentence of each page's own text: a supported claim
    big: bytes  # real paragraphs repeated to the size asked

    def url(self, n: int, port: int, host: str | None = None) -> str:
        return f"http://{host or HOSTS[n % len(HOSTS)]}:{port}/s/{n}"


def load_corpus(data: Path, big_bytes: int) -> Corpus:
    pages = [(p, evidence_candidates(p)) for p in news_pages(data)]
    pages = [(p, c) for p, c in pages if c]
    paragraphs = [
        f"<p>{' '.join(line.split())}</p>"
        for page, _ in pages
        for line in page.body.splitlines()
        if len(line.split()) >= 8
    ]
    head = "<html><head><title>A very long report</title></head><body><article><h1>Report</h1>"
    chunks, size, i = [head], len(head), 0
    while size < big_bytes:
        chunks.append(paragraphs[i % len(paragraphs)])
        size += len(chunks[-1].encode())
        i += 1
    big = ("\n".join(chunks) + "</article></body></html>").encode()
    return Corpus([p.html for p, _ in pages], [c[0] for _, c in pages], big)


def write_feed(path: Path, citations: Sequence[tuple[str, str]], tag: str) -> Path:
    """An article file (JSON) citing every (url, claim), ten citations an article."""
    articles = [
        {
            "url": f"https://paper.example/{tag}/{k // 10}",
            "title": f"Article {tag} {k // 10}",
            "citations": [
                {"ref": str(j + 1), "url": url, "claim": claim}
                for j, (url, claim) in enumerate(citations[k : k + 10])
            ],
        }
        for k in range(0, len(citations), 10)
    ]
    path.write_text(json.dumps(articles))
    return path
