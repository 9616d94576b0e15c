"""Flags: opening, escalating and resolving them from check results; listing them;
editor decisions. Every change writes a flag event (the audit trail) and, where the
newsroom should hear about it, an outbox row, in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from checker.model import FlagKind, FlagSpec, Severity
from store.tables import FLAG_STATUSES, AlertEvent, Citation, Flag, FlagEvent

CHECKER = "checker"
_SEVERITY_ORDER = case({"high": 0, "medium": 1, "low": 2}, value=Flag.severity, else_=3)


def signature(spec: FlagSpec) -> str:
    """What makes two occurrences of a condition 'the same' (for false-alarm memory)."""
    d = spec.detail
    basis = f"{spec.kind}|{d.get('reason', '')}|{d.get('after', '')}|{d.get('final_url', '')}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CitationConditions:
    """What one check concluded for one citation (see checker.outcome.CitationOutcome)."""

    citation: Citation
    conditions: tuple[FlagSpec, ...]
    judged: frozenset[FlagKind]


@dataclass(frozen=True)
class FlagMemory:
    """What reconciling needs to know of some citations' flags, loaded in two queries:
    their unresolved flags, and the signatures editors dismissed as false alarms."""

    open: dict[tuple[int, str], Flag]
    dismissed: set[tuple[int, str, str | None]]

    @classmethod
    def load(cls, session: Session, citation_ids: Iterable[int]) -> FlagMemory:
        ids = sorted(set(citation_ids))
        if not ids:
            return cls({}, set())
        unresolved = select(Flag).where(
            col(Flag.citation_id).in_(ids), col(Flag.resolved_at).is_(None)
        )
        false_alarms = select(Flag.citation_id, Flag.kind, Flag.detail).where(
            col(Flag.citation_id).in_(ids), Flag.resolved_by == "false_alarm"
        )
        return cls(
            {(f.citation_id, f.kind): f for f in session.exec(unresolved)},
            {(c, k, (d or {}).get("signature")) for c, k, d in session.exec(false_alarms)},
        )


def reconcile_flags(
    session: Session,
    results: Iterable[CitationConditions],
    now: datetime,
    memory: FlagMemory | None = None,
) -> None:
    """Open, escalate and resolve the flags of a source's citations in a few statements.

    `memory` holds their flags as loaded for a whole batch of results; without it, two
    queries load them. New flags are flushed together to get their ids.
    """
    results = list(results)
    ids = [r.citation.id for r in results if r.citation.id is not None]
    if not ids:
        return
    if memory is None:
        memory = FlagMemory.load(session, ids)
    open_flags, dismissed = memory.open, memory.dismissed
    opened: list[Flag] = []
    for result in results:
        citation = result.citation
        held: set[str] = set()
        for spec in result.conditions:
            held.add(spec.kind.value)
            detail = dict(spec.detail) | {"signature": signature(spec)}
            flag = open_flags.get((citation.id, spec.kind.value))  # type: ignore[arg-type]
            if flag is None:
                if (citation.id, spec.kind.value, detail["signature"]) not in dismissed:
                    opened.append(_new_flag(citation, spec, detail, now))
            elif Severity(spec.severity).rank > Severity(flag.severity).rank:
                flag.severity = spec.severity.value
                flag.detail, flag.updated_at = detail, now
                _event(session, flag, "escalated", CHECKER, now, {"severity": flag.severity})
                _outbox(session, flag, "flag.escalated", now)
            elif flag.detail != detail:
                flag.detail, flag.updated_at = detail, now
        for kind in result.judged:
            flag = open_flags.get((citation.id, kind.value))  # type: ignore[arg-type]
            if flag is not None and kind.value not in held:
                resolve(session, flag, actor=CHECKER, by="recovered", now=now)
    if opened:
        session.add_all(opened)
        session.flush()  # one round trip gives every new flag its id
        for flag in opened:
            _event(session, flag, "opened", CHECKER, now, {"severity": flag.severity})
            _outbox(session, flag, "flag.opened", now)


def _new_flag(citation: Citation, spec: FlagSpec, detail: dict[str, Any], now: datetime) -> Flag:
    assert citation.id is not None
    return Flag(
        citation_id=citation.id,
        article_id=citation.article_id,
        source_id=citation.source_id,
        kind=spec.kind.value,
        severity=spec.severity.value,
        status="open",
        opened_at=now,
        updated_at=now,
        detail=detail,
    )


def resolve(
    session: Session,
    flag: Flag,
    *,
    actor: str,
    by: str,
    now: datetime,
    note: str | None = None,
) -> None:
    flag.status, flag.resolved_at, flag.resolved_by = "resolved", now, by
    flag.updated_at = now
    if note:
        flag.note = note
    _event(session, flag, "resolved", actor, now, {"resolved_by": by}, note)
    _outbox(session, flag, "flag.resolved", now)


def _event(
    session: Session,
    flag: Flag,
    action: str,
    actor: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
    note: str | None = None,
) -> None:
    assert flag.id is not None
    session.add(
        FlagEvent(
            flag_id=flag.id, at=now, actor=actor, action=action, note=note, detail=detail or {}
        )
    )


def _outbox(session: Session, flag: Flag, event_type: str, now: datetime) -> None:
    assert flag.id is not None
    payload = {"kind": flag.kind, "severity": flag.severity, "status": flag.status}
    session.add(
        AlertEvent(
            event_id=f"evt_{uuid.uuid4().hex}",
            type=event_type,
            flag_id=flag.id,
            created_at=now,
            payload=payload,
        )
    )


# --------------------------------------------------------------------------- editor actions


class FlagActionError(Exception):
    """An editor action that cannot apply (unknown flag, already resolved, ...)."""


def apply_action(
    session: Session,
    flag_id: int,
    action: str,
    *,
    actor: str,
    now: datetime,
    note: str | None = None,
    until: datetime | None = None,
) -> Flag:
    """acknowledge | resolve | mute | unmute | false_alarm, recorded in the audit trail."""
    flag = session.get(Flag, flag_id, with_for_update=True)
    if flag is None:
        raise FlagActionError(f"no flag with id {flag_id}")
    if flag.resolved_at is not None:
        raise FlagActionError(f"flag {flag_id} is already resolved ({flag.resolved_by})")
    if action == "acknowledge":
        flag.status = "acknowledged"
    elif action == "mute":
        flag.status, flag.muted_until = "muted", until
    elif action == "unmute":
        flag.status, flag.muted_until = "open", None
    elif action in ("resolve", "false_alarm"):
        resolve(session, flag, actor=actor, by="editor" if action == "resolve" else action,
                now=now, note=note)  # fmt: skip
        return flag
    else:
        raise FlagActionError(f"unknown action {action!r}")
    flag.updated_at = now
    if note:
        flag.note = note
    detail = {"until": until.isoformat()} if until else {}
    _event(session, flag, action if action != "acknowledge" else "acknowledged", actor, now,
           detail, note)  # fmt: skip
    return flag


# --------------------------------------------------------------------------- listing


@dataclass(frozen=True)
class FlagFilter:
    status: str = (
        "open"  # open (open, acknowledged and muted) | acknowledged | resolved | all | ...
    )
    kind: str | None = None
    severity: str | None = None
    article_id: int | None = None
    source_id: int | None = None
    limit: int = 1000
    offset: int = 0


def list_flags(session: Session, flt: FlagFilter) -> list[dict[str, Any]]:
    """Flags for the CLI and scripts, most severe and oldest first (the dashboard's query)."""
    from store.dashboard import QueueFilter, queue_select

    if flt.status not in ("open", "all", *FLAG_STATUSES):
        raise ValueError(f"unknown status {flt.status!r}")
    stmt = queue_select(
        QueueFilter(
            status=flt.status,
            kind=flt.kind,
            severity=flt.severity,
            article_id=flt.article_id,
            source_id=flt.source_id,
        )
    )
    stmt = stmt.order_by(_SEVERITY_ORDER, col(Flag.opened_at), col(Flag.id))
    stmt = stmt.limit(flt.limit).offset(flt.offset)
    return [
        {
            "id": flag.id,
            "kind": flag.kind,
            "severity": flag.severity,
            "status": flag.status,
            "article_url": article_url,
            "article_title": title,
            "source_url": source_url,
            "ref": ref,
            "claim": claim,
            "opened_at": _iso(flag.opened_at),
            "updated_at": _iso(flag.updated_at),
            "resolved_at": _iso(flag.resolved_at),
            "resolved_by": flag.resolved_by,
            "detail": {k: v for k, v in flag.detail.items() if k != "signature"},
        }
        for flag, claim, ref, title, article_url, source_url, _host in session.execute(stmt)
    ]


def count_open_by_kind(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(Flag.kind, func.count()).where(col(Flag.resolved_at).is_(None)).group_by(Flag.kind)
    )
    return {kind: int(n) for kind, n in rows}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None
