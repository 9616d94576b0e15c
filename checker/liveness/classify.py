"""Is the source still there? FetchResult (+ the host's answer to a random path) → Liveness.

Pure. Conservative by design: a false "dead" costs an editor's trust, so only what a
reader would also call gone is DEAD (404, 410, no such host, refused, broken TLS, a
"not found" page that answers 200, a parked domain, a deep link sent to the home
page). Being refused (401/403/429, bot walls, logins, paywalls, robots.txt) is
BLOCKED: we cannot verify, the page may be fine. Timeouts, resets and 5xx are
TRANSIENT until they persist (the verdict counts failures over time).

Walls are told by content: a consent interstitial, a bot challenge, a login page, a geo
block or a maintenance page stands in front of the source (BLOCKED or TRANSIENT), and is
never mistaken for a dead page, whatever the random-path probe answers (see `probe`).
Soft 404s are the host's answer to a path that cannot exist (`probe`), or a short page
that says "not found" (`cues`). Every decision carries its `cue` in the detail: what
fired, in words an editor can check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from checker.liveness import cues, interstitials
from checker.liveness.facts import PageFacts, page_facts
from checker.liveness.paths import (
    GENERIC_SECTIONS,
    LISTING_PREFIXES,
    clean_path,
    identity,
    is_home,
    query_items,
    site,
)
from checker.liveness.probe import compare_with_probe
from checker.model import CHECKABLE_TYPES, FetchErrorKind, FetchResult, Liveness, LivenessState

DEAD, ALIVE, BLOCKED = LivenessState.DEAD, LivenessState.ALIVE, LivenessState.BLOCKED
MOVED, TRANSIENT = LivenessState.MOVED, LivenessState.TRANSIENT

_ERRORS: dict[FetchErrorKind, tuple[LivenessState, str]] = {
    FetchErrorKind.DNS: (DEAD, "dns"),
    FetchErrorKind.REFUSED: (DEAD, "refused"),
    FetchErrorKind.TLS: (DEAD, "tls"),
    FetchErrorKind.TOO_MANY_REDIRECTS: (DEAD, "too_many_redirects"),
    FetchErrorKind.REDIRECT_LOOP: (DEAD, "redirect_loop"),
    FetchErrorKind.BAD_URL: (DEAD, "bad_url"),
    FetchErrorKind.TIMEOUT: (TRANSIENT, "timeout"),
    FetchErrorKind.RESET: (TRANSIENT, "reset"),
    FetchErrorKind.PROTOCOL: (TRANSIENT, "protocol"),
    FetchErrorKind.ROBOTS: (BLOCKED, "robots"),
    FetchErrorKind.FORBIDDEN_ADDRESS: (BLOCKED, "forbidden_address"),
}
_BLOCKED_STATUS = {
    401: ("auth_required", "the site asks for a login (HTTP 401)"),
    403: ("forbidden", "the site refuses us (HTTP 403)"),
    407: ("proxy_auth", "a proxy asks for a login (HTTP 407)"),
    429: ("rate_limited", "rate limited (HTTP 429)"),
    451: ("legal", "unavailable for legal reasons (HTTP 451)"),
}
_CHALLENGE_STATUSES = (400, 403, 406, 429, 503)
PRIVATE_HINT = "; to check sources on private networks set [fetch] allow_private_networks = true"


def classify(
    result: FetchResult, *, probe: FetchResult | None = None, facts: PageFacts | None = None
) -> Liveness:
    """The liveness of one fetch; `probe` is the host's answer to a random sibling path.

    `facts` are the body's facts when the caller has parsed it already (the extraction
    worker reads cues and main text from one parse); else the body is parsed here."""
    detail = _detail(result)
    if result.not_modified:
        if _moved_permanently(result):  # the text we had, now at another address
            cue = f"permanently redirected to {result.final_url[:120]}"
            return Liveness(MOVED, "moved", detail | {"new_url": result.final_url, "cue": cue})
        return Liveness(ALIVE, "not_modified", detail)
    if result.error is not None and result.error is not FetchErrorKind.TOO_LARGE:
        state, reason = _ERRORS[result.error]
        cue = result.error_message or reason
        if result.error is FetchErrorKind.FORBIDDEN_ADDRESS:
            cue += PRIVATE_HINT
        return Liveness(state, reason, detail | {"cue": cue})
    status = result.status
    if status is None:
        return Liveness(TRANSIENT, "no_answer", detail | {"cue": "no answer"})
    if 200 <= status < 300:
        return _judge_page(result, probe, detail, facts)
    if status == 404:
        return Liveness(DEAD, "not_found", detail | {"cue": "HTTP 404 Not Found"})
    if status == 410:
        return Liveness(DEAD, "gone", detail | {"cue": "HTTP 410 Gone"})
    if facts is None:
        facts = page_facts(result.body, result.content_type, result.charset)
    wall = cues.bot_wall_cue(facts, result.headers)
    if wall and status in _CHALLENGE_STATUSES:
        return Liveness(BLOCKED, "bot_wall", detail | {"cue": wall})
    if status in _BLOCKED_STATUS:
        reason, cue = _BLOCKED_STATUS[status]
        return Liveness(BLOCKED, reason, detail | {"cue": cue})
    maintenance = interstitials.maintenance_cue(facts) if status >= 500 else None
    if maintenance:
        return Liveness(TRANSIENT, "maintenance", detail | {"cue": maintenance})
    return Liveness(TRANSIENT, f"http_{status}", detail | {"cue": f"HTTP {status}"})


def _judge_page(
    result: FetchResult,
    probe: FetchResult | None,
    detail: dict[str, Any],
    facts: PageFacts | None,
) -> Liveness:
    if result.content_type and result.content_type not in CHECKABLE_TYPES:
        cue = f"content type {result.content_type} is not text we can read"
        return Liveness(LivenessState.UNCHECKABLE, "content_type", detail | {"cue": cue})
    if not result.body.strip() and not result.truncated:
        return Liveness(TRANSIENT, "empty_body", detail | {"cue": "empty answer"})
    if facts is None:
        facts = page_facts(result.body, result.content_type, result.charset)
    original, final = urlsplit(result.url), urlsplit(result.final_url)

    # Walls first: they stand in front of every path, the probe's included.
    checks: tuple[tuple[LivenessState, str, Callable[[], str | None]], ...] = (
        (DEAD, "parked", lambda: cues.parked_cue(facts)),
        (BLOCKED, "bot_wall", lambda: cues.bot_wall_cue(facts, result.headers)),
        (BLOCKED, "rate_limited", lambda: cues.rate_limit_cue(facts)),
        (BLOCKED, "consent_wall", lambda: interstitials.consent_wall_cue(facts, result.final_url)),
        (BLOCKED, "geo_block", lambda: interstitials.geo_block_cue(facts)),
        (BLOCKED, "login_wall", lambda: cues.login_wall_cue(facts, final.path, original.path)),
        (TRANSIENT, "maintenance", lambda: interstitials.maintenance_cue(facts)),
        (ALIVE, "script_shell", lambda: cues.script_shell_cue(facts)),
        (DEAD, "redirect_home", lambda: _redirected_home(result)),
        (DEAD, "soft_404", lambda: cues.soft_404_cue(facts)),
    )
    for state, reason, cue_of in checks:
        found = cue_of()
        if found:
            return Liveness(state, reason, detail | {"cue": found})
    same_as_probe, comparison = compare_with_probe(result, facts, probe)
    detail |= comparison
    if same_as_probe:
        return Liveness(DEAD, "soft_404", detail)
    paywall = cues.paywall_cue(facts)
    if _moved_permanently(result):  # the editor should update the link, walled or not
        walled = {"paywall": paywall} if paywall else {}
        cue = f"permanently redirected to {result.final_url[:120]}"
        return Liveness(
            MOVED, "moved", detail | {"new_url": result.final_url, "cue": cue, **walled}
        )
    if paywall:
        return Liveness(BLOCKED, "paywall", detail | {"cue": paywall})
    return Liveness(ALIVE, "", detail)


def _redirected_home(result: FetchResult) -> str | None:
    """A deep link that now lands on a site root or a generic section page."""
    if not result.redirects:
        return None
    original, final = urlsplit(result.url), urlsplit(result.final_url)
    start, end = clean_path(original.path), clean_path(final.path)
    if is_home(start) or identity(result.url) == identity(result.final_url):
        return None
    if is_home(end) and not query_items(final.query):
        return f"redirected to the home page {result.final_url[:120]}"
    same_site = site(original.hostname) == site(final.hostname)
    ancestor = same_site and start.startswith(end + "/") and end.count("/") <= 2
    segments = [s for s in end.split("/") if s]
    generic = len(segments) == 1 and segments[0].lower() in GENERIC_SECTIONS
    listing = (end + "/").lower().startswith(LISTING_PREFIXES)
    if ancestor or generic or listing:
        return f"redirected to the section page {result.final_url[:120]}"
    return None


def _moved_permanently(result: FetchResult) -> bool:
    """Some permanent hop (301/308) changed which resource we are looking at."""
    start, end = urlsplit(result.url).path, urlsplit(result.final_url).path
    if is_home(clean_path(start)) and is_home(clean_path(end)):
        return False  # a home page choosing a language or an index file
    for hop in result.redirects:
        if hop.status in (301, 308) and identity(hop.url) != identity(hop.location):
            return identity(result.url) != identity(result.final_url)
    return False


def _detail(result: FetchResult) -> dict[str, Any]:
    """What an editor needs to see: the answer, where it ended, how it got there."""
    detail: dict[str, Any] = {"status": result.status}
    if result.final_url != result.url:
        detail["final_url"] = result.final_url
    if result.redirects:
        detail["redirects"] = [f"{h.status} {h.url} -> {h.location}" for h in result.redirects]
    if result.content_type:
        detail["content_type"] = result.content_type
    if result.error is not None:
        detail["error"] = result.error.value
    if result.error_message:
        detail["error_message"] = result.error_message
    if result.truncated:
        detail["truncated"] = True
    retry_after = _retry_after_s(result.headers)
    if retry_after is not None:
        detail["retry_after_s"] = retry_after
    return detail


def _retry_after_s(headers: dict[str, str]) -> float | None:
    """Retry-After in seconds; an HTTP-date counts from the response's own Date header."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    if not value or "date" not in headers:
        return None
    try:
        when, now = parsedate_to_datetime(value), parsedate_to_datetime(headers["date"])
    except (TypeError, ValueError, IndexError):
        return None
    when, now = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (when, now))
    return max(0.0, (when - now).total_seconds())
