"""Engine, sessions and migrations. SQLite by default, PostgreSQL by one URL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from dispatch.config import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
IDLE_PING_SECONDS = 1.0
# Connections one process may hold on PostgreSQL: what 50 concurrent submissions need.
POOL_SIZE, POOL_OVERFLOW = 30, 10
CONNECTIONS_PER_PROCESS = POOL_SIZE + POOL_OVERFLOW


def make_engine(url: str) -> Engine:
    """An engine whose errors never carry the statement's values (`hide_parameters`): they
    reach the logs, and the values are survivors' data."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn, _record) -> None:  # pragma: no cover - trivial
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    engine = create_engine(
        url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, hide_parameters=True
    )
    ping_when_idle(engine)
    return engine


def ping_when_idle(engine: Engine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    """Check a pooled connection before use only when it has lain idle a while.

    A connection back from a request a moment ago is alive; one that lay idle may have been
    closed by a restart or a firewall meanwhile. Pinging every checkout (`pool_pre_ping`)
    cost a round trip and about a tenth of the CPU of a submission under load; this skips it
    for connections used within the last second (as HikariCP's bypass window does). A
    connection that died within that second fails its request with a 503 and the pool
    drops every connection older than the failure.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError() from exc  # the pool reconnects and tries again
        if not alive:
            raise DisconnectionError()


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    return make_engine(url or get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A unit of work: committed on success, rolled back on error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the schema to `revision` through Alembic (never create_all)."""
    command.upgrade(alembic_config(engine or get_engine()), revision)


def ping(engine: Engine | None = None) -> None:
    with (engine or get_engine()).connect() as conn:
        conn.execute(text("SELECT 1"))


def connection_limit(engine: Engine) -> int | None:
    """How many connections the PostgreSQL server accepts from ordinary roles (None on
    SQLite), so that `serve --workers N` can refuse to start more pools than that."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        total = int(conn.execute(text("SHOW max_connections")).scalar_one())
        reserved = int(conn.execute(text("SHOW superuser_reserved_connections")).scalar_one())
    return total - reserved
