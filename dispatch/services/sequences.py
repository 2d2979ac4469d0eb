"""Named counters, atomic on SQLite and PostgreSQL (INSERT … ON CONFLICT … RETURNING)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import create_engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dispatch.models import Counter


@lru_cache(maxsize=4)
def _counter_engine(url: str) -> Engine:
    """A small pool of its own: a caller holding a connection of the main pool must never
    wait for another connection of that same pool (that is how pools deadlock)."""
    return create_engine(url, pool_size=2, max_overflow=6, pool_pre_ping=True)


def next_value(session: Session, key: str) -> int:
    """Increment and return the counter `key` (1 for a new one).

    It runs in a short transaction of its own and commits at once: every submission of the
    day takes the same counter row, and holding its lock until the caller's commit would
    queue them all. A failed submission leaves a gap in the numbers, never a duplicate.
    """
    bind = session.get_bind()
    engine = _counter_engine(bind.url.render_as_string(hide_password=False))
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    table = Counter.__table__
    stmt = (
        insert(table)
        .values(key=key, value=1)
        .on_conflict_do_update(index_elements=[table.c.key], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    with engine.begin() as conn:
        return int(conn.execute(stmt).scalar_one())
