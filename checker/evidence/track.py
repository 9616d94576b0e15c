"""Baseline evidence of a citation, and what became of it on a later check.

At a citation's first successful check `anchor` records its evidence: the editor's
quote as the source words it, or else the source sentences that best match the claim.
On every later check `compare` finds that evidence again in the new text and says
whether it is unchanged, modified (with a word diff and what kind of fact changed) or
removed (and whether a paywall or a cut hides it), how much the rest of the page
drifted, and which correction notices appeared near it (see evidence_context).

Only changes of words count: whitespace, punctuation, quote style and markup never do
(see evidence_match), and stamp-like lines ("Updated 3 hours ago", "12 comments") are
left out of the fingerprint and of drift.
"""

from __future__ import annotations

from hashlib import blake2b

from checker.evidence.context import changed_facts, drift, hidden_by_cut, new_notices, page_cut
from checker.evidence.match import Layout, Match, layout, locate, token_words, word_diff
from checker.evidence.retrieval import is_long, rank_passages, window
from checker.model import Document, Evidence, EvidenceChange, EvidenceStatus
from checker.settings import EvidenceSettings

# A passage anchored after the best one must score at least this share of the best.
SECOND_PASSAGE_SHARE = 0.5


def fingerprint(doc: Document) -> str:
    """Hash of the document's words, blind to markup, spacing, punctuation and stamps."""
    digest = blake2b(digest_size=16)
    for sentence in layout(doc).sentences:
        if not sentence.stamp:
            digest.update(sentence.key.encode())
            digest.update(b" ")
    return digest.hexdigest()


def anchor(claim: str, quote: str | None, doc: Document, settings: EvidenceSettings) -> Evidence:
    """The evidence to watch: the editor's quote, or the sentences that best match the claim.

    A quote found only loosely (a typo, "7-2" for "7 to 2") is anchored as the source's
    own words; a quote not found at all is kept as the editor wrote it (`quote_found`
    says so, and `compare` never reports a change of it). Without a quote, up to
    `settings.passages` sentences are anchored: the best BM25 match and any other
    scoring at least half as well. A claim sharing no word with the page anchors none.
    """
    print_ = fingerprint(doc)
    where = layout(doc)
    if quote and quote.strip():
        match = locate(quote, where)
        if match is not None and match.similarity >= settings.match_threshold:
            return Evidence(passages=(match.text,), fingerprint=print_, from_quote=True)
        return Evidence(passages=(" ".join(quote.split()),), fingerprint=print_, from_quote=True)
    sentences = [s.text for s in where.sentences]
    if is_long(doc.text):  # rank the sentences of the claim's window only
        kept = set(window(claim, doc.passages))
        sentences = [s.text for s in where.sentences if s.paragraph in kept]
    ranked = rank_passages(claim, sentences, max(settings.passages, 1))
    if not ranked:
        return Evidence(passages=(), fingerprint=print_)
    best = ranked[0][1]
    chosen = [sentences[i] for i, score in ranked if score >= SECOND_PASSAGE_SHARE * best]
    return Evidence(passages=tuple(chosen[: settings.passages]), fingerprint=print_)


def quote_found(
    evidence: Evidence, doc: Document, settings: EvidenceSettings | None = None
) -> bool:
    """False when the editor's quote is not in `doc` (then no change of it can be reported)."""
    if not evidence.from_quote:
        return True
    threshold = (settings or EvidenceSettings()).match_threshold
    where = layout(doc)
    return all(_found(locate(p, where), threshold) for p in evidence.passages)


def compare(
    evidence: Evidence, baseline: Document, current: Document, settings: EvidenceSettings
) -> EvidenceChange:
    """What became of `evidence` (anchored in `baseline`) in `current`."""
    old, new = layout(baseline), layout(current)
    status = EvidenceStatus.UNCHANGED
    befores: list[str] = []
    afters: list[str] = []
    diff: list[tuple[str, str]] = []
    changes: set[str] = set()
    hidden_by: str | None = None
    old_spans: list[Match] = []
    new_spans: list[Match] = []
    for passage in evidence.passages:
        was = locate(passage, old)
        if was is None or was.similarity < settings.match_threshold:
            continue  # never in the page (a quote not found): nothing to follow
        old_spans.append(was)
        now = locate(passage, new)
        if now is not None and now.similarity == 1.0:
            new_spans.append(now)
            continue
        if diff:
            diff.append(("=", "…"))
        befores.append(" ".join(passage.split()))
        if now is not None and _edited_in_place(passage, was, old, now, new, settings):
            new_spans.append(now)
            afters.append(now.text)
            diff.extend(word_diff(befores[-1], now.text))
            changes |= changed_facts(befores[-1], now.text)
            if status is EvidenceStatus.UNCHANGED:
                status = EvidenceStatus.MODIFIED
        else:
            status = EvidenceStatus.REMOVED
            diff.append(("-", befores[-1]))
            hidden_by = hidden_by or hidden_by_cut(was, old, new)
    if status is EvidenceStatus.UNCHANGED:
        severity = "low"
    elif status is EvidenceStatus.REMOVED or changes:
        severity = "high"
    else:
        severity = "medium"
    unchanged_text = " … ".join(" ".join(p.split()) for p in evidence.passages)
    return EvidenceChange(
        status=status,
        severity=severity,
        before=" … ".join(befores) or unchanged_text,
        after=" … ".join(afters) if befores else unchanged_text,
        diff=tuple(diff),
        changes=tuple(sorted(changes)),
        drift=drift(old, new, old_spans, new_spans),
        notices=new_notices(old, new, new_spans),
        hidden_by=hidden_by if status is EvidenceStatus.REMOVED else None,
        page_cut=page_cut(old, new),
    )


def _found(match: Match | None, threshold: float) -> bool:
    return match is not None and match.similarity >= threshold


def _edited_in_place(
    passage: str, was: Match, old: Layout, now: Match, new: Layout, settings: EvidenceSettings
) -> bool:
    """Is `now` the evidence, edited? Close enough, or fairly close and in the same place,
    or its opening words in the same place (the sentence was cut short).

    A page often says a thing twice; when the evidence is gone, a sentence elsewhere
    that resembles it is not the evidence, but one between the same neighbours is.
    """
    if now.similarity >= settings.match_threshold:
        return True
    same_place = _neighbour(old, was.first - 1) == _neighbour(new, now.first - 1) or _neighbour(
        old, was.last + 1
    ) == _neighbour(new, now.last + 1)
    if now.similarity >= settings.modified_threshold:
        return same_place
    return same_place and _cut_short(passage, now.text)


def _cut_short(passage: str, now: str) -> bool:
    """`now` opens with a good part of `passage` (at least 4 words and a third of it)."""
    old, new = token_words(passage), token_words(now)
    kept = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    kept = min(len(old), len(new)) if kept is None else kept
    return kept >= 4 and kept >= len(old) / 3


def _neighbour(where: Layout, index: int) -> str | None:
    return where.sentences[index].key if 0 <= index < len(where.sentences) else None


def overlap(before: Document, after: Document) -> float:
    """Share of `before`'s sentences (stamps aside) that `after` still has, word for word.

    Tells an article that moved (most of its sentences travelled with it) from a
    redirect to another page (almost none did).
    """
    keys = [s.key for s in layout(before).sentences if not s.stamp]
    if not keys:
        return 0.0
    present = {s.key for s in layout(after).sentences}
    return sum(key in present for key in keys) / len(keys)
