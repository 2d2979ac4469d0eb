"""`jangkau gazetteer import`: village points from a file into the database and geocoder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlmodel import Session, select

from dispatch.db import make_engine
from dispatch.models import Village
from tests.conftest import SHARED

VILLAGES_CSV = SHARED / "gazetteer" / "kukar_villages.csv"


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "JANGKAU_VAR_DIR": str(tmp_path),
        "JANGKAU_DATABASE_URL": f"sqlite:///{tmp_path / 'pts.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "dispatch", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_bad_file_is_refused_whole_with_the_problems(tmp_path):
    assert _run(tmp_path, "init").returncode == 0
    bad = tmp_path / "points.csv"
    bad.write_text(
        "code,lat,lon\n64.02.07.2005,-0.30,117.00\n64.02.99.9999,-0.3,117.0\n"
        "64.02.06.1001,-6.2,106.8\n"
    )
    r = _run(tmp_path, "gazetteer", "import", str(bad))
    assert r.returncode == 1
    assert "64.02.99.9999" in r.stderr and "nothing imported" in r.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'pts.db'}")
    with Session(engine) as s:
        assert s.get(Village, "64.02.07.2005").lat is None
    r = _run(tmp_path, "gazetteer", "import", str(bad), "--skip-bad")
    assert r.returncode == 0 and "1 village points imported" in r.stdout
    with Session(engine) as s:
        v = s.get(Village, "64.02.07.2005")
        assert (v.lat, v.lon) == (-0.30, 117.00) and "points.csv" in v.point_source


@pytest.mark.skipif(not VILLAGES_CSV.exists(), reason=f"{VILLAGES_CSV} is absent")
def test_the_regencys_village_points_import_and_the_geocoder_uses_them(tmp_path):
    assert _run(tmp_path, "init").returncode == 0
    r = _run(tmp_path, "gazetteer", "import", str(VILLAGES_CSV))
    assert r.returncode == 0, r.stderr
    assert "237 village points imported" in r.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'pts.db'}")
    with Session(engine) as s:
        assert len(s.exec(select(Village).where(Village.lat.is_not(None))).all()) == 237
    from dispatch.config import load_settings
    from dispatch.geocoding import resolve
    from dispatch.services.points import install_geocoder

    settings = load_settings(
        env={
            "JANGKAU_DATABASE_URL": f"sqlite:///{tmp_path / 'pts.db'}",
            "JANGKAU_SECRET_KEY": "s" * 40,
        }
    )
    try:
        install_geocoder(engine, settings)
        best = resolve("Ds. Sebulu Ilir")[0]
        assert best.code == "64.02.07.2005" and best.precision == "village"
    finally:
        from dispatch import geocoding

        geocoding.set_default(None)
