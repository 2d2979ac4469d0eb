"""Migrations from empty on SQLite and PostgreSQL; `init` and `demo` are safe to repeat."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic import command as alembic_command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, text
from sqlmodel import Session, SQLModel, select

from dispatch.db import alembic_config, make_engine, migrate
from dispatch.models import AuditLog, District, Place, User, Vehicle, Village
from dispatch.setup import init, load_demo
from tests.conftest import _fresh_pg_database

PG = os.environ.get("JANGKAU_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        with make_engine(PG).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def _assert_migrated(engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        # The migrations describe exactly the models: no drift either way.
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_from_empty_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(engine)
    _assert_migrated(engine)
    migrate(engine)  # a second run is a no-op
    _assert_migrated(engine)


@pytest.mark.skipif(not _pg_available(), reason=f"PostgreSQL is not reachable at {PG}")
def test_migrations_from_empty_on_postgresql():
    url, drop = _fresh_pg_database(PG)
    engine = make_engine(url)
    try:
        migrate(engine)
        _assert_migrated(engine)
        _driver_of_the_link_round_trip(engine)
    finally:
        engine.dispose()
        drop()


def _driver_of_the_link_round_trip(engine) -> None:
    """0006 (the driver chosen for a car's link) goes down and up again cleanly."""

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("driver_link")}

    assert "driver_id" in columns()
    alembic_command.downgrade(alembic_config(engine), "0005")
    assert "driver_id" not in columns()
    assert not any(k["name"] == "fk_driver_link_driver_id_user" for k in _fks(engine))
    migrate(engine)
    assert "driver_id" in columns()
    assert any(k["referred_table"] == "user" for k in _fks(engine))
    _assert_migrated(engine)


def _fks(engine) -> list[dict]:
    return inspect(engine).get_foreign_keys("driver_link")


def test_the_driver_of_a_link_migrates_down_and_up_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'round.db'}")
    migrate(engine)
    _driver_of_the_link_round_trip(engine)


def _counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {
            m.__name__: s.exec(select(func.count()).select_from(m)).one()
            for m in (District, Village, Place, User, Vehicle)
        }


def test_init_and_demo_twice_change_nothing(engine, settings):
    first = _counts(engine)
    assert first["District"] == 20 and first["Village"] == 237
    assert first["Vehicle"] >= 3 and first["Place"] >= 5
    init(engine, settings)
    load_demo(engine, settings)
    assert _counts(engine) == first


def test_region_comes_from_the_registry(engine):
    with Session(engine) as s:
        tenggarong = s.get(District, "64.02.06")
        assert tenggarong.name == "Tenggarong" and tenggarong.lat is not None
        assert "entered by hand" in tenggarong.point_source
        tabang = s.exec(select(Village).where(Village.district_code == "64.02.12")).all()
        assert len(tabang) == 19
        assert s.get(Village, "64.02.06.1001") is not None
        safe = s.exec(select(Place).where(Place.kind == "safe_house")).one()
        assert safe.confidential and safe.public_label != safe.name


def test_demo_creates_each_role_with_officers_in_two_kecamatan(engine):
    with Session(engine) as s:
        users = s.exec(select(User)).all()
        roles = {u.role.value for u in users}
        officers = {u.district_code for u in users if u.role.value == "officer"}
        audits = s.exec(select(func.count()).select_from(AuditLog)).one()
    assert {"admin", "dispatcher", "officer", "driver"} <= roles
    assert len(officers) >= 2
    assert audits > 0


def test_command_line_init_and_demo_twice(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "JANGKAU_VAR_DIR": str(tmp_path),
        "JANGKAU_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }

    def run(*args: str) -> str:
        r = subprocess.run(
            [sys.executable, "-m", "dispatch", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
        return r.stdout

    assert "237 desa/kelurahan; 5 places added" in run("init")
    assert "0 places added" in run("init")
    out = run("demo")
    assert "admin" in out and "dispatcher-demo-2026" in out
    assert "10 demo requests added" in out
    again = run("demo")
    assert "demo requests added" not in again  # nothing duplicated
    assert again == out.split("\n", 1)[1]  # the same logins
    vehicles = run("vehicle", "list")
    assert vehicles.count("Mobil Perlindungan") == 3
    for command in ([], ["user"], ["vehicle"], ["place"], ["serve"], ["user", "add"]):
        assert "Usage" in run(*command, "--help")


def test_command_line_plans_and_draws_the_demo_day(tmp_path):
    """`jangkau demo`, `plan --publish` and `maps` give a driver the files of issue 5."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "JANGKAU_VAR_DIR": str(tmp_path),
        "JANGKAU_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess:
        r = subprocess.run(
            [sys.executable, "-m", "dispatch", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert r.returncode == code, r.stderr
        return r

    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Makassar")).date().isoformat()
    run("demo")
    assert "no plan for" in run("maps", "--date", today, "--out", str(tmp_path), code=1).stderr
    assert "expected YYYY-MM-DD" in run("plan", "--date", "28-11-2026", code=2).stderr
    out = run("plan", "--date", today, "--time-limit", "2", "--publish").stdout
    served = int(out.split(" requests served")[0].rsplit(" ", 1)[1])
    assert served >= 5 and "published as v1" in out
    out = run("maps", "--date", today, "--out", str(tmp_path / "maps")).stdout
    assert "(v1)" in out
    files = sorted(p.name for p in (tmp_path / "maps").iterdir())
    assert "overview.html" in files
    for suffix in (".html", ".gpx", ".geojson"):
        assert any(f.endswith(suffix) and f != "overview.html" for f in files), files
    for f in (tmp_path / "maps").iterdir():
        if f.name != "overview.html":
            text = f.read_text(encoding="utf-8")
            for word in ("KDRT", "korban", "Rumah Aman"):
                assert word not in text, (f.name, word)
