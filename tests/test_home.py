"""Each role's home page says what the role does here; none shows a placeholder."""

from __future__ import annotations

import pytest

from dispatch.i18n import CATALOG
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
