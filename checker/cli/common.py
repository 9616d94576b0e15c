"""What every command shares: the user-error type, the database opener, output helpers.

Command modules import from here and never from each other or from `checker.cli.main`,
so the command line has no import circle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.settings import Settings

if TYPE_CHECKING:
    from store.db import Database

Handler = Callable[[argparse.Namespace, Settings], int]


class UserError(Exception):
    """Raised by a command for a problem the user can fix; printed as one line."""


@contextmanager
def open_db(settings: Settings, *, existing: bool = False) -> Iterator[Database]:
    """The database, migrated; `existing`: refuse a SQLite file that is not there yet
    (a reading command in the wrong folder must not leave an empty database behind)."""
    from store.db import Database, parse_url

    url = parse_url(settings.database.url)
    if (
        existing
        and url.get_backend_name() == "sqlite"
        and url.database not in (None, "", ":memory:")
    ):
        path = Path(url.database)
        if not path.exists():
            raise UserError(
                f"no database at {path.resolve()}: import articles first "
                "(`citecheck import FILE`), or point --db / CITECHECK_DATABASE_URL at yours"
            )
    db = Database(settings.database.url, pool_size=settings.database.pool_size)
    try:
        db.upgrade()
        yield db
    finally:
        db.close()


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


def print_check_report(report: dict[str, Any]) -> None:
    states = ", ".join(f"{n} {s}" for s, n in sorted(report["states"].items())) or "nothing due"
    print(f"checked {report['checked']} source(s): {states}")
    if report["suspects"]:
        print(f"pending suspicions ({len(report['suspects'])}), not flagged until confirmed:")
        for s in report["suspects"]:
            print(
                f"  {s['url']}  {s['reason']}  failure {s['failures']}/{s['needed']}, "
                f"re-check after {s['next_check_at'][:16]}"
            )
    for err in report["errors"]:
        print(f"  internal error on {err['url']}: {err['error']}")
    private = [s for s in report["suspects"] if s["reason"] == "forbidden_address"]
    if private:
        print(
            f"{len(private)} source(s) on private or local addresses were not fetched: "
            "set [fetch] allow_private_networks = true to check them"
        )
    counts = ", ".join(f"{n} {k}" for k, n in sorted(report["open_flags"].items()))
    print(f"open flags: {counts or 'none'}")


def flags_table(rows: list[dict[str, Any]]) -> str:
    from store.dashboard import flag_summary

    if not rows:
        return "no flags"
    body = [
        [
            str(r["id"]),
            r["severity"],
            r["kind"],
            r["status"],
            flag_summary(r["kind"], r["detail"]),
            r["source_url"],
            r["claim"],
            _day(r["opened_at"]),
        ]
        for r in rows
    ]
    headers = ["id", "severity", "kind", "status", "why", "source", "claim", "opened"]
    return table(body, headers, [5, 8, 16, 12, 22, 40, 40, 10])


def _day(iso: str | None) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).strftime("%Y-%m-%d") if iso else ""
