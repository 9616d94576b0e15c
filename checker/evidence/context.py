"""What happened around a piece of evidence between two checks of a page.

The kinds of fact an edit changed (numbers, negation, dates, names), how much of the
rest of the page drifted, whether a paywall or a cut now hides the evidence, and the
correction notices that appeared near it. Pure functions over evidence_match layouts.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from checker.evidence.match import Layout, Match, Sentence
from checker.figures import ORDINAL_WORDS, canonical_figures, figures_with_units
from checker.liveness.cues import PAYWALL
from checker.text import NEGATIONS, entities, months, negations, words

_WEEKDAYS = frozenset(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
_NOTICE = re.compile(
    r"^(?:correction|corrections|clarification|editor'?s note|update|updated)\b\s*(?:\(|:|-|\d)"
    r"|\bthis (?:article|story|post|piece|report|page) (?:has been|was|is being) "
    r"(?:updated|corrected|amended|changed|edited)"
    r"|\ban? (?:earlier|previous|prior) version of this (?:article|story|post|piece|report)",
    re.IGNORECASE,
)
_NOTICE_HINT = re.compile(r"correct|clarif|editor|updat|version", re.IGNORECASE)
# An edited sentence that kept less than this share of its words was cut, not reworded.
CUT_KEPT_SHARE = 0.6
CUT_RUN_SHARE = 0.35  # ... or lost a run of words longer than this share of it
_NOTICE_RADIUS = 2  # paragraphs either side of the evidence searched for notices
# A cut hides the evidence and what follows: at least this many sentences, of which
# at most this share is still somewhere on the page.
_CUT_MIN_SENTENCES = 3
_CUT_MAX_SURVIVING = 0.2
# Edited sentences are paired with their old form only while the pairs are few; a page
# rewritten wholesale has drifted whatever the pairing says.
_DRIFT_PAIRS = 400


def changed_facts(before: str, after: str) -> set[str]:
    """Which kinds of fact differ: "number", "negation", "date", "entity", "cut".

    Figures, dates and times are compared by value ("12,500" = "12500", "40 percent" =
    "40%", "Oct. 27" = "27 October"), with their currency and unit ("800 metres" →
    "800 feet" is a number change). "cut" is a sentence that lost much of its wording:
    as serious in any language as a changed figure, and not something names or
    negations in one language would catch.
    """
    found: set[str] = set()
    before, after = canonical_figures(before), canonical_figures(after)
    # Counted, not just collected: a second "not" or a "Q3" → "Q4" is a change too.
    old_words, new_words = words(before), words(after)
    if _figures(old_words) != _figures(new_words) or (
        figures_with_units(before) != figures_with_units(after)
    ):
        found.add("number")
    if negations(before) != negations(after) or _negators(old_words) != _negators(new_words):
        found.add("negation")
    if _dates(before, old_words) != _dates(after, new_words):
        found.add("date")
    if _names(before) != _names(after):
        found.add("entity")
    if _was_cut(old_words, new_words):
        found.add("cut")
    return found


def _was_cut(old: list[str], new: list[str]) -> bool:
    """Did the sentence lose much of its wording: less than CUT_KEPT_SHARE of its words
    kept in order, or one run of more than CUT_RUN_SHARE of them gone at once?

    Only kept runs of two words or more count: when half a sentence is cut and the next
    sentence's start takes its place, a lone "on" or "kamu benci" matching there is chance.
    """
    if not old:
        return False
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    least = 2 if len(old) >= 6 else 1
    kept = sum(b.size for b in matcher.get_matching_blocks() if b.size >= least)
    lost = [i2 - i1 for op, i1, i2, _, _ in matcher.get_opcodes() if op in ("delete", "replace")]
    longest = max(lost, default=0)
    return kept < CUT_KEPT_SHARE * len(old) or (longest >= 4 and longest > CUT_RUN_SHARE * len(old))


def _dates(text: str, tokens: list[str]) -> set[str]:
    return months(text) | {t[:3] for t in tokens if t in _WEEKDAYS}


def _names(text: str) -> set[str]:
    """Named entities, leaving out days and months (a date change is reported as one)."""
    return {
        name
        for name in entities(text)
        if not all(months(w) or w in _WEEKDAYS for w in name.split())
    }


def _figures(tokens: list[str]) -> Counter[str]:
    return Counter(t for t in tokens if t in ORDINAL_WORDS or any(c.isdigit() for c in t))


def _negators(tokens: list[str]) -> Counter[str]:
    return Counter(t for t in tokens if t in NEGATIONS or t.endswith("n't"))


def drift(old: Layout, new: Layout, old_spans: list[Match], new_spans: list[Match]) -> float:
    """Share (0..1, by characters) of the text outside the evidence that changed.

    Sentences present before and after do not count; a sentence that was edited counts
    by how much of it changed, so one reworded sentence on a short page is no "drift".
    """
    before = _outside(old, old_spans)
    after = _outside(new, new_spans)
    total = sum(len(k) * n for k, n in (before + after).items())
    if not total:
        return 0.0
    gone = list((before - after).elements())
    added = list((after - before).elements())
    changed = float(sum(map(len, gone)) + sum(map(len, added)))
    if len(gone) * len(added) <= _DRIFT_PAIRS:
        for new_key in added:
            pair = _closest(new_key, gone)
            if pair is not None:
                old_key, similarity = pair
                gone.remove(old_key)
                changed -= (len(old_key) + len(new_key)) * similarity
    return changed / total


def _closest(key: str, candidates: list[str]) -> tuple[str, float] | None:
    """The candidate most like `key` (word similarity at least 0.5), with its similarity."""
    best: tuple[str, float] | None = None
    wanted = key.split()
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(wanted)
    for candidate in candidates:
        matcher.set_seq1(candidate.split())
        floor = best[1] if best else 0.5
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        similarity = matcher.ratio()
        if similarity >= floor:
            best = (candidate, similarity)
    return best


def _outside(where: Layout, spans: list[Match]) -> Counter[str]:
    inside = {i for m in spans for i in range(m.first, m.last + 1)}
    return Counter(s.key for i, s in enumerate(where.sentences) if i not in inside and not s.stamp)


def hidden_by_cut(was: Match, old: Layout, new: Layout) -> str | None:
    """ "paywall" / "truncated" when the page now stops before the evidence, else None."""
    tail = [s.key for s in old.sentences[was.first :] if not s.stamp]
    present = {s.key for s in new.sentences}
    if not tail or sum(key in present for key in tail) > _CUT_MAX_SURVIVING * len(tail):
        return None  # the text after the evidence is still there: the evidence was taken out
    ending = " ".join(s.text for s in new.sentences[-6:])
    if PAYWALL.search(ending):  # the same prompts liveness reads as a paywall
        return "paywall"
    return "truncated" if len(tail) >= _CUT_MIN_SENTENCES else None


def page_cut(old: Layout, new: Layout) -> str | None:
    """ "paywall" when the page now stops at a subscription prompt and the end of the old
    text is gone (a teaser, whatever it still shows of the article), else None."""
    keys = [s.key for s in old.sentences if not s.stamp]
    if len(keys) < 2 * _CUT_MIN_SENTENCES:
        return None
    tail = keys[int(len(keys) * 0.7) :]
    present = {s.key for s in new.sentences}
    if sum(key in present for key in tail) > _CUT_MAX_SURVIVING * len(tail):
        return None
    ending = " ".join(s.text for s in new.sentences[-6:])
    return "paywall" if PAYWALL.search(ending) else None


def _is_notice(sentence: Sentence) -> bool:
    # The cheap test first: most sentences name no correction, update or version at all.
    return (
        not sentence.stamp
        and _NOTICE_HINT.search(sentence.text) is not None
        and _NOTICE.search(sentence.text) is not None
    )


def new_notices(old: Layout, new: Layout, spans: list[Match]) -> tuple[str, ...]:
    """Correction / update notices in the current page that the baseline did not have.

    Only those near the evidence count: within a couple of paragraphs, or at the top or
    bottom of the article where newsrooms put them. When the evidence is gone its place
    is unknown, so any new notice counts.
    """
    known = {s.key for s in old.sentences if _is_notice(s)}
    notices = [s for s in new.sentences if _is_notice(s) and s.key not in known]
    if not notices:
        return ()
    if spans:
        last = new.sentences[-1].paragraph
        near = {0, 1, last - 2, last - 1, last}
        for match in spans:
            for sentence in (new.sentences[match.first], new.sentences[match.last]):
                paragraph = sentence.paragraph
                near |= set(range(paragraph - _NOTICE_RADIUS, paragraph + _NOTICE_RADIUS + 1))
        notices = [s for s in notices if s.paragraph in near]
    return tuple(s.text if len(s.text) <= 400 else s.text[:399] + "…" for s in notices)
