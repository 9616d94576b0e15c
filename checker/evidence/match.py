"""Finding a passage in a document despite whitespace, punctuation, quote-style and
markup changes, and showing how it changed as a word-level diff.

Passages are compared on `checker.text.words` (lower-case, punctuation and typographic
quotes gone) with figures by value (`checker.figures`), so only a change of words or
values counts as a change: "12,500" → "12500" or "40 percent" → "40%" is none. A passage that is no
longer there verbatim is aligned, word by word, against the sentences around the
ones that share most words with it; the aligned stretch and its similarity
(0..1, difflib's 2·matches / total) say whether it was edited or is gone.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import chain

from checker.figures import canonical_figures, may_hold_figures
from checker.model import Document
from checker.text import STOPWORDS, normalize, split_sentences, words

SEEDS = 3  # sentences tried as the centre of an alignment
# Words of date stamps, counters and page furniture: a short line made only of these
# (and numbers and stopwords) changes on every visit without saying anything.
_STAMP_TEXT = """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday mon tue tues wed thu thur thurs fri sat sun am pm a.m p.m et est
    edt ct cst cdt mt mst mdt pt pst pdt gmt utc bst cet cest ist aest second seconds sec
    secs minute minutes min mins hour hours hr hrs day days week weeks month months year
    years ago today yesterday now just updated update published posted modified last first
    edited read reading time comments comment replies reply shares share views view likes
    like advertisement ad ads sponsored trending popular story stories article related
    listen print email
"""
_STAMP_WORDS = frozenset(_STAMP_TEXT.split())
_STAMP_MAX_WORDS = 15
DIFF_CONTEXT = 4  # unchanged words shown on each side of a change


@dataclass(frozen=True)
class Sentence:
    text: str  # as in the document, spaces collapsed
    paragraph: int  # index into Document.passages
    key: str  # its words, space-separated: what comparisons look at
    stamp: bool  # a date stamp / counter line ("Updated 3 hours ago"): not content


@dataclass(frozen=True)
class Layout:
    """A document cut into sentences, with one searchable string of all their words."""

    sentences: tuple[Sentence, ...]
    haystack: str  # " key0 key1 ... " so that " passage " finds whole-word runs
    starts: tuple[int, ...]  # offset of each sentence's key in haystack
    vocabulary: tuple[frozenset[str], ...]  # distinct words of each sentence


@dataclass(frozen=True)
class Match:
    similarity: float  # 1.0: same words in the same order
    first: int  # sentences of the layout the match touches, inclusive
    last: int
    text: str  # the matched words as the document shows them


@lru_cache(maxsize=16)
def layout(doc: Document) -> Layout:
    """Sentences of `doc`; cached because one page is judged for many citations."""
    sentences: list[Sentence] = []
    for index, passage in enumerate(doc.passages):
        passage = normalize(passage)
        figures = may_hold_figures(passage)  # no sentence of it does otherwise: skip the look
        for text in split_sentences(passage):
            tokens = token_words(text, figures=figures)
            if tokens:
                key = " ".join(tokens)
                sentences.append(Sentence(text, index, key, is_stamp(tokens)))
    starts: list[int] = []
    offset = 1
    for sentence in sentences:
        starts.append(offset)
        offset += len(sentence.key) + 1
    haystack = " " + " ".join(s.key for s in sentences) + " "
    vocabulary = tuple(frozenset(s.key.split()) for s in sentences)
    return Layout(tuple(sentences), haystack, tuple(starts), vocabulary)


def is_stamp(tokens: Sequence[str]) -> bool:
    """A short line of dates, times, counts and page labels ("Updated 10:32 AM", "12 comments")."""
    if not tokens or len(tokens) > _STAMP_MAX_WORDS:
        return False
    return all(t in _STAMP_WORDS or t in STOPWORDS or _is_figure(t) for t in tokens)


def _is_figure(token: str) -> bool:
    return token.replace(",", "").replace(".", "").isdigit()


def token_words(text: str, *, figures: bool = True) -> tuple[str, ...]:
    """`words` of `text` with figures by value ("12,500" and "12500" are one word), word by
    word through a cache: pages share most of their words. `figures` False: the caller
    knows `text` holds none."""
    text = canonical_figures(text) if figures else text
    return tuple(chain.from_iterable(map(_words_of_token, text.split())))


@lru_cache(maxsize=200_000)
def _words_of_token(token: str) -> tuple[str, ...]:
    found = tuple(words(token))
    if found and token[:1] in _CURRENCIES and token[1:2].isdigit():
        return (token[0] + found[0], *found[1:])  # "$4200000000" and "€4200000000" differ
    return found


_CURRENCIES = frozenset("$€£¥₹")


def locate(passage: str, where: Layout) -> Match | None:
    """Where `passage` is in the document, or its closest edited form; None if no word matches."""
    key = " ".join(token_words(passage))
    if not key or not where.sentences:
        return None
    found = where.haystack.find(f" {key} ")
    if found >= 0:
        first = bisect_right(where.starts, found + 1) - 1
        last = bisect_right(where.starts, found + len(key)) - 1
        return Match(1.0, first, last, " ".join(passage.split()))
    return _align(key.split(), where)


def _align(wanted: list[str], where: Layout) -> Match | None:
    wanted_set = set(wanted)
    overlap = [(len(wanted_set & v), i) for i, v in enumerate(where.vocabulary)]
    seeds = [i for score, i in sorted(overlap, key=lambda item: (-item[0], item[1])) if score][
        :SEEDS
    ]
    best: Match | None = None
    for seed in seeds:
        match = _align_around(wanted, where, seed)
        if match is not None and (best is None or match.similarity > best.similarity):
            best = match
    return best


def _align_around(wanted: list[str], where: Layout, seed: int) -> Match | None:
    """Align `wanted` with the sentences around `seed`, wide enough to hold it either side."""
    first = last = seed
    before = after = 0
    while first > 0 and before < len(wanted):
        first -= 1
        before += len(where.sentences[first].key.split())
    while last < len(where.sentences) - 1 and after < len(wanted):
        last += 1
        after += len(where.sentences[last].key.split())
    shown: list[str] = []  # the region's words as written
    owner: list[int] = []  # sentence of each shown word
    keys: list[str] = []  # comparable words, several per shown word at times ("well-known")
    source: list[int] = []  # shown word of each key
    for index in range(first, last + 1):
        for token in where.sentences[index].text.split():
            for word in _words_of_token(token):
                keys.append(word)
                source.append(len(shown))
            shown.append(token)
            owner.append(index)
    blocks = [b for b in SequenceMatcher(None, wanted, keys, autojunk=False).get_matching_blocks()]
    blocks = [b for b in blocks if b.size]
    if not blocks:
        return None
    # Keep the blocks on (near) the diagonal of the longest one: stray common words
    # elsewhere in the region are not part of this passage.
    main = max(blocks, key=lambda b: b.size)
    slack = max(3, len(wanted) // 2)
    kept = [b for b in blocks if abs((b.b - b.a) - (main.b - main.a)) <= slack]
    head, tail = kept[0], kept[-1]
    start = max(0, head.b - head.a)  # widen by the passage words missing at either end
    end = min(len(keys), tail.b + tail.size + (len(wanted) - tail.a - tail.size))
    lo, hi = source[start], source[end - 1]
    span_keys = keys[start:end]
    similarity = SequenceMatcher(None, wanted, span_keys, autojunk=False).ratio()
    return Match(similarity, owner[lo], owner[hi], " ".join(shown[lo : hi + 1]))


def word_diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """("=", text) / ("-", text) / ("+", text) ops turning `before` into `after`.

    Words are compared as `words` sees them, so punctuation or quote-style changes
    alone show as equal. Long unchanged stretches are shortened with "…".
    """
    old, new = before.split(), after.split()
    old_keys = [" ".join(_words_of_token(canonical_figures(t))) for t in old]
    new_keys = [" ".join(_words_of_token(canonical_figures(t))) for t in new]
    ops: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("=", _shorten(new[j1:j2], at_start=i1 == 0, at_end=i2 == len(old))))
            continue
        if i2 > i1:
            ops.append(("-", " ".join(old[i1:i2])))
        if j2 > j1:
            ops.append(("+", " ".join(new[j1:j2])))
    return tuple(ops)


def _shorten(tokens: list[str], *, at_start: bool, at_end: bool) -> str:
    keep = DIFF_CONTEXT
    if len(tokens) <= 2 * keep + 1:
        return " ".join(tokens)
    if at_start:
        return "… " + " ".join(tokens[-keep:])
    if at_end:
        return " ".join(tokens[:keep]) + " …"
    return " ".join(tokens[:keep]) + " … " + " ".join(tokens[-keep:])


def render_diff(diff: tuple[tuple[str, str], ...]) -> str:
    """One line an editor reads at a glance: [-removed-] {+added+}."""
    marks = {"=": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return " ".join(marks[op].format(text) for op, text in diff)
