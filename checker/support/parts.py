"""A claim in its parts: the facts a compound sentence states, judged one by one.

"The couple married in New York in December 2012, and their son was born the next
year" states two facts; a source that supports one of them does not support the
sentence. Newsrooms write such sentences all the time, often citing one source per
fact ("… [1] [2]"). `split_claim` cuts a claim where one fact ends and the next begins:

- at a semicolon;
- before a contrast or a second clause: ", while", ", whereas", ", but", ", and" + a
  clause, " while" in mid-sentence;
- between two predicates of one subject ("became engaged in 2015 and married in
  2017"): the second part gets the subject back ("They married in 2017");
- between the figures of a list ("rose 5% in 2019 and 7% in 2020"): the second gets
  the words before the first figure back ("… rose 7% in 2020").

A cut is made only where both sides keep enough to be a fact of their own (a figure
and a word, or three content words): "Smith and Jones founded the firm" stays whole.
Cutting too little is safe (the part is judged whole, as before); cutting a fact in
two could make each half look unsupported, so every rule errs on the side of whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from checker.support.alignment import IRREGULAR
from checker.text import STOPWORDS, words

# Content words a part needs to stand as a fact (with a figure, two are enough).
MIN_WORDS = 3
MIN_WORDS_WITH_FIGURE = 2
# More parts than this and the sentence is a list, judged as a whole.
MAX_PARTS = 6

_HARD = re.compile(r"\s*;\s+")
_CONTRAST = re.compile(
    r",\s+(?:while|whereas|but|although|though|yet)\s+|(?<=\w)\s+(?:while|whereas)\s+"
)
_AND = re.compile(r"(?:,\s+and|\s+and)\s+")
_FIGURE = re.compile(
    r"[$€£¥₹]?\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred)\b",
    re.IGNORECASE,
)
_ADVERBS = frozenset("later then also subsequently eventually finally again soon".split())
# Words that start a clause of its own after a bare "and": "… and they moved", "… and
# the band split". A capitalized word does too ("… and Dennis Whitted took over").
_CLAUSE_STARTS = frozenset("he she they it we i his her their its the this these those".split())
# A finite verb, as far as spelling tells ("married", "was", "became", "won").
_VERBS = frozenset(
    """
    is are was were has have had will would can could did does do become won lost
    made took gave went came left rose fell grew held led paid met sold bought built saw
    told said began wrote ran kept found brought became beat hit cut set put spent sent cost
    signed died married joined moved served played released founded opened closed
    """.split()
)


@dataclass(frozen=True)
class Part:
    """One fact of a claim: the words it is judged on, and where it stands in the claim."""

    text: str  # what is judged (a second predicate gets its subject back)
    start: int  # the span of the claim this part states
    end: int


def split_claim(claim: str) -> tuple[Part, ...]:
    """The facts `claim` states, in order; the whole claim when it states one."""
    text = claim.strip()
    if not text:
        return ()
    offset = claim.find(text)
    pieces = [(offset, offset + len(text), text)]
    for cut in (_cut_semicolons, _cut_contrasts, _cut_ands):
        pieces = [piece for span in pieces for piece in cut(*span)]
    if len(pieces) > MAX_PARTS:
        return (Part(text, offset, offset + len(text)),)
    return tuple(Part(_tidy(judged), start, end) for start, end, judged in pieces)


Piece = tuple[int, int, str]  # (start, end) in the claim, and the text judged


def _cut_semicolons(start: int, end: int, judged: str) -> list[Piece]:
    return _cut(start, end, judged, _HARD, lambda _left, _right, _match: "")


def _cut_contrasts(start: int, end: int, judged: str) -> list[Piece]:
    return _cut(start, end, judged, _CONTRAST, lambda _left, _right, _match: "")


def _cut_ands(start: int, end: int, judged: str) -> list[Piece]:
    return _cut(start, end, judged, _AND, _borrowed)


def _cut(
    start: int,
    end: int,
    judged: str,
    pattern: re.Pattern[str],
    borrow: Callable[[str, str, re.Match[str]], str | None],
) -> list[Piece]:
    """Cut `judged` (the claim's text at `start`..`end`) at each match of `pattern` where
    both sides stand as facts; `borrow` says what the next part takes from the one before
    it ("" nothing, None: no cut here)."""
    if start != end - len(judged):  # a part with borrowed words: cut no further
        return [(start, end, judged)]
    pieces: list[Piece] = []
    last, head = 0, ""
    for match in pattern.finditer(judged):
        left, right = head + judged[last : match.start()], judged[match.end() :]
        if match.start() == last or not (_stands(left) and _stands(right)):
            continue
        borrowed = borrow(left, right, match)
        if borrowed is None:
            continue
        pieces.append((start + last, start + match.start(), left))
        last, head = match.end(), borrowed
    pieces.append((start + last, end, head + judged[last:]))
    return pieces


def _borrowed(left: str, right: str, match: re.Match[str]) -> str | None:
    """What the part after "and" needs from the one before it to state its fact: ""
    (a clause of its own), the subject (a second predicate), the words before the
    first figure (a list of figures); None when "and" joins no two facts."""
    tail = left.lower().split()[-4:]
    if "between" in tail or "both" in tail:
        return None  # "between 2010 and 2015", "both Smith and Jones": one fact
    right_words = right.split()
    if len(right_words) > 2 and right_words[0].lower() in _ADVERBS:
        right_words = right_words[1:]  # "… and later taught in Boston"
    if _is_verb(right_words[0]):
        subject = _subject(left)
        return f"{subject} " if subject else None  # "… engaged in 2015 and married in 2017"
    clause = any(_is_verb(w) for w in right_words[1:5])
    figure = _FIGURE.search(left)
    if figure and _FIGURE.match(right_words[0]) and len(right_words) > 1 and not clause:
        return left[: figure.start()]  # "rose 5% in 2019 and 7% in 2020"
    if not any(_is_verb(w) for w in left.split()[1:]):
        return None  # "Mayor Reyes and Beyoncé gave …": "and" joins the subjects
    if match.group().startswith(","):
        # ", and their son was born the next year", ", and penguins live …"; not the last
        # item of a list ("Croatia, Germany, Netherlands, and Austria qualified")
        return None if _ends_a_list(left) else ""
    if clause and (right_words[0][0].isupper() or right_words[0].lower() in _CLAUSE_STARTS):
        return ""  # "… left the band and Dennis Whitted took over"
    return None


def _ends_a_list(left: str) -> bool:
    """Is the text before ", and" the end of a list ("Croatia, Germany, Netherlands")?"""
    _, comma, last = left.rpartition(", ")
    return bool(comma) and len(last.split()) <= 3


def _subject(clause: str) -> str:
    """The words before a clause's first verb: "They" of "They became engaged"."""
    tokens = clause.split()
    for index, token in enumerate(tokens):
        if index and _is_verb(token):
            return " ".join(tokens[:index])
    return ""


def _is_verb(token: str) -> bool:
    word = token.lower().strip(",.;:\"'()")
    return word in _VERBS or word in IRREGULAR or (word.endswith("ed") and len(word) > 4)


def _stands(text: str) -> bool:
    """Is there enough in `text` for a fact of its own?"""
    content = [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    need = MIN_WORDS_WITH_FIGURE if _FIGURE.search(text) else MIN_WORDS
    return len(content) >= need


def _tidy(text: str) -> str:
    return text.strip().strip(",;").strip()
