"""Reference points shared by the geocoding tests."""

from __future__ import annotations

import json
import re
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

# Places outside Kukar that its bounding box holds (Samarinda is enclosed by Kukar).
OUTSIDE_KUKAR = {
    "Samarinda": (-0.5020, 117.1536),
    "Balikpapan": (-1.2379, 116.8529),
    "Bontang": (0.1333, 117.5000),
    "Sangatta (Kutai Timur)": (0.4977, 117.5437),
}
TENGGARONG = (-0.4210, 116.9860)  # town centre, kelurahan Melayu
MUARA_TIQ = "64.02.12.2013"  # Tabang, the far north

_ROW = re.compile(r"\('(64\.02\.\d\d\.\d{4})','[^']*',(-?[\d.]+),(-?[\d.]+),'(\[.*?\])'\)")


def kukar_polygons(shared: Path) -> dict[str, tuple[float, float, list]] | None:
    """code -> (published centroid lat, lon, GeoJSON polygons [lon, lat]) from the raw SQL
    of the shared gazetteer (None when it is absent)."""
    sql = shared / "raw" / "cahyadsn_wilayah_boundaries" / "wilayah_boundaries_kel_64.02.sql"
    if not sql.exists():
        return None
    out = {}
    for m in _ROW.finditer(sql.read_text(encoding="utf-8")):
        path = json.loads(m.group(4))
        polys = path if isinstance(path[0][0][0], list) else [path]
        geo = [[[[pt[1], pt[0]] for pt in ring] for ring in poly] for poly in polys]
        out[m.group(1)] = (float(m.group(2)), float(m.group(3)), geo)
    return out


def write_geojson(polygons: dict[str, tuple[float, float, list]], path: Path) -> Path:
    """The polygons as a GeoJSON FeatureCollection (code in `kd_wilayah`), as a GIS exports."""
    features = [
        {
            "type": "Feature",
            "properties": {"kd_wilayah": code},
            "geometry": (
                {"type": "Polygon", "coordinates": geo[0]}
                if len(geo) == 1
                else {"type": "MultiPolygon", "coordinates": geo}
            ),
        }
        for code, (_lat, _lon, geo) in polygons.items()
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path
