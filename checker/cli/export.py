"""`citecheck export ARTICLE_URL --format robustlinks|csv|json`: an article's citations for
the newsroom (Robust Links for the CMS, flags and citation health for reports)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from checker.cli.common import UserError, open_db
from checker.exports import FORMATS, render
from checker.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export", help="an article's citations as Robust Links, or its health as CSV or JSON"
    )
    p.add_argument("article_url", metavar="ARTICLE_URL", help="the article, as imported")
    p.add_argument(
        "--format",
        default="robustlinks",
        choices=FORMATS,
        help="robustlinks: HTML anchors with the verified archived copy, to paste into the "
        "CMS (default); csv or json: flags and citation health",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from store.exports import article_health, find_article

    def read(session: Any) -> dict[str, Any] | None:
        article = find_article(session, args.article_url)
        return None if article is None else article_health(session, article)

    with open_db(settings, existing=True) as db:
        data = db.run(read)
    if data is None:
        raise UserError(
            f"no article at {args.article_url}: give its URL as imported "
            "(`citecheck flags` and the dashboard's Articles page list them)"
        )
    text = render(data, args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0
