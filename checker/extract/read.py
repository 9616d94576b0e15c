"""Bytes → Document: the main text of an HTML page, a plain-text file or a PDF.

`extract` is pure and CPU-bound (trafilatura parses the whole page);
`checker.extract.pool.Extractor` runs it in a process pool so that fetching never
waits on a parser. Sources are
untrusted: whatever a body holds, the caller gets a Document or an ExtractError
with one line saying what was wrong, never another exception.

A Document's text is its passages joined by blank lines, so the store can keep the
text alone and rebuild the passages with `Document.from_text`.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import charset_normalizer
from htmldate import find_date
from pypdf import PdfReader
from trafilatura import bare_extraction
from trafilatura.metadata import examine_meta, extract_title
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from checker.model import Document, ExtractError

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
SNIFFED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
# Markup is rarely more than ten times the text it carries; a body beyond that
# is refused before a parser spends seconds on it.
BYTES_PER_CHAR = 10
_SNIFF_BYTES = 4096
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
# Starts only at the first of a run of spaces: tried at every space of a long run, the
# pattern would rescan the rest of the run each time (quadratic on a run of spaces).
_NEWLINES = re.compile(r"(?<![ \t\r\f\v])[ \t\r\f\v]*\n\s*")
_VERBATIM = frozenset({"code", "pre"})
_SENTENCE_END = re.compile(r"[.!?:;\"'”’)]$")


def extract(
    body: bytes,
    content_type: str,
    url: str,
    *,
    charset: str | None = None,
    max_chars: int = 2_000_000,
    tree: Any = None,
) -> Document:
    """The title, date and main text of `body`; raises ExtractError naming `url`.

    `tree` is the HTML body already parsed by `html_tree` (it is not changed)."""
    if not body:
        raise ExtractError(f"{url}: empty body")
    kind = _kind(body, content_type.split(";")[0].strip().lower(), url)
    if len(body) > max_chars * BYTES_PER_CHAR:
        raise ExtractError(
            f"{url}: body too large to extract ({len(body)} bytes, limit "
            f"{max_chars * BYTES_PER_CHAR})"
        )
    try:
        if kind == "pdf":
            title, blocks, published = _read_pdf(body, url)
        elif kind == "text":
            title, blocks, published = _read_text(_decode(body, charset, url))
        else:
            title, blocks, published = _read_html(body, charset, url, tree)
    except ExtractError:
        raise
    except Exception as exc:  # parsers fail in many ways on hostile input; none may escape
        reason = " ".join(str(exc).split())[:200]
        raise ExtractError(
            f"{url}: cannot read {kind} body ({type(exc).__name__}: {reason})"
        ) from None
    passages = _limit(blocks, max_chars)
    if not passages:
        raise ExtractError(f"{url}: no text found in the {kind} body")
    text = "\n\n".join(passages)
    return Document(
        title=title, text=text, passages=tuple(passages), published=published, kind=kind
    )


def _kind(body: bytes, media_type: str, url: str) -> str:
    if media_type in HTML_TYPES:
        return "html"
    if media_type in TEXT_TYPES:
        return "text"
    if media_type in PDF_TYPES:
        return "pdf"
    if media_type in SNIFFED_TYPES:
        head = body[:_SNIFF_BYTES].lstrip().lower()
        if head.startswith(b"%pdf-"):
            return "pdf"
        if any(tag in head for tag in (b"<!doctype html", b"<html", b"<body", b"<p>")):
            return "html"
        if head and b"\x00" not in head:
            return "text"
        raise ExtractError(f"{url}: body is binary and has no content type we can read")
    raise ExtractError(f"{url}: cannot extract text from content type {media_type!r}")


def _decode(body: bytes, charset: str | None, url: str) -> str:
    """Text of a body that claims to be text; refuses bodies that are binary."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    if b"\x00" in body[:_SNIFF_BYTES]:
        raise ExtractError(f"{url}: body is binary, not text")
    text: str | None = None
    if charset:
        try:
            text = body.decode(charset, errors="replace")
        except LookupError:
            log.debug("%s: unknown charset %r, guessing", url, charset)
    if text is None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode(_guess_charset(body), errors="replace")
    head = text[:_SNIFF_BYTES]
    if head and len(_CONTROL.findall(head)) > len(head) // 10:
        raise ExtractError(f"{url}: body is binary, not text")
    return text


def _guess_charset(body: bytes) -> str:
    """The likeliest charset of a body that is not UTF-8.

    Among equally likely guesses windows-1252 wins: it is the web's fallback (WHATWG),
    and single-byte Latin charsets are otherwise indistinguishable on short texts.
    """
    guesses = list(charset_normalizer.from_bytes(body[:200_000]))
    if not guesses:
        return "cp1252"
    best = guesses[0]
    tied = [g for g in guesses if (g.chaos, g.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in g.could_be_from_charset for g in tied):
        return "cp1252"
    return best.encoding


def html_tree(body: bytes, charset: str | None, url: str) -> Any:
    """The parsed tree of an HTML body, as trafilatura reads it; raises ExtractError."""
    if not charset and b"\x00" in body[:_SNIFF_BYTES] and not body.startswith(_UTF16_BOMS):
        raise ExtractError(f"{url}: body is binary, not HTML")
    # With a charset from the HTTP headers we decode; otherwise trafilatura guesses.
    markup: bytes | str = _decode(body, charset, url) if charset else body
    tree = load_html(markup)
    if tree is None:
        raise ExtractError(f"{url}: the HTML cannot be parsed (not HTML, or nested too deep)")
    return tree


def _read_html(
    body: bytes, charset: str | None, url: str, tree: Any = None
) -> tuple[str, list[str], str | None]:
    if tree is None:
        tree = html_tree(body, charset, url)
    # Title and date from the parsed tree, then the main text from the same tree:
    # one parse, and none of the author / site / tag look-ups we have no use for.
    title = examine_meta(tree).title or extract_title(tree) or ""
    published = find_date(tree, extensive_search=False, original_date=True, url=url)
    # "xml": the body tree alone; trafilatura's own text of it ("python") would be
    # thrown away, since the text is made below, once its line breaks are mended.
    result = bare_extraction(
        tree, url=url, include_comments=False, include_tables=True, output_format="xml"
    )
    if result is None or isinstance(result, dict) or result.body is None:
        raise ExtractError(f"{url}: no main text found in the HTML")
    # A line break inside an HTML text node is a space, yet trafilatura keeps it and
    # would split a paragraph in two; only <br> (its <lb>) and block elements break lines.
    for element in result.body.iter():
        if element.tag not in _VERBATIM:
            element.text = _joined(element.text)
        element.tail = _joined(element.tail)
    blocks = [" ".join(line.split()) for line in xmltotxt(result.body, False).splitlines()]
    return " ".join(title.split()), blocks, published or None


def _joined(text: str | None) -> str | None:
    """`text` with its line breaks (and the spaces around them) made single spaces."""
    return _NEWLINES.sub(" ", text) if text and "\n" in text else text


def _read_text(text: str) -> tuple[str, list[str], str | None]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [" ".join(block.split()) for block in _BLANK_LINE.split(text)]
    blocks = [b for b in blocks if b]
    title = blocks[0] if blocks and len(blocks[0]) <= 200 else ""
    return title, blocks, None


def _read_pdf(body: bytes, url: str) -> tuple[str, list[str], str | None]:
    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ExtractError(f"{url}: PDF is encrypted")
    blocks: list[str] = []
    for page in reader.pages:
        blocks.extend(_pdf_paragraphs(page.extract_text() or ""))
    meta = reader.metadata
    title = " ".join(str(meta.title).split()) if meta is not None and meta.title else ""
    return title, blocks, None


def _pdf_paragraphs(page_text: str) -> list[str]:
    """Rejoin a PDF page's lines into paragraphs.

    PDF text comes as visual lines; a line that ends a sentence and stops well short of
    the page's usual line width ends a paragraph, as does an empty line.
    """
    lines = [" ".join(line.split()) for line in page_text.splitlines()]
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line  # a word hyphenated across lines
        else:
            current = f"{current} {line}" if current else line
        if _SENTENCE_END.search(line) and len(line) < 0.8 * width:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _limit(blocks: list[str], max_chars: int) -> list[str]:
    """Non-empty blocks, cut once the text reaches `max_chars` characters."""
    kept: list[str] = []
    used = 0
    for block in blocks:
        if not block:
            continue
        room = max_chars - used
        if room <= 0:
            break
        kept.append(block[:room])
        used += len(kept[-1]) + 2
    return kept
