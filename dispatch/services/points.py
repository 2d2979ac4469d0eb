"""Village and kecamatan points and village boundaries between storage and the geocoder.

Points live in the database (`village` and `district` rows). Boundary polygons, from
`jangkau gazetteer import` of a GeoJSON file with polygons, are kept simplified in one JSON
file under the var dir (`boundaries_path`): they are reference data written only by that
command and read whole by every process, about 1 MB for Kukar's 237 villages, so a file
replaced atomically serves them with no schema change and no per-request query; every
process that serves requests uses the same var dir already (its secret key is there).

Every server process keeps its geocoder in memory. `install_geocoder` gives it a
refresher: at most every `CHECK_SECONDS` it compares a stamp of the stored data (the
boundary file's size and time, and a sum over the point columns computed by the database:
one small query) with the stamp it loaded, and reloads when they differ. So an import from
the command line, or GPS pins confirmed in another worker, reach a running server within
seconds, without a restart.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dispatch import audit, geocoding
from dispatch.config import Settings
from dispatch.geocoding import Boundaries, Geocoder, Point
from dispatch.geocoding.boundaries import SIMPLIFY_DEG
from dispatch.models import District, Village

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0  # how often a process looks for points or boundaries changed elsewhere


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


# ---- boundaries file -----------------------------------------------------------------------
def boundaries_path(settings: Settings) -> Path:
    """Where the region's village boundaries are kept (under JANGKAU_VAR_DIR)."""
    from dispatch.config import VAR_DIR

    var = Path(os.environ.get("JANGKAU_VAR_DIR") or VAR_DIR)
    return var / "gazetteer" / f"village_boundaries_{settings.region.code}.json"


def load_boundaries(path: Path, region_code: str) -> Boundaries | None:
    """The boundaries kept at `path` (None: no file, or one for another region)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if data.get("region") != region_code:
        log.warning("boundaries file %s is for region %r: ignored", path, data.get("region"))
        return None
    return Boundaries.from_json(data)


def save_boundaries(path: Path, boundaries: Boundaries, region_code: str) -> None:
    """Write atomically: a process reading it sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(boundaries.to_json(region_code)), encoding="utf-8")
    os.replace(tmp, path)


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _db_stamp(session: Session) -> tuple:
    """A fingerprint of the stored points, computed by the database in one query."""
    v = select(func.count(Village.lat), func.sum(Village.lat), func.sum(Village.lon))
    d = select(func.count(District.lat), func.sum(District.lat), func.sum(District.lon))
    return tuple(session.exec(v).one()) + tuple(session.exec(d).one())


# ---- the service's geocoder ----------------------------------------------------------------
class _Watcher:
    """Reloads the default geocoder when the stored points or boundaries change."""

    def __init__(self, engine: Engine, settings: Settings, path: Path):
        self.engine, self.settings, self.path = engine, settings, path
        self.base = Geocoder.from_settings(settings)
        self.stamp: tuple | None = None
        self.next_check = 0.0
        self.lock = threading.Lock()

    def load(self) -> Geocoder:
        """A geocoder from what is stored now; remembers the stamp it was built from."""
        file_stamp = _file_stamp(self.path)
        boundaries = None
        try:
            boundaries = load_boundaries(self.path, self.settings.region.code)
        except (OSError, ValueError) as exc:
            log.warning("village boundaries not loaded from %s: %s", self.path, exc)
        geocoder = self.base.with_points(boundaries=boundaries)
        try:
            with Session(self.engine) as session:
                db_stamp = _db_stamp(session)
                villages, districts = db_points(session)
            geocoder = geocoder.with_points(villages, districts or None)
        except Exception:  # an unmigrated database: the configured points serve
            db_stamp = None
        self.stamp = (file_stamp, db_stamp)
        self.next_check = time.monotonic() + CHECK_SECONDS
        return geocoder

    def __call__(self) -> None:
        if time.monotonic() < self.next_check or not self.lock.acquire(blocking=False):
            return
        try:
            self.next_check = time.monotonic() + CHECK_SECONDS
            with Session(self.engine) as session:
                stamp = (_file_stamp(self.path), _db_stamp(session))
            if stamp != self.stamp:
                geocoding._replace(self.load())
                log.info("geocoder reloaded: village points or boundaries changed")
        except Exception as exc:  # the database away for a moment: keep what we have
            log.warning("geocoder refresh skipped: %s", type(exc).__name__)
        finally:
            self.lock.release()


def install_geocoder(engine: Engine, settings: Settings, path: Path | None = None) -> Geocoder:
    """The service's geocoder: the configured region with the points the database knows and
    the village boundaries kept in the var dir (or `path`), refreshed when they change."""
    watcher = _Watcher(engine, settings, path or boundaries_path(settings))
    geocoder = watcher.load()
    geocoding.set_default(geocoder, refresher=watcher)
    return geocoder


def refresh(session: Session, boundaries: Boundaries | None = None) -> None:
    """After points (or boundaries) changed here, tell this process's geocoder at once;
    other processes notice within CHECK_SECONDS."""
    villages, districts = db_points(session)
    if boundaries is None:
        geocoding.set_points(villages, districts or None)
    else:
        geocoding.set_points(villages, districts or None, boundaries=boundaries)
    # Reload what is committed at the next check: a change rolled back after this must not
    # stay in this process's geocoder.
    watcher = geocoding._refresher
    if isinstance(watcher, _Watcher):
        watcher.stamp = None


def import_points(
    session: Session,
    path: str | Path,
    settings: Settings,
    *,
    code_property: str | None = None,
    skip_bad: bool = False,
    boundaries_file: Path | None = None,
) -> geocoding.ImportReport:
    """Read village points from a CSV or GeoJSON file into the database (see importer);
    the polygons of a GeoJSON file are kept as the villages' boundaries (simplified), beside
    those of villages the file does not name.

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
    boundaries = None
    if report.polygons:
        where = boundaries_file or boundaries_path(settings)
        new = Boundaries(report.polygons, simplify=SIMPLIFY_DEG, source=f"import {name}")
        old = load_boundaries(where, settings.region.code)
        boundaries = old.merged(new) if old is not None else new
        save_boundaries(where, boundaries, settings.region.code)
        missing = sorted(known - boundaries.codes)
        report.notes.append(
            f"{len(new)} village boundaries kept ({len(boundaries)} of {len(known)} villages "
            f"now have one): a GPS point gets the village whose boundary holds it."
        )
        if missing:
            report.notes.append(
                f"{len(missing)} villages have no boundary yet (e.g. {', '.join(missing[:3])}): "
                "until they do, the regency check stays approximate (its bounding box)."
            )
        else:
            report.notes.append("Points outside every village are refused as outside the region.")
    audit.record(
        session,
        "import",
        "village_points",
        None,
        fields=("lat", "lon", "boundary") if boundaries else ("lat", "lon"),
    )
    session.flush()
    refresh(session, boundaries)
    return report
