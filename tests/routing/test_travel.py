"""Travel models: offline haversine (cached) and the OSRM adapter on a recorded response."""

from __future__ import annotations

import pytest

from routing.model import Location
from routing.travel import FallbackTravel, HaversineTravel, OsrmError, OsrmTravel, haversine_matrix

TENGGARONG = Location("tgr", -0.4107, 116.9903)
SAMARINDA = Location("smd", -0.5022, 117.1536)
TABANG = Location("tabang", 0.4304, 116.1612)

# An OSRM v5 /table/v1/driving answer in the documented format (code, durations and
# distances row by source, the points snapped to the road as sources/destinations). No OSRM
# server is reachable from where these tests are written, so it was written by hand, with
# road-like figures for Tenggarong, Samarinda and Tabang, not recorded.
_SNAPPED = [
    {"location": [116.990412, -0.410825], "name": "Jalan Kartini", "distance": 9.1},
    {"location": [117.153471, -0.502310], "name": "Jalan Gajah Mada", "distance": 14.6},
    {"location": [116.161013, 0.430217], "name": "", "distance": 31.2},
]
RECORDED = {
    "code": "Ok",
    "durations": [[0, 1795.4, 10800.2], [1802.1, 0, 12000.9], [10790.5, 12010.0, 0]],
    "distances": [[0, 24512.3, 240100.8], [24490.0, 0, 262000.1], [240050.2, 261900.7, 0]],
    "sources": _SNAPPED,
    "destinations": _SNAPPED,
}


def test_haversine_matrix_values_and_cache():
    m = haversine_matrix([TENGGARONG, SAMARINDA], speed_kmh=40, circuity=1.4)
    assert m.model == "haversine"
    km = m.distances[0][1] / 1000
    assert 25 < km < 30  # ~20.6 km straight × 1.4
    assert m.durations[0][1] == pytest.approx(km / 40 * 3600, abs=2)
    assert m.durations[0][1] == m.durations[1][0]
    assert haversine_matrix([TENGGARONG, SAMARINDA], speed_kmh=40, circuity=1.4) is m
    assert haversine_matrix([TENGGARONG, SAMARINDA], speed_kmh=50, circuity=1.4) is not m


def test_tabang_is_beyond_a_days_round_trip_at_road_speed():
    m = haversine_matrix([TENGGARONG, TABANG], speed_kmh=40, circuity=1.4)
    assert 2 * m.durations[0][1] > 8.5 * 3600


def test_osrm_adapter_on_recorded_response():
    seen = []

    def fetch(url, timeout):
        seen.append((url, timeout))
        return RECORDED

    osrm = OsrmTravel("http://osrm.local:5000/", timeout=3, fetch=fetch)
    m = osrm.matrix([TENGGARONG, SAMARINDA, TABANG])
    assert m.model == "osrm"
    assert m.durations[0][1] == 1796 and m.distances[2][1] == 261901
    assert seen[0][0].startswith("http://osrm.local:5000/table/v1/driving/116.990300,-0.410700;")
    assert "annotations=duration%2Cdistance" in seen[0][0]
    osrm.matrix([TENGGARONG, SAMARINDA, TABANG])
    assert len(seen) == 1  # cached


def test_osrm_null_falls_back_and_errors_raise():
    rec = {**RECORDED, "durations": [[0, None], [1800, 0]], "distances": [[0, None], [24000, 0]]}
    m = OsrmTravel("http://x", fetch=lambda u, t: rec).matrix([TENGGARONG, SAMARINDA])
    fb = haversine_matrix([TENGGARONG, SAMARINDA])
    assert m.durations[0][1] == fb.durations[0][1]
    with pytest.raises(OsrmError):
        OsrmTravel("http://x", fetch=lambda u, t: {"code": "NoTable"}).matrix([TENGGARONG])


def test_an_unreachable_osrm_falls_back_to_the_offline_model():
    import urllib.error

    def refused(url, timeout):
        raise urllib.error.URLError("Connection refused")

    offline = HaversineTravel(speed_kmh=40, circuity=1.45)
    travel = FallbackTravel(OsrmTravel("http://127.0.0.1:9", fetch=refused), offline)
    m = travel.matrix([TENGGARONG, SAMARINDA])
    assert m.model == "haversine" and travel.failures == 1
    assert m.durations == offline.matrix([TENGGARONG, SAMARINDA]).durations
    working = FallbackTravel(OsrmTravel("http://x", fetch=lambda u, t: RECORDED), offline)
    assert working.matrix([TENGGARONG, SAMARINDA, TABANG]).model == "osrm"
