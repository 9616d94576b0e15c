"""The store on SQLite and PostgreSQL: schema, import, leases, outcomes, flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from checker.model import (
    ArticleIn,
    CitationIn,
    FlagKind,
    FlagSpec,
    Liveness,
    LivenessState,
    Severity,
)
from checker.outcome import CitationOutcome, SourceHealth, SourceOutcome
from store import sources
from store.articles import import_articles
from store.db import Database, StoreError
from store.flags import FlagActionError, FlagFilter, apply_action, list_flags
from store.results import record_outcome
from store.schema import metadata
from store.tables import AlertEvent, Citation, Flag, FlagEvent, Snapshot, Source

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def article(*citations: tuple[str, str, str], url: str = "https://news.example/a") -> ArticleIn:
    return ArticleIn(
        url=url,
        title="A",
        citations=tuple(CitationIn(ref, src, claim) for ref, src, claim in citations),
    )


BASE = (
    ("1", "https://src.example/one", "The budget rose 3 percent."),
    ("2", "https://src.example/two", "Coverage reached 94 percent."),
    ("2", "https://src.example/two", "Outreach explains the rise."),
)


def test_migrations_match_models(db: Database) -> None:
    db.upgrade()  # idempotent on an already migrated database
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_unreachable_database_is_one_clear_error() -> None:
    db = Database("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match=r"cannot reach database postgresql\+psycopg://nobody@"):
        db.upgrade()
    db.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [("mysql://x@h/db", "unsupported database 'mysql'"), ("::nonsense::", "not valid")],
)
def test_bad_database_url(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        Database(url)


def test_import_then_reimport_updates_in_place(db: Database) -> None:
    first = db.run(lambda s: import_articles(s, [article(*BASE)], T0))
    assert (first.articles_added, first.citations_added, first.sources_added) == (1, 3, 2)

    changed = (BASE[0], BASE[1], ("3", "https://src.example/three?utm_x=1", "New claim."))
    second = db.run(lambda s: import_articles(s, [article(*changed)], T0 + timedelta(days=1)))
    assert (second.articles_updated, second.citations_unchanged) == (1, 2)
    assert (second.citations_added, second.citations_retired, second.sources_added) == (1, 1, 1)

    again = db.run(lambda s: import_articles(s, [article(*changed)], T0 + timedelta(days=2)))
    assert (again.citations_added, again.citations_retired, again.citations_unchanged) == (0, 0, 3)
    live = db.run(
        lambda s: s.execute(
            select(func.count()).select_from(Citation).where(Citation.retired_at.is_(None))
        ).scalar_one()
    )
    assert live == 3


def _lease_all(db: Database, owner: str, now: datetime) -> list[int]:
    return db.run(lambda s: sources.lease_sources(s, owner=owner, now=now, limit=10, lease_s=60))


def test_a_source_is_leased_by_one_worker_until_its_lease_expires(db: Database) -> None:
    db.run(lambda s: import_articles(s, [article(*BASE)], T0))
    assert len(_lease_all(db, "w1", T0)) == 2
    assert _lease_all(db, "w2", T0 + timedelta(seconds=30)) == []  # held by w1
    taken_over = _lease_all(db, "w2", T0 + timedelta(seconds=61))  # w1 died: lease expired
    assert len(taken_over) == 2
    owners = db.run(lambda s: set(s.execute(select(Source.lease_owner)).scalars()))
    assert owners == {"w2"}


def test_retired_citations_are_not_checked(db: Database) -> None:
    db.run(lambda s: import_articles(s, [article(*BASE)], T0))
    db.run(lambda s: import_articles(s, [article(BASE[0])], T0))
    assert len(_lease_all(db, "w1", T0)) == 1


def _outcome(
    source_id: int,
    citation_ids: list[int],
    conditions: tuple[FlagSpec, ...],
    judged: frozenset[FlagKind],
    now: datetime,
    state: LivenessState = LivenessState.DEAD,
) -> SourceOutcome:
    return SourceOutcome(
        source_id=source_id,
        checked_at=now,
        liveness=Liveness(state, "not_found"),
        health=SourceHealth("dead", "not_found", 3, T0, now),
        next_check_at=now + timedelta(days=1),
        interval_s=86_400,
        unchanged_checks=0,
        citations=tuple(CitationOutcome(c, conditions, judged) for c in citation_ids),
        status=404,
        final_url="https://src.example/two",
    )


def _setup_source_two(db: Database) -> tuple[int, list[int]]:
    db.run(lambda s: import_articles(s, [article(*BASE)], T0))

    def ids(s: object) -> tuple[int, list[int]]:
        src = s.execute(select(Source).where(Source.url == "https://src.example/two")).scalar_one()  # type: ignore[attr-defined]
        cites = s.execute(select(Citation.id).where(Citation.source_id == src.id)).scalars()  # type: ignore[attr-defined]
        return src.id, sorted(cites)

    return db.run(ids)


DEAD = FlagSpec(FlagKind.DEAD, Severity.HIGH, {"reason": "not_found"})
ALL_SOURCE_KINDS = frozenset({FlagKind.DEAD, FlagKind.UNREACHABLE, FlagKind.BLOCKED})


def _counts(db: Database) -> tuple[int, int, int, int]:
    def q(s: object) -> tuple[int, int, int, int]:
        n = lambda t: s.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[attr-defined]  # noqa: E731
        open_ = s.execute(  # type: ignore[attr-defined]
            select(func.count()).select_from(Flag).where(Flag.resolved_at.is_(None))
        ).scalar_one()
        return n(Flag), open_, n(FlagEvent), n(AlertEvent)

    return db.run(q)


def test_conditions_open_one_flag_per_citation_and_kind_idempotently(db: Database) -> None:
    sid, cids = _setup_source_two(db)
    outcome = _outcome(sid, cids, (DEAD,), ALL_SOURCE_KINDS, T0)
    assert db.run(lambda s: record_outcome(s, outcome))
    assert _counts(db) == (2, 2, 2, 2)  # 2 flags, 2 "opened" events, 2 outbox rows
    later = _outcome(sid, cids, (DEAD,), ALL_SOURCE_KINDS, T0 + timedelta(days=1))
    db.run(lambda s: record_outcome(s, later))
    assert _counts(db) == (2, 2, 2, 2)  # checking again duplicates nothing

    rows = db.run(lambda s: list_flags(s, FlagFilter()))
    assert {r["kind"] for r in rows} == {"dead"}
    assert rows[0]["source_url"] == "https://src.example/two"
    assert rows[0]["opened_at"] == "2026-01-05T09:00:00Z"
    assert rows[0]["detail"] == {"reason": "not_found"}


def test_recovery_resolves_judged_kinds_only(db: Database) -> None:
    sid, cids = _setup_source_two(db)
    db.run(lambda s: record_outcome(s, _outcome(sid, cids, (DEAD,), ALL_SOURCE_KINDS, T0)))
    # a check that could not judge source kinds (e.g. a transient failure) keeps the flag
    db.run(lambda s: record_outcome(s, _outcome(sid, cids, (), frozenset(), T0)))
    assert _counts(db)[1] == 2
    recovered = _outcome(sid, cids, (), ALL_SOURCE_KINDS, T0, LivenessState.ALIVE)
    db.run(lambda s: record_outcome(s, recovered))
    flags, open_, _, outbox = _counts(db)
    assert (flags, open_, outbox) == (2, 0, 4)  # 2 opened + 2 resolved alerts
    resolved = db.run(lambda s: list_flags(s, FlagFilter(status="resolved")))
    assert {r["resolved_by"] for r in resolved} == {"recovered"}


def test_severity_rise_escalates_the_open_flag(db: Database) -> None:
    sid, cids = _setup_source_two(db)
    kinds = frozenset({FlagKind.EVIDENCE_CHANGED})
    medium = FlagSpec(FlagKind.EVIDENCE_CHANGED, Severity.MEDIUM, {"changes": []})
    high = FlagSpec(FlagKind.EVIDENCE_CHANGED, Severity.HIGH, {"changes": ["number"]})
    db.run(lambda s: record_outcome(s, _outcome(sid, cids[:1], (medium,), kinds, T0)))
    db.run(lambda s: record_outcome(s, _outcome(sid, cids[:1], (high,), kinds, T0)))
    events = db.run(
        lambda s: list(s.execute(select(AlertEvent.type).order_by(AlertEvent.id)).scalars())
    )
    assert events == ["flag.opened", "flag.escalated"]
    assert db.run(lambda s: s.execute(select(Flag.severity)).scalar_one()) == "high"


def test_database_refuses_a_second_open_flag_for_the_same_condition(db: Database) -> None:
    sid, cids = _setup_source_two(db)
    db.run(lambda s: record_outcome(s, _outcome(sid, cids[:1], (DEAD,), ALL_SOURCE_KINDS, T0)))

    def duplicate(s: object) -> None:
        s.add(Flag(citation_id=cids[0], article_id=1, source_id=sid, kind="dead",  # type: ignore[attr-defined]
                   severity="high", opened_at=T0, updated_at=T0))  # fmt: skip

    with pytest.raises(IntegrityError):
        db.run(duplicate)


def test_a_worker_that_lost_its_lease_writes_nothing(db: Database) -> None:
    sid, cids = _setup_source_two(db)
    _lease_all(db, "w1", T0)
    _lease_all(db, "w2", T0 + timedelta(seconds=61))
    outcome = _outcome(sid, cids, (DEAD,), ALL_SOURCE_KINDS, T0)
    assert db.run(lambda s: record_outcome(s, outcome, owner="w1")) is False
    assert _counts(db) == (0, 0, 0, 0)
    assert db.run(lambda s: record_outcome(s, outcome, owner="w2")) is True


def test_editor_actions_are_audited_and_false_alarms_stay_quiet(db: Database) -> None:
    sid, cids = _setup_source_two(db)
    db.run(lambda s: record_outcome(s, _outcome(sid, cids[:1], (DEAD,), ALL_SOURCE_KINDS, T0)))
    flag_id = db.run(lambda s: s.execute(select(Flag.id)).scalar_one())
    db.run(lambda s: apply_action(s, flag_id, "acknowledge", actor="ed", now=T0))
    db.run(lambda s: apply_action(s, flag_id, "false_alarm", actor="ed", now=T0, note="fine"))
    with pytest.raises(FlagActionError, match="already resolved"):
        db.run(lambda s: apply_action(s, flag_id, "mute", actor="ed", now=T0))
    # the same condition again does not reopen a flag the editor dismissed
    db.run(lambda s: record_outcome(s, _outcome(sid, cids[:1], (DEAD,), ALL_SOURCE_KINDS, T0)))
    assert _counts(db)[1] == 0
    actions = db.run(
        lambda s: list(s.execute(select(FlagEvent.action, FlagEvent.actor).order_by(FlagEvent.id)))
    )
    assert [tuple(a) for a in actions] == [
        ("opened", "checker"),
        ("acknowledged", "ed"),
        ("resolved", "ed"),
    ]


def test_snapshots_are_deduplicated_by_content_hash(db: Database) -> None:
    from checker.model import Document

    sid, cids = _setup_source_two(db)
    doc = Document.from_text("T", "Coverage reached 94 percent.\n\nMore.")
    base = _outcome(sid, cids, (), ALL_SOURCE_KINDS, T0, LivenessState.ALIVE)
    for day in range(3):
        outcome = SourceOutcome(
            **{
                **base.__dict__,
                "document": doc,
                "content_hash": "h1",
                "checked_at": T0 + timedelta(days=day),
            }
        )
        db.run(lambda s, o=outcome: record_outcome(s, o))
    snaps = db.run(lambda s: s.execute(select(func.count()).select_from(Snapshot)).scalar_one())
    assert snaps == 1


def test_the_head_read_from_file_names_is_the_head_alembic_reads(db: Database) -> None:
    """Commands find the head without Alembic (store.migrate.head): the file names must
    keep naming their revisions, and an upgraded database must be at that head."""
    from store.migrate import alembic_head, current, head

    assert head() == alembic_head()
    db.upgrade()
    assert current(db.engine) == head()
