"""Odd input: markup in display fields, an empty route, unknown tasks."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from maps_helpers import hand_plan_view, hm

from maps import VehicleInfo, driver_map_html, overview_html, route_gpx, route_sheet_html
from routing.model import Plan, PlannedStop, Route, StopKind

EVIL = "</script><img src=x onerror=alert(1)>`${alert(2)}`'\"&"


def test_markup_in_display_fields_is_escaped():
    base = hand_plan_view()
    stops = [
        dataclasses.replace(
            s, village=EVIL, landmark=EVIL, reference=EVIL, contact_phone=EVIL, status=EVIL
        )
        for s in base.stops.values()
    ]
    vehicles = [VehicleInfo("v1", EVIL, EVIL, EVIL, color="red;background:url(x)")]
    view = hand_plan_view(stops=stops, vehicles=vehicles)
    for text in (overview_html(view), driver_map_html(view, "v1"), route_sheet_html(view, "v1")):
        assert "<img src=x" not in text
        assert "${alert" not in text
        assert "url(x)" not in text  # a caller colour that is not a plain colour is dropped
    ET.fromstring(route_gpx(view, "v1").encode())  # still well-formed XML


def test_route_with_no_task_stops_and_tasks_without_info():
    base = hand_plan_view()
    empty = Route(
        "v1",
        [
            PlannedStop(StopKind.START, 0, hm(7, 30), hm(7, 30)),
            PlannedStop(StopKind.END, 0, hm(7, 30), hm(7, 30)),
        ],
    )
    view = dataclasses.replace(base, plan=Plan(routes=[empty], unserved=[]))
    assert "Berangkat 07:30" in driver_map_html(view, "v1")
    assert "Titik singgah" in route_sheet_html(view, "v1")

    unknown = Route(
        "v1",
        [
            PlannedStop(StopKind.START, 0, hm(7), hm(7)),
            PlannedStop(StopKind.VISIT, 4, hm(8), hm(9), task="nope"),
            PlannedStop(StopKind.END, 0, hm(10), hm(10)),
        ],
    )
    view = dataclasses.replace(base, plan=Plan(routes=[unknown], unserved=[]))
    html = driver_map_html(view, "v1")
    assert "Titik tujuan" in html and "nope" not in html  # task ids are never shown
