"""The geocoder: coordinates first, then the offline gazetteer, then Nominatim if enabled."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from dispatch.geocoding.base import Candidate, GeocodingError, Point
from dispatch.geocoding.coordinates import CoordinateProvider, error_candidate, read_coordinates
from dispatch.geocoding.gazetteer import Gazetteer
from dispatch.geocoding.nominatim import NominatimProvider

_CODE = re.compile(r"^\s*(\d{2}\.\d{2}\.\d{2}(?:\.\d{4})?)\s*$")
# Below this gazetteer score, Nominatim (when enabled) is asked too.
NOMINATIM_BELOW = 85.0
MAX_TEXT = 2000  # characters of free text looked at
DEFAULT_MARGIN = 0.25  # degrees around the points when no bounding box is configured


class Geocoder:
    """One regency's geocoder. Build it explicitly, from settings (`from_settings`), and
    give it village points from the database with `with_points`.

    `bbox` is (south, west, north, east); without it, the bounding box of the points plus
    `margin` degrees is used to refuse coordinates outside the regency.
    """

    def __init__(
        self,
        region_code: str,
        district_points: Mapping[str, Point] | None = None,
        village_points: Mapping[str, Point] | None = None,
        *,
        bbox: tuple[float, float, float, float] | None = None,
        region_name: str | None = None,
        nominatim: NominatimProvider | None = None,
        margin: float = DEFAULT_MARGIN,
        gazetteer: Gazetteer | None = None,
    ):
        self.gazetteer = gazetteer or Gazetteer(region_code, district_points, village_points)
        self.region_code = region_code
        self.region_name = region_name or self.gazetteer.regency_name
        self.margin = margin
        self._configured_bbox = tuple(bbox) if bbox else None
        self.bbox = self._configured_bbox or _bbox_of(
            list(self.gazetteer.district_points.values())
            + list(self.gazetteer.village_points.values()),
            margin,
        )
        ref = self.gazetteer.regency_point
        self.coordinates = CoordinateProvider(
            reference=(ref.lat, ref.lon) if ref else None, locate=self._locate_text
        )
        self.nominatim = nominatim
        if nominatim is not None and nominatim.locate is None:
            nominatim.locate = self._place_at
        if nominatim is not None and nominatim.bbox is None:
            nominatim.bbox = self.bbox

    # ---- construction ------------------------------------------------------------------
    @classmethod
    def from_settings(
        cls, settings: Any, village_points: Mapping[str, Point] | None = None
    ) -> Geocoder:
        """From the service settings: `region.code`, `region.name`, `region.bbox`,
        `region.districts[*].code/.lat/.lon/.source`, and `geocoder.nominatim_enabled`,
        `.nominatim_url`, `.user_agent`, `.timeout_s`."""
        region = settings.region
        districts = {
            d.code: Point(d.lat, d.lon, getattr(d, "source", "") or "config region.districts")
            for d in getattr(region, "districts", []) or []
        }
        bbox = getattr(region, "bbox", None)
        nominatim = None
        gcfg = getattr(settings, "geocoder", None)
        if gcfg is not None and getattr(gcfg, "nominatim_enabled", False):
            nominatim = NominatimProvider(
                user_agent=getattr(gcfg, "user_agent", "jangkau"),
                url=getattr(gcfg, "nominatim_url", None),
                timeout=float(getattr(gcfg, "timeout_s", 5)),
                bbox=tuple(bbox) if bbox else None,
            )
        return cls(
            region.code,
            districts,
            village_points,
            bbox=tuple(bbox) if bbox else None,
            region_name=getattr(region, "name", None),
            nominatim=nominatim,
        )

    def with_points(
        self,
        village_points: Mapping[str, Point] | None = None,
        district_points: Mapping[str, Point] | None = None,
    ) -> Geocoder:
        """A copy with other reference points (e.g. village points from the database);
        the precomputed names are shared. None keeps the current points."""
        gaz = self.gazetteer.with_points(
            district_points=district_points, village_points=village_points
        )
        return Geocoder(
            self.region_code,
            bbox=self._configured_bbox,
            region_name=self.region_name,
            nominatim=self.nominatim,
            margin=self.margin,
            gazetteer=gaz,
        )

    # ---- the region --------------------------------------------------------------------
    def inside_region(self, lat: float, lon: float) -> bool:
        if self.bbox is None:
            return True
        s, w, n, e = self.bbox
        return s <= lat <= n and w <= lon <= e

    def outside_message(self, lat: float, lon: float) -> str:
        return (
            f"Titik {lat:.5f}, {lon:.5f} berada di luar wilayah {self.region_name}. Periksa "
            f"koordinatnya, atau tandai jika memang di luar wilayah. / The point {lat:.5f}, "
            f"{lon:.5f} is outside {self.region_name}: check it, or flag it if intended."
        )

    # ---- look-ups ----------------------------------------------------------------------
    def nearest_village(self, lat: float, lon: float) -> Candidate | None:
        """The village whose reference point is nearest (None without village points)."""
        if not self.gazetteer.village_points:
            return None
        place = self.gazetteer.nearest(lat, lon, "village")
        return None if place is None else self.gazetteer.candidate(place.code)

    def read_coordinates(self, text: str):
        """`coordinates.read_coordinates` with this region's reference for short Plus Codes."""
        return read_coordinates(text, self.coordinates.reference, self._locate_text)

    def parse_coordinates(self, text: str) -> tuple[float, float] | None:
        """(lat, lon) written in the text, or None (never raises)."""
        try:
            r = self.read_coordinates(text)
        except GeocodingError:
            return None
        return None if r is None else (r.lat, r.lon)

    def resolve(self, text: str, district: str | None = None) -> list[Candidate]:
        """Ranked candidates: coordinates first, then the gazetteer, then Nominatim."""
        text = (text or "").strip()[:MAX_TEXT]
        if not text:
            return []
        m = _CODE.match(text)
        if m:
            c = self.gazetteer.candidate(m.group(1))
            if c is not None:
                return [c]
        found = self.coordinates.geocode(text, district)
        if found:
            c = found[0]
            if c.error or c.lat is None or c.lon is None:
                return [c]
            if not self.inside_region(c.lat, c.lon):
                return [
                    error_candidate(
                        "outside_region", self.outside_message(c.lat, c.lon), c.lat, c.lon
                    )
                ]
            self._fill_place(c)
            return [c]
        cands = self.gazetteer.geocode(text, district)
        if self.nominatim is not None and (not cands or cands[0].score < NOMINATIM_BELOW):
            extra = self.nominatim.geocode(text, self._district_name(district))
            cands = sorted(cands + extra, key=lambda c: -c.score)
        return cands

    # ---- helpers -----------------------------------------------------------------------
    def _fill_place(self, c: Candidate) -> None:
        """Which village (or kecamatan) a GPS point falls in: the nearest reference point."""
        assert c.lat is not None and c.lon is not None
        level = "village" if self.gazetteer.village_points else "kecamatan"
        place = self.gazetteer.nearest(c.lat, c.lon, level)
        if place is None:
            return
        p, _ = self.gazetteer.point_of(place.code)
        c.code, c.name = place.code, place.name
        c.district_code = place.district_code
        c.district_name = self.gazetteer.district_names.get(place.district_code, "")
        if p is not None:
            km = _km(c.lat, c.lon, p.lat, p.lon)
            what = "desa/kelurahan" if level == "village" else "kecamatan centre"
            c.note = f"nearest {what} reference point: {place.name}, {km:.1f} km away"

    def _place_at(self, lat: float, lon: float) -> tuple[str, str, str, str] | None:
        level = "village" if self.gazetteer.village_points else "kecamatan"
        place = self.gazetteer.nearest(lat, lon, level)
        if place is None:
            return None
        dname = self.gazetteer.district_names.get(place.district_code, "")
        return place.code, place.name, place.district_code, dname

    def _locate_text(self, text: str) -> tuple[float, float] | None:
        """A reference point for a short Plus Code from the locality written with it."""
        cands = self.gazetteer.geocode(text)
        if cands and cands[0].lat is not None and cands[0].lon is not None:
            return (cands[0].lat, cands[0].lon)
        return None

    def _district_name(self, district: str | None) -> str | None:
        code = self.gazetteer.district_code(district)
        return self.gazetteer.district_names.get(code) if code else None


def _bbox_of(points: Iterable[Point], margin: float) -> tuple[float, float, float, float] | None:
    pts = list(points)
    if not pts:
        return None
    return (
        min(p.lat for p in pts) - margin,
        min(p.lon for p in pts) - margin,
        max(p.lat for p in pts) + margin,
        max(p.lon for p in pts) + margin,
    )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
