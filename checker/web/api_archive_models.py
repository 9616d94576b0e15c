"""What /api/v1 answers about a citation's archive of record, as pydantic models: the
source as captured when cited (evidence marked), every capture, the archived copy."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from checker.web.api_types import Id, Reply, Time


class TextPart(Reply):
    """A piece of the captured text; `evidence` marks the cited passage."""

    text: str
    evidence: bool


class AsCaptured(Reply):
    """The source as first captured for the citation: what it said when cited."""

    captured_at: Time
    url: str = Field(description="the address the captured response came from")
    digest: str | None = Field(description="WARC-Payload-Digest of the captured body")
    title: str
    text: list[TextPart] = Field(description="the extracted text, the evidence marked")
    evidence_found: bool = Field(description="the cited passage is marked in the text")


class CaptureRow(Reply):
    """One capture of the source for the citation, or an attempt that failed."""

    captured_at: Time
    reason: Literal["first_read", "evidence_changed"]
    url: str
    record: Literal["response", "revisit"] | None = Field(
        description="revisit: the same payload was archived before (deduplicated)"
    )
    digest: str | None
    error: str | None = Field(description="why the capture failed; null when it was stored")


class ArchivedCopyView(Reply):
    """The public web archive's snapshot offered for a dead, moved or edited source."""

    snapshot_url: str | None = Field(description="null: no archived copy was found")
    snapshot_at: Time | None
    verified: bool = Field(description="the snapshot carries the cited passage")
    looked_at: Time
    service: str = Field(description="where it was found: wayback, memento or availability")


class CitationArchive(Reply):
    """A citation's archive of record."""

    citation_id: Id
    as_captured: AsCaptured | None = Field(description="null until the source is captured")
    captures: list[CaptureRow] = Field(description="oldest first")
    warc_available: bool = Field(
        description="GET /api/v1/citations/{citation_id}/archive.warc.gz downloads the captures"
    )
    archived_copy: ArchivedCopyView | None
