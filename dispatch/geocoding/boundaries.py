"""Village boundary polygons: which village a point lies in, and whether it is in the regency.

The polygons come from `jangkau gazetteer import FILE` (GeoJSON Polygon / MultiPolygon
features). They are simplified (Douglas-Peucker, `SIMPLIFY_DEG`, about 11 m: less than a
phone's GPS error) and kept as one JSON document (see `to_json` / `from_json`); the service
stores it in its var dir.

Point in polygon is the even-odd rule over all rings of a village (outer rings and holes of
every part), vectorised with numpy over that village's edges; a grid of 0.1° cells holding
the villages whose bounding box meets the cell picks the few villages to test. Pure: no
database, no files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SIMPLIFY_DEG = 1e-4  # Douglas-Peucker tolerance in degrees (about 11 m)
CELL_DEG = 0.1
KM_PER_DEG = 111.32
FORMAT = "jangkau-village-boundaries/1"

# A polygon as in GeoJSON: rings (outer first, then holes) of [lon, lat] pairs.
Ring = Sequence[Sequence[float]]
Polygon = Sequence[Ring]


@dataclass(frozen=True, slots=True)
class _Shape:
    code: str
    south: float
    west: float
    north: float
    east: float
    ax: np.ndarray  # edge starts and ends, lon (x) and lat (y)
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    parts: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]  # kept for to_json

    def contains(self, lat: float, lon: float) -> bool:
        if not (self.south <= lat <= self.north and self.west <= lon <= self.east):
            return False
        ay, by = self.ay, self.by
        straddle = (ay > lat) != (by > lat)
        if not straddle.any():
            return False
        ax, bx = self.ax[straddle], self.bx[straddle]
        ay, by = ay[straddle], by[straddle]
        cross = lon < (bx - ax) * (lat - ay) / (by - ay) + ax
        return bool(np.count_nonzero(cross) % 2)

    def edge_km(self, lat: float, lon: float) -> float:
        """Distance from the point to the outline (km, local flat approximation)."""
        k = math.cos(math.radians(lat))
        ax, ay = (self.ax - lon) * k, self.ay - lat
        dx, dy = (self.bx - lon) * k - ax, self.by - lat - ay
        len_sq = dx * dx + dy * dy
        t = np.clip(-(ax * dx + ay * dy) / np.where(len_sq > 0, len_sq, 1.0), 0.0, 1.0)
        px, py = ax + t * dx, ay + t * dy
        return math.sqrt(float(np.min(px * px + py * py))) * KM_PER_DEG

    def km(self, lat: float, lon: float) -> float:
        """0 inside the village, else the distance to its outline."""
        return 0.0 if self.contains(lat, lon) else self.edge_km(lat, lon)

    def box_km(self, lat: float, lon: float) -> float:
        """A lower bound of `km`: the distance to the bounding box."""
        k = math.cos(math.radians(lat))
        dy = max(self.south - lat, 0.0, lat - self.north)
        dx = max(self.west - lon, 0.0, lon - self.east) * k
        return math.hypot(dx, dy) * KM_PER_DEG


class Boundaries:
    """Villages' boundary polygons by Kemendagri code.

    `shapes` maps a code to its polygons (GeoJSON order: [lon, lat]); rings are closed or
    not, as given. With `simplify` (degrees) every ring is simplified first.
    """

    def __init__(
        self,
        shapes: Mapping[str, Sequence[Polygon]],
        *,
        simplify: float = 0.0,
        source: str = "",
    ):
        self.source = source
        self._shapes: dict[str, _Shape] = {}
        for code, polygons in shapes.items():
            shape = _build(code, polygons, simplify)
            if shape is not None:
                self._shapes[code] = shape
        self._grid: dict[tuple[int, int], list[_Shape]] = {}
        for s in self._shapes.values():
            for cell in _cells(s.south, s.west, s.north, s.east):
                self._grid.setdefault(cell, []).append(s)

    # ---- facts ---------------------------------------------------------------------------
    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._shapes)

    def __len__(self) -> int:
        return len(self._shapes)

    def __contains__(self, code: object) -> bool:
        return code in self._shapes

    @property
    def vertices(self) -> int:
        return sum(len(s.ax) for s in self._shapes.values())

    def covers(self, codes: Iterable[str]) -> bool:
        """True when every one of `codes` has a polygon."""
        return all(c in self._shapes for c in codes)

    # ---- look-ups ------------------------------------------------------------------------
    def village_at(self, lat: float, lon: float) -> str | None:
        """The code of the village whose polygon holds the point (None: none does)."""
        for s in self._grid.get(_cell(lat, lon), ()):
            if s.contains(lat, lon):
                return s.code
        return None

    def nearest(self, lat: float, lon: float, max_km: float) -> tuple[str, float] | None:
        """The village whose outline is nearest, if within `max_km` (0 when inside)."""
        code = self.village_at(lat, lon)
        if code is not None:
            return code, 0.0
        pad = max_km / KM_PER_DEG / max(math.cos(math.radians(lat)), 0.1)
        seen: set[str] = set()
        best: tuple[str, float] | None = None
        for cell in _cells(lat - pad, lon - pad, lat + pad, lon + pad):
            for s in self._grid.get(cell, ()):
                if s.code in seen or s.box_km(lat, lon) > max_km:
                    continue
                seen.add(s.code)
                d = s.edge_km(lat, lon)
                if d <= max_km and (best is None or d < best[1]):
                    best = (s.code, d)
        return best

    def km(self, code: str, lat: float, lon: float) -> float | None:
        """Distance from the point to the village (0 inside); None without its polygon."""
        s = self._shapes.get(code)
        return None if s is None else s.km(lat, lon)

    # ---- storage -------------------------------------------------------------------------
    def merged(self, other: Boundaries) -> Boundaries:
        """These polygons with `other`'s added (other's win for the same code)."""
        new = object.__new__(Boundaries)
        new.source = other.source or self.source
        new._shapes = {**self._shapes, **other._shapes}
        new._grid = {}
        for s in new._shapes.values():
            for cell in _cells(s.south, s.west, s.north, s.east):
                new._grid.setdefault(cell, []).append(s)
        return new

    def to_json(self, region_code: str = "") -> dict:
        return {
            "format": FORMAT,
            "region": region_code,
            "source": self.source,
            "villages": {
                code: [
                    [[[round(x, 6), round(y, 6)] for x, y in ring] for ring in part]
                    for part in s.parts
                ]
                for code, s in sorted(self._shapes.items())
            },
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Boundaries:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} document")
        return cls(data.get("villages") or {}, source=str(data.get("source") or ""))


# ---- helpers -----------------------------------------------------------------------------
def _cell(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG))


def _cells(south: float, west: float, north: float, east: float):
    s, w = _cell(south, west)
    n, e = _cell(north, east)
    for i in range(s, n + 1):
        for j in range(w, e + 1):
            yield (i, j)


def _build(code: str, polygons: Sequence[Polygon], tolerance: float) -> _Shape | None:
    parts = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            pts = [(float(p[0]), float(p[1])) for p in ring]
            if not all(math.isfinite(x) and math.isfinite(y) for x, y in pts):
                raise ValueError(f"{code}: a polygon has a coordinate that is not a number")
            if len(pts) > 1 and pts[0] == pts[-1]:
                pts.pop()  # kept open: the edges close the ring
            if tolerance > 0 and len(pts) > 8:
                pts = simplify_ring(pts, tolerance)
            if len(pts) >= 3:
                rings.append(tuple(pts))
        if rings:
            parts.append(tuple(rings))
    if not parts:
        return None
    ax, ay, bx, by = [], [], [], []
    for part in parts:
        for ring in part:
            for i in range(len(ring)):
                ax.append(ring[i - 1][0])
                ay.append(ring[i - 1][1])
                bx.append(ring[i][0])
                by.append(ring[i][1])
    xs = [p[0] for part in parts for p in part[0]]
    ys = [p[1] for part in parts for p in part[0]]
    return _Shape(
        code,
        min(ys),
        min(xs),
        max(ys),
        max(xs),
        np.array(ax),
        np.array(ay),
        np.array(bx),
        np.array(by),
        tuple(parts),
    )


def simplify_ring(
    pts: Sequence[tuple[float, float]], tolerance: float
) -> list[tuple[float, float]]:
    """Douglas-Peucker on an open ring (longitude scaled by cos(latitude)), split at vertex 0
    and the vertex farthest from it; a ring that would fall under 3 points is kept whole."""
    n = len(pts)
    k = math.cos(math.radians(sum(p[1] for p in pts) / n))
    xs = np.array([p[0] * k for p in pts] + [pts[0][0] * k])
    ys = np.array([p[1] for p in pts] + [pts[0][1]])
    far = int(np.argmax((xs[:n] - xs[0]) ** 2 + (ys[:n] - ys[0]) ** 2))
    keep = np.zeros(n + 1, dtype=bool)
    keep[[0, far, n]] = True
    stack = [(0, far), (far, n)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        dx, dy = xs[j] - xs[i], ys[j] - ys[i]
        px, py = xs[i + 1 : j] - xs[i], ys[i + 1 : j] - ys[i]
        norm = math.hypot(dx, dy)
        d = np.abs(dy * px - dx * py) / norm if norm > 0 else np.hypot(px, py)
        m = int(np.argmax(d))
        if d[m] > tolerance:
            keep[i + 1 + m] = True
            stack.append((i, i + 1 + m))
            stack.append((i + 1 + m, j))
    out = [pts[i] for i in np.flatnonzero(keep[:n])]
    return out if len(out) >= 3 else list(pts)


__all__ = ["SIMPLIFY_DEG", "Boundaries", "simplify_ring"]
