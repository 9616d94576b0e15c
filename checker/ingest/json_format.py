"""JSON articles: one article object, a list of them, {"articles": [...]}, or JSON Lines.

    {"url": "https://…", "title": "…", "published_at": "2025-06-01"?, "tags": ["…"]?,
     "citations": [{"ref": "1", "url": "https://…", "claim": "…", "quote": "…"?}]}

`url` and `citations` are required, and each citation needs `url` and `claim`.
`title` defaults to the article URL; a missing `ref` numbers the source like a
reference list would (the n-th distinct URL of the article is ref n), so citing
one source twice gives one ref. Relative URLs resolve against the article URL.
"""

from __future__ import annotations

import json
from typing import Any

from checker.ingest.assemble import RawCitation, article_url, build_article, parse_published
from checker.ingest.errors import IngestError, Problems, quoted
from checker.model import ArticleIn

_SHAPE = 'an object like {"url": …, "title": …, "citations": [{"ref", "url", "claim"}]}'


def parse_json(text: str, *, name: str, json_lines: bool) -> list[ArticleIn]:
    items = _json_lines(text, name) if json_lines else _json_document(text, name)
    if not items:
        raise IngestError(f"{name}: no articles in the file; nothing was imported")
    problems = Problems(name)
    articles = [_article(value, label, problems) for label, value in items]
    problems.raise_if_any()
    return [a for a in articles if a is not None]


def _syntax_error(name: str, exc: json.JSONDecodeError, line: int | None = None) -> IngestError:
    return IngestError(
        f"{name}: invalid JSON at line {line or exc.lineno}, column {exc.colno}: {exc.msg}; "
        "fix the syntax and import again"
    )


def _json_document(text: str, name: str) -> list[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and exc.lineno > 1:
            return _json_lines(text, name)  # JSON Lines in a .json file
        raise _syntax_error(name, exc) from None
    if isinstance(data, dict) and "url" not in data and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        return [("article", data)]
    if isinstance(data, list):
        return [(f"article {i}", value) for i, value in enumerate(data, 1)]
    raise IngestError(
        f"{name}: expected an article object or a list of them, got {_kind(data)}; "
        f"write each article as {_SHAPE}"
    )


def _json_lines(text: str, name: str) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            items.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise _syntax_error(name, exc, number) from None
    return items


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _article(value: Any, label: str, problems: Problems) -> ArticleIn | None:
    if not isinstance(value, dict):
        problems.add(f"{label}: expected {_SHAPE}, got {_kind(value)}")
        return None
    raw_url = value.get("url")
    url: str | None = None
    if not isinstance(raw_url, str) or not raw_url.strip():
        problems.add(f'{label}: "url" is missing or not a string; give the article\'s URL')
    else:
        label = f"{label} ({quoted(raw_url, 80)})"
        url = article_url(raw_url, label, problems)
    title = _optional_str(value, "title", label, problems) or url or ""
    published_raw = _optional_str(value, "published_at", label, problems)
    published = parse_published(published_raw, label, problems) if published_raw else None
    tags = value.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        problems.add(f'{label}: "tags" must be a list of strings, not {_kind(tags)}')
        tags = None
    citations = value.get("citations")
    if not isinstance(citations, list):
        what = "is missing" if citations is None else f"must be a list, not {_kind(citations)}"
        problems.add(f'{label}: "citations" {what}; give a list of {{"ref", "url", "claim"}}')
        citations = []
    implicit_refs: dict[str, str] = {}
    raw: list[RawCitation] = []
    for index, item in enumerate(citations, 1):
        citation = _citation(item, index, label, problems, implicit_refs)
        if citation is not None:
            raw.append(citation)
    return build_article(
        url=url,
        title=title,
        citations=raw,
        published_at=published,
        tags=tuple(tags or ()),
        label=label,
        problems=problems,
    )


def _optional_str(value: dict[str, Any], key: str, label: str, problems: Problems) -> str | None:
    field = value.get(key)
    if field is None or isinstance(field, str):
        return field
    problems.add(f'{label}: "{key}" must be a string, not {_kind(field)}')
    return None


def _citation(
    item: Any, index: int, label: str, problems: Problems, implicit_refs: dict[str, str]
) -> RawCitation | None:
    if not isinstance(item, dict):
        problems.add(
            f'{label}, citation {index}: expected {{"ref", "url", "claim"}}, got {_kind(item)}'
        )
        return None
    url = item.get("url")
    ref = item.get("ref")
    if ref is None:
        source = url.strip() if isinstance(url, str) else f"#{index}"
        ref = implicit_refs.setdefault(source, str(len(implicit_refs) + 1))
    if isinstance(ref, bool) or not isinstance(ref, str | int) or not str(ref).strip():
        problems.add(f'{label}, citation {index}: "ref" must be a string or number')
        return None
    ref = str(ref).strip()
    where = f"{label}, citation {index} (ref {ref})"
    fields: dict[str, str] = {}
    for key in ("url", "claim"):
        field = item.get(key)
        if not isinstance(field, str) or not field.strip():
            state = "is missing" if field is None else "must be a non-empty string"
            problems.add(f'{where}: "{key}" {state}')
        else:
            fields[key] = field
    quote = item.get("quote")
    if quote is not None and not isinstance(quote, str):
        problems.add(f'{where}: "quote" must be a string, not {_kind(quote)}')
        return None
    if len(fields) < 2:
        return None
    return RawCitation(ref, fields["url"], fields["claim"], f"citation {index}", quote or None)
