"""Outcome → flag conditions: which flags hold for a source and its citations now.

Pure. The store turns conditions into flags: it opens a flag for a condition that has
none, escalates one whose severity rose, and resolves (as "recovered") the open flags
of every kind this check *judged* that no longer holds. A kind that was not judged
(the fetch failed, the text did not change) keeps its flags as they are.

A single failed fetch is never a dead link: failures are counted only when at least
`confirm_interval_s` apart, and `dead` / `unreachable` open once `confirm_failures`
of them have been seen, as mature link checkers do.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from checker.model import (
    BLOCKED_REASONS,
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
from checker.outcome import SourceHealth
from checker.settings import EvidenceSettings, MonitorSettings

SOURCE_KINDS = frozenset({FlagKind.DEAD, FlagKind.UNREACHABLE, FlagKind.BLOCKED, FlagKind.MOVED})
EVIDENCE_KINDS = frozenset(
    {FlagKind.EVIDENCE_REMOVED, FlagKind.EVIDENCE_CHANGED, FlagKind.CONTENT_DRIFT}
)
_HEALTHY_STATE = {
    LivenessState.ALIVE: "ok",
    LivenessState.UNCHECKABLE: "ok",
    LivenessState.MOVED: "moved",
}
_CONFIRMED_STATE = {
    LivenessState.DEAD: "dead",
    LivenessState.TRANSIENT: "unreachable",
    LivenessState.BLOCKED: "blocked",
}


def next_health(
    before: SourceHealth, liveness: Liveness, now: datetime, settings: MonitorSettings
) -> SourceHealth:
    """Count this check towards (or reset) the confirmation of a failure.

    Failures of one class add up ("gone": dead or transient; "refused": blocked); a
    failure of the other class starts a new count, so two rate limits and one 404 are
    not three failures of a dead page.
    """
    if not liveness.is_failure:
        return SourceHealth(state=_HEALTHY_STATE[liveness.state], reason=liveness.reason)
    same_class = _failure_class(before) == liveness.failure_class
    first: datetime | None
    if before.failure_count == 0 or before.last_failure_at is None or not same_class:
        count, first, last = 1, now, now
    elif (now - before.last_failure_at).total_seconds() >= settings.confirm_interval_s:
        count, first, last = before.failure_count + 1, before.first_failure_at or now, now
    else:  # too soon after the last counted failure to count again
        count, first, last = before.failure_count, before.first_failure_at, before.last_failure_at
    confirmed = count >= settings.confirm_failures
    state = _CONFIRMED_STATE[liveness.state] if confirmed else "suspect"
    return SourceHealth(state, liveness.reason, count, first, last)


def _failure_class(health: SourceHealth) -> str | None:
    if health.failure_count == 0:
        return None
    if health.state == "blocked" or health.reason in BLOCKED_REASONS:
        return "refused"
    return "gone"


def is_confirmed(health: SourceHealth) -> bool:
    return health.state in ("dead", "unreachable", "blocked")


def source_conditions(
    liveness: Liveness, health: SourceHealth, *, archived_url: str | None = None
) -> tuple[list[FlagSpec], frozenset[FlagKind]]:
    """Flags about the source itself, shared by all its citations.

    Dead, unreachable and blocked open only once confirmed over time. While we cannot
    see the page (blocked, unreachable) a dead or moved flag stays as it is: not seeing
    the page is no proof that it came back or stopped redirecting.
    """
    detail: dict[str, Any] = {"reason": liveness.reason, **liveness.detail}
    state = liveness.state
    if state in (LivenessState.ALIVE, LivenessState.UNCHECKABLE):
        return [], SOURCE_KINDS
    if state is LivenessState.MOVED:
        return [FlagSpec(FlagKind.MOVED, Severity.LOW, detail)], SOURCE_KINDS
    if not is_confirmed(health):
        return [], frozenset()  # a suspicion: reported by `check`, not flagged yet
    detail |= {
        "failures": health.failure_count,
        "failing_since": health.first_failure_at.isoformat() if health.first_failure_at else None,
    }
    if state is LivenessState.DEAD:
        if archived_url:
            detail["archived_url"] = archived_url
        return [FlagSpec(FlagKind.DEAD, Severity.HIGH, detail)], SOURCE_KINDS
    unseen = frozenset({FlagKind.BLOCKED, FlagKind.UNREACHABLE})
    if state is LivenessState.BLOCKED:
        return [FlagSpec(FlagKind.BLOCKED, Severity.LOW, detail)], unseen
    return [FlagSpec(FlagKind.UNREACHABLE, Severity.MEDIUM, detail)], unseen


def evidence_conditions(
    change: EvidenceChange, settings: EvidenceSettings
) -> tuple[list[FlagSpec], frozenset[FlagKind]]:
    detail: dict[str, Any] = {
        "before": change.before,
        "after": change.after,
        "diff": [list(op) for op in change.diff],
        "changes": list(change.changes),
        "notices": list(change.notices),
        "drift": round(change.drift, 3),
    }
    if change.status is EvidenceStatus.REMOVED:
        detail["hidden_by"] = change.hidden_by
        return [FlagSpec(FlagKind.EVIDENCE_REMOVED, Severity.HIGH, detail)], EVIDENCE_KINDS
    if change.status is EvidenceStatus.MODIFIED:
        severity = Severity(change.severity)
        return [FlagSpec(FlagKind.EVIDENCE_CHANGED, severity, detail)], EVIDENCE_KINDS
    if change.drift >= settings.drift_threshold and not change.page_cut:
        return [FlagSpec(FlagKind.CONTENT_DRIFT, Severity.LOW, detail)], EVIDENCE_KINDS
    return [], EVIDENCE_KINDS


def support_conditions(
    support: Support, *, quote_missing: bool = False, co_cited: bool = False
) -> tuple[list[FlagSpec], frozenset[FlagKind]]:
    """`unsupported` holds when a part of the claim is contradicted or shares nothing
    with the source (judge.py), or the editor's quote is not on the page. Support that
    is only not confirmed is shown, never flagged. A claim the article also cites other
    sources for is judged with them once all are written (store.claim_groups): here
    only a missing quote, the citation's own problem, is flagged."""
    unsupported = [FlagSpec(FlagKind.UNSUPPORTED, Severity.MEDIUM, support_detail(support))]
    if quote_missing:
        unsupported[0].detail["quote_not_found"] = True
        return unsupported, frozenset({FlagKind.UNSUPPORTED})
    if co_cited:
        return [], frozenset()
    if support.label is SupportLabel.UNSUPPORTED:
        return unsupported, frozenset({FlagKind.UNSUPPORTED})
    return [], frozenset({FlagKind.UNSUPPORTED})


def support_detail(support: Support, *, reason: str = "", part: str = "") -> dict[str, Any]:
    """What an `unsupported` flag shows: the part no source supports, the reason (which
    quotes the passage read) and the claim's parts."""
    weakest = support.weakest
    detail: dict[str, Any] = {
        "score": round(support.score, 3),
        "label": support.label.value,
        "passages": list(support.passages[:3]),
        "backend": support.backend,
        "reason": reason or support.reason,
        "part": part or (weakest.text if weakest else ""),
    }
    if support.mismatches:
        detail["mismatches"] = list(support.mismatches)
    if len(support.parts) > 1:
        detail["parts"] = [
            {"text": p.text, "label": p.label.value, "reason": p.reason} for p in support.parts
        ]
    return detail


def combine(
    source: tuple[list[FlagSpec], frozenset[FlagKind]],
    *parts: tuple[list[FlagSpec], frozenset[FlagKind]],
) -> tuple[tuple[FlagSpec, ...], frozenset[FlagKind]]:
    """Merge condition sets, one flag per problem an editor has to look at.

    - A moved source whose evidence is gone is reported as removed evidence.
    - When the evidence was edited or removed, that flag explains why the claim lost its
      support: `unsupported` is neither opened nor resolved on top of it.
    """
    conditions = list(source[0])
    judged = set(source[1])
    for specs, kinds in parts:
        conditions += specs
        judged |= kinds
    kinds_now = {c.kind for c in conditions}
    if kinds_now & {FlagKind.EVIDENCE_CHANGED, FlagKind.EVIDENCE_REMOVED}:
        conditions = [c for c in conditions if c.kind is not FlagKind.UNSUPPORTED]
        judged.discard(FlagKind.UNSUPPORTED)
    if FlagKind.MOVED in kinds_now and FlagKind.EVIDENCE_REMOVED in kinds_now:
        conditions = [c for c in conditions if c.kind is not FlagKind.MOVED]
        conditions = [
            replace(c, detail=c.detail | {"moved_to": source_moved_to(source[0])})
            if c.kind is FlagKind.EVIDENCE_REMOVED
            else c
            for c in conditions
        ]
    return tuple(conditions), frozenset(judged)


def source_moved_to(specs: list[FlagSpec]) -> str | None:
    for spec in specs:
        if spec.kind is FlagKind.MOVED:
            value = spec.detail.get("final_url") or spec.detail.get("new_url")
            return str(value) if value else None
    return None
