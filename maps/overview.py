"""The dispatcher's overview map: open requests, every vehicle's route, places, legend."""

from __future__ import annotations

import folium
from folium.elements import Element
from folium.plugins import MarkerCluster

from maps.common import (
    PLACE_KIND_LABELS,
    URGENCY_COLOURS,
    URGENCY_LABELS,
    esc,
    hhmm,
    km_text,
    route_rows,
    status_text,
    vehicle_colour,
    window_text,
)
from maps.leaflet import add_route_line, base_map, pin, popup, tooltip
from maps.model import PlanView
from maps.privacy import guard_for


def _bounds(view: PlanView) -> list[tuple[float, float]]:
    pts = [(p.lat, p.lon) for p in view.places]
    for r in view.plan.routes:
        pts += [(view.locations[s.location].lat, view.locations[s.location].lon) for s in r.stops]
    pts += [(s.lat, s.lon) for s in view.open_requests()]  # type: ignore[misc]
    return pts or [(-0.4107, 116.9903)]


def _build(view: PlanView, tiles: str | None, attribution: str | None, assets: str):
    pts = _bounds(view)
    center = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    title = f"{view.title} — peta rute" + (f" {view.day.isoformat()}" if view.day else "")
    m, block = base_map(
        center, tiles=tiles, attribution=attribution, assets=assets, cluster=True, title=title
    )

    # places (depot, service post, hospital, police...): public labels only
    places = folium.FeatureGroup(name="Tempat", show=True).add_to(m)
    for p in view.places:
        mk = folium.Marker(
            (p.lat, p.lon), icon=pin(p.display_label[:1].upper() or "T", "#222", place=True)
        )
        kind = PLACE_KIND_LABELS.get(p.kind, "Tempat")
        addr = f"<br>{esc(p.display_address)}" if p.display_address else ""
        popup(mk, f"<b>{esc(p.display_label)}</b><br>{esc(kind)}{addr}")
        tooltip(mk, p.display_label)
        mk.add_to(places)

    # open requests, clustered, coloured by urgency
    requests = view.open_requests()
    if requests:
        cluster = MarkerCluster(
            name=f"Permintaan terbuka ({len(requests)})", options={"maxClusterRadius": 40}
        )
        cluster.default_js = []
        cluster.default_css = []
        cluster.add_to(m)
        for r in requests:
            colour = URGENCY_COLOURS.get(r.urgency, "#555")
            cm = folium.CircleMarker(
                (r.lat, r.lon),
                radius=8,
                color="#222",
                weight=1,
                fill=True,
                fill_color=colour,
                fill_opacity=0.9,
            )
            where = f"{esc(r.village)}" + (f", Kec. {esc(r.kecamatan)}" if r.kecamatan else "")
            popup(
                cm,
                (
                    f"<b>{esc(r.reference)}</b><br>{where}<br>"
                    f"Urgensi: {esc(URGENCY_LABELS.get(r.urgency, ''))}<br>"
                    f"Waktu: {esc(window_text(r.time_window) or '—')}<br>"
                    f"Status: {esc(status_text(r.status))}"
                ),
            )
            tooltip(cm, f"{r.reference} · {r.village}")
            cm.add_to(cluster)

    # one layer per vehicle
    for route in view.plan.routes:
        vinfo = view.vehicle(route.vehicle)
        colour = vehicle_colour(view, route.vehicle)
        rows = route_rows(view, route)
        n = sum(1 for r in rows if r.number)
        fg = folium.FeatureGroup(
            name=f'<span style="color:{colour}">&#9632;</span> {esc(vinfo.title)} '
            f"({n} titik, {esc(km_text(route.distance))})",
            show=True,
        ).add_to(m)
        add_route_line(fg, [(r.lat, r.lon) for r in rows], colour)
        for r in rows:
            if not r.number:
                continue
            mk = folium.Marker((r.lat, r.lon), icon=pin(r.label, colour))
            popup(
                mk,
                (
                    f"<b>{r.number}. {esc(r.action)} — {esc(r.reference or '')}</b><br>"
                    f"{esc(r.where)}<br>"
                    f"Tiba: {esc(hhmm(r.arrival))} · Waktu: {esc(r.window or '—')}<br>"
                    f"Status: {esc(status_text(r.status))}<br>Mobil: {esc(vinfo.title)}"
                ),
            )
            tooltip(mk, f"{r.number}. {r.title} {hhmm(r.arrival)}")
            mk.add_to(fg)

    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(
        [
            [min(p[0] for p in pts), min(p[1] for p in pts)],
            [max(p[0] for p in pts), max(p[1] for p in pts)],
        ],
        padding=(20, 20),
    )
    m.get_root().html.add_child(Element(_legend(view)), name="jk_legend")
    return m, block


def _legend(view: PlanView) -> str:
    rows = ["<b>Keterangan</b>"]
    for u, c in URGENCY_COLOURS.items():
        rows.append(f'<i class="c" style="background:{c}"></i>Permintaan {URGENCY_LABELS[u]}')
    for route in view.plan.routes:
        c = vehicle_colour(view, route.vehicle)
        rows.append(f'<i style="background:{c}"></i>Rute {esc(view.vehicle(route.vehicle).title)}')
    rows.append('<i style="background:#222"></i>Tempat (kantor, RS, polisi, layanan)')
    rows.append("&#9650; arah perjalanan · angka = urutan singgah")
    if view.plan.unserved:
        rows.append(f"Tidak terlayani: {len(view.plan.unserved)} permintaan")
    return '<div class="jk-legend">' + "<br>".join(rows) + "</div>"


def overview_map(
    view: PlanView,
    *,
    tiles: str | None = None,
    attribution: str | None = None,
    assets: str = "inline",
) -> folium.Map:
    """The dispatcher overview as a folium Map, checked by the privacy guard; prefer
    `overview_html` for serving (one build instead of two).

    `assets`: "inline" (Leaflet and markercluster inlined from node_modules) or a URL
    prefix under which the service serves node_modules (e.g. "/static/vendor").
    """
    # folium appends some calls again on every render, so the map that is checked is a twin
    # built from the same input; the returned one has not been rendered yet
    overview_html(view, tiles=tiles, attribution=attribution, assets=assets)
    m, _ = _build(view, tiles, attribution, assets)
    return m


def overview_html(
    view: PlanView,
    *,
    tiles: str | None = None,
    attribution: str | None = None,
    assets: str = "inline",
) -> str:
    m, block = _build(view, tiles, attribution, assets)
    html = m.get_root().render()
    return guard_for(view).check(html, trusted=block.vendor, what="overview map")
