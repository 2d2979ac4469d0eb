"""An officer submits the intake form in a real (headless Chromium) browser."""

from __future__ import annotations

import datetime
import re

from dispatch.setup import demo_password


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo_password(username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_officer_submits_the_form_and_sees_the_status_page(page, live_server):
    _login(page, live_server, "officer.tenggarong")
    response = page.goto(f"{live_server}/requests/new")
    # The form's first load is small and carries no map library.
    html = page.content()
    assert len(response.body()) < 100_000
    assert "leaflet" not in html.lower()
    page.select_option("select[name=kind]", "medical")
    page.select_option("select[name=urgency]", "darurat")
    page.fill("input[name=village]", "Sebulu Ilir · Sebulu")
    page.dispatch_event("input[name=village]", "change")
    page.fill("input[name=landmark]", "dekat jembatan")
    page.fill("input[name=contact_phone]", "0812 5550 1234")
    page.fill("input[name=adults]", "1")
    page.fill("input[name=children]", "1")
    page.click("form#rf button[type=submit]")
    page.wait_for_url(re.compile(r".*/requests/KKR-\d{8}-\d{4}$"))
    body = page.inner_text("main")
    assert "Antar visum" in body and "Sebulu Ilir" in body and "+6281255501234" in body
    assert "Baru" in page.inner_text("#status")


def test_form_error_is_shown_in_indonesian(page, live_server):
    _login(page, live_server, "officer.kotabangun")
    page.goto(f"{live_server}/requests/new")
    page.fill("input[name=village]", "Kota Bangun Ulu · Kota Bangun")
    page.dispatch_event("input[name=village]", "change")
    page.fill("input[name=contact_phone]", "123")
    page.click("form#rf button[type=submit]")
    page.wait_for_selector("#msg.error")
    assert "tidak valid" in page.inner_text("#msg")


def test_a_submission_the_server_could_not_store_is_kept_and_sent_again(page, live_server):
    """A 503 (database restarting) loses nothing: the form keeps the request on the phone
    and sends it again, once, with the same Idempotency-Key."""
    _login(page, live_server, "officer.tenggarong")
    page.goto(f"{live_server}/requests/new")
    failed = []

    def unavailable(route):
        failed.append(route.request.headers["idempotency-key"])
        route.fulfill(status=503, content_type="application/json", body='{"detail": "x"}')

    page.route("**/api/requests", unavailable)
    page.fill("input[name=village]", "Sebulu Ilir · Sebulu")
    page.dispatch_event("input[name=village]", "change")
    page.fill("input[name=contact_phone]", "0812 5550 9876")
    page.click("form#rf button[type=submit]")
    page.wait_for_selector("#msg.notice:has-text('Belum terkirim')")
    assert "Belum terkirim" in page.inner_text("#msg") and len(failed) == 1
    page.unroute("**/api/requests")
    with page.expect_response("**/api/requests") as sent:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    assert sent.value.request.headers["idempotency-key"] == failed[0]
    page.wait_for_url(re.compile(r".*/requests/KKR-\d{8}-\d{4}$"))
    assert "+6281255509876" in page.inner_text("main")
    assert page.evaluate("localStorage.getItem('jangkau-outbox:officer.tenggarong')") == "[]"


def _logout(page, base: str) -> None:
    page.click("form[action='/logout'] button")
    page.wait_for_url(re.compile(r".*/login.*"))


def test_a_request_kept_on_a_shared_phone_is_never_sent_under_another_officer(
    page, live_server, engine
):
    from sqlmodel import Session, select

    from dispatch.models import Request

    _login(page, live_server, "officer.tenggarong")
    page.goto(f"{live_server}/requests/new")
    page.route("**/api/requests", lambda route: route.abort())  # no signal for this
    page.fill("input[name=village]", "Sebulu Ilir · Sebulu")
    page.dispatch_event("input[name=village]", "change")
    page.fill("input[name=landmark]", "titipan-ponsel-bersama")
    page.fill("input[name=contact_phone]", "0812 5550 4321")
    page.click("form#rf button[type=submit]")
    page.wait_for_selector("#msg.notice:has-text('Belum terkirim')")
    page.unroute("**/api/requests")
    _logout(page, live_server)
    _login(page, live_server, "officer.kotabangun")
    page.goto(f"{live_server}/requests/new")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1500)
    with Session(engine) as db:
        sent = db.exec(select(Request).where(Request.landmark == "titipan-ponsel-bersama")).all()
    assert sent == []  # not under officer.kotabangun's name
    kept = page.evaluate("localStorage.getItem('jangkau-outbox:officer.tenggarong')")
    assert "titipan-ponsel-bersama" in kept  # still waiting for its own officer


def _keep_past_dated(page, key: str, landmark: str, phone: str) -> None:
    """A request kept on officer.tenggarong's phone whose date has passed since (the
    server refuses it when it is sent)."""
    item = {
        "key": key,
        "body": {
            "kind": "visit",
            "urgency": "terjadwal",
            "available_date": "2020-01-02",
            "village": "Sebulu Ilir · Sebulu",
            "village_code": "64.02.07.2005",
            "landmark": landmark,
            "contact_phone": phone,
        },
    }
    page.evaluate(
        "item => localStorage.setItem('jangkau-outbox:officer.tenggarong', JSON.stringify([item]))",
        item,
    )


def test_a_kept_request_the_server_refuses_comes_back_into_the_form(page, live_server):
    _login(page, live_server, "officer.tenggarong")
    page.goto(f"{live_server}/requests/new")
    _keep_past_dated(page, "kept-0123456789", "rumah biru dekat sekolah", "081255508888")
    page.reload()  # the form sends what it kept; the date has passed by now
    page.wait_for_selector("#msg.error")
    assert "sudah lewat" in page.inner_text("#msg")
    assert page.input_value("input[name=landmark]") == "rumah biru dekat sekolah"
    assert page.input_value("input[name=available_date]") == "2020-01-02"


def test_a_kept_request_is_sent_from_the_officers_other_pages(page, live_server, engine):
    """Saved with no signal on the form; the officer moves on to the list of requests,
    and that page sends it when the signal is back, once, and says so."""
    from sqlmodel import Session, select

    from dispatch.models import Request

    _login(page, live_server, "officer.tenggarong")
    page.goto(f"{live_server}/requests/new")
    page.route("**/api/requests", lambda route: route.abort())  # no signal
    page.fill("input[name=village]", "Sebulu Ilir · Sebulu")
    page.dispatch_event("input[name=village]", "change")
    page.fill("input[name=landmark]", "dikirim-dari-daftar")
    page.fill("input[name=contact_phone]", "0812 5550 7777")
    page.click("form#rf button[type=submit]")
    page.wait_for_selector("#msg.notice:has-text('Belum terkirim')")
    page.unroute("**/api/requests")
    page.goto(f"{live_server}/requests")
    page.wait_for_selector("#outbox a")
    banner = page.inner_text("#outbox")
    assert "Terkirim dari ponsel ini: KKR-" in banner
    page.reload()  # nothing left to send: the banner stays hidden, nothing is sent twice
    page.wait_for_timeout(500)
    assert not page.is_visible("#outbox")
    with Session(engine) as db:
        sent = db.exec(select(Request).where(Request.landmark == "dikirim-dari-daftar")).all()
    assert len(sent) == 1 and sent[0].contact_phone == "+6281255507777"
    assert page.evaluate("localStorage.getItem('jangkau-outbox:officer.tenggarong')") == "[]"


def test_a_kept_request_refused_elsewhere_waits_in_the_form_until_corrected(page, live_server):
    _login(page, live_server, "officer.tenggarong")
    page.goto(f"{live_server}/requests")
    _keep_past_dated(page, "kept-refused-0001", "rumah hijau", "081255506666")
    page.reload()
    page.wait_for_selector("#outbox a[href='/requests/new']")
    assert "ditolak" in page.inner_text("#outbox")
    page.goto(f"{live_server}/requests/new")  # leaving the page lost nothing
    page.wait_for_selector("#msg.error")
    assert "sudah lewat" in page.inner_text("#msg")
    assert page.input_value("input[name=landmark]") == "rumah hijau"
    soon = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    page.fill("input[name=available_date]", soon)
    page.click("form#rf button[type=submit]")
    page.wait_for_url(re.compile(r".*/requests/KKR-\d{8}-\d{4}$"))
    assert "rumah hijau" in page.inner_text("main")
    assert page.evaluate("localStorage.getItem('jangkau-outbox:officer.tenggarong')") == "[]"


def test_a_misspelt_village_is_picked_from_the_geocoders_candidates(page, live_server):
    """The officer types a messy name with the kecamatan chosen: the geocoder's candidates
    show with their kecamatan and precision, and the one picked is the request's village."""
    _login(page, live_server, "officer.tenggarong")
    page.goto(f"{live_server}/requests/new")
    page.select_option("select[name=district_code]", "64.02.07")  # Sebulu
    with page.expect_request("**/api/geocode?*") as asked:
        page.locator("input[name=village]").press_sequentially("sebuluh ilir", delay=20)
    assert "district=64.02.07" in asked.value.url
    page.wait_for_selector("#vs [role=option]")
    first = page.locator("#vs [role=option]").first
    assert "Sebulu Ilir" in first.inner_text() and "Kec. Sebulu" in first.inner_text()
    assert "ketepatan:" in first.inner_text()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("input[name=village]", "aria-activedescendant") == "vs-0"
    page.keyboard.press("Enter")  # picks; does not send the form
    assert page.is_hidden("#vs")
    assert page.input_value("input[name=village_code]") == "64.02.07.2005"
    # another messy name, picked by touch/click: the kecamatan follows the village
    page.fill("input[name=village]", "")
    page.locator("input[name=village]").press_sequentially("tj batu kec loa kulu", delay=20)
    option = page.locator("#vs [role=option]", has_text="Tanjung Batu").first
    assert "Kec. Tenggarong Seberang" in option.inner_text()
    option.click()
    assert page.input_value("select[name=district_code]") == "64.02.16"
    assert page.input_value("input[name=village_code]") == "64.02.16.2018"
    page.fill("input[name=contact_phone]", "0812 5550 2468")
    page.click("form#rf button[type=submit]")
    page.wait_for_url(re.compile(r".*/requests/KKR-\d{8}-\d{4}$"))
    assert "Tanjung Batu, Tenggarong Seberang" in page.inner_text("main")


def test_a_name_several_villages_share_is_picked_from_the_refusal_and_sent(page, live_server):
    _login(page, live_server, "officer.tenggarong")
    page.goto(f"{live_server}/requests/new")
    page.fill("input[name=village]", "Sumber Sari")  # in three kecamatan, none Tenggarong
    page.fill("input[name=contact_phone]", "0812 5550 1357")
    page.click("form#rf button[type=submit]")
    page.wait_for_selector("#pick button")
    offered = page.inner_text("#pick")
    for kecamatan in ("Loa Kulu", "Sebulu", "Kota Bangun Darat"):
        assert f"Sumber Sari · Kec. {kecamatan}" in offered
    assert "Sumber Sari, Sumber Sari" not in page.inner_text("#msg")
    with page.expect_request("**/api/requests") as resent:
        page.click("#pick button:has-text('Kota Bangun Darat')")
    assert resent.value.post_data_json["village_code"] == "64.02.19.2007"
    page.wait_for_url(re.compile(r".*/requests/KKR-\d{8}-\d{4}$"))
    assert "Sumber Sari, Kota Bangun Darat" in page.inner_text("main")


def test_typing_a_village_without_signal_breaks_nothing(page, live_server):
    """No answer from the geocoder: the page's own list of villages takes over and the
    request is kept on the phone, then sent when the signal returns."""
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, live_server, "officer.tenggarong")
    page.goto(f"{live_server}/requests/new")
    page.context.set_offline(True)
    page.locator("input[name=village]").press_sequentially("Sebulu Il", delay=20)
    page.wait_for_function("document.querySelector('input[name=village]').getAttribute('list')")
    assert page.is_hidden("#vs")
    page.fill("input[name=village]", "Sebulu Ilir · Sebulu")
    page.fill("input[name=contact_phone]", "0812 5550 8642")
    page.click("form#rf button[type=submit]")
    page.wait_for_selector("#msg.notice:has-text('Belum terkirim')")
    assert "Belum terkirim" in page.inner_text("#msg")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url(re.compile(r".*/requests/KKR-\d{8}-\d{4}$"))
    assert "Sebulu Ilir" in page.inner_text("main") and errors == []
