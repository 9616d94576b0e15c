"""The command line: `citecheck [--config PATH] [--db URL] <command>`.

Every user mistake (bad file, bad config, unreachable database) ends with one line on
stderr naming what and where, and exit status 1; usage errors exit 2 (argparse).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from checker.settings import Settings, SettingsError, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]


class UserError(Exception):
    """Raised by a command for a problem the user can fix; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citecheck",
        description="Watch the sources your articles cite: dead links, moved pages, "
        "edited or removed evidence, unsupported claims.",
    )
    parser.add_argument("--config", metavar="PATH", help="config file (env CITECHECK_CONFIG)")
    parser.add_argument(
        "--db", metavar="URL", help="database URL (env CITECHECK_DATABASE_URL; "
        "default sqlite:///citecheck.db in the working directory)"
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="<command>", required=True)

    from checker import commands

    commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from store.db import StoreError

    try:
        settings = load_settings(args.config, os.environ, db_url=args.db)
        handler: Handler = args.handler
        return handler(args, settings)
    except (UserError, SettingsError, StoreError) as exc:
        print(f"citecheck: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("citecheck: interrupted", file=sys.stderr)
        return 130


def run_async(coro: Any) -> Any:
    return asyncio.run(coro)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def table(rows: list[list[str]], headers: list[str], widths: list[int]) -> str:
    """A plain text table; long cells are cut with an ellipsis."""

    def cut(text: str, width: int) -> str:
        text = " ".join(str(text).split())
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(cut(h, w).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(cut(c, w).ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def existing_path(text: str) -> Path:
    return Path(text).expanduser()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
