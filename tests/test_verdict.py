"""The verdict is pure: confirmation of failures over time, and conditions per outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from checker import verdict
from checker.model import (
    EvidenceChange,
    EvidenceStatus,
    FlagKind,
    Liveness,
    LivenessState,
    Support,
    SupportLabel,
)
from checker.outcome import SourceHealth
from checker.settings import EvidenceSettings, MonitorSettings

T0 = datetime(2026, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)
MON = MonitorSettings(confirm_failures=3, confirm_interval_s=86_400)
DEAD_404 = Liveness(LivenessState.DEAD, "not_found")
TIMEOUT = Liveness(LivenessState.TRANSIENT, "timeout")
ALIVE = Liveness(LivenessState.ALIVE)
RATE_LIMITED = Liveness(LivenessState.BLOCKED, "rate_limited")


def run(checks: list[tuple[timedelta, Liveness]]) -> SourceHealth:
    health = SourceHealth()
    for offset, liveness in checks:
        health = verdict.next_health(health, liveness, T0 + offset, MON)
    return health


@pytest.mark.parametrize(
    ("checks", "state", "count"),
    [
        ([(0 * DAY, DEAD_404)], "suspect", 1),
        ([(0 * DAY, DEAD_404), (1 * DAY, DEAD_404)], "suspect", 2),
        ([(0 * DAY, DEAD_404), (1 * DAY, DEAD_404), (2 * DAY, DEAD_404)], "dead", 3),
        # failures closer together than confirm_interval_s count once
        ([(timedelta(hours=h), DEAD_404) for h in range(0, 30, 2)], "suspect", 2),
        # a success resets the count
        ([(0 * DAY, DEAD_404), (1 * DAY, DEAD_404), (2 * DAY, ALIVE), (3 * DAY, DEAD_404)],
         "suspect", 1),
        ([(0 * DAY, TIMEOUT), (1 * DAY, TIMEOUT), (2 * DAY, TIMEOUT)], "unreachable", 3),
        # the last failure decides the kind: timeouts then a 404 is dead
        ([(0 * DAY, TIMEOUT), (1 * DAY, TIMEOUT), (2 * DAY, DEAD_404)], "dead", 3),
        # refusals are confirmed like failures: a one-off 429 is never flagged
        ([(0 * DAY, RATE_LIMITED)], "suspect", 1),
        ([(0 * DAY, RATE_LIMITED), (1 * DAY, ALIVE), (2 * DAY, RATE_LIMITED)], "suspect", 1),
        ([(0 * DAY, RATE_LIMITED), (1 * DAY, RATE_LIMITED), (2 * DAY, RATE_LIMITED)],
         "blocked", 3),
        # a failure of the other class starts a new count: refusals then a 404 are one 404
        ([(0 * DAY, RATE_LIMITED), (1 * DAY, RATE_LIMITED), (2 * DAY, DEAD_404)], "suspect", 1),
        ([(0 * DAY, DEAD_404), (1 * DAY, DEAD_404), (2 * DAY, RATE_LIMITED)], "suspect", 1),
    ],
)  # fmt: skip
def test_failures_are_confirmed_over_time(
    checks: list[tuple[timedelta, Liveness]], state: str, count: int
) -> None:
    health = run(checks)
    assert (health.state, health.failure_count) == (state, count)


@pytest.mark.parametrize(
    ("liveness", "health", "kinds", "judged"),
    [
        (ALIVE, SourceHealth("ok"), set(), verdict.SOURCE_KINDS),
        (DEAD_404, SourceHealth("suspect", failure_count=1), set(), frozenset()),
        (DEAD_404, SourceHealth("dead", failure_count=3), {FlagKind.DEAD}, verdict.SOURCE_KINDS),
        (TIMEOUT, SourceHealth("unreachable", failure_count=3), {FlagKind.UNREACHABLE},
         frozenset({FlagKind.BLOCKED, FlagKind.UNREACHABLE})),
        (RATE_LIMITED, SourceHealth("suspect", failure_count=1), set(), frozenset()),
        # confirmed: cannot see the page, so a dead or moved flag is neither kept nor resolved
        (RATE_LIMITED, SourceHealth("blocked", failure_count=3), {FlagKind.BLOCKED},
         frozenset({FlagKind.BLOCKED, FlagKind.UNREACHABLE})),
        (Liveness(LivenessState.MOVED, "moved", {"final_url": "https://n/x"}),
         SourceHealth("moved"), {FlagKind.MOVED}, verdict.SOURCE_KINDS),
    ],
)  # fmt: skip
def test_source_conditions(
    liveness: Liveness, health: SourceHealth, kinds: set[FlagKind], judged: frozenset[FlagKind]
) -> None:
    specs, got_judged = verdict.source_conditions(liveness, health)
    assert {s.kind for s in specs} == kinds
    assert got_judged == judged


def test_dead_flag_carries_the_archived_copy() -> None:
    specs, _ = verdict.source_conditions(
        DEAD_404, SourceHealth("dead", failure_count=3), archived_url="https://web.archive/x"
    )
    assert specs[0].detail["archived_url"] == "https://web.archive/x"
    assert specs[0].severity.value == "high"


EV = EvidenceSettings()


@pytest.mark.parametrize(
    ("change", "kind", "severity"),
    [
        (EvidenceChange(EvidenceStatus.UNCHANGED), None, None),
        (EvidenceChange(EvidenceStatus.UNCHANGED, drift=0.6), FlagKind.CONTENT_DRIFT, "low"),
        (EvidenceChange(EvidenceStatus.REMOVED, hidden_by="paywall"), FlagKind.EVIDENCE_REMOVED,
         "high"),
        (EvidenceChange(EvidenceStatus.MODIFIED, severity="medium"), FlagKind.EVIDENCE_CHANGED,
         "medium"),
        (EvidenceChange(EvidenceStatus.MODIFIED, severity="high", changes=("number",)),
         FlagKind.EVIDENCE_CHANGED, "high"),
    ],
)  # fmt: skip
def test_evidence_conditions(change: EvidenceChange, kind: FlagKind | None, severity: str) -> None:
    specs, judged = verdict.evidence_conditions(change, EV)
    assert judged == verdict.EVIDENCE_KINDS
    assert [(s.kind, s.severity.value) for s in specs] == ([(kind, severity)] if kind else [])


@pytest.mark.parametrize(
    ("label", "co_cited", "quote_missing", "flagged", "judged"),
    [
        (SupportLabel.SUPPORTED, False, False, False, True),
        (SupportLabel.UNSUPPORTED, False, False, True, True),
        # weak support with no reason: shown, never flagged, and an open flag resolves
        (SupportLabel.NOT_CONFIRMED, False, False, False, True),
        # judged with the sentence's other sources once all are written, not here
        (SupportLabel.UNSUPPORTED, True, False, False, False),
        (SupportLabel.SUPPORTED, True, False, False, False),
        # a quote that is not on the page is the citation's own problem
        (SupportLabel.SUPPORTED, True, True, True, True),
        (SupportLabel.SUPPORTED, False, True, True, True),
    ],
)
def test_support_conditions(
    label: SupportLabel, co_cited: bool, quote_missing: bool, flagged: bool, judged: bool
) -> None:
    support = Support(0.5, label, ("p",), "lexical", reason="claim says 21, source says 12")
    specs, kinds = verdict.support_conditions(
        support, co_cited=co_cited, quote_missing=quote_missing
    )
    assert bool(specs) is flagged
    assert (FlagKind.UNSUPPORTED in kinds) is judged
    if flagged:
        assert specs[0].detail["reason"] == "claim says 21, source says 12"


def test_moved_source_whose_evidence_is_gone_reports_removal_not_move() -> None:
    moved = verdict.source_conditions(
        Liveness(LivenessState.MOVED, "moved", {"final_url": "https://n/new"}), SourceHealth()
    )
    removed = verdict.evidence_conditions(EvidenceChange(EvidenceStatus.REMOVED), EV)
    conditions, _ = verdict.combine(moved, removed)
    assert [c.kind for c in conditions] == [FlagKind.EVIDENCE_REMOVED]
    assert conditions[0].detail["moved_to"] == "https://n/new"


def test_edited_evidence_is_one_flag_not_also_unsupported() -> None:
    source = verdict.source_conditions(ALIVE, SourceHealth("ok"))
    edited = verdict.evidence_conditions(
        EvidenceChange(EvidenceStatus.MODIFIED, severity="high", changes=("number",)), EV
    )
    unsupported = verdict.support_conditions(
        Support(0.2, SupportLabel.UNSUPPORTED, ("p",), "lexical")
    )
    conditions, judged = verdict.combine(source, edited, unsupported)
    assert [c.kind for c in conditions] == [FlagKind.EVIDENCE_CHANGED]
    assert FlagKind.UNSUPPORTED not in judged  # an open unsupported flag is left as it is
    # with the evidence unchanged, the support verdict stands
    unchanged = verdict.evidence_conditions(EvidenceChange(EvidenceStatus.UNCHANGED), EV)
    conditions, judged = verdict.combine(source, unchanged, unsupported)
    assert [c.kind for c in conditions] == [FlagKind.UNSUPPORTED]
