"""Settings in one place: `config.yaml` validated at start-up, secrets from the environment."""

from __future__ import annotations

import os
import secrets
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.yaml"
VAR_DIR = Path(os.environ.get("JANGKAU_VAR_DIR", ROOT / "var"))


class ConfigError(Exception):
    """A wrong setting; the message names the key and what is expected."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DistrictPoint(_Strict):
    code: str = Field(pattern=r"^\d{2}\.\d{2}\.\d{2}$")
    seat: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    source: str = ""


class Region(_Strict):
    code: str = Field(pattern=r"^\d{2}\.\d{2}$")
    name: str
    timezone: str = "Asia/Makassar"
    reference_prefix: str = Field(default="REQ", pattern=r"^[A-Z]{2,5}$")
    bbox: tuple[float, float, float, float]
    districts: list[DistrictPoint] = []
    districts_source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _district_source(cls, data: object) -> object:
        """Each district point carries its source note (the shared one unless it has its own)."""
        if isinstance(data, dict) and isinstance(data.get("districts"), list):
            note = data.get("districts_source", "")
            data = dict(data)
            data["districts"] = [
                {"source": note, **d} if isinstance(d, dict) else d for d in data["districts"]
            ]
        return data

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}, expected e.g. Asia/Makassar") from exc
        return v

    @field_validator("bbox")
    @classmethod
    def _ordered(cls, v: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        south, west, north, east = v
        if not (south < north and west < east):
            raise ValueError("expected [south, west, north, east] with south < north, west < east")
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


PlaceKind = Literal["depot", "safe_house", "hospital", "police", "health", "other"]


class PlaceConfig(_Strict):
    key: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: PlaceKind
    name: str
    public_label: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    address: str = ""
    confidential: bool = False


class VehicleDefaults(_Strict):
    seats: int = Field(default=5, ge=1, le=40)
    shift_start: time = time(7, 30)
    shift_end: time = time(16, 0)


class Travel(_Strict):
    circuity: float = Field(default=1.45, ge=1.0, le=4.0)
    speed_kmh: dict[str, float] = {"car": 40.0, "boat": 15.0}
    osrm_url: str | None = None


class Solver(_Strict):
    time_limit_s: float = Field(default=10, gt=0, le=600)
    first_solution: Literal[
        "PARALLEL_CHEAPEST_INSERTION", "PATH_CHEAPEST_ARC", "LOCAL_CHEAPEST_INSERTION", "SAVINGS"
    ] = "PARALLEL_CHEAPEST_INSERTION"
    ride_slack_min: int = Field(default=45, ge=0)
    ride_factor: float = Field(default=2.0, ge=1.0)


class Geocoder(_Strict):
    nominatim_enabled: bool = False
    nominatim_url: str | None = None
    user_agent: str = "jangkau"
    timeout_s: float = Field(default=5, gt=0, le=60)


class Retention(_Strict):
    closed_request_days: int = Field(default=365, ge=1)


class Security(_Strict):
    session_hours: float = Field(default=12, gt=0)
    token_minutes: float = Field(default=60, gt=0)
    login_max_failures: int = Field(default=5, ge=1)
    secure_cookies: Literal["auto", "always", "never"] = "auto"


class Maps(_Strict):
    tiles: str | None = None  # a tile URL template; None draws maps without a base layer
    attribution: str | None = None


class Language(_Strict):
    default: Literal["id", "en"] = "id"


class Settings(_Strict):
    region: Region
    places: list[PlaceConfig] = []
    vehicles: VehicleDefaults = VehicleDefaults()
    travel: Travel = Travel()
    solver: Solver = Solver()
    geocoder: Geocoder = Geocoder()
    retention: Retention = Retention()
    security: Security = Security()
    maps: Maps = Maps()
    language: Language = Language()
    # From the environment, never from the file.
    database_url: str = ""
    secret_key: str = ""


def _describe(err: dict) -> str:
    key = ".".join(str(p) for p in err["loc"])
    got = err.get("input")
    shown = "" if isinstance(got, dict | list) else f", got {got!r}"
    return f"{key}: {err['msg']}{shown}"


def _default_secret() -> str:
    """A per-installation secret kept in var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read and validate the configuration; raise ConfigError naming the wrong key."""
    env = dict(os.environ if env is None else env)
    path = Path(path or env.get("JANGKAU_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found (set JANGKAU_CONFIG to its path)") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    for key in ("database_url", "secret_key"):
        if key in raw:
            raise ConfigError(
                f"{path}: {key}: set it in the environment (JANGKAU_{key.upper()}), not the file"
            )
    raw["database_url"] = env.get("JANGKAU_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jangkau.db'}"
    raw["secret_key"] = env.get("JANGKAU_SECRET_KEY") or _default_secret()
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        lines = "\n  ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{path}: invalid configuration:\n  {lines}") from None
    if not settings.database_url.startswith(("sqlite:", "postgresql")):
        raise ConfigError(
            "JANGKAU_DATABASE_URL: expected sqlite:///PATH or postgresql://USER@HOST/DB, "
            f"got {settings.database_url.split('://')[0]}://..."
        )
    if len(settings.secret_key) < 32:
        raise ConfigError("JANGKAU_SECRET_KEY: expected at least 32 characters")
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
