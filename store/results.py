"""Writing one check's outcome: check row, snapshot, source state, citation evidence and
support, flags, flag events and outbox rows, all in the caller's single transaction.

Writing the same outcome twice changes nothing the second time: snapshots are unique
per content hash, and flags per (citation, kind) while unresolved.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from checker.model import Document
from checker.outcome import SourceOutcome
from store.captures import ORPHANED_FILES, captured_snapshots, record_captures, record_copies
from store.claim_groups import parts_to_json, rejudge_groups
from store.flags import CitationConditions, FlagMemory, reconcile_flags
from store.tables import Citation, Snapshot, Source, SourceCheck


@dataclass
class Batch:
    """A batch of outcomes being written: the rows they change, loaded in a few queries
    for all of them (their source rows are already locked by the lease check), and the
    check rows they add, inserted together in one executemany (`insert_checks`)."""

    sources: dict[int, Source] = field(default_factory=dict)
    citations: dict[int, dict[int, Citation]] = field(default_factory=dict)  # by source
    flags: FlagMemory = field(default_factory=lambda: FlagMemory({}, set()))
    checks: list[dict[str, Any]] = field(default_factory=list)
    # citations read anew whose sentence also cites other sources: judged again with
    # them once the whole batch is written (store.claim_groups)
    regroup: list[Citation] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session, source_ids: Sequence[int]) -> Batch:
        ids = sorted(set(source_ids))
        if not ids:
            return cls()
        sources = {s.id: s for s in session.exec(select(Source).where(col(Source.id).in_(ids)))}
        by_source: dict[int, dict[int, Citation]] = defaultdict(dict)
        live = select(Citation).where(
            col(Citation.source_id).in_(ids), col(Citation.retired_at).is_(None)
        )
        for citation in session.exec(live):
            assert citation.id is not None
            by_source[citation.source_id][citation.id] = citation
        cited = [c for cs in by_source.values() for c in cs]
        return cls(
            {i: s for i, s in sources.items() if i is not None},
            dict(by_source),
            FlagMemory.load(session, cited),
        )


def record_outcome(
    session: Session,
    outcome: SourceOutcome,
    *,
    owner: str | None = None,
    check_history: int = 200,
    snapshot_history: int = 20,
    keep_captures: int = 10,
    batch: Batch | None = None,
) -> bool:
    """Write the outcome; False (and nothing written) if `owner` lost the lease meanwhile.

    In a `batch` (store.writes), its rows come from there, and its check row is inserted
    and the checks' history trimmed by the caller, once for the batch; alone, it loads
    and locks them.
    WARC files no capture uses any more are listed in `session.info[ORPHANED_FILES]`."""
    if batch is None:
        source = session.get(Source, outcome.source_id, with_for_update=True)
    else:
        source = batch.sources.get(outcome.source_id)
    if source is None:
        return False
    if owner is not None and source.lease_owner != owner:
        return False  # another worker took the source over: its result wins
    now = outcome.checked_at
    snapshot_id = _snapshot(session, source, outcome)

    check = {
        "source_id": outcome.source_id,
        "checked_at": now,
        "status": outcome.status,
        "final_url": outcome.final_url[:2048],
        "error": outcome.error,
        "state": outcome.liveness.state.value,
        "reason": outcome.liveness.reason,
        "elapsed_ms": outcome.elapsed_ms,
        "snapshot_id": snapshot_id,
        "worker": outcome.worker,
        "detail": outcome.detail,
    }
    if batch is None:
        insert_checks(session, [check])
    else:
        batch.checks.append(check)

    health = outcome.health
    source.state, source.reason = health.state, health.reason
    source.failure_count = health.failure_count
    source.first_failure_at, source.last_failure_at = (
        health.first_failure_at,
        health.last_failure_at,
    )
    source.last_status, source.final_url = outcome.status, outcome.final_url[:2048] or None
    source.last_checked_at = now
    source.next_check_at, source.interval_s = outcome.next_check_at, outcome.interval_s
    source.unchanged_checks = outcome.unchanged_checks
    source.etag, source.last_modified = outcome.etag, outcome.last_modified
    if outcome.content_hash:
        source.content_hash = outcome.content_hash
    source.body_hash = outcome.body_hash
    if snapshot_id is not None:
        source.last_snapshot_id = snapshot_id
    if outcome.archived_url:
        source.archived_url = outcome.archived_url
    source.lease_owner, source.lease_expires_at = None, None

    current_snapshot = snapshot_id or source.last_snapshot_id
    citations: dict[int, Citation]
    if batch is None:
        live = select(Citation).where(
            Citation.source_id == source.id, col(Citation.retired_at).is_(None)
        )
        citations = {c.id: c for c in session.exec(live) if c.id is not None}
    else:
        citations = batch.citations.get(outcome.source_id, {})
    judged: list[CitationConditions] = []
    regroup = batch.regroup if batch is not None else []
    for result in outcome.citations:
        citation = citations.get(result.citation_id)
        if citation is None:
            continue  # retired by a re-import while the check ran
        if result.evidence is not None and citation.evidence is None:
            citation.evidence = dataclasses.asdict(result.evidence)
            citation.baseline_snapshot_id = current_snapshot
        if result.support is not None:
            citation.support_score = result.support.score
            citation.support_label = result.support.label.value
            citation.support_passage = result.support.passages[0] if result.support.passages else ""
            citation.support_mismatches = list(result.support.mismatches)
            citation.support_parts = parts_to_json(result.support.parts)
            citation.support_reason = result.support.reason or None
            citation.support_backend = result.support.backend
            citation.support_hash = outcome.content_hash
            if result.co_cited:
                regroup.append(citation)
        if result.unseen is None:
            citation.verified_at = now
            citation.unverified_since, citation.unverified_reason = None, None
        else:
            citation.unverified_since = citation.unverified_since or now
            citation.unverified_reason = result.unseen[:32]
        judged.append(CitationConditions(citation, result.conditions, result.judged))
    reconcile_flags(session, judged, now, batch.flags if batch else None)
    orphaned = record_captures(
        session,
        outcome,
        list(citations),
        current_snapshot,
        keep=keep_captures,
    )
    if orphaned:
        session.info.setdefault(ORPHANED_FILES, []).extend(orphaned)
    record_copies(session, outcome, list(citations))

    if batch is None:
        session.flush()
        rejudge_groups(session, regroup, now)
        trim_checks(session, [outcome.source_id], check_history)
    if snapshot_id is not None:  # snapshots only grow when a check stored new content
        session.flush()
        _trim_snapshots(session, source, snapshot_history)
    return True


def _snapshot(session: Session, source: Source, outcome: SourceOutcome) -> int | None:
    doc: Document | None = outcome.document
    if doc is None or not outcome.content_hash:
        return None
    existing = session.exec(
        select(Snapshot).where(
            Snapshot.source_id == source.id, Snapshot.content_hash == outcome.content_hash
        )
    ).one_or_none()
    if existing is not None:  # content went back to an earlier version
        existing.last_seen_at = outcome.checked_at
        return existing.id
    assert source.id is not None
    snap = Snapshot(
        source_id=source.id,
        content_hash=outcome.content_hash,
        title=doc.title,
        text=doc.text,
        kind=doc.kind,
        final_url=outcome.final_url[:2048],
        fetched_at=outcome.checked_at,
        last_seen_at=outcome.checked_at,
    )
    session.add(snap)
    session.flush()
    return snap.id


def insert_checks(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert check rows in one executemany (their ids are never needed back)."""
    if rows:
        session.execute(insert(SourceCheck), rows)


def trim_checks(session: Session, source_ids: Sequence[int], keep: int) -> None:
    """Keep the newest `keep` checks of each of these sources, in one statement."""
    if not source_ids:
        return
    newer = aliased(SourceCheck)
    cutoff = (
        select(newer.id)
        .where(newer.source_id == SourceCheck.source_id)
        .order_by(col(newer.id).desc())
        .offset(keep)
        .limit(1)
        .scalar_subquery()
    )
    session.execute(
        delete(SourceCheck).where(
            col(SourceCheck.source_id).in_(sorted(set(source_ids))), col(SourceCheck.id) <= cutoff
        )
    )


def _trim_snapshots(session: Session, source: Source, keep_count: int) -> None:
    """Keep the newest snapshots; never drop one a citation anchors on or a capture shows."""
    keep = {
        i
        for i in session.exec(
            select(Citation.baseline_snapshot_id).where(Citation.source_id == source.id)
        )
        if i
    } | {source.last_snapshot_id}
    if source.id is not None:
        keep |= captured_snapshots(session, source.id)
    old_snaps = (
        select(Snapshot.id)
        .where(Snapshot.source_id == source.id)
        .order_by(col(Snapshot.last_seen_at).desc(), col(Snapshot.id).desc())
        .offset(keep_count)
    )
    drop = [i for i in session.exec(old_snaps) if i not in keep]
    if drop:
        session.execute(delete(Snapshot).where(col(Snapshot.id).in_(drop)))


def record_internal_error(
    session: Session, source_id: int, *, owner: str, now: datetime, message: str, retry_at: datetime
) -> None:
    """A bug (not the source) broke the check: keep a trace and retry later, flag nothing."""
    source = session.get(Source, source_id, with_for_update=True)
    if source is None or source.lease_owner != owner:
        return
    session.add(
        SourceCheck(
            source_id=source_id,
            checked_at=now,
            error="internal",
            state="error",
            worker=owner,
            detail={"error_message": message[:2000]},
        )
    )
    source.next_check_at = retry_at
    source.lease_owner, source.lease_expires_at = None, None
