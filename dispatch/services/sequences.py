"""Named counters, atomic on SQLite and PostgreSQL (INSERT … ON CONFLICT … RETURNING)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from dispatch.models import Counter


def next_value(session: Session, key: str) -> int:
    """Increment and return the counter `key` (1 for a new one) in the caller's transaction."""
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    table = Counter.__table__
    stmt = insert(table).values(key=key, value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key], set_={"value": table.c.value + 1}
    ).returning(table.c.value)
    return int(session.execute(stmt).scalar_one())
