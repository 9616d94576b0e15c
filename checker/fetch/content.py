"""What a body is: media type and charset, from the headers and the first bytes.

The body itself stays bytes; extract decodes it with the charset recorded here.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF_BYTES = 4096


def media_type(content_type_header: str) -> str:
    """ "Text/HTML; charset=UTF-8" → "text/html"."""
    return content_type_header.split(";", 1)[0].strip().lower()


def sniff_media_type(body: bytes) -> str:
    """A media type for a body served without one (only the unambiguous cases)."""
    head = body[:_SNIFF_BYTES].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "text/html"
    return ""


def detect_charset(content_type_header: str, body: bytes, media: str) -> str | None:
    """The charset a body declares: BOM, then Content-Type, then an HTML <meta>; else None."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = _header_charset(content_type_header)
    if declared:
        return declared
    if media in ("text/html", "application/xhtml+xml"):
        match = _META_CHARSET.search(body[:_SNIFF_BYTES])
        if match:
            return _known(match.group(1).decode("ascii", "replace"))
    return None


def _header_charset(content_type_header: str) -> str | None:
    for param in content_type_header.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return _known(value.strip().strip("\"'"))
    return None


def _known(name: str) -> str | None:
    # An unknown label is no better than none: extract then guesses from the bytes.
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
