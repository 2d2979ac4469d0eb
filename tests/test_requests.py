"""Request intake through the JSON API: validation, idempotency, duplicates, visibility,
lifecycle guards, triage with version checks, and GPS pins that teach village points."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlmodel import select

from dispatch.models import AuditLog, Request, RequestEvent, Village
from tests.conftest import bearer, csrf_of, fresh_phone, login

REF = re.compile(r"^KKR-\d{8}-\d{4}$")


def _body(**over) -> dict:
    body = {
        "kind": "safe_house",
        "urgency": "segera",
        "village_code": "64.02.06.1001",
        "address": "Jl. Contoh RT 03",
        "landmark": "dekat masjid",
        "adults": 1,
        "children": 2,
        "contact_phone": fresh_phone(),
        "survivor_name": "Nama Rahasia",
        "notes": "catatan rahasia",
    }
    body.update(over)
    return body


@pytest.fixture
def officer(client):
    return bearer(client, "officer.tenggarong")


@pytest.fixture
def dispatcher(client):
    return bearer(client, "dispatcher")


def test_officer_submits_and_gets_a_reference_and_normalised_phone(client, officer, db):
    r = client.post("/api/requests", headers=officer, json=_body(contact_phone="0812-3456-7001"))
    assert r.status_code == 201, r.text
    out = r.json()
    assert REF.match(out["reference"])
    assert out["status"] == "new" and out["district_code"] == "64.02.06"
    assert "survivor_name" not in out and "contact_phone" not in out  # lists carry no PII
    stored = db.exec(select(Request).where(Request.reference == out["reference"])).one()
    assert stored.contact_phone == "+6281234567001"
    assert stored.precision is not None and stored.lat is not None
    events = db.exec(select(RequestEvent).where(RequestEvent.request_id == stored.id)).all()
    assert [e.to_status.value for e in events] == ["new"]
    # the history says who and when: the officer, at the moment the request was stored
    assert stored.created_by is not None and events[0].actor_id == stored.created_by
    assert events[0].at == stored.created_at and events[0].from_status is None


def test_the_answer_to_a_submission_is_what_was_stored(client, officer, dispatcher, db):
    """The answer is built without reading the row back: it must still match the row."""
    r = client.post("/api/requests", headers=officer, json=_body(window_start="08:00"))
    assert r.status_code == 201, r.text
    answered = r.json()
    later = client.get(f"/api/requests/{answered['reference']}", headers=dispatcher).json()
    assert {k: later[k] for k in answered} == answered
    assert answered["version"] == 1 and answered["verified"] is True
    stored = db.exec(select(Request).where(Request.reference == answered["reference"])).one()
    created = db.exec(
        select(AuditLog)
        .where(AuditLog.entity == "request", AuditLog.entity_id == str(stored.id))
        .order_by(AuditLog.id)
    ).all()
    assert [a.action for a in created] == ["create", "view"]  # the dispatcher opened it
    assert "survivor_name" in created[0].fields and "Nama Rahasia" not in created[0].fields
    assert created[0].actor_id == stored.created_by and created[0].at == stored.created_at


def test_bad_phone_gets_an_actionable_message(client, officer):
    r = client.post("/api/requests", headers=officer, json=_body(contact_phone="12345"))
    assert r.status_code == 422
    assert "0812" in r.json()["detail"]


def test_retry_with_the_same_idempotency_key_creates_nothing_new(client, officer, db):
    key = uuid.uuid4().hex
    body = _body()
    first = client.post("/api/requests", headers={**officer, "Idempotency-Key": key}, json=body)
    again = client.post("/api/requests", headers={**officer, "Idempotency-Key": key}, json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["reference"] == again.json()["reference"]
    n = len(db.exec(select(Request).where(Request.reference == first.json()["reference"])).all())
    assert n == 1


def test_same_village_and_phone_within_a_day_is_flagged_not_merged(client, officer):
    phone = fresh_phone()
    a = client.post("/api/requests", headers=officer, json=_body(contact_phone=phone)).json()
    b = client.post("/api/requests", headers=officer, json=_body(contact_phone=phone)).json()
    assert a["reference"] != b["reference"]
    assert b["duplicate_of"] == a["reference"] and a["duplicate_of"] is None


def test_unknown_or_ambiguous_village_is_422_with_candidates(client, officer):
    # Two villages of the regency are called Sumber Sari: without a kecamatan, ask.
    r = client.post(
        "/api/requests", headers=officer, json=_body(village_code=None, village="Sumber Sari")
    )
    assert r.status_code == 422 and r.json()["code"] == "village_ambiguous"
    assert "Beberapa desa" in r.json()["detail"]  # not "not known": it is known, twice
    codes = {c["district_code"] for c in r.json()["candidates"] if c["name"] == "Sumber Sari"}
    assert len(codes) >= 2
    typo = client.post(
        "/api/requests", headers=officer, json=_body(village_code=None, village="Sebulu Ilirr")
    )
    assert typo.status_code == 201 and typo.json()["village_code"] == "64.02.07.2005"
    r = client.post("/api/requests", headers=officer, json=_body(village_code="64.02.99.9999"))
    assert r.status_code == 422 and r.json()["code"] == "village_unknown"


def test_village_by_name_resolves(client, officer):
    r = client.post(
        "/api/requests",
        headers=officer,
        json=_body(village_code=None, village="Ds. Sebulu Ilir, Kec. Sebulu"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["village_code"].startswith("64.02.07.")


def test_gps_outside_the_regency_is_refused_unless_confirmed(client, officer):
    jakarta = "-6.2088, 106.8456"
    r = client.post("/api/requests", headers=officer, json=_body(location=jakarta))
    assert r.status_code == 422 and "di luar" in r.json()["detail"]
    r = client.post(
        "/api/requests", headers=officer, json=_body(location=jakarta, confirm_outside=True)
    )
    assert r.status_code == 201 and r.json()["location_flag"] == "outside_region"


def test_a_google_maps_link_gives_a_gps_point(client, officer):
    r = client.post(
        "/api/requests",
        headers=officer,
        json=_body(location="https://maps.google.com/?q=-0.41234,116.98765"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["precision"] == "gps"


def test_malformed_payloads_are_4xx(client, officer):
    for body in (
        {},
        {"kind": "teleport"},
        _body(adults=-1),
        _body(window_start="25:00"),
        _body(window_start="10:00", window_end="09:00"),
        _body(adults=0, children=0),
        _body(urgency="terjadwal"),
    ):
        r = client.post("/api/requests", headers=officer, json=body)
        assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
        assert r.json()["detail"]


def test_officers_see_their_kecamatan_only(client, officer):
    ref = client.post("/api/requests", headers=officer, json=_body()).json()["reference"]
    other = bearer(client, "officer.kotabangun")
    assert client.get(f"/api/requests/{ref}", headers=other).status_code == 404
    assert ref not in [r["reference"] for r in client.get("/api/requests", headers=other).json()]
    mine = client.get(f"/api/requests/{ref}", headers=officer)
    assert mine.status_code == 200 and mine.json()["survivor_name"] == "Nama Rahasia"


def test_viewing_sensitive_details_is_audited(client, officer, dispatcher, db):
    ref = client.post("/api/requests", headers=officer, json=_body()).json()["reference"]
    client.get(f"/api/requests/{ref}", headers=dispatcher)
    req = db.exec(select(Request).where(Request.reference == ref)).one()
    views = db.exec(
        select(AuditLog).where(AuditLog.action == "view", AuditLog.entity_id == str(req.id))
    ).all()
    assert views and "survivor_name" in views[-1].fields
    assert all("Nama Rahasia" not in (v.fields or "") for v in views)


def test_lifecycle_guards_and_history(client, officer, dispatcher):
    ref = client.post("/api/requests", headers=officer, json=_body()).json()["reference"]
    done = client.post(f"/api/requests/{ref}/status", headers=dispatcher, json={"status": "done"})
    assert done.status_code == 409
    assert (
        client.post(
            f"/api/requests/{ref}/status", headers=dispatcher, json={"status": "triaged"}
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/requests/{ref}/status",
            headers=officer,
            json={"status": "cancelled", "note": "sudah aman"},
        ).status_code
        == 200
    )
    again = client.post(
        f"/api/requests/{ref}/status", headers=dispatcher, json={"status": "triaged"}
    )
    assert again.status_code == 409  # a cancelled request stays cancelled
    history = client.get(f"/api/requests/{ref}", headers=dispatcher).json()["history"]
    assert [h["to_status"] for h in history] == ["new", "triaged", "cancelled"]
    assert history[-1]["actor"] == "officer.tenggarong"


def test_triage_refuses_a_stale_version(client, officer, dispatcher):
    ref = client.post("/api/requests", headers=officer, json=_body()).json()["reference"]
    first = client.patch(
        f"/api/requests/{ref}", headers=dispatcher, json={"version": 1, "urgency": "darurat"}
    )
    assert first.status_code == 200 and first.json()["urgency"] == "darurat"
    stale = client.patch(
        f"/api/requests/{ref}", headers=dispatcher, json={"version": 1, "urgency": "terjadwal"}
    )
    assert stale.status_code == 409 and "diubah orang lain" in stale.json()["detail"]
    assert (
        client.patch(f"/api/requests/{ref}", headers=officer, json={"version": 2}).status_code
        == 403
    )


def test_confirmed_gps_pins_become_the_village_point(client, officer, dispatcher, db):
    code = "64.02.12.2013"  # Muara Tiq, Tabang: no imported point in the demo
    village = db.get(Village, code)
    if village.lat is not None and not village.point_source.startswith("confirmed"):
        pytest.skip("this database has an imported point for the village")
    points = ["1.1600, 115.9000", "1.1620, 115.9020"]
    for gps in points:
        ref = client.post(
            "/api/requests", headers=officer, json=_body(village_code=code, location=gps)
        ).json()["reference"]
        r = client.patch(
            f"/api/requests/{ref}",
            headers=dispatcher,
            json={"version": 1, "location_confirmed": True},
        )
        assert r.status_code == 200
    db.expire_all()
    village = db.get(Village, code)
    assert village.lat == pytest.approx(1.1610) and village.lon == pytest.approx(115.9010)
    assert village.point_source == "confirmed GPS pins (2)"


def test_public_help_page_creates_an_unverified_request_and_is_rate_limited(client):
    page = client.get("/bantuan")
    assert page.status_code == 200
    assert "no-store" in page.headers["cache-control"]
    assert "Keluar cepat" in page.text and "location.replace" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    statuses = []
    for _ in range(6):
        r = client.post(
            "/bantuan",
            data={
                "village_code": "64.02.08.2004",
                "safe_contact": "telepon siang hari",
                "when": "siang",
                "csrf_token": csrf,
            },
        )
        statuses.append(r.status_code)
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert "Terima kasih" not in r.text and "SAPA 129" in r.text


def _detail(client, headers, ref: str) -> dict:
    return client.get(f"/api/requests/{ref}", headers=headers).json()


def test_changing_the_kind_of_a_transport_changes_where_it_goes(client, officer, dispatcher):
    ref = client.post("/api/requests", headers=officer, json=_body(kind="medical")).json()[
        "reference"
    ]
    assert _detail(client, dispatcher, ref)["destination"] == "rsud"
    moved = client.patch(
        f"/api/requests/{ref}", headers=dispatcher, json={"version": 1, "kind": "safe_house"}
    )
    assert moved.status_code == 200
    assert _detail(client, dispatcher, ref)["destination"] == "safe-house"
    visit = client.patch(
        f"/api/requests/{ref}", headers=dispatcher, json={"version": 2, "kind": "visit"}
    )
    assert visit.status_code == 200 and _detail(client, dispatcher, ref)["destination"] is None
    back = client.patch(
        f"/api/requests/{ref}", headers=dispatcher, json={"version": 3, "kind": "police"}
    )
    assert back.status_code == 200 and _detail(client, dispatcher, ref)["destination"] == "polres"


def test_dates_in_the_past_and_changes_to_closed_requests_are_refused(client, officer, dispatcher):
    past = client.post(
        "/api/requests",
        headers=officer,
        json=_body(urgency="terjadwal", available_date="2020-01-01"),
    )
    assert past.status_code == 422 and "sudah lewat" in past.json()["detail"]
    ref = client.post("/api/requests", headers=officer, json=_body()).json()["reference"]
    back = client.patch(
        f"/api/requests/{ref}",
        headers=dispatcher,
        json={"version": 1, "available_date": "2019-05-05"},
    )
    assert back.status_code == 422 and "2019-05-05" in back.json()["detail"]
    client.post(f"/api/requests/{ref}/status", headers=officer, json={"status": "cancelled"})
    version = _detail(client, dispatcher, ref)["version"]
    closed = client.patch(
        f"/api/requests/{ref}", headers=dispatcher, json={"version": version, "urgency": "darurat"}
    )
    assert closed.status_code == 409 and "sudah ditutup" in closed.json()["detail"]
    assert _detail(client, dispatcher, ref)["urgency"] == "segera"


def test_the_form_without_javascript_takes_blank_fields_as_defaults(client):
    login(client, "officer.tenggarong")
    csrf = csrf_of(client.get("/requests/new").text)
    r = client.post(
        "/requests/new",
        data={
            "csrf_token": csrf,
            "kind": "visit",
            "urgency": "segera",
            "village": "Sebulu Ilir · Sebulu",
            "village_code": "64.02.07.2005",
            "contact_phone": fresh_phone(),
            "available_date": "",
            "onsite_minutes": "",
            "window_start": "",
            "window_end": "",
            "adults": "1",
            "children": "0",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    assert re.search(r"/requests/KKR-\d{8}-\d{4}$", r.headers["location"])


def test_a_mistake_on_the_help_page_brings_the_form_back_filled_in(client):
    page = client.get("/bantuan")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post(
        "/bantuan",
        data={"village_code": "64.02.08.2004", "safe_contact": "ab", "when": "malam ini"},
        headers={"x-csrf-token": csrf},
    )
    assert r.status_code == 422
    assert "isi 3 sampai 300 huruf" in r.text and "Keluar cepat" in r.text
    assert 'value="malam ini"' in r.text and 'value="64.02.08.2004" selected' in r.text
    assert "no-store" in r.headers["cache-control"]


def test_the_help_page_redirects_after_sending_so_a_reload_sends_nothing_again(app, db):
    from fastapi.testclient import TestClient

    with TestClient(app, client=("198.51.100.20", 50000)) as phone:
        page = phone.get("/bantuan")
        form = {
            "village_code": "64.02.08.2004",
            "safe_contact": "lewat tetangga, sore hari",
            "csrf_token": csrf_of(page.text),
        }
        before = len(db.exec(select(Request)).all())
        sent = phone.post("/bantuan", data=form, follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == "/bantuan/terkirim"
        thanks = phone.get("/bantuan/terkirim")  # what a reload shows, too
        assert "Terima kasih" in thanks.text and "no-store" in thanks.headers["cache-control"]
        assert "Keluar cepat" in thanks.text
        assert len(db.exec(select(Request)).all()) == before + 1


def test_help_page_sent_with_an_expired_form_token_comes_back_filled_in(app, db, caplog):
    """The anonymous cookie expired or was blocked: the form comes back with what was typed,
    its quick exit, no app header, a message to send again, and a fresh token that works."""
    import logging

    from fastapi.testclient import TestClient

    caplog.set_level(logging.DEBUG)
    form = {
        "village_code": "64.02.08.2004",
        "safe_contact": "lewat Bu RT, pagi-rahasia-7431",
        "when": "sebelum jam sembilan",
        "phone": "0812 5550 3131",
    }
    with TestClient(app, client=("198.51.100.31", 50000)) as phone:
        phone.get("/bantuan")
        phone.cookies.clear()  # the browser dropped the cookie
        before = len(db.exec(select(Request)).all())
        r = phone.post("/bantuan", data={**form, "csrf_token": "stale"}, follow_redirects=False)
        assert 400 <= r.status_code < 500, r.status_code
        assert "lewat Bu RT, pagi-rahasia-7431" in r.text
        assert 'value="64.02.08.2004" selected' in r.text
        assert 'value="sebelum jam sembilan"' in r.text and 'value="0812 5550 3131"' in r.text
        assert 'id="exit" class="quick-exit"' in r.text and "location.replace" in r.text
        assert "sesi halaman ini habis" in r.text and "Kesalahan 403" not in r.text
        assert 'class="top"' not in r.text  # not the app's header
        assert "no-store" in r.headers["cache-control"]
        assert len(db.exec(select(Request)).all()) == before
        assert "pagi-rahasia-7431" not in caplog.text and "3131" not in caplog.text
        token = csrf_of(r.text)
        assert phone.cookies.get("jk_csrf") == token  # a fresh one, set with the page
        again = phone.post("/bantuan", data={**form, "csrf_token": token}, follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"] == "/bantuan/terkirim"
        assert len(db.exec(select(Request)).all()) == before + 1


def test_help_page_speaks_the_visitors_language_with_the_quick_exit_kept(app):
    from fastapi.testclient import TestClient

    with TestClient(app, client=("198.51.100.32", 50000)) as phone:
        page = phone.get("/bantuan")
        assert 'href="/lang/en?next=/bantuan"' in page.text and "Keluar cepat" in page.text
        switched = phone.get("/lang/en?next=/bantuan")
        assert "Quick exit" in switched.text and "Ask for help" in switched.text
        phone.cookies.delete("jk_csrf")
        r = phone.post(
            "/bantuan",
            data={"village_code": "", "safe_contact": "call at noon", "csrf_token": "old"},
        )
        assert r.status_code == 403 and "press Send once more" in r.text
        assert 'id="exit"' in r.text and "call at noon" in r.text


def test_the_form_without_javascript_offers_the_villages_a_name_fits(client):
    login(client, "officer.tenggarong")
    csrf = csrf_of(client.get("/requests/new").text)
    form = {
        "csrf_token": csrf,
        "kind": "visit",
        "urgency": "segera",
        "village": "Sumber Sari",
        "contact_phone": fresh_phone(),
    }
    refused = client.post("/requests/new", data=form, follow_redirects=False)
    assert refused.status_code == 422
    for code, kecamatan in (("64.02.02.2014", "Loa Kulu"), ("64.02.19.2007", "Kota Bangun Darat")):
        assert f'name="village_pick" value="{code}"> <b>Sumber Sari</b> · Kec. {kecamatan}' in (
            refused.text
        )
    picked = client.post(
        "/requests/new",
        data={**form, "village_pick": "64.02.19.2007"},
        follow_redirects=False,
    )
    assert picked.status_code == 303, picked.text[:500]
    page = client.get(picked.headers["location"])
    assert "Sumber Sari, Kota Bangun Darat" in page.text


def test_a_disabled_place_is_not_a_destination(client, officer, db):
    from dispatch.services.fleet import create_place, set_place_active

    key = f"polsek-uji-{uuid.uuid4().hex[:6]}"
    create_place(db, key, "police", "Polsek Uji", -0.45, 117.0, public_label="Polsek Uji")
    db.commit()
    sent = client.post("/api/requests", headers=officer, json=_body(kind="police", destination=key))
    assert sent.status_code == 201
    set_place_active(db, key, False)
    db.commit()
    refused = client.post(
        "/api/requests", headers=officer, json=_body(kind="police", destination=key)
    )
    assert refused.status_code == 422 and "aktif" in refused.json()["detail"]
