"""`citecheck discover` as people run it: the real command against the fake web (served on
127.0.0.1, since the command takes no resolver), then `check` and `flags`."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from discover_fixtures import items_for, raw_href, rss
from fakeweb import FakeWeb, NewsArticle

from checker.cli import main

# trafilatura's first import warns (urllib3 without PySocks): imported at collection, where
# warnings are not yet errors, rather than inside the test that checks sources
from checker.engine.pipeline import SourceChecker  # noqa: F401
from checker.ingest import IngestError, parse_articles

HOST = "127.0.0.1"


def citing_pages(web: FakeWeb, count: int) -> list[NewsArticle]:
    found = []
    for article in web.articles:
        if "wsj.com" in article.original_url:
            continue
        try:
            [parsed] = parse_articles(
                article.html, "html", name="p.html", article_url=web.url(HOST, article.path)
            )
        except IngestError:
            continue
        if len(parsed.citations) >= 2:
            found.append(article)
        if len(found) == count:
            return found
    raise AssertionError("not enough citing pages in tests/data/news-pages")


def config(tmp_path: Path, body: str) -> str:
    path = tmp_path / "citecheck.toml"
    path.write_text(
        "[fetch]\nallow_private_networks = true\nper_host_delay_s = 0.0\ntimeout_s = 5.0\n"
        "[monitor]\nconfirm_failures = 1\n[archive]\nenabled = false\n"
        '[extract]\nprocesses = 1\n[support]\nbackend = "lexical"\n' + body
    )
    return str(path)


async def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def test_discover_once_imports_then_check_flags_a_dead_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeWeb() as web:
        web.add_host(HOST, "news")
        story, cited = citing_pages(web, 2)
        source = web.url(HOST, cited.path)
        # Every link of the story is moved onto the fake web (the command resolves names
        # for real, and a test talks to 127.0.0.1 only); one cites the other page.
        body = re.sub(
            rb"""(<a\b[^>]*?href=["'])(?:https?:)?//[^/"']+""",
            f"\\1{web.url(HOST, '')}".encode(),
            story.html,
        )
        url = web.url(HOST, "/2026/03/02/story.html")
        [read] = parse_articles(body, "html", name="story.html", article_url=url)
        first = raw_href(body, url, read.citations[0].url)
        body = body.replace(first, f'href="{source}"'.encode())
        web.set_page(HOST, "/2026/03/02/story.html", body)
        web.set_page(HOST, "/feed.xml", rss(items_for([url], [story])))
        cfg = config(
            tmp_path,
            f'[[publications]]\nname = "paper"\nfeeds = ["{web.url(HOST, "/feed.xml")}"]\n',
        )
        db = ["--config", cfg, "--db", f"sqlite:///{tmp_path / 'c.db'}"]

        code, out, err = await run(capsys, *db, "discover", "--once")
        assert (code, err) == (0, "")
        first = out.splitlines()[0]
        assert first.startswith("paper: 1 URL(s) listed, 0 unchanged; read 1: 1 new, 0 updated")
        code, out, _ = await run(capsys, *db, "discover", "paper", "--once", "--json")
        report = json.loads(out)
        assert (report["listed"], report["unchanged"], report["read"]) == (1, 1, 0)
        code, out, _ = await run(capsys, *db, "discover", "--status")
        header, _, row = out.splitlines()
        assert header.split()[:5] == ["publication", "found", "imported", "new", "today"]
        assert row.split()[:5] == ["paper", "1", "1", "1", "0"]  # found, imported, new, failing

        code, out, _ = await run(capsys, *db, "check", "--all")
        code, out, _ = await run(capsys, *db, "flags", "--json", "--kind", "dead")
        assert [f for f in json.loads(out) if f["source_url"] == source] == []
        web.remove(HOST, cited.path)
        code, out, _ = await run(capsys, *db, "check", "--all")
        assert code == 0
        code, out, _ = await run(capsys, *db, "flags", "--json", "--kind", "dead")
        dead = [f for f in json.loads(out) if f["source_url"] == source]
        assert [(f["article_url"], f["detail"]["reason"]) for f in dead] == [(url, "not_found")]


@pytest.mark.parametrize(
    ("body", "args", "message"),
    [
        ("", [], r"no publications to discover: add a \[\[publications\]\] table"),
        (
            '[[publications]]\nname = "paper"\nfeeds = ["https://paper.example/rss"]\n',
            ["wire"],
            r"no publication named 'wire' in the config; configured: paper",
        ),
    ],
)
def test_discover_mistakes_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, args: list[str], message: str
) -> None:
    cfg = config(tmp_path, body)
    code = main(["--config", cfg, "--db", f"sqlite:///{tmp_path / 'c.db'}", "discover", *args])
    _, err = capsys.readouterr()
    assert code == 1
    [line] = err.strip().splitlines()
    assert line.startswith("citecheck: error: ")
    assert re.search(message, line)


def _post(url: str, claim: str, source: str) -> str:
    return f"---\ntitle: A post\nurl: {url}\n---\n\n{claim} [as reported]({source}).\n"


def test_import_a_static_site_folder_and_a_glob(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "content"
    (site / "posts" / "2026").mkdir(parents=True)
    (site / ".git").mkdir()
    (site / "posts" / "2026" / "rents.md").write_text(
        _post("https://site.example/2026/rents", "Rents rose 4% last year", "https://a.example/r")
    )
    (site / "posts" / "buses.md").write_text(
        _post("https://site.example/buses", "Two bus lines closed", "https://b.example/b")
    )
    (site / "posts" / "about.md").write_text("---\nurl: https://site.example/about\n---\nHi.\n")
    (site / "notes.txt").write_text("not an article, and not markdown: skipped by the glob\n")
    (site / ".git" / "x.md").write_text("# hidden\n")
    (site / "logo.png").write_bytes(b"\x89PNG")
    db = ["--db", f"sqlite:///{tmp_path / 'c.db'}"]

    code = main([*db, "import", str(site / "**" / "*.md"), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["articles_added"] == 2
    assert err == f"citecheck: skipped {site / 'posts' / 'about.md'}: cites nothing\n"

    # the folder: its article files (.md, .txt; not the .png), the same two articles
    code = main([*db, "import", str(site)])
    out, err = capsys.readouterr()
    assert code == 0 and "imported 2 article(s) from 4 file(s): 0 new, 2 updated" in out


def test_a_folder_import_is_all_or_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "content"
    site.mkdir()
    (site / "a.md").write_text(_post("https://site.example/a", "A rose 4%", "https://a.example/"))
    (site / "b.md").write_text("Prices fell [as reported](https://b.example/).\n")  # no URL
    db = ["--db", f"sqlite:///{tmp_path / 'c.db'}"]
    code = main([*db, "import", str(site)])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"- {site / 'b.md'}: states no public URL; give it `url:` front matter" in err
    assert "nothing was imported" in err
    assert not (tmp_path / "c.db").exists()  # not even a database was made
    code = main([*db, "import", str(tmp_path / "nothing" / "*.md")])
    assert code == 1 and "no files match" in capsys.readouterr().err
