"""Each role's home page says what the role does here; none shows a placeholder."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

from dispatch.i18n import CATALOG
from dispatch.models import DriverLink, utcnow
from tests.conftest import login

USERS = {
    "admin": ("admin", "/admin/users"),
    "dispatcher": ("dispatcher", "/plan"),
    "officer": ("officer.tenggarong", "/requests/new"),
    "driver": ("driver.satu", None),
}
PLACEHOLDERS = ("sedang disiapkan", "on their way")


@pytest.mark.parametrize("role", sorted(USERS))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_role_s_home_page_says_what_to_do_here(client, role, lang):
    username, link = USERS[role]
    assert login(client, username).status_code == 303
    client.cookies.set("lang", lang)
    home = client.get("/")
    assert home.status_code == 200
    for text in PLACEHOLDERS:
        assert text not in home.text
    if link:
        assert f'<li><a href="{link}">' in home.text


def test_a_driver_is_told_that_routes_come_as_links_from_the_dispatcher(client):
    login(client, "driver.satu")
    home = client.get("/").text
    assert "Rute Anda dikirim oleh dispatcher sebagai tautan, lewat kode QR atau WhatsApp" in home
    assert "Hubungi dispatcher" in home
    assert "/r/" not in home and "/plan" not in home
    client.cookies.set("lang", "en")
    assert "sends your route as a link, by QR code or WhatsApp" in client.get("/").text


def test_no_placeholder_text_is_left_in_the_catalogue():
    for key, texts in CATALOG.items():
        for text in texts.values():
            assert not any(p in text for p in PLACEHOLDERS), key


def test_a_driver_s_home_page_links_today_s_and_tomorrow_s_routes_given_to_them(
    engine, settings, client, monkeypatch
):
    """Only the routes of the current published version whose links still work; another
    driver sees none of them, and the link itself still needs no login."""
    import dispatch.web.app as web_app
    from dispatch.services import planning
    from dispatch.services.users import create_user
    from tests.test_driver_route import _cars, _publish, _user

    first_car, second_car = _cars(engine)[:2]
    day, refs, v1_tokens = _publish(engine, settings, [{}, {}], cars=[first_car, second_car])
    names = {}
    with Session(engine) as db:
        for who, full_name in (("mine", "Pak Rudi Sopir"), ("theirs", ""), ("idle", "")):
            user = create_user(
                db,
                f"driver.h{uuid.uuid4().hex[:8]}",
                "driver-demo-2026",
                "driver",
                full_name=full_name,
            )
            names[who] = (user.id, user.username)
        db.commit()
        dispatcher = _user(db, "dispatcher")
        planning.plan_day(db, day, settings, dispatcher, time_limit=1.0)
        v2 = planning.publish(
            db,
            day,
            settings,
            dispatcher,
            None,
            drivers={first_car: names["mine"][0], second_car: names["theirs"][0]},
        )
        db.commit()
        mine = planning.link_token(settings.secret_key, v2.id, first_car)
        theirs = planning.link_token(settings.secret_key, v2.id, second_car)
    tz = settings.region.tz

    def home(who: str, at: datetime) -> str:
        monkeypatch.setattr(web_app, "utcnow", lambda: at.astimezone(UTC))
        client.cookies.clear()
        assert login(client, names[who][1]).status_code == 303
        return client.get("/").text

    morning = datetime.combine(day, time(7), tz)
    page = home("mine", morning)
    assert f'href="/r/{mine}"' in page and "Hari ini" in page and "Pak Rudi Sopir" in page
    assert theirs not in page and all(t not in page for t in v1_tokens.values())
    assert "Hubungi dispatcher di kantor" not in page
    assert f'href="/r/{theirs}"' in home("theirs", morning) and mine not in home("theirs", morning)
    page = home("idle", morning)
    assert "/r/" not in page and "Hubungi dispatcher di kantor" in page
    # The evening before, it is tomorrow's route; two days before, not yet listed.
    page = home("mine", datetime.combine(day - timedelta(days=1), time(19), tz))
    assert f'href="/r/{mine}"' in page and "Besok" in page
    client.cookies.set("lang", "en")
    assert "Tomorrow" in client.get("/").text
    assert "/r/" not in home("mine", datetime.combine(day - timedelta(days=2), time(19), tz))
    # The link opens without logging in; once expired it is no longer offered.
    client.cookies.clear()
    assert client.get(f"/r/{mine}").status_code == 200
    with Session(engine) as db:
        for link in db.exec(select(DriverLink).where(DriverLink.plan_id == v2.id)):
            link.expires_at = utcnow() - timedelta(minutes=1)
            db.add(link)
        db.commit()
    assert "/r/" not in home("mine", morning)
