"""The daily number in reference codes (KKR-20261128-0042): unique, in order, gaps allowed.

On PostgreSQL the number comes from the sequence `request_number`, drawn by the intake
statement itself: `nextval` takes no lock and needs no round trip of its own. The n-th
request of a day is `nextval - base`, where the day's base is a value of that same sequence
drawn once, before any number of that day, and kept in the `counter` table so that every
process agrees on it (and in memory, once stored). Every number of a day is then drawn after
its base, so numbers start at 1 and never repeat. A resent submission draws no number
(the statement looks for its key first); a failed insert leaves a gap, and so do two sends
of one key racing each other and a request made just before midnight whose statement drew
its value just after.

On SQLite, which has no sequences, a `counter` row per day is incremented in a short
transaction of its own (SQLite has one writer at a time anyway).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from sqlalchemy import Connection, String, bindparam, cast, create_engine, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Engine
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from dispatch.models import Counter

SEQUENCE = "request_number"  # created by migration 0004
_table = Counter.__table__

_SQLITE_UPSERT = (
    sqlite_insert(_table)
    .values(key=bindparam("key"), value=1)
    .on_conflict_do_update(index_elements=[_table.c.key], set_={"value": _table.c.value + 1})
    .returning(_table.c.value)
)

# Draws the day's base unless it is stored; returns the stored base either way. The row a
# concurrent statement committed after this statement's snapshot is invisible to it, so
# the answer may be empty: then it is asked again (with a fresh snapshot).
_PG_BASE = text(
    """
    WITH drawn AS (
        INSERT INTO counter (key, value)
        SELECT CAST(:key AS VARCHAR), nextval('request_number')
        WHERE NOT EXISTS (SELECT 1 FROM counter WHERE key = CAST(:key AS VARCHAR))
        ON CONFLICT (key) DO NOTHING
        RETURNING value
    )
    SELECT value, true FROM drawn
    UNION ALL
    SELECT value, false FROM counter WHERE key = CAST(:key AS VARCHAR)
    """
)

# (database, day key) -> base, once stored: a stored base never changes.
_BASES: dict[tuple[URL, str], int] = {}
_BASES_LOCK = threading.Lock()


def day_number() -> ColumnElement[str]:
    """SQL for the reference of a new request on PostgreSQL: `:ref_prefix` followed by the
    day's next number, at least four digits (bind `ref_prefix` and `ref_base`).

    A scalar subquery, so that `nextval` is called once however often the number is used.
    """
    drawn = select(
        (func.nextval(SEQUENCE) - bindparam("ref_base", type_=_table.c.value.type)).label("n")
    ).subquery("drawn")
    n = cast(drawn.c.n, String)
    padded = func.lpad(n, func.greatest(4, func.length(n)), "0")
    return select(bindparam("ref_prefix", type_=String) + padded).scalar_subquery()


def day_base(conn: Connection, key: str, *, autocommit: bool) -> int:
    """The base of day `key` on PostgreSQL, drawn and stored on the day's first request.

    Run on the caller's connection. In the caller's transaction (`autocommit` false), a base
    this call inserted is not remembered: the transaction may yet roll back.
    """
    memo = (conn.engine.url, key)
    with _BASES_LOCK:
        base = _BASES.get(memo)
    if base is not None:
        return base
    for _ in range(3):
        found = conn.execute(_PG_BASE, {"key": key}).first()
        if found is not None:
            base, drawn = found
            if autocommit or not drawn:
                with _BASES_LOCK:
                    _BASES[memo] = base
            return base
    raise RuntimeError(f"no base stored for {key}")


@lru_cache(maxsize=4)
def _sqlite_counter_engine(url: URL) -> Engine:
    """A small pool of its own, so the increment commits at once without the caller's
    transaction, and a caller holding a connection of the main pool never waits for
    another connection of that same pool (that is how pools deadlock)."""
    return create_engine(url, pool_size=2, max_overflow=6, pool_pre_ping=True, hide_parameters=True)


def next_value(session: Session, key: str) -> int:
    """On SQLite: increment and return the counter `key` (1 for a new one), committed at once."""
    engine = _sqlite_counter_engine(session.get_bind().url)
    with engine.begin() as conn:
        return int(conn.execute(_SQLITE_UPSERT, {"key": key}).scalar_one())
