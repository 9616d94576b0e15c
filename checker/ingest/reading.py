"""From a path or uploaded bytes to text: size limit, encoding, and format detection."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from checker.ingest.errors import IngestError

FORMATS = ("auto", "json", "text", "markdown", "html")
EXTENSIONS = {
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
# Files people pick by mistake; naming them beats "not UTF-8".
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .odt document is one)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(
    r"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|main|meta|title|div|p|section)\b",
    re.IGNORECASE | re.DOTALL,
)
_MARKDOWN_SIGNS = re.compile(
    r"^#{1,6}\s+\S|^\[\^[^\]]+\]:|\[[^\]\n]+\]\([^)\s]+\)|^```",
    re.MULTILINE,
)
_FORMAT_HINT = "text, Markdown, HTML or JSON"


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise IngestError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def read_input(path: Path, max_bytes: int, what: str = "article file") -> bytes:
    """The bytes of `path`, refusing before reading anything too big to be an article."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IngestError(f"{what} not found: {path}; check the path") from None
    except OSError as exc:
        raise IngestError(f"cannot read {what} {path}: {exc.strerror}") from None
    if path.is_dir():
        raise IngestError(f"{path} is a directory; give one {what} ({_FORMAT_HINT})")
    if info.st_size > max_bytes:
        raise IngestError(_too_big(str(path), info.st_size, max_bytes))
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise IngestError(f"cannot read {what} {path}: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise IngestError(_too_big(str(path), len(data), max_bytes))
    return data


def _too_big(name: str, size: int, limit: int) -> str:
    return (
        f"{name} is too large ({_size(size)}, over the limit of {_size(limit)}); "
        "split it into several files"
    )


def _size(count: int) -> str:
    return f"{count / 1e6:.3g} MB" if count >= 1_000_000 else f"{count:,} bytes"


def format_for(name: str, fmt: str) -> str:
    """The format named by the caller, else the one the file extension says, else "auto"."""
    check_format(fmt)
    if fmt != "auto":
        return fmt
    return EXTENSIONS.get(Path(name).suffix.lower(), "auto")


def decode(data: bytes, name: str) -> str:
    """Text of an article file: UTF-8 (BOM allowed), UTF-16/32 with a BOM, or HTML
    in the charset it declares. Newlines are made plain "\\n"."""
    if not data.strip():
        raise IngestError(f"{name} is empty; nothing was imported")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{name} is {kind}, not an article; save it as {_FORMAT_HINT}")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{name} is not valid {encoding.upper()} text (bad bytes at offset "
                    f"{exc.start + len(bom)}); save it as UTF-8"
                ) from None
            return _plain_newlines(text, name)
    nul = data.find(b"\x00", 0, 65_536)
    if nul >= 0:
        raise IngestError(
            f"{name} looks like a binary file (NUL byte at offset {nul}), not an article; "
            f"save it as {_FORMAT_HINT} in UTF-8"
        )
    try:
        return _plain_newlines(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        declared = _declared_charset(data)
        if declared is not None:
            try:
                return _plain_newlines(data.decode(declared), name)
            except UnicodeDecodeError:
                pass
        line = data.count(b"\n", 0, exc.start) + 1
        raise IngestError(
            f"{name} is not UTF-8 text: byte 0x{data[exc.start]:02X} at offset {exc.start} "
            f"(line {line}); save the file as UTF-8 and import it again"
        ) from None


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if Python knows it."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _plain_newlines(text: str, name: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text[:65_536] if ord(ch) < 32 and ch not in "\n\t\f\v")
    if controls > 8:  # valid UTF-8 full of control characters is still binary
        raise IngestError(
            f"{name} looks like a binary file ({controls} control characters), not an article; "
            f"save it as {_FORMAT_HINT} in UTF-8"
        )
    return text


def sniff_format(text: str) -> str:
    """Guess the format of text whose name did not tell: JSON, HTML, Markdown, else text."""
    head = text.lstrip()[:4096]
    if head.startswith("{") or re.match(r"\[\s*[{\]]", head):
        return "json"
    if _HTML_START.match(head) or re.search(r"<html[\s>]|<body[\s>]", head, re.IGNORECASE):
        return "html"
    if _MARKDOWN_SIGNS.search(text[:65_536]):
        return "markdown"
    return "text"
