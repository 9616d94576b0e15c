"""Captures and archived copies in the store, written with the check that made them.

Captures are bounded per citation; an archived copy verdict is kept once per citation.

Retention keeps each citation's first capture (what the source said when it was cited)
and its newest ones. A WARC file is shared by every capture of the same payload, so it
is reported for deletion only once no capture row uses it; the caller deletes it after
the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete
from sqlmodel import Session, col, select

from checker.outcome import SourceOutcome
from store.archive_tables import ArchivedCopy, Capture

# session.info key under which a written check lists the WARC files it orphaned
ORPHANED_FILES = "citecheck.orphaned_warcs"


def record_captures(
    session: Session,
    outcome: SourceOutcome,
    live_citations: Iterable[int],
    snapshot_id: int | None,
    *,
    keep: int,
) -> list[str]:
    """Write the outcome's captures (once per citation and moment); returns the WARC
    files no capture uses any more."""
    live = set(live_citations)
    wanted = [c for c in outcome.captures if c.citation_id in live]
    if not wanted:
        return []
    existing = set(
        session.exec(
            select(Capture.citation_id).where(
                col(Capture.citation_id).in_([c.citation_id for c in wanted]),
                Capture.captured_at == outcome.checked_at,
            )
        )
    )
    for made in wanted:
        if made.citation_id in existing:
            continue  # the same outcome written twice
        record = made.record
        session.add(
            Capture(
                citation_id=made.citation_id,
                source_id=outcome.source_id,
                captured_at=outcome.checked_at,
                reason=made.reason,
                url=(record.url if record else outcome.final_url)[:2048],
                warc_path=record.path if record else None,
                warc_offset=record.offset if record else None,
                warc_length=record.length if record else None,
                digest=record.digest if record else None,
                record=record.record if record else None,
                record_id=record.record_id[:80] if record else None,
                snapshot_id=snapshot_id,
                error=made.error[:300] if made.error else None,
            )
        )
    session.flush()
    # a first read is a citation's first capture (failed attempts aside): nothing to trim
    grown = [c.citation_id for c in wanted if c.reason != "first_read"]
    return _trim(session, grown, keep)


def _trim(session: Session, citation_ids: Sequence[int], keep: int) -> list[str]:
    if keep <= 0:
        return []
    dropped: list[int] = []
    paths: set[str] = set()
    for cid in citation_ids:
        rows = session.exec(
            select(Capture.id, Capture.warc_path)
            .where(Capture.citation_id == cid)
            .order_by(col(Capture.captured_at), col(Capture.id))
        ).all()
        # the first capture always stays; then the newest keep - 1
        middle = rows[1 : max(1, len(rows) - max(keep - 1, 0))]
        for row_id, path in middle:
            if row_id is not None:
                dropped.append(row_id)
            if path:
                paths.add(path)
    if not dropped:
        return []
    session.execute(delete(Capture).where(col(Capture.id).in_(dropped)))
    session.flush()
    used = set(session.exec(select(Capture.warc_path).where(col(Capture.warc_path).in_(paths))))
    return sorted(paths - used)


def captured_citations(session: Session, source_ids: Sequence[int]) -> set[int]:
    """The citations of these sources with at least one stored capture."""
    if not source_ids:
        return set()
    rows = session.exec(
        select(Capture.citation_id)
        .where(col(Capture.source_id).in_(list(source_ids)), col(Capture.warc_path).is_not(None))
        .distinct()
    )
    return set(rows)


def captured_snapshots(session: Session, source_id: int) -> set[int]:
    """Snapshots a capture shows the text of: kept as long as the capture."""
    rows = session.exec(
        select(Capture.snapshot_id)
        .where(Capture.source_id == source_id, col(Capture.snapshot_id).is_not(None))
        .distinct()
    )
    return {i for i in rows if i is not None}


def record_copies(session: Session, outcome: SourceOutcome, live_citations: Iterable[int]) -> None:
    """Keep the archived copy found for each citation (the latest verdict wins)."""
    live = set(live_citations)
    for verdict in outcome.copies:
        if verdict.citation_id not in live:
            continue
        row = session.exec(
            select(ArchivedCopy).where(ArchivedCopy.citation_id == verdict.citation_id)
        ).one_or_none() or ArchivedCopy(
            citation_id=verdict.citation_id,
            source_id=outcome.source_id,
            looked_at=outcome.checked_at,
        )
        row.source_id, row.looked_at = outcome.source_id, outcome.checked_at
        row.snapshot_url = verdict.snapshot_url[:2048] if verdict.snapshot_url else None
        row.snapshot_at, row.verified = verdict.snapshot_at, verdict.verified
        row.service, row.tried = verdict.service[:32], verdict.tried
        session.add(row)


def looked_for_copies(session: Session, source_ids: Sequence[int]) -> set[int]:
    """The citations of these sources an archived copy was looked for already."""
    if not source_ids:
        return set()
    rows = session.exec(
        select(ArchivedCopy.citation_id).where(col(ArchivedCopy.source_id).in_(list(source_ids)))
    )
    return set(rows)
