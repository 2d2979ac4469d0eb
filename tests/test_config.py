"""A wrong setting stops start-up with a message naming the key and what is expected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dispatch.config import DEFAULT_CONFIG, ConfigError, load_settings

ENV = {"JANGKAU_SECRET_KEY": "k" * 40}


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text())
    mutate(data)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_shipped_config_is_valid():
    s = load_settings(env=ENV)
    assert s.region.code == "64.02" and s.region.timezone == "Asia/Makassar"
    assert len(s.region.districts) == 20
    assert all(d.source for d in s.region.districts)
    assert s.database_url.startswith("sqlite:///")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["solver"].update(time_limit_s=-3), "solver.time_limit_s"),
        (lambda d: d["solver"].update(time_limit_s="lama"), "solver.time_limit_s"),
        (lambda d: d["region"].update(timezone="Asia/Kutai"), "region.timezone"),
        (lambda d: d["region"].update(code="6402"), "region.code"),
        (lambda d: d["vehicles"].update(shift_start="jam tujuh"), "vehicles.shift_start"),
        (lambda d: d["travel"].update(circuity=0.5), "travel.circuity"),
        (lambda d: d["places"][0].update(kind="kantor"), "places.0.kind"),
        (lambda d: d.update(solverr={}), "solverr"),
        (lambda d: d["language"].update(default="fr"), "language.default"),
        (lambda d: d["region"].update(bbox=[1, 117, -1, 115]), "region.bbox"),
    ],
)
def test_wrong_values_name_the_key(tmp_path, mutate, expected):
    path = _write(tmp_path, mutate)
    with pytest.raises(ConfigError) as err:
        load_settings(path, env=ENV)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_secrets_belong_in_the_environment(tmp_path):
    path = _write(tmp_path, lambda d: d.update(secret_key="x" * 40))
    with pytest.raises(ConfigError, match="JANGKAU_SECRET_KEY"):
        load_settings(path, env=ENV)


def test_environment_overrides_database_url_and_checks_it():
    s = load_settings(env={**ENV, "JANGKAU_DATABASE_URL": "postgresql://u@h/db"})
    assert s.database_url == "postgresql://u@h/db"
    with pytest.raises(ConfigError, match="JANGKAU_DATABASE_URL"):
        load_settings(env={**ENV, "JANGKAU_DATABASE_URL": "mysql://u@h/db"})
    with pytest.raises(ConfigError, match="JANGKAU_SECRET_KEY"):
        load_settings(env={"JANGKAU_SECRET_KEY": "short"})


def test_missing_or_broken_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.yaml", env=ENV)
    bad = tmp_path / "bad.yaml"
    bad.write_text("region: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(bad, env=ENV)


def test_the_command_line_stops_with_the_message(tmp_path):
    path = _write(tmp_path, lambda d: d["solver"].update(time_limit_s=0))
    result = subprocess.run(
        [sys.executable, "-m", "dispatch", "migrate"],
        env={
            "JANGKAU_CONFIG": str(path),
            **ENV,
            "PATH": "/usr/bin:/bin",
            "JANGKAU_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "solver.time_limit_s" in result.stderr and "greater than 0" in result.stderr
