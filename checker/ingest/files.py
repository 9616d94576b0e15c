"""Many article files at once: a folder (a static site's content), or a glob.

`content/` takes every article file below it (by extension: .md, .html, .txt, .json,
...), hidden folders like .git left out; `content/**/*.md` is a glob (`**` spans
folders). Each file must name its public URL (front matter `url:`, a canonical link,
a JSON `url`): a file:// address would make a new article every time the site is
built somewhere else. A file that cites nothing is skipped and said so; any other
problem in any file fails the whole import, and nothing is imported.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker.ingest import load_articles
from checker.ingest.errors import SHOWN_PROBLEMS, IngestError, NoCitationsError
from checker.ingest.reading import EXTENSIONS
from checker.model import ArticleIn

_GLOB_CHARS = frozenset("*?[")


@dataclass
class Batch:
    articles: list[ArticleIn] = field(default_factory=list)
    files: int = 0
    skipped: list[str] = field(default_factory=list)  # "file: why", files citing nothing


def is_many(spec: str) -> bool:
    return bool(_GLOB_CHARS & set(spec)) or Path(spec).is_dir()


def article_files(spec: str) -> list[Path]:
    """The files a folder or glob names, sorted; an error when there are none."""
    if _GLOB_CHARS & set(spec):
        found = [Path(p) for p in glob.glob(spec, recursive=True)]
        files = sorted(p for p in found if p.is_file() and not _hidden(p, Path(".")))
        if not files:
            raise IngestError(f"no files match {spec}; check the pattern (quote it for the shell)")
        return files
    root = Path(spec)
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in EXTENSIONS and not _hidden(p, root)
    )
    if not files:
        known = ", ".join(sorted(set(EXTENSIONS)))
        raise IngestError(f"no article files ({known}) in the folder {spec}")
    return files


def _hidden(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


def load_many(specs: Sequence[str], fmt: str = "auto", *, max_bytes: int) -> Batch:
    """Every article of every file the folders and globs name, or an IngestError
    listing the problems of all files (one per line)."""
    batch = Batch()
    problems: list[str] = []
    paths = dict.fromkeys(p for spec in specs for p in article_files(spec))
    for path in paths:
        batch.files += 1
        try:
            articles = load_articles(path, fmt, max_bytes=max_bytes)
        except NoCitationsError:
            batch.skipped.append(f"{path}: cites nothing")
            continue
        except IngestError as exc:
            many = len(exc.problems) > 1
            problems.extend([f"{path}: {p}" for p in exc.problems] if many else [str(exc)])
            continue
        for article in articles:
            if article.url.startswith("file:"):
                problems.append(
                    f"{path}: states no public URL; give it `url:` front matter "
                    "(or a <link rel=canonical>)"
                )
            else:
                batch.articles.append(article)
    if problems:
        shown = "".join(f"\n  - {p}" for p in problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        tail = f"\n  … and {more} more" if more > 0 else ""
        raise IngestError(
            f"{len(problems)} problem(s) in {batch.files} file(s), nothing was imported:"
            f"{shown}{tail}",
            problems,
        )
    return batch
