"""Pooled PostgreSQL connections that the server closed (a restart, a firewall, an idle
timeout) must not turn into errors for the people using the service."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from dispatch.db import IDLE_PING_SECONDS, make_engine, ping, ping_when_idle
from tests.conftest import _fresh_pg_database
from tests.test_setup import PG, _pg_available

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(not _pg_available(), reason=f"PostgreSQL is not reachable at {PG}"),
]


@pytest.fixture
def pg_url():
    url, drop = _fresh_pg_database(PG)
    yield url
    drop()


def _pooled_backend(engine) -> int:
    """Use a connection once and leave it in the pool; return its server process id."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(url: str, pid: int) -> None:
    killer = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with killer.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    killer.dispose()


def test_a_connection_closed_while_idle_in_the_pool_is_replaced_unnoticed(pg_url):
    engine = make_engine(pg_url)
    pid = _pooled_backend(engine)
    _terminate(pg_url, pid)
    time.sleep(IDLE_PING_SECONDS + 0.2)
    assert _pooled_backend(engine) != pid  # no error: checked on checkout, then replaced
    engine.dispose()


def test_a_connection_closed_just_after_use_fails_one_request_clearly_then_recovers(
    pg_url, settings
):
    from dispatch.web.app import create_app

    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    ping_when_idle(engine, idle_seconds=600)  # every checkout here is "just after use"
    ping(engine)
    client = TestClient(create_app(settings, engine=engine))
    _terminate(pg_url, _pooled_backend(engine))
    down = client.get("/healthz")
    assert down.status_code == 503 and down.json()["database"] == "unreachable"
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    engine.dispose()


def test_serve_refuses_more_workers_than_postgresql_accepts_connections(pg_url, monkeypatch):
    from typer.testing import CliRunner

    from dispatch import cli
    from dispatch.db import connection_limit

    started = []
    monkeypatch.setenv("JANGKAU_DATABASE_URL", pg_url)
    monkeypatch.setattr("uvicorn.run", lambda *a, **kw: started.append(kw["workers"]))
    limit = connection_limit(make_engine(pg_url))
    fits = max(1, limit // 40)
    refused = CliRunner().invoke(cli.app, ["serve", "--workers", str(fits + 1)])
    assert refused.exit_code == 2 and not started
    assert f"--workers {fits + 1} may open {(fits + 1) * 40} PostgreSQL connections" in (
        refused.output
    )
    assert f"Use --workers {fits} or raise max_connections" in refused.output
    fine = CliRunner().invoke(cli.app, ["serve", "--workers", str(fits)])
    assert fine.exit_code == 0 and started == [fits]


def test_one_worker_starts_even_on_a_small_postgresql_server(monkeypatch):
    from typer.testing import CliRunner

    from dispatch import cli

    started = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **kw: started.append(kw["workers"]))
    monkeypatch.setattr("dispatch.db.connection_limit", lambda engine: 17)
    monkeypatch.setenv("JANGKAU_DATABASE_URL", PG)
    result = CliRunner().invoke(cli.app, ["serve"])
    assert result.exit_code == 0 and started == [1]
    assert "Warning: one process may open 40 PostgreSQL connections" in result.output
    refused = CliRunner().invoke(cli.app, ["serve", "--workers", "2"])
    assert refused.exit_code == 2 and "Use --workers 1" in refused.output


def test_the_help_page_keeps_what_was_typed_while_the_database_is_unreachable(pg_url, settings):
    """A survivor who typed how to reach them safely must not have to type it again."""
    import re

    from dispatch.setup import init
    from dispatch.web.app import create_app

    engine = make_engine(pg_url)
    init(engine, settings)
    name = pg_url.rsplit("/", 1)[1]
    admin = create_engine(PG.replace("postgresql://", "postgresql+psycopg://"))
    client = TestClient(create_app(settings, engine=engine))
    page = client.get("/bantuan")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {
        "village_code": "64.02.08.2004",
        "safe_contact": "telepon kakak saya, Bu Sari, sore hari",
        "when": "sore",
        "csrf_token": csrf,
    }
    with admin.connect() as conn:  # the database goes away (as in a restart)
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.commit()
    try:
        down = client.post("/bantuan", data=form)
        assert down.status_code == 503 and "tidak ada yang tersimpan" in down.text
        assert "telepon kakak saya, Bu Sari, sore hari" in down.text  # still in the form
        assert 'value="64.02.08.2004" selected' in down.text
        assert "no-store" in down.headers["cache-control"]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.commit()
        admin.dispose()
    again = client.post("/bantuan", data=form)
    assert again.status_code == 200 and "Terima kasih" in again.text
    engine.dispose()
