"""How real sites behave, as a catalogue: each behaviour is a site serving a real news page.

A behaviour answers every request its host gets (the article, a redirect target, the
liveness probe's random path) as a function of the check number: check 0 sees the
healthy article and anchors the evidence; checks 1, 2, 3 (two hours apart, enough to
confirm a failure) see what the site does next. `expect` is the exact set of flags
(kind, severity) that must ever open for the citation; empty means it must stay quiet.

The behaviours are the ones real sites show and link checkers are known to get wrong:
rate limits that lift, legal blocks, login redirects, bot challenges, consent walls in
front of every path, server errors and timeouts that pass, paywall teasers, sites that
route articles by id and ignore the slug, soft 404s, redirects home, to the same article
or to another one, and the edits newsrooms make (figures rewritten, sentences cut).
Used by tests/test_behaviours.py and bench/bench_behaviours.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import mutations
from fakeweb import Page
from real_pages import NewsPage

Answer = Callable[["Case", int, str], Page | None]  # (case, check number, path) → answer


@dataclass(frozen=True)
class Case:
    """One real page behind one behaviour: where it lives and what it cites."""

    page: NewsPage
    evidence: str  # the cited sentence, as a reader sees it
    host: str
    path: str  # where the article lives (and the citation points)
    index: int  # the case's number within its behaviour: varies wording between cases
    behaviour: Behaviour
    port: int  # where the fake web listens (redirects to another host need it)

    @property
    def article(self) -> Page:
        return Page(self.page.html)

    def edited(self, mutate: Callable[[bytes, str], bytes]) -> Page:
        return Page(mutate(self.page.html, self.evidence))


@dataclass(frozen=True)
class Behaviour:
    name: str
    answer: Answer
    expect: AbstractSet[tuple[str, str]] = frozenset()
    path_style: str = "dated"  # "dated" /2024/05/<slug>.html, "id" /article/<id>/<slug>, "short"
    mutation: Callable[[bytes, str], bytes] | None = None  # must apply to the chosen evidence

    def __post_init__(self) -> None:
        object.__setattr__(self, "expect", frozenset(self.expect))

    @property
    def quiet(self) -> bool:
        return not self.expect


# --------------------------------------------------------------------------- pages


def html(title: str, body: str, head: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
        "<header><a href='/'>The Daily</a> <a href='/news/'>News</a></header>"
        f"<main>{body}</main><footer><p>© The Daily</p></footer></body></html>"
    ).encode()


CONSENT = (
    html(
        "Before you continue",
        "<div id='onetrust-consent-sdk'><h2>We value your privacy</h2><p>We and our 842 "
        "partners store and/or access information on a device, such as cookies, and "
        "process personal data for personalised ads and content.</p>"
        "<button>Accept all</button><button>Reject all</button>"
        "<a href='/privacy'>Manage preferences</a></div>",
        "<script src='https://cdn.cookielaw.org/scripttemplates/otSDKStub.js'></script>",
    ),
    html(
        "Datenschutz",
        "<div id='didomi-host'><h2>Wir verwenden Cookies</h2><p>Wir und unsere 215 Partner "
        "speichern Informationen auf Ihrem Gerät. Mit Ihrer Einwilligung verarbeiten wir "
        "Ihre Daten.</p><button>Alle akzeptieren</button><button>Einstellungen</button></div>",
        "<script src='https://sdk.privacy-center.org/loader.js'></script>",
    ),
)
LOGIN = html(
    "Sign in | The Daily",
    "<h1>Sign in</h1><form method='post'><input type='email' name='email'>"
    "<input type='password' name='password'><button>Log in</button></form>",
)
REMOVED_NOTICE = html(
    "Content unavailable | The Daily",
    "<h1>This article is no longer available</h1><p>The content you requested has been "
    "removed. Return to the home page.</p>",
)
CAPTCHA = html(
    "Security check",
    "<h1>Please verify you are a human</h1><div class='g-recaptcha' data-sitekey='x'></div>"
    "<script src='https://www.google.com/recaptcha/api.js'></script>",
)
TOO_MANY = html(
    "Too Many Requests",
    "<h1>Too Many Requests</h1><p>You have sent too many requests in a given amount of "
    "time. Please try again later.</p>",
)
ACCESS_DENIED = html(
    "Access Denied",
    "<h1>Access Denied</h1><p>You don't have permission to access this page on this "
    "server.</p><p>Reference #18.2f3c1402.1733150000.5a1b2c3</p>",
)
JS_REQUIRED = html(
    "The Daily",
    "<noscript><p>Please enable JavaScript to view this page.</p></noscript>"
    "<div id='root'></div><script src='/static/app.js'></script>",
)
ERROR_200 = html(
    "The Daily",
    "<h1>Something went wrong</h1><p>An unexpected error occurred. Our team has been "
    "notified. Please refresh the page.</p>",
)
CHALLENGE = html(
    "Just a moment...",
    "<h1>Checking your browser before accessing the site.</h1>"
    "<noscript>Enable JavaScript and cookies to continue</noscript>",
)
GEO = html(
    "Unavailable",
    "<h1>Sorry</h1><p>This content is not available in your region.</p>",
)
MAINTENANCE = html(
    "Maintenance",
    "<h1>We'll be back soon</h1><p>The site is currently down for maintenance.</p>",
)
PARKED = html(
    "thedaily-news.com",
    "<h1>This domain may be for sale</h1><p>Buy this domain. Related searches: "
    "news, newspaper, daily news.</p>",
)
NOT_FOUND = html(
    "Page not found | The Daily",
    "<h1>Sorry, we couldn't find that page</h1><p>Try searching or go to the home page.</p>",
)
HOME = html(
    "The Daily | News, sport and opinion",
    "".join(
        f"<article><h2><a href='/2024/05/story-{n}.html'>{title}</a></h2></article>"
        for n, title in enumerate(
            (
                "Storm knocks out power to thousands across the region",
                "City council approves new budget after late-night vote",
                "Local bakery wins national award for sourdough",
                "Train strike called off at the last minute",
            )
        )
    ),
)


def script_shell(case: Case) -> Page:
    """The article as a single-page app serves it: an empty root and a script."""
    return Page(
        html(
            case.page.id[:12],
            "<div id='root'></div><script>fetch('/api/article.json').then(r => r.json())"
            ".then(a => { document.getElementById('root').textContent = a.body; });</script>",
        )
    )


def status(code: int, body: bytes = b"", **headers: str) -> Page:
    return Page(body or html(str(code), f"<h1>Error {code}</h1>"), status=code, headers=headers)


def redirect(to: str, code: int = 301) -> Page:
    return Page(b"", status=code, headers={"Location": to})


# --------------------------------------------------------------------------- behaviours


def at_article(case: Case, path: str) -> bool:
    return path.split("?")[0] == case.path


def healthy(case: Case, check: int, path: str) -> Page | None:
    return case.article if at_article(case, path) else None


def once(failure: Callable[[Case, str], Page | None]) -> Answer:
    """The failure on check 1 only; the article before and after."""

    def answer(case: Case, check: int, path: str) -> Page | None:
        return failure(case, path) if check == 1 else healthy(case, check, path)

    return answer


def from_check_1(failure: Callable[[Case, str], Page | None]) -> Answer:
    """The article on check 0, the failure on every check after."""

    def answer(case: Case, check: int, path: str) -> Page | None:
        return healthy(case, check, path) if check == 0 else failure(case, path)

    return answer


def at_path(page: Callable[[Case], Page]) -> Callable[[Case, str], Page | None]:
    """`page` at the article's URL; other paths answer as the site always does (404)."""
    return lambda case, path: page(case) if at_article(case, path) else None


def everywhere(page: Page | Callable[[Case], Page]) -> Callable[[Case, str], Page | None]:
    """`page` at every path: walls and parking pages stand in front of all of them."""
    return lambda case, path: page(case) if callable(page) else page


def login_redirect(case: Case, path: str) -> Page:
    if path.startswith("/login"):
        return Page(LOGIN)
    return redirect(f"/login?next={case.path}", 302)


def sso_redirect(case: Case, path: str) -> Page:
    if path.startswith("/account/signin"):
        return Page(LOGIN)
    return redirect(f"/account/signin?return_to={case.path}&reason=subscriber", 302)


def consent_redirect(case: Case, path: str) -> Page:
    if path.startswith("/consent"):
        return Page(CONSENT[case.index % 2])
    return redirect(f"/consent?return={case.path}", 302)


def moved_to(target: Callable[[Case], Page]) -> Callable[[Case, str], Page | None]:
    """A 301 from the article's URL to a new one serving `target`."""

    def answer(case: Case, path: str) -> Page | None:
        new_path = f"/2025/01/{case.index}-{case.path.rsplit('/', 1)[-1]}"
        if at_article(case, path):
            return redirect(new_path)
        return target(case) if path == new_path else None

    return answer


def www_redirect(case: Case, path: str) -> Page | None:
    """The site moved to www (the same path there): handled by the runner's www host."""
    return redirect(f"http://www.{case.host}:{case.port}{path}") if at_article(case, path) else None


ID = re.compile(r"^/(?:article|story)/(\d+)/([^/?]*)")


def id_routed(unknown: Page | None, canonical: bool = False) -> Answer:
    """Articles found by id, whatever the slug; unknown ids get `unknown` (None: 404).
    `canonical`: a wrong slug is 301'd to the article's own URL."""

    def answer(case: Case, check: int, path: str) -> Page | None:
        found, ours = ID.match(path), ID.match(case.path)
        if found is None or ours is None:
            return None
        if found[1] != ours[1]:
            return unknown
        if canonical and found[2] != ours[2]:
            return redirect(case.path)
        return case.article

    return answer


def soft_404_site(removed: bool, template: bytes) -> Answer:
    """Any unknown path answers 200 with `template`; `removed`: so does the article later."""

    def answer(case: Case, check: int, path: str) -> Page | None:
        if at_article(case, path) and not (removed and check > 0):
            return case.article
        return Page(template)

    return answer


def other_article(case: Case) -> Page:
    return Page(OTHER_PAGES[case.index % len(OTHER_PAGES)].html) if OTHER_PAGES else Page(HOME)


OTHER_PAGES: list[NewsPage] = []  # filled by the runner: articles no case cites


def same_page_redirect(suffix: str) -> Callable[[Case, str], Page | None]:
    """The article's URL redirects to itself spelled another way (a trailing slash, a
    tracking query): the same article, not a move."""

    def answer(case: Case, path: str) -> Page | None:
        if path == case.path:
            return redirect(case.path + suffix)
        return case.article if path == case.path + suffix else None

    return answer


def slow(case: Case, path: str) -> Page:
    return Page(case.page.html, delay_s=3.0)


def edit(mutate: Callable[[bytes, str], bytes]) -> Answer:
    """From check 1 on, the article edited by `mutate` (see tests/mutations.py)."""
    return from_check_1(at_path(lambda c: c.edited(mutate)))


def consent(case: Case) -> Page:
    return Page(CONSENT[case.index % 2])


def with_banner(case: Case) -> Page:
    """The article with a consent dialog in the same page: readable, not a wall."""
    dialog = CONSENT[0].split(b"<main>")[1].split(b"</main>")[0]
    return Page(case.page.html.replace(b"</body>", dialog + b"</body>", 1))


def without_evidence(case: Case) -> Page:
    return case.edited(mutations.delete_sentence)


def redirect_home(case: Case, path: str) -> Page:
    return redirect("/") if path != "/" else Page(HOME)


RETRY = {"Retry-After": "120"}
CF = {"cf-mitigated": "challenge"}
BLOCKED = frozenset({("blocked", "low")})
DEAD = frozenset({("dead", "high")})
UNREACHABLE = frozenset({("unreachable", "medium")})
CHANGED_HIGH = frozenset({("evidence_changed", "high")})
REMOVED = frozenset({("evidence_removed", "high")})
B = Behaviour

BEHAVIOURS: tuple[Behaviour, ...] = (
    # --- must stay quiet: the source is fine, or was unavailable for a while
    B("unchanged", healthy),
    B("rate_limit_once", once(everywhere(status(429, **RETRY)))),
    B("server_error_once", once(everywhere(status(500)))),
    B("timeout_once", once(slow)),
    B("empty_once", once(at_path(lambda c: Page(b"")))),
    B("maintenance_once", once(everywhere(Page(MAINTENANCE, status=503)))),
    B("challenge_once", once(everywhere(status(403, CHALLENGE, **CF)))),
    B("consent_once", once(everywhere(consent))),
    B("error_page_200_once", once(at_path(lambda c: Page(ERROR_200)))),
    B("js_required_200_once", once(at_path(lambda c: Page(JS_REQUIRED)))),
    B("too_many_requests_200_once", once(everywhere(Page(TOO_MANY)))),
    B("not_found_once", once(lambda c, p: None)),
    B("consent_banner_on_article", from_check_1(at_path(with_banner))),
    B("paywall_teaser_shows_evidence", edit(mutations.paywall_after_evidence)),
    B("id_routed_404", id_routed(None), path_style="id"),
    B("id_routed_soft_404", id_routed(Page(NOT_FOUND)), path_style="id"),
    B("id_routed_home", id_routed(Page(HOME)), path_style="id"),
    B("id_routed_canonical", id_routed(None, canonical=True), path_style="id"),
    B("short_id_routed", id_routed(Page(NOT_FOUND)), path_style="short"),
    B("soft_404_host", soft_404_site(False, NOT_FOUND)),
    B("catchall_host", soft_404_site(False, HOME)),
    B("www_redirect", from_check_1(www_redirect)),
    B("trailing_slash_redirect", from_check_1(same_page_redirect("/"))),
    B("tracking_query_redirect", from_check_1(same_page_redirect("?utm_source=rss&utm_medium=x"))),
    B("figures_reformatted", edit(mutations.reformat_figures), mutation=mutations.reformat_figures),
    B("boilerplate_churn", edit(mutations.churn_boilerplate)),
    B("markup_changed", edit(mutations.change_markup)),
    B("other_paragraph_edited", edit(mutations.edit_other_paragraph)),
    # --- cannot see the source: blocked or unreachable, never dead, never an evidence flag
    B("rate_limited", from_check_1(everywhere(status(429, **RETRY))), BLOCKED),
    B("rate_limited_no_retry_after", from_check_1(everywhere(status(429))), BLOCKED),
    B("too_many_requests_200", from_check_1(everywhere(Page(TOO_MANY))), BLOCKED),
    B("forbidden_403", from_check_1(everywhere(status(403))), BLOCKED),
    B("access_denied_200", from_check_1(everywhere(Page(ACCESS_DENIED))), BLOCKED),
    B("captcha_200", from_check_1(everywhere(Page(CAPTCHA))), BLOCKED),
    B("challenge_403", from_check_1(everywhere(status(403, CHALLENGE, **CF))), BLOCKED),
    B("challenge_503", from_check_1(everywhere(status(503, CHALLENGE, **CF))), BLOCKED),
    B("legal_451", from_check_1(everywhere(status(451))), BLOCKED),
    B("geo_block", from_check_1(everywhere(Page(GEO))), BLOCKED),
    B("login_redirect", from_check_1(login_redirect), BLOCKED),
    B("sso_redirect", from_check_1(sso_redirect), BLOCKED),
    B("login_form", from_check_1(at_path(lambda c: Page(LOGIN))), BLOCKED),
    B("consent_wall", from_check_1(everywhere(consent)), BLOCKED),
    B("consent_redirect", from_check_1(consent_redirect), BLOCKED),
    B("paywall_teaser_hides_evidence", edit(mutations.cut_by_paywall), BLOCKED),
    B("script_rendered", from_check_1(at_path(script_shell)), {("unreadable", "low")}),
    B("server_errors", from_check_1(everywhere(status(503))), UNREACHABLE),
    B("maintenance", from_check_1(everywhere(Page(MAINTENANCE, status=503))), UNREACHABLE),
    B("error_page_200", from_check_1(at_path(lambda c: Page(ERROR_200))), UNREACHABLE),
    B("timeouts", from_check_1(slow), UNREACHABLE),
    # --- the source is gone
    B("not_found", from_check_1(lambda c, p: None), DEAD),
    B("gone_410", from_check_1(everywhere(status(410))), DEAD),
    B("soft_404_removed", soft_404_site(True, NOT_FOUND), DEAD),
    B("catchall_removed", soft_404_site(True, HOME), DEAD),
    B("redirect_home", from_check_1(redirect_home), DEAD),
    B("removed_notice", from_check_1(at_path(lambda c: Page(REMOVED_NOTICE))), DEAD),
    B("parked", from_check_1(everywhere(Page(PARKED))), DEAD),
    B("moved_unrelated", from_check_1(moved_to(other_article)), DEAD),
    # --- the source moved, or its words changed
    B("moved_same_article", from_check_1(moved_to(lambda c: c.article)), {("moved", "low")}),
    B("moved_evidence_removed", from_check_1(moved_to(without_evidence)), REMOVED),
    B("figure_changed", edit(mutations.change_figure), CHANGED_HIGH),
    B("negation_inserted", edit(mutations.insert_negation), CHANGED_HIGH),
    B("corrected", edit(mutations.add_correction), CHANGED_HIGH),
    B("sentence_cut", edit(mutations.cut_sentence), CHANGED_HIGH, mutation=mutations.cut_sentence),
    B("reworded", edit(mutations.reword), {("evidence_changed", "medium")}),
    B("evidence_removed", edit(mutations.delete_sentence), REMOVED),
    B("rewritten_around_evidence", edit(mutations.rewrite_elsewhere), {("content_drift", "low")}),
)
