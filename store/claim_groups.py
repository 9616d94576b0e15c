"""Sentences an article cites to several sources: their claim judged with all of them.

Each source is checked on its own schedule, and each check stores how its source reads
every part of the claim (`citation.support_parts`). When a batch writes a new reading
for a citation whose sentence has other sources, the sentence is judged again with
every source's latest reading (checker.support.together), and each of its citations
gets its label, its reason and its `unsupported` flag opened or resolved: a part is
flagged only when no cited source supports it, on the citation whose source
contradicts it. A citation whose evidence was edited or removed keeps the flag that
explains it, and one whose quote is missing keeps its own flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from checker.model import FlagKind, FlagSpec, PartSupport, Severity, SupportLabel
from checker.support.together import SourceVerdict, judge_together
from store.flags import CitationConditions, FlagMemory, reconcile_flags
from store.tables import Citation

# Open flags that already explain a claim losing its support.
_EXPLAINED = frozenset({FlagKind.EVIDENCE_CHANGED.value, FlagKind.EVIDENCE_REMOVED.value})


def parts_to_json(parts: Sequence[PartSupport]) -> list[dict[str, Any]]:
    return [
        {
            "text": p.text,
            "start": p.start,
            "end": p.end,
            "label": p.label.value,
            "score": round(p.score, 4),
            "passage": p.passage,
            "reason": p.reason,
            "kind": p.kind,
            "backend": p.backend,
        }
        for p in parts
    ]


def parts_from_json(rows: Iterable[dict[str, Any]] | None) -> tuple[PartSupport, ...] | None:
    """The stored parts, or None when the citation was never judged on its source."""
    if not rows:
        return None
    return tuple(
        PartSupport(
            text=str(r.get("text", "")),
            start=int(r.get("start", 0)),
            end=int(r.get("end", 0)),
            label=SupportLabel(r.get("label", "not_confirmed")),
            score=float(r.get("score", 0.0)),
            passage=str(r.get("passage", "")),
            reason=str(r.get("reason", "")),
            kind=str(r.get("kind", "")),
            backend=str(r.get("backend", "")),
        )
        for r in rows
    )


def co_cited_ids(session: Session, citation_ids: Sequence[int]) -> set[int]:
    """Which of these citations share their sentence (article and claim) with another
    live citation: one query."""
    if not citation_ids:
        return set()
    other = aliased(Citation)
    stmt = (
        select(Citation.id)
        .join(
            other,
            (col(other.article_id) == col(Citation.article_id))
            & (col(other.claim) == col(Citation.claim))
            & (col(other.id) != col(Citation.id)),
        )
        .where(col(Citation.id).in_(sorted(set(citation_ids))), col(other.retired_at).is_(None))
        .distinct()
    )
    return {i for i in session.exec(stmt) if i is not None}


def rejudge_groups(session: Session, citations: Iterable[Citation], now: datetime) -> None:
    """Judge again the sentences of these citations that cite several sources."""
    groups = {
        key: members
        for key, members in _members(session, {(c.article_id, c.claim) for c in citations}).items()
        if len(members) > 1
    }
    if not groups:
        return
    everyone = [m for members in groups.values() for m in members]
    memory = FlagMemory.load(session, [m.id for m in everyone if m.id is not None])
    results: list[CitationConditions] = []
    for members in groups.values():
        verdicts = judge_together([parts_from_json(m.support_parts) for m in members])
        for member, verdict in zip(members, verdicts, strict=True):
            if member.support_parts is None:
                continue  # not read yet: nothing to show or flag
            member.support_label = verdict.label.value
            member.support_reason = verdict.reason or None
            if _keeps_its_flag(member, memory):
                continue
            specs = (_flag(member, verdict, members, verdicts),) if verdict.flagged else ()
            results.append(CitationConditions(member, specs, frozenset({FlagKind.UNSUPPORTED})))
    reconcile_flags(session, results, now, memory)


def _members(session: Session, keys: set[tuple[int, str]]) -> dict[tuple[int, str], list[Citation]]:
    """The live citations of each (article, claim), in article order."""
    if not keys:
        return {}
    articles = sorted({a for a, _ in keys})
    found: dict[tuple[int, str], list[Citation]] = defaultdict(list)
    rows = session.exec(
        select(Citation)
        .where(col(Citation.article_id).in_(articles), col(Citation.retired_at).is_(None))
        .order_by(col(Citation.position), col(Citation.id))
    )
    for citation in rows:
        key = (citation.article_id, citation.claim)
        if key in keys:
            found[key].append(citation)
    return found


def _keeps_its_flag(citation: Citation, memory: FlagMemory) -> bool:
    """An edited or removed passage explains the claim; a missing quote is its own flag."""
    open_kinds = {kind for (cid, kind) in memory.open if cid == citation.id}
    if open_kinds & _EXPLAINED:
        return True
    flag = memory.open.get((citation.id, FlagKind.UNSUPPORTED.value))  # type: ignore[arg-type]
    return flag is not None and bool((flag.detail or {}).get("quote_not_found"))


def _flag(
    citation: Citation,
    verdict: SourceVerdict,
    members: list[Citation],
    verdicts: list[SourceVerdict],
) -> FlagSpec:
    detail: dict[str, Any] = {
        "score": round(verdict.score, 3),
        "label": verdict.label.value,
        "reason": verdict.reason,
        "part": verdict.part,
        "backend": citation.support_backend,
        "passages": [citation.support_passage] if citation.support_passage else [],
        "co_cited": [
            {"ref": m.ref, "supports": list(v.supports)}
            for m, v in zip(members, verdicts, strict=True)
        ],
    }
    return FlagSpec(FlagKind.UNSUPPORTED, Severity.MEDIUM, detail)
