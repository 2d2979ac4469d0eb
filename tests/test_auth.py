"""Login, logout, wrong password, throttling, CSRF, token expiry, disabled users."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy.orm.exc import DetachedInstanceError
from sqlmodel import select

from dispatch import security
from dispatch.models import ApiToken, AuditLog, User, utcnow
from dispatch.setup import demo_password
from tests.conftest import csrf_of, login


def test_login_opens_the_home_page_and_logout_ends_the_session(client):
    response = login(client, "dispatcher")
    assert response.status_code == 303
    cookie = response.cookies.get("jk_session")
    assert cookie
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie
    home = client.get("/")
    assert home.status_code == 200 and "Selamat datang" in home.text
    client.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    # The old cookie no longer opens anything, even if a client keeps it.
    client.cookies.set("jk_session", cookie)
    again = client.get("/", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_login_page_speaks_indonesian_and_switches_to_english(client):
    assert "Kata sandi" in client.get("/login").text
    client.get("/lang/en")
    assert "Password" in client.get("/login").text


def test_wrong_password_is_refused_with_a_clear_message(client, db):
    before = len(db.exec(select(AuditLog).where(AuditLog.action == "login_failed")).all())
    response = login(client, "admin", "not-the-password")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in response.text
    assert "jk_session" not in response.cookies
    db.expire_all()
    after = len(db.exec(select(AuditLog).where(AuditLog.action == "login_failed")).all())
    assert after == before + 1


def test_repeated_failures_are_throttled_even_with_the_right_password(client, settings):
    limit = settings.security.login_max_failures
    for _ in range(limit):
        assert login(client, "driver.dua", "wrong-password-1").status_code == 401
    blocked = login(client, "driver.dua")
    assert blocked.status_code == 429
    assert "Coba lagi dalam" in blocked.text
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60  # clients know how long to wait
    api = client.post("/api/auth/token", data={"username": "driver.dua", "password": "x" * 12})
    assert api.status_code == 429 and int(api.headers["Retry-After"]) >= 1


def _from(app, address: str):
    """A browser at another client address."""
    from fastapi.testclient import TestClient

    return TestClient(app, client=(address, 50000))


def test_an_attacker_elsewhere_cannot_lock_the_dispatcher_out(app, settings):
    attacker, desk = _from(app, "203.0.113.7"), _from(app, "10.20.0.15")
    limit = settings.security.login_max_failures
    for _ in range(limit):
        assert login(attacker, "dispatcher", "tebak-tebakan-1").status_code == 401
    assert login(attacker, "dispatcher", "tebak-tebakan-2").status_code == 429
    assert login(attacker, "dispatcher").status_code == 429  # even the right one, from there
    api = attacker.post("/api/auth/token", data={"username": "dispatcher", "password": "x" * 12})
    assert api.status_code == 429 and int(api.headers["Retry-After"]) >= 1
    # The dispatcher at the office desk still logs in, on the page and on the API.
    assert login(desk, "dispatcher").status_code == 303
    assert desk.get("/").status_code == 200
    token = desk.post(
        "/api/auth/token",
        data={"username": "dispatcher", "password": demo_password("dispatcher")},
    )
    assert token.status_code == 200


def test_one_address_trying_many_usernames_is_stopped(app, settings):
    attacker, desk = _from(app, "198.51.100.23"), _from(app, "10.20.0.16")
    per_address = 4 * settings.security.login_max_failures
    names = ["admin", "dispatcher", "driver.satu", "driver.dua", "officer.tenggarong"]
    for i in range(per_address):
        assert login(attacker, names[i % len(names)], f"tebakan-{i:04d}").status_code == 401
    blocked = login(attacker, "officer.kotabangun", "tebakan-lain-1")
    assert blocked.status_code == 429 and 1 <= int(blocked.headers["Retry-After"]) <= 60
    assert login(desk, "admin").status_code == 303


def test_a_failed_login_names_the_account_never_what_was_typed(client, db):
    typed_secret = "Rahasia-Sekali-99"
    assert login(client, "officer.tenggarong", typed_secret).status_code == 401
    assert login(client, "siapa.tidak.ada", typed_secret).status_code == 401
    db.expire_all()
    rows = db.exec(
        select(AuditLog).where(AuditLog.action == "login_failed").order_by(AuditLog.id.desc())
    ).all()[:2]
    officer = db.exec(select(User).where(User.username == "officer.tenggarong")).one()
    unknown, known = rows
    assert known.entity == "user" and known.entity_id == str(officer.id)
    assert known.actor_id is None and known.client == "testclient"
    assert unknown.entity_id is None
    for row in rows:
        for value in vars(row).values():
            assert typed_secret not in str(value) and "siapa.tidak.ada" not in str(value)


def test_login_form_without_csrf_token_is_rejected(client):
    client.get("/login")
    response = client.post(
        "/login",
        data={"username": "admin", "password": demo_password("admin")},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "jk_session" not in response.cookies


def test_admin_form_with_a_forged_csrf_token_is_rejected(client, db):
    login(client, "admin")
    response = client.post(
        "/admin/users",
        data={
            "username": "forged.user",
            "password": "a-long-password",
            "role": "driver",
            "csrf_token": "forged",
        },
    )
    assert response.status_code == 403
    assert db.exec(select(User).where(User.username == "forged.user")).first() is None


def test_admin_adds_a_user_through_the_page(client, db):
    page = client.get("/admin/users", follow_redirects=False)
    assert page.status_code == 303  # not logged in yet
    login(client, "admin")
    page = client.get("/admin/users")
    response = client.post(
        "/admin/users",
        data={
            "username": "petugas.sebulu",
            "password": "short",
            "role": "officer",
            "district_code": "64.02.07",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 422 and "minimal 10 karakter" in response.text
    response = client.post(
        "/admin/users",
        data={
            "username": "petugas.sebulu",
            "password": "panjang-sekali-1",
            "role": "officer",
            "district_code": "64.02.07",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 200 and "petugas.sebulu" in response.text
    user = db.exec(select(User).where(User.username == "petugas.sebulu")).one()
    assert user.district_code == "64.02.07" and user.password_hash.startswith("$argon2")


def _token(client, username: str, password: str | None = None) -> str:
    r = client.post(
        "/api/auth/token",
        data={"username": username, "password": password or demo_password(username)},
    )
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"
    return r.json()["access_token"]


def test_bearer_token_works_until_it_expires(client, monkeypatch):
    token = _token(client, "dispatcher")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=auth).json()["role"] == "dispatcher"
    assert client.get("/api/me", headers=auth).json()["role"] == "dispatcher"  # checked again
    minutes = client.app.state.settings.security.token_minutes
    later = utcnow() + timedelta(minutes=minutes, seconds=1)
    monkeypatch.setattr(security, "utcnow", lambda: later)
    expired = client.get("/api/me", headers=auth)
    assert expired.status_code == 401
    assert expired.headers["www-authenticate"] == "Bearer"


def test_a_token_removed_from_the_database_stops_working_within_seconds(client, db):
    """Another worker process revoked it: this one notices when its short memory lapses."""
    token = _token(client, "dispatcher")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=auth).status_code == 200
    for row in db.exec(select(ApiToken)).all():
        db.delete(row)
    db.commit()
    clock = [time.monotonic()]
    cache = security.TokenCache(ttl_s=10, timer=lambda: clock[0])
    user = db.exec(select(User).where(User.username == "dispatcher")).one()
    cache.put(token, user, utcnow() + timedelta(hours=1))
    first, second = cache.get(token), cache.get(token)
    assert first is not None and first.username == "dispatcher" and first is not second
    clock[0] += 11
    assert cache.get(token) is None
    security.TOKENS.clear()  # the app's own memory lapsing, without waiting ten seconds
    assert client.get("/api/me", headers=auth).status_code == 401


def test_the_token_memory_holds_no_password_hash(client, db):
    token = _token(client, "officer.tenggarong")
    user = db.exec(select(User).where(User.username == "officer.tenggarong")).one()
    cache = security.TokenCache()
    cache.put(token, user, utcnow() + timedelta(hours=1))
    remembered = cache.get(token)
    assert (remembered.username, remembered.role, remembered.district_code) == (
        user.username,
        user.role,
        user.district_code,
    )
    assert "password_hash" not in remembered.__dict__
    with pytest.raises(DetachedInstanceError):  # only a database session could load it
        _ = remembered.password_hash


def test_many_callers_with_fresh_tokens_are_served_by_a_small_pool(settings, engine, client):
    """Thirty API calls arrive at once, each token unknown to this process, with one worker
    thread and two pooled connections: every call is answered. (Had each request kept the
    connection its token check took while it waited for the thread, the threads would wait
    for connections held by requests waiting for threads, until the pool timed out.)"""
    import anyio.to_thread
    import httpx
    from sqlalchemy import create_engine

    from dispatch.web.app import create_app

    token = _token(client, "dispatcher")
    extra = {"check_same_thread": False} if engine.dialect.name == "sqlite" else {}
    small = create_engine(
        engine.url, pool_size=2, max_overflow=0, pool_timeout=3, connect_args=extra
    )
    app = create_app(settings, small)

    async def burst() -> list[int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            auth = {"Authorization": f"Bearer {token}"}
            replies = await asyncio.gather(*(http.get("/api/me", headers=auth) for _ in range(30)))
        return [r.status_code for r in replies]

    security.TOKENS.clear()
    try:
        assert asyncio.run(burst()) == [200] * 30
    finally:
        small.dispose()


def test_wrong_password_on_the_api_is_401(client):
    r = client.post(
        "/api/auth/token", data={"username": "officer.kotabangun", "password": "x" * 12}
    )
    assert r.status_code == 401 and r.json()["code"] == "login_failed"


def test_disabling_a_user_ends_their_tokens(client):
    admin = {"Authorization": f"Bearer {_token(client, 'admin')}"}
    r = client.post(
        "/api/users",
        headers=admin,
        json={"username": "sementara", "password": "kata-sandi-panjang", "role": "driver"},
    )
    assert r.status_code == 201
    theirs = {"Authorization": f"Bearer {_token(client, 'sementara', 'kata-sandi-panjang')}"}
    assert client.get("/api/me", headers=theirs).status_code == 200
    assert client.post("/api/users/sementara/disable", headers=admin).json()["active"] is False
    assert client.get("/api/me", headers=theirs).status_code == 401
    relogin = client.post(
        "/api/auth/token", data={"username": "sementara", "password": "kata-sandi-panjang"}
    )
    assert relogin.status_code == 401


def test_api_rejects_bad_input_with_a_message_not_a_500(client):
    admin = {"Authorization": f"Bearer {_token(client, 'admin')}"}
    r = client.post("/api/vehicles", headers=admin, json={"name": "X", "seats": "many"})
    assert r.status_code == 422 and "seats" in r.json()["detail"]
    r = client.post(
        "/api/vehicles",
        headers=admin,
        json={"name": "Mobil Malam", "shift_start": "18:00", "shift_end": "07:00"},
    )
    assert r.status_code == 422 and r.json()["code"] == "shift_invalid"
    r = client.post(
        "/api/places",
        headers=admin,
        json={
            "key": "rumah-aman-2",
            "kind": "safe_house",
            "name": "Rumah kedua",
            "lat": -0.4,
            "lon": 117.0,
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "public_label_required"
    r = client.post(
        "/api/users",
        headers=admin,
        content=b"{not json",
    )
    assert r.status_code == 422


def test_a_public_label_may_not_name_the_safe_house(client):
    admin = {"Authorization": f"Bearer {_token(client, 'admin')}"}
    r = client.post(
        "/api/places",
        headers=admin,
        json={
            "key": "rumah-aman-3",
            "kind": "safe_house",
            "name": "Rumah kedua",
            "public_label": "Rumah Aman Loa Janan",
            "lat": -0.58,
            "lon": 117.09,
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "public_label_forbidden"
