"""Discovery's pure parts: feeds, sitemaps, URL patterns, what to read, the config."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from discover_fixtures import T0, Item, atom, gz, rss, sitemap_index, urlset

from checker.discover.changes import merge_listed, why_read
from checker.discover.feeds import parse_feed
from checker.discover.listing import MAX_URLS, KnownArticle, Listed, parse_date
from checker.discover.patterns import UrlFilter
from checker.discover.sitemaps import parse_sitemap
from checker.settings import SettingsError, load_settings

SITE = "https://paper.example"
STORIES = [f"{SITE}/2026/03/story-{i}.html" for i in range(3)]


def _items() -> list[Item]:
    return [
        Item(url, f"Story {i}", guid=f"urn:story:{i}", published=T0 + timedelta(hours=i))
        for i, url in enumerate(STORIES)
    ]


def test_rss_entries_with_ids_and_dates() -> None:
    listing = parse_feed(rss(_items()).encode(), url=f"{SITE}/rss.xml")
    assert listing.kind == "feed" and listing.problems == []
    assert [e.url for e in listing.entries] == STORIES
    assert [e.entry_id for e in listing.entries] == ["urn:story:0", "urn:story:1", "urn:story:2"]
    assert listing.entries[2].published_at == T0 + timedelta(hours=2)
    assert listing.entries[0].title == "Story 0"


def test_atom_links_resolve_against_xml_base() -> None:
    items = [Item("2026/03/a.html", "A", guid="urn:a", updated=T0 + timedelta(days=1))]
    listing = parse_feed(atom(items, base=f"{SITE}/news/").encode(), url=f"{SITE}/atom.xml")
    assert [e.url for e in listing.entries] == [f"{SITE}/news/2026/03/a.html"]
    assert listing.entries[0].modified_at == T0 + timedelta(days=1)
    assert listing.entries[0].entry_id == "urn:a"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<!DOCTYPE html><html><body>Home</body></html>", "answers an HTML page, not a feed"),
        (b"", "is empty"),
        (b"<rss version='2.0'><channel><item><link>https://a.example/x</link>", "malformed"),
        (b"just some text", "not a readable RSS or Atom feed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<rss><channel><title>&b;</title></channel></rss>",
            "declares XML entities",
        ),
        (b"\x1f\x8b\x08\x00garbage", "not a readable gzip file"),
    ],
)
def test_a_broken_feed_is_one_line(body: bytes, expected: str) -> None:
    listing = parse_feed(body, url=f"{SITE}/feed")
    assert len(listing.problems) == 1
    assert expected in listing.problems[0] and "\n" not in listing.problems[0]
    assert f"{SITE}/feed" in listing.problems[0]


def test_a_truncated_feed_keeps_the_entries_before_the_break() -> None:
    body = rss(_items()).encode()[:-60]
    listing = parse_feed(body, url=f"{SITE}/rss.xml")
    assert [e.url for e in listing.entries] == STORIES
    assert len(listing.problems) == 1 and "malformed" in listing.problems[0]


def test_sitemap_with_lastmod_and_a_relative_loc() -> None:
    body = urlset([*STORIES, "/2026/03/relative.html"], lastmod=T0).encode()
    listing = parse_sitemap(body, url=f"{SITE}/sitemap.xml")
    assert listing.kind == "sitemap"
    assert [e.url for e in listing.entries] == [*STORIES, f"{SITE}/2026/03/relative.html"]
    assert {e.modified_at for e in listing.entries} == {T0}
    assert listing.problems == [
        f"sitemap {SITE}/sitemap.xml gives 1 relative URL(s); resolved against the sitemap's URL"
    ]


def test_gzip_sitemap_index_lists_its_children() -> None:
    children = [f"{SITE}/sitemap-1.xml.gz", f"{SITE}/sitemap-2.xml.gz"]
    listing = parse_sitemap(gz(sitemap_index(children)), url=f"{SITE}/index.xml.gz")
    assert (listing.kind, listing.children, listing.entries) == ("sitemap index", children, [])


def test_news_sitemap_gives_publication_dates_and_titles() -> None:
    dates = [T0 - timedelta(hours=i) for i in range(3)]
    listing = parse_sitemap(urlset(STORIES, news=dates).encode(), url=f"{SITE}/news.xml")
    assert [e.published_at for e in listing.entries] == dates
    assert [e.title for e in listing.entries] == ["Story 0", "Story 1", "Story 2"]


def test_a_sitemap_over_the_protocol_limit_is_read_to_the_limit_and_reported() -> None:
    urls = [f"{SITE}/a/{i}.html" for i in range(MAX_URLS + 7)]
    listing = parse_sitemap(gzip.compress(urlset(urls).encode()), url=f"{SITE}/big.xml.gz")
    assert len(listing.entries) == MAX_URLS
    assert listing.problems == [
        f"sitemap {SITE}/big.xml.gz lists more than 50,000 URLs, the protocol's limit; "
        "7 past it were not read (split it with a sitemap index)"
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html><head><title>Not found</title></head></html>", "answers an HTML page"),
        (b'<?xml version="1.0"?><urlset><url><loc>https://a.example/x</loc>', "malformed XML"),
        (b'<?xml version="1.0"?><rss version="2.0"></rss>', "not a sitemap (its root is <rss>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<urlset><url><loc>&x;</loc></url></urlset>",
            "declares XML entities",
        ),
        (gzip.compress(b"\0" * 60_000_000), "larger than 50 MB once uncompressed"),
    ],
)
def test_a_broken_sitemap_is_one_line(body: bytes, expected: str) -> None:
    listing = parse_sitemap(body, url=f"{SITE}/sitemap.xml")
    assert len(listing.problems) == 1, listing.problems
    assert expected in listing.problems[0] and "\n" not in listing.problems[0]


def test_malformed_sitemap_keeps_the_urls_read_before_the_break() -> None:
    body = urlset(STORIES).encode()[:-30]
    listing = parse_sitemap(body, url=f"{SITE}/sitemap.xml")
    assert [e.url for e in listing.entries] == STORIES[:2]
    assert "2 URL(s) read before it" in listing.problems[0]


@pytest.mark.parametrize(
    ("include", "exclude", "url", "accepted"),
    [
        ((), (), f"{SITE}/2026/03/story.html", True),
        ((), (), f"{SITE}/tag/climate/", False),  # navigation by its address (courlan)
        ((), (), f"{SITE}/author/maria/", False),
        ((), (), f"{SITE}/page/3/", False),
        ((), ("/live/*",), f"{SITE}/live/election", False),
        (("/2026/**",), (), f"{SITE}/2026/03/story.html", True),
        (("/2026/**",), (), f"{SITE}/about", False),
        (("/20*/*/*.html",), ("*/sponsored-*",), f"{SITE}/2026/03/sponsored-x.html", False),
        (("re:/\\d{4}/\\d{2}/",), (), f"{SITE}/2026/03/story", True),
        (("re:/\\d{4}/\\d{2}/",), (), f"{SITE}/story", False),
        (("/story?id=*",), (), f"{SITE}/story?id=7", True),
        (("/tag/*",), (), f"{SITE}/tag/x", True),  # include patterns override the guess
    ],
)
def test_include_and_exclude_patterns(
    include: tuple[str, ...], exclude: tuple[str, ...], url: str, accepted: bool
) -> None:
    assert UrlFilter.of(include, exclude).accepts(url) is accepted


def test_duplicates_merge_with_the_newest_date() -> None:
    merged, repeats = merge_listed(
        [
            Listed(STORIES[0], entry_id="urn:0"),
            Listed(STORIES[1]),
            Listed(STORIES[0], modified_at=T0, published_at=T0),
        ]
    )
    assert repeats == 1
    assert merged[STORIES[0]] == Listed(STORIES[0], "urn:0", T0, T0)


def _known(status: str = "imported", **kw: object) -> KnownArticle:
    values: dict[str, object] = {
        "url": STORIES[0],
        "entry_id": "urn:0",
        "listed_modified_at": T0,
        "status": status,
        "etag": None,
        "last_modified": None,
        "failures": 0,
        "fetched_at": T0,
        "article_id": 1,
    }
    values.update(kw)
    return KnownArticle(**values)  # type: ignore[arg-type]


LATER = T0 + timedelta(hours=1)


@pytest.mark.parametrize(
    ("listed", "known", "now", "expected"),
    [
        (Listed(STORIES[0]), None, T0, "new"),
        (Listed(STORIES[0], "urn:0", T0), _known(), LATER, None),
        (Listed(STORIES[0], "urn:0", None), _known(), LATER, None),  # no date: as before
        (Listed(STORIES[0], "urn:0", LATER), _known(), LATER, "updated"),
        (Listed(STORIES[0], "urn:0", T0 - timedelta(days=1)), _known(), LATER, None),
        (Listed(STORIES[0], "urn:0b", T0), _known(), LATER, "updated"),
        (Listed(STORIES[0], "urn:0", T0), _known("no_citations"), LATER, None),
        # a failed read is retried, the wait doubling per failure from the poll interval
        (Listed(STORIES[0]), _known("gone", failures=1), T0 + timedelta(minutes=15), "retry"),
        (Listed(STORIES[0]), _known("gone", failures=3), T0 + timedelta(minutes=59), None),
        (Listed(STORIES[0]), _known("failed", failures=3), T0 + timedelta(minutes=60), "retry"),
        (Listed(STORIES[0]), _known("failed", failures=40), T0 + timedelta(hours=23), None),
        (Listed(STORIES[0]), _known("unreadable", failures=40), T0 + timedelta(days=1), "retry"),
    ],
)
def test_what_to_read(
    listed: Listed, known: KnownArticle | None, now: datetime, expected: str | None
) -> None:
    assert why_read(listed, known, now, interval_s=900) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02", datetime(2026, 3, 2, tzinfo=UTC)),
        ("2026-03-02T08:00:00Z", T0),
        ("2026-03-02T09:00:00+01:00", T0),
        ("2026-03-02T08:00:00", T0),
        ("yesterday", None),
        ("", None),
    ],
)
def test_w3c_dates(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_publications_in_the_config(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[[publications]]\nname = "ledger"\nfeeds = ["https://ledger.example/rss?utm_source=x"]\n'
        'include = ["/20*/**"]\npoll_interval_s = 600\n'
        '[[publications]]\nname = "wire"\nsitemaps = ["https://wire.example/sitemap.xml"]\n'
    )
    ledger, wire = load_settings(cfg, {}).publications
    assert ledger.feeds == ("https://ledger.example/rss",) and ledger.poll_interval_s == 600.0
    assert wire.sitemaps == ("https://wire.example/sitemap.xml",) and wire.include == ()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('name = "a b"\nfeeds = ["https://a.example/rss"]', r"key 'name' must be"),
        ('name = "a"', r"publication 'a': give at least one of 'feeds' or 'sitemaps'"),
        ('name = "a"\nfeeds = ["ftp://a.example/rss"]', r"'feeds'.*ftp: scheme"),
        ('name = "a"\nfeeds = ["https://a.example/"]\nfeed = 1', r"unknown key 'feed'"),
        ('name = "a"\nfeeds = ["https://a.example/"]\ninclude = ["re:("]', r"not a valid regular"),
        ('name = "a"\nfeeds = ["https://a.example/"]\npoll_interval_s = 5', r"at least 60"),
        ('name = "a"\nfeeds = [1]', r"'feeds' must be a list of strings"),
    ],
)
def test_a_bad_publication_is_one_line_naming_it(tmp_path: Path, table: str, message: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(f"[[publications]]\n{table}\n")
    with pytest.raises(SettingsError, match=message) as info:
        load_settings(cfg, {})
    assert str(cfg) in str(info.value) and "\n" not in str(info.value)


def test_the_documented_example_is_a_valid_publication(tmp_path: Path) -> None:
    reference = Path(__file__).resolve().parents[1] / "config" / "citecheck.toml"
    text = reference.read_text().split("# [[publications]]\n", 1)[1]
    example = "[[publications]]\n" + "\n".join(
        line[2:] for line in text.splitlines() if line.startswith("# ") and " = " in line
    )
    cfg = tmp_path / "example.toml"
    cfg.write_text(example)
    [publication] = load_settings(cfg, {}).publications
    assert publication.name == "ledger" and publication.sitemaps and publication.feeds
