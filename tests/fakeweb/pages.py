"""Bodies the fake web serves: real news pages, and the templates sites answer with when
a page is gone, parked, walled or blocked, written the way real sites write them."""

from __future__ import annotations

import gzip
import html
import json
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from datasets import NEWS_HTML, ground_truth


@dataclass(frozen=True)
class NewsArticle:
    """One real article page (Scrapinghub article-extraction benchmark)."""

    id: str
    original_url: str
    path: str  # the original path (and query), served as is on the fake news host
    html: bytes  # the saved page, as published
    text: str  # the true article body (ground truth), paragraphs separated by "\n"
    title: str

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n") if p.strip()]


def news_available() -> bool:
    return NEWS_HTML.is_dir()


@lru_cache(maxsize=1)
def news_articles() -> tuple[NewsArticle, ...]:
    """The real pages (tests/data/news-pages), sorted by id."""
    truth = ground_truth()
    articles = []
    seen: set[str] = set()
    for page_id in sorted(truth):
        file = NEWS_HTML / f"{page_id}.html.gz"
        if not file.is_file():
            continue
        body = gzip.decompress(file.read_bytes())
        url = truth[page_id]["url"]
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if path in seen or path == "/":
            path = f"/story/{page_id[:12]}.html"
        seen.add(path)
        text = truth[page_id]["articleBody"]
        articles.append(NewsArticle(page_id, url, path, body, text, _title(body, text)))
    return tuple(articles)


def _title(body: bytes, text: str) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
    if match:
        title = html.unescape(match.group(1).decode("utf-8", "replace")).strip()
        if title:
            return " ".join(title.split())
    return text.split("\n", 1)[0][:80]


# --------------------------------------------------------------------------- site templates


def site_page(site: str, title: str, blocks: list[str], *, extra_head: str = "") -> bytes:
    """A page in a small newsroom's template: the same chrome around every body."""
    nav = "".join(
        f'<li><a href="/{s.lower()}/">{s}</a></li>'
        for s in ("Politics", "Business", "Science", "Sport", "Culture", "Opinion")
    )
    body = "\n".join(blocks)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)} | {site}</title>{extra_head}</head><body>"
        f"<header><a href='/' class='logo'>{site}</a><nav><ul>{nav}</ul></nav></header>"
        f"<main>{body}</main>"
        f"<footer><p>© 2024 {site}. All rights reserved.</p>"
        f"<p><a href='/about'>About us</a> · <a href='/contact'>Contact</a> · "
        f"<a href='/privacy'>Privacy policy</a></p></footer></body></html>"
    ).encode()


def article_page(site: str, article: NewsArticle) -> bytes:
    paragraphs = [f"<p>{html.escape(p)}</p>" for p in article.paragraphs]
    return site_page(site, article.title, [f"<h1>{html.escape(article.title)}</h1>", *paragraphs])


def not_found_template(site: str, path: str) -> bytes:
    """The "page not found" page a soft-404 site answers 200 with (it echoes the path)."""
    return site_page(
        site,
        "Page not found",
        [
            "<h1>Sorry, we can't find that page</h1>",
            f"<p>The page <code>{html.escape(path)}</code> could not be found. It may have "
            "been moved, or it may no longer exist.</p>",
            "<p>Try our <a href='/search'>search</a>, or start again from the "
            "<a href='/'>home page</a>.</p>",
        ],
    )


def home_page(site: str, links: list[tuple[str, str]]) -> bytes:
    items = "".join(f"<li><a href='{html.escape(u)}'>{html.escape(t)}</a></li>" for u, t in links)
    return site_page(
        site,
        "Home",
        [f"<h1>{site}</h1>", "<p>Independent news since 1998.</p>", f"<ul>{items}</ul>"],
    )


def section_page(site: str, section: str, links: list[tuple[str, str]]) -> bytes:
    items = "".join(f"<li><a href='{html.escape(u)}'>{html.escape(t)}</a></li>" for u, t in links)
    return site_page(site, section.title(), [f"<h1>{section.title()}</h1>", f"<ul>{items}</ul>"])


def parked_page(domain: str) -> bytes:
    """A domain-parking lander, in the markup parking providers serve."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{domain} - This domain is for sale!</title>"
        "<script src='https://www.google.com/adsense/domains/caf.js'></script>"
        "</head><body class='parking'>"
        f"<div id='domain'>{domain}</div>"
        "<h1>This domain may be for sale!</h1>"
        "<p>Buy this domain. "
        "<a href='https://sedo.com/search/details/?domain=x'>Make an offer</a></p>"
        "<div id='related'>Related searches: Cheap Flights · Online Degree · Car Insurance</div>"
        "<p class='disclaimer'>This webpage was generated by the domain owner using "
        "Sedo Domain Parking. Disclaimer: Sedo maintains no relationship with third party "
        "advertisers.</p></body></html>"
    ).encode()


def challenge_page() -> bytes:
    """A bot-protection interstitial (Cloudflare's "Just a moment...")."""
    return (
        b"<!DOCTYPE html><html lang='en-US'><head><title>Just a moment...</title>"
        b"<meta http-equiv='refresh' content='390'>"
        b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script>"
        b"</head><body><div class='main-wrapper'><h1>news.test</h1>"
        b"<h2 id='challenge-running'>Checking if the site connection is secure</h2>"
        b"<noscript>Enable JavaScript and cookies to continue</noscript>"
        b"<div id='challenge-form'></div></div></body></html>"
    )


def captcha_page() -> bytes:
    """A 200 page that is only a CAPTCHA ("are you a robot?")."""
    return (
        b"<html><head><title>Are you a robot?</title></head><body>"
        b"<h1>Please verify you are a human</h1>"
        b"<p>Our systems have detected unusual traffic from your network.</p>"
        b"<div class='g-recaptcha' data-sitekey='6Lc_aCMTAAAAABx7u2W0WPXnVbI_v6ZdbM6rYf16'></div>"
        b"</body></html>"
    )


def login_page(site: str) -> bytes:
    return site_page(
        site,
        "Sign in",
        [
            "<h1>Sign in to your account</h1>",
            "<form method='post' action='/login'><label>Email <input type='email' name='email'>"
            "</label><label>Password <input type='password' name='password'></label>"
            "<button type='submit'>Sign in</button></form>",
            "<p>Forgot your password? <a href='/reset'>Reset it</a>.</p>",
        ],
    )


def paywall_page(site: str, article: NewsArticle, teaser_paragraphs: int = 2) -> bytes:
    """An article cut after a teaser, then a subscription prompt (schema.org marks it)."""
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "isAccessibleForFree": "False",
            "hasPart": {
                "@type": "WebPageElement",
                "isAccessibleForFree": "False",
                "cssSelector": ".paywall",
            },
        }
    )
    teaser = [f"<p>{html.escape(p)}</p>" for p in article.paragraphs[:teaser_paragraphs]]
    prompt = (
        "<div class='paywall'><h2>Subscribe to continue reading</h2>"
        "<p>This article is reserved for subscribers. Get unlimited digital access for "
        "$1 a week.</p><a href='/subscribe'>Subscribe now</a> "
        "<p>Already a subscriber? <a href='/login'>Log in</a></p></div>"
    )
    return site_page(
        site,
        article.title,
        [f"<h1>{html.escape(article.title)}</h1>", *teaser, prompt],
        extra_head=f"<script type='application/ld+json'>{ld}</script>",
    )


def tiny_pdf(text: str) -> bytes:
    """A real one-page PDF showing `text` (pypdf can extract it back)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return _pdf(f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1"))


def image_only_pdf() -> bytes:
    """A real one-page PDF with a drawing and no text at all (a scan, to a text reader)."""
    return _pdf(b"0.5 g 72 72 468 648 re f")


def _pdf(stream: bytes) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
ZIP_EMPTY = b"PK\x05\x06" + bytes(18)


_BOMB_HEAD = b"<html><body>"
_MIB_OF_ZEROS = bytes(1 << 20)


def gzip_bomb_blocks(expanded_mib: int) -> Iterator[bytes]:
    """A gzip stream that expands to `expanded_mib` MiB of HTML (mostly zeros), in ~1 KiB
    pieces; `gzip_bomb_trailer` ends it. Full flushes make every 1 MiB block compress to
    the same bytes, so the bomb costs two compressions however large it claims to be."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    yield (
        compressor.compress(_BOMB_HEAD)
        + compressor.compress(_MIB_OF_ZEROS)
        + compressor.flush(zlib.Z_FULL_FLUSH)
    )
    block = compressor.compress(_MIB_OF_ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    for _ in range(expanded_mib - 1):
        yield block


@lru_cache(maxsize=4)
def gzip_bomb_trailer(expanded_mib: int) -> bytes:
    """The final empty block and the gzip trailer (CRC and size) of `gzip_bomb_blocks`."""
    crc = zlib.crc32(_BOMB_HEAD)
    for _ in range(expanded_mib):
        crc = zlib.crc32(_MIB_OF_ZEROS, crc)
    size = len(_BOMB_HEAD) + expanded_mib * len(_MIB_OF_ZEROS)
    return b"\x03\x00" + struct.pack("<II", crc, size & 0xFFFFFFFF)
