"""A NUL character in any field is refused with a message (PostgreSQL cannot store one; it
was a 500 whose log held the statement's values), on every database alike."""

from __future__ import annotations

import logging
import re

from sqlmodel import select

from dispatch.models import Request
from tests.conftest import csrf_of


def _token(client, username: str = "officer.tenggarong") -> dict[str, str]:
    from dispatch.setup import demo_password

    r = client.post(
        "/api/auth/token", data={"username": username, "password": demo_password(username)}
    )
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_nul_characters_are_refused_everywhere_with_nothing_stored_or_logged(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    officer = _token(client)
    before = len(db.exec(select(Request)).all())
    body = {
        "kind": "visit",
        "urgency": "segera",
        "village_code": "64.02.06.1001",
        "contact_phone": "081233344455",
        "notes": "rahasia\u0000x",
    }
    api = client.post("/api/requests", headers=officer, json=body)
    assert api.status_code == 422 and "NUL" in api.json()["detail"]
    page = client.get("/bantuan")
    form = client.post(
        "/bantuan",
        content=f"village_code=64.02.08.2004&safe_contact=abc%00def&csrf_token={csrf_of(page.text)}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 422
    login = client.post(
        "/api/auth/token",
        content="username=disp%00atcher&password=xxxxxxxxxx",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert login.status_code == 422
    query = client.get("/api/requests?district=%00", headers=officer)
    assert query.status_code == 422
    assert len(db.exec(select(Request)).all()) == before
    logged = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert "+6281233344455" not in logged and "rahasia" not in logged
    assert not re.search(r"abc.def", logged)
    # the rest goes through untouched
    body["notes"] = "biasa"
    assert client.post("/api/requests", headers=officer, json=body).status_code == 201
