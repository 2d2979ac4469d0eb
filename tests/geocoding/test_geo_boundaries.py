"""Village boundaries: a GPS point's village by point-in-polygon, the regency's outline as
the union of its villages, the far-from-village flag; and without boundaries, the
approximate region check and the nearest-kecamatan fallback, said in a flag."""

from __future__ import annotations

import csv
import json

import pytest
from geo_points import (
    DISTRICT_POINTS,
    KUKAR_BBOX,
    MUARA_TIQ,
    OUTSIDE_KUKAR,
    TENGGARONG,
    kukar_polygons,
    write_geojson,
)

from dispatch.geocoding import Boundaries, Gazetteer, Geocoder, load_points
from dispatch.geocoding.boundaries import SIMPLIFY_DEG, simplify_ring


def square(west, south, east, north):
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


# A toy regency of three villages in two kecamatan (GeoJSON order: lon, lat).
A, B, C = "64.02.06.1005", "64.02.06.1006", "64.02.16.2002"
TOY = {
    A: [[square(116.0, -0.5, 116.1, -0.4)]],
    B: [[square(116.1, -0.5, 116.2, -0.4), square(116.13, -0.47, 116.17, -0.43)]],  # a hole
    C: [[square(116.3, -0.5, 116.4, -0.4)], [square(116.5, -0.5, 116.6, -0.4)]],  # two parts
}
IN_A, IN_B, IN_C2 = (-0.45, 116.05), (-0.45, 116.11), (-0.45, 116.55)
HOLE, GAP = (-0.45, 116.15), (-0.45, 116.45)


def toy_geocoder(shapes=TOY) -> Geocoder:
    gaz = Gazetteer(
        "64.02",
        {"64.02.06": DISTRICT_POINTS["64.02.06"], "64.02.16": DISTRICT_POINTS["64.02.16"]},
        districts={"64.02.06": "Tenggarong", "64.02.16": "Tenggarong Seberang"},
        villages={A: "Melayu", B: "Panji", C: "Bukit Raya"},
    )
    return Geocoder(
        "64.02", bbox=(-1.0, 115.5, 0.0, 117.5), gazetteer=gaz, boundaries=Boundaries(shapes)
    )


def test_point_in_polygon_with_holes_and_parts():
    b = Boundaries(TOY)
    assert b.village_at(*IN_A) == A and b.village_at(*IN_B) == B and b.village_at(*IN_C2) == C
    assert b.village_at(*HOLE) is None and b.village_at(*GAP) is None
    assert b.km(A, *IN_A) == 0 and b.km("64.02.99.9999", *IN_A) is None
    assert b.km(A, *IN_C2) == pytest.approx(0.45 * 111.32, rel=0.01)
    near = b.nearest(-0.45, 116.6 + 0.2 / 111.32, 0.5)  # 200 m east of C's second part
    assert near is not None and near[0] == C and near[1] == pytest.approx(0.2, abs=0.01)
    assert b.nearest(-0.45, 116.6 + 2 / 111.32, 0.5) is None
    assert b.covers([A, B, C]) and not b.covers([A, "64.02.16.2001"])


def test_simplified_and_stored_boundaries_answer_the_same():
    wiggly = [[116.0 + i * 0.001, -0.5 + (1e-6 if i % 2 else 0.0)] for i in range(101)]
    ring = wiggly + [[116.1, -0.4], [116.0, -0.4]]  # 100 points on the south edge
    simple = simplify_ring([tuple(p) for p in ring], SIMPLIFY_DEG)
    assert len(simple) <= 6
    u_shape = [(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)]
    assert len(simplify_ring(u_shape, 0.01)) == 8  # a concave corner is never cut
    b = Boundaries({A: [[ring]]}, simplify=SIMPLIFY_DEG)
    assert b.vertices <= 6 and b.village_at(-0.45, 116.05) == A
    again = Boundaries.from_json(json.loads(json.dumps(Boundaries(TOY).to_json("64.02"))))
    for p in (IN_A, IN_B, IN_C2, HOLE, GAP):
        assert again.village_at(*p) == Boundaries(TOY).village_at(*p)
    with pytest.raises(ValueError):
        Boundaries.from_json({"format": "something else"})


def test_with_every_village_bounded_a_point_outside_them_all_is_outside_the_region():
    g = toy_geocoder()
    assert g.region_by_boundaries and not g.region_check_approximate
    assert g.inside_region(*IN_A) and not g.inside_region(*HOLE) and not g.inside_region(*GAP)
    [c] = g.resolve(f"{GAP[0]}, {GAP[1]}")
    assert c.error == "outside_region" and "luar wilayah" in c.message
    [c] = g.resolve(f"{IN_B[0]}, {IN_B[1]}")
    assert (c.code, c.district_code, c.flag) == (B, "64.02.06", "")
    assert "inside the boundary" in c.note


def test_check_point_gives_the_village_and_flags_a_far_one():
    g = toy_geocoder()
    at = g.check_point(*IN_C2)  # GPS only: the village holding the point
    assert (at.inside, at.village_code, at.district_code, at.flag) == (True, C, "64.02.16", "")
    at = g.check_point(*HOLE)
    assert (at.inside, at.flag, at.village_code) == (False, "outside_region", None)
    at = g.check_point(*IN_A, C)  # the officer chose C, the point is in A
    assert (at.village_code, at.flag) == (C, "far_from_village")
    at = g.check_point(-0.45, 116.3 - 0.5 / 111.32, C)  # 500 m outside C: GPS error
    assert (at.village_code, at.flag) == (C, "")
    at = g.check_point(*IN_B, "64.02.06")  # a kecamatan chosen: the village is filled in
    assert (at.village_code, at.district_code, at.flag) == (B, "64.02.06", "")
    at = g.check_point(*IN_B, "64.02.16")
    assert (at.village_code, at.district_code, at.flag) == (None, "64.02.16", "far_from_village")


def test_boundaries_for_some_villages_place_points_but_the_region_stays_approximate():
    g = toy_geocoder({A: TOY[A]})
    assert not g.region_by_boundaries and g.region_check_approximate
    at = g.check_point(*IN_A)
    assert (at.village_code, at.flag, at.placement.how) == (A, "", "boundary")
    at = g.check_point(*GAP)  # not in A's polygon: the nearest kecamatan point, approximate
    assert at.inside and at.flag == "region_approximate" and at.village_code is None
    assert at.placement.how == "nearest_kecamatan_point"


# ---- without boundaries (the demo install) -------------------------------------------------
def test_without_boundaries_a_gps_point_gets_the_nearest_kecamatan_and_says_so(geocoder):
    at = geocoder.check_point(-0.30, 116.99)  # Sebulu, no village points known
    assert (at.inside, at.village_code, at.district_code) == (True, None, "64.02.07")
    assert at.flag == "region_approximate"
    assert at.placement.how == "nearest_kecamatan_point" and at.placement.approximate
    [c] = geocoder.resolve("-0.30, 116.99")
    assert c.code == "64.02.07" and c.flag == "region_approximate"
    assert "approximate" in c.note and c.as_dict()["flag"] == "region_approximate"


def test_without_boundaries_the_nearest_village_point_and_the_flag(pinned):
    at = pinned.check_point(-0.4260, 116.9850)
    assert (at.village_code, at.district_code) == ("64.02.06.1005", "64.02.06")
    assert at.flag == "region_approximate" and at.placement.how == "nearest_village_point"


def test_without_boundaries_samarinda_passes_only_as_approximate(geocoder):
    # The bounding box holds Samarinda: accepted, but never silently.
    at = geocoder.check_point(*OUTSIDE_KUKAR["Samarinda"])
    assert at.inside and at.flag == "region_approximate"
    assert not geocoder.check_point(-6.2, 106.8).inside  # Jakarta: outside the box


def test_without_boundaries_a_point_far_from_the_chosen_village_is_flagged(geocoder, pinned):
    assert geocoder.check_point(*TENGGARONG, MUARA_TIQ).flag == "far_from_village"
    assert geocoder.check_point(1.16, 115.90, MUARA_TIQ).flag == ""  # in Muara Tiq
    assert geocoder.check_point(*TENGGARONG, "64.02.12").flag == "far_from_village"
    panji = "64.02.06.1006"  # with its own village point
    assert pinned.check_point(-0.4256, 116.9845, panji).flag == ""  # Melayu, 2 km away
    assert pinned.check_point(1.16, 115.90, panji).flag == "far_from_village"
    at = geocoder.check_point(*TENGGARONG, MUARA_TIQ)
    assert (at.village_code, at.district_code) == (MUARA_TIQ, "64.02.12")  # kept


# ---- Kukar's real boundaries (shared gazetteer; skipped without it) -----------------------
@pytest.fixture(scope="module")
def kukar(tmp_path_factory):
    from geo_points import SHARED_GAZETTEER

    polys = kukar_polygons(SHARED_GAZETTEER)
    if polys is None:
        pytest.skip(f"shared gazetteer boundaries not found at {SHARED_GAZETTEER}")
    path = write_geojson(polys, tmp_path_factory.mktemp("geo") / "kukar.geojson")
    report = load_points(path, region_code="64.02", bbox=KUKAR_BBOX)
    assert report.ok and len(report.polygons) == 237
    boundaries = Boundaries(report.polygons, simplify=SIMPLIFY_DEG)
    return Geocoder("64.02", DISTRICT_POINTS, report.points, bbox=KUKAR_BBOX).with_points(
        boundaries=boundaries
    )


def _geomcheck():
    from geo_points import SHARED_GAZETTEER

    with (SHARED_GAZETTEER / "kukar_villages_geomcheck.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("city", sorted(OUTSIDE_KUKAR))
def test_kukar_boundaries_refuse_the_cities_around_it(kukar, city):
    lat, lon = OUTSIDE_KUKAR[city]
    assert kukar.region_by_boundaries
    assert not kukar.inside_region(lat, lon)
    at = kukar.check_point(lat, lon)
    assert (at.inside, at.flag, at.village_code, at.district_code) == (
        False,
        "outside_region",
        None,
        None,
    )
    [c] = kukar.resolve(f"{lat:.4f}, {lon:.4f}")
    assert c.error == "outside_region"


def test_kukar_boundaries_give_every_village_its_own_interior_point(kukar):
    for r in _geomcheck():
        at = kukar.check_point(float(r["interior_lat"]), float(r["interior_lon"]))
        assert (at.village_code, at.flag, at.placement.how) == (r["code"], "", "boundary")


def test_a_point_in_tenggarong_seberang_gets_its_village_exactly(kukar):
    seberang = [r for r in _geomcheck() if r["code"].startswith("64.02.16.")]
    assert len(seberang) == 18
    for r in seberang:
        lat, lon = float(r["interior_lat"]), float(r["interior_lon"])
        at = kukar.check_point(lat, lon)
        assert (at.village_code, at.district_code, at.flag) == (r["code"], "64.02.16", "")
        assert kukar.check_point(lat, lon, "64.02.16").village_code == r["code"]
    at = kukar.check_point(*TENGGARONG)
    assert (at.village_code, at.flag) == ("64.02.06.1005", "")  # Melayu, not a guess


def test_kukar_boundaries_flag_a_point_far_from_the_chosen_village(kukar):
    assert kukar.check_point(*TENGGARONG, MUARA_TIQ).flag == "far_from_village"
    inside = next(r for r in _geomcheck() if r["code"] == MUARA_TIQ)
    lat, lon = float(inside["interior_lat"]), float(inside["interior_lon"])
    assert kukar.check_point(lat, lon, MUARA_TIQ).flag == ""
    assert kukar.check_point(*TENGGARONG, "64.02.12").flag == "far_from_village"
    assert kukar.check_point(*TENGGARONG, "64.02.06").village_code == "64.02.06.1005"
