"""Admin: places, vehicles and users refused with a message a person can act on, never a 500."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from dispatch.errors import UserError
from dispatch.models import Place
from dispatch.services.fleet import create_place
from tests.conftest import csrf_of, login

JAKARTA = {"lat": -6.2, "lon": 106.8}


def _admin_api(client, lang: str | None = None) -> dict[str, str]:
    from dispatch.setup import demo_password

    token = client.post(
        "/api/auth/token", data={"username": "admin", "password": demo_password("admin")}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    if lang:
        headers["Accept-Language"] = lang
    return headers


def _place(client, headers):
    return {p["key"]: p for p in client.get("/api/places", headers=headers).json()}


def _admin_form(client, path: str, data: dict):
    login(client, "admin")
    page = client.get(path)
    assert page.status_code == 200
    return client.post(
        path, data={**data, "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )


# ---- duplicates --------------------------------------------------------------------------


def test_api_duplicate_place_key_is_409_and_the_place_is_untouched(client):
    admin = _admin_api(client)
    before = _place(client, admin)["rsud"]
    body = {"key": "rsud", "kind": "hospital", "name": "dup", "lat": -0.4, "lon": 117.0}
    r = client.post("/api/places", headers=admin, json=body)
    assert r.status_code == 409
    assert r.json()["code"] == "place_key_exists"
    assert r.json()["detail"] == "Kode tempat rsud sudah dipakai. Pilih kode lain."
    r = client.post("/api/places", headers=_admin_api(client, "en"), json=body)
    assert r.status_code == 409
    assert r.json()["detail"] == "Place key rsud is already taken. Choose another key."
    assert _place(client, admin)["rsud"] == before


def test_admin_page_duplicate_place_key_is_409_with_the_message(client):
    r = _admin_form(
        client,
        "/admin/places",
        {"key": "polres", "kind": "police", "name": "dup", "lat": "-0.4", "lon": "117.0"},
    )
    assert r.status_code == 409
    assert "Kode tempat polres sudah dipakai. Pilih kode lain." in r.text
    assert _place(client, _admin_api(client))["polres"]["name"] == "Polres Kutai Kartanegara"


def test_duplicate_vehicle_name_is_409_on_api_and_page(client):
    admin = _admin_api(client)
    r = client.post("/api/vehicles", headers=admin, json={"name": "Mobil Perlindungan 1"})
    assert r.status_code == 409 and r.json()["code"] == "vehicle_name_taken"
    assert "Mobil Perlindungan 1" in r.json()["detail"]
    r = _admin_form(
        client,
        "/admin/vehicles",
        {
            "name": "Mobil Perlindungan 2",
            "seats": "5",
            "shift_start": "07:30",
            "shift_end": "16:00",
        },
    )
    assert r.status_code == 409
    assert "Nama kendaraan Mobil Perlindungan 2 sudah dipakai." in r.text


def test_duplicate_username_is_409_on_api_and_page(client):
    admin = _admin_api(client, "en")
    r = client.post(
        "/api/users",
        headers=admin,
        json={"username": "dispatcher", "password": "kata-sandi-panjang", "role": "dispatcher"},
    )
    assert r.status_code == 409 and r.json()["detail"] == "Username dispatcher is taken."
    r = _admin_form(
        client,
        "/admin/users",
        {"username": "dispatcher", "password": "kata-sandi-panjang", "role": "dispatcher"},
    )
    assert r.status_code == 409 and "Nama pengguna dispatcher sudah dipakai." in r.text


# ---- places outside the region -----------------------------------------------------------


def test_api_place_outside_the_region_is_422_naming_the_box(client):
    admin = _admin_api(client)
    r = client.post(
        "/api/places",
        headers=admin,
        json={"key": "jakarta", "kind": "other", "name": "Jakarta", **JAKARTA},
    )
    assert r.status_code == 422 and r.json()["code"] == "place_outside_region"
    detail = r.json()["detail"]
    assert "-6.2, 106.8" in detail and "Kabupaten Kutai Kartanegara" in detail
    assert "lintang -1.35…1.6, bujur 115.2…117.75" in detail
    r = client.post(
        "/api/places",
        headers=_admin_api(client, "en"),
        json={"key": "jakarta", "kind": "other", "name": "Jakarta", **JAKARTA},
    )
    assert "latitude -1.35…1.6, longitude 115.2…117.75" in r.json()["detail"]
    assert "jakarta" not in _place(client, admin)


def test_admin_page_place_outside_the_region_is_422(client):
    r = _admin_form(
        client,
        "/admin/places",
        {"key": "jakarta", "kind": "other", "name": "Jakarta", "lat": "-6.2", "lon": "106.8"},
    )
    assert r.status_code == 422
    assert "berada di luar Kabupaten Kutai Kartanegara" in r.text


def test_place_inside_the_region_is_still_accepted(client):
    admin = _admin_api(client)
    r = client.post(
        "/api/places",
        headers=admin,
        json={
            "key": "gudang-loa-kulu",
            "kind": "other",
            "name": "Gudang",
            "lat": -0.52,
            "lon": 117.01,
        },
    )
    assert r.status_code == 201


def test_cli_place_add_outside_the_region_is_refused(engine, settings, monkeypatch):
    from typer.testing import CliRunner

    from dispatch import cli

    monkeypatch.setenv("JANGKAU_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("JANGKAU_SECRET_KEY", "t" * 40)
    args = ["place", "add", "jakarta-cli", "--kind", "other", "--name", "Jakarta"]
    result = CliRunner().invoke(cli.app, [*args, "--lat", "-6.2", "--lon", "106.8"])
    assert result.exit_code == 1
    assert "outside Kabupaten Kutai Kartanegara" in result.output
    with Session(engine) as db:
        assert db.exec(select(Place).where(Place.key == "jakarta-cli")).first() is None
        with pytest.raises(UserError) as exc:
            create_place(db, "jakarta-svc", "other", "Jakarta", **JAKARTA)
        assert exc.value.status == 422 and exc.value.key == "place_outside_region"


# ---- a vehicle's depot -------------------------------------------------------------------


def test_vehicle_depot_must_be_a_depot(client):
    admin = _admin_api(client)
    body = {"name": "Mobil RSUD", "depot_key": "rsud"}
    r = client.post("/api/vehicles", headers=admin, json=body)
    assert r.status_code == 422 and r.json()["code"] == "depot_not_depot"
    assert r.json()["detail"] == (
        "Tempat rsud bukan pangkalan. Pangkalan kendaraan harus tempat berjenis pangkalan (depot)."
    )
    r = client.post("/api/vehicles", headers=_admin_api(client, "en"), json=body)
    assert r.json()["detail"] == (
        "Place rsud is not a depot. A vehicle's depot must be a place of kind depot."
    )
    names = [v["name"] for v in client.get("/api/vehicles", headers=admin).json()]
    assert "Mobil RSUD" not in names


def test_vehicle_with_an_unknown_depot_is_404_not_500(client):
    r = client.post(
        "/api/vehicles",
        headers=_admin_api(client, "en"),
        json={"name": "Mobil Hantu", "depot_key": "tidak-ada"},
    )
    assert r.status_code == 404 and r.json()["detail"] == "Place tidak-ada not found."


def test_admin_page_vehicle_depot_must_be_a_depot(client):
    r = _admin_form(
        client,
        "/admin/vehicles",
        {
            "name": "Mobil RSUD",
            "seats": "5",
            "depot_key": "rsud",
            "shift_start": "07:30",
            "shift_end": "16:00",
        },
    )
    assert r.status_code == 422
    assert "Tempat rsud bukan pangkalan." in r.text


def test_two_admins_adding_the_same_user_at_once_get_one_user_and_a_clear_409(engine):
    import threading
    import uuid

    from dispatch.errors import Conflict
    from dispatch.models import User
    from dispatch.services.users import create_user

    name, outcomes = f"kembar.{uuid.uuid4().hex[:8]}", []

    def add() -> None:
        try:
            with Session(engine) as s:
                create_user(s, name, "kata-sandi-panjang-2026", "driver")
                s.commit()
            outcomes.append("created")
        except Conflict as exc:
            outcomes.append(exc.key)
        except Exception as exc:  # pragma: no cover - reported below
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=add) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] + ["username_taken"] * 5
    with Session(engine) as s:
        assert len(s.exec(select(User).where(User.username == name)).all()) == 1


def test_a_refused_admin_form_comes_back_with_what_was_typed(client):
    """The admin corrects one field, not the whole form (the password is never echoed)."""
    place = _admin_form(
        client,
        "/admin/places",
        {
            "key": "polsek-tabang",
            "kind": "police",
            "name": "Polsek Tabang",
            "public_label": "Polsek",
            "address": "Jl. Poros Tabang",
            **{k: str(v) for k, v in JAKARTA.items()},
        },
    )
    assert place.status_code == 422
    for typed in ('value="polsek-tabang"', 'value="Polsek Tabang"', 'value="Jl. Poros Tabang"'):
        assert typed in place.text
    assert 'value="police" selected' in place.text and 'value="-6.2"' in place.text
    vehicle = _admin_form(
        client,
        "/admin/vehicles",
        {
            "name": "Mobil Tabang",
            "plate": "KT 1234 XY",
            "seats": "6",
            "depot_key": "rsud",
            "shift_start": "06:00",
            "shift_end": "15:00",
        },
    )
    assert vehicle.status_code == 422
    for typed in ('value="Mobil Tabang"', 'value="KT 1234 XY"', 'value="6"', 'value="06:00"'):
        assert typed in vehicle.text
    user = _admin_form(
        client,
        "/admin/users",
        {"username": "admin", "password": "rahasia-sekali-2026", "role": "officer"},
    )
    assert user.status_code == 409 and 'value="officer" selected' in user.text
    assert "rahasia-sekali-2026" not in user.text


def test_a_plate_already_registered_is_refused_however_it_is_typed(client):
    admin = _admin_api(client)
    plate = client.get("/api/vehicles", headers=admin).json()[0]["plate"]
    assert plate
    r = client.post(
        "/api/vehicles",
        headers=admin,
        json={"name": "Mobil Kembar", "plate": "  " + plate.lower().replace(" ", "  ") + " "},
    )
    assert r.status_code == 409 and plate in r.json()["detail"]
    names = [v["name"] for v in client.get("/api/vehicles", headers=admin).json()]
    assert "Mobil Kembar" not in names
