"""Writing check results in batches: many outcomes, one transaction.

A worker's results queue up (`checker.engine.writer`) and are written here together.
One statement confirms which leases the owner still holds and locks those rows, one
loads their sources, one their live citations, two their flags; the new check rows and
the updated sources and citations then go out as executemany batches at the final
flush, and the checks' history is trimmed in one statement for the whole batch.

A batch is all or nothing. If the process dies mid-batch, nothing of it is committed
and the leases still name this worker, so another worker checks those sources again
once the leases expire: no result is lost and none is written twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from checker.outcome import SourceOutcome
from store import results
from store.captures import ORPHANED_FILES
from store.claim_groups import rejudge_groups
from store.tables import FlagEvent, Source


@dataclass(frozen=True)
class WrittenBatch:
    written: frozenset[int]  # sources whose result was written
    lost: frozenset[int]  # leases lost to another worker: its result wins, nothing written
    flags_opened: int = 0
    flags_resolved: int = 0
    orphaned_files: tuple[str, ...] = ()  # WARC files no capture uses: delete after commit


def hold_leases(
    session: Session, *, owner: str, ids: Sequence[int], now: datetime, lease_s: float
) -> set[int]:
    """Which of these sources `owner` still holds, locking their rows for the transaction.

    Run first in the transaction that writes results: being an UPDATE, it takes the
    write lock on SQLite (no other process can take a lease over before the results are
    written) and the row locks on PostgreSQL.
    """
    if not ids:
        return set()
    stmt = (
        update(Source)
        .where(col(Source.id).in_(sorted(set(ids))), col(Source.lease_owner) == owner)
        .values(lease_expires_at=now + timedelta(seconds=lease_s))
        .returning(col(Source.id))
    )
    return {row[0] for row in session.exec(stmt)}


def record_batch(
    session: Session,
    outcomes: Sequence[SourceOutcome],
    *,
    owner: str,
    now: datetime,
    lease_s: float,
    check_history: int = 200,
    snapshot_history: int = 20,
    keep_captures: int = 10,
) -> WrittenBatch:
    """Write the outcomes whose leases `owner` still holds, in the caller's transaction."""
    held = hold_leases(
        session, owner=owner, ids=[o.source_id for o in outcomes], now=now, lease_s=lease_s
    )
    mine = [o for o in outcomes if o.source_id in held]
    batch = results.Batch.load(session, [o.source_id for o in mine])
    session.info[_FLAG_ACTIONS] = counted = Counter[str]()
    written: set[int] = set()
    try:
        for outcome in mine:
            if results.record_outcome(
                session,
                outcome,
                owner=owner,
                snapshot_history=snapshot_history,
                keep_captures=keep_captures,
                batch=batch,
            ):
                written.add(outcome.source_id)
        session.flush()
        rejudge_groups(session, batch.regroup, now)
        results.insert_checks(session, batch.checks)
        results.trim_checks(session, sorted(written), check_history)
    finally:
        del session.info[_FLAG_ACTIONS]
        orphaned = tuple(session.info.pop(ORPHANED_FILES, ()))
    lost = frozenset(o.source_id for o in outcomes) - written
    return WrittenBatch(frozenset(written), lost, counted["opened"], counted["resolved"], orphaned)


# The flag events a batch writes are counted as they are flushed (for the metrics), only
# in sessions that ask for it by putting a Counter under this key.
_FLAG_ACTIONS = "citecheck.flag_actions"


@event.listens_for(OrmSession, "before_flush")
def _count_flag_events(session: OrmSession, _context: Any, _instances: Any) -> None:
    counted = session.info.get(_FLAG_ACTIONS)
    if counted is not None:
        counted.update(obj.action for obj in session.new if isinstance(obj, FlagEvent))
