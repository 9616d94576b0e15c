"""A very long article page built from real ones: a real page's own markup with its
article paragraphs repeated until the page weighs `size` bytes, and one paragraph of
another real article (the evidence) placed deep in it.

Deterministic: the same pages give the same bytes. Used by the long-page test and by
bench/bench_page_cost.py (the 2 MB page).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

TWO_MB = 2_000_000


@dataclass(frozen=True)
class LongPage:
    html: bytes
    evidence: str  # the paragraph placed deep in the page
    words: int  # words of article text in the page


def long_page(
    page_html: bytes,
    paragraphs: list[str],
    evidence: str,
    *,
    size: int = TWO_MB,
    depth: float = 0.8,
) -> LongPage:
    """`page_html` with `paragraphs` repeated before its closing </body> (numbered
    sections, as a long report has) to about `size` bytes, `evidence` at `depth`."""
    tail = page_html.rfind(b"</body>")
    tail = len(page_html) if tail < 0 else tail
    head, end = page_html[:tail], page_html[tail:]
    blocks: list[bytes] = []
    used = len(head) + len(end)
    section = 0
    while used < size:
        section += 1
        block = f"<h2>Section {section}</h2>\n".encode()
        for paragraph in paragraphs:
            block += f"<p>{html.escape(paragraph)}</p>\n".encode()
        blocks.append(block)
        used += len(block)
    deep = min(int(len(blocks) * depth), len(blocks) - 1)
    blocks.insert(deep, f"<p>{html.escape(evidence)}</p>\n".encode())
    body = b"".join(blocks)
    words = section * sum(len(p.split()) for p in paragraphs) + len(evidence.split())
    article = b'<article class="article-body">\n' + body + b"</article>\n"
    return LongPage(head + article + end, evidence, words)
