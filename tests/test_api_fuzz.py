"""Malformed payloads never give a 500, and never lose what was already accepted."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from dispatch.models import Request
from dispatch.setup import demo_password

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),  # what JSON can carry
    st.text(max_size=40),
)
FIELDS = [
    "kind",
    "urgency",
    "village_code",
    "village",
    "district_code",
    "location",
    "adults",
    "children",
    "available_date",
    "window_start",
    "window_end",
    "onsite_minutes",
    "contact_phone",
    "destination",
    "needs_wheelchair",
    "confirm_outside",
]
VALID = {
    "kind": "visit",
    "urgency": "segera",
    "village_code": "64.02.07.2005",
    "contact_phone": "081298765432",
}
payloads = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=8),
    st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=4).map(lambda d: {**VALID, **d}),
    st.lists(scalars, max_size=3),
    scalars,
)


def test_fuzzed_requests_get_4xx_or_are_stored(client, db):
    token = client.post(
        "/api/auth/token",
        data={"username": "officer.tenggarong", "password": demo_password("officer.tenggarong")},
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    kept = client.post(
        "/api/requests", headers=auth, json={**VALID, "contact_phone": "081211112222"}
    ).json()["reference"]

    @settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(payloads)
    def one(body):
        r = client.post(
            "/api/requests", headers={**auth, "Idempotency-Key": uuid.uuid4().hex}, json=body
        )
        assert r.status_code < 500, (body, r.text)
        if r.status_code >= 400:
            assert isinstance(r.json()["detail"], str) and r.json()["detail"]

    one()
    db.expire_all()
    assert (
        db.exec(select(func.count()).select_from(Request).where(Request.reference == kept)).one()
        == 1
    )


def test_garbage_bodies_and_headers(client):
    token = client.post(
        "/api/auth/token", data={"username": "dispatcher", "password": demo_password("dispatcher")}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    for content, ctype in (
        (b"{", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"a=b", "application/x-www-form-urlencoded"),
        (b"", "text/plain"),
    ):
        r = client.post("/api/requests", headers={**auth, "Content-Type": ctype}, content=content)
        assert 400 <= r.status_code < 500, (content, r.status_code)
    r = client.post("/api/requests", headers={**auth, "Idempotency-Key": "short"}, json=VALID)
    assert r.status_code == 422
    assert client.get("/api/requests?status=nonsense", headers=auth).status_code == 422
    assert (
        client.patch("/api/requests/KKR-1", headers=auth, json={"version": "x"}).status_code == 422
    )
    assert client.get("/api/geocode?q=", headers=auth).status_code == 422
