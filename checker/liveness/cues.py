"""Text cues that tell a real page from a template: "not found" pages that answer 200,
domain-parking landers, bot walls, login walls and paywalls.

Pure. Each `*_cue` reads a page's `PageFacts` and returns a short description of what
fired ("title 'Page not found'") or None. Every cue also requires the page to be short
on real text, so an article *about* a parked domain or a 404 error is never mistaken
for one. Interstitials that stand in front of any page of a site (consent, geo blocks,
maintenance) are in `interstitials`.
"""

from __future__ import annotations

import re

from checker.liveness.facts import PageFacts, any_of, first_match
from checker.text import words

# --------------------------------------------------------------------------- soft 404

NOT_FOUND = any_of(
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
    found = first_match(NOT_FOUND, facts.title)
    if found:
        return f"title {facts.title[:80]!r}"
    for heading in facts.headings[:3]:
        if NOT_FOUND.search(heading):
            return f"heading {heading[:80]!r}"
    found = first_match(NOT_FOUND, facts.text[:600])
    if found:
        return f"text {found!r}"
    return None


# --------------------------------------------------------------------------- parked

PARKED = any_of(
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
    phrase = first_match(PARKED, facts.title, *facts.headings, facts.text[:2000])
    provider = next((p for p in PARKING_PROVIDERS if p in facts.markup), None)
    if phrase and provider:
        return f"{phrase!r} ({provider})"
    if phrase:
        return repr(phrase)
    if provider and len(words(facts.text)) < 80:
        return f"parking provider {provider}"
    return None


# --------------------------------------------------------------------------- walls

BOT_WALL_TITLE = any_of(
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
    found = first_match(BOT_WALL_TITLE, facts.title, *facts.headings[:2])
    if found:
        return f"title {facts.title[:80] or found!r}"
    marker = next((m for m in BOT_WALL_MARKUP if m in facts.markup), None)
    if marker and len(words(facts.text)) < 150:
        return f"challenge markup {marker}"
    return None


# The empty element a single-page app mounts into: React, Vue, Next, Nuxt, Angular, ...
_MOUNT = re.compile(
    r"<(?:div|main|section)\b[^>]*\bid=[\"']?(?:root|app|__next|__nuxt|svelte|main-app|"
    r"application|react-root|js-app)[\"']?[^>]*>\s*</(?:div|main|section)>"
    r"|<app-root\b[^>]*>\s*</app-root>|<body\b[^>]*>\s*(?:<noscript\b.*?</noscript>\s*)?<script\b",
    re.DOTALL,
)
_SHELL_MAX_WORDS = 60


def script_shell_cue(facts: PageFacts) -> str | None:
    """A page written by JavaScript: an empty mount point, scripts, next to no text. The
    same shell answers every path of such a site, so it is alive, never a soft 404."""
    if not facts.short or "<script" not in facts.markup:
        return None
    if len(words(facts.text)) > _SHELL_MAX_WORDS:
        return None
    mount = _MOUNT.search(facts.markup)
    return f"page written by JavaScript ({' '.join(mount.group().split())[:60]})" if mount else None


RATE_LIMIT = any_of(
    r"\btoo many requests\b",
    r"\byou(?:['’]ve| have) (?:sent|made) too many\b",
    r"\b(?:rate|request) limit (?:exceeded|reached)\b",
    r"\byou(?:['’]re| are) being rate[- ]limited\b",
)


def rate_limit_cue(facts: PageFacts) -> str | None:
    """A short page that says "too many requests" while answering 200."""
    if not facts.short:
        return None
    found = first_match(RATE_LIMIT, facts.title, *facts.headings[:2], facts.text)
    return f"rate limit page {found!r}" if found else None


LOGIN_TITLE = any_of(
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
        found = first_match(LOGIN_TITLE, facts.title, *facts.headings[:2])
        if found:
            return f"login form, {found!r}"
    return None


PAYWALL = any_of(
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
    prompt = first_match(PAYWALL, *facts.headings, facts.text)
    if prompt:
        return f"subscription prompt {prompt!r}"
    if _NOT_FREE.search(facts.markup) and facts.short:
        return "isAccessibleForFree: false"
    return None
