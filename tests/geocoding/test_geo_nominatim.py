"""Provider 3: Nominatim through geopy, exercised with a fake geocoder (no network)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from geo_points import DISTRICT_POINTS, KUKAR_BBOX
from geopy.exc import GeocoderServiceError, GeocoderTimedOut

from dispatch.geocoding import Geocoder, NominatimProvider


class FakeNominatim:
    """Answers like geopy's Nominatim.geocode(..., exactly_one=False)."""

    def __init__(self, answers=None, error=None):
        self.calls: list[tuple[str, dict]] = []
        self.answers = answers if answers is not None else []
        self.error = error

    def geocode(self, query, **kwargs):
        self.calls.append((query, kwargs))
        if self.error is not None:
            raise self.error
        return self.answers or None


def loc(lat, lon, address="Jembatan Kartanegara, Tenggarong", addresstype="road"):
    return SimpleNamespace(
        latitude=lat, longitude=lon, address=address, raw={"addresstype": addresstype}
    )


def provider(fake, **kw):
    kw.setdefault("min_delay_seconds", 0)
    return NominatimProvider(geocoder=fake, bbox=KUKAR_BBOX, **kw)


def test_off_by_default(geocoder):
    assert geocoder.nominatim is None
    settings = SimpleNamespace(
        region=SimpleNamespace(code="64.02", name="Kukar", bbox=KUKAR_BBOX, districts=[]),
        geocoder=SimpleNamespace(nominatim_enabled=False),
    )
    assert Geocoder.from_settings(settings).nominatim is None


def test_query_is_restricted_to_indonesia_and_the_regency():
    fake = FakeNominatim([loc(-0.4297, 116.9870)])
    [c] = provider(fake, timeout=3).geocode("Jembatan Kartanegara")
    query, kw = fake.calls[0]
    assert query == "Jembatan Kartanegara"
    assert kw["country_codes"] == "id"
    assert kw["viewbox"] == [(KUKAR_BBOX[0], KUKAR_BBOX[1]), (KUKAR_BBOX[2], KUKAR_BBOX[3])]
    assert kw["bounded"] is True and kw["timeout"] == 3 and kw["exactly_one"] is False
    assert c.source.startswith("nominatim") and c.precision == "village"
    assert (c.lat, c.lon) == (-0.4297, 116.987)
    assert c.score < 85  # never outranks a good gazetteer match


def test_answers_outside_the_box_are_dropped():
    fake = FakeNominatim([loc(-6.2, 106.8), loc(-0.43, 116.98)])
    cands = provider(fake).geocode("Pasar")
    assert [(c.lat, c.lon) for c in cands] == [(-0.43, 116.98)]


def test_precision_follows_the_address_type():
    fake = FakeNominatim([loc(-0.43, 116.98, "Tenggarong", "town")])
    [c] = provider(fake).geocode("Tenggarong")
    assert c.precision == "kecamatan"


def test_cached():
    fake = FakeNominatim([loc(-0.43, 116.98)])
    p = provider(fake)
    first = p.geocode("Jembatan  Kartanegara")
    second = p.geocode("jembatan kartanegara")
    assert first == second and len(fake.calls) == 1


def test_cache_is_bounded():
    fake = FakeNominatim([loc(-0.43, 116.98)])
    p = provider(fake, cache_size=2)
    for q in ("a1", "a2", "a3", "a1"):
        p.geocode(q)
    assert len(fake.calls) == 4  # a1 was evicted


@pytest.mark.parametrize(
    "error", [GeocoderTimedOut("slow"), GeocoderServiceError("502"), OSError("no route")]
)
def test_failures_give_no_results_and_never_raise(error):
    fake = FakeNominatim(error=error)
    p = provider(fake)
    assert p.geocode("Jembatan Kartanegara") == []
    assert p.failures == 1
    fake.error = None
    fake.answers = [loc(-0.43, 116.98)]
    assert len(p.geocode("Jembatan Kartanegara")) == 1  # failures are not cached


def test_garbage_answers_are_skipped():
    fake = FakeNominatim([SimpleNamespace(latitude="x", longitude=None), loc(-0.43, 116.98)])
    assert len(provider(fake).geocode("q")) == 1


def test_one_request_a_second():
    fake = FakeNominatim([loc(-0.43, 116.98)])
    p = NominatimProvider(geocoder=fake, bbox=KUKAR_BBOX)  # the default 1 s delay
    now = [1000.0]
    sleeps: list[float] = []
    p._call._clock = lambda: now[0]

    def sleep(s):
        sleeps.append(s)
        now[0] += s

    p._call._sleep = sleep
    p.geocode("satu")
    p.geocode("dua")
    now[0] += 0.25
    p.geocode("tiga")
    assert len(fake.calls) == 3
    assert sleeps == pytest.approx([1.0, 0.75])


def test_geocoder_asks_nominatim_only_when_the_gazetteer_is_unsure():
    fake = FakeNominatim([loc(-0.2680, 116.9440, "Pasar Sebulu")])
    g = Geocoder("64.02", DISTRICT_POINTS, bbox=KUKAR_BBOX, nominatim=provider(fake))
    g.resolve("Ds. Sebulu Ilir")
    assert fake.calls == []
    cands = g.resolve("Pasar Pagi Swalayan Mitra")
    assert len(fake.calls) == 1
    n = [c for c in cands if c.source.startswith("nominatim")]
    assert n and n[0].district_code == "64.02.07"  # placed in its kecamatan
    g.resolve("-0.41, 116.99")  # coordinates never go online
    assert len(fake.calls) == 1


def test_geocoder_survives_nominatim_failure():
    fake = FakeNominatim(error=GeocoderTimedOut("slow"))
    g = Geocoder("64.02", DISTRICT_POINTS, bbox=KUKAR_BBOX, nominatim=provider(fake))
    cands = g.resolve("Pasar Pagi Swalayan Mitra")
    assert all(not c.source.startswith("nominatim") for c in cands)
    assert len(fake.calls) == 1
