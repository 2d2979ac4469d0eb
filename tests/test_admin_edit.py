"""Admin: users, vehicles and places are edited, disabled and enabled again, on the pages
and on the command line, with the checks of the create forms and an audit row each time."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from dispatch.errors import UserError
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


# ---- vehicles ------------------------------------------------------------------------------


def _remove(engine, model, entity: str, ids: list[int]) -> None:
    from sqlmodel import delete

    with Session(engine) as s:
        for row_id in ids:
            s.exec(
                delete(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == str(row_id))
            )
            s.delete(s.get(model, row_id))
        s.commit()


def _plate() -> str:
    return f"KT {uuid.uuid4().int % 9000 + 1000} UJ"


@pytest.fixture
def vehicles(engine):
    """Make test vehicles; removed afterwards with their audit rows, so no other test sees
    them (and SQLite, reusing an id, does not hand their rows to a later one)."""
    from dispatch.models import Vehicle
    from dispatch.services.fleet import create_vehicle

    made: list[int] = []

    def make(depot_key: str = "depot") -> Vehicle:
        with Session(engine) as s:
            v = create_vehicle(
                s, _unique("Mobil Uji "), plate=_plate(), seats=5, depot_key=depot_key
            )
            s.commit()
            made.append(v.id)
            return v

    yield make
    _remove(engine, Vehicle, "vehicle", made)


def _vehicle_form(**changes) -> dict:
    form = {
        "name": "Mobil Uji",
        "plate": "",
        "seats": "5",
        "depot_key": "depot",
        "shift_start": "07:30",
        "shift_end": "16:00",
    }
    return {**form, **changes}


def _row(html: str, text: str) -> str:
    return next(row.split("</tr>")[0] for row in html.split("<tr>") if text in row)


def test_admin_edits_a_vehicle_and_sees_its_skills_in_words(client, db, vehicles):
    from dispatch.models import Vehicle

    v = vehicles()
    listing = _admin_page(client, "/admin/vehicles")
    assert f'href="/admin/vehicles/{v.id}"' in listing
    # The add form offers the skills as labelled check boxes, not codes to type.
    assert 'type="checkbox" name="skills" value="wheelchair"' in listing
    assert "Muat kursi roda" in listing and "Kursi bayi" in listing
    page = client.get(f"/admin/vehicles/{v.id}")
    assert page.status_code == 200 and f'value="{v.name}"' in page.text
    name = _unique("Mobil Uji Ganti ")
    r = _post(
        client,
        f"/admin/vehicles/{v.id}",
        _vehicle_form(
            name=name,
            plate=" kt 4321   ab ",
            seats="4",
            shift_start="06:00",
            shift_end="14:30",
            skills=["wheelchair", "female_staff"],
        ),
        page.text,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/vehicles?saved=1"
    db.expire_all()
    changed = db.get(Vehicle, v.id)
    assert (changed.name, changed.plate, changed.seats) == (name, "KT 4321 AB", 4)
    assert (changed.shift_start, changed.shift_end) == ("06:00", "14:30")
    assert changed.skills == "female_staff,wheelchair"
    listing = client.get("/admin/vehicles").text
    row = _row(listing, name)
    assert "Ada petugas perempuan, Muat kursi roda" in row and "female_staff" not in row
    edit = client.get(f"/admin/vehicles/{v.id}").text
    assert 'value="wheelchair" checked' in edit and 'value="infant_seat" checked' not in edit
    client.get("/lang/en")
    assert "Female staff on board, Takes a wheelchair" in client.get("/admin/vehicles").text
    rows = _audit(db, "vehicle", v.id)
    assert [r.fields for r in rows] == ["name,plate,seats,shift_end,shift_start,skills"]
    _no_values(rows, name, "KT 4321 AB", "06:00")


def test_a_refused_vehicle_edit_keeps_what_was_typed_and_changes_nothing(client, db, vehicles):
    from dispatch.models import Vehicle

    v, other = vehicles(), vehicles()
    page = _admin_page(client, f"/admin/vehicles/{v.id}")
    path = f"/admin/vehicles/{v.id}"
    typed = _vehicle_form(
        name="Nama Yang Diketik",
        plate="KT 1 ZZ",
        seats="3",
        shift_start="17:00",
        shift_end="08:00",
        skills=["infant_seat"],
    )
    r = _post(client, path, typed, page)
    assert r.status_code == 422 and "selesai setelah mulai" in r.text
    for kept in ('value="Nama Yang Diketik"', 'value="KT 1 ZZ"', 'value="3"', 'value="17:00"'):
        assert kept in r.text
    assert 'value="infant_seat" checked' in r.text and 'value="wheelchair" checked' not in r.text
    r = _post(client, path, {**typed, "shift_end": "20:00", "name": other.name}, page)
    assert r.status_code == 409 and f"Nama kendaraan {other.name} sudah dipakai." in r.text
    lower = "  " + other.plate.lower() + " "
    r = _post(client, path, {**typed, "shift_end": "20:00", "plate": lower}, page)
    assert r.status_code == 409 and other.plate in r.text and "sudah terdaftar" in r.text
    r = _post(client, path, {**typed, "shift_end": "20:00", "depot_key": "rsud"}, page)
    assert r.status_code == 422 and "Tempat rsud bukan pangkalan." in r.text
    r = _post(client, path, {**typed, "shift_end": "20:00", "seats": "0"}, page)
    assert r.status_code == 422 and "Jumlah kursi 1–40." in r.text
    db.expire_all()
    same = db.get(Vehicle, v.id)
    assert (same.name, same.plate, same.seats, same.skills) == (v.name, v.plate, 5, "")
    assert _audit(db, "vehicle", v.id) == []
    # Saving it as it is (its own name and plate) is no conflict and no change.
    keep = _vehicle_form(name=v.name, plate=v.plate)
    assert _post(client, path, keep, page).status_code == 303
    assert _audit(db, "vehicle", v.id) == []


def test_a_disabled_vehicle_is_left_out_of_planning_until_enabled(client, db, settings, vehicles):
    from datetime import date

    from dispatch.services.planning import build_problem

    day = date(2031, 5, 6)
    v = vehicles()
    assert str(v.id) in build_problem(db, day, settings).vehicles
    page = _admin_page(client, "/admin/vehicles")
    assert (
        _post(client, f"/admin/vehicles/{v.id}/active", {"active": "false"}, page).status_code
        == 303
    )
    assert "Nonaktif" in _row(client.get("/admin/vehicles").text, v.name)
    db.expire_all()
    planned = build_problem(db, day, settings).vehicles
    assert str(v.id) not in planned and planned  # the others still are
    assert (
        _post(client, f"/admin/vehicles/{v.id}/active", {"active": "true"}, page).status_code == 303
    )
    db.expire_all()
    assert str(v.id) in build_problem(db, day, settings).vehicles
    assert [r.fields for r in _audit(db, "vehicle", v.id)] == ["active", "active"]


def test_an_unknown_vehicle_has_no_edit_page(client):
    _admin_page(client, "/admin/vehicles")
    assert client.get("/admin/vehicles/999999").status_code == 404


def test_cli_edits_disables_and_enables_a_vehicle(cli, db, settings, vehicles):
    from datetime import date

    from dispatch.models import Vehicle
    from dispatch.services.planning import build_problem

    v, other = vehicles(), vehicles()
    for command in ("edit", "disable", "enable"):
        help_text = cli("vehicle", command, "--help")
        assert help_text.exit_code == 0 and "Usage" in help_text.output
    assert cli("vehicle", "edit", v.name).exit_code == 2
    done = cli(
        "vehicle",
        "edit",
        v.name,
        "--seats",
        "3",
        "--shift-start",
        "08:00",
        "--skills",
        "wheelchair",
    )
    assert done.exit_code == 0, done.output
    refused = cli("vehicle", "edit", v.name, "--shift-end", "07:00")
    assert refused.exit_code == 1 and "ending after they start" in refused.output
    refused = cli("vehicle", "edit", v.name, "--plate", other.plate.lower())
    assert refused.exit_code == 1 and "already registered" in refused.output
    refused = cli("vehicle", "edit", v.name, "--skills", "wheelchair,sirene")
    assert refused.exit_code == 1 and "skills can only be" in refused.output
    new_name = _unique("Mobil Uji CLI ")
    assert cli("vehicle", "edit", str(v.id), "--name", new_name).exit_code == 0
    db.expire_all()
    changed = db.get(Vehicle, v.id)
    assert (changed.name, changed.seats, changed.shift_start, changed.skills) == (
        new_name,
        3,
        "08:00",
        "wheelchair",
    )
    assert cli("vehicle", "disable", new_name).exit_code == 0
    assert "disabled" in next(
        x for x in cli("vehicle", "list").output.splitlines() if new_name in x
    )
    db.expire_all()
    assert str(v.id) not in build_problem(db, date(2031, 5, 7), settings).vehicles
    assert cli("vehicle", "enable", str(v.id)).exit_code == 0
    missing = cli("vehicle", "disable", "Mobil Hantu")
    assert missing.exit_code == 1 and "Vehicle Mobil Hantu not found." in missing.output
    rows = _audit(db, "vehicle", v.id)
    assert [r.fields for r in rows] == [
        "seats,shift_start,skills",
        "name",
        "active",
        "active",
    ]


# ---- places --------------------------------------------------------------------------------

INSIDE = {"lat": -0.45, "lon": 117.02}  # near Tenggarong


@pytest.fixture
def places(engine):
    """Make test places. The service never deletes a place; the test removes its own, with
    their audit rows, so that other tests find the configured places only."""
    from dispatch.models import Place
    from dispatch.services.fleet import create_place

    made: list[int] = []

    def make(kind: str, **fields) -> Place:
        key = _unique(f"uji-{kind.replace('_', '-')}-")
        if kind == "safe_house":
            fields.setdefault("public_label", "Pos Uji")
        with Session(engine) as s:
            place = create_place(s, key, kind, f"Tempat {key}", **INSIDE, **fields)
            s.commit()
            made.append(place.id)
            return place

    yield make
    _remove(engine, Place, "place", made)


def _place_form(place, **changes) -> dict:
    form = {
        "name": place.name,
        "public_label": place.public_label,
        "lat": str(place.lat),
        "lon": str(place.lon),
        "address": place.address,
    }
    if place.confidential:
        form["confidential"] = "true"
    return {**form, **changes}


def test_admin_relabels_and_moves_a_safe_house_on_the_page(client, db, places):
    from dispatch.models import Place

    house = places("safe_house", address="Jl. Rahasia 1")
    listing = _admin_page(client, "/admin/places")
    assert f'href="/admin/places/{house.key}"' in listing
    page = client.get(f"/admin/places/{house.key}")
    assert page.status_code == 200 and 'value="Pos Uji"' in page.text
    assert '<input type="checkbox" checked disabled>' in page.text  # cannot be unticked
    r = _post(
        client,
        f"/admin/places/{house.key}",
        _place_form(
            house, public_label="Pos Pelayanan Terpadu", lat="-0.4401", address="Jl. Lain 2"
        ),
        page.text,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/places?saved=1"
    db.expire_all()
    moved = db.get(Place, house.id)
    assert (moved.public_label, moved.lat, moved.lon) == ("Pos Pelayanan Terpadu", -0.4401, 117.02)
    assert moved.address == "Jl. Lain 2" and moved.confidential and moved.kind.value == "safe_house"
    rows = _audit(db, "place", house.id)
    assert [r.fields for r in rows] == ["address,lat,public_label"]
    _no_values(rows, "Pos Pelayanan Terpadu", "Jl. Lain 2", "-0.4401")


def test_a_refused_place_edit_keeps_what_was_typed_and_changes_nothing(client, db, places):
    from dispatch.models import Place

    house = places("safe_house")
    page = _admin_page(client, f"/admin/places/{house.key}")
    path = f"/admin/places/{house.key}"
    r = _post(client, path, _place_form(house, public_label="Rumah Aman Baru", lat="-0.41"), page)
    assert r.status_code == 422 and "Label umum tidak boleh memuat kata" in r.text
    assert 'value="Rumah Aman Baru"' in r.text and 'value="-0.41"' in r.text
    r = _post(client, path, _place_form(house, lat="-6.2", lon="106.8", address="Diketik"), page)
    assert r.status_code == 422 and "berada di luar Kabupaten Kutai Kartanegara" in r.text
    assert 'value="-6.2"' in r.text and 'value="Diketik"' in r.text
    r = _post(client, path, _place_form(house, public_label=""), page)
    assert r.status_code == 422 and "wajib punya label umum" in r.text
    r = _post(client, path, _place_form(house, public_label=f"Pos {house.name}"), page)
    assert r.status_code == 422 and "tidak boleh memuat namanya" in r.text
    forged = {k: v for k, v in _place_form(house).items() if k != "confidential"}
    r = _post(client, path, forged, page)
    assert r.status_code == 422 and "Rumah aman selalu rahasia" in r.text
    r = _post(client, path, _place_form(house, name=" "), page)
    assert r.status_code == 422 and "Nama wajib diisi." in r.text
    db.expire_all()
    same = db.get(Place, house.id)
    assert (same.name, same.public_label, same.lat, same.lon, same.confidential) == (
        house.name,
        "Pos Uji",
        INSIDE["lat"],
        INSIDE["lon"],
        True,
    )
    assert _audit(db, "place", house.id) == []
    assert client.get("/admin/places/tidak-ada-tempat").status_code == 404


def test_a_place_in_use_is_kept_active_and_others_are_disabled_not_deleted(
    client, db, places, vehicles
):
    from dispatch.models import Place, PlaceKind
    from dispatch.services.fleet import create_vehicle

    page = _admin_page(client, "/admin/places")
    # The depot of the active cars, and the only safe house new requests can go to.
    r = _post(client, "/admin/places/depot/active", {"active": "false"}, page)
    assert r.status_code == 422 and "masih menjadi pangkalan kendaraan aktif" in r.text
    assert "Mobil Perlindungan 1" in r.text
    houses = db.exec(
        select(Place).where(Place.kind == PlaceKind.SAFE_HOUSE, Place.active == True)  # noqa: E712
    ).all()
    assert [h.key for h in houses] == ["safe-house"]
    r = _post(client, "/admin/places/safe-house/active", {"active": "false"}, page)
    assert r.status_code == 422 and "satu-satunya tempat aktif berjenis ini" in r.text
    db.expire_all()
    assert all(
        p.active for p in db.exec(select(Place).where(Place.key.in_(["depot", "safe-house"])))
    )
    # A second police post can be disabled and enabled again.
    post = places("police")
    r = _post(client, f"/admin/places/{post.key}/active", {"active": "false"}, page)
    assert r.status_code == 303
    assert "Nonaktif" in _row(client.get("/admin/places").text, post.key)
    assert (
        _post(client, f"/admin/places/{post.key}/active", {"active": "true"}, page).status_code
        == 303
    )
    # A depot of its own: in use while its car is active; once disabled, no car starts there.
    depot = places("depot")
    car = vehicles(depot_key=depot.key)
    r = _post(client, f"/admin/places/{depot.key}/active", {"active": "false"}, page)
    assert r.status_code == 422 and car.name in r.text
    assert (
        _post(client, f"/admin/vehicles/{car.id}/active", {"active": "false"}, page).status_code
        == 303
    )
    assert (
        _post(client, f"/admin/places/{depot.key}/active", {"active": "false"}, page).status_code
        == 303
    )
    r = _post(client, f"/admin/vehicles/{car.id}/active", {"active": "true"}, page)
    assert r.status_code == 422 and f"Pangkalan {depot.key} nonaktif" in r.text
    db.rollback()
    with pytest.raises(UserError) as refused:
        create_vehicle(db, _unique("Mobil Uji "), depot_key=depot.key)
    assert refused.value.key == "depot_inactive"
    db.rollback()
    assert [r.fields for r in _audit(db, "place", post.id)] == ["active", "active"]
    assert [r.fields for r in _audit(db, "place", depot.id)] == ["active"]


def test_cli_edits_disables_and_enables_a_place(cli, db, places):
    from dispatch.models import Place

    house, post = places("safe_house"), places("police")
    for command in ("edit", "disable", "enable"):
        help_text = cli("place", command, "--help")
        assert help_text.exit_code == 0 and "Usage" in help_text.output
    assert cli("place", "edit", house.key).exit_code == 2
    done = cli(
        "place", "edit", house.key, "--public-label", "Pos Dua", "--lat", "-0.43", "--lon", "117.0"
    )
    assert done.exit_code == 0, done.output
    refused = cli("place", "edit", house.key, "--public-label", "Rumah Aman Tenggarong")
    assert refused.exit_code == 1 and "may not contain" in refused.output
    refused = cli("place", "edit", house.key, "--lat", "-6.2", "--lon", "106.8")
    assert refused.exit_code == 1 and "outside Kabupaten Kutai Kartanegara" in refused.output
    refused = cli("place", "edit", house.key, "--no-confidential")
    assert refused.exit_code == 1 and "always confidential" in refused.output
    db.expire_all()
    edited = db.get(Place, house.id)
    assert (edited.public_label, edited.lat, edited.lon) == ("Pos Dua", -0.43, 117.0)
    assert cli("place", "disable", post.key).exit_code == 0
    listed = cli("place", "list").output
    assert "disabled" in next(x for x in listed.splitlines() if x.startswith(post.key))
    assert cli("place", "enable", post.key).exit_code == 0
    in_use = cli("place", "disable", "depot")
    assert in_use.exit_code == 1 and "still the depot of active vehicles" in in_use.output
    missing = cli("place", "edit", "tidak-ada", "--name", "X")
    assert missing.exit_code == 1 and "Place tidak-ada not found." in missing.output
    assert [r.fields for r in _audit(db, "place", house.id)] == ["lat,lon,public_label"]
    assert [r.fields for r in _audit(db, "place", post.id)] == ["active", "active"]
