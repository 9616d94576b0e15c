"""Pages that stand in front of any page of a site: consent walls, geo blocks, maintenance.

Pure. A cookie-consent interstitial answers 200 at every path, the random-path probe
included, so without this module it looks like a "not found" template; it is a wall
(we cannot see the source), never a dead link. The same holds for "not available in
your region" and "down for maintenance" pages.

A consent wall is recognised by what the common consent platforms write and load
(OneTrust, Cookiebot, Didomi, Quantcast Choice, TrustArc, Usercentrics, Sourcepoint,
consentmanager, Google Funding Choices, iubenda, CookieYes, Osano, Borlabs, the IAB
TCF API) and by their wording in the major European languages, on a page that carries
no article text of its own. A normal article with a cookie banner is long and is not
one: the banner is furniture, the article is readable.
"""

from __future__ import annotations

import re

from checker.liveness.facts import PageFacts, any_of, first_match

CONSENT_WORDING = any_of(
    # English
    r"\bwe (?:value|care about|respect) your privacy\b",
    r"\b(?:this (?:site|website)|we) uses? cookies\b",
    r"\baccept (?:all|all cookies|cookies|and continue)\b",
    r"\b(?:reject|decline|refuse) (?:all|cookies)\b",
    r"\bmanage (?:cookies|(?:cookie |privacy )?(?:preferences|settings|options|choices))\b",
    r"\b(?:cookie|privacy) (?:settings|preferences|choices)\b",
    r"\byour privacy choices\b",
    r"\bwe and our (?:\d+ )?(?:partners|vendors)\b",
    r"\bstore and/or access information on a device\b",
    r"\bconsent to (?:the use of )?(?:cookies|our use)\b",
    r"\bbefore you continue\b",
    # German
    r"\bwir (?:verwenden|nutzen) cookies\b",
    r"\balle (?:akzeptieren|ablehnen|zulassen)\b",
    r"\b(?:akzeptieren|zustimmen) und weiter\b",
    r"\bwir und unsere (?:\d+ )?partner\b",
    r"\b(?:cookie|datenschutz)-?einstellungen\b",
    r"\bihre (?:einwilligung|privatsphäre)\b",
    # French
    r"\bnous utilisons des cookies\b",
    r"\btout (?:accepter|refuser)\b",
    r"\baccepter et (?:continuer|fermer)\b",
    r"\bnous et nos (?:\d+ )?partenaires\b",
    r"\b(?:gérer|paramétrer) (?:mes choix|les cookies|vos préférences)\b",
    r"\bvotre consentement\b",
    # Spanish
    r"\butilizamos cookies\b",
    r"\b(?:aceptar|rechazar) (?:todo|todas|todas las cookies)\b",
    r"\bnosotros y nuestros (?:\d+ )?socios\b",
    r"\bconfiguración de (?:las )?cookies\b",
    r"\bsu consentimiento\b",
    # Italian
    r"\butilizziamo (?:i )?cookie\b",
    r"\b(?:accetta|rifiuta) tutti\b",
    r"\bnoi e i nostri (?:\d+ )?partner\b",
    r"\bil tuo consenso\b",
    # Dutch
    r"\bwij gebruiken cookies\b",
    r"\b(?:alles|alle cookies) (?:accepteren|weigeren)\b",
    r"\bwij en onze (?:\d+ )?partners\b",
    # Portuguese
    r"\butilizamos cookies\b",
    r"\b(?:aceitar|rejeitar) todos\b",
    r"\bnós e os nossos (?:\d+ )?parceiros\b",
    # Polish, Swedish, Danish
    r"\bużywamy (?:plików )?cookie\b",
    r"\bzaakceptuj wszystkie\b",
    r"\bvi använder cookies\b",
    r"\b(?:godkänn|acceptera) alla\b",
    r"\bvi bruger cookies\b",
    r"\b(?:accepter|tillad) alle\b",
)
CONSENT_PLATFORMS = (
    ("onetrust", "OneTrust"),
    ("optanon", "OneTrust"),
    ("cookielaw.org", "OneTrust"),
    ("cookiebot", "Cookiebot"),
    ("didomi", "Didomi"),
    ("privacy-center.org", "Didomi"),
    ("quantcast.mgr.consensu.org", "Quantcast Choice"),
    ("cmp.quantcast.com", "Quantcast Choice"),
    ("qc-cmp2", "Quantcast Choice"),
    ("trustarc", "TrustArc"),
    ("truste.com", "TrustArc"),
    ("usercentrics", "Usercentrics"),
    ("privacy-mgmt.com", "Sourcepoint"),
    ("sp_message", "Sourcepoint"),
    ("consentmanager", "consentmanager"),
    ("fundingchoicesmessages", "Google Funding Choices"),
    ("fc-consent-root", "Google Funding Choices"),
    ("iubenda", "iubenda"),
    ("cookieyes", "CookieYes"),
    ("cky-consent", "CookieYes"),
    ("osano", "Osano"),
    ("borlabs-cookie", "Borlabs"),
    ("__tcfapi", "IAB TCF"),
    ("cookie-law-info", "CookieLawInfo"),
)
# Hosts and paths sites send you to before the page: Google's and Yahoo's consent
# pages, a site's own /consent or /gdpr page.
_CONSENT_URL = re.compile(
    r"//(?:consent|gdpr|guce|privacy)\.[^/]+|/(?:consent|gdpr|cookie-?consent|privacy-gate)(?:[/?-]|$)",
    re.IGNORECASE,
)
# Visible words left on a consent page once its dialog is counted: more than this is an
# article that merely shows a banner.
_CONSENT_MAX_WORDS = 400

GEO_BLOCK = any_of(
    r"\bnot available in your (?:country|region|location|area)\b",
    r"\bunavailable in your (?:country|region|location)\b",
    r"\bnot (?:accessible|available) (?:from|in) (?:your|the european) (?:country|region|union)\b",
    r"\bin den usa nicht verfügbar\b|\bin ihrem land nicht verfügbar\b",
    r"\bpas disponible dans votre (?:pays|région)\b",
)
MAINTENANCE = any_of(
    r"\b(?:site|website|page|service) (?:is )?(?:currently |temporarily )?"
    r"(?:down|under|undergoing) (?:for )?(?:scheduled )?maintenance\b",
    r"\b(?:scheduled|planned) maintenance\b",
    r"\bwe(?:['’]ll| will) be back (?:soon|shortly)\b",
    r"\b(?:temporarily|currently) unavailable\b",
    r"\bback (?:online )?(?:soon|shortly)\b",
    r"\bwartungsarbeiten\b|\ben maintenance\b|\ben mantenimiento\b|\bin manutenzione\b",
)


def consent_wall_cue(facts: PageFacts, final_url: str) -> str | None:
    """A consent interstitial instead of the page: what gave it away, or None."""
    if _CONSENT_URL.search(final_url):
        return f"sent to a consent page {final_url[:100]}"
    if not facts.short or len(facts.text.split()) > _CONSENT_MAX_WORDS:
        return None
    texts = (facts.title, *facts.headings[:3], facts.text[:4000])
    phrases = {m.group(0).lower() for t in texts for m in CONSENT_WORDING.finditer(t)}
    platform = next((name for marker, name in CONSENT_PLATFORMS if marker in facts.markup), None)
    if platform and phrases:
        return f"consent interstitial of {platform} ({sorted(phrases)[0]!r})"
    if len(phrases) >= 2:
        shown = ", ".join(repr(p) for p in sorted(phrases)[:2])
        return f"consent interstitial ({shown})"
    return None


def geo_block_cue(facts: PageFacts) -> str | None:
    if not facts.short:
        return None
    found = first_match(GEO_BLOCK, facts.title, *facts.headings[:2], facts.text[:1000])
    return f"geo block {found!r}" if found else None


def maintenance_cue(facts: PageFacts) -> str | None:
    """A "down for maintenance" page: the site is there, the page will be back."""
    if not facts.short:
        return None
    found = first_match(MAINTENANCE, facts.title, *facts.headings[:2], facts.text[:600])
    return f"maintenance page {found!r}" if found else None
