"""The `citecheck` command line; `main` is the console script's entry point."""

from checker.cli.main import main

__all__ = ["main"]
