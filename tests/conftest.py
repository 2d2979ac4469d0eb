"""Shared fixtures. The database is SQLite in a temporary file, or PostgreSQL when
JANGKAU_TEST_DATABASE_URL is set (CI's second run): a fresh database is created for the run
and dropped after it."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_URL = os.environ.get("JANGKAU_TEST_DATABASE_URL")


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "engine" in names:
            item.add_marker(pytest.mark.db)
        if "browser" in names or "page" in names:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("var")
    os.environ["JANGKAU_VAR_DIR"] = str(path)
    return path


def _fresh_pg_database(base_url: str) -> tuple[str, callable]:
    """Create an empty database beside the given one; return its URL and a dropper."""
    from dispatch.db import make_engine

    name = f"jangkau_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = re.sub(r"/[^/]*$", f"/{name}", base_url)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, var_dir):
    if PG_URL:
        url, drop = _fresh_pg_database(PG_URL)
        yield url
        from dispatch.db import get_engine

        get_engine.cache_clear()
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'jangkau.db'}"


@pytest.fixture(scope="session")
def settings(database_url, var_dir):
    from dispatch.config import load_settings

    env = {"JANGKAU_DATABASE_URL": database_url, "JANGKAU_SECRET_KEY": "t" * 40}
    return load_settings(env=env)


@pytest.fixture(scope="session")
def engine(settings):
    """A migrated database with the region, places and demo data loaded once."""
    from dispatch.db import make_engine
    from dispatch.setup import init, load_demo

    eng = make_engine(settings.database_url)
    init(eng, settings)
    load_demo(eng, settings)
    yield eng
    eng.dispose()


@pytest.fixture
def app(settings, engine):
    from dispatch.web.app import create_app

    return create_app(settings, engine)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def db(engine):
    from sqlmodel import Session

    with Session(engine) as s:
        yield s


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def login(client, username: str, password: str | None = None):
    from dispatch.setup import demo_password

    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password or demo_password(username),
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def live_server(settings, engine):
    """The app served by uvicorn on a free local port, in a thread."""
    import socket
    import threading
    import time

    import uvicorn

    from dispatch.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium through Playwright; skips (saying why) where it is absent."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def report_stop(
    db, settings, published, reference: str, stop_kind: str, *statuses: str, happened_at=None
) -> int:
    """The driver of the car carrying `reference` in a published plan reports its stop
    (each status in turn, as the driver's page sends them, at `happened_at` if given);
    returns the car's id."""
    from dispatch.services import planning

    plan, _ = planning.load_body(published)
    route = next(r for r in plan.routes if reference in r.tasks)
    token = planning.link_token(settings.secret_key, published.id, int(route.vehicle))
    link, _plan = planning.find_link(db, token)
    for status in statuses:
        planning.record_stop_event(
            db,
            link,
            published,
            client_id="c-" + uuid.uuid4().hex,
            reference=reference,
            stop_kind=stop_kind,
            status=status,
            tz=settings.region.tz,
            happened_at=happened_at,
        )
    db.commit()
    return int(route.vehicle)


def bearer(client, username: str) -> dict[str, str]:
    """The API's Authorization header for a demo user (POST /api/auth/token)."""
    from dispatch.setup import demo_password

    r = client.post(
        "/api/auth/token", data={"username": username, "password": demo_password(username)}
    )
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def fresh_phone() -> str:
    """A valid mobile number not used before, so tests do not trip the duplicate check."""
    return "0812" + str(uuid.uuid4().int)[:8]
