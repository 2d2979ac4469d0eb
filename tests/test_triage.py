"""The dispatcher's triage on a request's page, and validation messages a person can read:
verifying a request from the public page so it is planned, changing its kind and village,
clearing a time window, refusing far-future dates; the page sends every field, and only
what really changes is recorded."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from dispatch import geocoding
from dispatch.models import AuditLog, Place, Precision, Request
from dispatch.services import planning
from tests.conftest import bearer, csrf_of, fresh_phone, login


def _submit(client, **over) -> str:
    body = {
        "kind": "visit",
        "urgency": "segera",
        "village_code": "64.02.06.1001",
        "adults": 1,
        "contact_phone": fresh_phone(),
    } | over
    r = client.post("/api/requests", headers=bearer(client, "officer.tenggarong"), json=body)
    assert r.status_code == 201, r.text
    return r.json()["reference"]


class _TriageForm(HTMLParser):
    """What a browser sends from the triage form as the page shows it (nothing touched)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._first: str | None = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = a.get("action", "").endswith("/triage")
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._first, self._chosen = a["name"], None, False
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
            if "selected" in a and not self._chosen:
                self.fields.append((self._select, a.get("value", "")))
                self._chosen = True

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._chosen:
                self.fields.append((self._select, self._first or ""))
            self._select = None
        elif tag == "form":
            self._in_form = False


def _page_form(html: str) -> dict[str, str]:
    """The triage form's fields as sent; a checkbox ticked wins over its hidden "false"."""
    parser = _TriageForm()
    parser.feed(html)
    out: dict[str, str] = {}
    for name, value in parser.fields:
        out[name] = value
    return out


def _triage_on_page(client, ref: str, **changes) -> object:
    page = client.get(f"/requests/{ref}")
    assert page.status_code == 200
    form = _page_form(page.text) | {k: v for k, v in changes.items() if v is not None}
    for name in [k for k, v in changes.items() if v is None]:  # a box left unticked
        form.pop(name, None)
    if form.get("verified") != "true":
        form["verified"] = "false"
    return client.post(f"/requests/{ref}/triage", data=form, follow_redirects=False)


def _stored(engine, ref: str) -> Request:
    with Session(engine) as db:
        return db.exec(select(Request).where(Request.reference == ref)).one()


def _changes(engine, req: Request) -> list[list[str]]:
    with Session(engine) as db:
        rows = db.exec(
            select(AuditLog)
            .where(
                AuditLog.entity == "request",
                AuditLog.entity_id == str(req.id),
                AuditLog.action == "update",
            )
            .order_by(AuditLog.id)
        ).all()
    return [sorted(a.fields.split(",")) if a.fields else [] for a in rows]


def _help_request(app, engine) -> Request:
    mark = f"lewat tetangga {uuid.uuid4().hex[:8]}"
    with TestClient(app, client=(f"198.51.100.{uuid.uuid4().int % 200 + 40}", 50000)) as phone:
        page = phone.get("/bantuan")
        sent = phone.post(
            "/bantuan",
            data={
                "village_code": "64.02.07.2005",
                "safe_contact": mark,
                "csrf_token": csrf_of(page.text),
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text[:300]
    with Session(engine) as db:
        return db.exec(select(Request).where(Request.safe_contact == mark)).one()


def test_a_help_page_request_verified_on_its_page_is_planned(app, engine, settings, client):
    req = _help_request(app, engine)
    assert not req.verified
    day = req.available_date
    with Session(engine) as db:
        assert planning.build_problem(db, day, settings).skipped.get(req.reference) == "unverified"
    login(client, "dispatcher")
    page = client.get(f"/requests/{req.reference}")
    assert "Sudah ditelepon balik / terverifikasi" in page.text
    assert "Belum diverifikasi" in page.text

    # The form sent as shown changes nothing: no new version, nothing recorded.
    same = _triage_on_page(client, req.reference)
    assert same.status_code == 303
    assert _stored(engine, req.reference).version == req.version
    assert _changes(engine, req) == []

    ticked = _triage_on_page(client, req.reference, verified="true")
    assert ticked.status_code == 303
    now = _stored(engine, req.reference)
    assert now.verified and now.version == req.version + 1
    assert _changes(engine, req) == [["verified"]]
    with Session(engine) as db:
        assert req.reference in {r.reference for r in planning.open_requests(db, day)}
        dp = planning.build_problem(db, day, settings)
        assert req.reference in dp.requests and req.reference not in dp.skipped
    page = client.get(f"/requests/{req.reference}").text
    assert "Belum diverifikasi" not in page
    assert re.search(r'name="verified" value="true"\s+checked', page)

    # Unticked again: back to unverified, recorded.
    assert _triage_on_page(client, req.reference, verified=None).status_code == 303
    assert not _stored(engine, req.reference).verified
    assert _changes(engine, req)[-1] == ["verified"]


def test_kind_and_village_change_on_the_page_as_intake_would_set_them(engine, client):
    ref = _submit(client, kind="visit", village_code="64.02.06.1001")
    before = _stored(engine, ref)
    assert before.onsite_minutes == 60 and before.destination_id is None
    login(client, "dispatcher")
    page = client.get(f"/requests/{ref}").text
    assert '<optgroup label="Kecamatan Sebulu">' in page
    assert re.search(r'<option value="64.02.06.1001" selected>', page)

    r = _triage_on_page(client, ref, kind="medical", village_code="64.02.07.2005")
    assert r.status_code == 303, r.text[:500]
    after = _stored(engine, ref)
    village = geocoding.get_default().gazetteer.candidate("64.02.07.2005")
    assert after.kind.value == "medical" and after.onsite_minutes == 15  # a transport's stop
    assert (after.village_code, after.district_code) == ("64.02.07.2005", "64.02.07")
    assert (after.lat, after.lon) == (village.lat, village.lon)
    assert after.precision == Precision(village.precision)
    assert after.location_source == village.source[:60]
    with Session(engine) as db:
        assert db.get(Place, after.destination_id).key == "rsud"
    assert after.version == before.version + 1
    assert _changes(engine, before) == [
        sorted(
            [
                "kind",
                "onsite_minutes",
                "destination",
                "district_code",
                "village_code",
                "location",
            ]
        )
    ]
    shown = client.get(f"/requests/{ref}").text
    assert re.search(r'<option value="medical" selected>', shown)
    assert "Sebulu Ilir" in shown


def test_a_point_sent_from_outside_the_regency_is_explained_and_replaced_by_a_village(
    engine, client
):
    ref = _submit(client, location="-6.2088, 106.8456", confirm_outside=True)
    login(client, "dispatcher")
    page = client.get(f"/requests/{ref}").text
    assert "Titik di luar wilayah kabupaten — petugas tetap mengirim" in page
    assert ">outside_region<" not in page
    client.get("/lang/en")
    assert (
        "Point outside the regency — the officer sent it anyway"
        in client.get(f"/requests/{ref}").text
    )
    client.get("/lang/id")
    assert _triage_on_page(client, ref, village_code="64.02.07.2005").status_code == 303
    after = _stored(engine, ref)
    assert after.location_flag == "" and after.precision != Precision.GPS
    assert after.village_code == "64.02.07.2005" and after.lat is not None and after.lat > -1


def test_a_time_window_and_a_date_can_be_cleared_on_the_page(engine, settings, client):
    today = datetime.now(settings.region.tz).date()
    later = today + timedelta(days=3)
    ref = _submit(
        client,
        urgency="segera",
        available_date=later.isoformat(),
        window_start="09:00",
        window_end="12:00",
    )
    req = _stored(engine, ref)
    login(client, "dispatcher")
    r = _triage_on_page(client, ref, window_start="", window_end="")
    assert r.status_code == 303
    after = _stored(engine, ref)
    assert after.window_start is None and after.window_end is None
    assert after.available_date == later  # untouched
    assert _changes(engine, req) == [["window_end", "window_start"]]

    # Only an end: allowed, as at intake. An end before the start: refused, on the page.
    assert _triage_on_page(client, ref, window_end="15:00").status_code == 303
    assert _stored(engine, ref).window_end == "15:00"
    bad = _triage_on_page(client, ref, window_start="16:00")
    assert bad.status_code == 422
    assert "Jam selesai harus setelah jam mulai." in bad.text and 'id="triage"' in bad.text
    assert _stored(engine, ref).window_start is None  # nothing stored
    typo = _triage_on_page(client, ref, window_start="9")
    assert typo.status_code == 422
    assert "Isian tidak valid: «Dari jam» ditulis sebagai jam JJ:MM, mis. 08:30." in typo.text
    error = re.search(r'id="triage-error">([^<]*)<', typo.text).group(1)
    assert "pattern" not in error and "window_start" not in error

    # No date: available from today, as a request sent without one.
    assert _triage_on_page(client, ref, available_date="").status_code == 303
    assert _stored(engine, ref).available_date == today
    # A scheduled request needs its date.
    sched = _submit(client, urgency="terjadwal", available_date=later.isoformat())
    r = _triage_on_page(client, sched, available_date="")
    assert r.status_code == 422 and "Permintaan terjadwal perlu tanggal." in r.text
    assert _stored(engine, sched).available_date == later

    # The JSON API clears with "".
    api = bearer(client, "dispatcher")
    version = _stored(engine, ref).version
    r = client.patch(
        f"/api/requests/{ref}", headers=api, json={"version": version, "window_end": ""}
    )
    assert r.status_code == 200 and r.json()["window_end"] is None


def test_a_likely_duplicate_decision_still_works_with_the_full_form(engine, client):
    phone = fresh_phone()
    first = _submit(client, contact_phone=phone)
    again = _submit(client, contact_phone=phone)
    req = _stored(engine, again)
    assert req.duplicate_of == _stored(engine, first).id and not req.duplicate_confirmed
    login(client, "dispatcher")
    assert _triage_on_page(client, again, duplicate="confirmed").status_code == 303
    assert _stored(engine, again).duplicate_confirmed
    assert _changes(engine, req) == [["duplicate_confirmed"]]
    assert _triage_on_page(client, again, duplicate="not").status_code == 303
    assert _stored(engine, again).duplicate_of is None


def test_validation_messages_name_the_form_s_fields_in_the_user_s_language(client):
    officer = bearer(client, "officer.tenggarong")
    body = {"kind": "visit", "urgency": "segera", "village_code": "64.02.06.1001"}
    r = client.post(
        "/api/requests",
        headers=officer,
        json=body | {"contact_phone": fresh_phone(), "adults": "abc", "window_start": "8"},
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    detail = r.json()["detail"]
    assert detail.startswith("Isian tidak valid: ")
    assert "«Dewasa» harus bilangan bulat (mis. 2)" in detail
    assert "«Dari jam» ditulis sebagai jam JJ:MM" in detail
    assert "Input should" not in detail and "adults" not in detail
    assert {(e["field"], e["code"]) for e in r.json()["errors"]} == {
        ("adults", "int_parsing"),
        ("window_start", "string_pattern_mismatch"),
    }
    en = client.post(
        "/api/requests",
        headers={**officer, "Accept-Language": "en-GB,en;q=0.8"},
        json=body | {"contact_phone": fresh_phone(), "adults": "abc"},
    )
    assert en.json()["detail"] == "Invalid input: «Adults» must be a whole number (e.g. 2)."

    for extra, want in (
        ({"kind": "medical", "adults": 0}, "Angkutan perlu paling sedikit satu penumpang"),
        ({"window_start": "10:00", "window_end": "09:00"}, "Jam selesai harus setelah jam mulai"),
        ({"adults": 99}, "«Dewasa» paling besar 20"),
        ({"notes": "x" * 2001}, "«Catatan rahasia» paling banyak 2000 karakter"),
        ({"available_date": "2026-13-01"}, "«Tanggal» bukan tanggal yang valid"),
        ({"kind": "teleport"}, "«Jenis layanan» harus salah satu dari: 'safe_house'"),
        ({"contact_phone": None}, "«Telepon kontak» "),
    ):
        r = client.post(
            "/api/requests", headers=officer, json=body | {"contact_phone": fresh_phone()} | extra
        )
        assert r.status_code == 422, (extra, r.text)
        assert want in r.json()["detail"], (extra, r.json()["detail"])
        assert "Value error" not in r.json()["detail"]
    missing = client.post("/api/requests", headers=officer, json={"urgency": "segera"})
    assert "«Jenis layanan» wajib diisi" in missing.json()["detail"]
    assert "«Telepon kontak» wajib diisi" in missing.json()["detail"]
    whole = client.post("/api/requests", headers=officer, json=[1, 2])
    assert whole.status_code == 422 and "«Isi kiriman» harus berupa objek JSON" in whole.text

    # The page without JavaScript: the officer's language, from the lang cookie.
    login(client, "officer.tenggarong")
    form = {
        "csrf_token": csrf_of(client.get("/requests/new").text),
        "kind": "safe_house",
        "urgency": "segera",
        "village_code": "64.02.06.1001",
        "contact_phone": fresh_phone(),
        "adults": "abc",
    }
    page = client.post("/requests/new", data=form)
    assert page.status_code == 422
    assert "Isian tidak valid: «Dewasa» harus bilangan bulat (mis. 2)." in page.text
    assert "Input should" not in page.text
    page = client.post("/requests/new", data=form | {"adults": "0", "children": "0"})
    assert "Angkutan perlu paling sedikit satu penumpang (dewasa atau anak)." in page.text
    assert "Value error" not in page.text and "form:" not in page.text
    client.get("/lang/en")
    page = client.post("/requests/new", data=form)
    assert "Invalid input: «Adults» must be a whole number (e.g. 2)." in page.text


def test_a_date_more_than_a_year_ahead_is_refused_at_intake_and_in_triage(engine, settings, client):
    officer = bearer(client, "officer.tenggarong")
    today = datetime.now(settings.region.tz).date()
    body = {
        "kind": "visit",
        "urgency": "terjadwal",
        "village_code": "64.02.06.1001",
        "contact_phone": fresh_phone(),
    }
    for far in ("9999-12-31", (today + timedelta(days=400)).isoformat()):
        r = client.post("/api/requests", headers=officer, json=body | {"available_date": far})
        assert r.status_code == 422 and r.json()["code"] == "date_too_far", r.text
        assert f"Tanggal {far} terlalu jauh ke depan" in r.json()["detail"]
    in_a_year = today + timedelta(days=300)
    ok = client.post(
        "/api/requests", headers=officer, json=body | {"available_date": in_a_year.isoformat()}
    )
    assert ok.status_code == 201, ok.text
    ref = ok.json()["reference"]
    dispatcher = bearer(client, "dispatcher")
    r = client.patch(
        f"/api/requests/{ref}",
        headers=dispatcher,
        json={"version": 1, "available_date": date(today.year + 3, 1, 1).isoformat()},
    )
    assert r.status_code == 422 and r.json()["code"] == "date_too_far"
    login(client, "dispatcher")
    page = _triage_on_page(client, ref, available_date="9999-12-31")
    assert page.status_code == 422 and "terlalu jauh ke depan" in page.text
    assert _stored(engine, ref).available_date == in_a_year


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_validation_message_key_is_in_the_catalogue(lang):
    from dispatch.i18n import CATALOG
    from dispatch.validation import _TYPES, FIELD_LABELS

    for key, _shown in _TYPES.values():
        assert lang in CATALOG[key], key
    for key in FIELD_LABELS.values():
        assert lang in CATALOG[key], key
    for key in ("val_time", "val_date", "val_body", "val_invalid", "passengers_required"):
        assert lang in CATALOG[key], key
