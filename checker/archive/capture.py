"""When a check captures its source, and the capture that never fails the check.

A citation is captured at its first full read (the first check that saw its source's
own content, or the first since capture was turned on) and whenever a new text of the
source shows its evidence edited or removed. One source response is written once
however many citations it is captured for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from checker.archive.folder import ArchiveError, FolderArchive
from checker.model import EvidenceChange, EvidenceStatus, FetchResult
from checker.outcome import CitationCapture, CitationOutcome, CitationTask
from checker.settings import Settings

log = logging.getLogger(__name__)


def archive_folder(settings: Settings) -> Path:
    """[archive] folder, or by default one beside the SQLite database file (pure)."""
    if settings.archive.folder:
        return Path(settings.archive.folder)
    try:
        url = make_url(settings.database.url)
    except Exception:  # an unparsable URL is the database's error to report, not ours
        return Path("archive")
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(f"{db.stem}-archive")
    return Path("archive")


def open_archive(settings: Settings) -> FolderArchive | None:
    """The archive of record, checked writable (ArchiveError otherwise); None when off."""
    spn = settings.archive
    if spn.save_page_now and not (spn.spn_access_key and spn.spn_secret_key):
        raise ArchiveError(
            "[archive] save_page_now needs the SPN2 keys: set spn_access_key and "
            "spn_secret_key (https://archive.org/account/s3.php), or save_page_now = false"
        )
    if not settings.archive.capture:
        return None
    archive = FolderArchive(archive_folder(settings))
    archive.check_writable()
    return archive


def capture_reasons(
    citations: Sequence[CitationTask],
    outcomes: Sequence[CitationOutcome],
    changes: Mapping[int, EvidenceChange],
) -> dict[int, str]:
    """Which citations this fully read check captures, and why (pure)."""
    seen = {o.citation_id for o in outcomes if o.unseen is None}
    reasons: dict[int, str] = {}
    for citation in citations:
        if citation.id not in seen:
            continue
        change = changes.get(citation.id)
        if not citation.captured:
            reasons[citation.id] = "first_read"
        elif (
            change is not None
            and change.status is not EvidenceStatus.UNCHANGED
            and change.hidden_by is None
        ):
            reasons[citation.id] = "evidence_changed"
    return reasons


def capturable(result: FetchResult) -> bool:
    """A complete answer with a body: what a capture needs."""
    return bool(result.body) and not result.truncated and result.status is not None


async def capture_response(
    archive: FolderArchive,
    result: FetchResult,
    request_headers: list[tuple[str, str]],
    reasons: Mapping[int, str],
    now: datetime,
) -> tuple[CitationCapture, ...]:
    """Write the response once for all `reasons`' citations; a failure is returned, logged,
    never raised: the check is recorded whatever the disk does."""
    if not reasons:
        return ()
    try:
        record = await asyncio.to_thread(archive.store, result, request_headers, now)
    except Exception as exc:  # a full disk, a folder gone: the check goes on
        error = _describe(exc)
        log.warning("capture of %s failed: %s", result.final_url, error)
        return tuple(CitationCapture(cid, why, error=error) for cid, why in reasons.items())
    return tuple(CitationCapture(cid, why, record=record) for cid, why in reasons.items())


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"[:300]
    return (str(exc) or type(exc).__name__)[:300]
