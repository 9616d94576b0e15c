"""The archive of record: WARC captures of real pages from the fake web, read back with
warcio (records, headers, payload digests, revisit records), retention, and captures
that fail without failing the check."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb, NewsArticle
from sqlmodel import col, select
from test_pipeline_e2e import check, evidence_sentence, open_flags, settings_for
from warcio.archiveiterator import ArchiveIterator

from checker.archive import ArchiveError, FolderArchive, archive_folder, open_archive
from checker.cli.main import main
from checker.model import ArticleIn, CitationIn
from checker.settings import DatabaseSettings, Settings
from store.archive_tables import Capture
from store.articles import import_articles
from store.db import Database
from store.tables import SourceCheck

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def cite(db: Database, web: FakeWeb, article: NewsArticle, *, key: str = "a") -> str:
    claim = evidence_sentence(article)
    assert claim is not None
    url = web.article_url(article)
    cited = ArticleIn(f"https://paper.example/{key}", key, (CitationIn("1", url, claim),))
    db.run(lambda s: import_articles(s, [cited], T0))
    return claim


def usable(articles: tuple[NewsArticle, ...]) -> list[NewsArticle]:
    return [a for a in articles if evidence_sentence(a) and "wsj.com" not in a.original_url]


def stored(db: Database) -> list[Capture]:
    return db.run(
        lambda s: list(s.exec(select(Capture).order_by(col(Capture.captured_at), col(Capture.id))))
    )


def records(path: Path) -> list[tuple[str, dict[str, str], bytes, bool | None]]:
    """(type, WARC headers, payload, digests verified) of every record of a .warc.gz."""
    out = []
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh, check_digests=True):
            payload = record.content_stream().read()
            headers = dict(record.rec_headers.headers)
            out.append((record.rec_type, headers, payload, record.digest_checker.passed))
    return out


def sha1_base32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


async def test_first_read_is_captured_as_request_and_response_with_its_digest(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    cite(db, fake_web, article)
    folder = tmp_path / "archive"
    await check(db, settings_for(fake_web, archive=folder), fake_web, T0)

    [capture] = stored(db)
    served = fake_web.article_page(article).body
    assert capture.reason == "first_read" and capture.error is None
    assert capture.digest == sha1_base32(served) and capture.record == "response"
    assert capture.captured_at == T0 and capture.snapshot_id is not None
    assert capture.warc_path is not None
    path = folder / capture.warc_path
    assert path.name == f"{sha1_base32(served)[5:]}.warc.gz"
    (rtype, response, payload, ok), (qtype, request, _, _) = records(path)
    assert (rtype, qtype) == ("response", "request")
    assert payload == served and ok is True  # the digests warcio recomputes agree
    assert response["WARC-Target-URI"] == fake_web.article_url(article)
    assert response["WARC-Payload-Digest"] == capture.digest
    assert response["WARC-Date"] == "2026-06-01T09:00:00Z"
    assert request["WARC-Concurrent-To"] == response["WARC-Record-ID"]
    with path.open("rb") as fh:
        first = next(iter(ArchiveIterator(fh)))
        http = dict(first.http_headers.headers)
        assert first.http_headers.get_statuscode() == "200"
    assert http["Content-Type"].startswith("text/html")
    assert http["Content-Length"] == str(len(served))
    # the stored span is the whole pair: a valid WARC on its own (the citation's download)
    archive = FolderArchive(folder)
    assert capture.warc_offset == 0 and capture.warc_length == path.stat().st_size
    span = archive.read(capture.warc_path, capture.warc_offset, capture.warc_length)
    assert [r.rec_type for r in ArchiveIterator(io.BytesIO(span))] == ["response", "request"]


async def test_unchanged_content_is_a_revisit_record_and_rechecks_add_nothing(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    cite(db, fake_web, article, key="a")
    folder = tmp_path / "archive"
    settings = settings_for(fake_web, archive=folder)
    await check(db, settings, fake_web, T0)
    size = sum(f.stat().st_size for f in folder.rglob("*.warc.gz"))
    for day in range(1, 6):  # five unchanged rechecks: no capture, no byte
        await check(db, settings, fake_web, T0 + timedelta(days=day))
    assert len(stored(db)) == 1
    assert sum(f.stat().st_size for f in folder.rglob("*.warc.gz")) == size

    # A second article cites the same page: captured for it too, as a revisit.
    cite(db, fake_web, article, key="b")
    await check(db, settings, fake_web, T0 + timedelta(days=6))
    first, second = stored(db)
    assert (second.reason, second.record, second.digest) == ("first_read", "revisit", first.digest)
    assert second.warc_path == first.warc_path and second.warc_offset == first.warc_length
    kinds = [r[0] for r in records(folder / str(first.warc_path))]
    assert kinds == ["response", "request", "revisit", "request"]
    revisit = records(folder / str(first.warc_path))[2][1]
    assert revisit["WARC-Refers-To-Target-URI"] == fake_web.article_url(article)
    assert revisit["WARC-Refers-To-Date"] == "2026-06-01T09:00:00Z"
    assert revisit["WARC-Payload-Digest"] == first.digest
    assert revisit["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    # a revisit is small: headers only
    assert int(str(second.warc_length)) < 2000 < int(str(first.warc_length))


async def test_an_edited_evidence_is_captured_and_retention_keeps_first_and_newest(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    claim = cite(db, fake_web, article)
    folder = tmp_path / "archive"
    base = settings_for(fake_web, archive=folder)
    settings = dataclasses.replace(base, archive=dataclasses.replace(base.archive, keep_captures=2))
    await check(db, settings, fake_web, T0)
    figure = next(w for w in claim.split() if any(ch.isdigit() for ch in w))
    current = figure
    for n in range(1, 4):  # the figure is edited three times
        edited = f"{figure}{n}"
        fake_web.replace_text(fake_web.NEWS, article.path, current, edited)
        current = edited
        await check(db, settings, fake_web, T0 + timedelta(hours=n))
    assert ("evidence_changed", fake_web.article_url(article)) in open_flags(db)
    kept = stored(db)
    assert [(c.reason, c.captured_at) for c in kept] == [
        ("first_read", T0),
        ("evidence_changed", T0 + timedelta(hours=3)),
    ]
    # the files of the dropped captures are gone, the kept ones are there
    on_disk = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.warc.gz"))
    assert on_disk == sorted(str(c.warc_path) for c in kept)
    newest = records(folder / str(kept[1].warc_path))[0][2]
    assert current.encode() in newest


async def test_a_failed_capture_never_fails_the_check_and_is_retried(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    article = usable(articles)[0]
    cite(db, fake_web, article)
    folder = tmp_path / "archive"
    settings = settings_for(fake_web, archive=folder)

    async def check_with_broken_folder(now: datetime) -> None:
        from checker.engine import CheckRun, open_checker

        async with open_checker(settings, resolver=fake_web.resolver()) as checker:
            folder.rmdir()  # the folder passed the start-up check, then went away ...
            folder.write_text("a file where the folder was")  # ... and cannot come back
            await CheckRun(db, settings, checker, clock=lambda: now).run_once(due_only=False)

    await check_with_broken_folder(T0)
    [failed] = stored(db)
    assert failed.warc_path is None and failed.error and "Not a directory" in failed.error
    last = db.run(lambda s: s.exec(select(SourceCheck)).one())
    assert last.detail["sight"] == "full" and last.detail["capture_error"] == failed.error
    assert db.run(lambda s: s.exec(select(SourceCheck)).one()).state == "alive"

    folder.unlink()  # the disk is fixed: the next check captures what it could not
    await check(db, settings, fake_web, T0 + timedelta(hours=1))
    assert [(c.error is None, c.record) for c in stored(db)] == [(False, None), (True, "response")]


def test_an_unwritable_folder_is_one_clear_error_at_start_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    settings = Settings(archive=dataclasses.replace(Settings().archive, folder=str(blocker)))
    with pytest.raises(ArchiveError, match=r"archive folder .*taken is not writable"):
        open_archive(settings)
    db = tmp_path / "c.db"
    made = Database(f"sqlite:///{db}")
    made.upgrade()  # the database is there: the folder is not
    made.close()
    env_config = tmp_path / "citecheck.toml"
    env_config.write_text(f'[archive]\nfolder = "{blocker}"\n')
    status = main(["--config", str(env_config), "--db", f"sqlite:///{db}", "check", "--all"])
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert err.startswith("citecheck: error: archive folder") and "\n" not in err
    assert "set [archive] folder" in err


@pytest.mark.parametrize(
    ("db_url", "folder", "expected"),
    [
        ("sqlite:///citecheck.db", "", Path("citecheck-archive")),
        ("sqlite:////srv/news/desk.db", "", Path("/srv/news/desk-archive")),
        ("sqlite://", "", Path("archive")),
        ("postgresql+psycopg://u@db/citecheck", "", Path("archive")),
        ("sqlite:////srv/news/desk.db", "/data/warcs", Path("/data/warcs")),
    ],
)
def test_the_archive_folder_defaults_beside_the_database(
    db_url: str, folder: str, expected: Path
) -> None:
    settings = Settings(
        database=DatabaseSettings(url=db_url),
        archive=dataclasses.replace(Settings().archive, folder=folder),
    )
    assert archive_folder(settings) == expected


_FULL_DISK = """
import resource, signal, sys
from datetime import datetime, UTC
from checker.archive import FolderArchive
from checker.model import FetchResult

archive = FolderArchive(sys.argv[1])
small = FetchResult("http://a.test/", "http://a.test/", 200, body=b"<p>page</p>")
archive.store(small, [], datetime(2026, 6, 1, tzinfo=UTC))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # the disk is as good as full
import os
big = FetchResult("http://a.test/", "http://a.test/", 200, body=os.urandom(20000))
try:
    archive.store(big, [], datetime(2026, 6, 2, tzinfo=UTC))
except OSError as exc:
    print("failed:", exc.strerror)
"""


def test_a_write_the_disk_cannot_take_leaves_no_half_record(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    run = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(folder)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert run.stdout.startswith("failed: File too large")
    files = sorted(folder.rglob("*.warc.gz"))
    for path in files:  # every file holds whole, valid records only
        assert all(ok is not False for *_, ok in records(path))
    assert len(files) == 1  # the big payload's file, cut back to nothing, is gone


async def test_capture_turned_on_later_fetches_the_body_once_then_asks_conditionally(
    db: Database, fake_web: FakeWeb, articles: tuple[NewsArticle, ...], tmp_path: Path
) -> None:
    """A source checked before capture was on has an ETag: the first check with capture
    asks without it (a 304 has no body to archive), later checks ask with it again."""
    article = usable(articles)[0]
    cite(db, fake_web, article)
    on = settings_for(fake_web, archive=tmp_path / "archive")
    off = dataclasses.replace(on, archive=dataclasses.replace(on.archive, capture=False))
    await check(db, off, fake_web, T0)
    await check(db, off, fake_web, T0 + timedelta(hours=1))
    await check(db, on, fake_web, T0 + timedelta(hours=2))
    await check(db, on, fake_web, T0 + timedelta(hours=3))
    asked = [
        "if-none-match" in v.headers
        for v in fake_web.visits_to(FakeWeb.NEWS)
        if v.path == article.path
    ]
    assert asked == [False, True, False, True]
    [capture] = stored(db)
    assert capture.captured_at == T0 + timedelta(hours=2) and capture.record == "response"
