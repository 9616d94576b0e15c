"""The archive of record's tables: captures (WARC records of a source, per citation) and
archived copies found on public web archives, with whether they carry the evidence.

Idempotence lives in the schema: one capture per (citation, moment), one archived copy
verdict per citation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime


class Capture(SQLModel, table=True):
    """A WARC capture of a citation's source (or a failed attempt: `error` says why)."""

    id: int | None = Field(default=None, primary_key=True)
    citation_id: int = Field(foreign_key="citation.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    captured_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    reason: str = Field(max_length=32)  # first_read | evidence_changed
    url: str = Field(default="", max_length=2048)  # WARC-Target-URI
    # where the records are, relative to the archive folder (None: the capture failed)
    warc_path: str | None = Field(default=None, max_length=255, index=True)
    warc_offset: int | None = None
    warc_length: int | None = None
    digest: str | None = Field(default=None, max_length=64)  # WARC-Payload-Digest
    record: str | None = Field(default=None, max_length=16)  # response | revisit
    record_id: str | None = Field(default=None, max_length=80)
    snapshot_id: int | None = None  # the text extracted from it (kept while captured)
    error: str | None = Field(default=None, max_length=300)

    __table_args__ = (UniqueConstraint("citation_id", "captured_at", name="uq_capture_moment"),)


class ArchivedCopy(SQLModel, table=True):
    """The archived copy offered for a citation's dead, moved or edited source."""

    __tablename__ = "archived_copy"

    id: int | None = Field(default=None, primary_key=True)
    citation_id: int = Field(foreign_key="citation.id", unique=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    looked_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # the snapshot chosen (None: none found); verified: it carries the cited passage
    snapshot_url: str | None = Field(default=None, max_length=2048)
    snapshot_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    verified: bool = False
    service: str = Field(default="", max_length=32)  # wayback | memento | availability
    tried: int = 0  # snapshots fetched to find it
