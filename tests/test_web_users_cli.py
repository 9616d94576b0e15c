"""`citecheck users add|token|list`: the first admin, API tokens, clear errors."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from checker.cli import main
from checker.web.accounts import digest
from store.auth_tables import ApiToken
from store.db import Database


def run(db_url: str, *args: str, stdin: str = "") -> int:
    import sys

    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["--db", db_url, "users", *args])
    finally:
        sys.stdin = saved


def test_first_admin_then_a_token_then_the_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert run(url, "add", "ann", "--role", "admin", "--password-stdin", stdin="s3cret pass\n") == 0
    assert "user ann (admin) created" in capsys.readouterr().out
    assert run(url, "token", "ann", "--label", "ci") == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("cc_")
    db = Database(url)
    stored = db.run(lambda s: s.execute(select(ApiToken.token_hash)).scalar_one())
    db.close()
    assert stored == digest(token) and token not in stored  # only the digest is kept
    assert run(url, "list") == 0
    assert "ann\tadmin" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "bob", "--password-stdin"), "short\n", "at least 8 characters"),
        (("token", "ghost"), "", "no user named 'ghost'"),
        # no terminal (docker compose exec -T, a script): a clear line, no traceback
        (("add", "bob"), "", "no terminal to ask for the password: pipe it in with"),
    ],
)
def test_mistakes_are_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    stdin: str,
    message: str,
) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert run(url, "add", "ann", "--password-stdin", stdin="s3cret pass\n") == 0
    capsys.readouterr()
    assert run(url, *args, stdin=stdin) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_worker_once_and_check_report_the_same_open_flags(
    seeded: object, db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import update

    from store.tables import Source

    with db.engine.begin() as conn:  # nothing due: only the summaries are compared
        conn.execute(update(Source).values(next_check_at=datetime(2999, 1, 1, tzinfo=UTC)))
    assert main(["--db", db_url, "check"]) == 0
    check_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["--db", db_url, "worker", "--once"]) == 0
    worker_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert check_line.startswith("open flags: 1 dead") and worker_line == check_line
