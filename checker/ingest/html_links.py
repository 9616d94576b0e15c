"""Which links of an HTML article body are citations, and the sentence each supports.

Citations:
- a footnote marker (`<sup><a href="#fn3">3</a></sup>`, or a `#` link whose text
  is a marker like `[3]`) whose target (the element with that id or name, widened
  to its list item or paragraph) holds an external link, else a URL in its text;
  the ref is the marker text. A footnote without any URL is an explanatory note;
- any other http(s) link in the body's text, with ref `link-N`.
Not citations: links inside nav, header, footer, aside, forms and figures or inside
elements whose class/id says share, social, related, ad, author, tags, comments,
newsletter...; links in the reference list itself; share URLs of social networks;
rel="sponsored"/"tag"/"author" links; same-site home, section, tag and author pages;
links without text or whose text is a call to action (prose.BOILERPLATE); links
that are all the text of their block or sit in a sentence of fewer than two words (lists of
related stories, pagination: see html_claims.py); non-web links (mailto:, tel:,
javascript:), skipped silently.
Plain rel="nofollow" is kept: many CMSes put it on every external link.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

from lxml.html import HtmlElement as Element

from checker.ingest.assemble import RawCitation
from checker.ingest.errors import Problems
from checker.ingest.html_claims import BLOCK_TAGS, CitedAnchor, with_claims
from checker.ingest.prose import BOILERPLATE, REFERENCES_HEADING
from checker.ingest.refs import find_url
from checker.urls import BadUrl, normalize_url


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NOISE_TAGS = _names("nav header footer aside form button figure menu dialog select")
_NOISE_ROLES = _names("navigation banner contentinfo complementary search dialog")
_NOISE_TOKENS = _names(
    """share sharing sharebar social related recommended newsletter promo promotion ad ads advert
    advertisement sponsor sponsored byline author authors tags tag breadcrumb breadcrumbs comments
    comment subscribe subscription nav navbar navigation menu sidebar footer header masthead
    widget outbrain taboola popup modal cookie cookies paywall signup toolbar pagination"""
)
_REFERENCE_TOKENS = _names(
    "footnotes footnote references reflist endnotes endnote citations bibliography"
)
_LINK_NOISE = _names("tag tags category author share social sponsored")
_SOCIAL_HOSTS = _names(
    """facebook.com twitter.com x.com linkedin.com reddit.com pinterest.com whatsapp.com
    api.whatsapp.com wa.me t.me telegram.me tumblr.com vk.com bsky.app getpocket.com
    news.ycombinator.com"""
)
_SHARE_PATH = re.compile(r"/(?:sharer|share|intent|sharearticle|submit|submitlink|pin/create|send)")
_SHARE_QUERY = re.compile(r"(?:^|&)(?:u|url|text|body)=")
_NAV_SEGMENTS = _names(
    """tag tags topic topics category categories author authors section sections search about
    contact subscribe newsletter newsletters login signin account profile privacy terms help
    staff people by page"""
)
_PEOPLE_SEGMENTS = _names("author authors staff contributor contributors writer writers profile")
_NOTE_TAGS = _names("li dd dt p td th div span aside footer cite small")
_MARKER_TEXT = re.compile(
    r"^(?:\[\s*\^?(?:\d{1,4}|[a-z]{1,2}|[ivx]{1,5})\s*\]|\(\s*(?:\d{1,4}|[a-z])\s*\)"
    r"|\^?\d{1,4}|\*{1,3}|†)$",
    re.IGNORECASE,
)
MAX_NOTE_CHARS = 2000  # a footnote is short; a longer target is a section (table of contents)


def resolve_href(href: str, base: str | None) -> str | None:
    """An absolute http(s) URL for `href`, or None when it cannot be one."""
    try:
        return normalize_url(href, base)
    except BadUrl:
        return None


def collect_citations(
    doc: Element, body: Element, *, base: str | None, article_url: str | None, problems: Problems
) -> list[RawCitation]:
    zones = _reference_zones(doc, body)
    cited: list[CitedAnchor] = []
    for anchor in body.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or _inside(anchor, zones) or _is_noise(anchor, body):
            continue
        fragment = _fragment(href, base, article_url)
        if fragment is not None:
            note = _footnote(doc, anchor, fragment, base, problems)
            if note is not None:
                cited.append(CitedAnchor(anchor, _marker_ref(anchor, fragment), note, True))
            continue
        url = _source_url(anchor, href, base, article_url)
        if url is not None:
            cited.append(CitedAnchor(anchor, "", url, False))
    found: list[RawCitation] = []
    links = 0
    for item, claim in with_claims(cited, body):
        ref = item.ref
        if not item.footnote:
            links += 1
            ref = f"link-{links}"
        found.append(RawCitation(ref, item.url, claim, f"line {item.anchor.sourceline}"))
    return found


def _tokens(element: Element) -> set[str]:
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return set(re.split(r"[\s_-]+", names)) - {""}


def _is_noise(anchor: Element, root: Element) -> bool:
    for element in anchor.iterancestors():
        if element is root:
            return False
        if (
            element.tag in _NOISE_TAGS
            or (element.get("role") or "").lower() in _NOISE_ROLES
            or _tokens(element) & _NOISE_TOKENS
            or element.get("hidden") is not None
            or element.get("aria-hidden") == "true"
        ):
            return True
    return False


def _inside(anchor: Element, zones: set[Element]) -> bool:
    return any(element in zones for element in anchor.iterancestors())


def _is_marker(anchor: Element) -> bool:
    """A footnote marker: superscript, or text like 3, [3], (a), *."""
    if anchor.find(".//sup") is not None or any(e.tag == "sup" for e in anchor.iterancestors()):
        return True
    return bool(_MARKER_TEXT.match(" ".join(anchor.text_content().split())))


def _reference_zones(doc: Element, body: Element) -> set[Element]:
    """Elements holding a reference list: their links are the targets of markers, or a
    bibliography without claims, never inline citations."""
    zones = {
        el for el in body.iter() if isinstance(el.tag, str) and _tokens(el) & _REFERENCE_TOKENS
    }
    for heading in body.iter("h2", "h3", "h4", "h5", "h6"):
        if REFERENCES_HEADING.match(heading.text_content().strip()):
            for sibling in heading.itersiblings():
                if sibling.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    break
                zones.add(sibling)
    for anchor in body.iter("a"):
        href = anchor.get("href") or ""
        if href.startswith("#") and len(href) > 1 and _is_marker(anchor):
            target = _note_block(doc, href[1:])
            if target is not None and target is not body:
                zones.add(target)
    zones.discard(body)
    return zones


def _fragment(href: str, base: str | None, article_url: str | None) -> str | None:
    """The id an in-page link points to (`#fn3`, or this article's URL + `#fn3`)."""
    page, fragment = urldefrag(href)
    if not fragment:
        return None
    if not page:
        return fragment
    resolved = resolve_href(page, base)
    return fragment if resolved is not None and resolved == article_url else None


def _note_block(doc: Element, note_id: str) -> Element | None:
    """The footnote an id names, widened from an inline anchor to its list item or
    paragraph; None when there is none or the target is too big to be a note."""
    found = doc.xpath("//*[@id=$id] | //a[@name=$id]", id=note_id)
    if not found:
        return None
    target: Element = found[0]
    while target.tag not in BLOCK_TAGS and target.getparent() is not None:
        target = target.getparent()
    if target.tag not in _NOTE_TAGS or len(target.text_content()) > MAX_NOTE_CHARS:
        return None
    return target


def _footnote(
    doc: Element, anchor: Element, note_id: str, base: str | None, problems: Problems
) -> str | None:
    """The URL a footnote marker resolves to; None for notes without a URL or for
    in-page links that are not markers (a table of contents)."""
    if not _is_marker(anchor):
        return None
    note = _note_block(doc, note_id)
    if note is None or anchor in note.iter():
        return None
    hrefs = [str(h).strip() for h in note.xpath(".//a/@href")]
    candidates = [h for h in hrefs if h and not h.startswith("#")]
    if not candidates:
        in_text = find_url(note.text_content())
        candidates = [in_text] if in_text else []
    for candidate in candidates:
        resolved = resolve_href(candidate, base)
        if resolved is not None:
            return resolved
    if candidates:  # only non-web addresses: the reader cannot check this source either
        try:
            normalize_url(candidates[0], base)
        except BadUrl as exc:
            problems.add(
                f"line {anchor.sourceline}, ref {_marker_ref(anchor, note_id)} (#{note_id}): "
                f"source URL {exc}"
            )
    return None


def _marker_ref(anchor: Element, note_id: str) -> str:
    text = " ".join(anchor.text_content().split()).strip("[]()^ ")
    return text if 0 < len(text) <= 6 else note_id


def _source_url(
    anchor: Element, href: str, base: str | None, article_url: str | None
) -> str | None:
    rel = set((anchor.get("rel") or "").lower().split())
    if rel & {"sponsored", "tag", "author"} or _tokens(anchor) & _LINK_NOISE:
        return None
    text = anchor.text_content().strip()
    if not text or BOILERPLATE.search(text):
        return None  # an icon, or a call to action ("Subscribe", "Follow us")
    url = resolve_href(href, base)
    if url is None or url == article_url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if host in _SOCIAL_HOSTS and (
        _SHARE_PATH.match(parts.path.lower()) or _SHARE_QUERY.search(parts.query)
    ):
        return None
    site = urlsplit(article_url or "").hostname or ""
    if host == site.removeprefix("www."):
        segments = [s.lower() for s in parts.path.split("/") if s]
        if not segments or segments[0] in _NAV_SEGMENTS or _PEOPLE_SEGMENTS & set(segments):
            return None
        if len(segments) == 1 and not re.search(r"[-.\d]", segments[0]):
            return None  # "/politics": a section front, not a story
    return url
