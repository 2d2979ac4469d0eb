"""'Open' the verb (a button: open the day, the month) is 'Buka'; 'open' the state of a
request (the list's filter) stays 'Terbuka'."""

from __future__ import annotations

import re

from tests.conftest import login


def _buttons(html: str) -> list[str]:
    return [b.strip() for b in re.findall(r"<button[^>]*>([^<]*)</button>", html)]


def test_the_open_buttons_say_buka_and_the_open_filter_says_terbuka(client):
    login(client, "dispatcher")
    assert "Buka" in _buttons(client.get("/plan").text)
    assert "Buka" in _buttons(client.get("/reports/monthly").text)
    requests = client.get("/requests").text
    assert re.search(r'<option value="open"[^>]*>Terbuka</option>', requests)
    for page in ("/plan", "/reports/monthly", "/requests"):
        assert "Terbuka" not in _buttons(client.get(page).text), page
    client.cookies.set("lang", "en")
    assert "Open" in _buttons(client.get("/plan").text)
    assert re.search(r'<option value="open"[^>]*>Open</option>', client.get("/requests").text)
