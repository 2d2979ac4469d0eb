"""The dispatcher's day through the service: plan, lock, publish, driver reports (once each,
even when resent), a mid-day re-plan from the vehicles' positions, and the end of the day."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import Session, select

from dispatch.models import (
    Assignment,
    DayPlan,
    DriverLink,
    PlanStatus,
    Request,
    RequestStatus,
    StopEvent,
    User,
    Vehicle,
    Village,
    utcnow,
)
from dispatch.services import planning
from dispatch.services.requests import RequestIn, submit_request
from tests.conftest import csrf_of, login, report_stop

_DAYS = iter(range(1, 29))


def _next_day() -> date:
    """A day of each test's own, in the future (links expire at the end of their day)."""
    return date.today() + timedelta(days=100 + next(_DAYS))  # within intake's year ahead


def _submit(db: Session, settings, officer: User, day: date, **kw) -> Request:
    body = {
        "kind": "medical",
        "urgency": "segera",
        "village_code": "64.02.07.2005",
        "adults": 1,
        "children": 1,
        "available_date": day.isoformat(),
        "contact_phone": "0812" + str(uuid.uuid4().int)[:8],
    }
    body.update(kw)
    req, _ = submit_request(db, RequestIn(**body), settings, actor=officer)
    return req


@pytest.fixture
def day_setup(engine, settings):
    """Four requests on DAY near Tenggarong, all dispatchable in a short day."""
    day = _next_day()
    with Session(engine) as db:
        officer = db.exec(select(User).where(User.username == "officer.tenggarong")).one()
        new = lambda **kw: _submit(db, settings, officer, day, **kw).reference  # noqa: E731
        refs = [
            new(urgency="darurat"),
            new(kind="visit", village_code="64.02.06.1001", children=0),
            new(
                kind="police",
                village_code="64.02.16.2001",
                window_start="09:00",
                window_end="12:00",
            ),
            new(kind="safe_house", village_code="64.02.03.2001", urgency="terjadwal"),
        ]
        # Whatever else is open (other tests' requests) is left out of this day.
        for other in planning.open_requests(db, day):
            if other.reference not in refs:
                db.add(Assignment(day=day, request_id=other.id, excluded=True))
        db.commit()
    return day, refs


def _dispatcher(db: Session) -> User:
    return db.exec(select(User).where(User.username == "dispatcher")).one()


def test_plan_publish_report_and_replan(engine, settings, day_setup):
    DAY, refs = day_setup
    with Session(engine) as db:
        dispatcher = _dispatcher(db)
        draft = planning.plan_day(db, DAY, settings, dispatcher, time_limit=1.0)
        db.commit()
        plan, body = planning.load_body(draft)
        served = {t for r in plan.routes for t in r.tasks}
        assert set(refs) <= set(body["tasks"])
        assert set(refs) == served, plan.unserved
        # A second dispatcher holding the old version is told, not overwritten.
        seen = planning.day_version(db, DAY)
        planning.bump_day(db, DAY, seen, dispatcher)
        db.commit()
        with pytest.raises(Exception) as err:
            planning.publish(db, DAY, settings, dispatcher, expected_version=seen)
        assert getattr(err.value, "key", "") == "plan_changed"
        db.rollback()
        # The day changed after this plan was made: it is planned again before it goes out.
        with pytest.raises(Exception) as err:
            planning.publish(db, DAY, settings, dispatcher, planning.day_version(db, DAY))
        assert getattr(err.value, "key", "") == "plan_stale"
        db.rollback()
        planning.plan_day(db, DAY, settings, dispatcher, time_limit=1.0)
        db.commit()
        published = planning.publish(
            db, DAY, settings, dispatcher, expected_version=planning.day_version(db, DAY)
        )
        db.commit()
        assert published.version == 1 and published.status == PlanStatus.PUBLISHED
        for ref in refs:
            req = db.exec(select(Request).where(Request.reference == ref)).one()
            assert req.status == RequestStatus.DISPATCHED


def test_requests_on_a_published_route_are_not_planned_again_for_another_day(
    engine, settings, day_setup
):
    """Planning tomorrow in the afternoon must not take today's passengers off the cars
    that are driving to them; re-planning today still sees them."""
    DAY, refs = day_setup
    tomorrow = _next_day()
    with Session(engine) as db:
        dispatcher = _dispatcher(db)
        planning.plan_day(db, DAY, settings, dispatcher, time_limit=1.0)
        planning.publish(db, DAY, settings, dispatcher, planning.day_version(db, DAY))
        db.commit()
        assert not {r.reference for r in planning.open_requests(db, tomorrow)} & set(refs)
        draft = planning.plan_day(db, tomorrow, settings, dispatcher, time_limit=1.0)
        db.commit()
        assert not set(planning.load_body(draft)[1]["tasks"]) & set(refs)
        assert set(refs) <= {r.reference for r in planning.open_requests(db, DAY)}
        for ref in refs:  # still on their way today
            req = db.exec(select(Request).where(Request.reference == ref)).one()
            assert req.status == RequestStatus.DISPATCHED


def test_driver_reports_count_once_and_mid_day_replan_keeps_what_is_done(
    engine, settings, client, day_setup
):
    DAY, _refs = day_setup
    with Session(engine) as db:
        dispatcher = _dispatcher(db)
        planning.plan_day(db, DAY, settings, dispatcher, time_limit=1.0)
        db.commit()
        v1 = planning.publish(db, DAY, settings, dispatcher, planning.day_version(db, DAY))
        db.commit()
        plan, _ = planning.load_body(v1)
        route = next(r for r in plan.routes if r.tasks)
        first = route.tasks[0]
        vehicle_id = int(route.vehicle)
        token = planning.link_token(settings.secret_key, v1.id, vehicle_id)
    # The driver's page shows the route without names or notes.
    page = client.get(f"/r/{token}")
    assert page.status_code == 200 and first in page.text
    assert "Nama" not in page.text and "catatan" not in page.text
    # The downloads: offline map, A4 sheet, GPX and GeoJSON, with nothing confidential.
    for kind, marker in (
        ("map", "<html"),
        ("sheet", first),
        ("gpx", "<gpx"),
        ("geojson", "FeatureCollection"),
    ):
        r = client.get(f"/r/{token}/{kind}")
        assert r.status_code == 200, (kind, r.text[:300])
        assert marker in r.text
        for secret in ("Nama Rahasia", "Rumah Aman", "Ibu Rahasia", "(dirahasiakan)"):
            assert secret not in r.text, (kind, secret)
    offline = client.get(f"/r/{token}/map").text
    assert not re.search(r"<script[^>]+src=[\"']?https?:", offline)
    assert client.get(f"/r/{token}/pdf").status_code == 404
    first_kind = next(s.kind.value for s in route.stops if s.task == first)
    report = {
        "client_id": "c-" + uuid.uuid4().hex,
        "reference": first,
        "stop_kind": first_kind,
        "status": "done",
        "happened_at": utcnow().isoformat(),
    }
    a = client.post(f"/r/{token}/events", json=report)
    b = client.post(f"/r/{token}/events", json=report)  # resent after a dropped connection
    assert a.status_code == 201 and b.status_code == 200 and a.json()["id"] == b.json()["id"]
    with Session(engine) as db:
        n = db.exec(select(StopEvent).where(StopEvent.client_id == report["client_id"])).all()
        assert len(n) == 1
        # An emergency arrives at 11:00 (WITA); re-plan from now and republish.
        officer = db.exec(select(User).where(User.username == "officer.tenggarong")).one()
        urgent = _submit(
            db,
            settings,
            officer,
            DAY,
            urgency="darurat",
            kind="safe_house",
            village_code="64.02.02.2004",
        ).reference
        eleven = datetime(DAY.year, DAY.month, DAY.day, 3, 0, tzinfo=UTC)
        draft = planning.plan_day(db, DAY, settings, _dispatcher(db), now=eleven, time_limit=1.0)
        db.commit()
        new_plan, _ = planning.load_body(draft)
        planned = {t for r in new_plan.routes for t in r.tasks}
        assert urgent in planned
        if first_kind == "visit" or first_kind == "delivery":
            assert first not in planned  # done stays done
        for r in new_plan.routes:
            if r.stops:
                assert r.stops[0].departure >= 11 * 3600
        v2 = planning.publish(db, DAY, settings, _dispatcher(db), planning.day_version(db, DAY))
        db.commit()
        assert v2.version == 2
    # The old link leads to the new version of the same vehicle's route.
    old = client.get(f"/r/{token}", follow_redirects=False)
    assert old.status_code == 303 and re.search(r"/r/\w+\?updated=1", old.headers["location"])
    # ... and says what changed on it: requests added to this car and taken from it.
    new_page = client.get(old.headers["location"]).text
    assert "versi 1 → 2" in new_page
    before = next(r for r in plan.routes if r.vehicle == str(vehicle_id)).tasks
    new_route = next((r for r in new_plan.routes if r.vehicle == str(vehicle_id)), None)
    after = (new_route.tasks + [x.task for x in new_route.done]) if new_route else []
    added = [t for t in after if t not in before]
    removed = [t for t in before if t not in after]
    if added:
        assert f"Baru di rute Anda: {', '.join(added)}" in new_page
    if removed:
        assert f"Tidak lagi di rute Anda (jangan dijemput): {', '.join(removed)}" in new_page
    assert bool(added or removed) == ("di rute Anda" in new_page)
    assert client.get(old.headers["location"].replace("updated=1", "updated=x")).status_code == 200


def test_unknown_or_expired_links_are_refused(client):
    r = client.get("/r/not-a-token")
    assert r.status_code == 404
    assert (
        client.post(
            "/r/not-a-token/events",
            json={
                "client_id": "x" * 10,
                "reference": "KKR",
                "stop_kind": "visit",
                "status": "done",
            },
        ).status_code
        == 404
    )


def test_planning_page_runs_in_the_background_and_shows_the_plan(client, day_setup):
    from tests.conftest import csrf_of, login

    DAY, refs = day_setup
    login(client, "dispatcher")
    page = client.get(f"/plan?day={DAY.isoformat()}")
    assert page.status_code == 200 and refs[0] in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    r = client.post(
        f"/plan/{DAY.isoformat()}/solve",
        data={"csrf_token": csrf_of(page.text), "version": version},
        follow_redirects=False,
    )
    assert r.status_code == 303
    client.app.state.jobs.wait(DAY, timeout=60)
    view = client.get(f"/api/plan/{DAY.isoformat()}").json()
    assert view["job"]["state"] == "done" and view["routes"]
    assert view["job"]["first_plan_s"] is not None
    overview = client.get(f"/plan/{DAY.isoformat()}/map")
    assert overview.status_code == 200 and "L.map" in overview.text
    assert "Rumah Aman" not in overview.text
    with Session(client.app.state.engine) as db:
        drafts = db.exec(select(DayPlan).where(DayPlan.day == DAY)).all()
        assert drafts


def test_the_page_shows_the_first_plan_while_the_search_goes_on(client, day_setup):
    """The quick first plan is stored at once, so the page shows it during the search
    (tests/test_solving.py proves the server process is not frozen meanwhile)."""
    import time

    from tests.conftest import csrf_of, login

    DAY, refs = day_setup
    login(client, "dispatcher")
    page = client.get(f"/plan?day={DAY.isoformat()}")
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    client.post(
        f"/plan/{DAY.isoformat()}/solve",
        data={"csrf_token": csrf_of(page.text), "version": version},
        follow_redirects=False,
    )
    seen_during_search = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        view = client.get(f"/api/plan/{DAY.isoformat()}").json()
        if view["job"]["state"] != "running":
            break
        if view["routes"] and any(r["stops"] for r in view["routes"]):
            seen_during_search = view
            break
        time.sleep(0.05)
    assert seen_during_search is not None, "no plan was shown before the search ended"
    assert client.get(f"/api/plan/{DAY.isoformat()}").json()["job"]["state"] == "running"
    client.app.state.jobs.wait(DAY, timeout=60)
    view = client.get(f"/api/plan/{DAY.isoformat()}").json()
    assert view["job"]["state"] == "done"
    # The escort to hospital: picked up in the village, dropped at the hospital.
    stops = {(s["reference"], s["kind"]): s for r in view["routes"] for s in r["stops"]}
    pickup, drop = stops[(refs[0], "pickup")], stops[(refs[0], "delivery")]
    assert pickup["village"] == "Sebulu Ilir" and not pickup["place"]
    assert drop["place"].startswith("RSUD") and not drop["village"]


def test_plan_page_says_when_driver_links_stop_working(client, settings, day_setup):
    """A link shows until when it works; once expired (e.g. a plan published after the
    shift ended) the page says so instead of offering a dead QR code."""
    from tests.conftest import login

    DAY, refs = day_setup
    engine = client.app.state.engine
    with Session(engine) as db:
        dispatcher = _dispatcher(db)
        planning.plan_day(db, DAY, settings, dispatcher, time_limit=1.0)
        db.commit()
        published = planning.publish(
            db, DAY, settings, dispatcher, expected_version=planning.day_version(db, DAY)
        )
        db.commit()
        links = db.exec(select(DriverLink).where(DriverLink.plan_id == published.id)).all()
        assert links
    login(client, "dispatcher")
    page = client.get(f"/plan?day={DAY.isoformat()}").text
    assert page.count("Berlaku sampai") == len(links)
    assert page.count("/r/") >= len(links) and "<svg" in page
    assert "kedaluwarsa" not in page

    with Session(engine) as db:
        for link in db.exec(select(DriverLink).where(DriverLink.plan_id == published.id)):
            link.expires_at = utcnow() - timedelta(minutes=5)
            db.add(link)
        db.commit()
    page = client.get(f"/plan?day={DAY.isoformat()}").text
    assert page.count("Tautan sudah kedaluwarsa") == len(links)
    assert "/r/" not in page and "Berlaku sampai" not in page


def _publish(db: Session, settings, day: date) -> DayPlan:
    dispatcher = _dispatcher(db)
    planning.plan_day(db, day, settings, dispatcher, time_limit=1.0)
    published = planning.publish(db, day, settings, dispatcher, planning.day_version(db, day))
    db.commit()
    return published


def test_a_survivor_on_board_stays_on_the_route_through_a_replan_and_the_day_closes(
    engine, settings, client, day_setup
):
    DAY, refs = day_setup
    transport = refs[0]  # darurat, medical: pickup at the village, drop-off at the RSUD
    with Session(engine) as db:
        v1 = _publish(db, settings, DAY)
        report_stop(db, settings, v1, transport, "pickup", "arrived")
        report_stop(db, settings, v1, transport, "pickup", "done")
        v2 = _publish(db, settings, DAY)  # the dispatcher re-plans and publishes again
        plan, _ = planning.load_body(v2)
        assert transport in {t for r in plan.routes for t in r.tasks}
        req = db.exec(select(Request).where(Request.reference == transport)).one()
        assert req.status == RequestStatus.ARRIVED
    login(client, "dispatcher")
    page = client.get(f"/plan?day={DAY.isoformat()}")
    early = client.post(f"/plan/{DAY.isoformat()}/close", data={"csrf_token": csrf_of(page.text)})
    assert early.status_code == 422 and "belum tiba" in early.text  # a day still to come
    evening = datetime.combine(DAY, time(18), settings.region.tz)
    with Session(engine) as db:
        closed = planning.close_day(db, DAY, settings.region.tz, _dispatcher(db), now=evening)
        db.commit()
        # picked up, drop-off not reported: not sent back to be picked up again
        assert closed.on_board == [transport] and transport not in closed.returned
        assert set(closed.returned) == set(refs) - {transport}
        req = db.exec(select(Request).where(Request.reference == transport)).one()
        assert req.status == RequestStatus.ARRIVED
        back = db.exec(select(Request).where(Request.reference == refs[1])).one()
        assert back.status == RequestStatus.TRIAGED  # back in the queue, with a note
        # The drop-off reported late (no signal until now) still counts, after the close.
        report_stop(db, settings, v2, refs[1], "visit", "done")
        db.refresh(back)
        assert back.status == RequestStatus.DONE
    page = client.get(f"/plan?day={DAY.isoformat()}&returned=3&on_board={transport}")
    summary = page.text[page.text.index('id="summary"') :]
    assert "Ringkasan" in summary and transport in summary and "Km direncanakan" in summary


def test_replan_from_now_on_a_later_day_plans_the_whole_day(engine, settings, day_setup):
    """'From now' at 17:00 today must not squeeze tomorrow into the evening."""
    DAY, refs = day_setup
    with Session(engine) as db:
        dispatcher = _dispatcher(db)
        planning.plan_day(db, DAY, settings, dispatcher, time_limit=1.0)
        planning.publish(db, DAY, settings, dispatcher, planning.day_version(db, DAY))
        draft = planning.plan_day(db, DAY, settings, dispatcher, now=utcnow(), time_limit=1.0)
        db.commit()
        plan, _ = planning.load_body(draft)
        assert set(refs) == {t for r in plan.routes for t in r.tasks}, plan.unserved


def test_a_home_visit_takes_no_seat(engine, settings, day_setup):
    DAY, refs = day_setup
    with Session(engine) as db:
        dp = planning.build_problem(db, DAY, settings)
        visit = next(t for t in dp.problem.tasks if t.id == refs[1])
        transport = next(t for t in dp.problem.tasks if t.id == refs[0])
        assert visit.delivery is None and visit.passengers == 0
        assert transport.passengers == 2  # one adult and a child ride


def test_a_mistyped_number_on_the_planning_forms_is_a_422_not_a_500(client, day_setup):
    DAY, refs = day_setup
    login(client, "dispatcher")
    page = client.get(f"/plan?day={DAY.isoformat()}")
    csrf = csrf_of(page.text)
    for action, data in (
        ("solve", {"version": "abc"}),
        ("assign", {"version": "abc", "reference": refs[0], "action": "lock"}),
        ("assign", {"version": "0", "reference": refs[0], "action": "lock", "vehicle_id": "x"}),
        ("publish", {"version": "1.5"}),
    ):
        r = client.post(f"/plan/{DAY.isoformat()}/{action}", data={**data, "csrf_token": csrf})
        assert r.status_code == 422, (action, r.status_code)
        assert "Isian tidak valid" in r.text, action


def test_the_queue_shows_each_request_s_village_and_the_dispatcher_s_instruction(
    engine, client, day_setup
):
    DAY, refs = day_setup
    login(client, "dispatcher")

    def queue():
        return client.get(f"/plan?day={DAY.isoformat()}").text

    page = queue()
    with Session(engine) as db:
        car = db.exec(select(Vehicle).where(Vehicle.active == True)).all()[-1]  # noqa: E712
    for ref, data in (
        (refs[0], {"action": "lock", "vehicle_id": str(car.id)}),
        (refs[1], {"action": "exclude"}),
    ):
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        r = client.post(
            f"/plan/{DAY.isoformat()}/assign",
            data={**data, "reference": ref, "version": version, "csrf_token": csrf_of(page)},
        )
        assert r.status_code == 200, r.text[:300]
        page = queue()
    row = lambda ref: page[page.index(ref) : page.index("</tr>", page.index(ref))]  # noqa: E731
    assert f"Dikunci ke {car.name}" in row(refs[0])
    assert f'value="{car.id}" selected' in row(refs[0])
    assert "Ditunda hari ini" in row(refs[1])
    assert "Dikunci" not in row(refs[2]) and "Ditunda" not in row(refs[2])
    with Session(engine) as db:  # the village column
        req = db.exec(select(Request).where(Request.reference == refs[3])).one()
        assert db.get(Village, req.village_code).name in row(refs[3])


def test_the_history_says_which_day_s_plan_and_what_the_driver_reported_in_indonesian(
    engine, settings, day_setup
):
    from dispatch.models import RequestEvent

    DAY, refs = day_setup
    with Session(engine) as db:
        v1 = _publish(db, settings, DAY)
        report_stop(db, settings, v1, refs[0], "pickup", "arrived")
        req = db.exec(select(Request).where(Request.reference == refs[0])).one()
        notes = db.exec(
            select(RequestEvent.note)
            .where(RequestEvent.request_id == req.id)
            .order_by(RequestEvent.id)
        ).all()
    assert f"rencana {DAY.isoformat()} versi 1" in notes
    assert notes[-1] == "sopir: jemput tiba"


def test_two_changes_to_a_day_at_once_one_wins_and_the_other_is_told(engine, settings):
    """Two dispatchers (or two server processes) that read the same version: the second
    to write is refused, even while the first has not yet committed."""
    import threading

    from dispatch.errors import Conflict

    day = _next_day()
    with Session(engine) as db:
        planning.bump_day(db, day, None, None)
        db.commit()
        seen = planning.day_version(db, day)
    first = Session(engine)
    assert planning.bump_day(first, day, seen, None) == seen + 1  # not committed yet
    outcome = []

    def second() -> None:
        with Session(engine) as db:
            try:
                planning.bump_day(db, day, seen, None)
                db.commit()
                outcome.append("overwrote")
            except Conflict as exc:
                outcome.append(exc.key)

    t = threading.Thread(target=second)
    t.start()
    t.join(0.5)  # it waits for the first one's row
    first.commit()
    first.close()
    t.join()
    assert outcome == ["plan_changed"]
    with Session(engine) as db:
        assert planning.day_version(db, day) == seen + 1


def test_a_plan_made_before_a_change_cannot_be_published_until_planned_again(
    engine, settings, client, day_setup
):
    """Dispatcher A's plan still has a request that dispatcher B has since left out for
    the day: A's page says so and publishing it is refused, so B's change is not undone."""
    DAY, refs = day_setup
    day = DAY.isoformat()
    with Session(engine) as db:
        planning.plan_day(db, DAY, settings, _dispatcher(db), time_limit=1.0)
        db.commit()
    login(client, "dispatcher")
    page_a = client.get(f"/plan?day={day}")
    version_a = re.search(r'name="version" value="(\d+)"', page_a.text).group(1)
    left_out = client.post(  # dispatcher B, on a page opened at the same time
        f"/plan/{day}/assign",
        data={
            "csrf_token": csrf_of(page_a.text),
            "version": version_a,
            "reference": refs[1],
            "action": "exclude",
        },
        follow_redirects=False,
    )
    assert left_out.status_code == 303
    page = client.get(f"/plan?day={day}")
    assert 'id="stale"' in page.text and "Rencanakan ulang" in page.text
    assert re.search(r"<button type=\"submit\" disabled>Terbitkan", page.text)
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    refused = client.post(
        f"/plan/{day}/publish", data={"csrf_token": csrf_of(page.text), "version": version}
    )
    assert refused.status_code == 409 and "Rencanakan ulang" in refused.text
    with Session(engine) as db:
        assert planning.latest(db, DAY, PlanStatus.PUBLISHED) is None
        planning.plan_day(db, DAY, settings, _dispatcher(db), time_limit=1.0)
        published = planning.publish(db, DAY, settings, _dispatcher(db), None)
        db.commit()
        plan, _ = planning.load_body(published)
        assert refs[1] not in {t for r in plan.routes for t in r.tasks}
        # Publishing again finds nothing new to publish: never an older draft of the day.
        with pytest.raises(Exception) as err:
            planning.publish(db, DAY, settings, _dispatcher(db), None)
        assert getattr(err.value, "key", "") == "no_draft"


def test_a_likely_duplicate_is_planned_and_shown_until_the_dispatcher_confirms_it(
    engine, settings, client, day_setup
):
    """Same village and phone within a day is only a flag: an emergency sent twice (a
    visit first, then the escort) must not vanish from planning. Confirmed, it stays out."""
    DAY, refs = day_setup
    day = DAY.isoformat()
    with Session(engine) as db:
        officer = db.exec(select(User).where(User.username == "officer.tenggarong")).one()
        first = db.exec(select(Request).where(Request.reference == refs[0])).one()
        again = _submit(
            db, settings, officer, DAY, urgency="darurat", contact_phone=first.contact_phone
        )
        db.commit()
        assert again.duplicate_of == first.id and not again.duplicate_confirmed
        assert again.reference in {r.reference for r in planning.open_requests(db, DAY)}
    login(client, "dispatcher")
    queue = client.get(f"/plan?day={day}").text
    row = queue[queue.index(f">{again.reference}</a>") :][:600]
    assert "Kemungkinan duplikat dari" in row and refs[0] in row
    detail = client.get(f"/requests/{again.reference}")
    version = re.search(r'name="version" value="(\d+)"', detail.text).group(1)
    sent = client.post(
        f"/requests/{again.reference}/triage",
        data={
            "csrf_token": csrf_of(detail.text),
            "version": version,
            "duplicate_of": refs[0],
            "duplicate": "confirmed",
            "urgency": "darurat",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert "Duplikat (tidak direncanakan) dari" in client.get(f"/requests/{again.reference}").text
    with Session(engine) as db:
        assert again.reference not in {r.reference for r in planning.open_requests(db, DAY)}
    detail = client.get(f"/requests/{again.reference}")
    version = re.search(r'name="version" value="(\d+)"', detail.text).group(1)
    client.post(
        f"/requests/{again.reference}/triage",
        data={
            "csrf_token": csrf_of(detail.text),
            "version": version,
            "duplicate_of": refs[0],
            "duplicate": "not",
        },
    )
    with Session(engine) as db:
        back = db.exec(select(Request).where(Request.reference == again.reference)).one()
        assert back.duplicate_of is None and not back.duplicate_confirmed
        assert again.reference in {r.reference for r in planning.open_requests(db, DAY)}


def test_the_planning_queue_filters_counts_and_tells_of_new_requests(
    engine, settings, client, day_setup
):
    DAY, refs = day_setup  # refs[0] darurat at Sebulu, refs[1] segera visit at Tenggarong
    day = DAY.isoformat()
    login(client, "dispatcher")
    page = client.get(f"/plan?day={day}&urgency=darurat").text
    row = 'href="/requests/{}"'.format
    assert row(refs[0]) in page and row(refs[1]) not in page
    assert re.search(r"Darurat \(hari ini\): [1-9]", page) and re.search(
        r"Segera[^:<]*: [1-9]", page
    )
    before = client.get(f"/api/plan/{day}").json()["queue"]
    assert set(refs) <= set(before)
    by_district = client.get(f"/plan?day={day}&district=64.02.06").text
    assert row(refs[1]) in by_district and row(refs[0]) not in by_district
    with Session(engine) as db:  # an emergency arrives while the page is open
        officer = db.exec(select(User).where(User.username == "officer.tenggarong")).one()
        new = _submit(db, settings, officer, DAY, urgency="darurat").reference
        db.commit()
    assert new in client.get(f"/api/plan/{day}").json()["queue"]  # the page's polling sees it
    listed = client.get(f"/requests?status=open&date={day}").text
    assert new in listed
    earlier = client.get("/requests?status=open&date=2020-01-01").text
    assert new not in earlier
    assert client.get("/requests?date=31-12-2026").status_code == 422


def _new_driver(db: Session, full_name: str = "") -> SimpleNamespace:
    """A driver of the test's own (the demo drivers are shared with other tests)."""
    from dispatch.services.users import create_user

    user = create_user(
        db, "driver.t" + uuid.uuid4().hex[:8], "driver-demo-2026", "driver", full_name=full_name
    )
    db.commit()
    return SimpleNamespace(id=user.id, username=user.username, full_name=user.full_name)


def _cars_on_routes(db: Session, record: DayPlan) -> list[int]:
    return [int(r.vehicle) for r in planning.load_body(record)[0].routes if r.tasks]


def _lock(db: Session, day: date, refs: list[str], cars: list[int]) -> None:
    """Each request in `refs` locked to the car of the same place in `cars`."""
    for ref, car in zip(refs, cars, strict=True):
        req = db.exec(select(Request).where(Request.reference == ref)).one()
        db.add(Assignment(day=day, request_id=req.id, vehicle_id=car))
    db.commit()


def test_the_driver_chosen_per_car_at_publishing_is_on_the_sheet_and_the_link_cards(
    engine, settings, client, day_setup
):
    DAY, refs = day_setup
    day = DAY.isoformat()
    with Session(engine) as db:
        first = _new_driver(db, "Rudi Hartawan " + uuid.uuid4().hex[:4])
        second = _new_driver(db)  # no full name: the username stands in
        active = [v.id for v in db.exec(select(Vehicle).where(Vehicle.active).order_by(Vehicle.id))]
        _lock(db, DAY, [refs[0], refs[2]], active[:2])  # two cars on the road
        planning.plan_day(db, DAY, settings, _dispatcher(db), time_limit=1.0)
        db.commit()
        cars = _cars_on_routes(db, planning.latest(db, DAY))
    assert set(active[:2]) <= set(cars)
    login(client, "dispatcher")
    page = client.get(f"/plan?day={day}").text
    for car in cars:  # a choice per car on the routes: nobody chosen yet
        select_ = page[page.index(f'name="driver_{car}"') :].split("</select>")[0]
        assert '<option value="">—</option>' in select_ and "selected" not in select_
        assert f'<option value="{first.id}" >{first.full_name}</option>' in select_
    choice = {f"driver_{car}": "" for car in cars}  # "—" for a third car, if any
    choice[f"driver_{cars[0]}"] = str(first.id)
    choice[f"driver_{cars[1]}"] = str(second.id)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    sent = client.post(
        f"/plan/{day}/publish",
        data={"csrf_token": csrf_of(page), "version": version, **choice},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text[:300]
    with Session(engine) as db:
        published = planning.latest(db, DAY, PlanStatus.PUBLISHED)
        chosen = planning.chosen_drivers(db, published.id)
    assert chosen == {cars[0]: first.id, cars[1]: second.id}
    tokens = {car: planning.link_token(settings.secret_key, published.id, car) for car in cars}
    # The A4 sheet prints the driver where it says "Sopir"; the map, GPX and GeoJSON too.
    sheet = client.get(f"/r/{tokens[cars[0]]}/sheet").text
    assert f"<span>Sopir</span><b>{first.full_name}</b>" in sheet
    for kind in ("map", "gpx", "geojson"):
        assert first.full_name in client.get(f"/r/{tokens[cars[0]]}/{kind}").text, kind
    sheet = client.get(f"/r/{tokens[cars[1]]}/sheet").text
    assert f"<span>Sopir</span><b>{second.username}</b>" in sheet
    assert first.full_name not in sheet
    for car in cars[2:]:
        assert "<span>Sopir</span><b>—</b>" in client.get(f"/r/{tokens[car]}/sheet").text
    # The planning page's link cards say who drives; the choice is not offered again.
    page = client.get(f"/plan?day={day}").text
    assert f"Pengemudi: {first.full_name}" in page and f"Pengemudi: {second.username}" in page
    assert page.count("data-driver") == len(cars) and 'name="driver_' not in page
    client.cookies.set("lang", "en")
    assert f"Driver: {first.full_name}" in client.get(f"/plan?day={day}").text


def test_a_republished_day_offers_and_keeps_each_car_s_driver(engine, settings, client, day_setup):
    DAY, refs = day_setup
    with Session(engine) as db:
        driver = _new_driver(db, "Joko Pengemudi " + uuid.uuid4().hex[:4])
        car = db.exec(select(Vehicle).where(Vehicle.active).order_by(Vehicle.id)).first().id
        _lock(db, DAY, refs[:1], [car])
        planning.plan_day(db, DAY, settings, _dispatcher(db), time_limit=1.0)
        v1 = planning.publish(db, DAY, settings, _dispatcher(db), None, drivers={car: driver.id})
        db.commit()
        assert planning.chosen_drivers(db, v1.id) == {car: driver.id}
        planning.plan_day(db, DAY, settings, _dispatcher(db), time_limit=1.0)
        db.commit()
    # Planned again: the next publish offers the car's driver of v1, chosen.
    login(client, "dispatcher")
    page = client.get(f"/plan?day={DAY.isoformat()}").text
    select_ = page[page.index(f'name="driver_{car}"') :].split("</select>")[0]
    assert f'<option value="{driver.id}" selected>' in select_
    with Session(engine) as db:  # published with no choice made (the command line): kept
        v2 = planning.publish(db, DAY, settings, _dispatcher(db), None)
        db.commit()
        assert planning.chosen_drivers(db, v2.id) == {car: driver.id}
    token = planning.link_token(settings.secret_key, v2.id, car)
    assert driver.full_name in client.get(f"/r/{token}/sheet").text


def test_publishing_refuses_a_driver_who_is_not_an_active_driver(
    engine, settings, client, day_setup
):
    from dispatch.services.users import set_active

    DAY, refs = day_setup
    day = DAY.isoformat()
    with Session(engine) as db:
        retired = _new_driver(db, "Sopir Pensiun")
        set_active(db, retired.username, False)
        keen = _new_driver(db, "Sopir Rajin")
        dispatcher_id = _dispatcher(db).id
        planning.plan_day(db, DAY, settings, _dispatcher(db), time_limit=1.0)
        db.commit()
        car = _cars_on_routes(db, planning.latest(db, DAY))[0]
        others = [v.id for v in db.exec(select(Vehicle)) if v.id != car]
    login(client, "dispatcher")
    page = client.get(f"/plan?day={day}").text
    choices = page[page.index('id="drivers"') :].split("</fieldset>")[0]
    assert f'value="{keen.id}"' in choices
    assert f'value="{retired.id}"' not in choices and f'value="{dispatcher_id}"' not in choices
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {"csrf_token": csrf_of(page), "version": version}
    for value in (str(dispatcher_id), str(retired.id), "99999999", str(10**12), "-3"):
        r = client.post(f"/plan/{day}/publish", data={**form, f"driver_{car}": value})
        assert r.status_code == 422, (value, r.status_code)
        assert "bukan pengguna aktif dengan peran pengemudi" in r.text, value
    for data in ({f"driver_{car}": "abc"}, {"driver_x": str(keen.id)}):
        r = client.post(f"/plan/{day}/publish", data={**form, **data})
        assert r.status_code == 422 and "Isian tidak valid" in r.text, data
    twice = {f"driver_{car}": str(keen.id), f"driver_{others[0]}": str(keen.id)}
    r = client.post(f"/plan/{day}/publish", data={**form, **twice})
    assert r.status_code == 422 and "dipilih untuk dua mobil" in r.text
    client.cookies.set("lang", "en")
    r = client.post(f"/plan/{day}/publish", data={**form, f"driver_{car}": str(retired.id)})
    assert r.status_code == 422 and "is not an active user with role driver" in r.text
    with Session(engine) as db:
        assert planning.latest(db, DAY, PlanStatus.PUBLISHED) is None
    ok = client.post(
        f"/plan/{day}/publish",
        data={**form, f"driver_{car}": str(keen.id)},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_a_mid_day_replan_knows_since_when_a_survivor_is_on_board(
    engine, settings, day_setup, monkeypatch
):
    DAY, refs = day_setup
    transport = refs[0]  # darurat, medical: pickup at the village, drop-off at the RSUD
    tz = settings.region.tz
    with Session(engine) as db:
        v1 = _publish(db, settings, DAY)
        at_nine = datetime.combine(DAY, time(9, 0), tz)
        monkeypatch.setattr(planning, "utcnow", lambda: at_nine + timedelta(minutes=5))
        car = report_stop(
            db, settings, v1, transport, "pickup", "arrived", "done", happened_at=at_nine
        )
        plan, _ = planning.load_body(v1)
        route = next(r for r in plan.routes if r.vehicle == str(car))
        here = planning.positions_now(db, DAY, 10 * 3600, tz)[str(car)]
        assert here.on_board == {transport} and here.picked_up_at == {transport: 9 * 3600}
        dp = planning.build_problem(db, DAY, settings, positions={str(car): here}, now_s=10 * 3600)
        state = next(s for s in dp.problem.states if s.vehicle == str(car))
        assert state.pickup_times == {transport: 9 * 3600}  # her ride's limit counts from 09:00
        # the darurat survivor on board goes straight to the hospital: the car's next stop
        at_ten = datetime.combine(DAY, time(10, 0), tz)
        draft = planning.plan_day(db, DAY, settings, _dispatcher(db), now=at_ten, time_limit=1.0)
        db.commit()
        new, _ = planning.load_body(draft)
        mine = next(r for r in new.routes if r.vehicle == str(car))
        assert [(s.task, s.kind.value) for s in mine.stops if s.task][0] == (transport, "delivery")
        assert route.tasks  # the car had work before
