"""Survivor safety: nothing sensitive in any output, and the guard refuses to emit."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from maps_helpers import ESCAPED_VARIANTS, VARIANT_TERMS, hand_plan_view, hm

from maps import (
    Place,
    PlaceKind,
    PrivacyError,
    StopInfo,
    VehicleInfo,
    driver_map_html,
    overview_html,
    render_all,
    route_geojson,
    route_gpx,
    route_sheet_html,
)
from maps.privacy import Guard, normalise
from routing.model import Location, TimeWindow, Urgency

FORBIDDEN = [
    "KDRT",
    "korban",
    "Rumah Aman",
    "Siti Aminah Rahasia",
    "Dewi Kartika Sari",
    "dipukul suami berulang kali",
    "kekerasan seksual",
    "jemput ke Rumah Aman",
    "Jl. Persembunyian No. 13",
    "Shelter Melati",
]


def poisoned_view():
    places = [
        Place(
            "depot",
            -0.4107,
            116.9903,
            "Kantor DP3A Kukar",
            "Kantor DP3A",
            PlaceKind.DEPOT,
            "Jl. Wolter Monginsidi",
        ),
        # the safe house: internal name and address are forbidden, only its public label shows
        Place(
            "rumah-aman-korban",
            -0.4320,
            116.9780,
            "Rumah Aman Shelter Melati KDRT",
            "Pos Layanan",
            PlaceKind.SAFE_HOUSE,
            "Jl. Persembunyian No. 13 (korban KDRT)",
            confidential=True,
        ),
    ]
    locations = [
        Location("depot", -0.4107, 116.9903),
        Location("rumah-aman-korban", -0.4320, 116.9780),
        Location("korban-kdrt-1", -0.5220, 117.0130),
        Location("korban-kdrt-2", -0.5480, 116.9960),
        Location("korban-kdrt-3", -0.4500, 117.0500),
    ]
    sensitive = dict(
        survivor_name="Siti Aminah Rahasia",
        notes="KDRT: dipukul suami berulang kali, korban",
        violence_kind="kekerasan seksual",
        kind_label="jemput ke Rumah Aman",
    )
    stops = [
        StopInfo(
            "korban-T1",
            "KKR-20261130-0001",
            "Loa Kulu Kota",
            "Loa Kulu",
            "Depan masjid",
            "RT 01",
            TimeWindow(hm(8), hm(10)),
            2,
            "0812-5555-0001",
            "planned",
            Urgency.DARURAT,
            **sensitive,
        ),
        StopInfo(
            "Rumah Aman T2",
            "KKR-20261130-0002",
            "Jembayan",
            "Loa Kulu",
            "Simpang",
            "RT 04",
            None,
            1,
            "0812-5555-0002",
            "planned",
            Urgency.SEGERA,
            survivor_name="Dewi Kartika Sari",
            notes="Rumah Aman penuh",
            violence_kind="KDRT psikis",
            kind_label="kunjungan korban",
        ),
        StopInfo(
            "kdrt-T3",
            "KKR-20261130-0003",
            "Embalut",
            "Tenggarong Seberang",
            "Posyandu",
            "",
            None,
            1,
            "0812-5555-0003",
            "new",
            Urgency.TERJADWAL,
            lat=-0.45,
            lon=117.05,
            **sensitive,
        ),
    ]
    vehicles = [
        VehicleInfo(
            "v1",
            "Mobil Perlindungan 1",
            "KT 1821 AB",
            "Rudi Hartono",
            TimeWindow(hm(7, 30), hm(16)),
        )
    ]
    return hand_plan_view(
        places=places,
        locations=locations,
        stops=stops,
        vehicles=vehicles,
        task_ids=("korban-T1", "Rumah Aman T2"),
    )


def _assert_clean(name: str, text: str) -> None:
    low = normalise(text)
    for term in FORBIDDEN:
        assert normalise(term) not in low, f"{term!r} in {name}"
    # also as written in ids (rumah-aman, rumah_aman)
    assert not re.search(r"rumah[\W_]*aman", low), name


def test_no_sensitive_value_in_any_output(tmp_path):
    view = poisoned_view()
    outputs = {
        "overview": overview_html(view),
        "overview-served": overview_html(view, assets="/static/vendor"),
        "driver": driver_map_html(view, "v1"),
        "sheet": route_sheet_html(view, "v1"),
        "gpx": route_gpx(view, "v1"),
        "geojson": json.dumps(route_geojson(view, "v1"), ensure_ascii=False),
    }
    for name, text in outputs.items():
        _assert_clean(name, text)
    for path in render_all(view, tmp_path):
        _assert_clean(path.name, path.name + path.read_text(encoding="utf-8"))
    # the safe house appears under its public label, without its address
    for name in ("driver", "sheet", "gpx", "geojson"):
        assert "Pos Layanan" in outputs[name], name
    assert "Persembunyian" not in outputs["sheet"]


def test_guard_refuses_a_forbidden_word_in_a_displayed_field(tmp_path):
    base = poisoned_view()
    info = base.stops["korban-T1"]
    for field, value in [
        ("landmark", "dekat rumah korban"),
        ("village", "Desa KDRT"),
        ("address", "sebelah Rumah  Aman"),
        ("landmark", "Siti Aminah Rahasia"),
    ]:
        bad = dataclasses.replace(info, **{field: value})
        view = hand_plan_view(
            places=list(base.places),
            locations=list(base.locations),
            stops=[bad, *[s for k, s in base.stops.items() if k != bad.task_id]],
            task_ids=("korban-T1", "Rumah Aman T2"),
        )
        for render in (
            lambda v: driver_map_html(v, "v1"),
            lambda v: route_sheet_html(v, "v1"),
            lambda v: route_gpx(v, "v1"),
            lambda v: route_geojson(v, "v1"),
        ):
            with pytest.raises(PrivacyError) as exc:
                render(view)
            assert value.lower() not in str(exc.value).lower()  # the error doesn't leak it
        out = tmp_path / field
        with pytest.raises(PrivacyError):
            render_all(view, out)
        assert not out.exists() or not list(Path(out).iterdir())  # nothing written


def test_guard_refuses_a_public_label_equal_to_the_internal_name():
    base = hand_plan_view()
    places = [
        dataclasses.replace(p, public_label=p.label) if p.confidential else p for p in base.places
    ]
    view = hand_plan_view(places=places)
    with pytest.raises(PrivacyError):
        driver_map_html(view, "v1")


def test_confidential_place_without_public_label_gets_a_neutral_one():
    base = hand_plan_view()
    places = [dataclasses.replace(p, public_label="") if p.confidential else p for p in base.places]
    html = route_sheet_html(hand_plan_view(places=places), "v1")
    assert "Pos Layanan" in html and "Shelter internal" not in html


@pytest.mark.parametrize("text", ESCAPED_VARIANTS)
def test_guard_sees_through_escapes(text):
    with pytest.raises(PrivacyError):
        Guard(VARIANT_TERMS).check(f"<p>{text}</p>")


def test_guard_matches_caller_values_as_whole_words():
    g = Guard(["Ani"])
    g.check("Anita, Tanjung")  # a different word: allowed
    with pytest.raises(PrivacyError):
        g.check("Ibu Ani")
