"""Reading village (or kecamatan) reference points for `jangkau gazetteer import FILE`.

CSV with a header (`code,lat,lon`; `latitude`/`lng`/`longitude` accepted; other columns
ignored except an optional `source`), or GeoJSON: Point features, or Polygon /
MultiPolygon features for which a point guaranteed inside the polygon is computed (the
pole of inaccessibility, as in Mapbox's polylabel), never the centroid, which falls outside
concave villages. The code is read from a feature property (`code`, `kode`, `kd_wilayah`,
... or the one named by `code_property`). The polygons themselves are kept in the report
(`polygons`, GeoJSON order) for the village boundaries (`boundaries.Boundaries`).

Pure functions: nothing is written anywhere. Problems (unknown codes, coordinates out of
range or outside the regency, duplicates, unreadable rows) are collected in the report;
`read_points` raises `PointsImportError` listing them all.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dispatch.geocoding import registry
from dispatch.geocoding.base import Point

CODE_PROPERTIES = ("code", "kode", "kd_wilayah", "kode_wilayah", "kode_desa", "kd_desa", "kdepum")
_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}(?:\.\d{4})?$")
_LAT_COLS = ("lat", "latitude", "lintang", "y")
_LON_COLS = ("lon", "lng", "long", "longitude", "bujur", "x")

Ring = Sequence[Sequence[float]]  # [[lon, lat], ...] as in GeoJSON


@dataclass
class ImportReport:
    points: dict[str, Point] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    rows: int = 0
    # code -> polygons ([rings of [lon, lat]]) of the Polygon / MultiPolygon features
    polygons: dict[str, list] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what else the import did, for a person

    @property
    def ok(self) -> bool:
        return not self.problems


class PointsImportError(ValueError):
    def __init__(self, report: ImportReport):
        self.report = report
        head = "; ".join(report.problems[:10])
        more = f" (and {len(report.problems) - 10} more)" if len(report.problems) > 10 else ""
        super().__init__(f"{len(report.problems)} problem(s) in the points file: {head}{more}")


def read_points(
    path: str | Path,
    *,
    region_code: str | None = None,
    known_codes: Iterable[str] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    code_property: str | None = None,
) -> dict[str, Point]:
    """code -> Point from a CSV or GeoJSON file; raises PointsImportError on any problem."""
    report = load_points(
        path,
        region_code=region_code,
        known_codes=known_codes,
        bbox=bbox,
        code_property=code_property,
    )
    if report.problems:
        raise PointsImportError(report)
    return report.points


def load_points(
    path: str | Path,
    *,
    region_code: str | None = None,
    known_codes: Iterable[str] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    code_property: str | None = None,
) -> ImportReport:
    """Like `read_points`, but returns the accepted points and the problems together.

    `region_code` (e.g. "64.02") accepts only that regency's kecamatan and village codes
    from the registry; `known_codes` gives the accepted codes directly; `bbox` (south, west,
    north, east) rejects points outside it.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    known: set[str] | None = None
    if known_codes is not None:
        known = set(known_codes)
    elif region_code is not None:
        known = set(registry.villages(region_code)) | set(registry.districts(region_code))
        if not known:
            raise ValueError(f"{region_code!r} is not a regency code in the registry")
    report = ImportReport()
    stripped = text.lstrip()
    if path.suffix.lower() in {".geojson", ".json"} or stripped.startswith("{"):
        rows = _geojson_rows(text, path.name, code_property, report)
    else:
        rows = _csv_rows(text, path.name, report)
    for where, code, lat, lon, source, polygons in rows:
        report.rows += 1
        problem = _check(code, lat, lon, known, bbox, region_code)
        if problem:
            report.problems.append(f"{where}: {problem}")
        elif code in report.points:
            report.problems.append(f"{where}: code {code} appears more than once")
        else:
            report.points[code] = Point(lat, lon, source)
            if polygons:
                report.polygons[code] = polygons
    if report.rows == 0 and not report.problems:
        report.problems.append(f"{path.name}: no points found")
    return report


def _check(
    code: str,
    lat: float,
    lon: float,
    known: set[str] | None,
    bbox: tuple[float, float, float, float] | None,
    region_code: str | None,
) -> str:
    if not _CODE.match(code):
        return f"code {code!r} is not a Kemendagri code (64.02.07 or 64.02.07.2005)"
    if known is not None and code not in known:
        where = f" of {region_code}" if region_code else ""
        return f"unknown code {code}: not a kecamatan or village{where}"
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (
        -90 <= lat <= 90 and -180 <= lon <= 180
    ):
        return f"{code}: coordinates out of range: lat {lat}, lon {lon}"
    if bbox is not None:
        s, w, n, e = bbox
        if not (s <= lat <= n and w <= lon <= e):
            return f"{code}: point {lat:.5f}, {lon:.5f} is outside the regency's bounding box"
    return ""


# ---- CSV ---------------------------------------------------------------------------------
def _csv_rows(text: str, name: str, report: ImportReport):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    cols = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    code_col = next((cols[c] for c in ("code", "kode", "kd_wilayah") if c in cols), None)
    lat_col = next((cols[c] for c in _LAT_COLS if c in cols), None)
    lon_col = next((cols[c] for c in _LON_COLS if c in cols), None)
    if not (code_col and lat_col and lon_col):
        report.problems.append(
            f"{name}: expected a header row with code,lat,lon; got {list(cols) or 'nothing'}"
        )
        return
    src_col = cols.get("source")
    for i, row in enumerate(reader, start=2):
        code = (row.get(code_col) or "").strip()
        if not code and not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank line
        try:
            lat = float((row.get(lat_col) or "").strip().replace(",", "."))
            lon = float((row.get(lon_col) or "").strip().replace(",", "."))
        except ValueError:
            report.problems.append(
                f"{name} line {i}: {code or '?'}: lat/lon are not numbers "
                f"({row.get(lat_col)!r}, {row.get(lon_col)!r})"
            )
            continue
        extra = (row.get(src_col) or "").strip() if src_col else ""
        source = f"import {name}" + (f": {extra}" if extra else "")
        yield f"{name} line {i}", code, lat, lon, source, None


# ---- GeoJSON -----------------------------------------------------------------------------
def _geojson_rows(text: str, name: str, code_property: str | None, report: ImportReport):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        report.problems.append(f"{name}: not valid JSON: {exc.msg} (line {exc.lineno})")
        return
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    else:
        report.problems.append(f"{name}: expected a GeoJSON FeatureCollection or Feature")
        return
    for i, feat in enumerate(features, start=1):
        where = f"{name} feature {i}"
        props = (feat or {}).get("properties") or {}
        code = _code_of(props, code_property)
        if not code:
            wanted = code_property or "/".join(CODE_PROPERTIES)
            report.problems.append(f"{where}: no code property ({wanted})")
            continue
        geom = (feat or {}).get("geometry") or {}
        try:
            lat, lon, how = _interior(geom)
            polygons = _polygons(geom)
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            report.problems.append(f"{where}: {code}: unusable geometry: {exc}")
            continue
        yield f"{where}", code, lat, lon, f"import {name}: {how}", polygons


def _code_of(props: dict, code_property: str | None) -> str:
    if code_property:
        v = props.get(code_property)
        return str(v).strip() if v is not None else ""
    lowered = {str(k).lower(): v for k, v in props.items()}
    for k in CODE_PROPERTIES:
        if lowered.get(k) not in (None, ""):
            return str(lowered[k]).strip()
    return ""


def _interior(geom: dict) -> tuple[float, float, str]:
    kind = geom.get("type")
    coords = geom.get("coordinates")
    if kind == "Point":
        lon, lat = float(coords[0]), float(coords[1])
        return lat, lon, "point"
    if kind == "Polygon":
        x, y = polylabel(coords)
        return y, x, "interior point of the polygon (pole of inaccessibility)"
    if kind == "MultiPolygon":
        if not coords:
            raise ValueError("empty MultiPolygon")
        biggest = max(coords, key=lambda poly: abs(_ring_area(poly[0])))
        x, y = polylabel(biggest)
        return y, x, "interior point of the largest polygon part (pole of inaccessibility)"
    raise ValueError(f"geometry type {kind!r} (expected Point, Polygon or MultiPolygon)")


def _polygons(geom: dict) -> list | None:
    """The geometry's polygons as lists of rings of [lon, lat] floats (None for a Point)."""
    kind = geom.get("type")
    coords = geom.get("coordinates")
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    else:
        return None
    out = []
    for poly in polys:
        rings = [[[float(p[0]), float(p[1])] for p in ring] for ring in poly]
        if not rings or len(rings[0]) < 3:
            raise ValueError("a polygon ring needs at least 3 points")
        if not all(math.isfinite(v) for ring in rings for p in ring for v in p):
            raise ValueError("a polygon coordinate is not a finite number")
        out.append(rings)
    return out


# ---- pole of inaccessibility (after Mapbox polylabel, ISC licence) ------------------------
def polylabel(rings: Sequence[Ring], precision: float = 2e-5) -> tuple[float, float]:
    """A point inside a polygon (outer ring + holes, [x, y] pairs): the interior point
    farthest from the boundary, to within `precision` (in the polygon's units).

    x is scaled by cos(latitude) so that distances are roughly isotropic in degrees.
    """
    outer = [(float(p[0]), float(p[1])) for p in rings[0]]
    if len(outer) < 3:
        raise ValueError("a polygon ring needs at least 3 points")
    ys = [p[1] for p in outer]
    k = max(math.cos(math.radians(sum(ys) / len(ys))), 1e-6)
    scaled = [[(float(p[0]) * k, float(p[1])) for p in ring] for ring in rings]
    segs = _Segments(scaled)
    min_x = min(p[0] for p in scaled[0])
    max_x = max(p[0] for p in scaled[0])
    min_y = min(p[1] for p in scaled[0])
    max_y = max(p[1] for p in scaled[0])
    width, height = max_x - min_x, max_y - min_y
    size = min(width, height)
    if size == 0:
        return ((min_x + max_x) / 2 / k, (min_y + max_y) / 2)
    h = size / 2
    heap: list[tuple[float, int, float, float, float, float]] = []
    counter = 0

    def push(x: float, y: float, half: float) -> None:
        nonlocal counter
        d = segs.signed_distance(x, y)
        maxd = d + half * math.sqrt(2)
        heapq.heappush(heap, (-maxd, counter, x, y, half, d))
        counter += 1

    x = min_x
    while x < max_x:
        y = min_y
        while y < max_y:
            push(x + h, y + h, h)
            y += size
        x += size
    # Seed with a scanline midpoint too: always inside, good when the polygon is thin.
    sx, sy = _scanline_point(scaled)
    best_d = segs.signed_distance(sx, sy)
    best = (sx, sy)
    cx, cy = min_x + width / 2, min_y + height / 2
    cd = segs.signed_distance(cx, cy)
    if cd > best_d:
        best, best_d = (cx, cy), cd
    steps = 0
    while heap and steps < 20000:
        neg_max, _, x, y, half, d = heapq.heappop(heap)
        steps += 1
        if d > best_d:
            best, best_d = (x, y), d
        if -neg_max - best_d <= precision:
            continue
        half /= 2
        push(x - half, y - half, half)
        push(x + half, y - half, half)
        push(x - half, y + half, half)
        push(x + half, y + half, half)
    return (best[0] / k, best[1])


class _Segments:
    """The polygon's edges as arrays, for a vectorised signed distance."""

    def __init__(self, rings: list[list[tuple[float, float]]]):
        ax, ay, bx, by = [], [], [], []
        for ring in rings:
            for i in range(len(ring)):
                ax.append(ring[i][0])
                ay.append(ring[i][1])
                bx.append(ring[i - 1][0])
                by.append(ring[i - 1][1])
        self.ax, self.ay = np.array(ax), np.array(ay)
        self.bx, self.by = np.array(bx), np.array(by)
        self.dx, self.dy = self.bx - self.ax, self.by - self.ay
        self.len_sq = self.dx * self.dx + self.dy * self.dy
        self.safe_len_sq = np.where(self.len_sq > 0, self.len_sq, 1.0)
        self.safe_dy = np.where(self.dy != 0, self.dy, 1.0)

    def signed_distance(self, x: float, y: float) -> float:
        """Distance from (x, y) to the outline; negative outside (even-odd rule)."""
        crosses = ((self.ay > y) != (self.by > y)) & (
            x < self.dx * (y - self.ay) / self.safe_dy + self.ax
        )
        inside = bool(np.count_nonzero(crosses) % 2)
        t = ((x - self.ax) * self.dx + (y - self.ay) * self.dy) / self.safe_len_sq
        t = np.clip(np.where(self.len_sq > 0, t, 0.0), 0.0, 1.0)
        px = self.ax + t * self.dx - x
        py = self.ay + t * self.dy - y
        d = math.sqrt(float(np.min(px * px + py * py)))
        return d if inside else -d


def _scanline_point(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """Midpoint of the widest interior segment on a horizontal line through the middle."""
    ys = sorted({p[1] for p in rings[0]})
    y = (ys[0] + ys[-1]) / 2
    if y in ys:
        y += (ys[-1] - ys[0]) * 1e-7
    xs: list[float] = []
    for ring in rings:
        n = len(ring)
        for i in range(n):
            ax, ay = ring[i]
            bx, by = ring[i - 1]
            if (ay > y) != (by > y):
                xs.append(ax + (y - ay) * (bx - ax) / (by - ay))
    xs.sort()
    best = (0.0, (ring_mid := (rings[0][0][0], rings[0][0][1])))
    for a, b in zip(xs[::2], xs[1::2], strict=False):
        if b - a > best[0]:
            best = (b - a, ((a + b) / 2, y))
    return best[1] if best[0] > 0 else ring_mid


def _ring_area(ring: Ring) -> float:
    s = 0.0
    for i in range(len(ring)):
        x1, y1 = ring[i - 1][0], ring[i - 1][1]
        x2, y2 = ring[i][0], ring[i][1]
        s += x1 * y2 - x2 * y1
    return s / 2
