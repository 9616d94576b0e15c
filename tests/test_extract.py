"""Extraction: bytes of HTML, plain text or PDF → Document; bad bodies → one clear ExtractError."""

from __future__ import annotations

import asyncio
import os
import signal
import zlib

import mutations
import pytest

from checker.extract import Extractor, extract
from checker.model import Document, ExtractError
from checker.settings import ExtractSettings
from checker.text import normalize, split_sentences

URL = "https://news.example/story"

ARTICLE = """<!DOCTYPE html><html><head><title>Council backs budget | Example News</title>
<meta property="og:title" content="Council backs budget">
<meta property="article:published_time" content="2024-03-05T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Council backs budget</h1>
<p>The city council approved the budget on Tuesday by a vote of
  seven to two, after a debate that lasted
  until midnight.</p>
<p>The plan raises spending on transit by 12% and
cuts the parks budget.<br>Critics said the cuts go too far.</p>
<p>The mayor is expected to sign it this week, her office said in a statement.</p>
</article><footer>Copyright Example News</footer></body></html>"""


def minimal_pdf(lines: list[str], title: str = "") -> bytes:
    """A one-page PDF showing `lines` in Helvetica, built by hand (no PDF library needed)."""
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops += [f"({escaped}) Tj", "T*"]
    ops.append("ET")
    stream = zlib.compress("\n".join(ops).encode("latin-1"))
    info = f"<< /Title ({title}) >>".encode() if title else b"<< >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_html_gives_title_date_and_paragraphs() -> None:
    doc = extract(ARTICLE.encode(), "text/html", URL)
    assert doc.kind == "html"
    assert doc.title == "Council backs budget"
    assert doc.published == "2024-03-05"
    # A line break in the source text is a space; <br> starts a new line.
    assert (
        "The city council approved the budget on Tuesday by a vote of seven to two, after a "
        "debate that lasted until midnight." in doc.passages
    )
    assert "cuts the parks budget." in doc.passages[-3]
    assert "Critics said the cuts go too far." in doc.passages
    assert not any("Home" in p or "Copyright" in p for p in doc.passages)


def test_text_is_passages_joined_by_blank_lines_so_the_store_can_rebuild_them() -> None:
    doc = extract(ARTICLE.encode(), "text/html; charset=utf-8", URL)
    assert doc.text == "\n\n".join(doc.passages)
    assert Document.from_text(doc.title, doc.text, doc.kind).passages == doc.passages


@pytest.mark.parametrize(
    ("body", "content_type", "charset", "kind", "passages"),
    [
        (b"First line\nwraps here.\r\n\r\nSecond para.", "text/plain", None, "text",
         ("First line wraps here.", "Second para.")),
        ("Café crème à la carte.".encode("latin-1"), "text/plain", "iso-8859-1", "text",
         ("Café crème à la carte.",)),
        ("Café crème à la carte, déjà vu.".encode("cp1252"), "text/plain", None, "text",
         ("Café crème à la carte, déjà vu.",)),
        ("\ufeffHello there.".encode(), "text/plain", None, "text", ("Hello there.",)),
        ("Hi from UTF-16.".encode("utf-16"), "text/plain", None, "text", ("Hi from UTF-16.",)),
        (b"Notes\n\nPlain words.", "text/markdown", None, "text", ("Notes", "Plain words.")),
        (b"Sniffed as text.\n\nTwo.", "", None, "text", ("Sniffed as text.", "Two.")),
        (b"Octets but text.", "application/octet-stream", "bogus-charset", "text",
         ("Octets but text.",)),
    ],
)  # fmt: skip
def test_plain_text(
    body: bytes, content_type: str, charset: str | None, kind: str, passages: tuple[str, ...]
) -> None:
    doc = extract(body, content_type, URL, charset=charset)
    assert (doc.kind, doc.passages) == (kind, passages)


def test_html_charset_from_headers_wins_over_guessing() -> None:
    page = ARTICLE.replace("seven to two", "sept à deux, déjà").encode("latin-1")
    doc = extract(page, "text/html", URL, charset="iso-8859-1")
    assert any("sept à deux, déjà" in p for p in doc.passages)


@pytest.mark.parametrize("content_type", ["application/pdf", ""])
def test_pdf_lines_become_paragraphs(content_type: str) -> None:
    body = minimal_pdf(
        [
            "Transit ridership rose 12% in 2023, the transit",
            "agency said in its annual re-",
            "port. Bus service was cut on four routes this",
            "year, and fares went up.",
            "The board meets again in May.",
        ],
        title="Annual report",
    )
    doc = extract(body, content_type, URL)
    assert doc.kind == "pdf"
    assert doc.title == "Annual report"
    # A short line that ends a sentence ends a paragraph; a hyphenated word is rejoined.
    assert doc.passages == (
        "Transit ridership rose 12% in 2023, the transit agency said in its annual report. "
        "Bus service was cut on four routes this year, and fares went up.",
        "The board meets again in May.",
    )


def test_main_text_is_cut_at_max_chars() -> None:
    body = "\n\n".join(f"Paragraph number {i} says something." for i in range(100)).encode()
    doc = extract(body, "text/plain", URL, max_chars=500)
    assert 450 < len(doc.text) <= 500
    assert doc.passages[0] == "Paragraph number 0 says something."


@pytest.mark.parametrize(
    ("body", "content_type", "max_chars", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png", 1000, "content type 'image/png'"),
        (bytes(range(256)) * 20, "text/html", 10**6, "binary"),
        (bytes(range(256)) * 20, "text/plain", 10**6, "binary"),
        (bytes(range(256)) * 20, "", 10**6, "binary"),
        (b"", "text/html", 1000, "empty body"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "application/pdf", 1000, "cannot read pdf"),
        (b"<html><body><script>var x = 1;</script></body></html>", "text/html", 1000, "no main"),
        (b"<div>" * 50_000 + b"deep" + b"</div>" * 50_000, "text/html", 10**6, "cannot be parsed"),
        (b"<p>" + b"x" * 400, "text/html", 40, "too large"),
        (b"   \n\n  ", "text/plain", 1000, "no text found"),
    ],
)
def test_bad_bodies_give_one_clear_line(
    body: bytes, content_type: str, max_chars: int, message: str
) -> None:
    with pytest.raises(ExtractError) as caught:
        extract(body, content_type, URL, max_chars=max_chars)
    text = str(caught.value)
    assert text.startswith(URL) and message in text and "\n" not in text


def news_pages() -> list[tuple[str, bytes, str]]:
    return [(page.id, page.html, page.body) for page in mutations.news_pages()]


def test_real_pages_yield_their_article_text() -> None:
    """On the 60 saved news pages, most sentences of the true article body are extracted."""
    recalls = []
    for _, html, body in news_pages():
        doc = extract(html, "text/html", URL)
        assert Document.from_text(doc.title, doc.text).passages == doc.passages
        text = " ".join(normalize(doc.text).split())
        sentences = [s for p in body.split("\n") for s in split_sentences(normalize(p))]
        found = sum(" ".join(s.split()) in text for s in sentences)
        recalls.append(found / max(len(sentences), 1))
    good = sum(r >= 0.8 for r in recalls)
    assert good >= 0.9 * len(recalls), sorted(recalls)[:10]


async def test_extractor_runs_off_the_event_loop_in_processes() -> None:
    pages = news_pages()[:6]
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    with Extractor(ExtractSettings(processes=2)) as extractor:
        running = asyncio.create_task(ticker())
        docs = await asyncio.gather(
            *(extractor.extract(html, "text/html", URL) for _, html, _ in pages)
        )
        done.set()
        await running
    assert ticks > len(pages)  # the loop kept turning while pages were parsed elsewhere
    assert docs == [extract(html, "text/html", URL) for _, html, _ in pages]


@pytest.mark.parametrize("processes", [1, 2])
async def test_extractor_reports_bad_bodies_as_extract_errors(processes: int) -> None:
    with Extractor(ExtractSettings(processes=processes)) as extractor:
        with pytest.raises(ExtractError, match="binary"):
            await extractor.extract(bytes(range(256)) * 8, "text/html", URL)
        doc = await extractor.extract(b"Still working.", "text/plain", URL)
    assert doc.passages == ("Still working.",)


async def test_extractor_survives_a_dead_worker() -> None:
    extractor = Extractor(ExtractSettings(processes=2, max_chars=1000))
    try:
        await extractor.extract(b"Warm up.", "text/plain", URL)
        pool = extractor._pool
        assert pool is not None
        for pid in list(pool._processes):  # the workers this test started
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(ExtractError, match="extraction process died"):
            for _ in range(50):  # the pool notices the death on a later submit
                await extractor.extract(b"Again.", "text/plain", URL)
        doc = await extractor.extract(b"Back again.", "text/plain", URL)
        assert doc.passages == ("Back again.",)
    finally:
        extractor.close()


async def test_extraction_past_its_time_limit_is_an_error_and_the_pool_recovers() -> None:
    # A page that takes the parser longer than the limit (here: a large real-looking page
    # against a tiny limit) is given up; its worker is killed and a fresh pool serves next.
    page = (
        "<html><body><article>"
        + "".join(f"<p>Paragraph {i} says the council met on day {i}.</p>" for i in range(20_000))
        + "</article></body></html>"
    ).encode()
    extractor = Extractor(ExtractSettings(processes=2, timeout_s=0.05))
    try:
        await extractor.extract(b"Warm up.", "text/plain", URL)
        with pytest.raises(ExtractError, match=r"took longer than 0\.05 s"):
            await extractor.extract(page, "text/html", URL)
        assert extractor._pool is None  # the stuck pool was discarded
        doc = await extractor.extract(b"Back again.", "text/plain", URL)
        assert doc.passages == ("Back again.",)
    finally:
        extractor.close()
