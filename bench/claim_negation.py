"""Negation edits (the claim says the opposite) and negation controls (same meaning, other
words)."""

from __future__ import annotations

import re

from claim_edits_lexicon import (
    NEGATORS,
    NUMBER_WORDS,
    PASSIVE_FAILABLE,
    PEOPLE_NOUNS,
    WITH_VERBS,
)
from claim_text import (
    Edit,
    Predicate,
    find_predicate,
    has_negation,
    occurs,
    sentences_of,
    upper_first,
    verb_forms,
    verbs,
)

_RECIPROCAL = re.compile(
    r"\b(each other|one another|together|met|married|merged|partnered|teamed up|collaborated)\b"
)
_DATED = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b|\b(ago|since|until|by)\b")
_SAYING = {"said": "denied", "announced": "denied", "stated": "denied", "says": "denies"}
_SINGULAR = {"were": "was", "are": "is", "have": "has"}
_NOT_AFTER_NO_LONGER = {
    "a",
    "an",
    "the",
    "currently",
    "now",
    "still",
    "already",
    "also",
    "expected",
}
_AFTER_AUX_SKIP = set(
    "to not last just only already then later again reportedly previously first once recently "
    "initially originally widely briefly however thus therefore nonetheless nevertheless "
    "probably likely possibly perhaps".split()
)
_HEDGED_AUX = {"may", "might", "could", "should", "does", "do", "had"}
_COUNT = (
    r"(?:(?:more than|at least|about|some|nearly|over)\s+)?"
    r"(?:\d[\d,]*|" + "|".join(w for w, n in NUMBER_WORDS.items() if n > 1) + r"|several|many)"
)
_PEOPLE = re.compile(
    rf"\b{_COUNT}\s+(?:[a-z]+\s+)?(?:{'|'.join(sorted(PEOPLE_NOUNS))})\b", re.IGNORECASE
)
_NAME = r"(?:[A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*){0,3})"
_PAIR = re.compile(rf"(?:\bBoth\s+)?({_NAME})\s+and\s+({_NAME})")


def _after_word(text: str, offset: int) -> tuple[str, int]:
    match = re.match(r"\s*([\w'’-]+)", text[offset:])
    return (match.group(1), offset + match.end()) if match else ("", offset)


def _coordinated(tail: str) -> bool:
    """Does a second verb share the subject ("built on and improved on", "aired ... and
    launched")? Negating the first alone would leave an incoherent sentence."""
    clause = re.split(r"[,;:—]| - ", tail, maxsplit=1)[0]
    for m in re.finditer(r"\band (?:then |also |later )?([a-z]+)\b", clause):
        if verbs().get(m.group(1), (None, ""))[1] in {"past", "third"}:
            return True
    return False


def _verb_negations(claim: str, p: Predicate) -> list[Edit]:
    head, tail = claim[: p.start], claim[p.end :]
    out: list[Edit] = []
    if _coordinated(tail):
        return out

    def add(variant: str, group: str, rest: str) -> None:
        new = head + group + rest
        out.append(Edit("negation", variant, new, group))

    if p.kind == "aux":
        aux = p.word
        nxt, nxt_end = _after_word(claim, p.end)
        if aux in _HEDGED_AUX or nxt in _AFTER_AUX_SKIP or not nxt:
            return out
        if (
            aux in {"has", "have"}
            and nxt != "been"
            and verbs().get(nxt, (None, ""))[1] not in {"participle", "past"}
        ):
            return out  # "has seven members": "has" is the verb here, not an auxiliary
        if nxt in {"also", "still"}:  # "was also extended" -> "was also not extended"
            aux, nxt_after = f"{aux} {nxt}", _after_word(claim, nxt_end)
            nxt, nxt_end = nxt_after
        rest = claim[nxt_end:]
        negated = "cannot" if aux == "can" else f"{aux} not"
        if p.word in {"is", "was"} and nxt in {"a", "an"}:
            add("is_not_a", f"{negated} {nxt}", rest)
        elif p.word in {"was", "were"}:
            add("was_not", f"{negated} {nxt}", rest)
        else:
            add("not", f"{negated} {nxt}", rest)
        if (
            aux != "can"
            and not nxt.endswith("ing")
            and not (p.word in {"is", "are"} and nxt in _NOT_AFTER_NO_LONGER | {"part"})
        ):
            add("never", f"{aux} never {nxt}", rest)
        if p.word in {"is", "are"} and nxt not in _NOT_AFTER_NO_LONGER:
            add("no_longer", f"{aux} no longer {nxt}", rest)
        verb = p.verb
        if p.word in {"was", "were"} and verb and verb.base in PASSIVE_FAILABLE and aux == p.word:
            add("failed_to", f"failed to be {verb.participle}", rest)
        if p.word in {"has", "have"} and aux == p.word and not _DATED.search(claim):
            if verb and verb.completive:
                add("has_yet_to", f"{p.word} yet to {verb.base}", rest)
            elif nxt == "been":
                after, after_end = _after_word(claim, nxt_end)
                if verbs().get(after, (None, ""))[1] in {"participle", "past"}:
                    add("has_yet_to", f"{p.word} yet to be {after}", claim[after_end:])
        return out
    verb = p.verb
    assert verb is not None
    if p.kind == "third":
        add("not", f"does not {verb.base}", tail)
        add("never", f"never {verb.third}", tail)
        add("no_longer", f"no longer {verb.third}", tail)
        return out
    be = "were" if p.plural else "was"
    has = "have" if p.plural else "has"
    add("did_not", f"did not {verb.base}", tail)
    add("never", f"never {verb.past}", tail)
    if verb.completive:
        add("failed_to", f"failed to {verb.base}", tail)
        if not _DATED.search(claim):
            add("has_yet_to", f"{has} yet to {verb.base}", tail)
    if verb.agentive:
        add("refused_to", f"refused to {verb.base}", tail)
        if re.match(r"\s+\w+ing\b", tail):
            return out  # "started writing": "barred from starting writing" reads badly
        add("was_barred_from", f"{be} barred from {verb.gerund}", tail)
        add("prohibited_from", f"{be} prohibited from {verb.gerund}", tail)
    return out


def _denied(claim: str, p: Predicate) -> list[Edit]:
    denial = _SAYING.get(p.word)
    if not denial or p.kind not in {"past", "third"}:
        return []
    nxt, _ = _after_word(claim, p.end)
    tail = claim[p.end :]
    if nxt == "that" or (nxt in {"in", "on", "at", "during", "last", "this"} and " that " in tail):
        group = denial
    else:
        return []  # "announced the schedule": no clause to deny
    return [Edit("negation", "denied", claim[: p.start] + group + tail, group)]


def _nobody(claim: str, p: Predicate | None) -> list[Edit]:
    out: list[Edit] = []
    for match in _PEOPLE.finditer(claim):
        gap = claim[match.end() : p.start] if p else "x"
        subject = p is not None and match.start() <= p.clause_start + 1 and not gap.strip()
        after_verb = p is not None and p.kind == "past" and not claim[p.end : match.start()].strip()
        if not (subject or after_verb):
            continue
        for variant, word in (("no_one", "no one"), ("nobody", "nobody")):
            if subject and p is not None:
                group = upper_first(word) if match.start() == 0 else word
                verb_word = _SINGULAR.get(p.word, p.word)
                new = claim[: match.start()] + group + " " + verb_word + claim[p.end :]
            else:
                group = word
                new = claim[: match.start()] + word + claim[match.end() :]
            out.append(Edit("negation", variant, new, group))
    return out


def _neither(claim: str, p: Predicate | None) -> list[Edit]:
    if p is None:
        return []
    for match in _PAIR.finditer(claim):
        first, second = match.group(1), match.group(2)
        if "," in claim[match.start() : match.end()] or first.split()[0] in {"In", "On", "The"}:
            continue
        subject = match.start() == p.clause_start and not claim[match.end() : p.start].strip()
        after = p.kind == "past" and not claim[p.end : match.start()].strip()
        tail_ok = re.match(r"\s*(?:[.,;]|$|in\b|at\b|for\b|on\b)", claim[match.end() :])
        if subject:
            group = f"Neither {first} nor {second}"
            verb_word = _SINGULAR.get(p.word, p.word)
            new = claim[: match.start()] + group + " " + verb_word + claim[p.end :]
        elif after and tail_ok:
            group = f"neither {first} nor {second}"
            new = claim[: match.start()] + group + claim[match.end() :]
        else:
            continue
        return [Edit("negation", "neither_nor", new, group)]
    return []


def _without(claim: str) -> list[Edit]:
    for match in re.finditer(r"\b([a-z]+) with\b", claim):
        if match.group(1) in WITH_VERBS:
            group = f"{match.group(1)} without"
            new = claim[: match.start()] + group + claim[match.end() :]
            return [Edit("negation", "without", new, group)]
    return []


_MARKERS = {
    "never": ("never",),
    "no_longer": ("no longer",),
    "failed_to": ("failed", "fail", "unsuccessful"),
    "refused_to": ("refused", "refuse", "declined"),
    "was_barred_from": ("barred", "banned"),
    "prohibited_from": ("prohibited", "banned", "forbidden"),
    "has_yet_to": ("yet",),
    "denied": ("denied", "deny", "denies"),
    "without": ("without",),
    "no_one": ("no one", "nobody", "none"),
    "nobody": ("no one", "nobody", "none"),
    "neither_nor": ("neither", "nor"),
}


def _contradicts(edit: Edit, original: str, support: str) -> bool:
    """The support affirms what the edit negates: none of its sentences that share the
    negated verb carry a negation, and the edit's own negation words are absent."""
    if any(occurs(marker, support) for marker in _MARKERS.get(edit.variant, ())):
        return False
    predicate = find_predicate(original)
    keys: set[str] = set()
    if predicate and predicate.verb:
        keys = verb_forms(predicate.verb)
    elif predicate:
        keys = {w for w in edit.changed.split()[-1:] if w.lower() not in NEGATORS}
    for sentence in sentences_of(support):
        if any(occurs(key, sentence) for key in keys) and has_negation(sentence):
            return False
    return True


def negations(claim: str, support: str) -> list[Edit]:
    """Every negation of the claim we can write with confidence and check against the support."""
    if has_negation(claim) or "?" in claim or _RECIPROCAL.search(claim):
        return []  # "X and Y met", "each other": no single subject to negate
    predicate = find_predicate(claim)
    edits: list[Edit] = []
    if predicate:
        edits += _verb_negations(claim, predicate) + _denied(claim, predicate)
    edits += _nobody(claim, predicate) + _neither(claim, predicate) + _without(claim)
    return [
        e
        for e in edits
        if e.claim != claim and e.claim.count(e.changed) == 1 and _contradicts(e, claim, support)
    ]


# ---- controls: negations said another way -------------------------------------------------------

_NEGATION_HINT = re.compile(
    r"n't|\b(not|cannot|never|no|refused|declined|failed|prohibit\w*|bar\w*|ban\w*|forb\w*|"
    r"denie[sd]|unable)\b"
)
_CONTRACTIONS = {
    "did not": "didn't",
    "does not": "doesn't",
    "do not": "don't",
    "was not": "wasn't",
    "were not": "weren't",
    "is not": "isn't",
    "are not": "aren't",
    "has not": "hasn't",
    "have not": "haven't",
    "had not": "hadn't",
    "will not": "won't",
    "would not": "wouldn't",
    "could not": "couldn't",
    "cannot": "can't",
    "should not": "shouldn't",
}
_EXPANSIONS = {short: long for long, short in _CONTRACTIONS.items()}


def _base_of(word: str) -> str | None:
    entry = verbs().get(word)
    return entry[0].base if entry and entry[1] in {"base", "gerund"} else None


def negation_controls(claim: str) -> list[Edit]:
    """The claim's own negation written another way, meaning kept."""
    out: list[Edit] = []
    text = claim.replace("’", "'")
    if not _NEGATION_HINT.search(text):
        return out

    def add(variant: str, new: str) -> None:
        if new != text:
            out.append(Edit("control", variant, new))

    for long, short in _CONTRACTIONS.items():
        if re.search(rf"\b{long}\b", text):
            add("neg_contraction", re.sub(rf"\b{long}\b", short, text, count=1))
            break
    for short, long in _EXPANSIONS.items():
        if re.search(rf"\b{short}(?!\w)", text, re.IGNORECASE):
            new = re.sub(rf"\b{short}(?!\w)", long, text, count=1)
            add("neg_expansion", new.replace("Can't", "Cannot"))
            break
    for verb, variant in (
        ("refused", "refused_to_did_not"),
        ("declined", "declined_to_did_not"),
        ("failed", "failed_to_did_not"),
    ):
        match = re.search(rf"\b{verb} to ([a-z]+)\b", text)
        before = text[: match.start()].split()[-1:] if match else []
        if match and not (before and before[0].lower() in {"has", "had", "have", "was", "were"}):
            add(variant, text[: match.start()] + "did not " + match.group(1) + text[match.end() :])
    match = re.search(r"\b(is|are|was|were)( also)? not (allowed|permitted)\b", text)
    if match:
        add(
            "not_allowed_prohibited",
            text[: match.start()]
            + f"{match.group(1)}{match.group(2) or ''} prohibited"
            + text[match.end() :],
        )
    match = re.search(
        r"\b(prohibits|prohibited|bars|barred|bans|banned|forbids|forbade) "
        r"([a-z][\w ]{0,30}?) from ([a-z]+ing)\b",
        text,
    )
    if match and _base_of(match.group(3)):
        modal = "may" if match.group(1) in {"prohibits", "bars", "bans", "forbids"} else "could"
        add(
            "prohibit_from_may_not",
            upper_first(f"{match.group(2)} {modal} not {_base_of(match.group(3))}")
            + text[match.end() :],
        )
    match = re.search(r"\b(was|were) (barred|banned|prohibited) from ([a-z]+ing)\b", text)
    if match and _base_of(match.group(3)):
        add(
            "barred_not_allowed",
            text[: match.start()]
            + f"{match.group(1)} not allowed to {_base_of(match.group(3))}"
            + text[match.end() :],
        )
    match = re.search(r"\b(denied|denies) (?:that )?(he|she|they|it) (had|has|was|were|is) ", text)
    if match:
        said = "said" if match.group(1) == "denied" else "says"
        add(
            "denied_said_not",
            text[: match.start()]
            + f"{said} {match.group(2)} {match.group(3)} not "
            + text[match.end() :],
        )
    match = re.search(r"\b(has|have) never\b", text)
    if match:
        add("never_not", text[: match.start()] + f"{match.group(1)} not" + text[match.end() :])
    match = re.search(r"\b(was|were) unable to\b", text)
    if match:
        add("unable_could_not", text[: match.start()] + "could not" + text[match.end() :])
    match = re.search(r"\b(had|has|have) no ([a-z]+)\b", text)
    if match and match.group(2) not in {"longer", "one", "more", "idea", "choice"}:
        do = {"had": "did", "has": "does", "have": "do"}[match.group(1)]
        add(
            "no_not_any",
            text[: match.start()] + f"{do} not have any {match.group(2)}" + text[match.end() :],
        )
    return out
