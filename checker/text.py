"""Text primitives shared by ingest, evidence and support: normalization,
sentences, tokens, and the facts whose change matters (numbers, negation, names).

All functions are pure and cheap; they are called on every passage of every page.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u200b": "",
        "\u00ad": "",
    }
)
# str.translate looks every character up; a regex finds the few there are, in C.
_QUOTE_CHAR = re.compile("[" + "".join(chr(c) for c in _QUOTES) + "]")
_SPACE = re.compile(r"\s+")


def _plain_quote(match: re.Match[str]) -> str:
    return str(_QUOTES[ord(match.group())])


_WORD = re.compile(r"[^\W_]+(?:['.,][^\W_]+)*", re.UNICODE)

STOPWORDS = _wordset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself of off on once only or
    other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves said says say according per via among amid upon
    within without
    """
)
NEGATIONS = _wordset(
    """
    not no never none nobody nothing neither nor cannot can't won't don't doesn't didn't
    isn't aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't
    mustn't without refused denied deny denies rejected unable fail failed fails
    """
)
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "thousand": "1000", "million": "1000000", "billion": "1000000000", "half": "0.5",
    "dozen": "12",
}  # fmt: skip
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?%?")
_MONTHS = _wordset(
    """
    january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
_ENTITY = re.compile(r"\b[A-Z][\w'’&.-]*(?:\s+(?:of|de|la|van|von|the|and|&)?\s*[A-Z][\w'’&.-]*)*")
# A sentence ends at . ! ? (optionally followed by quotes/brackets) before a capital,
# a digit, a quote or an opening bracket; abbreviations below do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9\u00C0-\u024F])")
_ABBREVIATIONS = _wordset(
    """
    mr mrs ms dr prof sr jr st no vs etc inc ltd co corp gov sen rep gen col lt jan feb
    mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e a.m p.m fig approx dept est
    """
)


def normalize(text: str) -> str:
    """Unicode-normalized, typographic quotes and dashes made plain, spaces collapsed."""
    if not text.isascii():  # ASCII is its own NFKC form and has no quote to translate
        text = _QUOTE_CHAR.sub(_plain_quote, unicodedata.normalize("NFKC", text))
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """`normalize`, lower-cased and with punctuation dropped: for fuzzy comparison."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """Lower-case word tokens; numbers keep their inner separators (1,000 and 3.5)."""
    return _WORD.findall(normalize(text).lower())


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match "refuses"/"refused"/"refusing"."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "edly", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ies", "ied") else base
    return word


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning (stopwords and 1-letter tokens removed)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def numbers(text: str) -> set[str]:
    """Numbers as written (1,000 → 1000; 5% → 5%), plus spelled-out small numbers."""
    found = {m.group().replace(",", "").lstrip("+") for m in _NUMBER.finditer(normalize(text))}
    found |= {_NUMBER_WORDS[w] for w in words(text) if w in _NUMBER_WORDS}
    return found


def negations(text: str) -> set[str]:
    toks = words(text)
    found = {w for w in toks if w in NEGATIONS}
    found |= {"not" for w in toks if w.endswith("n't")}
    return found


def months(text: str) -> set[str]:
    return {w[:3] for w in words(text) if w in _MONTHS}


def entities(text: str) -> set[str]:
    """Capitalized names that do not merely start a sentence (a cheap NER stand-in)."""
    found: set[str] = set()
    for sentence in split_sentences(normalize(text)):
        for match in _ENTITY.finditer(sentence):
            name = match.group().strip(" .-'")
            if match.start() == 0 and " " not in name:
                continue  # sentence-initial single capitalized word: not evidence of a name
            if name.lower() in STOPWORDS or len(name) < 2:
                continue
            found.add(name.lower())
    return found


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences; newlines always end a sentence."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(line):
            candidate = line[start : match.start()].rstrip()
            last = candidate.rsplit(None, 1)[-1].lower().rstrip(".") if candidate else ""
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            out.append(line[start : match.end()].strip())
            start = match.end()
        tail = line[start:].strip()
        if tail:
            out.append(tail)
    return out
