"""With the database unreachable the service says so (503, in the user's language), no 500."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dispatch.config import load_settings
from dispatch.db import make_engine
from dispatch.web.app import create_app


def test_an_unreachable_database_gives_503_with_a_message(var_dir):
    # Port 9 (discard) has no PostgreSQL: every connection is refused at once.
    url = "postgresql://postgres@127.0.0.1:9/nowhere"
    settings = load_settings(env={"JANGKAU_DATABASE_URL": url, "JANGKAU_SECRET_KEY": "t" * 40})
    client = TestClient(create_app(settings, make_engine(url)), raise_server_exceptions=False)
    r = client.post("/api/auth/token", data={"username": "dispatcher", "password": "x"})
    assert r.status_code == 503 and r.headers["Retry-After"]
    assert "tidak ada yang tersimpan" in r.json()["detail"]
    r = client.post(
        "/api/requests",
        headers={"Authorization": "Bearer abc", "Accept-Language": "en"},
        json={"kind": "visit", "urgency": "segera", "contact_phone": "081298765432"},
    )
    assert r.status_code == 503
    assert client.get("/healthz").status_code == 503
