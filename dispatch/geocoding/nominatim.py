"""Provider 3: OpenStreetMap Nominatim through geopy, for when the service is online.

Off by default. One request a second at most (geopy's RateLimiter), answers cached in a
small LRU, a timeout on every request, the search restricted to Indonesia and the regency's
bounding box. Any failure (timeout, network, HTTP error, bad answer) gives no results: the
caller never sees an exception.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache

from dispatch.geocoding.base import Candidate

log = logging.getLogger(__name__)

# Nominatim address types -> how precise the point is.
_KECAMATAN_TYPES = {"municipality", "city", "town", "county", "state_district", "district"}
_REGENCY_TYPES = {"state", "region", "province", "country"}

# (lat, lon) -> (code, name, district_code, district_name) of the place it falls in.
Locator = Callable[[float, float], tuple[str, str, str, str] | None]


class NominatimProvider:
    name = "nominatim"

    def __init__(
        self,
        *,
        user_agent: str = "jangkau",
        url: str | None = None,
        timeout: float = 5.0,
        bbox: tuple[float, float, float, float] | None = None,
        country_codes: str = "id",
        min_delay_seconds: float = 1.0,
        cache_size: int = 512,
        limit: int = 5,
        geocoder: Any = None,
        locate: Locator | None = None,
    ):
        """`bbox` is (south, west, north, east); `geocoder` replaces geopy's Nominatim
        (anything with a geopy-style `geocode(query, **kwargs)`), for tests."""
        if geocoder is None:
            from geopy.geocoders import Nominatim

            kwargs: dict[str, Any] = {"user_agent": user_agent, "timeout": timeout}
            if url:
                scheme, _, rest = url.partition("://")
                if not rest:
                    scheme, rest = "https", url
                kwargs["domain"] = rest.rstrip("/")
                kwargs["scheme"] = scheme
            geocoder = Nominatim(**kwargs)
        from geopy.extra.rate_limiter import RateLimiter

        self.geocoder = geocoder
        self._call = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )
        self.timeout = timeout
        self.bbox = bbox
        self.country_codes = country_codes
        self.limit = limit
        self.locate = locate
        self._cache: LRUCache[str, list[Candidate]] = LRUCache(maxsize=cache_size)
        self._lock = threading.Lock()
        self.requests = 0  # requests sent (for tests and metrics)
        self.failures = 0

    def geocode(self, text: str, district: str | None = None) -> list[Candidate]:
        query = " ".join(text.split())
        if not query:
            return []
        if district:
            query = f"{query}, {district}"
        cache_key = query.lower()
        with self._lock:
            cached = self._cache.get(cache_key)
        if cached is not None:
            return list(cached)
        kwargs: dict[str, Any] = {
            "exactly_one": False,
            "limit": self.limit,
            "timeout": self.timeout,
            "country_codes": self.country_codes,
            "addressdetails": True,
        }
        if self.bbox:
            s, w, n, e = self.bbox
            kwargs["viewbox"] = [(s, w), (n, e)]
            kwargs["bounded"] = True
        try:
            self.requests += 1
            found = self._call(query, **kwargs) or []
            if not isinstance(found, list):
                found = [found]
            out = [c for i, loc in enumerate(found) if (c := self._candidate(loc, i)) is not None]
        except Exception as exc:  # an online extra must never break intake
            self.failures += 1
            log.warning("nominatim lookup failed: %s", type(exc).__name__)
            return []  # failures are not cached: the next call may succeed
        with self._lock:
            self._cache[cache_key] = out
        return list(out)

    def _candidate(self, loc: Any, rank: int) -> Candidate | None:
        try:
            lat, lon = float(loc.latitude), float(loc.longitude)
        except (AttributeError, TypeError, ValueError):
            return None
        if self.bbox:
            s, w, n, e = self.bbox
            if not (s <= lat <= n and w <= lon <= e):
                return None
        raw = getattr(loc, "raw", None) or {}
        kind = str(raw.get("addresstype") or raw.get("type") or "")
        precision = (
            "kecamatan"
            if kind in _KECAMATAN_TYPES
            else "regency"
            if kind in _REGENCY_TYPES
            else "village"
        )
        code = name = dcode = dname = ""
        if self.locate is not None:
            found = self.locate(lat, lon)
            if found:
                code, name, dcode, dname = found
        address = str(getattr(loc, "address", "") or "")
        return Candidate(
            code=code,
            name=name or address.split(",")[0],
            district_code=dcode,
            district_name=dname,
            lat=lat,
            lon=lon,
            precision=precision,  # type: ignore[arg-type]
            score=max(40.0, 70.0 - 5 * rank),
            source="nominatim (OpenStreetMap)",
            level=precision,  # type: ignore[arg-type]
            note=f"OpenStreetMap: {address[:160]}" if address else "",
        )
