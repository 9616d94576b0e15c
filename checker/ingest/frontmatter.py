"""Article metadata written at the top of a text or Markdown file.

Two spellings are understood:
- a front-matter block: a first line `---`, then `key: value` lines, then `---`
  (YAML-like; `tags` may be `[a, b]`, `a, b` or following `- a` lines);
- leading header lines: `URL: …`, `Title: …`, `Published: …`, `Tags: …`.
Keys: url (also link, canonical), title, published_at (also published, date), tags
(also keywords). Other keys are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEYS = {
    "url": "url",
    "link": "url",
    "canonical": "url",
    "canonical_url": "url",
    "title": "title",
    "published_at": "published_at",
    "published": "published_at",
    "date": "published_at",
    "tags": "tags",
    "keywords": "tags",
}
_PAIR = re.compile(r"^([A-Za-z][\w -]*?)\s*:\s*(.*)$")
_LIST_ITEM = re.compile(r"^\s*-\s+(.*)$")


@dataclass(frozen=True)
class FrontMatter:
    url: str | None = None
    title: str | None = None
    published_at: str | None = None
    tags: tuple[str, ...] = ()
    body_start: int = 0  # index of the first body line


def read_front_matter(lines: list[str]) -> FrontMatter:
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return FrontMatter()
    if lines[first].strip() == "---":
        for end in range(first + 1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                return _collect(lines[first + 1 : end], end + 1, headers=False)
        return FrontMatter(body_start=0)  # no closing line: a horizontal rule, not metadata
    end = first
    while end < len(lines) and _header_key(lines[end]) is not None:
        end += 1
    if end == first:
        return FrontMatter()
    return _collect(lines[first:end], end, headers=True)


def _header_key(line: str) -> str | None:
    match = _PAIR.match(line.strip())
    if match is None or not match.group(2).strip():
        return None
    return _KEYS.get(_key(match.group(1)))


def _key(raw: str) -> str:
    return raw.strip().lower().replace(" ", "_").replace("-", "_")


def _collect(lines: list[str], body_start: int, *, headers: bool) -> FrontMatter:
    values: dict[str, str] = {}
    tags: list[str] = []
    current: str | None = None
    for line in lines:
        item = _LIST_ITEM.match(line)
        if item and current == "tags":
            tags.append(_unquote(item.group(1)))
            continue
        match = _PAIR.match(line.strip())
        if match is None:
            continue
        current = _KEYS.get(_key(match.group(1)))
        value = _unquote(match.group(2))
        if current == "tags":
            tags.extend(_split_tags(value))
        elif current is not None and value and current not in values:
            values[current] = value
    if headers and not values and not tags:
        return FrontMatter()
    return FrontMatter(
        url=values.get("url"),
        title=values.get("title"),
        published_at=values.get("published_at"),
        tags=tuple(t for t in tags if t),
        body_start=body_start,
    )


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def _split_tags(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [_unquote(part) for part in value.split(",") if part.strip()]
