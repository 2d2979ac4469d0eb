"""Reference points shared by the geocoding tests."""

from __future__ import annotations

from pathlib import Path

from dispatch.geocoding import Point

SHARED_GAZETTEER = Path(__file__).resolve().parents[2].parent / "shared" / "gazetteer"
KUKAR_BBOX = (-1.35, 115.25, 1.60, 117.75)

# Approximate kecamatan seats (as in config.yaml); enough for precision/fallback tests.
DISTRICT_POINTS = {
    "64.02.01": Point(-0.372, 116.413, "test seat"),
    "64.02.02": Point(-0.522, 117.013, "test seat"),
    "64.02.03": Point(-0.583, 117.095, "test seat"),
    "64.02.04": Point(-0.585, 117.250, "test seat"),
    "64.02.05": Point(-0.310, 117.435, "test seat"),
    "64.02.06": Point(-0.417, 116.983, "test seat"),
    "64.02.07": Point(-0.300, 116.995, "test seat"),
    "64.02.08": Point(-0.270, 116.583, "test seat"),
    "64.02.09": Point(-0.150, 116.400, "test seat"),
    "64.02.10": Point(0.010, 116.420, "test seat"),
    "64.02.11": Point(-0.040, 116.720, "test seat"),
    "64.02.12": Point(0.600, 116.050, "test seat"),
    "64.02.13": Point(-1.030, 117.100, "test seat"),
    "64.02.14": Point(-0.820, 117.220, "test seat"),
    "64.02.15": Point(-0.660, 117.250, "test seat"),
    "64.02.16": Point(-0.420, 117.020, "test seat"),
    "64.02.17": Point(-0.060, 117.380, "test seat"),
    "64.02.18": Point(-0.190, 116.250, "test seat"),
    "64.02.19": Point(-0.400, 116.650, "test seat"),
    # 64.02.20 left without a point on purpose: its villages fall back to the regency.
}
VILLAGE_POINTS = {
    "64.02.07.2005": Point(-0.2669, 116.9428, "test pin"),  # Sebulu Ilir
    "64.02.06.1006": Point(-0.4065, 116.9715, "test pin"),  # Panji
    "64.02.06.1005": Point(-0.4256, 116.9845, "test pin"),  # Melayu
}
