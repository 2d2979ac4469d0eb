"""The driver map is one self-contained file: no network while rendering or viewing."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess

import pytest

from maps import AssetsNotFound, assets_dir, driver_map_html, overview_html, route_sheet_html
from maps.assets import ENV_VAR
from maps.samples import synthetic

EXTERNAL = [
    r"<script[^>]*\bsrc\s*=",  # any script file (inline only)
    r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//",
    r"@import\s+(url\()?\s*[\"']?(https?:)?//",
    r"url\(\s*[\"']?(https?:)?//",
    r"<iframe",
    r"cdn\.|cdnjs|jsdelivr|unpkg|code\.jquery|bootstrapcdn|fontawesome",
]


def _assert_self_contained(html: str) -> None:
    for pat in EXTERNAL:
        assert not re.search(pat, html, re.IGNORECASE), pat


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access while rendering")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_driver_map_is_self_contained(view, no_network):
    html = driver_map_html(view, "v1")
    _assert_self_contained(html)
    assert "L.map(" in html and "leaflet-container" in html  # Leaflet JS and CSS inline
    assert "data:image/png;base64," in html  # Leaflet's control images inline too
    assert "sourceMappingURL" not in html
    assert len(html.encode()) < 1_500_000


def test_overview_and_sheet_are_self_contained(view, no_network):
    _assert_self_contained(overview_html(view))
    _assert_self_contained(route_sheet_html(view, "v1"))


def test_150_stop_driver_map_stays_under_limit(no_network):
    big = synthetic(150, n_vehicles=1, open_requests=0)
    html = driver_map_html(big, "mobil-1")
    _assert_self_contained(html)
    assert len(html.encode()) < 1_500_000


def test_assets_are_located_from_env(monkeypatch, tmp_path, view):
    real = assets_dir()
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert assets_dir() == tmp_path
    with pytest.raises(AssetsNotFound, match="npm ci"):
        driver_map_html(view, "v1")
    monkeypatch.setenv(ENV_VAR, str(real))
    assert "L.map(" in driver_map_html(view, "v1")


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_driver_map_draws_in_a_browser_without_network(view, tmp_path):
    page = tmp_path / "driver.html"
    page.write_text(driver_map_html(view, "v1"), encoding="utf-8")
    proc = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    dom = proc.stdout
    assert "leaflet-marker-icon" in dom, proc.stderr[-2000:]  # Leaflet ran and drew markers
    assert dom.count('class="jk-pin') >= 4  # depot + three stops
    assert "leaflet-interactive" in dom  # the route line (SVG path)
