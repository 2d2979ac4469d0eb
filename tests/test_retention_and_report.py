"""Personal data of closed requests is erased after retention; anonymous figures remain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    month = utcnow().astimezone(client.app.state.settings.region.tz).strftime("%Y-%m")
    from tests.conftest import login

    login(client, "dispatcher")
    page = client.get(f"/reports/monthly?month={month}")
    assert page.status_code == 200 and "Tenggarong" in page.text
    csv = client.get(f"/reports/monthly.csv?month={month}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "by_urgency,darurat" in csv.text and "Nama Laporan" not in csv.text
    assert client.get("/reports/monthly?month=2026-13").status_code == 422


def test_report_counts(engine, settings):
    tz = settings.region.tz
    with Session(engine) as db:
        r = monthly(db, utcnow().astimezone(tz).strftime("%Y-%m"), tz)
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
            tz = settings.region.tz
            counts = {m: monthly(db, m, tz).total for m in ("2026-11", "2026-12")}
        counts.update({f"csv {m}": _csv_total(client, m) for m in ("2026-11", "2026-12")})
        counts.update({f"page {m}": _page_total(client, m) for m in ("2026-11", "2026-12")})
        return counts

    login(client, "dispatcher")
    december = created(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))  # 1 Dec 01:00 WITA
    november = created(datetime(2026, 11, 30, 15, 59, tzinfo=UTC))  # 30 Nov 23:59 WITA
    for prefix in ("", "csv ", "page "):
        assert december[f"{prefix}2026-12"] == november[f"{prefix}2026-12"] + 1, prefix
        assert december[f"{prefix}2026-11"] == november[f"{prefix}2026-11"] - 1, prefix
