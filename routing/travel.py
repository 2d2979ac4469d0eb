"""Travel models: how long and how far between the problem's locations.

The default model is offline: great-circle distance (geopy) multiplied by a circuity
factor (roads are not straight), driven at a constant speed. Its parameters come from the
caller (the service reads them from ``config.yaml``). Matrices are cached on coordinates
and parameters, so re-planning the same day does not recompute them.

``OsrmTravel`` is an optional adapter for an OSRM ``table`` service; it is off unless the
caller constructs it, and the matrix it returns says ``model="osrm"``.
"""

from __future__ import annotations

import json
import logging
import math
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol

from geopy.distance import great_circle

from routing.model import Location, TravelMatrix

Coords = tuple[tuple[float, float], ...]
log = logging.getLogger(__name__)


def _coords(locations: Sequence[Location]) -> Coords:
    return tuple((float(loc.lat), float(loc.lon)) for loc in locations)


@lru_cache(maxsize=64)
def _haversine_cached(coords: Coords, speed_kmh: float, circuity: float) -> TravelMatrix:
    n = len(coords)
    metres_per_second = speed_kmh * 1000.0 / 3600.0
    durations = [[0] * n for _ in range(n)]
    distances = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            metres = great_circle(coords[i], coords[j]).meters * circuity
            d = int(math.ceil(metres))
            t = int(math.ceil(metres / metres_per_second))
            distances[i][j] = distances[j][i] = d
            durations[i][j] = durations[j][i] = t
    return TravelMatrix(durations=durations, distances=distances, model="haversine")


def haversine_matrix(
    locations: Sequence[Location], *, speed_kmh: float = 40.0, circuity: float = 1.4
) -> TravelMatrix:
    """Great-circle distance × circuity at ``speed_kmh``: the offline default.

    Values are rounded up to whole metres and seconds. The result is cached; treat the
    returned matrix as read-only.
    """
    if speed_kmh <= 0:
        raise ValueError("speed_kmh must be positive")
    if circuity < 1.0:
        raise ValueError("circuity must be at least 1.0")
    return _haversine_cached(_coords(locations), float(speed_kmh), float(circuity))


class HaversineTravel:
    """The default travel model as an object, configured once (``travel:`` in config)."""

    def __init__(self, speed_kmh: float = 40.0, circuity: float = 1.4) -> None:
        self.speed_kmh = speed_kmh
        self.circuity = circuity

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        return haversine_matrix(locations, speed_kmh=self.speed_kmh, circuity=self.circuity)


Fetch = Callable[[str, float], dict]


def _fetch_json(url: str, timeout: float) -> dict:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"OSRM URL must be http(s): {url!r}")
    req = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
        return json.loads(resp.read().decode("utf-8"))


class OsrmError(RuntimeError):
    pass


class OsrmTravel:
    """Road travel times and distances from an OSRM ``table`` service (optional, online).

    ``fetch`` can be replaced (tests pass a function returning a recorded response).
    Unreachable pairs (``null`` in the response) fall back to the haversine estimate so
    the planner still gets a complete matrix.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 10.0,
        *,
        profile: str = "driving",
        fallback_speed_kmh: float = 40.0,
        fallback_circuity: float = 1.4,
        fetch: Fetch | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.profile = profile
        self.fallback = HaversineTravel(fallback_speed_kmh, fallback_circuity)
        self._fetch = fetch or _fetch_json
        self._cache: dict[Coords, TravelMatrix] = {}

    def url(self, locations: Sequence[Location]) -> str:
        coords = ";".join(f"{loc.lon:.6f},{loc.lat:.6f}" for loc in locations)
        query = urllib.parse.urlencode({"annotations": "duration,distance"})
        return f"{self.base_url}/table/v1/{self.profile}/{coords}?{query}"

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        key = _coords(locations)
        if key in self._cache:
            return self._cache[key]
        data = self._fetch(self.url(locations), self.timeout)
        if data.get("code") != "Ok":
            raise OsrmError(f"OSRM table failed: {data.get('code')} {data.get('message', '')}")
        n = len(locations)
        raw_t = data.get("durations")
        raw_d = data.get("distances")
        if raw_t is None or len(raw_t) != n or any(len(row) != n for row in raw_t):
            raise OsrmError("OSRM table response has no complete durations matrix")
        fb = self.fallback.matrix(locations)
        durations = [[0] * n for _ in range(n)]
        distances = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                t = raw_t[i][j]
                d = raw_d[i][j] if raw_d is not None else None
                durations[i][j] = fb.durations[i][j] if t is None else int(math.ceil(t))
                distances[i][j] = fb.distances[i][j] if d is None else int(math.ceil(d))
        result = TravelMatrix(durations=durations, distances=distances, model="osrm")
        self._cache[key] = result
        return result


class TravelModel(Protocol):
    def matrix(self, locations: Sequence[Location]) -> TravelMatrix: ...


class FallbackTravel:
    """An online model (OSRM) that falls back to an offline one when it fails.

    The service must plan without the network: an unreachable, slow or broken OSRM gives
    the offline matrix, whose ``model`` says so, and ``failures`` counts the times."""

    def __init__(self, primary: TravelModel, fallback: TravelModel) -> None:
        self.primary = primary
        self.fallback = fallback
        self.failures = 0

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        try:
            return self.primary.matrix(locations)
        except (OSError, OsrmError, ValueError) as exc:  # URLError, timeouts, bad JSON
            self.failures += 1
            log.warning("travel model unavailable, using the offline one: %s", type(exc).__name__)
            return self.fallback.matrix(locations)
