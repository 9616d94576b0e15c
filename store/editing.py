"""Editor decisions from the dashboard and the API, each in the flag's audit trail.

acknowledge / resolve / mute / unmute / false_alarm are store.flags.apply_action; this
module adds the two that reach beyond the flag: "recheck now" (the source becomes due,
a worker picks it up) and "replace the source" (the citation points at another URL,
which becomes its new baseline).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from checker.urls import BadUrl, host_of, normalize_url
from store.articles import citation_key
from store.flags import FlagActionError, apply_action, resolve
from store.tables import Citation, Flag, FlagEvent, Source

FLAG_ACTIONS = ("acknowledge", "resolve", "mute", "unmute", "false_alarm")


class EditError(ValueError):
    """An action that cannot apply to the flag as it is now; the message says why."""


class EditInputError(EditError):
    """The request itself is wrong (an unknown action, a bad URL, a date in the past)."""


def act_on_flag(
    session: Session,
    flag_id: int,
    action: str,
    *,
    actor: str,
    now: datetime,
    note: str | None = None,
    until: datetime | None = None,
) -> None:
    if action not in FLAG_ACTIONS:
        raise EditInputError(f"unknown action {action!r}: use one of {', '.join(FLAG_ACTIONS)}")
    if action == "mute" and until is not None and until <= now:
        raise EditInputError("mute until must be in the future")
    try:
        apply_action(session, flag_id, action, actor=actor, now=now, note=note or None, until=until)
    except FlagActionError as exc:
        raise EditError(str(exc)) from None


def request_recheck(session: Session, flag_id: int, *, actor: str, now: datetime) -> int:
    """Make the flag's source due now; returns the source id."""
    flag = _flag(session, flag_id)
    citation = session.get(Citation, flag.citation_id)
    assert citation is not None
    source = session.get(Source, citation.source_id, with_for_update=True)
    assert source is not None and source.id is not None
    source.next_check_at = now
    _audit(session, flag_id, "recheck_requested", actor, now, {"source_id": source.id})
    return source.id


def replace_source(
    session: Session,
    flag_id: int,
    *,
    actor: str,
    now: datetime,
    new_url: str | None = None,
    use_archive: bool = False,
    note: str | None = None,
) -> int:
    """Point the flag's citation at `new_url` (or the source's archived copy).

    The new source is the citation's baseline: its evidence and support are reset so
    the next check anchors afresh, the source is due now, and every open flag of the
    citation resolves as "replaced". Returns the new source id.
    """
    flag = _flag(session, flag_id)
    citation = session.get(Citation, flag.citation_id, with_for_update=True)
    assert citation is not None and citation.id is not None
    old = session.get(Source, citation.source_id)
    assert old is not None
    if use_archive:
        wanted = old.archived_url or str(flag.detail.get("archived_url") or "")
        if not wanted:
            raise EditError(f"source {old.url} has no archived copy: give a new URL instead")
    elif new_url and new_url.strip():
        wanted = new_url
    else:
        raise EditInputError("replace needs a new URL, or the archived copy")
    try:
        url = normalize_url(wanted)
    except BadUrl as exc:
        raise EditInputError(f"new URL: {exc}") from None
    if url == old.url:
        raise EditError(f"the citation already points at {url}")
    target = session.execute(select(Source).where(col(Source.url) == url)).scalar_one_or_none()
    if target is None:
        target = Source(url=url, host=host_of(url), created_at=now, next_check_at=now)
        session.add(target)
        session.flush()
    else:
        target.next_check_at = min(target.next_check_at, now)
    assert target.id is not None
    key = citation_key(url, citation.claim)
    clash = session.execute(
        select(col(Citation.id)).where(
            col(Citation.article_id) == citation.article_id,
            col(Citation.key) == key,
            col(Citation.id) != citation.id,
        )
    ).first()
    if clash is not None:
        raise EditError(f"the article already cites {url} for this claim (citation {clash[0]})")
    # The article still cites the old URL: its key is kept, so that a re-import of the
    # article finds this citation and keeps the editor's replacement.
    citation.replaces_key = citation.replaces_key or citation.key
    citation.source_id, citation.key = target.id, key
    citation.evidence, citation.baseline_snapshot_id = None, None
    citation.support_score = citation.support_label = citation.support_passage = None
    citation.support_mismatches = citation.support_parts = citation.support_reason = None
    citation.support_backend = citation.support_hash = None
    change = {"from": old.url, "to": url, "archived": use_archive}
    _audit(session, flag_id, "source_replaced", actor, now, change, note)
    open_flags = session.execute(
        select(Flag).where(col(Flag.citation_id) == citation.id, col(Flag.resolved_at).is_(None))
    ).scalars()
    for open_flag in open_flags:
        resolve(
            session,
            open_flag,
            actor=actor,
            by="replaced",
            now=now,
            note=note or f"source replaced by {url}",
        )
    return target.id


def _flag(session: Session, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise EditError(f"no flag with id {flag_id}")
    if flag.resolved_at is not None:
        raise EditError(f"flag {flag_id} is already resolved ({flag.resolved_by})")
    return flag


def _audit(
    session: Session,
    flag_id: int,
    action: str,
    actor: str,
    now: datetime,
    detail: dict[str, Any],
    note: str | None = None,
) -> None:
    session.add(
        FlagEvent(flag_id=flag_id, at=now, actor=actor, action=action, note=note, detail=detail)
    )
