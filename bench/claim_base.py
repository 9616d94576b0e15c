"""Base material for the claim cases: supported claims with the text that supports them.

- WiCE dev rows labelled `supported`: the claim, its cited page's sentences as the source, and
  the annotated supporting sentences as its support.
- English news pages: factual sentences of each article, lightly rewritten so the claim is a
  paraphrase the page still supports (never word for word); the article is the source.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from claim_edits_lexicon import MONTHS
from claim_paraphrase import rewrite_sentence
from claim_text import find_predicate, has_negation, is_english, split_sentences, stable_hash

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
WICE = DATA / "wice" / "claim-dev.jsonl"
NEWS = DATA / "news-pages" / "ground-truth.json"
_META = re.compile(r"^\(meta data\) [A-Z ]+: ")
_BAD = re.compile(
    r"https?:|www\.|@|\||©|…|\?|!|:|\b(click|subscribe|sign up|newsletter|cookies?|advertisement"
    r"|photo|image|getty|email us|read more|pp|footnote|isbn|retrieved)\b",
    re.IGNORECASE,
)
_FIRST_WORDS = set(
    "It This That These Those He She They His Her Their But And So Or Yet We I Let Turn Heat Add "
    "Place Stir Mix Remove Pour Bring Cook Boil Combine Check Make Try Take Use Get See Buy Keep "
    "Read Click Find Watch Follow Join Sign Shop Pick Grab Here There Which What".split()
)
_FIRST_PERSON = re.compile(r"\b(I|we|We|our|Our|us|my|My|you|You|your|Your)\b")
_VERB = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|said|says)\b")
NEWS_PER_PAGE = 30
WICE_PAGE_CLAIMS = 5
WICE_EXTRAS = 4


@dataclass(frozen=True)
class Part:
    """A supported claim and the sentences of its source that support it."""

    claim: str
    support: str
    kind: str = "page"  # "wice" (a WiCE claim), "page" (a rewritten page sentence), "extra"


@dataclass(frozen=True)
class Origin:
    """One WiCE row or one news page: its source text and the supported claims drawn from it.
    `claims` are the base claims; `extras` more supported sentences (for compound claims)."""

    key: str  # "wice:dev00866", "news:<page id>"
    short: str  # for case ids: "dev00866", "news-ef4e67b66d"
    source: str
    claims: tuple[Part, ...]
    extras: tuple[Part, ...]


def has_figure(sentence: str) -> bool:
    return bool(re.search(r"\d", sentence)) or any(m in sentence for m in MONTHS)


_RARE = re.compile(
    r"%|\bper ?cent\b|[$€£]\d|\b\d[\d,.]* ?(?:million|billion|metres|meters|miles|km|kg|feet|"
    r"hours|minutes|acres|tonnes|GB|MW|GW|mph|inch|pounds|dollars|euros)\b"
)


def _figure_rank(sentence: str) -> int:
    """2 for money, percentages and units (rarer edits), 1 for other figures and dates."""
    return 2 if _RARE.search(sentence) else int(has_figure(sentence))


def factual(sentence: str) -> bool:
    """A sentence worth turning into a claim: a statement of fact, 10-40 words, with a figure, a
    date or a capitalised name, not a quote, a question, an aside or navigation."""
    words = sentence.split()
    if not 10 <= len(words) <= 40 or not sentence.endswith(".") or not sentence[0].isupper():
        return False
    if ".." in sentence or re.search(r"[a-z] (The|A|In|It|This) [a-z]", sentence):
        return False  # an ellipsis, or two sentences run together without a full stop
    first = re.split(r"[,’']", words[0])[0]
    contracted = words[0] != first and first in {"It", "That", "There", "He", "She"}
    if first in _FIRST_WORDS or contracted:  # "It's", "That's": a comment, not a fact
        return False
    if _BAD.search(sentence) or '"' in sentence or "“" in sentence or "”" in sentence:
        return False
    if _FIRST_PERSON.search(sentence) or sentence.count("(") > 1:
        return False
    named = any(w[0].isupper() for w in words[1:])
    return has_figure(sentence) or named


def _rows() -> list[dict[str, Any]]:
    with WICE.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def _literal(value: Any) -> Any:
    return ast.literal_eval(value) if isinstance(value, str) else value


def wice_origins() -> list[Origin]:
    """Each WiCE row: its claim (when labelled supported, with its annotated support) and
    rewritten sentences of its cited page (rows of any label: the page is real either way)."""
    origins: list[Origin] = []
    for row in _rows():
        meta = _literal(row["meta"])
        evidence = [_META.sub("", s).strip() for s in row["evidence"]]
        source = "\n".join(evidence)
        if not is_english(source):
            continue
        groups = _literal(row["supporting_sentences"])
        indices = sorted({i for group in groups for i in group if 0 <= i < len(evidence)})
        claim = " ".join(row["claim"].split()).rstrip(".") + "."
        page = [s for i, s in enumerate(evidence) if i not in indices and s not in claim]
        claims = _pick(page, WICE_PAGE_CLAIMS, rewrite=True)
        extras: list[Part] = []
        if row["label"] == "supported":
            support = "\n".join(evidence[i] for i in indices)
            claims.insert(0, Part(claim, support, "wice"))
            extras = _pick(page, WICE_EXTRAS, rewrite=False)
        if claims:
            origins.append(
                Origin(f"wice:{meta['id']}", meta["id"], source, tuple(claims), tuple(extras))
            )
    return origins


@cache
def page_groups() -> dict[str, str]:
    """WiCE rows whose cited pages share text (5+ long sentences) -> one representative row, so
    that one page never lands in both splits."""
    rows = {f"wice:{_literal(r['meta'])['id']}": r for r in _rows()}
    parent = {key: key for key in rows}

    def root(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    owners: dict[str, list[str]] = {}
    for key in sorted(rows):
        for sentence in {
            s for s in rows[key]["evidence"] if len(s) > 60 and "(meta data)" not in s
        }:
            owners.setdefault(sentence, []).append(key)
    shared: Counter[tuple[str, str]] = Counter()
    for keys in owners.values():
        for index, first in enumerate(keys):
            for second in keys[index + 1 :]:
                shared[(first, second)] += 1
    for (first, second), count in sorted(shared.items()):
        if count >= 5:
            parent[root(second)] = root(first)
    return {key: root(key) for key in rows}


def _pick(sentences: list[str], limit: int, rewrite: bool) -> list[Part]:
    """Up to `limit` factual sentences, figures first, each (if `rewrite`) as a paraphrase."""
    seen: set[str] = set()
    ranked = sorted(
        (s for s in sentences if factual(s)),
        key=lambda s: (-_figure_rank(s), has_negation(s), stable_hash(s)),
    )
    parts: list[Part] = []
    for sentence in ranked:
        if sentence in seen:
            continue
        seen.add(sentence)
        if find_predicate(sentence) is None and not _VERB.search(sentence):
            continue  # a fragment: a caption, a list of ingredients, a reference
        claim = rewrite_sentence(sentence) if rewrite else sentence
        if (claim and claim != sentence) or (claim and not rewrite):
            parts.append(Part(claim, sentence, "page" if rewrite else "extra"))
        if len(parts) == limit:
            break
    return parts


def news_origins() -> list[Origin]:
    with NEWS.open(encoding="utf-8") as file:
        truth: dict[str, dict[str, Any]] = json.load(file)
    origins: list[Origin] = []
    for page_id in sorted(truth):
        body = truth[page_id]["articleBody"]
        if not is_english(body):
            continue
        sentences = split_sentences(body)
        parts = _pick(sentences, NEWS_PER_PAGE, rewrite=True)
        if not parts:
            continue
        origins.append(
            Origin(
                f"news:{page_id}", f"news-{page_id[:10]}", "\n".join(sentences), tuple(parts), ()
            )
        )
    return origins


def all_origins() -> list[Origin]:
    return wice_origins() + news_origins()
