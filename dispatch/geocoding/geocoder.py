"""The geocoder: coordinates first, then the offline gazetteer, then Nominatim if enabled."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from dispatch.geocoding.base import Candidate, GeocodingError, Point
from dispatch.geocoding.boundaries import Boundaries
from dispatch.geocoding.coordinates import CoordinateProvider, error_candidate, read_coordinates
from dispatch.geocoding.gazetteer import Gazetteer
from dispatch.geocoding.nominatim import NominatimProvider

_CODE = re.compile(r"^\s*(\d{2}\.\d{2}\.\d{2}(?:\.\d{4})?)\s*$")
# Below this gazetteer score, Nominatim (when enabled) is asked too.
NOMINATIM_BELOW = 85.0
MAX_TEXT = 2000  # characters of free text looked at
DEFAULT_MARGIN = 0.25  # degrees around the points when no bounding box is configured
# With village boundaries: a point this close to a village's outline (km) counts as in it
# (simplified outlines, GPS error, a house on stilts at the river bank or the coast).
EDGE_KM = 0.5
# A point further than this outside the chosen village's outline is "far from the village".
FAR_OUTSIDE_KM = 1.0
# Without boundaries, a point is far from the chosen village when it is this much nearer to
# another village's point than to the village's own point (km), or this much nearer to
# another kecamatan's reference point than to the village's kecamatan's. Measured on the
# Kukar boundaries (points spread evenly over each village): with the polygon centroids as
# village points, 0.7 % of true points would be flagged and 97 % of points in another
# kecamatan caught; with config.yaml's kecamatan seats, 0.1 % and 73 %.
FAR_VILLAGE_EXCESS_KM = 20.0
FAR_KECAMATAN_EXCESS_KM = 40.0

_KEEP: Any = object()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a GPS point lies in the regency.

    `inside`: in the regency (by the village boundaries when every village has one, else
    by the bounding box only: then `approximate` is True). `code`/`name` is the village
    holding the point (`how` "boundary" or "edge"), else the village or kecamatan whose
    reference point is nearest (`how` "nearest_village_point" / "nearest_kecamatan_point",
    `level` says which), or nothing (`level` "none"). `km`: distance to that outline or point.
    """

    lat: float
    lon: float
    inside: bool
    approximate: bool
    level: str = "none"  # "village", "kecamatan" or "none"
    code: str = ""
    name: str = ""
    district_code: str = ""
    district_name: str = ""
    how: str = ""
    km: float = 0.0


@dataclass(frozen=True, slots=True)
class PointCheck:
    """A request's GPS point checked against what the officer chose (see `check_point`).

    `village_code`/`district_code`: the officer's village (and its kecamatan), or, when the
    officer gave none or only a kecamatan, the village (or kecamatan) found for the point.
    `flag` is "" or one code: "outside_region", "far_from_village", "region_approximate".
    """

    inside: bool
    village_code: str | None
    district_code: str | None
    flag: str
    placement: Placement


class Geocoder:
    """One regency's geocoder. Build it explicitly, from settings (`from_settings`), and
    give it village points from the database with `with_points`.

    `bbox` is (south, west, north, east); without it, the bounding box of the points plus
    `margin` degrees is used to refuse coordinates outside the regency. `boundaries` are the
    villages' polygons (`Boundaries`): a GPS point gets the village whose polygon holds it,
    and, once every village of the regency has one, a point outside them all is outside the
    regency (Samarinda, Bontang, Balikpapan lie inside the bounding box but not in Kukar).
    Without them the region check is approximate and results say so (`flag`).
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
        boundaries: Boundaries | None = None,
    ):
        self.gazetteer = gazetteer or Gazetteer(region_code, district_points, village_points)
        self.boundaries = boundaries if boundaries is not None and len(boundaries) else None
        # The regency's outline is the union of its villages': only when all are known.
        self.region_by_boundaries = self.boundaries is not None and self.boundaries.covers(
            self.gazetteer.village_names
        )
        self._village_codes = [c for c in self.gazetteer.village_points]
        self._village_xy = _xy(self.gazetteer.village_points[c] for c in self._village_codes)
        self._district_codes = [c for c in self.gazetteer.district_points]
        self._district_xy = _xy(self.gazetteer.district_points[c] for c in self._district_codes)
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
        *,
        boundaries: Boundaries | None = _KEEP,
    ) -> Geocoder:
        """A copy with other reference points (e.g. village points from the database) and
        village boundaries; the precomputed names are shared. None keeps the current points;
        `boundaries` left out keeps the current ones (None drops them)."""
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
            boundaries=self.boundaries if boundaries is _KEEP else boundaries,
        )

    # ---- the region --------------------------------------------------------------------
    @property
    def region_check_approximate(self) -> bool:
        """True while the region is checked by its bounding box only (no boundaries)."""
        return not self.region_by_boundaries

    def inside_region(self, lat: float, lon: float) -> bool:
        """In the regency: inside (or within EDGE_KM of) a village's boundary once every
        village has one; else inside the bounding box (approximate)."""
        if self.region_by_boundaries:
            assert self.boundaries is not None
            return self.boundaries.nearest(lat, lon, EDGE_KM) is not None
        return self._inside_bbox(lat, lon)

    def _inside_bbox(self, lat: float, lon: float) -> bool:
        if self.bbox is None:
            return True
        s, w, n, e = self.bbox
        return s <= lat <= n and w <= lon <= e

    def place(self, lat: float, lon: float) -> Placement:
        """Where a GPS point lies: its village by the boundaries, else (approximate) the
        village or kecamatan whose reference point is nearest; see `Placement`."""
        if self.boundaries is not None:
            near = self.boundaries.nearest(lat, lon, EDGE_KM)
            if near is not None:
                code, km = near
                c = self.gazetteer.candidate(code)
                if c is not None:
                    how = "boundary" if km == 0 else "edge"
                    return Placement(
                        lat, lon, True, False, "village", code, c.name, c.district_code,
                        c.district_name, how, km,
                    )  # fmt: skip
            if self.region_by_boundaries:
                return Placement(lat, lon, False, False)
        if not self._inside_bbox(lat, lon):
            return Placement(lat, lon, False, True)
        for level, codes, xy in (
            ("village", self._village_codes, self._village_xy),
            ("kecamatan", self._district_codes, self._district_xy),
        ):
            if not codes:
                continue
            d = _km_to(lat, lon, xy)
            i = int(np.argmax(-d))
            c = self.gazetteer.candidate(codes[i])
            if c is None:
                continue
            return Placement(
                lat, lon, True, True, level, c.code, c.name, c.district_code, c.district_name,
                f"nearest_{level}_point", float(d[i]),
            )  # fmt: skip
        return Placement(lat, lon, True, True)

    def check_point(self, lat: float, lon: float, chosen: str | None = None) -> PointCheck:
        """A request's GPS point against the village (or kecamatan) `chosen` by the officer.

        Outside the regency: flag "outside_region" (the caller refuses it unless the officer
        insists). Inside but far from the chosen village or kecamatan: "far_from_village",
        and the officer's choice is kept. Nothing chosen: the point's village (or, without
        village points, its nearest kecamatan), flagged "region_approximate" when that and
        the region check could only be approximate (no boundaries). A chosen kecamatan
        takes the point's village when it lies in that kecamatan.
        """
        at = self.place(lat, lon)
        chosen_c = self.gazetteer.candidate(chosen) if chosen else None
        if chosen_c is None:
            village = at.code if at.level == "village" else None
            district = at.district_code or None
            if not at.inside:
                return PointCheck(False, None, None, "outside_region", at)
            return PointCheck(
                True, village, district, "region_approximate" if at.approximate else "", at
            )
        is_village = chosen_c.level == "village"
        village = chosen_c.code if is_village else None
        district = chosen_c.district_code
        if not at.inside:
            return PointCheck(False, village, district, "outside_region", at)
        if self._far(chosen_c.code, is_village, at):
            return PointCheck(True, village, district, "far_from_village", at)
        if not is_village and at.level == "village" and at.district_code == district:
            village = at.code
        return PointCheck(True, village, district, "", at)

    def _far(self, code: str, is_village: bool, at: Placement) -> bool:
        lat, lon = at.lat, at.lon
        b = self.boundaries
        if b is not None:
            if is_village and code in b:
                return (b.km(code, lat, lon) or 0.0) > FAR_OUTSIDE_KM
            if not is_village:
                mine = [v for v in self.gazetteer.village_names if v.startswith(code + ".")]
                if mine and b.covers(mine):
                    if at.how in ("boundary", "edge") and at.district_code == code:
                        return False
                    return min(b.km(v, lat, lon) or 0.0 for v in mine) > FAR_OUTSIDE_KM
        if is_village and code in self.gazetteer.village_points and self._village_codes:
            d = _km_to(lat, lon, self._village_xy)
            own = d[self._village_codes.index(code)]
            if own - float(d.min()) > FAR_VILLAGE_EXCESS_KM:
                return True
        dcode = code if not is_village else code[: code.rfind(".")]
        if dcode in self.gazetteer.district_points and self._district_codes:
            d = _km_to(lat, lon, self._district_xy)
            own = d[self._district_codes.index(dcode)]
            return own - float(d.min()) > FAR_KECAMATAN_EXCESS_KM
        return False

    def outside_message(self, lat: float, lon: float) -> str:
        return (
            f"Titik {lat:.5f}, {lon:.5f} berada di luar wilayah {self.region_name}. Periksa "
            f"koordinatnya, atau tandai jika memang di luar wilayah. / The point {lat:.5f}, "
            f"{lon:.5f} is outside {self.region_name}: check it, or flag it if intended."
        )

    # ---- look-ups ----------------------------------------------------------------------
    def nearest_village(self, lat: float, lon: float) -> Candidate | None:
        """The village whose boundary holds the point (or lies within EDGE_KM), else the
        village whose reference point is nearest (None without village points)."""
        if self.boundaries is not None:
            near = self.boundaries.nearest(lat, lon, EDGE_KM)
            if near is not None:
                return self.gazetteer.candidate(near[0])
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
        """Which village (or kecamatan) a GPS point falls in: the village whose boundary
        holds it, else the nearest reference point (approximate: `flag` says so)."""
        assert c.lat is not None and c.lon is not None
        at = self.place(c.lat, c.lon)
        if at.level == "none":
            if at.approximate:
                c.flag = "region_approximate"
            return
        c.code, c.name = at.code, at.name
        c.district_code, c.district_name = at.district_code, at.district_name
        if at.how == "boundary":
            c.note = f"inside the boundary of desa/kelurahan {at.name}"
        elif at.how == "edge":
            c.note = f"{at.km:.1f} km outside the boundary of desa/kelurahan {at.name}"
        else:
            what = "desa/kelurahan" if at.level == "village" else "kecamatan centre"
            c.note = f"nearest {what} reference point: {at.name}, {at.km:.1f} km away"
        if at.approximate:
            c.flag = "region_approximate"
            c.note += "; no village boundaries: the region check is approximate"

    def _place_at(self, lat: float, lon: float) -> tuple[str, str, str, str] | None:
        at = self.place(lat, lon)
        if at.level == "none":
            return None
        return at.code, at.name, at.district_code, at.district_name

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


def _xy(points: Iterable[Point]) -> np.ndarray:
    return np.array([(p.lat, p.lon) for p in points], dtype=float).reshape(-1, 2)


def _km_to(lat: float, lon: float, xy: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) from one point to many ((lat, lon) rows)."""
    p1, p2 = math.radians(lat), np.radians(xy[:, 0])
    dl = np.radians(xy[:, 1] - lon)
    a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 6371.0 * 2 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
