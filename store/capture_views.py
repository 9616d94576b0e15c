"""What the archive of record shows for one citation: the text as first captured with
its evidence, every capture (and failed attempt), the archived copy found for it, and
where the WARC records of its captures are."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from checker.archive.highlight import highlight
from store.archive_tables import ArchivedCopy, Capture
from store.tables import Citation, Snapshot


def citation_archive(session: Session, citation_id: int) -> dict[str, Any] | None:
    citation = session.get(Citation, citation_id)
    if citation is None:
        return None
    captures = _captures(session, citation_id)
    stored = [c for c in captures if c.warc_path]
    first = stored[0] if stored else None
    as_captured = None
    if first is not None:
        snapshot = session.get(Snapshot, first.snapshot_id) if first.snapshot_id else None
        passages = [str(p) for p in (citation.evidence or {}).get("passages") or []]
        parts = highlight(snapshot.text if snapshot else "", passages)
        as_captured = {
            "captured_at": first.captured_at,
            "url": first.url,
            "digest": first.digest,
            "title": snapshot.title if snapshot else "",
            "text": [{"text": t, "evidence": e} for t, e in parts],
            "evidence_found": any(e for _, e in parts),
        }
    copy = session.exec(
        select(ArchivedCopy).where(ArchivedCopy.citation_id == citation_id)
    ).one_or_none()
    return {
        "citation_id": citation_id,
        "as_captured": as_captured,
        "captures": [
            {
                "captured_at": c.captured_at,
                "reason": c.reason,
                "url": c.url,
                "record": c.record,
                "digest": c.digest,
                "error": c.error,
            }
            for c in captures
        ],
        "warc_available": bool(stored),
        "archived_copy": None
        if copy is None
        else {
            "snapshot_url": copy.snapshot_url,
            "snapshot_at": copy.snapshot_at,
            "verified": copy.verified,
            "looked_at": copy.looked_at,
            "service": copy.service,
        },
    }


def warc_spans(session: Session, citation_id: int) -> list[tuple[str, int, int, str]]:
    """(file, offset, length, record) of the citation's stored captures, oldest first."""
    return [
        (str(c.warc_path), int(c.warc_offset or 0), int(c.warc_length or 0), str(c.record))
        for c in _captures(session, citation_id)
        if c.warc_path
    ]


def _captures(session: Session, citation_id: int) -> list[Capture]:
    return list(
        session.exec(
            select(Capture)
            .where(Capture.citation_id == citation_id)
            .order_by(col(Capture.captured_at), col(Capture.id))
        )
    )
