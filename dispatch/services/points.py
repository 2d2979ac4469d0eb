"""Village and kecamatan points between the database and the geocoder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dispatch import audit, geocoding
from dispatch.config import Settings
from dispatch.geocoding import Geocoder, Point
from dispatch.models import District, Village


def db_points(session: Session) -> tuple[dict[str, Point], dict[str, Point]]:
    villages = {
        v.code: Point(v.lat, v.lon, v.point_source)
        for v in session.exec(select(Village).where(Village.lat.is_not(None)))
    }
    districts = {
        d.code: Point(d.lat, d.lon, d.point_source)
        for d in session.exec(select(District).where(District.lat.is_not(None)))
    }
    return villages, districts


def install_geocoder(engine: Engine, settings: Settings) -> Geocoder:
    """The service's geocoder: the configured region with the points the database knows."""
    geocoder = Geocoder.from_settings(settings)
    try:
        with Session(engine) as session:
            villages, districts = db_points(session)
        geocoder = geocoder.with_points(villages, districts or None)
    except Exception:  # noqa: S110 - an unmigrated database: the configured points serve
        pass
    geocoding.set_default(geocoder)
    return geocoder


def refresh(session: Session) -> None:
    """After points changed (an import, confirmed GPS pins), tell the geocoder."""
    villages, districts = db_points(session)
    geocoding.set_points(villages, districts or None)


def import_points(
    session: Session,
    path: str | Path,
    settings: Settings,
    *,
    code_property: str | None = None,
    skip_bad: bool = False,
) -> geocoding.ImportReport:
    """Read village points from a CSV or GeoJSON file into the database (see importer).

    A file with problems (unknown codes, points outside the regency) is refused whole,
    unless `skip_bad`: then the good rows are taken and the problems reported.
    """
    known = set(session.exec(select(Village.code)).all())
    report = geocoding.load_points(
        path,
        region_code=settings.region.code,
        known_codes=known,
        bbox=settings.region.bbox,
        code_property=code_property,
    )
    if report.problems and not skip_bad:
        raise geocoding.PointsImportError(report)
    name = Path(path).name
    for code, point in report.points.items():
        village = session.get(Village, code)
        village.lat, village.lon = point.lat, point.lon
        village.point_source = (point.source or f"import {name}")[:200]
        session.add(village)
    audit.record(session, "import", "village_points", None, fields=("lat", "lon"))
    session.flush()
    refresh(session)
    return report
