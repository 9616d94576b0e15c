"""Indexes the dashboard's queries need on the core tables.

The flags queue pages through unresolved flags by (severity, opened_at, id) with keyset
pagination; the overview counts flags and checks by time. Without these, a million
rows turn each page into a scan.
"""

from __future__ import annotations

from sqlalchemy import Index, text
from sqlmodel import col

from store.tables import Citation, Flag, SourceCheck

OPEN_QUEUE = Index(
    "ix_flag_open_queue",
    col(Flag.severity),
    col(Flag.opened_at),
    col(Flag.id),
    sqlite_where=text("resolved_at IS NULL"),
    postgresql_where=text("resolved_at IS NULL"),
)
# Counts per kind on every queue page: an index-only scan instead of reading flag rows.
OPEN_COUNTS = Index(
    "ix_flag_open_kind",
    col(Flag.kind),
    col(Flag.severity),
    sqlite_where=text("resolved_at IS NULL"),
    postgresql_where=text("resolved_at IS NULL"),
)
ALL_QUEUE = Index("ix_flag_all_queue", col(Flag.severity), col(Flag.opened_at), col(Flag.id))
FLAG_OPENED = Index("ix_flag_opened_at", col(Flag.opened_at))
# Partial so that planners never pick it for "resolved_at IS NULL" (the open queue):
# ix_flag_open_queue serves those; this one serves "resolved since" counts.
FLAG_RESOLVED = Index(
    "ix_flag_resolved_at",
    col(Flag.resolved_at),
    sqlite_where=text("resolved_at IS NOT NULL"),
    postgresql_where=text("resolved_at IS NOT NULL"),
)
CHECK_TIME = Index("ix_check_checked_at", col(SourceCheck.checked_at))
# Claims not confirmed, counted on every queue page and listed by article.
SUPPORT_LABEL = Index(
    "ix_citation_support_label",
    col(Citation.support_label),
    col(Citation.article_id),
    sqlite_where=text("retired_at IS NULL"),
    postgresql_where=text("retired_at IS NULL"),
)
