"""Lexical support signals: how much of what a claim says can be found in its source.

A claim is supported when every fact in it is in the source, not merely its topic:
a claim that adds a date, a number or a name the source lacks is at best partially
supported. So the signals measure coverage of the claim's content words, numbers and
names in the best sentences (alone and together) and in the whole source, how
much of the claim is missing, and what the claim's aligned passage contradicts.
`signals()` returns them as a fixed-order vector that a fitted logistic model (see
calibration.py) turns into a score.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from checker.evidence.retrieval import PassageIndex
from checker.figures import canonical_figures
from checker.support.candidates import Candidates, source_sentences
from checker.support.mismatches import Mismatch, MismatchKind
from checker.text import STOPWORDS, content_words, entities, fold, numbers, words

SIGNAL_NAMES: tuple[str, ...] = (
    "coverage_best",  # idf-weighted share of claim words in the best sentence
    "coverage_top2",  # ... in the two best sentences together
    "coverage_top5",  # ... in the five best sentences together
    "coverage_nearby",  # ... in the best sentence and the two on either side of it
    "coverage_source",  # ... anywhere in the source
    "prefixes_top5",  # share of claim words whose first 5 letters start a top-5 word
    "missing_top5",  # log(1 + claim words absent from the five best sentences)
    "missing_source",  # log(1 + claim words absent from the whole source)
    "missing_weight_top5",  # summed idf of the claim words absent from the five best
    "missing_weight_source",  # summed idf of the claim words absent from the source
    "numbers_top5",  # share of the claim's numbers found in the five best sentences
    "numbers_source",  # ... anywhere in the source
    "numbers_missing",  # how many of the claim's numbers the source lacks
    "names_top5",  # share of the claim's name words found in the five best sentences
    "bigrams_top5",  # share of the claim's word pairs found as pairs in the best sentences
    "claim_length",  # log(1 + claim content words): long claims carry more to miss
    # Measured in the aligned passage only (alignment.py, mismatches.py):
    "figure_mismatches",  # claim figures (numbers, dates, units) the passage replaces
    "name_mismatches",  # claim names the passage replaces with others
    "negation_mismatches",  # negations or polarity ("rose"/"fell") that disagree
    "role_swaps",  # who did what to whom, reversed
)
# Letters compared by the prefix signal: "elected" ~ "election", "married" ~ "marriage".
PREFIX_LETTERS = 5
# Sentences either side of the best one counted as "nearby": evidence clusters.
NEARBY = 2


@dataclass(frozen=True)
class SourceAnalysis:
    """What the signals need from a source, computed once per source text."""

    sentences: tuple[str, ...]
    index: PassageIndex
    terms: frozenset[str]  # every content word of the source
    numbers: frozenset[str]
    folded: str  # the whole text folded, padded with spaces for whole-word search


# Small: a source can be megabytes, and the claims citing one source come together.
@lru_cache(maxsize=16)
def analyse_source(text: str) -> SourceAnalysis:
    """Split and index a source once; several claims citing it reuse the result.

    The index holds the sentences with figures by value ("$4,200 million" and "$4.2
    billion" are one word, "Oct. 27" and "27 October" the same words): query it with
    `canonical_figures(claim)`."""
    sentences = tuple(source_sentences(text))
    canonical = [canonical_figures(s) for s in sentences]
    index = PassageIndex(canonical)
    terms = frozenset(t for counts in index.terms for t in counts)
    return SourceAnalysis(
        sentences=sentences,
        index=index,
        terms=terms,
        numbers=frozenset(n for s in canonical for n in _number_keys(s, canonical=True)),
        folded=f" {fold(' '.join(canonical))} ",
    )


def _number_keys(text: str, *, canonical: bool = False) -> set[str]:
    # Figures by value ("$4,200 million" = "$4.2 billion"); "41.3 %" and "41.3%", "-10"
    # (from a date 2004-10-19) and "10" should match.
    text = text if canonical else canonical_figures(text)
    return {n.strip("+-%") for n in numbers(text)} - {""}


def _share(wanted: Iterable[Hashable], found: Iterable[Hashable]) -> float:
    """Share of `wanted` in `found`; 1.0 when nothing is wanted (nothing can be missing)."""
    wanted = set(wanted)
    if not wanted:
        return 1.0
    return len(wanted & set(found)) / len(wanted)


def _share_in_text(wanted: Iterable[str], padded_text: str) -> float:
    """Share of `wanted` phrases found as whole words in a space-padded folded text."""
    wanted = set(wanted)
    if not wanted:
        return 1.0
    return sum(1 for w in wanted if f" {w} " in padded_text) / len(wanted)


def _bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(tokens))


def signals(
    claim: str,
    source: SourceAnalysis,
    candidates: Candidates,
    mismatches: Sequence[Mismatch] = (),
) -> list[float]:
    """The lexical signals of `claim` against `source`, in SIGNAL_NAMES order.

    `mismatches` are those found in the claim's aligned passage (`find_mismatches`)."""
    claim = canonical_figures(claim)
    claim_words = content_words(claim)
    query = set(claim_words)
    count = max(len(source.sentences), 1)
    # Words the source never uses weigh the most: they are the claim's unsupported part.
    weight = {t: _idf(t, source, count) for t in query}
    total = sum(weight.values()) or 1.0
    ranked = [i for i, _ in candidates.ranked]

    def union(indexes: Iterable[int]) -> set[str]:
        return set().union(*(source.index.terms[i] for i in indexes))

    def coverage(found: set[str] | frozenset[str]) -> float:
        return sum(w for t, w in weight.items() if t in found) / total if query else 0.0

    def missing_weight(found: set[str] | frozenset[str]) -> float:
        return sum(w for t, w in weight.items() if t not in found)

    top5 = union(ranked[:5])
    nearby: set[str] = set()
    if ranked:
        last = min(ranked[0] + NEARBY + 1, len(source.sentences))
        nearby = union(range(max(ranked[0] - NEARBY, 0), last))
    top5_text = canonical_figures(" ".join(source.sentences[i] for i in ranked[:5]))
    top5_words = words(top5_text)
    top5_prefixes = {w[:PREFIX_LETTERS] for w in top5_words}
    plain_words = {w for w in words(claim) if w not in STOPWORDS and len(w) > 1}
    top5_pairs = set().union(*(_bigrams(content_words(source.sentences[i])) for i in ranked[:5]))

    claim_numbers = _number_keys(claim)
    name_words = {w for name in entities(claim) for w in fold(name).split()}
    kinds = Counter(m.kind for m in mismatches)

    return [
        coverage(union(ranked[:1])),
        coverage(union(ranked[:2])),
        coverage(top5),
        coverage(nearby),
        coverage(source.terms),
        _share({w[:PREFIX_LETTERS] for w in plain_words}, top5_prefixes),
        math.log1p(len(query - top5)),
        math.log1p(len(query - source.terms)),
        missing_weight(top5),
        missing_weight(source.terms),
        _share(claim_numbers, _number_keys(top5_text)),
        _share(claim_numbers, source.numbers),
        float(len(claim_numbers - source.numbers)),
        _share_in_text(name_words, f" {' '.join(top5_words)} "),
        _share(_bigrams(claim_words), top5_pairs),
        math.log1p(len(query)),
        float(kinds[MismatchKind.FIGURE]),
        float(kinds[MismatchKind.NAME]),
        float(kinds[MismatchKind.NEGATION] + kinds[MismatchKind.POLARITY]),
        float(kinds[MismatchKind.ROLE]),
    ]


def idf(term: str, source: SourceAnalysis) -> float:
    """How rare a (stemmed) word is among the source's sentences."""
    return _idf(term, source, max(len(source.sentences), 1))


def _idf(term: str, source: SourceAnalysis, count: int) -> float:
    frequency = source.index.document_frequency.get(term, 0)
    return math.log((count + 1.0) / (frequency + 0.5))
