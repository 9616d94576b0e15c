"""Is this page the host's answer to a path that cannot exist? (the soft-404 probe)

Pure. The fetcher asks the host for a random path shaped like the page's own, with every
id-like segment random too, so that a site routing articles by id ("/article/99123/
any-words") answers the probe with its "not found" page, not with the article. The
answer is compared with the page:

- a probe that answered 4xx/5xx tells nothing about this page (the host has real errors);
- a probe that met a wall (consent, bot challenge, login, maintenance) tells nothing
  either: the same wall in front of every path is not a "not found" template;
- a page whose canonical URL is a deep link, and the same as the probe's, is one article
  the host serves under any slug: alive, not a template;
- every slug redirected to one article URL is canonicalization, not a soft 404;
- otherwise a page whose visible text is nearly the probe's is the host's template.

Soft 404s found this way follow Bar-Yossef et al., "Sic transit gloria telae" (WWW 2004).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from checker.liveness import cues, interstitials
from checker.liveness.facts import PageFacts, page_facts, similarity
from checker.liveness.paths import identity, is_home_or_listing
from checker.model import FetchResult
from checker.text import words

# Similarity to the host's answer for a random path at which a page is that answer;
# a lower bar applies to pages without article-length text.
SAME_AS_PROBE = 0.95
SAME_AS_PROBE_SHORT = 0.85


def compare_with_probe(
    result: FetchResult, facts: PageFacts, probe: FetchResult | None
) -> tuple[bool, dict[str, Any]]:
    """(is the page the host's answer to a random path, what the comparison found)."""
    if probe is None or probe.error is not None or probe.status is None:
        return False, {}
    seen: dict[str, Any] = {"probe_url": probe.url, "probe_status": probe.status}
    if not 200 <= probe.status < 300:
        return False, seen | {"probe_cue": f"probe at {_path(probe.url)} answered {probe.status}"}
    probe_facts = page_facts(probe.body, probe.content_type, probe.charset)
    wall = _wall(probe_facts, probe)
    if wall:
        return False, seen | {"probe_cue": f"probe met the same wall: {wall}"}
    mine, theirs = _canonical(facts, result), _canonical(probe_facts, probe)
    if mine and theirs and identity(mine) == identity(theirs) and not is_home_or_listing(mine):
        cue = f"the host serves this article at any path (canonical {mine[:120]})"
        return False, seen | {"probe_cue": cue}
    same_target = identity(probe.final_url) == identity(result.final_url)
    if result.redirects and probe.redirects and same_target:
        if facts.short or is_home_or_listing(result.final_url):
            cue = "redirected where a random path is redirected"
            return True, seen | {"cue": cue}
        cue = f"every slug is redirected to one article ({_path(result.final_url)})"
        return False, seen | {"probe_cue": cue}
    ignore = frozenset(words(urlsplit(result.url).path + " " + urlsplit(probe.url).path))
    score = round(similarity(facts, probe_facts, ignore=ignore), 3)
    seen["probe_similarity"] = score
    if score >= (SAME_AS_PROBE_SHORT if facts.short else SAME_AS_PROBE):
        cue = f"same page as the host's answer to a random path ({_path(probe.url)})"
        return True, seen | {"cue": cue}
    return False, seen


def _wall(facts: PageFacts, probe: FetchResult) -> str | None:
    return (
        interstitials.consent_wall_cue(facts, probe.final_url)
        or cues.bot_wall_cue(facts, probe.headers)
        or interstitials.geo_block_cue(facts)
        or interstitials.maintenance_cue(facts)
        or cues.login_wall_cue(facts, urlsplit(probe.final_url).path, urlsplit(probe.url).path)
    )


def _canonical(facts: PageFacts, result: FetchResult) -> str:
    if not facts.canonical:
        return ""
    url = urljoin(result.final_url, facts.canonical)
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _path(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if len(path) <= 80 else path[:79] + "…"
