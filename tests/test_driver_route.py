"""The driver's link as a driver meets it: an officer's free text never brings restricted
words onto the page or into the downloads, a request cancelled after publishing is shown as
cancelled and takes no report, and reports kept in the phone still count after the link
expired when they happened on the route's day."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

import dispatch.web.routes.driver as driver_routes
from dispatch.models import (
    Assignment,
    DayPlan,
    DriverLink,
    Request,
    RequestStatus,
    User,
    Vehicle,
    utcnow,
)
from dispatch.services import planning
from dispatch.services.requests import RequestIn, change_status, submit_request
from maps.privacy import Guard
from tests.conftest import login

_DAYS = iter(range(1, 29))
RESTRICTED = ("kdrt", "korban", "rumah aman", "rumah-aman", "rumah_aman", "siti rahayu")


def _next_day() -> date:
    """A day of each test's own, ahead (test_planning.py uses 101-128 days ahead)."""
    return date.today() + timedelta(days=150 + next(_DAYS))


def _user(db: Session, name: str) -> User:
    return db.exec(select(User).where(User.username == name)).one()


def _publish(
    engine, settings, requests: list[dict], cars: list[int] | None = None
) -> tuple[date, list[str], dict[str, str]]:
    """Submit `requests` for a day of their own (each locked to the car of the same place in
    `cars`, when given), plan and publish it: the day, the references, and each reference's
    driver token."""
    day = _next_day()
    with Session(engine) as db:
        officer = _user(db, "officer.tenggarong")
        refs = []
        for kw in requests:
            body = {
                "kind": "medical",
                "urgency": "segera",
                "village_code": "64.02.07.2005",
                "adults": 1,
                "available_date": day.isoformat(),
                "contact_phone": "0812" + str(uuid.uuid4().int)[:8],
                **kw,
            }
            refs.append(submit_request(db, RequestIn(**body), settings, actor=officer)[0].reference)
        for ref, car in zip(refs, cars or (), strict=False):
            req = db.exec(select(Request).where(Request.reference == ref)).one()
            db.add(Assignment(day=day, request_id=req.id, vehicle_id=car))
        for other in planning.open_requests(db, day):
            if other.reference not in refs:
                db.add(Assignment(day=day, request_id=other.id, excluded=True))
        db.commit()
        dispatcher = _user(db, "dispatcher")
        planning.plan_day(db, day, settings, dispatcher, time_limit=1.0)
        db.commit()
        published = planning.publish(db, day, settings, dispatcher, planning.day_version(db, day))
        db.commit()
        plan, _ = planning.load_body(published)
        tokens = {
            ref: planning.link_token(settings.secret_key, published.id, int(route.vehicle))
            for route in plan.routes
            for ref in route.tasks
        }
    assert set(refs) <= set(tokens), "every request is on a route"
    return day, refs, tokens


def _cars(engine) -> list[int]:
    with Session(engine) as db:
        return [v.id for v in db.exec(select(Vehicle).where(Vehicle.active).order_by(Vehicle.id))]


def _republish(engine, settings, day: date, leave_out: tuple[str, ...] = ()) -> DayPlan:
    """The dispatcher plans the day again, leaving `leave_out` out, and publishes it."""
    with Session(engine) as db:
        for ref in leave_out:
            req = db.exec(select(Request).where(Request.reference == ref)).one()
            for a in db.exec(select(Assignment).where(Assignment.request_id == req.id)):
                db.delete(a)
            db.add(Assignment(day=day, request_id=req.id, excluded=True))
        db.commit()
        dispatcher = _user(db, "dispatcher")
        planning.plan_day(db, day, settings, dispatcher, time_limit=1.0)
        published = planning.publish(db, day, settings, dispatcher, planning.day_version(db, day))
        db.commit()
        db.refresh(published)
        return published


def _stop(page: str, ref: str, kind: str) -> str:
    m = re.search(
        rf'<li class="stop[^"]*" data-ref="{ref}" data-kind="{kind}">(.*?)</li>', page, re.S
    )
    assert m, (ref, kind)
    return m.group(1)


def _report(ref: str, kind: str, status: str = "done", at: datetime | None = None) -> dict:
    body = {"client_id": "c-" + uuid.uuid4().hex, "reference": ref, "stop_kind": kind}
    body["status"] = status
    if at is not None:
        body["happened_at"] = at.isoformat()
    return body


def test_officer_free_text_is_masked_on_the_page_and_every_download(engine, settings, client):
    landmark = "belakang Rumah Aman, korban KDRT, rumah Siti Rahayu"
    address = "Jl. Mawar No. 7 (RUMAH-AMAN lama)"
    day, (ref,), tokens = _publish(
        engine,
        settings,
        [{"landmark": landmark, "address": address, "survivor_name": "Siti Rahayu"}],
    )
    token = tokens[ref]
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    stop = _stop(page.text, ref, "pickup")
    # What the driver needs is still there; the restricted words are not.
    assert "belakang …, …, rumah …" in stop and "Jl. Mawar No. 7 (… lama)" in stop
    Guard(["KDRT", "korban", "Rumah Aman", "Siti Rahayu"]).check(page.text)
    for kind in ("map", "sheet", "gpx", "geojson"):
        r = client.get(f"/r/{token}/{kind}")
        assert r.status_code == 200, (kind, r.text[:300])
        assert "belakang …" in r.text, kind
        for word in RESTRICTED:
            assert word not in r.text.lower(), (kind, word)
    # The dispatcher's overview map of the day is drawn too (not refused by the guard).
    login(client, "dispatcher")
    overview = client.get(f"/plan/{day.isoformat()}/map")
    assert overview.status_code == 200
    assert not any(word in overview.text.lower() for word in RESTRICTED)


def test_a_request_cancelled_after_publishing_is_marked_and_takes_no_report(
    engine, settings, client
):
    day, (ref,), tokens = _publish(engine, settings, [{}])
    token = tokens[ref]
    with Session(engine) as db:
        req = db.exec(select(Request).where(Request.reference == ref)).one()
        phone = req.contact_phone
        assert "tel:" in _stop(client.get(f"/r/{token}").text, ref, "pickup")
        change_status(db, req, RequestStatus.CANCELLED, actor=_user(db, "dispatcher"))
        db.commit()
    page = client.get(f"/r/{token}").text
    for kind in ("pickup", "delivery"):
        stop = _stop(page, ref, kind)
        assert "Dibatalkan" in stop
        assert "tel:" not in stop and "data-s=" not in stop and "geo:" not in stop
    assert phone not in page
    r = client.post(f"/r/{token}/events", json=_report(ref, "pickup", "arrived"))
    assert r.status_code == 409
    assert r.json()["detail"] == f"Permintaan {ref} sudah dibatalkan: jangan dilayani."


def test_reports_that_cannot_be_true_are_refused(engine, settings, client):
    day, (transport, visit), tokens = _publish(
        engine, settings, [{}, {"kind": "visit", "village_code": "64.02.06.1001"}]
    )
    for ref, wrong in ((transport, "visit"), (visit, "pickup"), (visit, "delivery")):
        r = client.post(f"/r/{tokens[ref]}/events", json=_report(ref, wrong, "arrived"))
        assert r.status_code == 422 and r.json()["code"] == "stop_kind_mismatch", (ref, wrong)
        assert ref in r.json()["detail"]
    later = utcnow() + timedelta(hours=1)
    r = client.post(f"/r/{tokens[visit]}/events", json=_report(visit, "visit", "arrived", later))
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Waktu laporan ada di masa depan")
    # A phone clock a minute or two ahead is fine.
    soon = utcnow() + timedelta(minutes=2)
    r = client.post(f"/r/{tokens[visit]}/events", json=_report(visit, "visit", "arrived", soon))
    assert r.status_code == 201


@pytest.fixture
def clock(monkeypatch):
    """Set the server's clock (the link checks and the report checks read it)."""

    def set_to(at: datetime) -> None:
        monkeypatch.setattr(planning, "utcnow", lambda: at)
        monkeypatch.setattr(driver_routes, "utcnow", lambda: at)

    return set_to


def test_reports_kept_in_the_phone_count_after_the_link_expired(engine, settings, client, clock):
    day, (transport, visit), tokens = _publish(
        engine, settings, [{}, {"kind": "visit", "village_code": "64.02.06.1001"}]
    )
    token = tokens[visit]
    tz = settings.region.tz
    with Session(engine) as db:
        expires = db.get(DriverLink, planning._digest(token)).expires_at
    during_shift = datetime(day.year, day.month, day.day, 14, 0, tzinfo=tz)
    next_morning = datetime(day.year, day.month, day.day, 8, 0, tzinfo=tz) + timedelta(days=1)
    assert expires < next_morning
    clock(next_morning.astimezone(UTC))
    # Viewing the route is refused: the page says the link ended, in the driver's language,
    # shows no stops, and still sends the marks kept in the phone...
    page = client.get(f"/r/{token}")
    assert page.status_code == 410 and "Tautan rute ini berakhir" in page.text
    assert '<li class="stop' not in page.text and "/events" in page.text
    assert client.get(f"/r/{token}/sheet").status_code == 422
    # ... but the visit marked done during the shift, sent now, counts (once).
    report = _report(visit, "visit", "done", during_shift)
    first = client.post(f"/r/{token}/events", json=report)
    again = client.post(f"/r/{token}/events", json=report)
    assert first.status_code == 201 and again.status_code == 200
    with Session(engine) as db:
        req = db.exec(select(Request).where(Request.reference == visit)).one()
        assert req.status == RequestStatus.DONE
    # Not a report from another day, nor one without a time, nor for another car's stop.
    for late in (_report(visit, "visit", "arrived", next_morning), _report(visit, "visit")):
        r = client.post(f"/r/{token}/events", json=late)
        assert r.status_code == 422 and r.json()["code"] == "link_expired_report"
    if tokens[transport] != token:
        r = client.post(f"/r/{token}/events", json=_report(transport, "pickup", at=during_shift))
        assert r.status_code == 422 and r.json()["code"] == "stop_not_on_route"
    # And not forever: a week after the link expired, the route's reports are closed.
    clock(expires + timedelta(days=8))
    r = client.post(f"/r/{token}/events", json=_report(visit, "visit", "arrived", during_shift))
    assert r.status_code == 422 and r.json()["code"] == "link_expired_report"


def test_a_stop_made_before_the_request_was_cancelled_is_kept_when_sent_late(
    engine, settings, client
):
    """The driver picked her up at 09:00 without signal; the office cancelled at 10:00
    (she was already safe); the phone sends at 11:00. What happened is kept."""
    day, (ref,), tokens = _publish(engine, settings, [{}])
    before = utcnow() - timedelta(minutes=2)
    with Session(engine) as db:
        req = db.exec(select(Request).where(Request.reference == ref)).one()
        change_status(db, req, RequestStatus.CANCELLED, actor=_user(db, "dispatcher"))
        db.commit()
    late = client.post(f"/r/{tokens[ref]}/events", json=_report(ref, "pickup", "done", before))
    assert late.status_code == 201, late.text
    after = client.post(f"/r/{tokens[ref]}/events", json=_report(ref, "pickup", "done"))
    assert after.status_code == 409
    with Session(engine) as db:
        req = db.exec(select(Request).where(Request.reference == ref)).one()
        assert req.status == RequestStatus.CANCELLED


def test_marks_left_under_an_earlier_version_s_link_are_sent_from_the_new_one(
    engine, settings, page, live_server
):
    """The driver marked a stop without signal, closed the page; the office republished.
    Opening the new version sends the old marks, once."""
    from dispatch.models import StopEvent

    day, (ref,), tokens = _publish(engine, settings, [{}])
    old = tokens[ref]
    with Session(engine) as db:
        dispatcher = _user(db, "dispatcher")
        planning.plan_day(db, day, settings, dispatcher, time_limit=1.0)
        v2 = planning.publish(db, day, settings, dispatcher, planning.day_version(db, day))
        db.commit()
        plan, _ = planning.load_body(v2)
        route = next(r for r in plan.routes if ref in r.tasks)
        new = planning.link_token(settings.secret_key, v2.id, int(route.vehicle))
    mark = {**_report(ref, "pickup", "arrived", utcnow() - timedelta(minutes=5))}
    page.goto(f"{live_server}/r/{new}")
    page.evaluate(
        "([k, m]) => localStorage.setItem(k, JSON.stringify([m]))", [f"jangkau-route-{old}", mark]
    )
    page.reload()
    page.wait_for_function(f"() => localStorage.getItem('jangkau-route-{old}') === null")
    with Session(engine) as db:
        stored = db.exec(select(StopEvent).where(StopEvent.client_id == mark["client_id"])).all()
    assert len(stored) == 1 and stored[0].status == "arrived"


def test_a_reloaded_route_shows_what_was_already_reported(engine, settings, client):
    day, (ref,), tokens = _publish(engine, settings, [{}])
    token = tokens[ref]
    assert "✓" not in _stop(client.get(f"/r/{token}").text, ref, "pickup")
    r = client.post(f"/r/{token}/events", json=_report(ref, "pickup", "arrived"))
    assert r.status_code == 201
    page = client.get(f"/r/{token}").text
    assert "Tiba ✓" in _stop(page, ref, "pickup")
    assert "✓" not in _stop(page, ref, "delivery")


def _two_cars_then_one(engine, settings):
    """Two requests on two cars; a republish leaves the second one out, so the second car's
    route is withdrawn. The day, the references, the v1 tokens and the v2 plan."""
    first, second = _cars(engine)[:2]
    day, refs, tokens = _publish(engine, settings, [{}, {}], cars=[first, second])
    assert tokens[refs[0]] != tokens[refs[1]], "each request on its own car"
    v2 = _republish(engine, settings, day, leave_out=(refs[1],))
    plan, _ = planning.load_body(v2)
    assert [r.tasks for r in plan.routes if r.vehicle == str(second)] in ([], [[]])
    return day, refs, tokens, v2


def test_a_withdrawn_route_says_so_in_the_driver_s_language(engine, settings, client):
    day, (kept, dropped), tokens, _v2 = _two_cars_then_one(engine, settings)
    gone = tokens[dropped]
    state = client.get(f"/r/{gone}/state").json()
    assert state == {"version": 1, "current": False, "newer": None, "withdrawn": True}
    page = client.get(f"/r/{gone}")
    assert page.status_code == 410
    assert "Rute ini dibatalkan oleh dispatcher" in page.text and "Hubungi kantor" in page.text
    assert "Kesalahan" not in page.text
    # No stop of the withdrawn route is shown, nor its downloads; the marks' sender is there.
    assert dropped not in page.text and f"/r/{gone}/sheet" not in page.text
    assert "localStorage" in page.text
    client.cookies.set("lang", "en")
    english = client.get(f"/r/{gone}")
    assert english.status_code == 410 and "withdrawn by the dispatcher" in english.text
    # The car that kept its route is sent on to its new version, as before.
    r = client.get(f"/r/{tokens[kept]}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?updated=1")
    assert client.get(f"/r/{tokens[kept]}/state").json()["withdrawn"] is False


def test_the_open_page_of_a_withdrawn_route_shows_it_and_still_sends_the_marks(
    engine, settings, page, live_server
):
    """The driver is on the road without signal, marks the pickup; meanwhile the office
    takes the route away. When the signal returns the mark is sent and the page says the
    route was withdrawn."""
    from dispatch.models import StopEvent

    first, second = _cars(engine)[:2]
    day, (kept, dropped), tokens = _publish(engine, settings, [{}, {}], cars=[first, second])
    gone = tokens[dropped]
    page.goto(f"{live_server}/r/{gone}")
    banner = page.locator("#withdrawn")
    assert banner.is_hidden()
    page.context.set_offline(True)
    page.locator(f'li[data-ref="{dropped}"][data-kind="pickup"] button[data-s="arrived"]').click()
    page.wait_for_function(f"() => localStorage.getItem('jangkau-route-{gone}') !== null")
    _republish(engine, settings, day, leave_out=(dropped,))
    page.context.set_offline(False)
    banner.wait_for(state="visible")
    assert "Rute ini dibatalkan oleh dispatcher" in banner.inner_text()
    page.wait_for_function(f"() => localStorage.getItem('jangkau-route-{gone}') === null")
    with Session(engine) as db:
        req = db.exec(select(Request).where(Request.reference == dropped)).one()
        stored = db.exec(select(StopEvent).where(StopEvent.request_id == req.id)).all()
    assert [e.status for e in stored] == ["arrived"]


def test_downloads_of_an_outdated_version_lead_to_the_current_one_or_say_it_was_withdrawn(
    engine, settings, client
):
    day, (kept, dropped), tokens, v2 = _two_cars_then_one(engine, settings)
    plan, _ = planning.load_body(v2)
    car = next(r.vehicle for r in plan.routes if kept in r.tasks)
    current = planning.link_token(settings.secret_key, v2.id, int(car))
    for kind in ("map", "sheet", "gpx", "geojson"):
        old = client.get(f"/r/{tokens[kept]}/{kind}", follow_redirects=False)
        assert old.status_code == 303 and old.headers["location"] == f"/r/{current}/{kind}"
        followed = client.get(f"/r/{tokens[kept]}/{kind}")
        assert followed.status_code == 200 and "-v2-" in followed.headers["content-disposition"]
        gone = client.get(f"/r/{tokens[dropped]}/{kind}")
        assert gone.status_code == 410, kind
        assert "Rute ini dibatalkan oleh dispatcher" in gone.text
        assert dropped not in gone.text
    assert client.get(f"/r/{tokens[kept]}/nothing").status_code == 404
    # The current version's own downloads are served as before.
    assert client.get(f"/r/{current}/sheet", follow_redirects=False).status_code == 200


def test_the_pickup_asks_how_many_got_in_and_shows_the_reported_count(engine, settings, client):
    day, (ref,), tokens = _publish(engine, settings, [{"adults": 2, "children": 1}])
    token = tokens[ref]
    page = client.get(f"/r/{token}").text
    pickup = _stop(page, ref, "pickup")
    assert re.search(r'<input type="number" name="passengers"[^>]*value="3"', pickup)
    assert "Penumpang dijemput" in pickup
    assert 'name="passengers"' not in _stop(page, ref, "delivery")
    r = client.post(f"/r/{token}/events", json={**_report(ref, "pickup", "done"), "passengers": 2})
    assert r.status_code == 201
    pickup = _stop(client.get(f"/r/{token}").text, ref, "pickup")
    assert "Selesai ✓ · Penumpang dijemput: 2" in pickup
    assert re.search(r'name="passengers"[^>]*value="2"', pickup)


def test_the_passengers_picked_up_are_kept_in_the_phone_and_sent_with_the_mark(
    engine, settings, page, live_server
):
    from dispatch.models import StopEvent

    day, (ref,), tokens = _publish(engine, settings, [{"adults": 2, "children": 1}])
    token = tokens[ref]
    page.goto(f"{live_server}/r/{token}")
    stop = page.locator(f'li[data-ref="{ref}"][data-kind="pickup"]')
    count = stop.locator('input[name="passengers"]')
    assert count.input_value() == "3"
    page.context.set_offline(True)
    count.fill("2")
    stop.locator('button[data-s="done"]').click()
    kept = page.evaluate(f"() => JSON.parse(localStorage.getItem('jangkau-route-{token}'))")
    assert [(m["status"], m["passengers"]) for m in kept] == [("done", 2)]
    assert "Penumpang dijemput: 2" in stop.locator(".state").inner_text()
    page.context.set_offline(False)
    page.wait_for_function(f"() => localStorage.getItem('jangkau-route-{token}') === null")
    assert stop.locator(".state").inner_text() == "Selesai ✓ · Penumpang dijemput: 2"
    with Session(engine) as db:
        stored = db.exec(select(StopEvent).where(StopEvent.client_id == kept[0]["client_id"])).one()
    assert (stored.status, stored.passengers) == ("done", 2)


def test_opening_a_route_or_its_downloads_is_audited_without_values(engine, settings, client):
    from dispatch.models import AuditLog

    _day, (visit,), tokens = _publish(engine, settings, [{"kind": "visit"}])
    token = tokens[visit]
    assert client.get(f"/r/{token}").status_code == 200
    assert client.get(f"/r/{token}/sheet").status_code == 200
    with Session(engine) as db:
        rows = db.exec(
            select(AuditLog)
            .where(AuditLog.entity == "driver_link", AuditLog.action == "view")
            .order_by(AuditLog.id.desc())
            .limit(2)
        ).all()
    assert sorted(r.fields for r in rows) == ["route_page", "sheet"]
    assert all(token not in (r.entity_id or "") for r in rows)  # never the link itself
    assert all("+62" not in str(r.fields) for r in rows)


def test_the_dispatcher_sees_how_many_the_driver_picked_up(engine, settings, client):
    day, (transport,), tokens = _publish(engine, settings, [{"adults": 2, "children": 1}])
    report = _report(transport, "pickup") | {"passengers": 2}  # one child stayed home
    assert client.post(f"/r/{tokens[transport]}/events", json=report).status_code == 201
    login(client, "dispatcher")
    board = client.get(f"/plan?day={day.isoformat()}").text
    assert "2 penumpang dijemput" in board


def test_the_route_page_opens_again_with_no_signal(engine, settings, page, live_server):
    """Opened once with signal, the route page is kept on the phone (a service worker):
    reloaded in a village without signal, it still shows the stops, and a mark made there
    is sent when the signal returns."""
    from dispatch.models import StopEvent

    _day, (ref,), tokens = _publish(engine, settings, [{"kind": "visit"}])
    token = tokens[ref]
    page.goto(f"{live_server}/r/{token}")
    page.wait_for_function(
        "async () => !!(await navigator.serviceWorker.getRegistration('/r/'))?.active",
        timeout=15_000,
    )
    page.reload()  # now under the service worker, which keeps a copy
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    page.context.set_offline(True)
    page.reload()
    stop = page.locator(f'li[data-ref="{ref}"][data-kind="visit"]')
    assert stop.is_visible() and ref in stop.inner_text()
    stop.locator('button[data-s="done"]').click()
    page.wait_for_function(f"() => localStorage.getItem('jangkau-route-{token}') !== null")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(f"() => localStorage.getItem('jangkau-route-{token}') === null")
    with Session(engine) as db:
        req = db.exec(select(Request).where(Request.reference == ref)).one()
        assert [
            e.status for e in db.exec(select(StopEvent).where(StopEvent.request_id == req.id))
        ] == ["done"]
