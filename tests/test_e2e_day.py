"""The whole day in headless Chromium: an officer submits, the dispatcher plans and
publishes, the driver marks the stops done (once with the network cut and restored), and
the officer sees the status change.

Set JANGKAU_SCREENSHOTS=docs to save a screenshot of each page (for the README).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dispatch.setup import demo_password

SHOTS = os.environ.get("JANGKAU_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo_password(username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture
def fast_server(settings, engine):
    """The live server with a short solver limit, so the test does not wait 10 s."""
    import socket
    import threading
    import time

    import uvicorn

    from dispatch.web.app import create_app

    quick = settings.model_copy(
        update={"solver": settings.solver.model_copy(update={"time_limit_s": 2})}
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(quick, engine), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_whole_day(browser, fast_server):
    base = fast_server
    day = (
        datetime.now(UTC).astimezone(ZoneInfo("Asia/Makassar")).date() + timedelta(days=1)
    ).isoformat()
    officer = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 900})
    dispatcher = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    driver = browser.new_context(locale="id-ID", viewport={"width": 412, "height": 900})

    # 1. The officer submits an emergency escort to the hospital.
    o = officer.new_page()
    _login(o, base, "officer.tenggarong")
    o.goto(f"{base}/requests/new")
    o.select_option("select[name=kind]", "medical")
    o.select_option("select[name=urgency]", "darurat")
    o.fill("input[name=village]", "Sebulu Ilir · Sebulu")
    o.dispatch_event("input[name=village]", "change")
    o.fill("input[name=landmark]", "rumah biru dekat jembatan")
    o.fill("input[name=contact_phone]", "0812 7770 0001")
    # For tomorrow, so that the test holds at any hour: a plan for today run after the
    # shift has ended publishes links that have already expired, as they should.
    o.fill("input[name=available_date]", day)
    _shot(o, "officer-form")
    o.click("form#rf button[type=submit]")
    o.wait_for_url(re.compile(r".*/requests/KKR-\d{8}-\d{4}$"))
    reference = o.url.rsplit("/", 1)[1]
    assert "Baru" in o.inner_text("#status")

    # 2. The dispatcher plans the day's routes and publishes them.
    d = dispatcher.new_page()
    _login(d, base, "dispatcher")
    d.goto(f"{base}/plan?day={day}")
    assert reference in d.inner_text("main")
    d.click("#solve")
    d.wait_for_selector("text=Terbitkan", timeout=60_000)
    d.wait_for_function(
        "() => !document.getElementById('progress') || "
        "!document.getElementById('progress').textContent.includes('Sedang')",
        timeout=60_000,
    )
    d.reload()
    assert reference in d.inner_text("table.stops >> nth=0") or reference in d.inner_text("main")
    _shot(d, "dispatcher-plan")
    d.click("button:has-text('Terbitkan')")
    d.wait_for_selector(".links a:has-text('Buka rute')")
    links = [
        a.get_attribute("href") for a in d.query_selector_all(".links a:has-text('Buka rute')")
    ]
    _shot(d, "dispatcher-published")

    # 3. The driver whose route has the request marks its stops.
    p = driver.new_page()
    mine = None
    for url in links:
        p.goto(url)
        if p.query_selector(f"li[data-ref='{reference}']"):
            mine = url
            break
    assert mine, "no published route carries the request"
    page_text = p.inner_text("main")
    assert "Sebulu Ilir" in page_text and "+6281277700001" in page_text, page_text
    _shot(p, "driver-route")
    pickup = p.locator(f"li[data-ref='{reference}'][data-kind='pickup']")
    pickup.locator("button[data-s=done]").click()
    pickup.locator(".state:has-text('✓')").wait_for()
    driver.set_offline(True)  # no signal at the hospital
    drop = p.locator(f"li[data-ref='{reference}'][data-kind='delivery']")
    drop.locator("button[data-s=done]").click()
    p.wait_for_selector("#net:has-text('Belum terkirim')")
    driver.set_offline(False)  # signal is back: the report goes, once
    drop.locator(".state:has-text('✓')").wait_for(timeout=20_000)

    # 4. The officer sees the request done.
    o.reload()
    assert "Selesai" in o.inner_text("#status")
    history = o.inner_text("ol.history")
    assert history.count("Selesai") == 1
    _shot(o, "officer-status")
    for ctx in (officer, dispatcher, driver):
        ctx.close()
