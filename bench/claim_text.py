"""Text helpers for the claim cases: sentences, word search, verbs and the main predicate."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from claim_edits_lexicon import (
    AUXILIARIES,
    DETERMINERS,
    LEADERS,
    NEGATORS,
    NOUNISH,
    ORDINAL_WORDS,
    RELATIVES,
    VERB_DOUBLING,
    VERB_TABLE,
)

_ABBREVIATIONS = (
    "Mr Mrs Ms Dr St Jr Sr Inc Corp Co Ltd No Gov Sen Rep Gen Col Capt Lt Prof Mt Ft vs etc "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec U.S U.K D.C Sens Reps Govs Gens"
).split()
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_ENGLISH = set("the and of to in is was that for with on said are it by from".split())
_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’\-]*|\d[\d,.]*\d|\d|\S")


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


@cache
def sentences_of(text: str) -> tuple[str, ...]:
    """split_sentences, remembered: a source is split many times."""
    return tuple(split_sentences(text))


def split_sentences(text: str) -> list[str]:
    """Sentences of a page body, one paragraph at a time, keeping abbreviations whole."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n+", text):
        paragraph = " ".join(paragraph.split())
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            before = paragraph[start : match.start()].rstrip('"”’)')
            last = before.rsplit(" ", 1)[-1].rstrip(".")
            if last in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", last):
                continue
            sentences.append(paragraph[start : match.start()].strip())
            start = match.end()
        if paragraph[start:].strip():
            sentences.append(paragraph[start:].strip())
    return sentences


def is_english(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    return bool(words) and sum(word in _ENGLISH for word in words) / len(words) > 0.12


@cache
def word_pattern(phrase: str) -> re.Pattern[str]:
    """The phrase as whole words, any case, any run of spaces; digits not inside longer figures."""
    parts = [re.escape(part) for part in phrase.split()]
    return re.compile(r"(?<![\w.,])" + r"\s+".join(parts) + r"(?![\w]|[.,]\d)", re.IGNORECASE)


@lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    return " ".join(text.lower().split())


def occurs(phrase: str, text: str) -> bool:
    """Does `phrase` occur in `text` as whole words, in any case?"""
    if not phrase.strip() or " ".join(phrase.lower().split()) not in _folded(text):
        return False  # the cheap test first: most phrases looked for are absent
    return word_pattern(phrase).search(text) is not None


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z']+", text.lower())


def has_negation(text: str) -> bool:
    return "n't" in text.lower() or "n’t" in text.lower() or any(w in NEGATORS for w in words(text))


def first_word_case(text: str, source: str) -> str:
    """How the first word of a sentence is written after a conjunction: "lower" (a common
    word), "keep" (a name or an acronym) or "unknown" (the source does not tell)."""
    first = re.split(r"[\s,;:]", text, maxsplit=1)[0]
    if not first or (first.isupper() and len(first) > 1) or first == "I" or not first[0].isupper():
        return "keep"
    low = first.lower()
    if low in DETERMINERS | LEADERS | {"it", "he", "she", "they", "there"}:
        return "lower"
    inner = _inner_words(source)
    if not first[1:].islower() or first in inner:
        return "keep"  # capitalised in the middle of a sentence: a name
    return "lower" if low in inner else "unknown"


@lru_cache(maxsize=1024)
def _inner_words(source: str) -> frozenset[str]:
    """Words of the source as written after a lower-case word or a comma (not at a sentence
    start): a capitalised one there is a name, a lower-case one a common word."""
    return frozenset(re.findall(r"(?<=[a-z,] )([\w'’-]+)", source))


def lower_first(text: str, source: str = "") -> str:
    """A sentence written to follow a conjunction: "The band ..." -> "the band ..."; other first
    words are lowered when `source` writes them in lower case ("Another", "Union")."""
    if first_word_case(text, source) == "lower":
        return text[0].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def strip_end(sentence: str) -> str:
    """The sentence without its final full stop (kept after an abbreviation such as "D.C.")."""
    sentence = sentence.strip()
    if re.search(r"(\b[A-Z]\.[A-Z]\.|\b(?:Inc|Corp|Co|Jr|Sr|Ltd)\.)$", sentence):
        return sentence
    return sentence[:-1] if sentence.endswith((".", "!")) else sentence


# ---- verbs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verb:
    base: str
    past: str
    participle: str
    gerund: str
    third: str
    agentive: bool
    completive: bool


def _regular_past(base: str) -> str:
    if base.endswith("e"):
        return base + "d"
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ied"
    if base in VERB_DOUBLING:
        return base + base[-1] + "ed"
    return base + "ed"


def _gerund(base: str) -> str:
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    if base in VERB_DOUBLING:
        return base + base[-1] + "ing"
    return base + "ing"


def _third(base: str) -> str:
    if re.search(r"(s|sh|ch|x|z|o)$", base):
        return base + "es"
    if re.search(r"[^aeiou]y$", base):
        return base[:-1] + "ies"
    return base + "s"


@cache
def verbs() -> dict[str, tuple[Verb, str]]:
    """Inflected form -> (verb, which form: past, participle, third, base)."""
    table: dict[str, tuple[Verb, str]] = {}
    for entry in re.split(r"[;\n]", VERB_TABLE):
        if not entry.strip():
            continue
        base, past, participle, flags = entry.split()
        past = _regular_past(base) if past == "-" else past
        participle = past if participle == "-" else participle
        verb = Verb(base, past, participle, _gerund(base), _third(base), "a" in flags, "f" in flags)
        for form, kind in ((base, "base"), (verb.third, "third"), (participle, "participle")):
            table.setdefault(form, (verb, kind))
        table[past] = (verb, "past")
        table.setdefault(verb.gerund, (verb, "gerund"))
    return table


def verb_forms(verb: Verb) -> set[str]:
    return {verb.base, verb.past, verb.participle, verb.gerund, verb.third}


# ---- the main predicate ----------------------------------------------------------------------


@dataclass(frozen=True)
class Predicate:
    """Where the main verb of a claim sits, and what kind it is."""

    start: int  # character offset of the verb (or auxiliary)
    end: int
    word: str
    kind: str  # "aux", "past" or "third"
    verb: Verb | None  # the lexical verb (for "aux": the participle after it, if known)
    next_start: int  # offset just after the word and one space
    plural: bool
    clause_start: int  # where the main clause begins


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _clause_start(text: str, tokens: list[tuple[str, int, int]]) -> int:
    """Skip leading phrases: "In 2013, ...", "After X did Y, ...", "Staring at ..., ..."."""
    start, index = 0, 0
    while index < len(tokens):
        first = tokens[index][0].lower()
        if not (first in LEADERS or first in _OPENERS or first.endswith("ing")):
            return start
        for at in range(index + 1, min(len(tokens), index + 30)):
            token, _, end = tokens[at]
            if token != ",":
                continue
            nxt = tokens[at + 1][0] if at + 1 < len(tokens) else ""
            if tokens[at - 1][0].isdigit() and nxt.isdigit():
                continue  # "On March 1, 2017 Powell ...": a comma inside a date
            start, index = end, at + 1
            break
        else:
            return start
    return start


_OPENERS = {"shortly", "just", "soon", "even", "only", "immediately", "long", "closer", "aside"}
_SUBORDINATORS = {
    "before",
    "after",
    "when",
    "while",
    "because",
    "if",
    "although",
    "though",
    "since",
    "until",
    "unless",
    "whether",
    "as",
    "once",
    "where",
    "whereas",
    "so",
}
_CONTRACTED = re.compile(r"(?i)(that|it|he|she|there|what|here|who|where)['’]s")
_QUANTIFIERS = {"other", "many", "several", "few", "both", "all", "most", "such", "last", "new"}
_STOPS = set(
    "of in with for from at on by to through under over into about like during after before near "
    "familiar who which that ,".split()
)
_COMMON_PLURALS = set(
    "sources tariffs travellers travelers studies analysts officials researchers scientists "
    "experts critics investors voters residents users employees workers students teams fans "
    "players lawmakers democrats republicans shares prices stocks sales reports authorities "
    "doctors lots executives shoppers consumers customers farmers companies firms states "
    "countries".split()
)
_PLURAL_ENDINGS = tuple(
    "ens ers ists ions ments ies ants ents ors als ics ings ures ties ees ches shes ats ams".split()
)
_IRREGULAR_PLURALS = {"people", "police", "children", "men", "women", "officials", "media"}


def _plural(subject: str) -> bool:
    """Is the head of the subject plural? Its head is the last word before a modifier."""
    head_words: list[str] = []
    for word in subject.replace(",", " , ").split():
        if word.lower() in _STOPS or word == "—":
            break
        participle = verbs().get(word, (None, ""))[1] in {"past", "participle"}
        if head_words and word.islower() and (word.endswith("ed") or participle):
            break  # "Specimens collected through ...": a modifier after the head
        head_words.append(word)
    if not head_words:
        return False
    if " and " in f" {subject} " or head_words[-1].lower() in {"they", "we", "both"}:
        return True
    last = head_words[-1]
    if len(head_words) == 1 and subject.lstrip().startswith(last):
        # The first word of the sentence: a name ("Giantsopoulos") unless a known plural noun.
        low = last.lower()
        return low in _COMMON_PLURALS | _IRREGULAR_PLURALS or low.endswith(_PLURAL_ENDINGS)
    if last.lower() in _IRREGULAR_PLURALS:
        return True
    return last.islower() and last.endswith("s") and not last.endswith(("ss", "us", "is", "'s"))


def _subject_ok(words_before: list[str]) -> bool:
    """The words between the clause start and the verb read as a plain subject."""
    if len(words_before) > 14:
        return False
    table = verbs()
    lowered = [w.lower() for w in words_before]
    if any(w in _SUBORDINATORS for w in lowered):
        return False
    if any(table.get(w, (None, ""))[1] == "base" for w in words_before):
        return False  # "TVs also include ... bought": a verb we do not know came first
    if all(w in {"thus", "then", "so", "hence", "here", "there", "now", "only"} for w in lowered):
        return False  # "Thus started ...": the subject comes after the verb
    content = [w for w in lowered if not w.endswith("ly")]
    if content and (
        content[-1] in {"and", "or", "but", "nor"} or content[-1].endswith(("'s", "’s"))
    ):
        return False
    return not (content and (content[-1] in ORDINAL_WORDS or content[-1][:1].isdigit()))


@lru_cache(maxsize=16384)
def find_predicate(text: str) -> Predicate | None:
    """The first finite verb of the main clause, or None when it cannot be placed with
    confidence (a relative or subordinate clause before it, a verb we do not know, quotes)."""
    tokens = _tokens(text)
    start = _clause_start(text, tokens)
    table = verbs()
    in_quote = False
    depth = 0
    before: list[str] = []
    for index, (token, begin, end) in enumerate(tokens):
        if begin < start:
            continue
        if token in {'"', "“", "”"}:
            in_quote = token == "“" or (token == '"' and not in_quote)
            continue
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        if in_quote or depth or not token[0].isalpha():
            continue
        low = token.lower()
        if (before and low in RELATIVES) or (_CONTRACTED.fullmatch(token) and not before):
            return None  # "The collection that X amassed was", "That's ..."
        nxt = tokens[index + 1][1] if index + 1 < len(tokens) else end
        after = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        subject = text[start:begin]
        entry = table.get(token)
        is_aux = low in AUXILIARIES and token == low
        if before and (is_aux or (entry and entry[1] in {"past", "third"} and token == low)):
            if not _subject_ok(before):
                return None
            plural = _plural(subject)
            if is_aux:
                participle = None
                follow = table.get(after)
                participle = follow[0] if follow and follow[1] in {"participle", "past"} else None
                return Predicate(begin, end, token, "aux", participle, nxt, plural, start)
            assert entry is not None
            if before[-1].lower() in DETERMINERS | AUXILIARIES | _QUANTIFIERS or after in {
                "and",
                "or",
                "by",
            }:
                return None  # "the elected mayor", "recorded and produced", "launched by X"
            if entry[1] == "third" and (
                token in NOUNISH or table.get(after, (None, ""))[1] == "base"
            ):
                return None  # "Other features include": a plural noun, not a verb
            if entry[1] == "third" and plural:
                return None
            return Predicate(begin, end, token, entry[1], entry[0], nxt, plural, start)
        before.append(token)
    return None


@dataclass(frozen=True)
class Edit:
    """One rewrite of a claim: the family and variant it belongs to, the new claim, and for an
    unsupported rewrite the span of the new claim that is wrong ("" for a control)."""

    family: str
    variant: str
    claim: str
    changed: str = ""
