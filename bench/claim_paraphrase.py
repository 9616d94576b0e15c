"""Light rewrites that keep a sentence's facts: page sentences made into claims, and the
harmless-paraphrase controls (an adverb dropped, passive to active, part of a sentence)."""

from __future__ import annotations

import re

from claim_edits_lexicon import DROPPABLE_ADVERBS, LEADERS, SYNONYMS
from claim_formats import format_controls
from claim_negation import negation_controls
from claim_text import (
    Edit,
    find_predicate,
    has_negation,
    lower_first,
    stable_hash,
    strip_end,
    upper_first,
    verbs,
)

_SAFE_FORMATS = {
    "date_unabbrev",
    "date_reorder",
    "percent_words",
    "percent_symbol",
    "thousands_plain",
    "thousands_space",
    "word_to_digits",
    "digits_to_word",
    "money_words",
    "neg_expansion",
    "ordinal_digits",
    "unit_spelling",
}
_SAY = r"(?:said|says|told reporters|added|wrote|reported)"
_WHO = r"(?:[Tt]he |[Aa] |[Aa]n )?[A-Za-z][\w'’.&-]*(?: [\w'’.&-]+){0,6}"
_TRAILING_SAY = re.compile(
    rf"^(?P<body>.{{25,}}?),\s+(?P<who>{_WHO}?)\s+(?P<verb>{_SAY})"
    r"(?P<when>\s+(?:on|in|last|this)\s+[\w. ]+?)?\.$"
)
_INVERTED_SAY = re.compile(rf"^(?P<body>.{{25,}}?),\s+(?P<verb>said|says)\s+(?P<who>{_WHO})\.$")
_ACCORDING_END = re.compile(r"^(?P<body>.{25,}?),\s+according to (?P<who>[^,]{3,60})\.$")
_KEEP_LEADERS = {
    "according",
    "since",
    "until",
    "if",
    "unless",
    "for",
    "like",
    "unlike",
    "this",
    "last",
}
_TEMPORAL = re.compile(
    r"(?i)\d[\d,.–-]*(?:s|st|nd|rd|th)?|(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|in|on|at|by|during|after|before|earlier|later|"
    r"last|this|next|that|the|a|an|of|early|late|mid|week|weeks|month|months|year|years|day|days|"
    r"ago|morning|afternoon|evening|night|weekend|season|decade|century|spring|summer|fall|"
    r"autumn|winter|first|second|third|quarter|half|same|following|previous|recent|then|time|"
    r"period|two|three|four|five|several|few|today|yesterday|tonight|also|shortly|soon"
)
_PRONOUNS = {"they", "it", "he", "she", "this", "that", "these", "those", "there", "we", "i"}
_NUMBER_NEXT = re.compile(
    r" (\$|€|£)?\d|(two|three|four|five|six|seven|eight|nine|ten|a dozen|a third|half|a half|"
    r"a quarter|a year|a decade|a week|a month|an hour|twice|a million|a billion|a hundred)\b"
)
_TIME_NOUNS = {
    "year",
    "day",
    "week",
    "month",
    "decade",
    "hour",
    "minute",
    "moment",
    "soon",
    "much",
    "even",
}
_BE = {"was", "were", "is", "are", "be", "been", "being", "has", "have", "had"}
_PASSIVE = re.compile(
    r"^(?P<lead>(?:[A-Z][^,]{0,40}, )?)"
    r"(?P<subj>It|[Tt]he [a-z][\w' -]{0,40}?|[A-Z][\w'’.-]*(?: [\w'’.()-]+){0,7}?)\s+"
    r"(?P<be>was|were)\s+(?P<adv>[a-z]+ly\s+)?(?P<verb>[a-z]+)\s+by\s+"
    r"(?P<agent>(?:the\s+)?[A-Z][\w.'’&-]*(?:\s+(?:of\s+(?:the\s+)?|&\s+)?[A-Z][\w.'’&-]*){0,5})"
    r"(?P<rest>(?:\s+(?:in|on|at|during)\s+[^,]+?(?:, \d{4})?)?[.]?)$"
)


def _attribution(sentence: str) -> str | None:
    """Move the attribution to the front: "X, the company said." -> "The company said that x."."""
    if sentence.count('"') or "“" in sentence:
        return None
    for pattern in (_TRAILING_SAY, _INVERTED_SAY, _ACCORDING_END):
        m = pattern.match(sentence)
        if not m:
            continue
        who = m.group("who")
        if find_predicate(who + " x") is not None or len(who.split()) > 7:
            continue
        if re.search(r"\b(said|says|told|according|reported)\b", m.group("body")):
            continue  # already reported speech: moving the speaker would change who said it
        verb = m.groupdict().get("verb") or "said"
        verb = "said" if verb in {"added", "reported"} else verb
        when = m.groupdict().get("when") or ""
        return f"{upper_first(who)} {verb}{when} that {lower_first(m.group('body'))}."
    return None


def _drop_leader(sentence: str) -> str | None:
    """Drop a short leading phrase: "On Tuesday, X did Y." -> "X did Y."."""
    first = sentence.split(" ", 1)[0].lower()
    m = re.match(r"^([^,]{3,60}),\s+(.+)$", sentence)
    if not m or first not in LEADERS or first in _KEEP_LEADERS or has_negation(m.group(2)):
        return None
    lead, rest = m.groups()
    if (re.search(r"\d$", lead) and re.match(r"\d", rest)) or len(rest.split()) < 8:
        return None  # "On March 1, 2017 ..." - the comma sits inside a date
    if (
        not all(_TEMPORAL.fullmatch(w) for w in lead.split())
        or rest.split()[0].lower() in _PRONOUNS
    ):
        return None  # only a time is dropped: a place, a person or a reason may carry the claim
    if find_predicate(lead + " x") is not None or find_predicate(rest) is None:
        return None
    if re.search(r"\b(all|every|only|first|no|none|each)\b", rest, re.IGNORECASE):
        return None
    return upper_first(rest)


def _synonym(sentence: str) -> str | None:
    if re.search(r"(^However, |, however,)", sentence):
        return re.sub(r"^However, (\w)", lambda m: m.group(1).upper(), sentence).replace(
            ", however,", ""
        )
    lowered = sentence.lower()
    for old, new in SYNONYMS.items():
        if not new or old not in lowered:
            continue
        m = re.search(rf"\b{old}\b", sentence, re.IGNORECASE)
        if not m:
            continue
        if old in {"more than", "less than", "fewer than"} and not _NUMBER_NEXT.match(
            sentence[m.end() :]
        ):
            continue  # "more than triple", "less than the 2012": not a quantity
        before = sentence[: m.start()].split()[-1:]
        after = sentence[m.end() :].split()[:1]
        if m.group()[0].isupper() and (not after or after[0][:1].isupper()):
            continue  # part of a name ("Big Tech")
        if old in {"received", "big", "assist"} and before and before[0].lower() in _BE:
            continue
        replacement = new.capitalize() if m.group()[0].isupper() else new
        return sentence[: m.start()] + replacement + sentence[m.end() :]
    m = re.search(r"\b(announced|revealed|reported) that\b", sentence)
    if m:
        return sentence[: m.start()] + "said that" + sentence[m.end() :]
    return None


def _reformat(sentence: str) -> str | None:
    """A figure written another way, or a contraction spelled out."""
    for edit in format_controls(sentence, "") + negation_controls(sentence):
        if edit.variant in _SAFE_FORMATS:
            return edit.claim
    return None


def rewrite_sentence(sentence: str) -> str | None:
    """A page sentence made into a claim the page still supports, never word for word."""
    rewrites = (_attribution, _drop_leader, _synonym, _reformat, _drop_adverb, _passive_to_active)
    for rewrite in rewrites:
        new = rewrite(sentence)
        if new and new != sentence:
            second = _synonym(new) if rewrite is not _synonym else None
            return second or new
    return None


def _drop_adverb(claim: str) -> str | None:
    if has_negation(claim):
        return None
    for adverb in DROPPABLE_ADVERBS:
        m = re.search(rf"(?<![Tt]he )(?<!since )(?<!until )(?<!once )\b{adverb}\b,? ", claim)
        before = claim[: m.start()].split()[-1:] if m else []
        if before and (before[0].lower().rstrip("s") in _TIME_NOUNS or before[0][:1].isdigit()):
            continue  # "a year later", "two weeks later"
        if m and m.start() > 0:
            return claim[: m.start()] + claim[m.end() :]
        m = re.search(rf",? {adverb}(?=[.,])", claim)
        if m:
            return claim[: m.start()] + claim[m.end() :]
    return None


def _passive_to_active(claim: str) -> str | None:
    m = _PASSIVE.match(claim)
    if not m:
        return None
    entry = verbs().get(m.group("verb"))
    if not entry or entry[1] not in {"participle", "past"}:
        return None
    subject = m.group("subj")
    if find_predicate(subject + " x") is not None or "," in subject:
        return None  # a clause, not a noun phrase, before "was"
    subject = "it" if subject == "It" else lower_first(subject)
    if m.group("be") == "were" and subject == "it":
        return None
    lead = m.group("lead")
    agent = m.group("agent")
    agent = upper_first(agent) if not lead else agent
    adverb = m.group("adv") or ""
    return f"{lead}{agent} {adverb}{entry[0].past} {subject}{m.group('rest')}"


def _clause_part(claim: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for joint, variant in (
        (", and ", "clause_part"),
        ("; ", "clause_part"),
        (", but ", "clause_part"),
        (", while ", "clause_part"),
        (", which ", "drop_trailing_clause"),
        (", winning ", "drop_trailing_clause"),
        (", who ", "drop_trailing_clause"),
    ):
        index = claim.find(joint)
        left = claim[:index]
        if (
            index < 0
            or len(left.split()) < 6
            or left.count('"') % 2
            or left.count("“") != left.count("”")
        ):
            continue
        if left.count("(") != left.count(")") or find_predicate(left) is None:
            continue
        if variant == "clause_part" and find_predicate(claim[index + len(joint) :]) is None:
            continue
        out.append((variant, strip_end(left) + "."))
        break
    m = re.search(r" \([^()]{3,80}\)", claim)
    if m and claim[: m.start()].count('"') % 2 == 0 and "“" not in claim[: m.start()]:
        out.append(("drop_parenthetical", claim[: m.start()] + claim[m.end() :]))
    return out


def paraphrase_controls(claim: str) -> list[Edit]:
    """Harmless paraphrases of a supported claim: still supported, facts unchanged."""
    out: list[tuple[str, str | None]] = [
        ("drop_adverb", _drop_adverb(claim)),
        ("passive_to_active", _passive_to_active(claim)),
        ("synonym", _synonym(claim)),
        ("drop_leading_phrase", _drop_leader(claim)),
        ("attribution", _attribution(claim)),
    ]
    out += list(_clause_part(claim))
    edits = [Edit("control", variant, new) for variant, new in out if new and new != claim]
    order = stable_hash(claim)
    return edits[order % max(1, len(edits)) :] + edits[: order % max(1, len(edits))]
