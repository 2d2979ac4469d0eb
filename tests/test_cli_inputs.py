"""Wrong input to the `jangkau` commands gets a one-line error and a non-zero exit code,
never a Python traceback; values the service refuses elsewhere are refused here too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from sqlmodel import Session, select

DAY = date(2031, 3, 3)  # a day no other test plans


@pytest.fixture
def jangkau(settings, engine, var_dir):
    """Run the command line against the test database, as an admin would."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "JANGKAU_VAR_DIR": str(var_dir),
        "JANGKAU_DATABASE_URL": settings.database_url,
        "JANGKAU_SECRET_KEY": settings.secret_key,
    }

    def run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "dispatch", *args],
            env={**env, **(env_extra or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def _one_line_error(r: subprocess.CompletedProcess, *words: str) -> str:
    assert r.returncode != 0, r.stdout
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def draft_plan(engine):
    """An (empty) draft plan for DAY, so that `maps` gets as far as writing."""
    from dispatch.models import DayPlan
    from routing.model import Plan
    from routing.serialize import plan_to_json

    body = {"plan": plan_to_json(Plan([], [])), "locations": [], "tasks": {}, "skipped": {}}
    with Session(engine) as db:
        record = DayPlan(day=DAY, body=json.dumps(body))
        db.add(record)
        db.commit()
        plan_id = record.id
    yield
    with Session(engine) as db:
        db.delete(db.get(DayPlan, plan_id))
        db.commit()


def test_maps_into_a_folder_that_cannot_be_made_says_why(jangkau, draft_plan, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    day = DAY.isoformat()
    line = _one_line_error(jangkau("maps", "--date", day, "--out", f"{a_file}/maps"), "--out")
    assert f"{a_file} is a file, not a folder" in line
    _one_line_error(jangkau("maps", "--date", day, "--out", str(a_file)), "not a folder")
    _one_line_error(jangkau("maps", "--date", day, "--out", "/proc/jangkau-maps"), "/proc")
    out = jangkau("maps", "--date", day, "--out", str(tmp_path / "maps"))  # still works
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "maps" / "overview.html").exists()


def test_gazetteer_import_of_a_missing_folder_or_non_text_file(jangkau, tmp_path):
    missing = tmp_path / "missing.csv"
    _one_line_error(jangkau("gazetteer", "import", str(missing)), str(missing), "No such file")
    _one_line_error(jangkau("gazetteer", "import", str(tmp_path)), str(tmp_path))
    binary = tmp_path / "points.csv"
    binary.write_bytes(b"\xff\xfe\x00code,lat,lon")
    _one_line_error(jangkau("gazetteer", "import", str(binary)), str(binary), "UTF-8")


def test_a_config_path_or_database_folder_that_cannot_be_read(jangkau, tmp_path):
    _one_line_error(jangkau("vehicle", "list", env_extra={"JANGKAU_CONFIG": str(tmp_path)}))
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    url = f"sqlite:///{a_file}/jangkau.db"
    _one_line_error(jangkau("vehicle", "list", env_extra={"JANGKAU_DATABASE_URL": url}))


def test_vehicle_with_zero_seats_is_refused_and_no_seats_takes_the_default(
    jangkau, engine, settings
):
    from dispatch.models import Vehicle

    line = _one_line_error(jangkau("vehicle", "add", "Mobil Nol", "--seats", "0"))
    assert line == _one_line_error(jangkau("vehicle", "add", "Mobil Nol", "--seats", "41"))
    assert "Seats must be 1–40" in line
    try:
        r = jangkau("vehicle", "add", "Mobil Bawaan")
        assert r.returncode == 0, r.stderr
        listed = jangkau("vehicle", "list").stdout
        assert "Mobil Nol" not in listed
        row = next(x for x in listed.splitlines() if "Mobil Bawaan" in x)
        assert f" {settings.vehicles.seats} seats " in row
    finally:  # other tests plan with the demo fleet alone
        with Session(engine) as db:
            names = ["Mobil Bawaan", "Mobil Nol"]
            for v in db.exec(select(Vehicle).where(Vehicle.name.in_(names))):
                db.delete(v)
            db.commit()


def test_plan_time_limit_outside_the_planners_bounds_is_refused(jangkau):
    """--time-limit 0 used to search for the default 10 s; the bounds are config.yaml's."""
    for limit in ("0", "nan", "601"):
        line = _one_line_error(jangkau("plan", "--date", DAY.isoformat(), "--time-limit", limit))
        assert f"--time-limit {limit}" in line, line
        assert "more than 0 and at most 600 seconds" in line
    help_text = jangkau("plan", "--help", env_extra={"COLUMNS": "200"}).stdout
    assert "more than 0 and at most 600" in help_text
