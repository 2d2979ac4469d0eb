"""Personal data of closed requests is erased after retention; anonymous figures remain."""

from __future__ import annotations

from datetime import timedelta

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
    month = utcnow().strftime("%Y-%m")
    from tests.conftest import login

    login(client, "dispatcher")
    page = client.get(f"/reports/monthly?month={month}")
    assert page.status_code == 200 and "Tenggarong" in page.text
    csv = client.get(f"/reports/monthly.csv?month={month}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "by_urgency,darurat" in csv.text and "Nama Laporan" not in csv.text
    assert client.get("/reports/monthly?month=2026-13").status_code == 422


def test_report_counts(engine):
    with Session(engine) as db:
        r = monthly(db, utcnow().strftime("%Y-%m"))
        total = len(db.exec(select(Request)).all())
    assert 0 < r.total <= total
    assert sum(r.by_urgency.values()) == r.total
    assert "total,requests" in to_csv(r)
