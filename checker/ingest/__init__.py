"""Article import: a file (or pasted/uploaded bytes) → `ArticleIn` values with citations.

Formats: JSON (object, list, JSON Lines), plain text with `[n]` markers, Markdown,
and HTML article pages; `auto` picks by file extension, then by content. Each
format module documents what it understands. Every import is all-or-nothing: if
anything is wrong, `IngestError` lists the problems and nothing is returned.
"""

from __future__ import annotations

from pathlib import Path

from checker.ingest.errors import IngestError
from checker.ingest.html_format import parse_html
from checker.ingest.json_format import parse_json
from checker.ingest.markdown_format import parse_markdown
from checker.ingest.reading import (
    FORMATS,
    check_format,
    decode,
    format_for,
    read_input,
    sniff_format,
)
from checker.ingest.refs import parse_refs_file
from checker.ingest.text_format import parse_text
from checker.model import ArticleIn

__all__ = ["FORMATS", "IngestError", "load_articles", "parse_articles"]

DEFAULT_MAX_BYTES = 20_000_000


def load_articles(
    path: str | Path,
    fmt: str = "auto",
    refs: str | Path | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    article_url: str | None = None,
) -> list[ArticleIn]:
    """The articles of one file. `refs` is a separate reference list for `[n]` markers;
    `article_url` is used when the file does not state its own URL (else its file:// URI)."""
    check_format(fmt)
    file = Path(path)
    data = read_input(file, max_bytes)
    refs_data = None if refs is None else read_input(Path(refs), max_bytes, "refs file")
    return _parse(
        data,
        fmt,
        name=str(path),
        refs=refs_data,
        refs_name=str(refs),
        article_url=article_url,
        fallback_url=file.resolve().as_uri(),
    )


def parse_articles(
    data: bytes,
    fmt: str,
    *,
    name: str,
    refs: bytes | None = None,
    article_url: str | None = None,
) -> list[ArticleIn]:
    """The articles of pasted or uploaded bytes; `name` (a file name or "pasted text")
    appears in errors and its extension helps `auto`. Without a URL in the content or
    `article_url`, the import fails: there is no file to name the article by."""
    check_format(fmt)
    return _parse(
        data,
        fmt,
        name=name,
        refs=refs,
        refs_name="reference list",
        article_url=article_url,
        fallback_url=None,
    )


def _parse(
    data: bytes,
    fmt: str,
    *,
    name: str,
    refs: bytes | None,
    refs_name: str,
    article_url: str | None,
    fallback_url: str | None,
) -> list[ArticleIn]:
    kind = format_for(name, fmt)
    text = decode(data, name)
    if kind == "auto":
        kind = sniff_format(text)
    references = None if refs is None else parse_refs_file(decode(refs, refs_name), refs_name)
    if references is not None and kind not in ("text", "markdown"):
        raise IngestError(
            f"{name}: a separate reference list resolves [n] markers of text and Markdown "
            f"articles; this file is {kind}, leave the reference list out"
        )
    if kind == "json":
        json_lines = Path(name).suffix.lower() in (".jsonl", ".ndjson")
        return parse_json(text, name=name, json_lines=json_lines)
    if kind == "html":
        return [parse_html(text, name=name, given_url=article_url, fallback_url=fallback_url)]
    parse = parse_markdown if kind == "markdown" else parse_text
    return [
        parse(text, name=name, refs=references, given_url=article_url, fallback_url=fallback_url)
    ]
