"""`jangkau init` and `jangkau demo`: schema, region, places and demo data. Safe to rerun."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dispatch.config import Settings
from dispatch.db import migrate, session_scope
from dispatch.models import Place, Role, User, Vehicle, utcnow
from dispatch.region import load_region
from dispatch.services.fleet import create_place, create_vehicle
from dispatch.services.users import create_user


@dataclass(frozen=True)
class InitReport:
    districts: int
    villages: int
    places_added: int


def sync_places(session: Session, settings: Settings) -> int:
    """Add the places named in config.yaml that the database lacks; never overwrite edits."""
    have = {p.key for p in session.exec(select(Place))}
    added = 0
    for p in settings.places:
        if p.key in have:
            continue
        create_place(
            session,
            p.key,
            p.kind,
            p.name,
            p.lat,
            p.lon,
            public_label=p.public_label,
            address=p.address,
            confidential=p.confidential,
        )
        added += 1
    return added


def init(engine: Engine, settings: Settings) -> InitReport:
    migrate(engine)
    with session_scope(engine) as session:
        districts, villages = load_region(session, settings.region)
        added = sync_places(session, settings)
    return InitReport(districts, villages, added)


# Demo accounts: known passwords, printed by `jangkau demo`; never use them in production.
DEMO_USERS = [
    ("admin", Role.ADMIN, "Admin DP3A", None),
    ("dispatcher", Role.DISPATCHER, "Dispatcher UPT PPA", None),
    ("officer.tenggarong", Role.OFFICER, "PATBM Tenggarong", "64.02.06"),
    ("officer.kotabangun", Role.OFFICER, "PATBM Kota Bangun", "64.02.08"),
    ("driver.satu", Role.DRIVER, "Pengemudi Satu", None),
    ("driver.dua", Role.DRIVER, "Pengemudi Dua", None),
]
DEMO_VEHICLES = [
    ("Mobil Perlindungan 1", "KT 1001 KK", ("female_staff",)),
    ("Mobil Perlindungan 2", "KT 1002 KK", ("wheelchair",)),
    ("Mobil Perlindungan 3", "KT 1003 KK", ()),
]


# Demo requests for today: (kind, urgency, village code, adults, children, window, landmark).
DEMO_REQUESTS = [
    ("medical", "darurat", "64.02.07.2005", 1, 1, None, "rumah panggung dekat dermaga"),
    ("safe_house", "darurat", "64.02.02.2004", 1, 2, None, "belakang masjid"),
    ("police", "segera", "64.02.16.2001", 1, 0, ("09:00", "12:00"), "depan SD"),
    ("visit", "segera", "64.02.06.1001", 0, 0, ("10:00", "14:00"), "gang mawar"),
    ("visit", "segera", "64.02.03.2001", 0, 0, None, "warung biru"),
    ("safe_house", "segera", "64.02.08.2004", 1, 1, None, "dekat pasar"),
    ("medical", "terjadwal", "64.02.15.1001", 1, 0, ("08:00", "11:00"), "rumah cat hijau"),
    ("return_home", "terjadwal", "64.02.07.2004", 1, 2, ("13:00", "15:30"), "pos ronda"),
    ("visit", "terjadwal", "64.02.11.2001", 0, 0, None, "balai desa"),
    ("safe_house", "segera", "64.02.12.2013", 1, 1, None, "hulu sungai"),
]


def load_demo_requests(engine: Engine, settings: Settings) -> int:
    """A morning's queue for trying the planner (only into an empty request table)."""
    from dispatch.models import Request
    from dispatch.services.points import install_geocoder
    from dispatch.services.requests import RequestIn, submit_request

    install_geocoder(engine, settings)
    today = utcnow().astimezone(settings.region.tz).date()
    with session_scope(engine) as session:
        if session.exec(select(Request.id)).first() is not None:
            return 0
        officer = session.exec(select(User).where(User.username == "officer.tenggarong")).one()
        for i, (kind, urgency, village, adults, children, window, landmark) in enumerate(
            DEMO_REQUESTS
        ):
            data = RequestIn(
                kind=kind,
                urgency=urgency,
                village_code=village,
                adults=adults,
                children=children,
                landmark=landmark,
                contact_phone=f"08125550{i:04d}",
                available_date=today,
                window_start=window[0] if window else None,
                window_end=window[1] if window else None,
            )
            submit_request(session, data, settings, actor=officer)
    return len(DEMO_REQUESTS)


def demo_password(username: str) -> str:
    return f"{username.split('.')[0]}-demo-2026"


def load_demo(engine: Engine, settings: Settings) -> list[tuple[str, str, str]]:
    """Demo users and vehicles for the configured region; returns (username, role, password)."""
    logins = []
    with session_scope(engine) as session:
        have = {u.username for u in session.exec(select(User))}
        for username, role, full_name, district in DEMO_USERS:
            if username not in have:
                create_user(
                    session,
                    username,
                    demo_password(username),
                    role,
                    full_name=full_name,
                    district_code=district,
                )
            logins.append((username, role.value, demo_password(username)))
        vehicles = {v.name for v in session.exec(select(Vehicle))}
        v = settings.vehicles
        for name, plate, skills in DEMO_VEHICLES:
            if name not in vehicles:
                create_vehicle(
                    session,
                    name,
                    plate=plate,
                    seats=v.seats,
                    shift_start=v.shift_start.strftime("%H:%M"),
                    shift_end=v.shift_end.strftime("%H:%M"),
                    skills=list(skills),
                )
    return logins
