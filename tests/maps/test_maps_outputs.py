"""The outputs from a hand-built plan: stops, order, times, links, totals."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import folium

from maps import (
    driver_map_html,
    overview_html,
    overview_map,
    render_all,
    route_geojson,
    route_gpx,
    route_sheet_html,
)
from maps.common import geo_uri, gmaps_url

ORDER = ["Loa Kulu Kota", "Pos Layanan", "Jembayan"]


def _in_order(text: str, items: list[str]) -> bool:
    pos = [text.find(i) for i in items]
    return all(p >= 0 for p in pos) and pos == sorted(pos)


def test_driver_map_lists_stops_in_order_with_times_and_links(view):
    html = driver_map_html(view, "v1")
    listing = html[html.index('class="jk-list"') :]
    assert _in_order(listing, ORDER)
    assert _in_order(listing, ["08:00", "09:00", "09:40"])
    assert "Berangkat 07:30" in listing and "Kembali 11:10" in listing
    for lat, lon in [(-0.522, 117.013), (-0.432, 116.978), (-0.548, 116.996)]:
        assert geo_uri(lat, lon) in html
        assert gmaps_url(lat, lon).replace("&", "&amp;") in html
    assert "KKR-20261130-0001" in html and "0812-5555-0001" in html
    assert "08:00–10:00" in html  # the time window
    assert "2 penumpang" in html
    assert "navigator.geolocation" in html and 'id="jk-locate"' in html
    assert "L.polyline" in html  # the route line
    # numbered markers are text DivIcons, not icon fonts
    assert '<span class=\\"n\\">3</span>' in html or 'class="n">3<' in html
    assert "fa-" not in html and "glyphicon" not in html


def test_overview_has_layers_cluster_legend_and_popups(view):
    html = overview_html(view)
    assert "L.markerClusterGroup" in html
    assert "L.control.layers" in html
    assert "Mobil Perlindungan 1" in html
    assert 'class="jk-legend"' in html
    assert "Permintaan terbuka (1)" in html  # T3 is not on a route
    # popups: reference, village, window, status
    for s in ["KKR-20261130-0003", "Embalut", "13:00\\u201315:00", "Status: Baru"]:
        assert s in html, s
    assert isinstance(overview_map(view), folium.Map)


def test_overview_asset_modes(view):
    inline = overview_html(view)
    assert "L.MarkerClusterGroup" in inline  # markercluster source inlined
    assert not re.search(r"<script[^>]*\bsrc=", inline)
    served = overview_html(view, assets="/static/vendor")
    assert '<script src="/static/vendor/leaflet/dist/leaflet.js"></script>' in served
    assert 'href="/static/vendor/leaflet.markercluster/dist/MarkerCluster.css"' in served
    assert "cdn" not in served.lower() and "jquery" not in served.lower()
    assert len(served) < 100_000


def test_tiles_are_optional_and_configurable(view):
    assert "L.tileLayer" not in driver_map_html(view, "v1")
    html = driver_map_html(
        view, "v1", tiles="http://127.0.0.1:8080/{z}/{x}/{y}.png", attribution="OSM lokal"
    )
    assert "http://127.0.0.1:8080/{z}/{x}/{y}.png" in html and "L.tileLayer" in html


def test_route_sheet(view):
    html = route_sheet_html(view, "v1")
    for s in [
        "30-11-2026",
        "Mobil Perlindungan 1",
        "KT 1821 AB",
        "Rudi Hartono",
        "07:30–16:00",
        "61.5 km",
        "3 j 40 m",
        "2 j 25 m",
    ]:
        assert s in html, s
    assert "@page" in html and "A4" in html
    body = html[html.index("<tbody>") :]
    assert _in_order(body, ORDER)
    assert _in_order(body, ["08:00", "09:00", "09:40", "11:10"])
    assert body.count('class="segno"') == 3  # a QR code per stop
    assert html.count("<svg") == 4  # the diagram and three QR codes
    assert "Kec. Loa Kulu" in body and "Depan masjid — RT 01" in body
    assert "Tiba: ______" in body
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_gpx_parses_and_has_waypoints_route_and_track(view):
    text = route_gpx(view, "v1")
    root = ET.fromstring(text.encode())
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    assert root.tag == "{http://www.topografix.com/GPX/1/1}gpx" and root.get("version") == "1.1"
    names = [w.findtext("g:name", namespaces=ns) for w in root.findall("g:wpt", ns)]
    assert names[1:4] == [
        "01 Jemput Loa Kulu Kota",
        "02 Antar Pos Layanan",
        "03 Kunjungan Jembayan",
    ]
    assert len(root.findall("g:rte/g:rtept", ns)) == 5
    assert len(root.findall("g:trk/g:trkseg/g:trkpt", ns)) == 5
    desc = root.findall("g:wpt", ns)[1].findtext("g:desc", namespaces=ns)
    assert "Tiba 08:00" in desc and "0812-5555-0001" in desc


def test_geojson(view):
    data = route_geojson(view, "v1")
    json.dumps(data)
    assert data["type"] == "FeatureCollection"
    line = data["features"][0]
    assert line["geometry"]["type"] == "LineString"
    assert line["geometry"]["coordinates"][1] == [117.013, -0.522]  # lon, lat
    points = [f for f in data["features"] if f["geometry"]["type"] == "Point"]
    assert [p["properties"]["number"] for p in points] == [None, 1, 2, 3, None]
    assert [p["properties"]["arrival"] for p in points[1:4]] == ["08:00", "09:00", "09:40"]
    assert points[2]["properties"]["village"] == "Pos Layanan"
    assert points[2]["properties"]["landmark"] is None


def test_render_all_writes_every_file(view, tmp_path):
    paths = render_all(view, tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == sorted(
        ["overview.html", "v1-map.html", "v1-sheet.html", "v1.gpx", "v1.geojson"]
    )
    assert all(p.stat().st_size > 0 for p in paths)
    json.loads((tmp_path / "out" / "v1.geojson").read_text())


def test_early_arrival_shows_when_service_starts(view):
    view.plan.routes[0].stops[1].wait = 10 * 60  # arrives 08:00, starts 08:10
    for text in (driver_map_html(view, "v1"), route_sheet_html(view, "v1"), route_gpx(view, "v1")):
        assert "mulai 08:10" in text
    points = route_geojson(view, "v1")["features"][2]["properties"]
    assert (points["arrival"], points["service_start"]) == ("08:00", "08:10")


def test_a_cancelled_stop_says_so_and_offers_no_phone_on_every_output():
    """A request withdrawn after the plan was drawn: the driver must skip it, not call."""
    import dataclasses

    from tests.maps.maps_helpers import hand_plan_view

    base = hand_plan_view()
    stops = [
        dataclasses.replace(s, status="cancelled") if s.task_id == "T2" else s
        for s in base.stops.values()
    ]
    view = hand_plan_view(stops=stops)
    outputs = {
        "map": driver_map_html(view, "v1"),
        "sheet": route_sheet_html(view, "v1"),
        "gpx": route_gpx(view, "v1"),
        "geojson": json.dumps(route_geojson(view, "v1"), ensure_ascii=False),
    }
    for name, text in outputs.items():
        assert "DIBATALKAN" in text, name
        assert "0812-5555-0002" not in text, name  # the cancelled stop's contact
        assert "0812-5555-0001" in text, name  # the others are untouched


def test_a_replanned_route_starting_in_a_village_names_the_start():
    """A re-plan starts the car where its driver last reported: a village, not a place.
    The start reads 'Posisi terakhir', never 'Titik tujuan' (destination)."""
    import dataclasses

    from tests.maps.maps_helpers import hand_plan_view

    view = hand_plan_view()
    route = view.plan.routes[0]
    route.stops[0] = dataclasses.replace(route.stops[0], location=4)  # a village location
    for text in (driver_map_html(view, "v1"), route_sheet_html(view, "v1"), route_gpx(view, "v1")):
        assert "Posisi terakhir" in text
        assert "Berangkat Titik tujuan" not in text
