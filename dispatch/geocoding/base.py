"""Shared types of the geocoding providers: a candidate, a reference point, precisions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal, Protocol

Precision = Literal["gps", "village", "kecamatan", "regency", "none"]
Level = Literal["gps", "village", "kecamatan", "regency", "none"]

#: Precisions from best to worst.
PRECISIONS: tuple[str, ...] = ("gps", "village", "kecamatan", "regency")


class GeocodingError(ValueError):
    """Input that cannot be read; `code` is a stable key, the message is for a person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Point:
    """A reference point of a village or kecamatan and where it comes from."""

    lat: float
    lon: float
    source: str = ""


@dataclass(slots=True)
class Candidate:
    """One answer of a geocoder.

    `level` is what was matched (a village, a kecamatan, a GPS point); `precision` is how
    precise the point (`lat`, `lon`) is: a village matched by name whose own point is not
    known yet has level "village" but precision "kecamatan" (its kecamatan's point), and
    `note` says so. An answer that is an error (unreadable link, point outside the regency)
    has `error` (a stable key) and `message` (for a person) set, and a score of 0. `flag`
    warns about an answer that is not an error: "region_approximate" for a GPS point that
    could only be checked against the regency's bounding box (no village boundaries known),
    its village or kecamatan being the nearest reference point.
    """

    code: str
    name: str
    district_code: str
    district_name: str
    lat: float | None
    lon: float | None
    precision: Precision
    score: float
    source: str
    level: Level = "village"
    note: str = ""
    error: str = ""
    message: str = ""
    flag: str = ""
    matched: str = field(default="", repr=False)

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("matched", None)
        if d["lat"] is not None and d["lon"] is not None:
            d["lat"] = round(d["lat"], 6)
            d["lon"] = round(d["lon"], 6)
        d["score"] = round(d["score"], 1)
        return d


class Provider(Protocol):
    """A geocoder: free text (and an optional kecamatan hint) in, ranked candidates out."""

    name: str

    def geocode(self, text: str, district: str | None = None) -> list[Candidate]: ...
