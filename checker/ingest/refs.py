"""Citation markers (`[1]`, `[1, 2]`, `[1-3]`, `[^note]`) and the reference lists
that resolve them, found in the article or in a separate refs file.

Reference-list lines may look like `[1] https://…`, `[1]: https://…`,
`1. Title, https://…`, `1) …`, `^1 …` or `[^1]: …`; a line without a URL takes
the URL on the next line (entries wrapped over two lines). A refs file has such
lines, or is a JSON object `{"1": "https://…"}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checker.ingest.errors import IngestError, quoted

MAX_RANGE = 50  # "[1-3]" is three citations; "[10-90]" is a span of something else
MAX_MARKER = 999  # "[2020]" is a year, not the 2020th reference

_NUMBERS = r"\d+(?:\s*[-–—]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–—]\s*\d+)?)*"
MARKER = re.compile(rf"\[({_NUMBERS})\]|\[\^([^\]\s]+)\]")
# Markers written after the full stop belong to the sentence before it.
_MARKERS_AFTER_STOP = re.compile(
    rf"([.!?][\"'”’)]*)((?:\s*(?:\[{_NUMBERS}\]|\[\^[^\]\s]+\]))+)(?=\s|$)"
)
_ENTRY = (
    re.compile(r"^\[\^?([^\]\s]+)\]:?\s*(.*)$"),  # [1] …, [1]: …, [^1]: …
    re.compile(r"^\^([\w-]+)[.):]?\s+(.*)$"),  # ^1 …
    re.compile(r"^(\d+)[.):]?\s+(.*)$"),  # 1. …, 1) …, 1 …
)
_BULLET = re.compile(r"^(?:[-*+]\s+)")
_MD_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_ANGLE = re.compile(r"<([a-zA-Z][\w+.-]*:[^>\s]+)>")
_HTTP = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_OTHER = re.compile(
    r"(?<![\w/])(?:(?:ftp|ftps|sftp|file|mailto|javascript|data|tel|news|gopher):[^\s<>\"'`]+"
    r"|www\.[^\s<>\"'`]+)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"”’»"


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list: what the marker resolves to."""

    ref: str
    url: str | None  # as written (normalized later); None when the entry has no link
    where: str  # "line 31" / "refs.txt line 4", for error messages


def expand_marker(match: re.Match[str]) -> list[str] | None:
    """The refs one marker names (`[1-3]` → 1, 2, 3), or None if it is not a marker."""
    if match.group(2) is not None:
        return [match.group(2)]
    refs: list[str] = []
    for part in match.group(1).split(","):
        low, _, high = re.sub(r"[–—]", "-", part).partition("-")
        first = int(low)
        last = int(high) if high else first
        if last < first or last - first > MAX_RANGE or last > MAX_MARKER:
            return None
        refs.extend(str(n) for n in range(first, last + 1))
    return refs


def move_markers_before_stop(text: str) -> str:
    """`claim. [1] Next` → `claim [1]. Next`, so the sentence splitter keeps them together."""
    return _MARKERS_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), text)


def entry_of(line: str) -> tuple[str, str] | None:
    """(ref, rest of line) if `line` is a reference-list entry."""
    line = _BULLET.sub("", line.strip())
    for pattern in _ENTRY:
        match = pattern.match(line)
        if match:
            ref = match.group(1)
            return (str(int(ref)) if ref.isdigit() else ref), match.group(2)
    return None


def find_url(text: str) -> str | None:
    """The link of a reference entry: a Markdown link target, <url>, http(s)://…, or a
    non-web address (kept so the error can name it)."""
    for pattern in (_MD_LINK_TARGET, _ANGLE):
        match = pattern.search(text)
        if match:
            return match.group(1)
    for pattern in (_HTTP, _OTHER):
        match = pattern.search(text)
        if match:
            return _trim(match.group(0))
    return None


def _trim(url: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL; keep balanced ()."""
    while url:
        last = url[-1]
        if (
            last in _TRAILING
            or (last == ")" and url.count("(") < url.count(")"))
            or (last == "]" and url.count("[") < url.count("]"))
        ):
            url = url[:-1]
        else:
            break
    return url


def parse_reference_lines(
    lines: Iterable[tuple[int, str]], label: str = ""
) -> dict[str, Reference]:
    """Entries of a reference list given as (line number, line) pairs; first entry wins."""
    found: dict[str, Reference] = {}
    pending: Reference | None = None  # an entry still waiting for its URL on the next line
    for number, line in lines:
        where = f"{label}line {number}"
        entry = entry_of(line)
        if entry is not None:
            ref, rest = entry
            pending = Reference(ref, find_url(rest), where)
            if ref not in found:
                found[ref] = pending
            continue
        url = find_url(line)
        if pending is not None and pending.url is None and url is not None:
            pending = Reference(pending.ref, url, pending.where)
            if found.get(pending.ref, pending).url is None:
                found[pending.ref] = pending
    return found


def parse_refs_file(text: str, name: str) -> dict[str, Reference]:
    """A separate reference list: JSON object {"1": "https://…"} or reference-list lines."""
    if text.lstrip().startswith("{"):
        return _json_refs(text, name)
    found = parse_reference_lines(enumerate(text.splitlines(), 1), f"{name} ")
    if not found:
        raise IngestError(
            f"{name}: no references found; write one per line like `[1] https://…` "
            'or a JSON object {"1": "https://…"}'
        )
    return found


def _json_refs(text: str, name: str) -> dict[str, Reference]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(
            f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
            "fix the syntax and import again"
        ) from None
    if not isinstance(data, dict) or not data:
        raise IngestError(f'{name}: expected a JSON object like {{"1": "https://…"}}')
    found: dict[str, Reference] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise IngestError(
                f"{name}: the value of {quoted(key)} must be a URL string, "
                f"not {type(value).__name__}"
            )
        ref = key.strip().strip("[]^").strip()
        ref = str(int(ref)) if ref.isdigit() else ref  # "01" and "[1]" name marker [1]
        found[ref] = Reference(ref, value, f"{name} {key!r}")
    return found


def describe_refs(refs: Sequence[str]) -> str:
    """`[1]–[9], [12], [^note]`: the refs in order, consecutive numbers as ranges."""
    numbers = sorted({int(r) for r in refs if r.isdigit()})
    others = sorted({r for r in refs if not r.isdigit()})
    parts: list[str] = []
    start = 0
    for i in range(1, len(numbers) + 1):
        if i == len(numbers) or numbers[i] != numbers[i - 1] + 1:
            first, last = numbers[start], numbers[i - 1]
            parts.append(f"[{first}]" if first == last else f"[{first}]–[{last}]")
            start = i
    parts.extend(f"[^{r}]" for r in others)
    return ", ".join(parts)
