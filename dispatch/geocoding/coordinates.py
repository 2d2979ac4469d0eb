"""Coordinates in free text: decimal pairs, degrees-minutes-seconds, `geo:` URIs, Google Maps
and OpenStreetMap links, WhatsApp shared locations and Plus Codes.

`read_coordinates` returns a `Reading` (lat, lon, format) or None when the text holds no
coordinates, and raises `GeocodingError` for a location it can see but cannot read offline
(a short link, a short Plus Code without a reference point, a value out of range).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_plus

from openlocationcode import openlocationcode as olc

from dispatch.geocoding.base import Candidate, GeocodingError

_DEC = r"[-+−]?\d{1,3}\.\d+"
_INT_OR_DEC = r"[-+−]?\d{1,3}(?:\.\d+)?"

_SHORT_LINK = re.compile(
    r"\b(?:maps\.app\.goo\.gl|goo\.gl/maps|g\.co/kgs|g\.page|share\.google|osm\.org/go|"
    r"bit\.ly|s\.id|tinyurl\.com)/\S*",
    re.I,
)
_GEO = re.compile(rf"\bgeo:\s*({_INT_OR_DEC})\s*,\s*({_INT_OR_DEC})", re.I)
_GEO_Q = re.compile(rf"\bgeo:[^\s?]*\?[^\s]*?\bq=(?:loc:)?\s*({_DEC})\s*,\s*({_DEC})", re.I)
_GOOGLE_DATA = re.compile(rf"!3d({_DEC})!4d({_DEC})")
_GOOGLE_PATH = re.compile(r"/maps/(?:place|search)/([^/?#@]+)", re.I)
_AT = re.compile(rf"/@({_DEC}),\s*({_DEC})")
_QUERY = re.compile(
    rf"[?&#](?:q|query|ll|sll|center|destination|daddr|saddr|origin|cbll|viewpoint|"
    rf"location|loc)=(?:loc:)?\s*({_DEC})\s*,\s*({_DEC})",
    re.I,
)
_OSM_HASH = re.compile(rf"#map=\d{{1,2}}(?:\.\d+)?/({_DEC})/({_DEC})")
_OSM_MARK = re.compile(rf"[?&]mlat=({_DEC})&(?:amp;)?mlon=({_DEC})", re.I)
_LAT_LON_PARAMS = re.compile(rf"[?&](?:lat|latitude)=({_DEC})&(?:lon|lng|longitude)=({_DEC})", re.I)
_LABELLED = re.compile(
    rf"\b(?:lat|latitude|lintang)\s*[:=]?\s*({_DEC})\s*[,;]?\s*"
    rf"(?:lon|lng|long|longitude|bujur)\s*[:=]?\s*({_DEC})",
    re.I,
)
_OSM_ROUTE = re.compile(rf"[?&]route=({_DEC})(?:%2C|,)({_DEC})", re.I)

_PLUS_CHARS = "23456789CFGHJMPQRVWX"
_PC = f"[{_PLUS_CHARS}]"
_PLUS_FULL = re.compile(rf"(?<![\w+])({_PC}{{8}}\+{_PC}{{0,3}})(?![\w+])", re.I)
_PLUS_PADDED = re.compile(rf"(?<![\w+])({_PC}{{2,6}}0+\+)(?![\w+])", re.I)
_PLUS_SHORT = re.compile(rf"(?<![\w+])({_PC}{{2,7}}\+{_PC}{{2,3}})(?![\w+])", re.I)

_HEMI = r"(LS|LU|BT|BB|[NSEWUT])"
_NUMF = r"\d+(?:[.,]\d+)?"
# One angle with its hemisphere letter after it (0°24'38.5"S, 0 24 38.5 LS, 0°24.642'S,
# 0.4107° S, 116.99 BT) or before it (S 0° 24' 38.5", E 116° 59.418').
_ANGLE_BODY = (
    rf"(\d{{1,3}}(?:[.,]\d+)?)\s*(?:°|º|˚|deg\b|d\b)?\s*"
    rf"(?:({_NUMF})\s*(?:'|′|’|‘|m\b|menit\b)?\s*"
    rf"(?:({_NUMF})\s*(?:\"|″|”|“|''|s\b|detik\b)?\s*)?)?"
)
_ANGLE_SUFFIX = re.compile(rf"(?<![\w.])(){_ANGLE_BODY}{_HEMI}(?!\w)", re.I)
_ANGLE_PREFIX = re.compile(rf"(?<!\w){_HEMI}\s*{_ANGLE_BODY}(?![\w.])", re.I)
_DEC_COMMA = re.compile(
    r"(?<![\w.,])([-−]?\d{1,3},\d{3,})\s*[;\s]\s*([-−]?\d{1,3},\d{3,})(?![\d,])"
)
# A bare pair needs two decimals on each number ("12.5, 3.1" in an address is not a place).
_DEC2 = r"[-+−]?\d{1,3}\.\d{2,}"
_PAIR = re.compile(rf"(?<![\w.\-−])({_DEC2})\s*(?:,|;|/|\s)\s*({_DEC2})(?![\d.])")

_SOUTH_WEST = {"S", "LS", "W", "BB"}
_LATITUDE = {"S", "N", "U", "LS", "LU"}


@dataclass(frozen=True, slots=True)
class Reading:
    lat: float
    lon: float
    format: str  # "decimal", "dms", "geo_uri", "google_maps", "openstreetmap", "plus_code"


def _num(s: str) -> float:
    return float(s.replace("−", "-").replace(",", "."))


def _checked(lat: float, lon: float, fmt: str) -> Reading:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeocodingError(
            "coordinates_invalid",
            f"Koordinat {lat}, {lon} tidak valid (lintang -90..90, bujur -180..180). / "
            f"Coordinates {lat}, {lon} are out of range.",
        )
    return Reading(round(lat, 7), round(lon, 7), fmt)


def _plus(code: str, reference: tuple[float, float] | None, locality: str) -> Reading:
    code = code.upper()
    if olc.isFull(code):
        area = olc.decode(code)
        return _checked(area.latitudeCenter, area.longitudeCenter, "plus_code")
    if olc.isShort(code):
        if reference is None:
            raise GeocodingError(
                "plus_code_needs_place",
                f"Plus Code pendek {code} perlu nama tempat (mis. '{code} Tenggarong'). / "
                f"The short Plus Code {code} needs a locality.",
            )
        full = olc.recoverNearest(code, reference[0], reference[1])
        area = olc.decode(full)
        return _checked(area.latitudeCenter, area.longitudeCenter, "plus_code")
    raise GeocodingError("plus_code_invalid", f"Plus Code {code} tidak valid. / Invalid Plus Code.")


def _angles(text: str) -> Reading | None:
    """Two angles with hemisphere letters (DMS, decimal minutes or decimal degrees)."""
    for pattern in (_ANGLE_SUFFIX, _ANGLE_PREFIX):
        found = _two_angles(pattern, text)
        if found is not None:
            fmt = "dms" if re.search(r"[°º˚'′’\"″”]|\d\s+\d", text) else "decimal"
            return _checked(found["lat"], found["lon"], fmt)
    return None


def _two_angles(pattern: re.Pattern[str], text: str) -> dict[str, float] | None:
    found: dict[str, float] = {}
    for m in pattern.finditer(text):
        g = m.groups()
        if pattern is _ANGLE_SUFFIX:
            _, deg, minutes, seconds, letter = g
        else:
            letter, deg, minutes, seconds = g
        letter = letter.upper()
        if letter == "T":  # "T" = timur (east) only as a trailing letter
            letter = "E"
        if letter == "U":
            letter = "N"
        value = _num(deg)
        if minutes is not None:
            value += _num(minutes) / 60
        if seconds is not None:
            value += _num(seconds) / 3600
        axis = "lat" if letter in _LATITUDE else "lon"
        if axis in found:
            continue
        found[axis] = -value if letter in _SOUTH_WEST else value
    return found if len(found) == 2 else None


def read_coordinates(
    text: str,
    reference: tuple[float, float] | None = None,
    locate: Callable[[str], tuple[float, float] | None] | None = None,
) -> Reading | None:
    """The coordinates written in `text`, or None when it holds none.

    `reference` (lat, lon) recovers a short Plus Code; `locate(text)` may give one from the
    locality written next to the code ("7VP3+PR Tenggarong"). Raises GeocodingError for a
    location that cannot be read offline.
    """
    if not text or not text.strip():
        return None
    raw = text.strip()
    decoded = unquote_plus(raw) if "%" in raw or "+" in raw else raw
    # Links with the coordinates in them first (a WhatsApp location is a Google Maps link).
    # A pin written in a Google Maps path (/place/0°24'38.5"S+116°59'25.1"E/@viewport) is
    # the point itself; the @ part is only where the map was looking.
    m = _GOOGLE_PATH.search(raw)
    if m:
        part = unquote_plus(m.group(1))
        pin = _angles(part)
        if pin is None:
            pm = _PAIR.search(part)
            pin = _checked(_num(pm.group(1)), _num(pm.group(2)), "google_maps") if pm else None
        if pin is not None:
            return Reading(pin.lat, pin.lon, "google_maps")
    for pattern, fmt in (
        (_GEO_Q, "geo_uri"),
        (_GEO, "geo_uri"),
        (_GOOGLE_DATA, "google_maps"),
        (_OSM_MARK, "openstreetmap"),
        (_OSM_HASH, "openstreetmap"),
        (_OSM_ROUTE, "openstreetmap"),
        (_QUERY, "google_maps"),
        (_AT, "google_maps"),
        (_LAT_LON_PARAMS, "link"),
        (_LABELLED, "decimal"),
    ):
        m = pattern.search(raw) or pattern.search(decoded)
        if m:
            if "openstreetmap" in raw.lower() or "osm.org" in raw.lower():
                fmt = "openstreetmap" if fmt in {"google_maps", "link"} else fmt
            return _checked(_num(m.group(1)), _num(m.group(2)), fmt)
    short = _SHORT_LINK.search(raw)
    if short:
        raise GeocodingError(
            "short_link",
            "Tautan pendek (mis. maps.app.goo.gl) tidak bisa dibaca tanpa internet: buka "
            "tautannya lalu salin koordinat atau tautan lengkapnya. / A short link "
            f"({short.group(0)[:40]}) cannot be read offline: open it and paste the "
            "coordinates or the full link.",
        )
    if re.search(r"https?://", raw, re.I) and not _PAIR.search(decoded):
        raise GeocodingError(
            "link_without_coordinates",
            "Tautan ini tidak memuat koordinat. / This link holds no coordinates.",
        )
    # Plus Codes (upper case in the wild; "+" makes them easy to spot).
    if "+" in raw:
        m = _PLUS_FULL.search(raw) or _PLUS_PADDED.search(raw)
        if m and olc.isValid(m.group(1).upper()):
            return _plus(m.group(1), None, "")
        m = _PLUS_SHORT.search(raw)
        if m and olc.isValid(m.group(1).upper()):
            rest = (raw[: m.start()] + " " + raw[m.end() :]).strip(" ,")
            ref = reference
            if rest and locate is not None:
                ref = locate(rest) or reference
            return _plus(m.group(1), ref, rest)
    reading = _angles(decoded)
    if reading is not None:
        return reading
    m = _PAIR.search(decoded.replace("−", "-")) or _DEC_COMMA.search(decoded)
    if m:
        a, b = _num(m.group(1)), _num(m.group(2))
        if abs(a) > 90 >= abs(b):  # written longitude first
            a, b = b, a
        return _checked(a, b, "decimal")
    return None


def parse_coordinates(
    text: str, reference: tuple[float, float] | None = None
) -> tuple[float, float] | None:
    """(lat, lon) if the text holds readable coordinates, else None (never raises)."""
    try:
        r = read_coordinates(text, reference)
    except GeocodingError:
        return None
    return None if r is None else (r.lat, r.lon)


class CoordinateProvider:
    """Provider 1: coordinates typed or pasted; precision "gps"."""

    name = "coordinates"

    def __init__(
        self,
        reference: tuple[float, float] | None = None,
        locate: Callable[[str], tuple[float, float] | None] | None = None,
    ):
        self.reference = reference
        self.locate = locate

    def geocode(self, text: str, district: str | None = None) -> list[Candidate]:
        try:
            r = read_coordinates(text, self.reference, self.locate)
        except GeocodingError as exc:
            return [error_candidate(exc.code, exc.message)]
        if r is None:
            return []
        return [
            Candidate(
                code="",
                name="",
                district_code="",
                district_name="",
                lat=r.lat,
                lon=r.lon,
                precision="gps",
                score=100.0,
                source=f"coordinates ({r.format})",
                level="gps",
            )
        ]


def error_candidate(
    code: str, message: str, lat: float | None = None, lon: float | None = None
) -> Candidate:
    return Candidate(
        code="",
        name="",
        district_code="",
        district_name="",
        lat=lat,
        lon=lon,
        precision="gps" if lat is not None else "none",
        score=0.0,
        source="coordinates",
        level="gps" if lat is not None else "none",
        error=code,
        message=message,
    )
