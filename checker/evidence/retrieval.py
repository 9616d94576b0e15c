"""Passage retrieval: cut a long text into sentence windows and rank them against a query.

Used by evidence (to find where a claim's evidence sits in a page) and by support
(to pick the few passages a scorer looks at). Ranking is Okapi BM25 over
`checker.text.content_words`, so "refused"/"refuses" and case differences match.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from checker.text import content_words, normalize, split_sentences

# Okapi BM25 constants as commonly used (Robertson & Zaragoza): k1 saturates term
# frequency, b scales by passage length relative to the average.
BM25_K1 = 1.5
BM25_B = 0.75


def split_passages(
    text: str,
    *,
    window: int = 2,
    overlap: int = 1,
    max_chars: int = 1200,
) -> list[str]:
    """Cut `text` into passages of `window` consecutive sentences, `overlap` shared.

    Overlapping windows let evidence that spans two sentences land in one passage.
    A window stops growing once it reaches `max_chars` (a single longer sentence is
    kept whole). Text shorter than one window gives one passage; empty text none.
    """
    if window < 1:
        raise ValueError(f"split_passages: window must be at least 1, got {window}")
    if not 0 <= overlap < window:
        raise ValueError(f"split_passages: overlap must be in 0..{window - 1}, got {overlap}")
    sentences = [normalize(s) for s in split_sentences(text)]
    sentences = [s for s in sentences if s]
    if not sentences:
        return []
    step = window - overlap
    passages: list[str] = []
    start = 0
    while True:
        chosen = [sentences[start]]
        size = len(sentences[start])
        for sentence in sentences[start + 1 : start + window]:
            if size + 1 + len(sentence) > max_chars:
                break
            chosen.append(sentence)
            size += 1 + len(sentence)
        passages.append(" ".join(chosen))
        end = start + len(chosen)
        if end >= len(sentences):
            break
        # Never step past a sentence we did not include (a window cut short by max_chars).
        start = min(start + step, end) if len(chosen) > overlap else end
    return passages


class PassageIndex:
    """BM25 statistics for one set of passages, reusable across several queries."""

    def __init__(self, passages: Sequence[str]) -> None:
        self.terms: list[Counter[str]] = [Counter(content_words(p)) for p in passages]
        self.lengths = [sum(t.values()) for t in self.terms]
        total = sum(self.lengths)
        self.average_length = total / len(self.lengths) if total else 1.0
        self.document_frequency: Counter[str] = Counter()
        for terms in self.terms:
            self.document_frequency.update(terms.keys())
        count = len(self.terms)
        # The "+1" form of BM25 idf stays positive even for terms in most passages.
        self.idf = {
            term: math.log(1.0 + (count - df + 0.5) / (df + 0.5))
            for term, df in self.document_frequency.items()
        }

    def scores(self, query: str) -> list[float]:
        """BM25 score of every passage for `query` (0.0 where no query term occurs)."""
        query_terms = set(content_words(query))
        out: list[float] = []
        for terms, length in zip(self.terms, self.lengths, strict=True):
            norm = BM25_K1 * (1.0 - BM25_B + BM25_B * length / self.average_length)
            total = 0.0
            for term in query_terms:
                tf = terms.get(term, 0)
                if tf:
                    total += self.idf[term] * tf * (BM25_K1 + 1.0) / (tf + norm)
            out.append(total)
        return out

    def rank(self, query: str, k: int) -> list[tuple[int, float]]:
        """The `k` best passages as (index, score), best first; zero scores left out."""
        scored = [(i, s) for i, s in enumerate(self.scores(query)) if s > 0.0]
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[: max(k, 0)]


def rank_passages(query: str, passages: Sequence[str], k: int) -> list[tuple[int, float]]:
    """Rank `passages` against `query` with BM25; the `k` best as (index, score), best first.

    Passages sharing no content word with the query are left out, so the result may be
    shorter than `k` (empty when nothing matches). Ties keep document order.
    """
    if not passages or k <= 0:
        return []
    return PassageIndex(passages).rank(query, k)


# A text longer than this (in words) is read on a window: the passages ranked best for
# the claim and their neighbours, not the whole text (a 2 MB page has ~250,000 words).
LONG_TEXT_WORDS = 20_000
WINDOW_PASSAGES = 8  # passages ranked best for the claim, each with its neighbours
WINDOW_NEIGHBOURS = 2  # passages kept either side of a chosen one: evidence clusters
_CHUNK_CHARS = 4_000  # a passage longer than this is ranked in pieces (a page of one block)


def is_long(text: str) -> bool:
    """More than LONG_TEXT_WORDS words (counted by spaces: cheap, and close enough)."""
    return text.count(" ") >= LONG_TEXT_WORDS


def window(query: str, passages: Sequence[str]) -> list[int]:
    """Indexes, in order, of the passages a long text is read on for `query` (see
    `_window`); the anchoring and the support scoring of one claim share the result."""
    return list(_window(query, tuple(passages)))


# Small: each entry holds a long text's passages; one claim's two reads come together.
@lru_cache(maxsize=8)
def _window(query: str, passages: tuple[str, ...]) -> tuple[int, ...]:
    """Indexes, in order, of the passages a long text is read on for `query`.

    The WINDOW_PASSAGES passages that hold the most of the query's rarer words, and
    WINDOW_NEIGHBOURS either side of each. Ranking uses a whole-word-prefix test of each
    query stem in the lower-cased passage, weighted by how few passages hold it (an idf
    without tokenizing the whole text), so a window costs a few substring searches per
    passage; BM25 then ranks sentences inside the window as on any page.
    """
    stems = sorted(set(content_words(query)))
    if not passages or not stems:
        return tuple(range(min(len(passages), WINDOW_PASSAGES)))
    count = len(passages)
    lowered_passages = [p.lower() for p in passages]  # lower() may change a length ("İ")
    starts: list[int] = []
    offset = 0
    for passage in lowered_passages:
        starts.append(offset)
        offset += len(passage) + 1
    lowered = " " + " ".join(lowered_passages)  # passage i starts at starts[i] + 1
    holds = [_holding(lowered, f" {stem}", starts) for stem in stems]
    score = [0.0] * count
    for found in holds:
        if not found:
            continue
        weight = math.log(1.0 + (count - len(found) + 0.5) / (len(found) + 0.5))
        for i in found:
            score[i] += weight
    best = sorted((i for i in range(count) if score[i] > 0), key=lambda i: (-score[i], i))
    if not best:  # the claim shares no word with the text: its opening, as for no claim
        return tuple(range(min(count, WINDOW_PASSAGES)))
    chosen: set[int] = set()
    for i in best[:WINDOW_PASSAGES]:
        chosen.update(range(max(i - WINDOW_NEIGHBOURS, 0), min(i + WINDOW_NEIGHBOURS + 1, count)))
    return tuple(sorted(chosen))


def _holding(text: str, needle: str, starts: list[int]) -> set[int]:
    """Indexes of the passages (starting at `starts` in `text`) where `needle` occurs."""
    found: set[int] = set()
    at = text.find(needle)
    while at >= 0:
        index = bisect_right(starts, at) - 1
        found.add(index)
        # the rest of this passage holds nothing new: go on from the next one
        at = text.find(needle, starts[index + 1]) if index + 1 < len(starts) else -1
    return found


def chunks(passages: Sequence[str]) -> list[str]:
    """`passages`, those longer than _CHUNK_CHARS cut at spaces into pieces of about that."""
    out: list[str] = []
    for passage in passages:
        while len(passage) > _CHUNK_CHARS:
            cut = passage.rfind(" ", _CHUNK_CHARS // 2, _CHUNK_CHARS)
            cut = cut if cut > 0 else _CHUNK_CHARS
            out.append(passage[:cut])
            passage = passage[cut:].lstrip()
        if passage:
            out.append(passage)
    return out


def window_text(query: str, text: str) -> str:
    """`text` as read for `query`: itself, or for a long text its window (blank-line
    separated passages, in document order)."""
    if not is_long(text):
        return text
    passages = chunks([b for b in text.split("\n\n") if b.strip()])
    return "\n\n".join(passages[i] for i in window(query, passages))
