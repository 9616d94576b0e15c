"""The command line as scripts use it: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from datasets import SEED_ARTICLE

from checker.cli import main
from checker.cli.main import build_parser


@pytest.fixture
def dbarg(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{tmp_path / 'cli.db'}"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("citecheck: error: ")
    return lines[0]


ARTICLE = {
    "url": "https://news.example/2025/story",
    "title": "Story",
    "published_at": "2025-01-02T03:04:05Z",
    "citations": [
        {"ref": "1", "url": "https://src.example/a?utm_source=x", "claim": "A rose 3%."},
        {"ref": "2", "url": "https://SRC.example:443/a#frag", "claim": "B fell."},
    ],
}


def test_import_json_then_list_flags_as_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dbarg: list[str]
) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(ARTICLE))
    code, out, _ = run(capsys, *dbarg, "import", str(path), "--json")
    assert code == 0
    summary = json.loads(out)
    # both URLs normalize to one source: fetched once however many citations point at it
    assert (summary["citations_added"], summary["sources_added"]) == (2, 1)
    code, out, _ = run(capsys, *dbarg, "import", str(path))
    assert code == 0 and "2 unchanged" in out
    code, out, _ = run(capsys, *dbarg, "flags", "--json", "--status", "all")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, [], r"not found|no such file"),
        ('{"url": "https://a.example/", "title": "x", "citations": [', [], r"line 1, column \d+"),
        ('{"url": "https://a.example/", "title": "t", "citations": [{"ref": "1", "claim": "c"}]}',
         [], r"ref 1.*url"),
        ('{"url": "https://a.example/", "title": "t", "citations": '
         '[{"ref": "1", "url": "javascript:alert(1)", "claim": "c"}]}', [], r"javascript"),
        ('{"url": "https://a.example/", "title": "t", "citations": '
         '[{"ref": "1", "url": "mailto:x@y.z", "claim": "c"}]}', [], r"mailto"),
        ("A claim [1].\n", ["--format", "text"], r"\[1\]"),
    ],
)  # fmt: skip
def test_bad_import_is_one_line_nonzero_and_stores_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    dbarg: list[str],
    content: str | None,
    args: list[str],
    message: str,
) -> None:
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    code, _, err = run(capsys, *dbarg, "import", str(path), *args)
    assert code == 1
    assert re.search(message, one_line_error(err), re.IGNORECASE)
    code, out, err = run(capsys, *dbarg, "flags", "--json", "--status", "all")
    # nothing stored: an empty database, or none at all (the import failed before it)
    assert (code == 0 and json.loads(out) == []) or (code == 1 and "no database at" in err)


def test_unknown_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], dbarg: list[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([*dbarg, "import", "x.json", "--format", "docx"])
    assert info.value.code == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err


def test_non_utf8_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dbarg: list[str]
) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        "Caf\xe9 au lait [1].\n\nReferences\n[1] https://a.example/\n".encode("latin-1")
    )
    code, _, err = run(capsys, *dbarg, "import", str(path))
    assert code == 1
    assert "UTF-8" in one_line_error(err) and str(path) in err


def test_huge_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dbarg: list[str]
) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    code, _, err = run(capsys, *dbarg, "import", str(path))
    assert code == 1
    assert "large" in one_line_error(err).lower()


def test_seed_article_without_references_lists_unresolved_markers(
    capsys: pytest.CaptureFixture[str], dbarg: list[str]
) -> None:
    code, _, err = run(capsys, *dbarg, "import", str(SEED_ARTICLE))
    assert code == 1
    line = one_line_error(err)
    assert "[1]" in line and "[9]" in line and "--refs" in line


def test_seed_article_with_refs_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dbarg: list[str]
) -> None:
    seed = SEED_ARTICLE
    refs = tmp_path / "refs.txt"
    refs.write_text("".join(f"[{n}] http://127.0.0.1:9/source-{n}\n" for n in range(1, 10)))
    code, out, err = run(capsys, *dbarg, "import", str(seed), "--refs", str(refs), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["sources_added"] == 9
    # ten markers: [2] is cited by two sentences, and "[1] [2]" gives one sentence two sources
    assert summary["citations_added"] == 10


def test_unreachable_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(ARTICLE))
    code, _, err = run(capsys, "--db", "postgresql://x@127.0.0.1:1/db", "import", str(path))
    assert code == 1
    assert "cannot reach database" in one_line_error(err)


def test_bad_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[fetch]\nmax_bites = 3\n")
    code, _, err = run(capsys, "--config", str(cfg), "flags")
    assert code == 1
    assert "unknown key 'max_bites'" in one_line_error(err)


def test_default_database_is_sqlite_in_working_directory_with_wal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CITECHECK_DATABASE_URL", raising=False)
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    code, out, _ = run(capsys, "flags")
    assert code == 0 and out.strip() == "no flags"
    conn = sqlite3.connect(tmp_path / "citecheck.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


@pytest.mark.parametrize("command", [["flags"], ["check", "--all"], ["users", "list"]])
def test_reading_commands_leave_no_empty_database_behind(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    """In the wrong folder, or with a typo in --db: one line naming the path, exit 1,
    and no new empty database (which would answer "no flags" and "nothing due"), nor an
    archive folder beside it."""
    typo = tmp_path / "typo.db"
    code, _, err = run(capsys, "--db", f"sqlite:///{typo}", *command)
    assert code == 1 and f"no database at {typo}" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_ends_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`citecheck flags | head -1`: when the reader goes away, no BrokenPipeError trace."""
    import os
    import sys

    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["--db", url, "db", "upgrade"]) == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before we write
    with open(write_end, "w", buffering=1) as closed:
        monkeypatch.setattr(sys, "stdout", closed)
        code = main(["--db", url, "flags"])
        monkeypatch.undo()
    assert code == 141


def test_version_and_serve_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("citecheck ")
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)


def test_check_says_how_to_allow_sources_on_private_networks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A source on a local address is refused before any connection; the summary and the
    flag say which setting allows it."""
    articles = tmp_path / "a.json"
    citation = {"ref": "1", "url": "http://127.0.0.1:9/intranet/report", "claim": "It says so."}
    articles.write_text(
        json.dumps({"url": "https://a.example/x", "title": "t", "citations": [citation]})
    )
    db = ["--db", f"sqlite:///{tmp_path / 'c.db'}"]
    assert run(capsys, *db, "import", str(articles))[0] == 0
    code, out, _ = run(capsys, *db, "check", "--all")
    assert code == 0 and "set [fetch] allow_private_networks = true" in out


def test_a_file_without_its_url_is_imported_with_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    story = tmp_path / "story.md"
    story.write_text("The council approved it [1].\n\n[1]: https://a.example/report\n")
    db = ["--db", f"sqlite:///{tmp_path / 'c.db'}"]
    code, _, err = run(capsys, *db, "import", str(story))
    assert code == 0 and "states no article URL" in err and "--article-url" in err
    code, _, err = run(capsys, *db, "import", str(story), "--article-url", "https://p.example/s")
    assert code == 0 and "warning" not in err


def test_every_argument_has_help() -> None:
    import argparse

    missing = []

    def walk(parser: argparse.ArgumentParser, where: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{where} {name}")
            elif not isinstance(action, argparse._HelpAction) and not action.help:
                missing.append(f"{where} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser(), "citecheck")
    assert missing == []
