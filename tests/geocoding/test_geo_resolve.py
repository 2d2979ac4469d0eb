"""The geocoder as a whole: order of providers, precisions and fallbacks, the region check,
and the module-level default."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from geo_points import DISTRICT_POINTS, KUKAR_BBOX, VILLAGE_POINTS

import dispatch.geocoding as geocoding
from dispatch.geocoding import Geocoder, Point


def test_village_with_its_own_point_has_village_precision(pinned):
    [c, *_] = pinned.resolve("Ds. Sebulu Ilir")
    assert (c.code, c.precision, c.level) == ("64.02.07.2005", "village", "village")
    assert (c.lat, c.lon) == (-0.2669, 116.9428)
    assert "test pin" in c.source and not c.note


def test_village_without_point_falls_back_to_its_kecamatan(pinned):
    [c, *_] = pinned.resolve("Sebulu Ulu")
    assert (c.code, c.level, c.precision) == ("64.02.07.2004", "village", "kecamatan")
    assert (c.lat, c.lon) == (DISTRICT_POINTS["64.02.07"].lat, DISTRICT_POINTS["64.02.07"].lon)
    assert "kecamatan" in c.note and "kecamatan fallback" in c.source


def test_kecamatan_without_point_falls_back_to_the_regency(pinned):
    [v, *_] = pinned.resolve("Argo Sari")  # in Samboja Barat, which has no point here
    assert (v.code, v.precision) == ("64.02.20.1006", "regency")
    [k, *_] = pinned.resolve("Kec. Samboja Barat")
    assert (k.code, k.level, k.precision) == ("64.02.20", "kecamatan", "regency")
    assert "regency" in k.note
    assert k.lat is not None and KUKAR_BBOX[0] < k.lat < KUKAR_BBOX[2]


def test_kecamatan_with_point(pinned):
    [k, *_] = pinned.resolve("Kecamatan Tabang")
    assert (k.code, k.level, k.precision) == ("64.02.12", "kecamatan", "kecamatan")
    assert "test seat" in k.source


def test_no_points_at_all():
    g = Geocoder("64.02")
    [c, *_] = g.resolve("Sebulu Ilir")
    assert c.code == "64.02.07.2005" and c.lat is None and c.precision == "none"
    assert g.inside_region(-6.2, 106.8)  # no bounding box known: nothing to refuse


def test_gps_comes_first_and_names_the_nearest_village(pinned):
    [c] = pinned.resolve("https://maps.google.com/?q=-0.4070,116.9720")
    assert (c.precision, c.level, c.score) == ("gps", "gps", 100)
    assert (c.lat, c.lon) == (-0.407, 116.972)
    assert (c.code, c.name, c.district_code) == ("64.02.06.1006", "Panji", "64.02.06")
    assert "nearest" in c.note and "km" in c.note


def test_gps_without_village_points_names_the_kecamatan(geocoder):
    [c] = geocoder.resolve("-0.30, 116.99")
    assert c.precision == "gps" and c.code == "64.02.07" and "kecamatan" in c.note


def test_coordinates_outside_the_regency_are_refused(pinned):
    [c] = pinned.resolve("-6.2000, 106.8166")  # Jakarta
    assert c.error == "outside_region" and not c.ok
    assert (c.lat, c.lon) == (-6.2, 106.8166) and c.score == 0
    assert "luar wilayah" in c.message and "outside" in c.message
    assert "Kutai Kartanegara" in c.message
    assert not pinned.inside_region(-6.2, 106.8166)
    assert pinned.inside_region(-0.4107, 116.9903)
    assert pinned.inside_region(1.16, 115.9)  # Muara Tiq, far north of Tabang


def test_bbox_from_points_when_none_is_configured():
    g = Geocoder("64.02", DISTRICT_POINTS, VILLAGE_POINTS)
    assert g.inside_region(-0.4107, 116.9903)
    assert not g.inside_region(-0.5, 118.5)  # Makassar Strait, off the coast
    assert not g.inside_region(-6.2, 106.8)


def test_unreadable_link_is_an_error_candidate(pinned):
    [c] = pinned.resolve("https://maps.app.goo.gl/AbCd123")
    assert c.error == "short_link" and c.lat is None and "offline" in c.message


def test_as_dict_is_json_ready(pinned):
    import json

    for text in ("Ds. Sebulu Ilir", "-0.41,116.99", "-6.2,106.8", "maps.app.goo.gl/x"):
        for c in pinned.resolve(text):
            json.dumps(c.as_dict())


def test_nearest_village(pinned, geocoder):
    assert pinned.nearest_village(-0.4260, 116.9850).code == "64.02.06.1005"
    assert geocoder.nearest_village(-0.4260, 116.9850) is None  # no village points


def test_with_points_keeps_the_original(geocoder):
    g2 = geocoder.with_points({"64.02.07.2004": Point(-0.25, 116.99, "db")})
    assert g2.resolve("Sebulu Ulu")[0].precision == "village"
    assert geocoder.resolve("Sebulu Ulu")[0].precision == "kecamatan"
    assert g2.gazetteer._keys is geocoder.gazetteer._keys  # names computed once


# ---- the module-level default ------------------------------------------------------------
def _fake_settings(nominatim_enabled=False):
    districts = [
        SimpleNamespace(code=c, lat=p.lat, lon=p.lon, source="config seat", seat="")
        for c, p in DISTRICT_POINTS.items()
    ]
    return SimpleNamespace(
        region=SimpleNamespace(
            code="64.02",
            name="Kabupaten Kutai Kartanegara",
            bbox=KUKAR_BBOX,
            districts=districts,
        ),
        geocoder=SimpleNamespace(
            nominatim_enabled=nominatim_enabled,
            nominatim_url="http://localhost:8088",
            user_agent="jangkau-test",
            timeout_s=2.0,
        ),
    )


@pytest.fixture
def restore_default():
    yield
    geocoding.set_default(None)


def test_default_is_built_lazily_from_settings(monkeypatch, restore_default):
    import dispatch.config

    calls = []

    def fake():
        calls.append(1)
        return _fake_settings()

    monkeypatch.setattr(dispatch.config, "get_settings", fake)
    geocoding.set_default(None)
    assert calls == []
    assert geocoding.resolve("Ds. Sebulu Ilir")[0].code == "64.02.07.2005"
    assert geocoding.resolve("Panji")[0].code == "64.02.06.1006"
    assert calls == [1]  # built once
    g = geocoding.get_default()
    assert g.bbox == KUKAR_BBOX and g.nominatim is None
    assert g.resolve("Kec. Sebulu")[0].source.endswith("config seat")
    assert geocoding.parse_coordinates("geo:-0.41,116.99") == (-0.41, 116.99)
    assert geocoding.parse_coordinates("https://maps.app.goo.gl/x") is None
    assert not geocoding.inside_region(-6.2, 106.8)
    assert "luar wilayah" in geocoding.outside_message(-6.2, 106.8)


def test_set_points_gives_the_default_village_points(monkeypatch, restore_default):
    import dispatch.config

    monkeypatch.setattr(dispatch.config, "get_settings", _fake_settings)
    geocoding.set_default(None)
    assert geocoding.nearest_village(-0.4065, 116.9715) is None
    geocoding.set_points(VILLAGE_POINTS)
    assert geocoding.nearest_village(-0.4065, 116.9715).code == "64.02.06.1006"
    assert geocoding.resolve("Panji")[0].precision == "village"


def test_nominatim_from_settings_is_configured_not_called(restore_default):
    g = Geocoder.from_settings(_fake_settings(nominatim_enabled=True))
    assert g.nominatim is not None and g.nominatim.bbox == KUKAR_BBOX
    assert g.nominatim.timeout == 2.0
    assert g.nominatim.geocoder.domain == "localhost:8088"
    assert g.nominatim.requests == 0


def test_set_default_with_an_explicit_geocoder(pinned, restore_default):
    geocoding.set_default(pinned)
    assert geocoding.get_default() is pinned
    assert geocoding.resolve("Melayu")[0].precision == "village"
