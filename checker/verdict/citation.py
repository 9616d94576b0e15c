"""One citation's verdict from what this check saw of its source. Pure.

Fully seen: the evidence is anchored (first check) or compared with its baseline, and
the claim's support is scored. Partly seen (a paywall teaser): the citation is
verified when its evidence is visible unchanged, and nothing else is judged. Not seen:
only the source's own flags apply, and the citation says why it could not be verified.
A removal that a paywall or a cut in the page explains is not a removal we saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker import evidence as ev
from checker.model import (
    Document,
    EvidenceChange,
    EvidenceStatus,
    FlagKind,
    FlagSpec,
    Severity,
    Support,
    SupportLabel,
)
from checker.outcome import CitationOutcome, CitationTask
from checker.settings import EvidenceSettings
from checker.verdict.conditions import combine, evidence_conditions, support_conditions
from checker.verdict.sight import Sight

Conditions = tuple[list[FlagSpec], frozenset[FlagKind]]

# Why a page we read in full may still not show a citation's evidence: it stops before it.
HIDDEN_BY = frozenset({"paywall", "truncated"})
# What a teaser that shows the evidence unchanged can settle.
_VISIBLE_KINDS = frozenset({FlagKind.EVIDENCE_REMOVED, FlagKind.EVIDENCE_CHANGED})


@dataclass(frozen=True)
class Reading:
    """What this check read of the source, shared by all its citations."""

    sight: Sight
    document: Document | None  # the text read; None when nothing readable came back
    same_text: bool  # word for word the last text read: nothing to compare
    unseen_reason: str  # why the source was not (fully) seen
    source: Conditions  # the source's own flag conditions
    moved: bool = False
    # set when the source answered but gave no text we can read (a script-only page, an
    # image-only PDF, an image): what the reader or the content type said
    unreadable: str | None = None


def judge_citation(
    citation: CitationTask,
    reading: Reading,
    change: EvidenceChange | None,
    support: Support | None,
    settings: EvidenceSettings,
) -> CitationOutcome:
    """`change` is the evidence compared with its baseline (None when not compared)."""
    if reading.sight is Sight.NONE or reading.document is None:
        return _unseen(citation, reading, reading.unseen_reason or "unreadable")
    if reading.sight is Sight.PARTIAL:
        return _partly_seen(citation, reading, change)
    return _seen(citation, reading, change, support, settings)


def _unseen(citation: CitationTask, reading: Reading, reason: str) -> CitationOutcome:
    specs, judged = reading.source
    if reading.unreadable is not None and citation.unverified_reason == "unreadable":
        # Never a silent all-clear: a source that gave no readable text twice in a row is
        # flagged (once, it is only "cannot verify": a shell served by mistake passes).
        specs = [*specs, FlagSpec(FlagKind.UNREADABLE, Severity.LOW, {"cue": reading.unreadable})]
        judged |= {FlagKind.UNREADABLE}
    elif reading.unreadable is None and reading.sight is not Sight.NONE:
        judged |= {FlagKind.UNREADABLE}  # the text was readable
    conditions, judged = combine((specs, judged))
    return CitationOutcome(citation.id, conditions, judged, unseen=reason)


def _partly_seen(
    citation: CitationTask, reading: Reading, change: EvidenceChange | None
) -> CitationOutcome:
    visible = reading.same_text or (
        change is not None and change.status is EvidenceStatus.UNCHANGED
    )
    if citation.evidence is None or not visible:
        return _unseen(citation, reading, reading.unseen_reason)
    # The reader sees the cited passage: the wall in front of the rest is not its problem.
    specs = [s for s in reading.source[0] if s.kind is not FlagKind.BLOCKED]
    conditions, judged = combine(
        (specs, reading.source[1] | {FlagKind.BLOCKED, FlagKind.UNREADABLE})
    )
    if not reading.same_text:
        judged |= _VISIBLE_KINDS
    return CitationOutcome(citation.id, conditions, judged)


def _seen(
    citation: CitationTask,
    reading: Reading,
    change: EvidenceChange | None,
    support: Support | None,
    settings: EvidenceSettings,
) -> CitationOutcome:
    assert reading.document is not None
    if reading.same_text and citation.unverified_reason in HIDDEN_BY:
        return _unseen(citation, reading, citation.unverified_reason)  # the same cut text
    parts: list[Conditions] = []
    anchored = None
    quote_missing = False
    if citation.evidence is None:
        anchored = ev.anchor(citation.claim, citation.quote, reading.document, settings)
        quote_missing = bool(citation.quote) and not ev.quote_found(anchored, reading.document)
    elif change is not None:
        if change.status is EvidenceStatus.REMOVED and change.hidden_by:
            return _unseen(citation, reading, change.hidden_by)  # the page stops before it
        parts.append(evidence_conditions(change, settings))
    source = reading.source
    if support is not None:
        parts.append(
            support_conditions(support, quote_missing=quote_missing, co_cited=citation.co_cited)
        )
        unsupported = support.label is SupportLabel.UNSUPPORTED
        if reading.moved and citation.evidence is None and unsupported:
            # Nothing says the cited page moved here: the claim is not on it.
            source = ([s for s in source[0] if s.kind is not FlagKind.MOVED], source[1])
    conditions, judged = combine(source, *parts)
    return CitationOutcome(
        citation.id,
        conditions,
        judged | {FlagKind.UNREADABLE},
        anchored,
        support,
        co_cited=citation.co_cited,
    )
