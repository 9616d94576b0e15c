"""The core commands: import, check, flags, db upgrade.

Each command opens the database (applying migrations), does one unit of work in one
transaction where it writes, and prints a summary (or JSON with --json).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from checker.cli.common import (
    UserError,
    flags_table,
    open_db,
    print_check_report,
    print_json,
    run_async,
)
from checker.model import FlagKind
from checker.settings import Settings
from store.db import Database

FLAG_KINDS = tuple(kind.value for kind in FlagKind)


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="import articles and their citations from files")
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="article file (JSON, JSON Lines, text, Markdown or HTML), a folder of them, "
        "or a quoted glob like 'content/**/*.md' (each file's front matter gives its URL)",
    )
    p.add_argument(
        "--format",
        default="auto",
        choices=("auto", "json", "text", "markdown", "html"),
        help="file format (default: from the extension, then the content)",
    )
    p.add_argument("--refs", metavar="FILE", help="reference list for [n] markers")
    p.add_argument("--article-url", metavar="URL", help="URL of the article (text/Markdown)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("check", help="check the sources that are due (or --all) once")
    p.add_argument("--all", action="store_true", help="check every source, not only due ones")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("flags", help="list flags")
    p.add_argument(
        "--status",
        default="open",
        choices=("open", "acknowledged", "muted", "resolved", "all"),
        help="open (default) includes acknowledged and muted flags not yet resolved",
    )
    p.add_argument("--kind", choices=FLAG_KINDS, help="only flags of this kind")
    p.add_argument("--limit", type=int, default=1000, help="at most this many flags (default 1000)")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_flags)

    p = sub.add_parser("db", help="database maintenance")
    dbsub = p.add_subparsers(dest="db_command", metavar="<db command>", required=True)
    up = dbsub.add_parser("upgrade", help="apply schema migrations")
    up.set_defaults(handler=cmd_db_upgrade)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    with open_db(settings) as db:
        print(f"database {db.describe()} is up to date")
    return 0


def _read_many(args: argparse.Namespace) -> tuple[list[Any], str]:
    """The articles of several files, folders or globs, and what to call them."""
    from checker.ingest import DEFAULT_MAX_BYTES
    from checker.ingest.files import load_many

    if args.refs or args.article_url:
        raise UserError(
            "--refs and --article-url go with one article file; a folder's or glob's files "
            "each give their own URL (front matter `url:`) and references"
        )
    batch = load_many(args.files, args.format, max_bytes=DEFAULT_MAX_BYTES)
    for skipped in batch.skipped:
        print(f"citecheck: skipped {skipped}", file=sys.stderr)
    return batch.articles, f"{batch.files} file(s)"


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from checker.engine import utcnow
    from checker.ingest import IngestError, load_articles
    from checker.ingest.files import is_many
    from store.articles import import_articles

    args.file = args.files[0]
    try:
        if len(args.files) > 1 or is_many(args.file):
            articles, args.file = _read_many(args)
        else:
            articles = load_articles(
                args.file, args.format, args.refs, article_url=args.article_url
            )
    except IngestError as exc:
        raise UserError(str(exc)) from None
    for article in articles:
        if article.url.startswith("file:"):
            print(
                f"citecheck: warning: {args.file} states no article URL, so it is filed as "
                f"{article.url}: importing it from elsewhere makes another article. Give it "
                "`url:` front matter or --article-url URL",
                file=sys.stderr,
            )
    progress = Progress(len(articles), "articles imported") if sys.stderr.isatty() else None
    with open_db(settings) as db:
        summary = db.run(lambda s: import_articles(s, articles, utcnow(), progress))
    if progress is not None:
        progress.done()
    if args.json:
        print_json(summary.as_dict())
        return 0
    print(
        f"imported {len(articles)} article(s) from {args.file}: "
        f"{summary.articles_added} new, {summary.articles_updated} updated; citations: "
        f"{summary.citations_added} added, {summary.citations_unchanged} unchanged, "
        f"{summary.citations_updated} updated, {summary.citations_retired} retired"
        + (
            f", kept {summary.replacements_kept} editor's replacement(s)"
            if summary.replacements_kept
            else ""
        )
        + f"; {summary.sources_added} new source(s)"
    )
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from checker.archive import open_archive

    async def go(db: Database) -> dict[str, Any]:
        if not await db.read(_anything_to_check, args.all):
            # Nothing to do: no fetcher, extraction pool or scorer to start (or import).
            return {
                "checked": 0,
                "states": {},
                "suspects": [],
                "errors": [],
                "lost_leases": 0,
                "released": 0,
            }
        from checker.engine import CheckRun, open_checker

        total = await db.read(_count_to_check, args.all)
        progress = Progress(total) if sys.stderr.isatty() else None
        from store.usage import StoreLedger

        async with open_checker(settings, ledger=StoreLedger(db)) as checker:
            run = CheckRun(db, settings, checker, on_checked=progress)
            report = await run.run_once(due_only=not args.all)
        if progress is not None:
            progress.done()
        return report.as_dict()

    with open_db(settings, existing=True) as db:
        open_archive(settings)  # an unusable archive folder stops us before any work
        report = run_async(go(db))
        opened = db.run(_flag_counts)
    report["open_flags"] = opened
    if args.json:
        print_json(report)
        return 0
    print_check_report(report)
    return 0


class Progress:
    """One line on a terminal's stderr: done / total, rate, time left."""

    def __init__(self, total: int, what: str = "sources checked") -> None:
        self.total = total
        self.what = what
        self.started = time.monotonic()
        self.shown = 0.0

    def __call__(self, done: Any) -> None:
        """`done`: a count, or a check run's report (its `checked`)."""
        count = int(getattr(done, "checked", done))
        now = time.monotonic()
        if now - self.shown < 0.2 and count < self.total:
            return
        self.shown = now
        rate = count / max(now - self.started, 1e-6)
        left = max(self.total - count, 0) / rate if rate else 0.0
        sys.stderr.write(
            f"\r{count}/{self.total} {self.what}, {rate:.1f}/s, about {left:.0f} s left   "
        )
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r" + " " * 70 + "\r")
        sys.stderr.flush()


def _count_to_check(session: Any, every: bool) -> int:
    from datetime import UTC, datetime

    from store.sources import count_due

    return count_due(session, datetime(9999, 1, 1, tzinfo=UTC) if every else datetime.now(UTC))


def _anything_to_check(session: Any, every: bool) -> bool:
    from datetime import UTC, datetime

    from store.sources import next_due_at

    due = next_due_at(session)
    return due is not None and (every or due <= datetime.now(UTC))


def _flag_counts(session: Any) -> dict[str, int]:
    from store.flags import count_open_by_kind

    return count_open_by_kind(session)


def cmd_flags(args: argparse.Namespace, settings: Settings) -> int:
    from store.flags import FlagFilter, list_flags

    flt = FlagFilter(status=args.status, kind=args.kind, limit=args.limit)
    with open_db(settings, existing=True) as db:
        rows = db.run(lambda s: list_flags(s, flt))
    if args.json:
        print_json(rows)
        return 0
    print(flags_table(rows))
    return 0
