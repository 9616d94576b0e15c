"""Building blocks for the liveness classifier's tests: fetch results and pages."""

from __future__ import annotations

from checker.model import FetchErrorKind, FetchResult, Hop, LivenessState

A, D, B = LivenessState.ALIVE, LivenessState.DEAD, LivenessState.BLOCKED
M, T, U = LivenessState.MOVED, LivenessState.TRANSIENT, LivenessState.UNCHECKABLE
URL = "https://news.example/2024/05/council-budget-vote.html"
ARTICLE_TEXT = " ".join(
    f"<p>The council voted {n} times on the budget, and the mayor said the deficit grew to "
    f"4.{n} million dollars after a long debate about transit, schools and parks.</p>"
    for n in range(20)
)  # about 400 words of paragraphs: an article


def html(title: str, body: str, head: str = "") -> bytes:
    chrome = "<nav><a href='/'>Home</a> <a href='/news/'>News</a> <a href='/sport/'>Sport</a></nav>"
    return (
        f"<html><head><title>{title}</title>{head}</head><body><header>{chrome}</header>"
        f"<main>{body}</main><footer><p>© News Example</p></footer></body></html>"
    ).encode()


def fetched(
    body: bytes = b"",
    *,
    status: int | None = 200,
    url: str = URL,
    final: str | None = None,
    hops: tuple[tuple[int, str], ...] = (),
    content_type: str = "text/html",
    headers: dict[str, str] | None = None,
    error: FetchErrorKind | None = None,
    truncated: bool = False,
    not_modified: bool = False,
) -> FetchResult:
    """A FetchResult; `hops` are (status, location) and chain from `url`."""
    chain, at = [], url
    for hop_status, location in hops:
        chain.append(Hop(at, hop_status, location))
        at = location
    return FetchResult(
        url=url,
        final_url=final or at,
        status=status,
        headers=headers or {},
        redirects=tuple(chain),
        body=body,
        content_type=content_type,
        charset="utf-8",
        error=error,
        truncated=truncated,
        not_modified=not_modified,
    )


ARTICLE = html(
    "Council approves budget | News Example", f"<h1>Council approves budget</h1>{ARTICLE_TEXT}"
)
NOT_FOUND_TEMPLATE = html(
    "News Example", "<h1>Hmm.</h1><p>There is nothing at {path}. Try the search.</p>"
)
OTHER = "https://news.example/2024/06/budget-revised.html"  # another article on the site
