"""The real data the tests use, shipped under tests/data with the licence of each set.

- news-pages/: 60 saved news and blog article pages with their true article bodies
  (Scrapinghub's article extraction benchmark, MIT, see news-pages/LICENSE).
- wice/: the WiCE dev claims with the sentences of the pages they cite (Kamoi et al.,
  EMNLP 2023; see wice/LICENSE.md).
- seed-article/: a real published fact-check as a reader copies it (see its README).

Every test reads from here, never from outside the project, so a fresh clone runs them all.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
NEWS_PAGES = DATA / "news-pages"
NEWS_HTML = NEWS_PAGES / "html"
WICE_DEV = DATA / "wice" / "claim-dev.jsonl.gz"
SEED_ARTICLE = DATA / "seed-article" / "factcheck-ice-cooperation.txt"


@cache
def ground_truth() -> dict[str, dict[str, Any]]:
    """{page id: {"url", "articleBody", ...}} for the saved news pages."""
    with gzip.open(NEWS_PAGES / "ground-truth.json.gz", "rt", encoding="utf-8") as file:
        truth: dict[str, dict[str, Any]] = json.load(file)
    return truth


def news_html(page_id: str) -> bytes:
    return gzip.decompress((NEWS_HTML / f"{page_id}.html.gz").read_bytes())


def wice_rows() -> list[dict[str, Any]]:
    with gzip.open(WICE_DEV, "rt", encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]
