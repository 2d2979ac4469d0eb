"""Admin: users, vehicles and places are edited, disabled and enabled again, on the pages
and on the command line, with the checks of the create forms and an audit row each time."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from dispatch.models import AuditLog, User
from dispatch.services.users import create_user
from tests.conftest import csrf_of, login

FIRST_PASSWORD = "kata-sandi-awal-2026"


@pytest.fixture
def cli(settings, engine, monkeypatch):
    """`jangkau ...` against the test database (in this process, as test_admin_fleet does)."""
    from dispatch import cli as jangkau

    monkeypatch.setenv("JANGKAU_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("JANGKAU_SECRET_KEY", settings.secret_key)

    def run(*args: str, stdin: str | None = None):
        return CliRunner().invoke(jangkau.app, list(args), input=stdin)

    return run


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def _admin_page(client, path: str) -> str:
    assert login(client, "admin").status_code == 303
    page = client.get(path)
    assert page.status_code == 200, page.text
    return page.text


def _post(client, path: str, data: dict, page: str):
    return client.post(path, data={**data, "csrf_token": csrf_of(page)}, follow_redirects=False)


def _audit(db: Session, entity: str, entity_id: object, action: str = "update") -> list[AuditLog]:
    db.expire_all()
    return list(
        db.exec(
            select(AuditLog)
            .where(
                AuditLog.entity == entity,
                AuditLog.entity_id == str(entity_id),
                AuditLog.action == action,
            )
            .order_by(AuditLog.id)
        )
    )


def _no_values(rows: list[AuditLog], *values: str) -> None:
    for row in rows:
        for field_value in vars(row).values():
            for value in values:
                assert value not in str(field_value), (value, row)


def _api_login(client, username: str, password: str):
    return client.post("/api/auth/token", data={"username": username, "password": password})


# ---- users ---------------------------------------------------------------------------------


def _new_user(db: Session, role: str = "officer", district: str | None = "64.02.07") -> User:
    user = create_user(db, _unique("ubah."), FIRST_PASSWORD, role, district_code=district)
    db.commit()
    return user


def test_admin_changes_a_users_role_kecamatan_name_and_password_on_the_page(client, db):
    user = _new_user(db)
    token = _api_login(client, user.username, FIRST_PASSWORD).json()["access_token"]
    theirs = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=theirs).status_code == 200
    listing = _admin_page(client, "/admin/users")
    assert f'href="/admin/users/{user.username}"' in listing
    page = client.get(f"/admin/users/{user.username}")
    assert page.status_code == 200
    assert 'value="officer" selected' in page.text and 'value="64.02.07" selected' in page.text
    new_password = "kata-sandi-baru-2026"
    r = _post(
        client,
        f"/admin/users/{user.username}",
        {
            "role": "dispatcher",
            "district_code": "64.02.08",
            "full_name": "Dewi Lestari",
            "password": new_password,
        },
        page.text,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/users?saved=1"
    assert "Tersimpan." in client.get(r.headers["location"]).text
    db.expire_all()
    changed = db.get(User, user.id)
    assert (changed.role.value, changed.district_code) == ("dispatcher", "64.02.08")
    assert changed.full_name == "Dewi Lestari"
    # A new role and password end what they had open; the new password works.
    assert client.get("/api/me", headers=theirs).status_code == 401
    assert _api_login(client, user.username, FIRST_PASSWORD).status_code == 401
    assert _api_login(client, user.username, new_password).status_code == 200
    rows = _audit(db, "user", user.id)
    admin = db.exec(select(User).where(User.username == "admin")).one()
    assert [(r.actor_id, r.fields) for r in rows] == [
        (admin.id, "district_code,full_name,password,role")
    ]
    _no_values(rows, "Dewi Lestari", "64.02.08", new_password, "dispatcher")


def test_a_refused_user_edit_keeps_what_was_typed_and_changes_nothing(client, db):
    user = _new_user(db, role="driver", district=None)
    page = _admin_page(client, f"/admin/users/{user.username}")
    path = f"/admin/users/{user.username}"
    typed = {"role": "officer", "district_code": "", "full_name": "Nama Yang Diketik"}
    r = _post(client, path, typed, page)
    assert r.status_code == 422 and "Petugas harus punya kecamatan." in r.text
    assert 'value="Nama Yang Diketik"' in r.text and 'value="officer" selected' in r.text
    secret = "pendek-1"
    r = _post(client, path, {**typed, "district_code": "64.02.07", "password": secret}, page)
    assert r.status_code == 422 and "Kata sandi minimal 10 karakter." in r.text
    assert secret not in r.text and 'value="64.02.07" selected' in r.text
    r = _post(client, path, {**typed, "district_code": "64.02.99"}, page)
    assert r.status_code == 422 and "Kecamatan 64.02.99 tidak ada" in r.text
    db.expire_all()
    same = db.get(User, user.id)
    assert (same.role.value, same.district_code, same.full_name) == ("driver", None, "")
    assert _api_login(client, user.username, FIRST_PASSWORD).status_code == 200
    assert _audit(db, "user", user.id) == []


def test_an_admin_cannot_change_their_own_role(client, db):
    page = _admin_page(client, "/admin/users/admin")
    r = _post(client, "/admin/users/admin", {"role": "dispatcher"}, page)
    assert r.status_code == 422
    assert "Anda tidak dapat mengubah peran akun Anda sendiri." in r.text
    db.expire_all()
    assert db.exec(select(User).where(User.username == "admin")).one().role.value == "admin"


def test_an_unknown_user_has_no_edit_page(client):
    _admin_page(client, "/admin/users")
    assert client.get("/admin/users/tidak.ada.orang").status_code == 404


def test_disable_and_enable_a_user_on_the_page(client, db):
    user = _new_user(db, role="driver", district=None)
    token = _api_login(client, user.username, FIRST_PASSWORD).json()["access_token"]
    page = _admin_page(client, f"/admin/users/{user.username}")
    path = f"/admin/users/{user.username}/active"
    assert _post(client, path, {"active": "false"}, page).status_code == 303
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _api_login(client, user.username, FIRST_PASSWORD).status_code == 401
    assert "<div>Nonaktif ·" in client.get(f"/admin/users/{user.username}").text
    assert _post(client, path, {"active": "true"}, page).status_code == 303
    assert _api_login(client, user.username, FIRST_PASSWORD).status_code == 200
    assert [r.fields for r in _audit(db, "user", user.id)] == ["active", "active"]


def test_cli_edits_enables_and_sets_the_password_of_a_user(cli, db):
    from dispatch.security import authenticate

    user = _new_user(db, role="driver", district=None)
    for command in ("edit", "enable", "set-password", "list", "disable"):
        help_text = cli("user", command, "--help")
        assert help_text.exit_code == 0 and "Usage" in help_text.output
    nothing = cli("user", "edit", user.username)
    assert nothing.exit_code == 2 and "nothing to change" in nothing.output
    refused = cli("user", "edit", user.username, "--role", "officer")
    assert refused.exit_code == 1 and "An officer needs a kecamatan." in refused.output
    done = cli("user", "edit", user.username, "--role", "officer", "--district", "64.02.07")
    assert done.exit_code == 0, done.output
    db.expire_all()
    assert (db.get(User, user.id).role.value, db.get(User, user.id).district_code) == (
        "officer",
        "64.02.07",
    )
    assert cli("user", "disable", user.username).exit_code == 0
    db.expire_all()
    assert db.get(User, user.id).active is False
    assert cli("user", "enable", user.username).exit_code == 0
    listed = cli("user", "list")
    assert f"{user.username}" in listed.output
    assert "active" in next(x for x in listed.output.splitlines() if user.username in x)
    short = cli("user", "set-password", user.username, stdin="pendek\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    changed = cli("user", "set-password", user.username, stdin="kata-sandi-cli-2026\n")
    assert changed.exit_code == 0, changed.output
    db.expire_all()
    assert authenticate(db, user.username, "kata-sandi-cli-2026") is not None
    assert authenticate(db, user.username, FIRST_PASSWORD) is None
    unknown = cli("user", "enable", "tidak.ada.orang")
    assert unknown.exit_code == 1 and "not found" in unknown.output
    rows = _audit(db, "user", user.id)
    assert [r.fields for r in rows] == ["district_code,role", "active", "active", "password"]
    assert all(r.actor_id is None for r in rows)
    _no_values(rows, "kata-sandi-cli-2026", "64.02.07")
