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
    seeded: object,
    db: Database,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from sqlalchemy import update

    from store.tables import Source

    # beside a PostgreSQL database, the archive folder would be ./archive: the checkout
    monkeypatch.setenv("CITECHECK_ARCHIVE_FOLDER", str(tmp_path / "archive"))

    with db.engine.begin() as conn:  # nothing due: only the summaries are compared
        conn.execute(update(Source).values(next_check_at=datetime(2999, 1, 1, tzinfo=UTC)))
    assert main(["--db", db_url, "check"]) == 0
    check_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["--db", db_url, "worker", "--once"]) == 0
    worker_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert check_line.startswith("open flags: 1 dead") and worker_line == check_line


def test_user_administration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Revoke tokens, reset a password, change a role, disable and enable a user."""
    from checker.web.accounts import check_password, token_principal

    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert run(url, "add", "ann", "--role", "editor", "--password-stdin", stdin="first pass\n") == 0
    assert run(url, "token", "ann", "--label", "ci") == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    db = Database(url)
    now = datetime.now(UTC)

    def principal() -> object:
        return db.run(lambda s: token_principal(s, token, now))

    try:
        assert run(url, "set-role", "ann", "admin") == 0
        assert getattr(principal(), "role", None) == "admin"
        assert run(url, "disable", "ann") == 0
        assert principal() is None  # a disabled user's tokens stop working
        assert db.run(lambda s: check_password(s, "ann", "first pass", "a", now)) is None
        assert run(url, "enable", "ann") == 0 and principal() is not None
        assert run(url, "set-password", "ann", "--password-stdin", stdin="second pass\n") == 0
        assert db.run(lambda s: check_password(s, "ann", "first pass", "b", now)) is None
        assert db.run(lambda s: check_password(s, "ann", "second pass", "c", now)) is not None
        assert run(url, "revoke-token", "ann", "--label", "ci") == 0
        assert principal() is None
        capsys.readouterr()
        assert run(url, "revoke-token", "ann") == 1  # nothing left to revoke: one line
        assert "has no active token" in capsys.readouterr().err
        assert run(url, "set-role", "ghost", "admin") == 1
    finally:
        db.close()
