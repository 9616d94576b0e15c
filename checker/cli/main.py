"""The command line: `citecheck [--config PATH] [--db URL] <command>`.

Every user mistake (bad file, bad config, unreachable database) ends with one line on
stderr naming what and where, and exit status 1; usage errors exit 2 (argparse).
Each command lives in its own module with a `register(subparsers)` function; this
module only assembles them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from checker.cli import alerts, checks, demo, discover, export, monitor, support, users
from checker.cli.common import Handler, UserError
from checker.settings import SettingsError, load_settings

COMMAND_MODULES = (checks, discover, export, monitor, alerts, demo, support, users)


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
    parser.add_argument("--version", action="version", version=f"citecheck {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="<command>", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("citecheck")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from checker.archive import ArchiveError
    from checker.model import RenderError
    from store.db import StoreError

    try:
        settings = load_settings(args.config, os.environ, db_url=args.db)
        handler: Handler = args.handler
        return handler(args, settings)
    except (UserError, SettingsError, StoreError, RenderError, ArchiveError) as exc:
        print(f"citecheck: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("citecheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`citecheck flags | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
