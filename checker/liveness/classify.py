"""Is the source still there? FetchResult (+ the host's answer to a random path) → Liveness.

Pure. Conservative by design: a false "dead" costs an editor's trust, so only what a
reader would also call gone is DEAD (404, 410, no such host, refused, broken TLS, a
"not found" page that answers 200, a parked domain, a deep link sent to the home
page). Being refused (401/403/429, bot walls, logins, paywalls, robots.txt) is
BLOCKED: we cannot verify, the page may be fine. Timeouts, resets and 5xx are
TRANSIENT until they persist (the verdict counts failures over time).

Soft 404s are found the way the literature does (Bar-Yossef et al., "Sic transit
gloria telae", WWW 2004): a page that looks like the host's answer to a path that
cannot exist is that host's "not found" template; text cues ("Page not found" in
the title or heading of a short page) catch the rest.
"""

from __future__ import annotations

import re
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from checker.liveness import cues
from checker.model import CHECKABLE_TYPES, FetchErrorKind, FetchResult, Liveness, LivenessState
from checker.text import words

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
_BLOCKED_STATUS = {401: "auth_required", 403: "forbidden", 407: "proxy_auth", 429: "rate_limited"}
_BLOCKED_STATUS[451] = "legal"
# Similarity to the host's answer for a random path at which a page is that answer;
# a lower bar applies to pages without article-length text.
SAME_AS_PROBE = 0.95
SAME_AS_PROBE_SHORT = 0.85
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ref", "smid", "ocid")
_HOME_PATHS = frozenset(
    {"", "/index.html", "/index.htm", "/index.php", "/index.asp", "/default.aspx", "/home"}
)
_GENERIC_SECTIONS = frozenset(
    (
        *("news", "politics", "world", "business", "sport", "sports", "tech", "technology"),
        *("science", "health", "opinion", "culture", "entertainment", "lifestyle", "video"),
        *("videos", "blog", "articles", "stories", "archive", "archives", "search", "latest"),
        *("local", "national", "us", "uk", "europe"),
    )
)
_LANGUAGE_ROOT = re.compile(r"/[a-zA-Z]{2}(?:[-_][a-zA-Z]{2})?")
_LISTING_PREFIXES = ("/category/", "/categories/", "/tag/", "/tags/", "/topics/", "/topic/")


def classify(result: FetchResult, *, probe: FetchResult | None = None) -> Liveness:
    """The liveness of one fetch; `probe` is the host's answer to a random sibling path."""
    detail = _detail(result)
    if result.not_modified:
        return Liveness(ALIVE, "not_modified", detail)
    if result.error is not None and result.error is not FetchErrorKind.TOO_LARGE:
        state, reason = _ERRORS[result.error]
        return Liveness(state, reason, detail)
    status = result.status
    if status is None:
        return Liveness(TRANSIENT, "no_answer", detail)
    if 200 <= status < 300:
        return _judge_page(result, probe, detail)
    if status == 404:
        return Liveness(DEAD, "not_found", detail)
    if status == 410:
        return Liveness(DEAD, "gone", detail)
    facts = cues.page_facts(result.body, result.content_type, result.charset)
    wall = cues.bot_wall_cue(facts, result.headers)
    if wall and status in (403, 429, 503, 400, 406):
        return Liveness(BLOCKED, "bot_wall", {**detail, "cue": wall})
    if status in _BLOCKED_STATUS:
        return Liveness(BLOCKED, _BLOCKED_STATUS[status], detail)
    return Liveness(TRANSIENT, f"http_{status}", detail)


def _judge_page(result: FetchResult, probe: FetchResult | None, detail: dict[str, Any]) -> Liveness:
    if result.content_type and result.content_type not in CHECKABLE_TYPES:
        return Liveness(LivenessState.UNCHECKABLE, "content_type", detail)
    if not result.body.strip() and not result.truncated:
        return Liveness(TRANSIENT, "empty_body", detail)
    facts = cues.page_facts(result.body, result.content_type, result.charset)
    original, final = urlsplit(result.url), urlsplit(result.final_url)

    checks = (
        (DEAD, "parked", cues.parked_cue(facts)),
        (BLOCKED, "bot_wall", cues.bot_wall_cue(facts, result.headers)),
        (BLOCKED, "access_wall", cues.access_wall_cue(facts, result.final_url)),
        (BLOCKED, "login_wall", cues.login_wall_cue(facts, final.path, original.path)),
        (DEAD, "redirect_home", _redirected_home(result)),
    )
    for state, reason, cue in checks:
        if cue:
            return Liveness(state, reason, {**detail, "cue": cue})
    cue = cues.soft_404_cue(facts)
    if cue:
        return Liveness(DEAD, "soft_404", {**detail, "cue": cue})
    same_as_probe, comparison = _compare_with_probe(result, facts, probe)
    detail |= comparison
    if same_as_probe:
        return Liveness(DEAD, "soft_404", detail)
    paywall = cues.paywall_cue(facts)
    if _moved_permanently(result):  # the editor should update the link, walled or not
        walled = {"paywall": paywall} if paywall else {}
        return Liveness(MOVED, "moved", {**detail, "new_url": result.final_url, **walled})
    if paywall:
        return Liveness(BLOCKED, "paywall", {**detail, "cue": paywall})
    return Liveness(ALIVE, "", detail)


def _compare_with_probe(
    result: FetchResult, facts: cues.PageFacts, probe: FetchResult | None
) -> tuple[bool, dict[str, Any]]:
    """Is this page the host's answer to a path that cannot exist? (and the evidence)"""
    if probe is None or probe.error is not None or probe.status is None:
        return False, {}
    if not 200 <= probe.status < 300:
        return False, {"probe_status": probe.status}  # real errors for missing pages
    same_target = _identity(probe.final_url) == _identity(result.final_url)
    if result.redirects and probe.redirects and same_target:
        cue = "redirected where a random path is redirected"
        return True, {"cue": cue, "probe_url": probe.url}
    probe_facts = cues.page_facts(probe.body, probe.content_type, probe.charset)
    ignore = frozenset(words(urlsplit(result.url).path + " " + urlsplit(probe.url).path))
    score = round(cues.similarity(facts, probe_facts, ignore=ignore), 3)
    evidence: dict[str, Any] = {"probe_status": probe.status, "probe_similarity": score}
    if score >= (SAME_AS_PROBE_SHORT if facts.short else SAME_AS_PROBE):
        cue = "same page as the host's answer to a random path"
        return True, {**evidence, "cue": cue, "probe_url": probe.url}
    return False, evidence


def _redirected_home(result: FetchResult) -> str | None:
    """A deep link that now lands on a site root or a generic section page."""
    if not result.redirects:
        return None
    original, final = urlsplit(result.url), urlsplit(result.final_url)
    start, end = _clean_path(original.path), _clean_path(final.path)
    if _is_home(start) or _identity(result.url) == _identity(result.final_url):
        return None
    if _is_home(end) and not _query_items(final.query):
        return f"redirected to the home page {result.final_url[:120]}"
    same_site = _site(original.hostname) == _site(final.hostname)
    ancestor = same_site and start.startswith(end + "/") and end.count("/") <= 2
    segments = [s for s in end.split("/") if s]
    generic = len(segments) == 1 and segments[0].lower() in _GENERIC_SECTIONS
    listing = (end + "/").lower().startswith(_LISTING_PREFIXES)
    if ancestor or generic or listing:
        return f"redirected to the section page {result.final_url[:120]}"
    return None


def _moved_permanently(result: FetchResult) -> bool:
    """Some permanent hop (301/308) changed which resource we are looking at."""
    start, end = urlsplit(result.url).path, urlsplit(result.final_url).path
    if _is_home(_clean_path(start)) and _is_home(_clean_path(end)):
        return False  # a home page choosing a language or an index file
    for hop in result.redirects:
        if hop.status in (301, 308) and _identity(hop.url) != _identity(hop.location):
            return _identity(result.url) != _identity(result.final_url)
    return False


def _identity(url: str) -> tuple[str, str, str]:
    """What stays the same when a site only canonicalizes a URL: scheme, www., a trailing
    slash, an index file, tracking parameters and the fragment do not count."""
    parts = urlsplit(url)
    query = urlencode(sorted(_query_items(parts.query)))
    return _site(parts.hostname), _clean_path(parts.path).lower(), query


def _query_items(query: str) -> list[tuple[str, str]]:
    items = parse_qsl(query, keep_blank_values=True)
    return [(k, v) for k, v in items if not k.lower().startswith(_TRACKING)]


def _site(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    for prefix in ("www.", "m."):  # the same site on another front door
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _clean_path(path: str) -> str:
    path = path.rstrip("/")
    for index in ("/index.html", "/index.htm", "/index.php"):
        if path.lower().endswith(index):
            path = path[: -len(index)]
    return path


def _is_home(path: str) -> bool:
    # A bare language root ("/en", "/de-at") is a home page too.
    return path.lower() in _HOME_PATHS or _LANGUAGE_ROOT.fullmatch(path) is not None


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
