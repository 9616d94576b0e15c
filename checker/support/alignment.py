"""Where in the source a claim is: the aligned passage and its word-to-word alignment.

Mismatch checks ("claim says 21, source says 12") only make sense where the claim is:
a number, a name or a "not" anywhere else on the page says nothing about this claim.
`align` picks, among the best BM25 sentences alone and with a neighbour, the window
that covers most of the claim's weighted content words, and tokenizes both sides the
same way (figures by value, irregular verbs by lemma) so that they can be compared
token by token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from checker.figures import canonical_figures
from checker.support.candidates import Candidates
from checker.text import NEGATIONS, STOPWORDS, normalize, stem

# Ranked sentences tried as the centre of the aligned window.
CENTRES = 3
# How far (in tokens) an anchor, a governed word, a negation or a verb's argument may sit.
REACH = 4
# A two-sentence window must cover this much more of the claim than one sentence alone.
WIDER_GAIN = 0.1

_TOKEN = re.compile(r"[$€£¥₹]?\d[\d.]*(?:pct)?|[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
# Irregular verb forms by lemma: "gave" and "given" must align with "give".
IRREGULAR = {
    form: lemma
    for lemma, forms in {
        "be": "was were been is are am being",
        "have": "has had having",
        "do": "did done does",
        "give": "gave given",
        "take": "took taken",
        "make": "made",
        "go": "went gone",
        "win": "won",
        "lose": "lost",
        "say": "said",
        "tell": "told",
        "hold": "held",
        "find": "found",
        "become": "became",
        "begin": "began begun",
        "write": "wrote written",
        "lead": "led",
        "pay": "paid",
        "meet": "met",
        "sell": "sold",
        "buy": "bought",
        "bring": "brought",
        "build": "built",
        "see": "saw seen",
        "know": "knew known",
        "get": "got gotten",
        "run": "ran",
        "rise": "rose risen",
        "fall": "fell fallen",
        "grow": "grew grown",
        "choose": "chose chosen",
        "drive": "drove driven",
        "speak": "spoke spoken",
        "stand": "stood",
        "think": "thought",
        "send": "sent",
        "spend": "spent",
        "keep": "kept",
        "feel": "felt",
        "hear": "heard",
        "come": "came",
        "leave": "left",
        "teach": "taught",
        "catch": "caught",
        "fight": "fought",
        "seek": "sought",
        "sink": "sank sunk",
        "shoot": "shot",
        "strike": "struck",
        "steal": "stole stolen",
        "break": "broke broken",
        "forbid": "forbade forbidden",
        "hide": "hid hidden",
        "bear": "bore born borne",
        "draw": "drew drawn",
        "throw": "threw thrown",
        "fly": "flew flown",
        "show": "shown",
        "eat": "ate eaten",
        "sit": "sat",
        "lie": "lay lain",
        "sing": "sang sung",
        "swim": "swam swum",
        "wear": "wore worn",
        "shake": "shook shaken",
        "freeze": "froze frozen",
        "wake": "woke woken",
        "ride": "rode ridden",
        "bind": "bound",
        "flee": "fled",
        "feed": "fed",
        "deal": "dealt",
        "mean": "meant",
        "lend": "lent",
        "bend": "bent",
        "sleep": "slept",
        "sweep": "swept",
        "light": "lit",
        "slide": "slid",
    }.items()
    for form in forms.split()
}


@dataclass(frozen=True)
class Token:
    """One word or figure, as written and as compared."""

    text: str  # as written (figures in canonical form: "$3000000", "40pct")
    key: str  # what is compared: lemma or stem, lower case; a figure's value
    name: bool  # capitalized where a sentence does not start: part of a name
    figure: bool
    sentence_start: bool

    @property
    def content(self) -> bool:
        return self.figure or (self.key not in STOPWORDS and len(self.key) > 1)

    @property
    def negation(self) -> bool:
        # by the word as written: "noted" stems to "not"
        lower = self.text.lower()
        return lower in NEGATIONS or lower.endswith("n't")

    @property
    def kind(self) -> str:
        """What sort of figure: year, percentage, money or a plain number."""
        if not self.figure:
            month = self.text.lower() in MONTHS
            return "month" if month else ("name" if self.name else "word")
        if self.text.endswith("pct"):
            return "percent"
        if not self.text[0].isdigit():
            return "money"
        return "year" if _YEAR.fullmatch(self.text) else "number"


# Spellings of one unit: "230 metres" and "230 meters" say the same.
_UNIT_SPELLINGS = {
    form: unit
    for unit, forms in {
        "km": "kilometre kilometres kilometer kilometers kms",
        "metre": "metres meter meters",
        "mile": "miles",
        "foot": "feet ft",
        "kg": "kilogram kilograms kilo kilos kgs",
        "pound": "pounds lb lbs",
        "tonne": "tonnes ton tons",
        "litre": "litres liter liters",
        "percent": "per-cent",
    }.items()
    for form in forms.split()
}


def token_key(word: str) -> str:
    """What a word is compared by: its lemma (irregular verbs, unit spellings) or stem,
    one for "move", "moved" and "moving", "stop" and "stopped", "release" and "released"."""
    lower = word.lower().removesuffix("'s")
    found = IRREGULAR.get(lower) or _UNIT_SPELLINGS.get(lower)
    if found:
        return _whole_stem(found, found)
    plain = lower.replace("'", "")
    return _whole_stem(stem(plain), plain)


def _whole_stem(base: str, word: str) -> str:
    """The stem an -ed or -ing cut and the bare word share, as Porter's stemmer makes
    them: a doubled last letter goes ("stopp" → "stop"), and so does a final e ("move"
    → "mov", like "moved" → "mov"). Stopwords and short words are left as they are."""
    if word in STOPWORDS or len(base) < 4:
        return base
    if word.endswith(("ed", "ing")) and base != word and base[-1] == base[-2] not in "lsz":
        return base[:-1]
    if word.endswith("eed") and base.endswith("e"):
        return base + "e"  # "agreed" → "agree", as "agree" is
    return base[:-1] if base.endswith("e") and not base.endswith("ee") else base


_SENTENCE_MARKS = frozenset('.!?:;"(')  # one of these between two words: a new sentence


def tokenize(text: str) -> list[Token]:
    """Word and figure tokens of `text`, figures by value, sentence starts marked."""
    text = canonical_figures(normalize(text))
    out: list[Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        word = match.group()
        gap = text[previous_end : match.start()]
        starts = not out or not _SENTENCE_MARKS.isdisjoint(gap)
        previous_end = match.end()
        figure = word[0].isdigit() or (len(word) > 1 and word[1].isdigit())
        if figure:
            word = word.rstrip(".")
        out.append(
            Token(
                text=word,
                key=word if figure else token_key(word),
                name=not figure and word[0].isupper() and not starts and len(word) > 1,
                figure=figure,
                sentence_start=starts,
            )
        )
    for i, token in enumerate(out[:-1]):
        # "Scott Borchetta, who …": a capitalized first word before a name is its start
        if token.sentence_start and out[i + 1].name and _may_start_a_name(token):
            out[i] = replace(token, name=True)
    return out


def _may_start_a_name(token: Token) -> bool:
    return not token.figure and token.text[:1].isupper() and token.key not in STOPWORDS


@dataclass(frozen=True)
class Alignment:
    """The claim's tokens, the aligned passage's tokens and where each claim token is."""

    passage: str
    claim: tuple[Token, ...]
    source: tuple[Token, ...]

    @cached_property
    def positions(self) -> dict[str, tuple[int, ...]]:
        """Where each key occurs in the passage."""
        found: dict[str, list[int]] = {}
        for position, token in enumerate(self.source):
            found.setdefault(token.key, []).append(position)
        return {key: tuple(places) for key, places in found.items()}

    def found(self, token: Token) -> bool:
        """Is this claim token in the passage (same key, or a word sharing its first 5
        letters: "elected" ~ "election")?"""
        if token.key in self.positions:
            return True
        if token.figure or len(token.key) < 5:
            return False
        prefix = token.key[:5]
        return any(key.startswith(prefix) for key in self.positions)

    @cached_property
    def coverage(self) -> float:
        """Share of the claim's content words the passage has: how closely it is aligned."""
        content = [t for t in self.claim if t.content]
        return sum(1 for t in content if self.found(t)) / len(content) if content else 0.0

    def place(self, token: Token) -> int | None:
        """The passage position of a claim token found there exactly once, else None."""
        places = self.positions.get(token.key, ())
        return places[0] if len(places) == 1 else None


EMPTY = Alignment("", (), ())


def align(claim: str, candidates: Candidates, idf: Callable[[str], float]) -> Alignment:
    """The window of source sentences that best covers `claim`.

    `idf(word)` gives a claim word's importance over the source (rare words weigh
    more); the window is a best-ranked sentence alone or with a neighbour, whichever
    covers the most weight (a neighbour must add WIDER_GAIN of the total).
    """
    if not candidates.ranked:
        return EMPTY
    claim_tokens = tuple(tokenize(claim))
    weight = {t.key: idf(stem(t.text.lower())) for t in claim_tokens if t.content}
    total = sum(weight.values()) or 1.0
    best: tuple[float, int, Sequence[int]] | None = None
    count = len(candidates.sentences)
    for centre, _ in candidates.ranked[:CENTRES]:
        for window in ((centre,), (centre - 1, centre), (centre, centre + 1)):
            if window[0] < 0 or window[-1] >= count:
                continue
            text = " ".join(candidates.sentences[i] for i in window)
            keys = {t.key for t in tokenize(text)}
            covered = sum(w for k, w in weight.items() if k in keys) / total
            covered -= WIDER_GAIN * (len(window) - 1)
            if best is None or covered > best[0] + 1e-9:
                best = (covered, centre, window)
    assert best is not None
    passage = " ".join(candidates.sentences[i] for i in best[2])
    return Alignment(passage, claim_tokens, tuple(tokenize(passage)))
