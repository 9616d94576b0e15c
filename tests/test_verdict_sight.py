"""What a check saw decides what it may judge: pure sight and per-citation verdicts."""

from __future__ import annotations

import pytest

from checker.model import (
    Document,
    Evidence,
    EvidenceChange,
    EvidenceStatus,
    FlagKind,
    FlagSpec,
    Liveness,
    LivenessState,
    Severity,
    Support,
    SupportLabel,
)
from checker.outcome import CitationTask
from checker.settings import EvidenceSettings
from checker.verdict import EVIDENCE_KINDS, SOURCE_KINDS
from checker.verdict.citation import Reading, judge_citation
from checker.verdict.sight import Sight, reconsider, sight_of, worth_reading

A, D, B = LivenessState.ALIVE, LivenessState.DEAD, LivenessState.BLOCKED
M, T = LivenessState.MOVED, LivenessState.TRANSIENT
KEPT = EvidenceChange(EvidenceStatus.UNCHANGED)
EDITED = EvidenceChange(EvidenceStatus.MODIFIED, "high", changes=("number",))
GONE = EvidenceChange(EvidenceStatus.REMOVED, "high")
CUT = EvidenceChange(EvidenceStatus.REMOVED, "high", hidden_by="paywall")
DOC = Document.from_text("Budget", "The council approved the budget by 7 to 2.")
EVIDENCE = Evidence(("The council approved the budget by 7 to 2.",), "f")
CITED = CitationTask(1, "The council approved the budget.", None, EVIDENCE, 10, None)
NEW = CitationTask(2, "The council approved the budget.", None, None, None, None)
SUPPORTED = Support(0.9, SupportLabel.SUPPORTED, (), "lexical")
UNSUPPORTED = Support(0.1, SupportLabel.UNSUPPORTED, (), "lexical")
BLOCKED_FLAG = FlagSpec(FlagKind.BLOCKED, Severity.LOW, {})
MOVED_FLAG = FlagSpec(FlagKind.MOVED, Severity.LOW, {})


@pytest.mark.parametrize(
    ("before", "changes", "same_text", "related", "short", "after"),
    [
        # A wording-based wall that still carries the evidence is the article.
        (Liveness(B, "consent_wall"), [KEPT], False, True, False, (A, "")),
        (Liveness(D, "soft_404"), [KEPT], False, True, False, (A, "")),
        (Liveness(B, "login_wall"), [], True, True, False, (A, "")),
        (Liveness(T, "maintenance"), [KEPT], False, True, False, (A, "")),
        # Not without the evidence, and never the walls no article hides behind.
        (Liveness(B, "consent_wall"), [GONE], False, False, True, (B, "consent_wall")),
        (Liveness(D, "parked"), [KEPT], False, True, False, (D, "parked")),
        (Liveness(B, "bot_wall"), [KEPT], False, True, False, (B, "bot_wall")),
        # A move keeps its name only while the page is the article.
        (Liveness(M, "moved"), [KEPT], False, True, False, (M, "moved")),
        (Liveness(M, "moved"), [GONE], False, True, False, (M, "moved")),
        (Liveness(M, "moved"), [GONE], False, False, False, (D, "redirect_unrelated")),
        (Liveness(M, "moved"), [], False, False, False, (M, "moved")),  # nothing anchored yet
        # A short page sharing nothing with the article stands in front of it.
        (Liveness(A), [GONE], False, False, True, (T, "unrecognised_page")),
        (Liveness(A), [GONE], False, False, False, (A, "")),
        (Liveness(A), [GONE], False, True, True, (A, "")),
        (Liveness(A), [EDITED], False, False, True, (A, "")),
        # A long teaser that stops at a subscription prompt before a cited passage.
        (Liveness(A), [KEPT, CUT], False, True, False, (B, "paywall")),
    ],
)
def test_reconsider(
    before: Liveness,
    changes: list[EvidenceChange],
    same_text: bool,
    related: bool,
    short: bool,
    after: tuple[LivenessState, str],
) -> None:
    now = reconsider(before, changes, same_text=same_text, related=related, short=short)
    assert (now.state, now.reason) == after
    if now.state is not before.state:
        assert now.detail["cue"]  # every decision says what decided it


@pytest.mark.parametrize(
    ("liveness", "truncated", "sight"),
    [
        (Liveness(A), False, Sight.FULL),
        (Liveness(M, "moved"), False, Sight.FULL),
        (Liveness(A), True, Sight.PARTIAL),
        (Liveness(B, "paywall"), False, Sight.PARTIAL),
        (Liveness(M, "moved", {"paywall": "subscribe"}), False, Sight.PARTIAL),
        (Liveness(B, "rate_limited"), False, Sight.NONE),
        (Liveness(B, "consent_wall"), False, Sight.NONE),
        (Liveness(T, "http_503"), False, Sight.NONE),
        (Liveness(D, "not_found"), False, Sight.NONE),
    ],
)
def test_sight_of(liveness: Liveness, truncated: bool, sight: Sight) -> None:
    assert sight_of(liveness, truncated=truncated) is sight


def test_only_pages_that_may_be_the_source_are_read() -> None:
    assert worth_reading(Liveness(A), 200, True)
    assert worth_reading(Liveness(B, "consent_wall"), 200, True)
    assert not worth_reading(Liveness(B, "consent_wall"), 200, False)
    assert not worth_reading(Liveness(B, "rate_limited"), 429, True)
    assert not worth_reading(Liveness(B, "bot_wall"), 200, True)


def reading(
    sight: Sight, source: list[FlagSpec], judged: frozenset[FlagKind], **kw: object
) -> Reading:
    fields: dict[str, object] = {
        "sight": sight,
        "document": DOC,
        "same_text": False,
        "unseen_reason": "",
        "source": (source, judged),
    }
    return Reading(**(fields | kw))  # type: ignore[arg-type]


def test_unseen_source_judges_no_evidence_and_says_why() -> None:
    seen = reading(Sight.NONE, [], frozenset(), unseen_reason="rate_limited")
    out = judge_citation(CITED, seen, None, None, EvidenceSettings())
    assert out.unseen == "rate_limited"
    assert out.conditions == () and not out.judged & EVIDENCE_KINDS
    assert FlagKind.UNSUPPORTED not in out.judged


def test_teaser_showing_the_evidence_verifies_the_citation_and_lifts_its_wall() -> None:
    walled = reading(
        Sight.PARTIAL, [BLOCKED_FLAG], frozenset({FlagKind.BLOCKED}), unseen_reason="paywall"
    )
    out = judge_citation(CITED, walled, KEPT, None, EvidenceSettings())
    assert out.unseen is None and out.conditions == ()
    assert {FlagKind.BLOCKED, FlagKind.EVIDENCE_REMOVED} <= out.judged
    assert FlagKind.CONTENT_DRIFT not in out.judged  # a teaser says nothing of the rest
    hidden = judge_citation(CITED, walled, GONE, None, EvidenceSettings())
    assert hidden.unseen == "paywall" and hidden.conditions == (BLOCKED_FLAG,)
    assert not hidden.judged & EVIDENCE_KINDS


def test_a_removal_a_cut_explains_is_not_judged() -> None:
    full = reading(Sight.FULL, [], SOURCE_KINDS)
    out = judge_citation(CITED, full, CUT, SUPPORTED, EvidenceSettings())
    assert out.unseen == "paywall" and out.conditions == ()
    assert not out.judged & (EVIDENCE_KINDS | {FlagKind.UNSUPPORTED})
    removed = judge_citation(CITED, full, GONE, SUPPORTED, EvidenceSettings())
    assert [c.kind for c in removed.conditions] == [FlagKind.EVIDENCE_REMOVED]


def test_moved_is_dropped_when_the_claim_is_not_on_the_new_page() -> None:
    moved = reading(Sight.FULL, [MOVED_FLAG], SOURCE_KINDS, moved=True)
    out = judge_citation(NEW, moved, None, UNSUPPORTED, EvidenceSettings())
    assert [c.kind for c in out.conditions] == [FlagKind.UNSUPPORTED]
    kept = judge_citation(NEW, moved, None, SUPPORTED, EvidenceSettings())
    assert [c.kind for c in kept.conditions] == [FlagKind.MOVED]
    assert kept.evidence is not None  # anchored on the page it moved to
