"""Provider 1: coordinates written or pasted in every common form."""

from __future__ import annotations

import pytest
from openlocationcode import openlocationcode as olc

from dispatch.geocoding import GeocodingError, read_coordinates
from dispatch.geocoding.coordinates import CoordinateProvider, parse_coordinates

LAT, LON = -0.4107, 116.9903  # DP3A office, Tenggarong
DMS_LAT, DMS_LON = -(0 + 24 / 60 + 38.5 / 3600), 116 + 59 / 60 + 25.1 / 3600


def near(reading, lat, lon, tol=1e-4):
    assert reading is not None
    assert abs(reading.lat - lat) < tol and abs(reading.lon - lon) < tol, reading
    return True


@pytest.mark.parametrize(
    "text",
    [
        "-0.4107, 116.9903",
        "-0.4107,116.9903",
        "-0.4107 116.9903",
        "-0.4107; 116.9903",
        "  lokasi: -0.4107, 116.9903 (depan masjid)",
        "116.9903, -0.4107",  # longitude first: swapped
        "lat -0.4107 lon 116.9903",
        "Latitude: -0.4107, Longitude: 116.9903",
        "-0,4107 116,9903",  # decimal commas
        "0.4107 S, 116.9903 E",
        "0.4107° S 116.9903° E",
        "0.4107 LS 116.9903 BT",
    ],
)
def test_decimal_pairs(text):
    assert near(read_coordinates(text), LAT, LON)


@pytest.mark.parametrize(
    "text",
    [
        "0°24'38.5\"S 116°59'25.1\"E",
        "0° 24' 38.5\" S, 116° 59' 25.1\" E",
        "0°24′38.5″S 116°59′25.1″E",
        "0°24’38.5”S 116°59’25.1”E",
        "0°24'38.5''S 116°59'25.1''E",
        "S 0° 24' 38.5\" E 116° 59' 25.1\"",
        "0 24 38.5 LS 116 59 25.1 BT",
        "0°24'38,5\"LS 116°59'25,1\"BT",
    ],
)
def test_degrees_minutes_seconds(text):
    r = read_coordinates(text)
    assert near(r, DMS_LAT, DMS_LON)
    assert r.format == "dms"


def test_degrees_decimal_minutes_and_north():
    assert near(read_coordinates("S 0° 24.642' E 116° 59.418'"), LAT, LON)
    assert near(read_coordinates("0°36'00\"N 116°03'00\"E"), 0.6, 116.05)
    assert near(read_coordinates("0 36 0 LU 116 3 0 BT"), 0.6, 116.05)


@pytest.mark.parametrize(
    "text,fmt",
    [
        ("geo:-0.4107,116.9903", "geo_uri"),
        ("geo:-0.4107,116.9903;u=35", "geo_uri"),
        ("geo:0,0?q=-0.4107,116.9903(Rumah)", "geo_uri"),
        ("https://www.google.com/maps/@-0.4107,116.9903,15z", "google_maps"),
        ("https://www.google.com/maps/@-0.4107,116.9903,300m/data=!3m1!1e3", "google_maps"),
        (
            "https://www.google.com/maps/place/Kantor/@-0.41,116.98,17z/data=!3m1!4b1!4m6!3m5"
            "!1s0x2df67f:0x1!8m2!3d-0.4107!4d116.9903!16s",
            "google_maps",
        ),
        ("https://maps.google.com/?q=-0.4107,116.9903", "google_maps"),
        ("https://www.google.com/maps?q=loc:-0.4107,116.9903", "google_maps"),
        ("https://www.google.com/maps/search/?api=1&query=-0.4107%2C116.9903", "google_maps"),
        ("https://maps.google.com/maps?ll=-0.4107,116.9903&z=15", "google_maps"),
        ("https://www.google.com/maps/dir/?api=1&destination=-0.4107,116.9903", "google_maps"),
        ("https://www.openstreetmap.org/#map=15/-0.4107/116.9903", "openstreetmap"),
        (
            "https://www.openstreetmap.org/?mlat=-0.4107&mlon=116.9903#map=15/-0.40/116.90",
            "openstreetmap",
        ),
        ("https://osm.org/?mlat=-0.4107&mlon=116.9903", "openstreetmap"),
    ],
)
def test_uris_and_map_links(text, fmt):
    r = read_coordinates(text)
    assert near(r, LAT, LON)
    assert r.format == fmt


def test_whatsapp_shared_location():
    text = "Lokasi saya: https://maps.google.com/?q=-0.4107,116.9903\nDikirim dari WhatsApp"
    assert near(read_coordinates(text), LAT, LON)
    live = "Lokasi terkini https://maps.google.com/maps?q=-0.4107%2C116.9903&z=17&hl=id"
    assert near(read_coordinates(live), LAT, LON)


def test_full_plus_code():
    code = olc.encode(LAT, LON)
    assert near(read_coordinates(code), LAT, LON, tol=2e-4)
    assert near(read_coordinates(f"plus code {code} Tenggarong"), LAT, LON, tol=2e-4)
    assert read_coordinates(code).format == "plus_code"


def test_short_plus_code_with_reference_and_locality(geocoder):
    full = olc.encode(LAT, LON)
    short = olc.shorten(full, -0.42, 116.98)
    assert len(short) < len(full)
    # A reference point recovers it.
    assert near(read_coordinates(short, reference=(-0.42, 116.98)), LAT, LON, tol=2e-4)
    # The locality next to the code gives the reference (the geocoder's gazetteer).
    assert near(geocoder.read_coordinates(f"{short} Tenggarong"), LAT, LON, tol=2e-4)
    # Far-away Tabang short code recovered next to Tabang, not next to Tenggarong.
    tabang = olc.encode(0.62, 116.04)
    assert near(
        geocoder.read_coordinates(f"{olc.shorten(tabang, 0.6, 116.0)} Tabang"),
        0.62,
        116.04,
        tol=2e-4,
    )


def test_short_plus_code_without_reference_is_an_error():
    short = olc.shorten(olc.encode(LAT, LON), -0.42, 116.98)
    with pytest.raises(GeocodingError) as exc:
        read_coordinates(short)
    assert exc.value.code == "plus_code_needs_place"


@pytest.mark.parametrize(
    "text", ["https://maps.app.goo.gl/AbCdEf123", "cek https://goo.gl/maps/xyz ya", "osm.org/go/x"]
)
def test_short_links_cannot_be_read_offline(text):
    with pytest.raises(GeocodingError) as exc:
        read_coordinates(text)
    assert exc.value.code == "short_link"
    assert "offline" in exc.value.message
    assert parse_coordinates(text) is None  # the lenient form never raises
    cands = CoordinateProvider().geocode(text)
    assert len(cands) == 1 and cands[0].error == "short_link" and cands[0].score == 0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Sebulu Ilir",
        "Jl. Poros RT 05 RW 02 No. 12 Ds. Sebulu Ilir",
        "64.02.07.2005",
        "0812-3456-7890",
        "KKR-20261128-0042",
        "jam 10.30 sampai 12.00",
    ],
)
def test_text_without_coordinates(text):
    assert read_coordinates(text) is None


def test_out_of_range_is_an_error():
    with pytest.raises(GeocodingError):
        read_coordinates("geo:95.0,116.9")
    assert parse_coordinates("geo:95.0,116.9") is None


def test_provider_answers_gps_precision():
    [c] = CoordinateProvider().geocode("-0.4107, 116.9903")
    assert c.precision == "gps" and c.level == "gps" and c.score == 100
    assert c.source.startswith("coordinates")


@pytest.mark.parametrize(
    "text",
    ["Jl. Poros km 12.5, 3.1 dari simpang", "tanggal 28.11.2026 jam 10.30", "0812.3456.7890"],
)
def test_numbers_in_addresses_are_not_coordinates(text):
    assert read_coordinates(text) is None


def test_google_place_path_pin_beats_the_viewport():
    url = (
        "https://www.google.com/maps/place/0%C2%B024'38.5%22S+116%C2%B059'25.1%22E/"
        "@-0.4000,116.9800,17z/data=!4m4!3m3!8m2"
    )
    assert near(read_coordinates(url), DMS_LAT, DMS_LON)
    search = "https://www.google.com/maps/search/-0.4107,+116.9903?entry=tts"
    assert near(read_coordinates(search), LAT, LON)
