"""A sentence cited to several sources, in the store: its citations are judged together
whenever one of its sources is read, whatever the order, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from checker.ingest import load_articles
from checker.model import Liveness, LivenessState, PartSupport, Support, SupportLabel
from checker.outcome import CitationOutcome, SourceHealth, SourceOutcome
from checker.verdict import support_conditions
from store.articles import import_articles
from store.claim_groups import co_cited_ids
from store.db import Database
from store.flags import FlagFilter, list_flags
from store.results import record_outcome
from store.tables import Citation

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
CLAIM = "The council approved the budget in March, and the mayor signed it in April."
FIRST, SECOND = "The council approved the budget in March", "the mayor signed it in April."


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "a.md",
            f"{CLAIM[:-1]} [1][2].\n\n## References\n[1] https://one.test/a\n[2] https://two.test/b\n",
        ),
        (
            "b.md",
            f"{CLAIM[:-1]} [1, 2].\n\n## Sources\n1. https://one.test/a\n2. https://two.test/b\n",
        ),
        ("c.md", f"{CLAIM}[^1][^2]\n\n[^1]: https://one.test/a\n[^2]: https://two.test/b\n"),
        (
            "d.html",
            f"<html><body><article><p>{CLAIM}<sup><a href='#n1'>1</a></sup><sup><a href='#n2'>2"
            "</a></sup></p><ol><li id='n1'><a href='https://one.test/a'>one</a></li>"
            "<li id='n2'><a href='https://two.test/b'>two</a></li></ol></article></body></html>",
        ),
    ],
)
def test_every_format_gives_one_sentence_two_sources(
    db: Database, tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    articles = load_articles(path, article_url="https://paper.test/story")
    db.run(lambda s: import_articles(s, articles, T0))
    rows = db.run(lambda s: list(s.exec(select(Citation).order_by(col(Citation.id)))))
    assert [r.claim for r in rows] == [CLAIM, CLAIM]
    assert db.run(lambda s: co_cited_ids(s, [r.id for r in rows if r.id])) == {r.id for r in rows}


def part(text: str, label: SupportLabel, reason: str = "", kind: str = "") -> PartSupport:
    start = CLAIM.find(text)
    score = {"supported": 0.9, "not_confirmed": 0.3, "unsupported": 0.1}[label.value]
    return PartSupport(text, start, start + len(text), label, score, f"[{text}]", reason, kind)


def outcome(
    source_id: int,
    citation_id: int,
    parts: list[PartSupport],
    at: datetime,
    *,
    co_cited: bool = True,
) -> SourceOutcome:
    worst = max(parts, key=lambda p: p.label.rank)
    support = Support(0.5, worst.label, (), "lexical", parts=tuple(parts), reason=worst.reason)
    conditions, judged = support_conditions(support, co_cited=co_cited)
    return SourceOutcome(
        source_id=source_id,
        checked_at=at,
        liveness=Liveness(LivenessState.ALIVE, "ok"),
        health=SourceHealth("ok"),
        next_check_at=at + timedelta(days=1),
        interval_s=86_400,
        unchanged_checks=0,
        citations=(
            CitationOutcome(
                citation_id, tuple(conditions), judged, support=support, co_cited=co_cited
            ),
        ),
        status=200,
        content_hash=f"h{at.isoformat()}",
    )


def test_a_part_is_flagged_only_once_every_source_was_read_and_none_supports_it(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"{CLAIM[:-1]} [1] [2].\n\n[1] https://one.test/a\n[2] https://two.test/b\n")
    db.run(lambda s: import_articles(s, load_articles(path, article_url="https://p.test/s"), T0))
    one, two = db.run(lambda s: list(s.exec(select(Citation).order_by(col(Citation.id)))))
    contradicted = part(
        SECOND, SupportLabel.UNSUPPORTED, "claim says April, source says May: “…”", "figure"
    )

    # [1] supports the first half and contradicts the second; [2] not read yet: no flag
    db.run(
        lambda s: record_outcome(
            s,
            outcome(one.source_id, one.id, [part(FIRST, SupportLabel.SUPPORTED), contradicted], T0),
        )
    )
    assert db.run(lambda s: list_flags(s, FlagFilter())) == []

    # [2] is read and says nothing of the second half: [1]'s contradiction now stands
    later = T0 + timedelta(hours=1)
    weak = [
        part(FIRST, SupportLabel.NOT_CONFIRMED, "weak", "weak"),
        part(SECOND, SupportLabel.NOT_CONFIRMED, "weak", "weak"),
    ]
    db.run(lambda s: record_outcome(s, outcome(two.source_id, two.id, weak, later)))
    [flag] = db.run(lambda s: list_flags(s, FlagFilter()))
    assert (flag["ref"], flag["kind"]) == ("1", "unsupported")
    assert flag["detail"]["part"] == SECOND
    assert flag["detail"]["reason"].startswith("claim says April, source says May")
    assert {e["ref"]: e["supports"] for e in flag["detail"]["co_cited"]} == {"1": [FIRST], "2": []}

    # [2] now states the second half: the sentence is supported, the flag resolves itself
    fixed = [
        part(FIRST, SupportLabel.NOT_CONFIRMED, "weak", "weak"),
        part(SECOND, SupportLabel.SUPPORTED),
    ]
    db.run(
        lambda s: record_outcome(
            s, outcome(two.source_id, two.id, fixed, later + timedelta(days=1))
        )
    )
    assert db.run(lambda s: list_flags(s, FlagFilter())) == []
    labels = db.run(
        lambda s: [c.support_label for c in s.exec(select(Citation).order_by(col(Citation.id)))]
    )
    assert labels == ["supported", "supported"]


def test_a_replaced_source_forgets_what_the_old_one_said_of_the_claim(
    db: Database, tmp_path: Path
) -> None:
    from store.editing import replace_source

    path = tmp_path / "a.md"
    path.write_text(f"{CLAIM[:-1]} [1].\n\n[1] https://one.test/a\n")
    db.run(lambda s: import_articles(s, load_articles(path, article_url="https://p.test/s"), T0))
    [cited] = db.run(lambda s: list(s.exec(select(Citation))))
    wrong = part(
        SECOND, SupportLabel.UNSUPPORTED, "claim says April, source says May: “…”", "figure"
    )
    parts = [part(FIRST, SupportLabel.SUPPORTED), wrong]
    db.run(
        lambda s: record_outcome(s, outcome(cited.source_id, cited.id, parts, T0, co_cited=False))
    )
    [flag] = db.run(lambda s: list_flags(s, FlagFilter()))
    later = T0 + timedelta(hours=1)
    db.run(
        lambda s: replace_source(s, flag["id"], actor="ed", now=later, new_url="https://two.test/b")
    )
    [after] = db.run(lambda s: list(s.exec(select(Citation))))
    assert (after.support_parts, after.support_reason, after.support_label) == (None, None, None)
