"""Negation and polarity: a claim that says the opposite of its aligned passage.

Negation comes in many forms, and each must be read as one:

- a plain negator before the word it bears on: not, no, never, no longer, no one,
  nobody, nothing, none, neither … nor, cannot, without, "-n't", rather than, instead of;
- a verb whose complement it denies: "refused *to* sign", "failed to win", "declined
  to comment", "has yet to vote", "was unable to attend", "prohibits local police
  *from* assisting", "barred from entering", "banned X from Y", "prevented", "denied";

"may not assist ICE" and "prohibits local police from assisting ICE" say the same.
A claim negating a word its passage states plainly (or the reverse) contradicts it,
but only where the passage's word stands in the claim's context: an "allow" about air
travel says nothing of "alcohol is not allowed". Polarity is the same test on
opposite words ("rose" / "fell", "approved" / "rejected").
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.support.alignment import REACH, Alignment, Token, token_key

PLAIN = frozenset(
    ["not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "cannot", "without"]
)
# Verbs (and an adjective or two) whose complement they deny, by the word that links it.
_DENYING = {
    "to": "refuse decline fail unable yet hesitate cease neglect",
    "from": "prohibit ban bar forbid prevent block stop exclude exempt restrict keep refrain",
}
DENYING_TO = frozenset(token_key(w) for w in _DENYING["to"].split())
DENYING_FROM = frozenset(token_key(w) for w in _DENYING["from"].split())
# Verbs that deny their object directly: "denied the charges", "rejected the offer".
DENYING_OBJECT = frozenset(token_key(w) for w in ("deny", "reject"))
# After a negator, words that are part of it, not what it bears on: "no longer", "no
# more", "no one", "not only … but".
_PART_OF_NEGATOR = frozenset({"longer", "more", "one", "1"})
# The reach (in tokens) of a verb over its "to"/"from" complement ("prohibits local
# police and sheriffs from assisting": five).
COMPLEMENT_REACH = 7
# A word of the passage is in the claim's context when another content word of the
# claim stands this close to it.
SCOPE = 8

_ANTONYMS = [
    ("rise", "fall"), ("increase", "decrease"), ("increase", "fall"), ("rise", "decline"),
    ("gain", "loss"), ("win", "lose"), ("won", "lost"), ("victory", "defeat"),
    ("higher", "lower"), ("more", "fewer"), ("more", "less"), ("largest", "smallest"),
    ("most", "least"), ("oldest", "youngest"), ("older", "younger"), ("first", "last"),
    ("approve", "reject"), ("accept", "reject"), ("support", "oppose"), ("allow", "ban"),
    ("allow", "forbid"), ("legal", "illegal"), ("open", "close"), ("hire", "fire"),
    ("convict", "acquit"), ("guilty", "innocent"), ("profit", "loss"),
    ("majority", "minority"), ("maximum", "minimum"), ("north", "south"), ("east", "west"),
    ("male", "female"), ("expand", "shrink"), ("success", "failure"),
]  # fmt: skip
ANTONYMS: dict[str, frozenset[str]] = {}
for _a, _b in _ANTONYMS:
    _ka, _kb = token_key(_a), token_key(_b)
    ANTONYMS[_ka] = ANTONYMS.get(_ka, frozenset()) | {_kb}
    ANTONYMS[_kb] = ANTONYMS.get(_kb, frozenset()) | {_ka}


# Two words that negate what follows them: "a choice *rather than* an absence of tools".
_PAIRED = {"rather": "than", "instead": "of"}


def negated_words(tokens: tuple[Token, ...], *, paired: bool = True) -> Iterator[int]:
    """Positions of the words a negation bears on, in any of its forms. Without `paired`,
    "rather than" and "instead of" are left out: a claim that did X "instead of
    attending" often rests on a source that never says so in as many words."""
    for index, token in enumerate(tokens):
        if _paired(tokens, index):
            if not paired:
                continue
            governed = _next_word(tokens, index + 1)
        elif is_plain_negator(token) or token.key in DENYING_OBJECT:
            governed = _next_word(tokens, index)
        elif token.key in DENYING_TO or token.key in DENYING_FROM:
            governed = _complement(tokens, index, "to" if token.key in DENYING_TO else "from")
        else:
            continue
        if governed is not None:
            yield governed


def is_negated(tokens: tuple[Token, ...], index: int) -> bool:
    """Does some negation, in any form, bear on the word at `index`?"""
    for j in range(index - 1, max(index - 1 - COMPLEMENT_REACH, -1), -1):
        if tokens[j + 1].sentence_start:
            return False
        token = tokens[j]
        near = index - j <= REACH
        if near and (token.negation or token.key in DENYING_OBJECT or _paired(tokens, j)):
            return True
        if token.key in DENYING_TO and _links(tokens, j, index, "to"):
            return True
        if token.key in DENYING_FROM and _links(tokens, j, index, "from"):
            return True
    return False


def _paired(tokens: tuple[Token, ...], index: int) -> bool:
    follower = _PAIRED.get(tokens[index].key)
    return follower is not None and index + 1 < len(tokens) and tokens[index + 1].key == follower


def is_plain_negator(token: Token) -> bool:
    lower = token.text.lower()  # as written: "noted" stems to "not"
    return lower in PLAIN or lower.endswith("n't")


def in_scope(alignment: Alignment, claim_index: int, place: int) -> bool:
    """Does the passage's word at `place` stand among the claim's other words (any
    content word of the claim but the one at `claim_index` within SCOPE tokens)?"""
    claim, source = alignment.claim, alignment.source
    own = claim[claim_index].key
    others = {t.key for i, t in enumerate(claim) if i != claim_index and t.content}
    others.discard(own)
    low, high = max(place - SCOPE, 0), min(place + SCOPE + 1, len(source))
    return any(source[p].key in others for p in range(low, high) if p != place)


def opposite_words(alignment: Alignment) -> Iterator[tuple[int, int]]:
    """(claim position, passage position) of words with opposite meanings, in context."""
    claim_keys = {t.key for t in alignment.claim}
    for i, token in enumerate(alignment.claim):
        opposites = ANTONYMS.get(token.key)
        if not opposites or token.key in alignment.positions:
            continue
        for opposite in sorted(opposites - claim_keys):
            places = [
                p for p in alignment.positions.get(opposite, ()) if _same_slot(alignment, i, p)
            ]
            if places:
                yield i, places[0]
                break


def _same_slot(alignment: Alignment, i: int, place: int) -> bool:
    """Do the claim's word at `i` and the passage's at `place` stand between the same
    words: a content word of the claim just before (or after) it is just before (or
    after) it in the passage too ("unemployment *fell* to 5.2%" / "unemployment rose to
    5.2%"; not "a bill *banning* sales" / "the bill allows transfers")?"""
    claim, source = alignment.claim, alignment.source
    for step in (-1, +1):
        near_claim = _content_near(claim, i, step)
        near_source = _content_near(source, place, step)
        if near_claim and near_source and near_claim & near_source:
            return True
    return False


def _content_near(tokens: tuple[Token, ...], index: int, step: int) -> set[str]:
    """Keys of the first two content words on one side of `index`, within its sentence."""
    found: set[str] = set()
    j = index + step
    while 0 <= j < len(tokens) and len(found) < 2 and abs(j - index) <= REACH:
        if (step < 0 and tokens[j + 1].sentence_start) or (step > 0 and tokens[j].sentence_start):
            break
        if tokens[j].content:
            found.add(tokens[j].key)
        j += step
    return found


def _next_word(tokens: tuple[Token, ...], index: int) -> int | None:
    """The word a plain negator bears on: the next content word ("did not *give*")."""
    for j in range(index + 1, min(index + 1 + REACH, len(tokens))):
        token = tokens[j]
        if token.sentence_start:
            return None
        if token.key in _PART_OF_NEGATOR and j == index + 1 and is_plain_negator(tokens[index]):
            continue  # "no longer works", "no one was hurt": it bears on what follows
        if token.key == "only" and j == index + 1:
            return None  # "not only … but": no negation at all
        if token.content and not token.negation and not token.figure:
            return j
    return None


def _complement(tokens: tuple[Token, ...], verb: int, link: str) -> int | None:
    """The word after a denying verb's "to"/"from": "refused to *sign*", "prohibits
    police from *assisting*"."""
    for j in range(verb + 1, min(verb + 1 + COMPLEMENT_REACH, len(tokens))):
        if tokens[j].sentence_start:
            return None
        if tokens[j].key == link:
            return _next_word(tokens, j)
    return None


def _links(tokens: tuple[Token, ...], verb: int, index: int, link: str) -> bool:
    """Is the word at `index` the complement of the verb at `verb` through `link`?"""
    return _complement(tokens, verb, link) == index
