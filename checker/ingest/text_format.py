"""Plain-text articles: claims marked `[n]`, resolved through a reference list.

Layout understood (see prose.py and refs.py for the details):
- optional metadata at the top (front matter or `URL:` / `Title:` lines);
- the body, one paragraph per line (a line starting in lower case continues the
  previous one); lines without markers, such as banners and headings, are no claims;
- a reference list after a References/Sources/Notes/Citations heading, or a trailing
  run of `[1] https://…` lines, or a separate refs file (which wins on conflicts).

Title: the front matter's, else the first headline-like line (see prose.guess_title),
else the file name.
"""

from __future__ import annotations

from pathlib import Path

from checker.ingest.assemble import article_url, build_article, parse_published
from checker.ingest.errors import NoCitationsError, Problems
from checker.ingest.frontmatter import FrontMatter, read_front_matter
from checker.ingest.prose import (
    Citations,
    guess_title,
    report_unresolved,
    sentence_citations,
    split_references,
    text_blocks,
)
from checker.ingest.refs import Reference, parse_reference_lines
from checker.model import ArticleIn


def parse_text(
    text: str,
    *,
    name: str,
    refs: dict[str, Reference] | None,
    given_url: str | None,
    fallback_url: str | None,
) -> ArticleIn:
    lines = text.split("\n")
    meta = read_front_matter(lines)
    body, ref_lines = split_references(lines, meta.body_start, section_ends_at_heading=False)
    references = {**parse_reference_lines(ref_lines), **(refs or {})}
    citations = sentence_citations(text_blocks(body), [], references)
    title = meta.title or guess_title(body) or Path(name).stem
    return finish_prose(
        meta,
        title,
        citations,
        references,
        name=name,
        given_url=given_url,
        fallback_url=fallback_url,
    )


def finish_prose(
    meta: FrontMatter,
    title: str,
    citations: Citations,
    references: dict[str, Reference],
    *,
    name: str,
    given_url: str | None,
    fallback_url: str | None,
) -> ArticleIn:
    """The article of a text or Markdown file, or IngestError listing every problem."""
    problems = Problems(name)
    url = _url(meta, given_url, fallback_url, problems)
    published = None
    if meta.published_at:
        published = parse_published(meta.published_at, "front matter", problems)
    report_unresolved(citations, references, problems)
    if not (citations.found or citations.unresolved or citations.without_url or problems):
        raise NoCitationsError(
            f"{name}: no citations found; mark each claim with [1], [2] … and add a References "
            "section with lines like `[1] https://…`, or use Markdown links [text](https://…)"
        )
    article = build_article(
        url=url,
        title=title,
        citations=citations.found,
        published_at=published,
        tags=meta.tags,
        label="",
        problems=problems,
    )
    problems.raise_if_any()
    assert article is not None  # a missing URL is a recorded problem
    return article


def _url(
    meta: FrontMatter, given_url: str | None, fallback_url: str | None, problems: Problems
) -> str | None:
    if meta.url:
        return article_url(meta.url, "front matter", problems)
    if given_url:
        return article_url(given_url, "the given article URL", problems)
    if fallback_url:
        return fallback_url
    problems.add(
        "the article has no URL; add a line `URL: https://…` at the top or give the article's URL"
    )
    return None
