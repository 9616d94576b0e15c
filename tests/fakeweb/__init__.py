"""A local fake web for tests and benchmarks: real news pages and every way a source fails.

One aiohttp server on loopback answers for many host names (routed by the Host
header). Inject `web.resolver()` into the code under test and URLs look like real
sites: ``http://news.test:PORT/2019/11/18/business/trump-trade-war-china.html``.

Use it::

    async with FakeWeb() as web:                       # or the `fake_web` fixture
        fetcher = Fetcher(settings, resolver=web.resolver())
        url = web.article_url(web.articles[0])          # a real page, 200
        web.remove(FakeWeb.NEWS, web.articles[0].path)  # ... now it 404s
        web.replace_text(FakeWeb.NEWS, path, "grew", "fell")   # ... now it says otherwise
        web.set_page(FakeWeb.NEWS, "/x.html", "<p>hi</p>", status=200, headers={...})
        # set_page / remove / restore match the path and query exactly as requested
        web.hits(FakeWeb.NEWS, "/x.html"); web.visits_to(FakeWeb.NEWS)  # what the server saw

`web.articles` are the 60 real pages of shared/data/news-pages (empty when the data is
missing: the `articles` fixture skips then), each with `.path`, `.html`, `.text`
(ground-truth body), `.title`, `.paragraphs`. Two of them (wsj.com) were saved as
paywall teasers; `web.redirect_target` is the first article that is not, and is where
the catalogue's redirects lead. Pages carry ETag and Last-Modified and answer 304 to
matching conditional requests; bodies over 1 KiB are gzip-compressed when accepted.

Observing: `web.visits` (host, path, started, finished, status, request headers, in
server loop time), `web.hits(host, path)`, `web.in_flight[host]`,
`web.max_in_flight[host]`, and `await web.wait_until(condition)` /
`await web.wait_for_requests(host, n)` to wait for the server side without sleeping.

Hosts (all on 127.0.0.1 through the resolver):
- news.test: the articles at their original paths; a real 404 for anything else; and
  the catalogue: ``/`` home, ``/politics/`` section, ``/robots.txt`` (disallows
  ``/private/``), ``/private/report.html``, ``/gone.html`` 410, ``/moved.html`` 301 to
  an article, ``/temporary.html`` 302 to it, ``/old/section/story.html`` 301 to ``/``,
  ``/section-redirect.html`` 301 to ``/politics/``, ``/loop/a`` ↔ ``/loop/b``,
  ``/chain/N`` (N redirects, then an article), ``/status/CODE[?retry_after=S]``,
  ``/flaky/CODE[?retry_after=S]`` (CODE once, then an article), ``/auth/401``,
  ``/forbidden`` 403, ``/cookie-wall`` (302 to itself with
  Set-Cookie, then the article), ``/challenge`` (403 "Just a moment..." bot wall), ``/captcha`` (200
  CAPTCHA), ``/members/...`` (302 to ``/login``), ``/login``, ``/paywall/N.html``
  (article N cut at "Subscribe to continue reading"), ``/slow-drip`` (a byte every
  50 ms, forever), ``/hang`` (never answers), ``/held/NAME`` (answers once
  `release_held()` is called), ``/close-mid-body``, ``/close-before-headers``,
  ``/bomb.html`` (1 GiB gzip bomb), ``/huge.html`` (1 GiB body), ``/image.png``,
  ``/archive.zip``, ``/report.pdf`` (a real PDF), ``/notes.txt``, ``/page.xhtml``,
  ``/latin1.html`` (charset only in a <meta>).
- soft404.test: the articles; any other path answers 200 with a "Page not found" template.
- catchall.test: the articles; any other path answers 200 with the home page.
- redirecthome.test: the articles; any other path is 301 to ``/``.
- parked.test: every path is a domain-parking page ("This domain may be for sale").
- botwall.test: every path is a 403 challenge page (with ``cf-mitigated: challenge``).
- archive.test: a Wayback availability API at ``/wayback/available``; put captures in
  ``web.archive_snapshots[url] = [("20190101000000", "200"), ...]``. And a web archive
  (tests/fakeweb/wayback.py): a CDX API at ``/cdx/search/cdx``, replay at
  ``/web/<stamp>[id_]/<url>`` and a Memento TimeMap at ``/timemap/link/<url>``, from
  ``web.wayback[url] = {"20190101000000": html_bytes, ...}`` and
  ``web.mementos[url] = [(any_uri, stamp), ...]``.
- nxdomain.test does not resolve; refused.test resolves to a port where nothing listens.

`web.add_host("127.0.0.7", "soft404")` serves another name (or loopback address, for
tools that cannot take a resolver: start with ``start(addresses=(...))``) as a site of
that kind; `web.add_site(name, answer)` serves a host with a function of the path
(a `Page`, or None for 404), for sites with a behaviour of their own. `latency_s`
delays every answer, like a network would.
"""

from .pages import NewsArticle, image_only_pdf, news_articles, news_available, tiny_pdf
from .resolver import FakeResolver
from .server import FakeWeb, Page, Visit

__all__ = [
    "FakeResolver",
    "FakeWeb",
    "NewsArticle",
    "Page",
    "Visit",
    "image_only_pdf",
    "news_articles",
    "news_available",
    "tiny_pdf",
]
