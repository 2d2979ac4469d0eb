"""Personal data of closed requests is erased after retention; anonymous figures remain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from dispatch.models import Request, RequestStatus, User, utcnow
from dispatch.services.reports import monthly, to_csv
from dispatch.services.requests import RequestIn, change_status, erase_expired, submit_request
from dispatch.setup import demo_password


def test_retention_erases_personal_data_of_old_closed_requests_only(engine, settings):
    with Session(engine) as db:
        officer = db.exec(select(User).where(User.username == "officer.kotabangun")).one()
        body = dict(
            kind="visit",
            urgency="segera",
            village_code="64.02.08.2004",
            contact_phone="081233344455",
            survivor_name="Ibu Rahasia",
            notes="catatan",
            address="Jl. Rahasia 1",
            location="-0.27, 116.58",
        )
        old, _ = submit_request(db, RequestIn(**body), settings, actor=officer)
        recent, _ = submit_request(
            db, RequestIn(**{**body, "contact_phone": "081233344466"}), settings, actor=officer
        )
        for req in (old, recent):
            change_status(db, req, RequestStatus.CANCELLED, actor=officer)
        old.closed_at = utcnow() - timedelta(days=settings.retention.closed_request_days + 1)
        db.add(old)
        db.commit()
        assert erase_expired(db, settings) == 1
        db.commit()
        db.refresh(old)
        db.refresh(recent)
        assert old.survivor_name == old.notes == old.address == old.contact_phone == ""
        assert old.lat is None and old.erased_at is not None
        assert old.village_code == "64.02.08.2004" and old.kind.value == "visit"  # statistics
        assert recent.survivor_name == "Ibu Rahasia"
        assert erase_expired(db, settings) == 0  # idempotent


def test_retention_erases_the_notes_and_stop_reports_written_about_the_request(
    client, engine, settings
):
    """A cancellation note and a driver's failure reason tell about the survivor: the
    retention run blanks them with the request; the history itself stays."""
    from dispatch.models import DayPlan, RequestEvent, StopEvent, Vehicle
    from tests.conftest import login

    secret = "Ibu Siti tidak di rumah, suami mengancam"
    with Session(engine) as db:
        officer = db.exec(select(User).where(User.username == "officer.kotabangun")).one()
        dispatcher = db.exec(select(User).where(User.username == "dispatcher")).one()
        vehicle = db.exec(select(Vehicle)).first()
        req, _ = submit_request(
            db,
            RequestIn(
                kind="safe_house",
                urgency="segera",
                village_code="64.02.08.2004",
                contact_phone="081233377788",
            ),
            settings,
            actor=officer,
        )
        for status in (RequestStatus.TRIAGED, RequestStatus.PLANNED, RequestStatus.DISPATCHED):
            change_status(db, req, status, actor=dispatcher)
        change_status(
            db, req, RequestStatus.FAILED, actor=None, note=f"driver: pickup failed ({secret})"
        )
        change_status(db, req, RequestStatus.CANCELLED, actor=dispatcher, note=f"batal: {secret}")
        plan = DayPlan(day=date(2098, 1, 5))  # a day no page of another test opens
        db.add(plan)
        db.flush()
        db.add(
            StopEvent(
                client_id=f"retention-{req.id}",
                plan_id=plan.id,
                vehicle_id=vehicle.id,
                request_id=req.id,
                stop_kind="pickup",
                status="failed",
                reason=secret,
            )
        )
        req.closed_at = utcnow() - timedelta(days=settings.retention.closed_request_days + 1)
        db.add(req)
        db.commit()
        req_id, reference = req.id, req.reference

    login(client, "dispatcher")
    before = client.get(f"/api/requests/{reference}").json()["history"]
    assert any(secret in e["note"] for e in before)

    with Session(engine) as db:
        assert erase_expired(db, settings) >= 1
        db.commit()
    after = client.get(f"/api/requests/{reference}").json()["history"]
    assert secret not in str(after) and "suami" not in str(after)
    # The history stays: the same steps, times and actors, for the figures and the audit.
    strip = [{k: v for k, v in e.items() if k != "note"} for e in before]
    assert [{k: v for k, v in e.items() if k != "note"} for e in after] == strip
    assert [e["note"] for e in after].count("(dihapus)") == 2
    with Session(engine) as db:
        stops = db.exec(select(StopEvent).where(StopEvent.request_id == req_id)).all()
        assert [(s.status, s.reason) for s in stops] == [("failed", "(dihapus)")]
        notes = db.exec(select(RequestEvent.note).where(RequestEvent.request_id == req_id)).all()
        assert not any("Siti" in n for n in notes)


def test_monthly_report_page_and_csv(client):
    token = client.post(
        "/api/auth/token",
        data={"username": "officer.tenggarong", "password": demo_password("officer.tenggarong")},
    ).json()["access_token"]
    client.post(
        "/api/requests",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "kind": "police",
            "urgency": "darurat",
            "village_code": "64.02.06.1001",
            "contact_phone": "081255566677",
            "survivor_name": "Nama Laporan",
        },
    )
    month = utcnow().astimezone(client.app.state.settings.region.tz).strftime("%Y-%m")
    from tests.conftest import login

    login(client, "dispatcher")
    page = client.get(f"/reports/monthly?month={month}")
    assert page.status_code == 200 and "Tenggarong" in page.text
    csv = client.get(f"/reports/monthly.csv?month={month}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "by_urgency,darurat" in csv.text and "Nama Laporan" not in csv.text
    # a label a person reads beside each stable key, in the user's language
    assert "by_urgency,darurat,Darurat (hari ini)," in csv.text
    assert client.get("/reports/monthly?month=2026-13").status_code == 422


def test_report_counts(engine, settings):
    tz = settings.region.tz
    with Session(engine) as db:
        r = monthly(db, utcnow().astimezone(tz).strftime("%Y-%m"), settings)
        total = len(db.exec(select(Request)).all())
    assert 0 < r.total <= total
    assert sum(r.by_urgency.values()) == r.total
    assert "total,requests" in to_csv(r)


def _csv_total(client, month: str) -> int:
    csv = client.get(f"/reports/monthly.csv?month={month}")
    assert csv.status_code == 200
    return int(next(r for r in csv.text.splitlines() if ",total,requests," in r).split(",")[-1])


def _page_total(client, month: str) -> int:
    import re

    page = client.get(f"/reports/monthly?month={month}")
    assert page.status_code == 200
    return int(re.search(r"Permintaan: <b>(\d+)</b>", page.text).group(1))


def test_months_are_cut_at_midnight_in_the_region_not_utc(client, engine, settings):
    """2026-11-30T17:00Z is 1 December 01:00 WITA: December's figures count it."""
    from tests.conftest import login

    with Session(engine) as db:
        officer = db.exec(select(User).where(User.username == "officer.tenggarong")).one()
        req, _ = submit_request(
            db,
            RequestIn(
                kind="visit",
                urgency="segera",
                village_code="64.02.06.1001",
                contact_phone="081277788899",
            ),
            settings,
            actor=officer,
        )
        db.commit()
        req_id = req.id

    def created(at: datetime) -> dict[str, int]:
        with Session(engine) as db:
            r = db.get(Request, req_id)
            r.created_at = at
            db.add(r)
            db.commit()
            counts = {m: monthly(db, m, settings).total for m in ("2026-11", "2026-12")}
        counts.update({f"csv {m}": _csv_total(client, m) for m in ("2026-11", "2026-12")})
        counts.update({f"page {m}": _page_total(client, m) for m in ("2026-11", "2026-12")})
        return counts

    login(client, "dispatcher")
    december = created(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))  # 1 Dec 01:00 WITA
    november = created(datetime(2026, 11, 30, 15, 59, tzinfo=UTC))  # 30 Nov 23:59 WITA
    for prefix in ("", "csv ", "page "):
        assert december[f"{prefix}2026-12"] == november[f"{prefix}2026-12"] + 1, prefix
        assert december[f"{prefix}2026-11"] == november[f"{prefix}2026-11"] - 1, prefix


def test_retention_takes_a_home_s_exact_point_out_of_stored_plans(engine, settings):
    """A GPS pin is where she lives: once erased, old plans keep only the village's point."""
    import json

    from dispatch.models import DayPlan, Village

    gps = (-0.27311, 116.58127)
    with Session(engine) as db:
        officer = db.exec(select(User).where(User.username == "officer.kotabangun")).one()
        req, _ = submit_request(
            db,
            RequestIn(
                kind="visit",
                urgency="segera",
                village_code="64.02.08.2004",
                location=f"{gps[0]}, {gps[1]}",
                contact_phone="081233377799",
            ),
            settings,
            actor=officer,
        )
        assert (req.lat, req.lon) == gps
        body = {"locations": [["place:1", -0.41, 116.99], [f"request:{req.id}", *gps]]}
        # a stored plan of a later day (none that another test's page opens)
        plan = DayPlan(day=date(2098, 1, 6), body=json.dumps(body))
        db.add(plan)
        change_status(db, req, RequestStatus.CANCELLED, actor=officer)
        req.closed_at = utcnow() - timedelta(days=settings.retention.closed_request_days + 1)
        db.add(req)
        db.commit()
        plan_id, village = plan.id, db.get(Village, "64.02.08.2004")
        expected = [f"request:{req.id}", village.lat, village.lon]
        if village.lat is None:  # no village point: the kecamatan's
            from dispatch.models import District

            district = db.get(District, village.district_code)
            expected = [f"request:{req.id}", district.lat, district.lon]
    with Session(engine) as db:
        erase_expired(db, settings)
        db.commit()
        stored = db.get(DayPlan, plan_id).body
    assert "0.27311" not in stored and "116.58127" not in stored
    assert json.loads(stored)["locations"][1] == expected


# ---- km driven: estimated from what the drivers reported, not from the plan ---------------

# A month of these tests' own, ahead: no other test plans in it (test_planning.py and
# test_driver_route.py use days up to 178 days ahead; intake takes dates up to a year ahead).
_KM_FIRST = (date.today() + timedelta(days=250)).replace(day=1) + timedelta(days=31)
_KM_FIRST = _KM_FIRST.replace(day=1)
KM_MONTH = _KM_FIRST.strftime("%Y-%m")
_KM_DAYS = iter(range(1, 29))


def _km_day(engine, settings, *kinds: str):
    """Requests of the given kinds on a day of its own (everything else left out), planned
    and published: the day, the published plan and the requests' references."""
    import uuid

    from dispatch.models import Assignment
    from dispatch.services import planning

    day = _KM_FIRST.replace(day=next(_KM_DAYS))
    with Session(engine) as db:
        officer = db.exec(select(User).where(User.username == "officer.tenggarong")).one()
        refs = []
        for kind, village in zip(kinds, ("64.02.07.2005", "64.02.16.2001"), strict=False):
            req, _ = submit_request(
                db,
                RequestIn(
                    kind=kind,
                    urgency="segera",
                    village_code=village,
                    adults=1,
                    available_date=day.isoformat(),
                    contact_phone="0812" + str(uuid.uuid4().int)[:8],
                ),
                settings,
                actor=officer,
            )
            refs.append(req.reference)
        for other in planning.open_requests(db, day):
            if other.reference not in refs:
                db.add(Assignment(day=day, request_id=other.id, excluded=True))
        db.commit()
    return day, _km_publish(engine, settings, day), refs


def _km_publish(engine, settings, day):
    from dispatch.services import planning

    with Session(engine) as db:
        dispatcher = db.exec(select(User).where(User.username == "dispatcher")).one()
        planning.plan_day(db, day, settings, dispatcher, time_limit=1.0)
        published = planning.publish(db, day, settings, dispatcher, planning.day_version(db, day))
        db.commit()
        return published.id


def _km_report(engine, settings, plan_id: int, ref: str, stop_kind: str, *statuses: str) -> int:
    from dispatch.models import DayPlan
    from tests.conftest import report_stop

    with Session(engine) as db:
        return report_stop(db, settings, db.get(DayPlan, plan_id), ref, stop_kind, *statuses)


def _km_expected(engine, settings, vehicle_id: int, ref: str) -> float:
    """depot -> the village -> the hospital -> depot, by the travel model plans use."""
    from dispatch.models import Place, Vehicle
    from dispatch.services.planning import travel_model
    from routing import Location

    with Session(engine) as db:
        req = db.exec(select(Request).where(Request.reference == ref)).one()
        depot = db.get(Place, db.get(Vehicle, vehicle_id).depot_id)
        dest = db.get(Place, req.destination_id)
        points = [
            Location("depot", depot.lat, depot.lon),
            Location("village", req.lat, req.lon),
            Location("hospital", dest.lat, dest.lon),
        ]
    d = travel_model(settings).matrix(points).distances
    return (d[0][1] + d[1][2] + d[2][0]) / 1000


def _km_shown(client, engine, settings) -> dict[str, float]:
    """km driven in KM_MONTH as the head of agency reads it: the page, the CSV, the figure."""
    import re

    from tests.conftest import login

    login(client, "dispatcher")
    page = client.get(f"/reports/monthly?month={KM_MONTH}").text
    csv = client.get(f"/reports/monthly.csv?month={KM_MONTH}").text
    row = next(r for r in csv.splitlines() if ",distance," in r)
    with Session(engine) as db:
        figure = monthly(db, KM_MONTH, settings).km_driven
    return {
        "page": float(
            re.search(r"km ditempuh \(perkiraan dari laporan sopir\): <b>([\d.]+)</b>", page)[1]
        ),
        "csv": float(row.split(",")[-1]) if "estimated_from_drivers_reports" in row else -1,
        "figure": figure,
    }


def test_km_driven_counts_what_the_drivers_reported_not_the_plan(client, engine, settings):
    """A day published and then closed with nothing driven adds no km; a day where the
    driver reported a transport adds depot -> village -> hospital -> depot, not the
    planned km of the stop nobody reported."""
    from datetime import datetime, time

    from dispatch.models import User
    from dispatch.services import planning

    before = _km_shown(client, engine, settings)
    day, _plan_id, _refs = _km_day(engine, settings, "medical", "visit")
    with Session(engine) as db:  # closed that evening (the month's days lie ahead)
        dispatcher = db.exec(select(User).where(User.username == "dispatcher")).one()
        evening = datetime.combine(day, time(18), settings.region.tz)
        planning.close_day(db, day, settings.region.tz, dispatcher, now=evening)
        db.commit()
    assert _km_shown(client, engine, settings) == before  # published, nothing driven

    _day2, plan_id, (transport, _visit) = _km_day(engine, settings, "medical", "visit")
    car = _km_report(engine, settings, plan_id, transport, "pickup", "arrived", "done")
    _km_report(engine, settings, plan_id, transport, "delivery", "arrived", "done")
    expected = _km_expected(engine, settings, car, transport)
    assert expected > 1
    after = _km_shown(client, engine, settings)
    for where in after:
        assert after[where] - before[where] == pytest.approx(expected, abs=0.11), where


def test_km_driven_under_a_superseded_plan_version_still_counts(client, engine, settings):
    """The driver delivers under version 1; the dispatcher publishes version 2 for the rest
    of the day, which nobody drives: the month counts the delivery, not version 2's km."""
    before = _km_shown(client, engine, settings)
    day, v1, (transport, _visit) = _km_day(engine, settings, "medical", "visit")
    car = _km_report(engine, settings, v1, transport, "pickup", "arrived", "done")
    _km_report(engine, settings, v1, transport, "delivery", "done")
    v2 = _km_publish(engine, settings, day)
    assert v2 != v1
    expected = _km_expected(engine, settings, car, transport)
    after = _km_shown(client, engine, settings)
    for where in after:
        assert after[where] - before[where] == pytest.approx(expected, abs=0.11), where
