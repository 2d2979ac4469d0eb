"""Fixtures of the geocoding tests: explicit geocoders, no service settings, no database."""

from __future__ import annotations

from pathlib import Path

import pytest
from geo_points import DISTRICT_POINTS, KUKAR_BBOX, SHARED_GAZETTEER, VILLAGE_POINTS

from dispatch.geocoding import Geocoder


@pytest.fixture(scope="session")
def geocoder() -> Geocoder:
    """Kecamatan points only (villages fall back to their kecamatan)."""
    return Geocoder("64.02", DISTRICT_POINTS, bbox=KUKAR_BBOX)


@pytest.fixture(scope="session")
def pinned(geocoder) -> Geocoder:
    """The same with three village points."""
    return geocoder.with_points(VILLAGE_POINTS)


@pytest.fixture
def shared() -> Path:
    if not (SHARED_GAZETTEER / "kukar_villages.csv").exists():
        pytest.skip(f"shared gazetteer data not found at {SHARED_GAZETTEER}")
    return SHARED_GAZETTEER
