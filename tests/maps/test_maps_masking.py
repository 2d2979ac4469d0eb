"""Masking an officer's free text: what the guard would refuse is replaced by "…", by the
same matching, so a masked landmark or address always renders."""

from __future__ import annotations

import dataclasses

import pytest
from maps_helpers import ESCAPED_VARIANTS, VARIANT_TERMS, hand_plan_view

from maps import (
    driver_map_html,
    forbidden_terms,
    mask_forbidden,
    route_geojson,
    route_gpx,
    route_sheet_html,
)
from maps.privacy import Guard

TERMS = VARIANT_TERMS


@pytest.mark.parametrize("text", ESCAPED_VARIANTS)
def test_every_variant_the_guard_refuses_is_masked(text):
    masked = mask_forbidden(f"dekat {text} ujung gang", TERMS)
    assert masked == "dekat … ujung gang"
    Guard(TERMS).check(masked)  # the guard agrees


def test_masking_keeps_what_the_driver_needs():
    assert mask_forbidden("belakang Rumah Aman, korban KDRT", TERMS) == "belakang …, …"
    assert mask_forbidden("Jl. Mawar No. 7, RT 03", TERMS) == "Jl. Mawar No. 7, RT 03"
    assert mask_forbidden("", TERMS) == ""
    # a caller's value as whole words only, as the guard matches it
    assert mask_forbidden("Anita, Tanjung; rumah Ibu Ani", ["Ani"]) == "Anita, Tanjung; rumah Ibu …"
    # the fixed words are always masked, with or without other terms
    assert mask_forbidden("korban banjir") == "… banjir"


def test_a_masked_landmark_renders_in_every_output():
    base = hand_plan_view()
    terms = forbidden_terms(base)
    info = base.stops["T1"]
    bad = dataclasses.replace(
        info,
        landmark=mask_forbidden("belakang Rumah Aman, korban KDRT", terms),
        address=mask_forbidden("sebelah Shelter internal, Jl. Tersembunyi 9", terms),
    )
    view = hand_plan_view(stops=[bad, *[s for k, s in base.stops.items() if k != "T1"]])
    for render in (driver_map_html, route_sheet_html, route_gpx, route_geojson):
        out = str(render(view, "v1"))
        assert "belakang …" in out and "sebelah …, …" in out, render.__name__
