"""Shared last step of every format: raw citations → validated `ArticleIn`.

Source URLs are normalized here (relative ones against the article URL), bad ones
become problems naming the article, the ref and the URL, and identical citations
(same ref, URL and claim) are kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from checker.ingest.errors import Problems, one_line, quoted
from checker.model import ArticleIn, CitationIn
from checker.urls import BadUrl, normalize_url

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?)\]])")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)|\[\s*[,;]?\s*\]")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")


@dataclass(frozen=True)
class RawCitation:
    ref: str
    url: str  # as written in the article
    claim: str
    where: str  # "line 12", "citation 3", "paragraph 4": where the user finds it
    quote: str | None = None


def clean_claim(text: str) -> str:
    """Whitespace collapsed, no space before punctuation, no brackets left empty."""
    text = _EMPTY_BRACKETS.sub("", " ".join(text.split()))
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split())).strip()


def web_base(url: str | None) -> str | None:
    """The article URL if relative links can be resolved against it (http/https only)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def article_url(raw: str, where: str, problems: Problems) -> str | None:
    """A normalized article URL; `file:` URIs (articles without a web address) pass as is."""
    if raw.lower().startswith("file:"):
        return raw
    try:
        return normalize_url(raw)
    except BadUrl as exc:
        problems.add(f"{where}: article URL {exc}")
        return None


def parse_published(value: str, where: str, problems: Problems) -> datetime | None:
    """An ISO 8601 date or date-time, or a date as people write it ("March 14, 2025",
    "14 March 2025", "2025/03/14"); a time without zone is taken as UTC."""
    parsed = _parse_date(value.strip())
    if parsed is None:
        problems.add(
            f"{where}: published_at {quoted(value)} is not a date; "
            "write it like 2025-06-01 or 2025-06-01T09:30:00Z"
        )
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_date(text: str) -> datetime | None:
    try:
        if len(text) == 10 and text[4:5] == "-":
            return datetime.combine(date.fromisoformat(text), datetime.min.time())
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def finish_citations(
    raw: list[RawCitation], base: str | None, label: str, problems: Problems
) -> tuple[CitationIn, ...]:
    """Normalized, validated and de-duplicated citations, in article order."""
    seen: set[tuple[str, str, str]] = set()
    out: list[CitationIn] = []
    for citation in raw:
        where = ", ".join(p for p in (label, citation.where, f"ref {citation.ref}") if p)
        claim = clean_claim(citation.claim)
        if not claim:
            problems.add(f"{where}: the citation has no claim; give the sentence it supports")
            continue
        try:
            url = normalize_url(citation.url, web_base(base))
        except BadUrl as exc:
            problems.add(f"{where}: source URL {exc}")
            continue
        key = (citation.ref, url, claim)
        if key in seen:
            continue
        seen.add(key)
        out.append(CitationIn(ref=citation.ref, url=url, claim=claim, quote=citation.quote))
    return tuple(out)


def build_article(
    *,
    url: str | None,
    title: str,
    citations: list[RawCitation],
    published_at: datetime | None,
    tags: tuple[str, ...],
    label: str,
    problems: Problems,
) -> ArticleIn | None:
    """The article, or None when its URL is unusable (the problem is already recorded)."""
    finished = finish_citations(citations, url, label, problems)
    if url is None:
        return None
    return ArticleIn(
        url=url,
        title=one_line(title, 500),
        citations=finished,
        published_at=published_at,
        tags=tuple(dict.fromkeys(t.strip() for t in tags if t.strip())),
    )
