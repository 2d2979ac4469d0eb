"""GPX 1.1 and GeoJSON of one route, for offline navigation apps (OsmAnd, Organic Maps)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from maps.common import StopRow, hhmm, route_rows
from maps.model import PlanView
from maps.privacy import guard_for

GPX_NS = "http://www.topografix.com/GPX/1/1"


def _ll(r: StopRow) -> dict[str, str]:
    return {"lat": f"{r.lat:.6f}", "lon": f"{r.lon:.6f}"}


def _name(r: StopRow) -> str:
    if r.number:
        return f"{r.number:02d} {r.action} {r.title}"
    return f"{'Berangkat' if r.kind.value == 'start' else 'Kembali'} {r.title}"


def _desc(r: StopRow) -> str:
    t = r.departure if r.kind.value == "start" else r.arrival
    parts = [f"Tiba {hhmm(t)}" if r.kind.value != "start" else f"Berangkat {hhmm(t)}"]
    if r.start_note:
        parts.append(r.start_note)
    if r.kecamatan:
        parts.append(f"Kec. {r.kecamatan}")
    if r.window:
        parts.append(f"waktu {r.window}")
    if r.landmark:
        parts.append(r.landmark)
    if r.reference:
        parts.append(f"Ref. {r.reference}")
    if r.number:
        parts.append(f"{r.passengers} penumpang")
    if r.phone:
        parts.append(f"Telp. {r.phone}")
    return " · ".join(parts)


def route_gpx(view: PlanView, vehicle_id: str) -> str:
    route = view.route(vehicle_id)
    vinfo = view.vehicle(vehicle_id)
    rows = route_rows(view, route)
    ET.register_namespace("", GPX_NS)
    gpx = ET.Element(f"{{{GPX_NS}}}gpx", {"version": "1.1", "creator": "Jangkau"})
    meta = ET.SubElement(gpx, f"{{{GPX_NS}}}metadata")
    title = f"Rute {vinfo.title}" + (f" {view.day.isoformat()}" if view.day else "")
    ET.SubElement(meta, f"{{{GPX_NS}}}name").text = title
    if vinfo.driver:  # GPX 1.1: <desc> follows <name>
        ET.SubElement(meta, f"{{{GPX_NS}}}desc").text = f"Sopir: {vinfo.driver}"
    seen: set[tuple[float, float, int]] = set()
    for r in rows:
        key = (r.lat, r.lon, r.number)
        if key in seen:
            continue
        seen.add(key)
        wpt = ET.SubElement(gpx, f"{{{GPX_NS}}}wpt", _ll(r))
        ET.SubElement(wpt, f"{{{GPX_NS}}}name").text = _name(r)
        ET.SubElement(wpt, f"{{{GPX_NS}}}desc").text = _desc(r)
    rte = ET.SubElement(gpx, f"{{{GPX_NS}}}rte")
    ET.SubElement(rte, f"{{{GPX_NS}}}name").text = title
    for r in rows:
        pt = ET.SubElement(rte, f"{{{GPX_NS}}}rtept", _ll(r))
        ET.SubElement(pt, f"{{{GPX_NS}}}name").text = _name(r)
    trk = ET.SubElement(gpx, f"{{{GPX_NS}}}trk")
    ET.SubElement(trk, f"{{{GPX_NS}}}name").text = title
    seg = ET.SubElement(trk, f"{{{GPX_NS}}}trkseg")
    for r in rows:
        ET.SubElement(seg, f"{{{GPX_NS}}}trkpt", _ll(r))
    ET.indent(gpx)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(gpx, encoding="unicode")
    return guard_for(view).check(text + "\n", what="GPX")


def route_geojson(view: PlanView, vehicle_id: str) -> dict[str, Any]:
    route = view.route(vehicle_id)
    vinfo = view.vehicle(vehicle_id)
    rows = route_rows(view, route)
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[r.lon, r.lat] for r in rows]},
            "properties": {
                "kind": "route",
                "vehicle": vinfo.title,
                "driver": vinfo.driver,
                "date": view.day.isoformat() if view.day else None,
                "stops": sum(1 for r in rows if r.number),
                "distance_m": route.distance,
                "driving_s": route.driving,
            },
        }
    ]
    for r in rows:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                "properties": {
                    "kind": r.kind.value,
                    "number": r.number or None,
                    "name": _name(r),
                    "action": r.action,
                    "village": r.title,
                    "kecamatan": r.kecamatan or None,
                    "landmark": r.landmark or None,
                    "reference": r.reference or None,
                    "arrival": hhmm(r.arrival),
                    "departure": hhmm(r.departure),
                    "service_start": hhmm(r.arrival + r.wait),
                    "window": r.window or None,
                    "passengers": r.passengers if r.number else None,
                    "contact_phone": r.phone or None,
                },
            }
        )
    data = {"type": "FeatureCollection", "features": features}
    guard_for(view).check(json.dumps(data, ensure_ascii=False), what="GeoJSON")
    return data
