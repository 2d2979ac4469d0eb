"""The audit log names who did what, never the personal values; app logs hold none either."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlmodel import select

from dispatch.logs import JsonFormatter
from dispatch.models import AuditLog, User
from dispatch.setup import demo_password
from tests.conftest import login


def _admin(client) -> dict[str, str]:
    r = client.post(
        "/api/auth/token", data={"username": "admin", "password": demo_password("admin")}
    )
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_creating_a_user_is_audited_without_values(client, db):
    secret_name = "Siti Rahmawati Binti Contoh"
    r = client.post(
        "/api/users",
        headers=_admin(client),
        json={
            "username": "audit.check",
            "password": "kata-sandi-panjang",
            "role": "officer",
            "full_name": secret_name,
            "district_code": "64.02.08",
        },
    )
    assert r.status_code == 201
    user = db.exec(select(User).where(User.username == "audit.check")).one()
    rows = db.exec(
        select(AuditLog).where(AuditLog.entity == "user", AuditLog.entity_id == str(user.id))
    ).all()
    assert [row.action for row in rows] == ["create"]
    row = rows[0]
    admin = db.exec(select(User).where(User.username == "admin")).one()
    assert row.actor_id == admin.id and row.client == "testclient" and row.at.tzinfo
    assert "role" in row.fields
    for value in vars(row).values():
        assert secret_name not in str(value) and "64.02.08" not in str(value)


def test_logins_are_audited(client, db):
    login(client, "dispatcher")
    dispatcher = db.exec(select(User).where(User.username == "dispatcher")).one()
    logins = db.exec(
        select(AuditLog).where(AuditLog.action == "login", AuditLog.actor_id == dispatcher.id)
    ).all()
    assert logins


def test_request_logs_are_structured_and_hold_no_personal_data(client, caplog):
    caplog.set_level(logging.INFO)
    phone = "081234567890"
    client.get(f"/api/villages?district={phone}", headers=_admin(client))
    client.post("/login", data={"username": "Ibu Siti", "password": phone, "csrf_token": "x"})
    fmt = JsonFormatter()
    # The test client's own httpx log is not the service's (the service silences httpx).
    lines = [fmt.format(r) for r in caplog.records if not r.name.startswith("httpx")]
    request_lines = [line for line in lines if '"msg": "request"' in line]
    assert any(
        '"route": "/api/villages"' in line and '"status": 422' in line for line in request_lines
    ), request_lines
    for line in lines:
        assert phone not in line and "Siti" not in line


def test_times_are_stored_in_utc_and_shown_in_wita(client, db):
    user = db.exec(select(User).where(User.username == "driver.satu")).one()
    user.created_at = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)
    db.add(user)
    db.commit()
    db.refresh(user)
    assert user.created_at == datetime(2026, 11, 28, 0, 30, tzinfo=UTC)
    login(client, "admin")
    page = client.get("/admin/users").text
    assert "28-11-2026 08:30" in page  # WITA is UTC+8


def test_health_check_reports_the_database(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
