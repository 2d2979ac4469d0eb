"""`jangkau gazetteer import`: village points from a file into the database and geocoder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

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


BOUNDARY_SQL = (
    SHARED
    / "gazetteer"
    / "raw"
    / "cahyadsn_wilayah_boundaries"
    / "wilayah_boundaries_kel_64.02.sql"
)


def _gps(point: tuple[float, float]) -> str:
    return f"{point[0]:.4f}, {point[1]:.4f}"


def _request(client, token, **over):
    body = {
        "kind": "visit",
        "urgency": "segera",
        "adults": 1,
        "contact_phone": "0812" + str(uuid.uuid4().int)[:8],
    }
    body.update(over)
    return client.post("/api/requests", headers=token, json=body)


@pytest.mark.skipif(not BOUNDARY_SQL.exists(), reason=f"{BOUNDARY_SQL} is absent")
def test_boundaries_imported_while_the_server_runs_are_used_without_a_restart(
    tmp_path, monkeypatch
):
    """The server runs in this process; `gazetteer import` runs in another. Before the
    import: the approximate region check (flagged) and the nearest-kecamatan fallback;
    after it, without a restart: the cities around Kukar refused, villages exact."""
    from fastapi.testclient import TestClient

    from dispatch import geocoding
    from dispatch.config import load_settings
    from dispatch.services import points
    from dispatch.setup import demo_password
    from dispatch.web.app import create_app
    from tests.geocoding.geo_points import (
        MUARA_TIQ,
        OUTSIDE_KUKAR,
        TENGGARONG,
        kukar_polygons,
        write_geojson,
    )

    assert _run(tmp_path, "demo").returncode == 0
    monkeypatch.setenv("JANGKAU_VAR_DIR", str(tmp_path))
    monkeypatch.setattr(points, "CHECK_SECONDS", 0.2)
    url = f"sqlite:///{tmp_path / 'pts.db'}"
    settings = load_settings(env={"JANGKAU_DATABASE_URL": url, "JANGKAU_SECRET_KEY": "s" * 40})
    engine = make_engine(url)

    def token(client, username):
        r = client.post(
            "/api/auth/token", data={"username": username, "password": demo_password(username)}
        )
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    try:
        with TestClient(create_app(settings, engine)) as client:
            officer = token(client, "officer.tenggarong")
            # No boundaries (the demo install): accepted, but flagged as approximate.
            r = _request(client, officer, location=_gps(OUTSIDE_KUKAR["Samarinda"]))
            assert r.status_code == 201 and r.json()["location_flag"] == "region_approximate"
            # GPS only, no village points: the nearest kecamatan, so its officers see it.
            r = _request(client, officer, location="-0.2700, 116.5830")  # Kota Bangun
            out = r.json()
            assert r.status_code == 201, r.text
            assert (out["district_code"], out["village_code"]) == ("64.02.08", None)
            assert out["location_flag"] == "region_approximate"
            theirs = client.get("/api/requests", headers=token(client, "officer.kotabangun"))
            assert out["reference"] in {x["reference"] for x in theirs.json()}
            r = _request(client, officer, village_code=MUARA_TIQ, location=_gps(TENGGARONG))
            assert r.status_code == 201 and r.json()["location_flag"] == "far_from_village"

            polygons = kukar_polygons(SHARED / "gazetteer")
            geojson = write_geojson(polygons, tmp_path / "kukar_villages.geojson")
            imported = _run(tmp_path, "gazetteer", "import", str(geojson))
            assert imported.returncode == 0, imported.stderr
            assert "237 village boundaries kept" in imported.stdout
            assert "refused as outside the region" in imported.stdout
            assert points.boundaries_path(settings).exists()
            time.sleep(0.3)  # past CHECK_SECONDS: the server looks at the stamp again

            for lat, lon in OUTSIDE_KUKAR.values():
                r = _request(client, officer, location=f"{lat:.4f}, {lon:.4f}")
                assert r.status_code == 422 and "di luar" in r.json()["detail"], (lat, lon)
            samarinda = _gps(OUTSIDE_KUKAR["Samarinda"])
            r = _request(client, officer, location=samarinda, confirm_outside=True)
            assert r.status_code == 201 and r.json()["location_flag"] == "outside_region"
            # Tenggarong Seberang: a point inside Bukit Raya gets Bukit Raya, unflagged.
            lat, lon, _geo = polygons["64.02.16.2002"]  # its centroid lies inside it
            r = _request(client, officer, location=f"{lat:.5f}, {lon:.5f}")
            out = r.json()
            assert r.status_code == 201, r.text
            assert (out["village_code"], out["district_code"], out["location_flag"]) == (
                "64.02.16.2002",
                "64.02.16",
                "",
            )
            r = _request(client, officer, village_code=MUARA_TIQ, location=_gps(TENGGARONG))
            assert r.status_code == 201 and r.json()["location_flag"] == "far_from_village"
            g = client.get(
                "/api/geocode",
                params={"q": _gps(OUTSIDE_KUKAR["Bontang"])},
                headers=officer,
            ).json()
            assert g[0]["error"] == "outside_region"
    finally:
        geocoding.set_default(None)
        engine.dispose()
