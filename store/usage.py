"""Daily budgets shared by every worker: how much of a metered service was used today.

The claim judgement's second opinion (`[support] second_stage`, an llm endpoint or a
local model) may be asked about at most `second_stage_daily_parts` parts a day. Each
worker and each `citecheck check` run counts against the same row of `daily_usage`, so
the budget holds across processes and machines. Grants are compare-and-set updates:
two workers taking the last units of a day never both get them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from store.db import Database

ATTEMPTS = 5  # compare-and-set rounds before giving up (another worker kept winning)


class DailyUsage(SQLModel, table=True):
    __tablename__ = "daily_usage"

    day: date = Field(primary_key=True)
    what: str = Field(primary_key=True, max_length=32)
    used: int = 0


class StoreLedger:
    """`checker.support.second.Ledger` in the database."""

    def __init__(self, db: Database, what: str = "second_opinion") -> None:
        self.db, self.what = db, what

    def take(self, day: date, wanted: int, limit: int) -> int:
        return self.db.run(lambda session: take(session, day, self.what, wanted, limit))


def take(session: Session, day: date, what: str, wanted: int, limit: int) -> int:
    """Grant up to `wanted` units of `what` for `day` without going past `limit`."""
    if wanted <= 0:
        return 0
    _ensure_row(session, day, what)
    for _ in range(ATTEMPTS):
        used = session.exec(
            select(DailyUsage.used).where(DailyUsage.day == day, DailyUsage.what == what)
        ).one()
        granted = max(0, min(wanted, limit - used))
        if granted == 0:
            return 0
        changed = session.execute(
            update(DailyUsage)
            .where(
                col(DailyUsage.day) == day,
                col(DailyUsage.what) == what,
                col(DailyUsage.used) == used,
            )
            .values(used=used + granted)
        )
        if changed.rowcount == 1:  # type: ignore[attr-defined]
            return granted
    return 0


def used_on(session: Session, day: date, what: str = "second_opinion") -> int:
    found = session.get(DailyUsage, (day, what))
    return found.used if found is not None else 0


def _ensure_row(session: Session, day: date, what: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(DailyUsage).values(day=day, what=what, used=0).on_conflict_do_nothing())
