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
        if "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


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
