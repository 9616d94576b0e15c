"""Reading article files: sizes, encodings, formats, and the errors people see."""

from __future__ import annotations

import codecs
import os
import random
from pathlib import Path

import pytest

from checker.ingest import FORMATS, IngestError, load_articles, parse_articles

DATA = Path(__file__).resolve().parent / "data" / "ingest"
TEXT = "URL: https://news.example/a\n\nCafé prices rose by 4% [1].\n\n[1] https://src.example/1\n"


def _error(path: Path, **kwargs: object) -> str:
    with pytest.raises(IngestError) as caught:
        load_articles(path, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    message = _error(tmp_path / "nope.txt")
    assert "article file not found" in message and "nope.txt" in message


def test_missing_refs_file(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    assert "refs file not found" in _error(article, refs=tmp_path / "refs.txt")


def test_directory(tmp_path: Path) -> None:
    assert "is a directory" in _error(tmp_path)


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.json"
    with big.open("wb") as handle:  # sparse: 50 MB on paper, nothing written
        handle.truncate(50_000_000)
    message = _error(big)
    assert "huge.json is too large (50 MB, over the limit of 20 MB)" in message


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    size = article.stat().st_size
    assert f"is too large ({size} bytes, over the limit of 50 bytes)" in _error(
        article, max_bytes=50
    )
    assert load_articles(article, max_bytes=size)


@pytest.mark.parametrize("fmt", ["pdf", "JSON", "", "docx"])
def test_unknown_format_lists_the_known_ones(tmp_path: Path, fmt: str) -> None:
    message = _error(tmp_path / "a.txt", fmt=fmt)
    assert f"unknown format {fmt!r}" in message
    assert all(known in message for known in FORMATS)


@pytest.mark.parametrize("content", [b"", b"   \n\n  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(content)
    assert "is empty" in _error(path)


def test_non_utf8_text_names_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(TEXT.encode("latin-1"))
    offset = TEXT.encode("latin-1").index(b"\xe9")
    message = _error(path)
    assert f"byte 0xE9 at offset {offset} (line 3)" in message and "UTF-8" in message


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be", "crlf"],
)
def test_accepted_encodings(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(encoded)
    [article] = load_articles(path)
    assert article.url == "https://news.example/a"
    assert article.citations[0].claim == "Café prices rose by 4%."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(random.Random(7).randrange(256) for _ in range(4096)), "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip"),
        (b"abc\x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10\x11 more", "binary"),
        (TEXT.encode("utf-16-le"), "binary"),  # UTF-16 without a BOM
    ],
    ids=["random", "pdf", "zip", "gzip", "controls", "utf-16-no-bom"],
)
def test_binary_garbage(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    assert message in _error(path)


AMBIGUOUS = "Prices rose, says [the office](https://s.example/o) [1].\n\n[1] https://s.example/1\n"
JSON = '{"url": "https://n.example/a", "citations": [{"url": "https://s.example/", "claim": "c"}]}'
HTML = "<p>Prices rose, <a href='https://s.example/'>data</a>.</p>"


@pytest.mark.parametrize(
    ("file_name", "content", "refs"),
    [
        ("a.json", JSON, ["1"]),
        ("a.jsonl", JSON + "\n" + JSON.replace("/a", "/b"), ["1", "1"]),
        ("a.ndjson", JSON + "\n", ["1"]),
        ("a.txt", AMBIGUOUS, ["1"]),  # text: the link syntax is not a citation
        ("a.md", AMBIGUOUS, ["link-1", "1"]),
        ("a.markdown", AMBIGUOUS, ["link-1", "1"]),
        ("a.html", HTML, ["link-1"]),
        ("a.htm", HTML, ["link-1"]),
        ("a.unknown", AMBIGUOUS, ["link-1", "1"]),  # sniffed: Markdown links
    ],
)
def test_auto_detection_by_extension(
    tmp_path: Path, file_name: str, content: str, refs: list[str]
) -> None:
    path = tmp_path / file_name
    path.write_text(content)
    articles = load_articles(path, article_url="https://n.example/a")
    assert [c.ref for a in articles for c in a.citations] == refs


def test_html_named_txt_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(HTML)
    assert "no citations found" in _error(path)


@pytest.mark.parametrize(
    ("content", "claim"),
    [
        (
            '[{"url": "https://n.example/a", "citations": [{"url": "https://s.example/", '
            '"claim": "From JSON."}]}]',
            "From JSON.",
        ),
        (
            "<!DOCTYPE html><html><body><p>From HTML, <a href='https://s.example/'>data</a>."
            "</p></body></html>",
            "From HTML, data.",
        ),
        ("# Title\n\nFrom [Markdown](https://s.example/).", "From Markdown."),
        ("From text [1].\n\n[1] https://s.example/", "From text."),
    ],
    ids=["json", "html", "markdown", "text"],
)
def test_auto_detection_by_content(content: str, claim: str) -> None:
    [article] = parse_articles(
        content.encode(), "auto", name="pasted text", article_url="https://n.example/a"
    )
    assert article.citations[0].claim == claim


def test_explicit_format_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "article.data"
    path.write_text("# Title\n\nFrom [Markdown](https://s.example/).")
    [article] = load_articles(path, "markdown", article_url="https://n.example/a")
    assert article.title == "Title"
    with pytest.raises(IngestError, match="invalid JSON at line 1, column 1"):
        load_articles(path, "json")


def test_refs_file_with_a_non_prose_format_is_refused(tmp_path: Path) -> None:
    refs = tmp_path / "refs.txt"
    refs.write_text("[1] https://s.example/1\n")
    message = _error(DATA / "articles.json", refs=refs)
    assert "text and Markdown" in message


def test_text_file_without_url_is_named_by_its_file_uri(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Prices rose [1].\n\n[1] https://s.example/1\n")
    [article] = load_articles(os.path.relpath(path))
    assert article.url == path.resolve().as_uri()
    assert article.title == "story"
