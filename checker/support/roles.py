"""Who did what to whom: a claim that reverses the roles of its aligned passage.

"The company fined the council" against "the council fined the company" shares every
word with its source; only the order around the verb tells them apart. The passive
voice turns the order round ("the company was fined by the council"), so it is read
as such on either side. Verbs are told by spelling alone ("-ed", irregular pasts).
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.support.alignment import IRREGULAR, REACH, Alignment, Token, token_key

# Words allowed between a verb and its argument: "the company *was* fined *by the* council".
_FILLERS = frozenset(
    """
    the a an was were is are has have had been be being will would did does do also by
    its his her their this that these those
    """.split()
)
_DETERMINERS = frozenset("the a an its his her their this that".split())
_AUXILIARIES = frozenset({"be", "have", "do"})
_PAST_FORMS = frozenset(form for form, lemma in IRREGULAR.items() if lemma not in _AUXILIARIES)
# Verbs whose past is their present: "Wales beat Hungary".
_SAME_PAST = frozenset("beat hit cut put set hurt cost bid quit let shut spread cast upset".split())
_IRREGULAR_LEMMAS = frozenset(
    token_key(lemma) for lemma in (frozenset(IRREGULAR.values()) - _AUXILIARIES) | _SAME_PAST
)


def swapped_roles(alignment: Alignment) -> Iterator[tuple[str, str]]:
    """(claim's order, passage's order) wherever who did what to whom is reversed."""
    claim, source = alignment.claim, alignment.source
    for i, verb in enumerate(claim):
        if not _verb_like(verb):
            continue
        pv = alignment.place(verb)
        if pv is None:
            continue
        before, after = _argument(alignment, i, -1, pv), _argument(alignment, i, +1, pv)
        if before is None or after is None:
            continue
        (ia, pa), (ib, pb) = before, after
        if claim[ia].key == claim[ib].key:
            continue
        named = claim[ia].name or claim[ib].name
        if not (named or (_nominal(claim, ia) and _nominal(claim, ib))):
            continue  # a person, an organisation or "the council": someone who can act
        if pa < pv < pb:
            passage_forward = True
        elif pb < pv < pa:
            passage_forward = False
        else:
            continue
        claim_passive = _passive(claim, i, ib)
        passage_passive = _passive(source, pv, pb if passage_forward else pa)
        if passage_forward == (claim_passive == passage_passive):
            continue  # the same roles, in the same voice or through a passive
        yield f"{claim[ia].text} {verb.text} {claim[ib].text}", _order(source, pv, pa, pb)


def _argument(alignment: Alignment, index: int, step: int, verb_at: int) -> tuple[int, int] | None:
    """The word next to a claim verb on one side (only articles, auxiliaries or "by"
    between), and its passage position nearest the verb's: "the council *fined* the
    company"."""
    claim = alignment.claim
    for distance in range(1, REACH + 1):
        j = index + step * distance
        if not 0 <= j < len(claim) or (claim[j if step > 0 else j + 1].sentence_start):
            return None
        if claim[j].content and not claim[j].figure:
            places = alignment.positions.get(claim[j].key, ())
            if not places:
                return None
            return j, min(places, key=lambda p: abs(p - verb_at))
        if claim[j].key not in _FILLERS:
            return None  # "X, and featured", "X of Y": not the verb's own argument
    return None


def _nominal(tokens: tuple[Token, ...], index: int) -> bool:
    """A name, or a word after an article: someone or something that can act."""
    if tokens[index].name:
        return True
    return index > 0 and tokens[index - 1].key in _DETERMINERS


def _verb_like(token: Token) -> bool:
    """A finite verb, as far as spelling tells: "fined", "beat", "sues"."""
    if not token.content or token.figure or token.name:
        return False
    lower = token.text.lower()
    return lower.endswith("ed") or lower in _PAST_FORMS or token.key in _IRREGULAR_LEMMAS


def _passive(tokens: tuple[Token, ...], verb: int, argument: int) -> bool:
    """`by` between a verb and the argument after it: "was fined *by* the council"."""
    return any(t.key == "by" for t in tokens[verb + 1 : argument])


def _order(source: tuple[Token, ...], pv: int, pa: int, pb: int) -> str:
    first, last = sorted((pa, pb))
    return f"{source[first].text} {source[pv].text} {source[last].text}"
