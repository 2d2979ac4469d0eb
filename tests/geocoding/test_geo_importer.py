"""`read_points` / `load_points`: CSV and GeoJSON reference points, validated."""

from __future__ import annotations

import json

import pytest

from dispatch.geocoding import Point, PointsImportError, load_points, read_points
from dispatch.geocoding.importer import polylabel

KUKAR_BBOX = (-1.35, 115.25, 1.60, 117.75)


def inside(lon: float, lat: float, rings) -> bool:
    """Even-odd rule over all rings (holes included)."""
    hit = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                hit = not hit
    return hit


def centroid(ring):
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        f = x1 * y2 - x2 * y1
        a += f
        cx += (x1 + x2) * f
        cy += (y1 + y2) * f
    return cx / (3 * a), cy / (3 * a)


# A U-shaped village (lon, lat): two arms joined at the bottom; its centroid lies in the gap.
U_SHAPE = [
    [116.90, -0.50],
    [117.00, -0.50],
    [117.00, -0.40],
    [116.98, -0.40],
    [116.98, -0.48],
    [116.92, -0.48],
    [116.92, -0.40],
    [116.90, -0.40],
    [116.90, -0.50],
]


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def feature(code, geometry, key="code"):
    return {"type": "Feature", "properties": {key: code, "nama": "x"}, "geometry": geometry}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


# ---- CSV ---------------------------------------------------------------------------------
def test_csv_points_with_extra_columns(tmp_path):
    p = write(
        tmp_path,
        "pts.csv",
        "code,name,lat,lon,source\n"
        "64.02.07.2005,Sebulu Ilir,-0.2669,116.9428,survey 2026\n"
        "64.02.06.1006,Panji,-0.4065,116.9715,\n"
        "64.02.07,Sebulu,-0.30,116.995,seat\n",
    )
    pts = read_points(p, region_code="64.02", bbox=KUKAR_BBOX)
    assert pts["64.02.07.2005"] == Point(-0.2669, 116.9428, "import pts.csv: survey 2026")
    assert pts["64.02.06.1006"].source == "import pts.csv"
    assert set(pts) == {"64.02.07.2005", "64.02.06.1006", "64.02.07"}


def test_csv_semicolons_and_other_column_names(tmp_path):
    p = write(tmp_path, "pts.csv", "kode;latitude;longitude\n64.02.06.1006;-0.4065;116.9715\n")
    assert read_points(p, region_code="64.02")["64.02.06.1006"].lat == -0.4065


def test_csv_header_is_required(tmp_path):
    p = write(tmp_path, "pts.csv", "64.02.07.2005,-0.2669,116.9428\n")
    with pytest.raises(PointsImportError) as exc:
        read_points(p, region_code="64.02")
    assert "header" in str(exc.value)


def test_csv_problems_are_reported_not_skipped(tmp_path):
    p = write(
        tmp_path,
        "pts.csv",
        "code,lat,lon\n"
        "64.02.07.2005,-0.2669,116.9428\n"  # fine
        "64.02.07.9999,-0.2669,116.9428\n"  # unknown village
        "64.03.01.2001,-0.2669,116.9428\n"  # another regency
        "64.02.06.1006,-95,116.97\n"  # out of range
        "64.02.06.1005,-6.2,106.8\n"  # outside the regency
        "64.02.06.1004,abc,116.9\n"  # not a number
        "Sebulu,-0.26,116.94\n"  # not a code
        "64.02.07.2005,-0.2670,116.9429\n",  # duplicate
    )
    report = load_points(p, region_code="64.02", bbox=KUKAR_BBOX)
    assert set(report.points) == {"64.02.07.2005"}
    assert report.rows == 7  # the unreadable number is reported before counting
    text = "\n".join(report.problems)
    assert len(report.problems) == 7
    for fragment in (
        "unknown code 64.02.07.9999",
        "unknown code 64.03.01.2001",
        "out of range",
        "outside the regency",
        "not numbers",
        "not a Kemendagri code",
        "more than once",
    ):
        assert fragment in text
    assert "line 3" in text  # says where
    with pytest.raises(PointsImportError) as exc:
        read_points(p, region_code="64.02", bbox=KUKAR_BBOX)
    assert exc.value.report.problems == report.problems


def test_known_codes_given_directly(tmp_path):
    p = write(tmp_path, "pts.csv", "code,lat,lon\n64.02.07.2005,-0.2669,116.9428\n")
    assert read_points(p, known_codes={"64.02.07.2005"})
    with pytest.raises(PointsImportError):
        read_points(p, known_codes={"64.02.07.2004"})


def test_empty_file_is_a_problem(tmp_path):
    p = write(tmp_path, "pts.csv", "code,lat,lon\n")
    with pytest.raises(PointsImportError, match="no points"):
        read_points(p, region_code="64.02")


# ---- GeoJSON -----------------------------------------------------------------------------
def test_geojson_point_features(tmp_path):
    p = write(
        tmp_path,
        "pts.geojson",
        collection(feature("64.02.07.2005", {"type": "Point", "coordinates": [116.9428, -0.2669]})),
    )
    pt = read_points(p, region_code="64.02")["64.02.07.2005"]
    assert (pt.lat, pt.lon) == (-0.2669, 116.9428)


def test_concave_polygon_gets_an_interior_point_not_the_centroid(tmp_path):
    cx, cy = centroid(U_SHAPE[:-1])
    assert not inside(cx, cy, [U_SHAPE[:-1]])  # the centroid falls in the gap of the U
    p = write(
        tmp_path,
        "u.geojson",
        collection(feature("64.02.06.1002", {"type": "Polygon", "coordinates": [U_SHAPE]})),
    )
    pt = read_points(p, region_code="64.02")["64.02.06.1002"]
    assert inside(pt.lon, pt.lat, [U_SHAPE[:-1]])
    assert "interior point" in pt.source


def test_polygon_with_a_hole(tmp_path):
    outer = [[116.0, -1.0], [117.0, -1.0], [117.0, 0.0], [116.0, 0.0], [116.0, -1.0]]
    hole = [[116.2, -0.8], [116.8, -0.8], [116.8, -0.2], [116.2, -0.2], [116.2, -0.8]]
    x, y = polylabel([outer, hole])
    assert inside(x, y, [outer[:-1], hole[:-1]])


def test_multipolygon_uses_its_largest_part(tmp_path):
    small = [[117.30, -0.60], [117.31, -0.60], [117.31, -0.59], [117.30, -0.60]]
    geom = {"type": "MultiPolygon", "coordinates": [[small], [U_SHAPE]]}
    p = write(tmp_path, "m.geojson", collection(feature("64.02.06.1002", geom, key="kd_wilayah")))
    pt = read_points(p, region_code="64.02")["64.02.06.1002"]
    assert inside(pt.lon, pt.lat, [U_SHAPE[:-1]])


def test_code_property_is_configurable(tmp_path):
    geom = {"type": "Point", "coordinates": [116.9428, -0.2669]}
    p = write(tmp_path, "p.geojson", collection(feature("64.02.07.2005", geom, key="KODE_KEL")))
    with pytest.raises(PointsImportError, match="no code property"):
        read_points(p, region_code="64.02")
    assert read_points(p, region_code="64.02", code_property="KODE_KEL")


def test_geojson_problems(tmp_path):
    p = write(
        tmp_path,
        "bad.geojson",
        collection(
            feature("64.02.07.2005", {"type": "LineString", "coordinates": [[116, -0.2]] * 2}),
            feature("64.02.99.2001", {"type": "Point", "coordinates": [116.9, -0.3]}),
            feature("64.02.07.2004", {"type": "Point", "coordinates": [106.8, -6.2]}),
        ),
    )
    report = load_points(p, region_code="64.02", bbox=KUKAR_BBOX)
    assert report.points == {}
    assert len(report.problems) == 3
    write(tmp_path, "broken.geojson", "{not json")
    assert "not valid JSON" in load_points(tmp_path / "broken.geojson").problems[0]


def test_polylabel_on_simple_shapes():
    square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    x, y = polylabel([square], precision=1e-6)
    assert abs(x - 1) < 1e-3 and abs(y - 1) < 1e-3
    x, y = polylabel([U_SHAPE])
    assert inside(x, y, [U_SHAPE[:-1]])
