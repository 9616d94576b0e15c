"""Text cues that tell a real page from a template: "not found" pages that answer 200,
domain-parking landers, bot walls, login walls and paywalls.

Pure. `page_facts` reads what a cue needs from a body once (title, headings, visible
text without navigation chrome, how much paragraph text there is, a few markup
markers); each `*_cue` returns a short description of what fired ("title 'Page not
found'") or None. Every cue also requires the page to be short on real text, so an
article *about* a parked domain or a 404 error is never mistaken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from checker.text import normalize, words

_PARSE_BYTES = 1_500_000  # the head of a page is enough to know what kind of page it is
_MARKUP_CHARS = 300_000
_TEXT_CHARS = 50_000  # visible text kept: cues read the top, similarity needs no more
SHORT_PAGE_WORDS = 200  # fewer paragraph words than this: not an article
_DROPPED = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside")


@dataclass(frozen=True)
class PageFacts:
    title: str = ""
    headings: tuple[str, ...] = ()  # h1/h2 texts, in order
    text: str = ""  # visible text without scripts and navigation chrome
    paragraph_words: int = 0  # words in <p> elements: a proxy for article text
    password_field: bool = False
    markup: str = ""  # lower-cased head of the raw markup (short pages only), for markers

    @property
    def short(self) -> bool:
        return self.paragraph_words < SHORT_PAGE_WORDS


def page_facts(body: bytes, content_type: str, charset: str | None = None) -> PageFacts:
    """What the cues look at; empty facts for bodies that are not HTML or text."""
    if content_type == "text/plain":
        raw = body[:_PARSE_BYTES].decode(charset or "utf-8", "replace").strip()
        text = normalize(raw)
        first_line = normalize(raw.split("\n", 1)[0])[:200]
        return PageFacts(title=first_line, text=text, paragraph_words=len(words(text)))
    if content_type not in ("text/html", "application/xhtml+xml", ""):
        return PageFacts()
    head = body[:_PARSE_BYTES]
    root = _parse(head, charset)
    if root is None:
        return PageFacts(markup=_markup(head, charset))
    title = _clean(_text_of(root.find(".//title")))
    password = bool(root.xpath(".//input[@type='password']"))
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROPPED)):
        element.clear(keep_tail=True)  # gone, but the text that follows it stays
    headings = tuple(_clean(_text_of(h)) for h in root.xpath("//h1|//h2")[:8])
    # Whitespace-separated tokens are close enough to words for "is this an article?".
    paragraph_words = sum(len(_text_of(p).split()) for p in root.iter("p"))
    # Not normalized (the cues' patterns accept typographic apostrophes): on a long page
    # only the probe comparison reads the text, and it normalizes what it reads.
    text = " ".join(" ".join(root.itertext()).split())[:_TEXT_CHARS]
    # Markup markers only matter on short pages (every cue that reads them says so).
    markup = _markup(head, charset) if paragraph_words < SHORT_PAGE_WORDS else ""
    return PageFacts(title, headings, text, paragraph_words, password, markup)


def _markup(head: bytes, charset: str | None) -> str:
    return head[:_MARKUP_CHARS].decode(charset or "utf-8", "replace").lower()


def _parse(head: bytes, charset: str | None) -> Any:
    # lxml.etree's parser, not lxml.html's: no Python call per element, several times faster.
    for encoding in (charset, None) if charset else (None,):
        try:
            parser = etree.HTMLParser(encoding=encoding, remove_comments=True)
            return etree.fromstring(head, parser=parser)
        except LookupError:  # a charset Python knows and libxml2 does not: let it sniff
            continue
        except (etree.ParserError, ValueError):
            return None
    return None


def _text_of(element: Any) -> str:
    return "" if element is None else " ".join("".join(element.itertext()).split())


def _clean(text: str) -> str:
    return normalize(text)


def _first(patterns: re.Pattern[str], *texts: str) -> str | None:
    for text in texts:
        match = patterns.search(text)
        if match:
            return match.group(0)
    return None


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# --------------------------------------------------------------------------- soft 404

NOT_FOUND = _any(
    r"\b(?:page|file|content|article|story|document|url|resource)s? (?:was |is )?not found\b",
    r"^\s*(?:error\s*)?404\b",
    r"\b(?:error|erreur|fehler|errore) 404\b",
    r"\b404 (?:error|not found|page)\b",
    r"^\s*not found\b",
    r"\bpage (?:does not|doesn['’]?t|did not|no longer) exists?\b",
    r"\b(?:page|content|article|story) (?:is |you requested is )?(?:no longer|not) available\b",
    r"\b(?:we|i) (?:can(?:['’]|no)?t|could(?:n['’]?t| not)|were unable to) find "
    r"(?:that|the|this|your) (?:page|article|story|content)\b",
    r"\bthe (?:page|link|url) you (?:were|are|['’]re) (?:looking for|trying to reach|requested)\b",
    r"\b(?:page|link) (?:has been|was) (?:removed|deleted|moved)\b",
    r"\bnothing (?:was )?found (?:here|at this address)\b",
    r"\bseite nicht gefunden\b|\bp[áa]gina no encontrada\b|\bpage introuvable\b",
    r"\bpagina non trovata\b|\bpagina niet gevonden\b|\bp[áa]gina n[ãa]o encontrada\b",
)


def soft_404_cue(facts: PageFacts) -> str | None:
    """A "not found" message in the title, a heading or the first lines, on a short page."""
    if not facts.short:
        return None
    found = _first(NOT_FOUND, facts.title)
    if found:
        return f"title {facts.title[:80]!r}"
    for heading in facts.headings[:3]:
        if NOT_FOUND.search(heading):
            return f"heading {heading[:80]!r}"
    found = _first(NOT_FOUND, facts.text[:600])
    if found:
        return f"text {found!r}"
    return None


def similarity(a: PageFacts, b: PageFacts, *, ignore: frozenset[str] = frozenset()) -> float:
    """Jaccard similarity of the word 3-shingles of two pages' visible text (0..1),
    leaving out `ignore` (the words of both URLs, which a template echoes back)."""
    first = _shingles(a.title + " " + a.text, ignore)
    second = _shingles(b.title + " " + b.text, ignore)
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)


def _shingles(text: str, ignore: frozenset[str]) -> set[tuple[str, ...]]:
    tokens = [w for w in words(text) if w not in ignore and not _looks_random(w)]
    if len(tokens) < 3:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def _looks_random(token: str) -> bool:
    # Request ids, cache busters and echoed random paths differ on every answer.
    return len(token) >= 12 and any(c.isdigit() for c in token)


# --------------------------------------------------------------------------- parked

PARKED = _any(
    r"\b(?:this|the) domain(?: name)?(?: [a-z0-9.-]+)? (?:may be|is|might be) for sale\b",
    r"\bbuy this domain\b",
    r"\bdomain (?:name )?(?:is )?for sale\b",
    r"\bthis domain (?:name )?(?:has been|was|is) (?:registered|parked)\b",
    r"\bparked (?:free|domain)\b|\bdomain parking\b",
    r"\bthis web ?page (?:is|was) parked\b",
    r"\bfuture home of\b",
    r"\binquire about (?:purchasing )?this domain\b",
)
PARKING_PROVIDERS = (
    "sedoparking",
    "sedo domain parking",
    "parkingcrew",
    "bodis.com",
    "above.com",
    "dan.com",
    "afternic",
    "hugedomains",
    "undeveloped.com",
    "parklogic",
    "domainsponsor",
    "adsense/domains/caf.js",
    'window.location.href="/lander"',
    "namebright",
)


def parked_cue(facts: PageFacts) -> str | None:
    if not facts.short:
        return None
    phrase = _first(PARKED, facts.title, *facts.headings, facts.text[:2000])
    provider = next((p for p in PARKING_PROVIDERS if p in facts.markup), None)
    if phrase and provider:
        return f"{phrase!r} ({provider})"
    if phrase:
        return repr(phrase)
    if provider and len(words(facts.text)) < 80:
        return f"parking provider {provider}"
    return None


# --------------------------------------------------------------------------- walls

BOT_WALL_TITLE = _any(
    r"^just a moment\b",
    r"attention required!? \| cloudflare",
    r"^access denied\b",
    r"\bare you a (?:robot|human)\b",
    r"\bpardon our interruption\b",
    r"\bsecurity check\b",
    r"\bverify(?:ing)? (?:that )?you are (?:a )?human\b",
    r"\bhuman verification\b",
    r"\bchecking (?:your|if the site connection is secure)",
    r"\bddos[- ]guard\b|\bddos protection\b",
    r"\byou have been blocked\b",
    r"\brequest unsuccessful\. incapsula\b",
    r"\bbot (?:check|verification)\b",
)
BOT_WALL_MARKUP = (
    "cf-chl",
    "challenge-platform",
    "_incapsula_resource",
    "captcha-delivery.com",
    "px-captcha",
    "g-recaptcha",
    "h-captcha",
    "hcaptcha.com",
    "recaptcha/api.js",
    "distil_r_captcha",
    "sucuri website firewall",
)


def bot_wall_cue(facts: PageFacts, headers: dict[str, str]) -> str | None:
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "cf-mitigated: challenge"
    if not facts.short:
        return None
    found = _first(BOT_WALL_TITLE, facts.title, *facts.headings[:2])
    if found:
        return f"title {facts.title[:80] or found!r}"
    marker = next((m for m in BOT_WALL_MARKUP if m in facts.markup), None)
    if marker and len(words(facts.text)) < 150:
        return f"challenge markup {marker}"
    return None


LOGIN_TITLE = _any(
    r"\b(?:sign|log) ?in\b", r"\blogin\b", r"\bmembers? only\b", r"\bplease log ?in\b"
)
LOGIN_PATH = re.compile(
    r"/(?:login|log-in|signin|sign-in|sign_in|auth|sso|session/new|accounts?/login)(?:[/?.]|$)",
    re.IGNORECASE,
)


def login_wall_cue(facts: PageFacts, final_path: str, original_path: str) -> str | None:
    if LOGIN_PATH.search(final_path) and not LOGIN_PATH.search(original_path):
        return f"redirected to {final_path[:80]}"
    if facts.password_field and facts.short:
        found = _first(LOGIN_TITLE, facts.title, *facts.headings[:2])
        if found:
            return f"login form, {found!r}"
    return None


PAYWALL = _any(
    r"\bsubscribe to (?:continue|keep) reading\b",
    r"\bto continue reading\b",
    r"\bto read the (?:full|whole|rest of the) (?:story|article)\b",
    r"\b(?:continue|keep) reading (?:with|by) (?:a )?subscri",
    r"\bthis (?:article|story|content) is (?:only )?(?:available|reserved|exclusive) "
    r"(?:to|for) (?:paying )?(?:subscribers|members|premium)",
    r"\bsubscribers? only\b",
    r"\byou(?:['’]ve| have) reached your (?:free )?(?:article|monthly|story|free) ?"
    r"(?:article )?limit",
    r"\bcreate a free account to (?:continue|read)\b",
    r"\bunlock (?:this|the full) (?:article|story)\b",
)
_NOT_FREE = re.compile(r'"isaccessibleforfree"\s*:\s*"?false"?')
_TEASER_WORDS = 400


def paywall_cue(facts: PageFacts) -> str | None:
    """The page stops at a subscription prompt: a prompt after a short teaser, or the
    site's own schema.org mark that the article is not free, with little text shown."""
    if facts.paragraph_words >= _TEASER_WORDS:
        return None
    prompt = _first(PAYWALL, *facts.headings, facts.text)
    if prompt:
        return f"subscription prompt {prompt!r}"
    if _NOT_FREE.search(facts.markup) and facts.short:
        return "isAccessibleForFree: false"
    return None


GEO_OR_CONSENT = _any(
    r"\bnot available in your (?:country|region|location)\b",
    r"\bunavailable in your (?:country|region)\b",
    r"\b(?:manage|review) (?:your )?(?:cookie|privacy) (?:consent|choices)\b",
)


def access_wall_cue(facts: PageFacts, final_url: str) -> str | None:
    """A geo block or a consent wall standing in front of the page."""
    if re.search(r"//(?:consent|gdpr)\.|/(?:consent|gdpr)[/-]", final_url, re.IGNORECASE):
        return "consent wall"
    if facts.short:
        found = _first(GEO_OR_CONSENT, facts.title, *facts.headings[:2], facts.text[:1000])
        if found:
            return repr(found)
    return None
