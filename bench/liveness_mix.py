"""The sources of the liveness benchmark: a realistic mix of healthy and decayed links
on the fake web, each with the truth an editor would state ("dead" or not).

Shares follow what link-rot studies report for news links (about a quarter of deep
links broken, Zittrain et al. 2021), with the failure modes a newsroom actually meets:
404s and 410s, soft-404 templates, deep links sent home, parked domains, refused
connections, plus pages that are alive but hard to read (bot walls, paywalls, login
walls, rate limits, 5xx, timeouts), which a good checker must not call dead.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from fakeweb import FakeWeb
from fakeweb.pages import captcha_page, challenge_page, not_found_template, paywall_page

SITE = "The Daily Test"


@dataclass(frozen=True)
class Source:
    url: str
    category: str
    dead: bool


# category → (share of the sources, dead?)
MIX: dict[str, tuple[float, bool]] = {
    "healthy": (0.49, False),
    "healthy_on_soft404_site": (0.05, False),
    "pdf_or_text": (0.015, False),
    "image": (0.005, False),
    "moved_301": (0.04, False),
    "redirect_302": (0.01, False),
    "not_found_404": (0.10, True),
    "gone_410": (0.02, True),
    "soft_404_template": (0.05, True),
    "soft_404_home_page": (0.02, True),
    "redirect_home": (0.04, True),
    "parked_domain": (0.03, True),
    "refused": (0.02, True),
    "bot_wall_403": (0.03, False),
    "captcha_200": (0.01, False),
    "rate_limited_429": (0.01, False),
    "unavailable_503": (0.02, False),
    "timeout": (0.005, False),
    "reset": (0.005, False),
    "paywall": (0.02, False),
    "login_wall": (0.01, False),
}
# Kinds of site among the hosts (the rest are ordinary news sites).
SITE_SHARES = {"soft404": 0.08, "catchall": 0.04, "redirecthome": 0.05, "parked": 0.03}


def host_kinds(hosts: list[str]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    position = 0
    for kind, share in SITE_SHARES.items():
        for _ in range(max(1, round(share * len(hosts))) if len(hosts) >= 10 else 0):
            kinds[hosts[position]] = kind
            position += 1
    for host in hosts[position:]:
        kinds[host] = "news"
    return kinds


def build_mix(web: FakeWeb, hosts: list[str], refused_host: str, total: int) -> list[Source]:
    """Register the hosts on `web`, put the pages each source needs, return the sources."""
    kinds = host_kinds(hosts)
    for host, kind in kinds.items():
        web.add_host(host, kind)
    by_kind: dict[str, list[str]] = {}
    for host, kind in kinds.items():
        by_kind.setdefault(kind, []).append(host)
    rng = random.Random(2024)
    sources: list[Source] = []
    counts = {c: round(share * total) for c, (share, _) in MIX.items()}
    counts["healthy"] += total - sum(counts.values())
    for number, (category, count) in enumerate(counts.items()):
        dead = MIX[category][1]
        for i in range(count):
            # Each category starts on another host: failures spread over the sites.
            url = _make(web, category, i, number * 13, by_kind, refused_host)
            sources.append(Source(url, category, dead))
    assert len({s.url for s in sources}) == len(sources), "every source URL must be unique"
    rng.shuffle(sources)
    return sources


def _make(
    web: FakeWeb,
    category: str,
    i: int,
    offset: int,
    by_kind: dict[str, list[str]],
    refused_host: str,
) -> str:
    news = by_kind["news"]
    host = news[(i + offset) % len(news)]
    article = web.articles[(i * 7 + i // len(news)) % len(web.articles)]
    if "wsj.com" in article.original_url:  # saved as paywall teasers: not "healthy"
        article = web.redirect_target
    path = f"/{category.replace('_', '-')}/{i}.html"

    def put(body: bytes | str = b"", status: int = 200, **headers: str) -> str:
        web.set_page(host, path, body, status=status, headers=headers)
        return web.url(host, path)

    if category == "healthy":
        return web.url(news[i % len(news)], _unique_article(web, i, len(news)))
    if category == "healthy_on_soft404_site":
        other = [h for k in ("soft404", "catchall", "redirecthome") for h in by_kind.get(k, [])]
        other = other or [host]
        return web.url(other[i % len(other)], _unique_article(web, i, len(other)))
    if category == "pdf_or_text":
        return web.url(host, f"/report.pdf?v={i}" if i % 2 else f"/notes.txt?v={i}")
    if category == "image":
        return web.url(host, f"/image.png?v={i}")
    if category == "moved_301":
        return put(status=301, Location=article.path)
    if category == "redirect_302":
        return put(status=302, Location=article.path)
    if category == "not_found_404":
        return web.url(host, f"/2019/{i:04d}/removed-story-{i}.html")
    if category == "gone_410":
        return put(not_found_template(SITE, path), status=410)
    if category == "soft_404_template":
        return _on(web, by_kind, "soft404", host, f"/2020/05/deleted-{i}.html")
    if category == "soft_404_home_page":
        return _on(web, by_kind, "catchall", host, f"/2020/06/retracted-{i}.html")
    if category == "redirect_home":
        if i % 3 == 0:
            return put(status=301, Location="/")
        return _on(web, by_kind, "redirecthome", host, f"/archive/{i}/old-story.html")
    if category == "parked_domain":
        return _on(web, by_kind, "parked", host, f"/news/{i}/story.html")
    if category == "refused":
        return f"http://{refused_host}:{web.port}/{i}/story.html"
    if category == "bot_wall_403":
        return put(challenge_page(), status=403, **{"cf-mitigated": "challenge"})
    if category == "captcha_200":
        return put(captcha_page())
    if category == "rate_limited_429":
        return put("<h1>Too many requests</h1>", status=429, **{"Retry-After": "3600"})
    if category == "unavailable_503":
        return put("<h1>Service unavailable</h1>", status=503)
    if category == "timeout":
        return web.url(host, f"/hang?{i}")
    if category == "reset":
        return web.url(host, f"/close-mid-body?{i}")
    if category == "paywall":
        return put(paywall_page(SITE, article))
    if category == "login_wall":
        return put(status=302, Location=f"/login?next={path}")
    raise ValueError(f"unknown category {category}")


def _unique_article(web: FakeWeb, i: int, hosts: int) -> str:
    usable = [a for a in web.articles if "wsj.com" not in a.original_url]
    return usable[(i // hosts) % len(usable)].path


def _on(web: FakeWeb, by_kind: dict[str, list[str]], kind: str, fallback: str, path: str) -> str:
    hosts = by_kind.get(kind) or [fallback]
    return web.url(hosts[zlib.crc32(path.encode()) % len(hosts)], path)
