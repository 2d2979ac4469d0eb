"""The driver's route map: one self-contained HTML file that works with no network."""

from __future__ import annotations

import folium
from folium.elements import Element

from maps.common import (
    duration_text,
    esc,
    geo_uri,
    gmaps_url,
    hhmm,
    km_text,
    route_rows,
    vehicle_colour,
    window_text,
)
from maps.leaflet import Script, add_route_line, base_map, pin, popup
from maps.model import PlanView
from maps.privacy import guard_for

PAGE_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#111;background:#fff;display:flex;
 flex-direction:column;height:auto !important;min-height:100%}
.jk-head{order:0}.folium-map{order:1;flex:0 0 auto}.jk-list{order:2}
.jk-head{padding:6px 10px;background:#123;color:#fff;display:flex;flex-wrap:wrap;
 align-items:center;gap:6px 14px;font-size:14px}
.jk-head b{font-size:16px}
.jk-head button{margin-left:auto;font-size:15px;padding:6px 12px;border-radius:4px;
 border:0;background:#1a73e8;color:#fff}
.folium-map{height:58vh !important;min-height:260px;width:100%}
.jk-list{padding:4px 8px 40px}
.jk-stop{border-bottom:1px solid #ccc;padding:8px 2px;display:flex;gap:10px}
.jk-stop .n{flex:0 0 30px;height:30px;border-radius:50%;background:var(--c);color:#fff;
 font:bold 15px/30px Arial,sans-serif;text-align:center}
.jk-stop .d{flex:1;font-size:14px;line-height:1.4}
.jk-stop .d b{font-size:15px}
.jk-nav a{display:inline-block;margin:4px 8px 0 0;padding:5px 10px;border:1px solid #1a73e8;
 border-radius:4px;color:#1a73e8;text-decoration:none;font-size:14px}
.jk-end{color:#444;font-size:13px;padding:8px 2px}
"""

LOCATE_JS = """
(function () {
  var map = %(map)s, btn = document.getElementById('jk-locate'), dot = null, ring = null, id = null;
  if (!btn) { return; }
  btn.addEventListener('click', function () {
    if (!navigator.geolocation) { btn.textContent = 'GPS tidak tersedia'; return; }
    btn.textContent = 'Mencari posisi…';
    if (id !== null) { navigator.geolocation.clearWatch(id); }
    id = navigator.geolocation.watchPosition(function (p) {
      var ll = [p.coords.latitude, p.coords.longitude], acc = p.coords.accuracy || 0;
      if (!dot) {
        ring = L.circle(ll, {radius: acc, color: '#1a73e8', weight: 1,
                          fillOpacity: 0.12}).addTo(map);
        dot = L.circleMarker(ll, {radius: 8, color: '#fff', weight: 3, fillColor: '#1a73e8',
                                  fillOpacity: 1}).addTo(map);
        map.setView(ll, Math.max(map.getZoom(), 13));
      } else { dot.setLatLng(ll); ring.setLatLng(ll).setRadius(acc); }
      btn.textContent = 'Posisi saya (±' + Math.round(acc) + ' m)';
    }, function () { btn.textContent = 'Posisi tidak ditemukan'; },
    {enableHighAccuracy: true, maximumAge: 30000, timeout: 20000});
  });
})();
"""


def _nav(lat: float, lon: float) -> str:
    return (
        f'<span class="jk-nav"><a href="{esc(geo_uri(lat, lon))}">Navigasi (aplikasi)</a>'
        f'<a href="{esc(gmaps_url(lat, lon))}" target="_blank" rel="noopener">Google Maps</a>'
        "</span>"
    )


def driver_map_html(
    view: PlanView,
    vehicle_id: str,
    *,
    tiles: str | None = None,
    attribution: str | None = None,
) -> str:
    """One vehicle's route as a single HTML file, every script and stylesheet inline.

    `tiles`: a tile URL template (e.g. a local tile server); None draws no base map: the
    markers, the route line and the labels still show.
    """
    route = view.route(vehicle_id)
    vinfo = view.vehicle(vehicle_id)
    colour = vehicle_colour(view, vehicle_id)
    rows = route_rows(view, route)
    pts = [(r.lat, r.lon) for r in rows] or [(-0.4107, 116.9903)]
    center = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    day = view.day.isoformat() if view.day else ""
    m, block = base_map(
        center,
        tiles=tiles,
        attribution=attribution,
        assets="inline",
        cluster=False,
        title=f"Rute {vinfo.title} {day}".strip(),
    )
    root = m.get_root()
    root.header.add_child(Element(f"<style>{PAGE_CSS}</style>"), name="jk_page_css")

    add_route_line(m, pts, colour, weight=5)
    ends = [r for r in rows if not r.number]
    for r in ends[:1]:
        last = ends[-1] if len(ends) > 1 else None
        label = f"{hhmm(r.departure)}" + (f"–{hhmm(last.arrival)}" if last else "")
        mk = folium.Marker((r.lat, r.lon), icon=pin("D", "#222", time=label, place=True))
        popup(
            mk,
            f"<b>{esc(r.title)}</b><br>Berangkat {esc(hhmm(r.departure))}"
            + (f"<br>Kembali {esc(hhmm(last.arrival))}" if last else ""),
        )
        mk.add_to(m)
    for r in rows:
        if not r.number:
            continue
        mk = folium.Marker((r.lat, r.lon), icon=pin(r.label, colour, time=hhmm(r.arrival)))
        popup(
            mk,
            (
                f"<b>{r.number}. {esc(r.action)} · {esc(r.title)}</b><br>"
                + (f"Kec. {esc(r.kecamatan)}<br>" if r.kecamatan else "")
                + (f"{esc(r.landmark)}<br>" if r.landmark else "")
                + f"Tiba {esc(hhmm(r.arrival))}"
                + (f" ({esc(r.start_note)})" if r.start_note else "")
                + (f" · waktu {esc(r.window)}" if r.window else "")
                + "<br>"
                + (f"Ref. {esc(r.reference)} · " if r.reference else "")
                + f"{r.passengers} penumpang"
                + (f'<br>Telp. <a href="tel:{esc(r.phone)}">{esc(r.phone)}</a>' if r.phone else "")
                + "<br>"
                + _nav(r.lat, r.lon)
            ),
        )
        mk.add_to(m)
    if len(pts) > 1:
        m.fit_bounds(
            [
                [min(p[0] for p in pts), min(p[1] for p in pts)],
                [max(p[0] for p in pts), max(p[1] for p in pts)],
            ],
            padding=(24, 24),
        )
    m.add_child(Script(LOCATE_JS % {"map": m.get_name()}))

    shift = window_text(vinfo.shift) if vinfo.shift else ""
    n = sum(1 for r in rows if r.number)
    head = (
        f'<div class="jk-head"><b>{esc(vinfo.title)}</b>'
        + (f"<span>{esc(day)}</span>" if day else "")
        + (f"<span>Sopir: {esc(vinfo.driver)}</span>" if vinfo.driver else "")
        + (f"<span>Shift {esc(shift)}</span>" if shift else "")
        + f"<span>{n} titik · {esc(km_text(route.distance))} · "
        f"{esc(duration_text(route.span))}</span>"
        '<button id="jk-locate" type="button">Tampilkan posisi saya</button></div>'
    )
    root.html.add_child(Element(head), name="jk_head", index=0)
    items = []
    for r in rows:
        if not r.number:
            word = "Berangkat" if r.kind.value == "start" else "Kembali"
            t = hhmm(r.departure if r.kind.value == "start" else r.arrival)
            items.append(f'<div class="jk-end">{word} {esc(t)} — {esc(r.title)}</div>')
            continue
        items.append(
            f'<div class="jk-stop" style="--c:{colour}"><div class="n">{r.number}</div>'
            f'<div class="d"><b>{esc(hhmm(r.arrival))} · {esc(r.action)} · {esc(r.where)}</b><br>'
            + (f"Tiba lebih awal: {esc(r.start_note)}<br>" if r.start_note else "")
            + (f"{esc(r.landmark)}<br>" if r.landmark else "")
            + (f"Waktu {esc(r.window)} · " if r.window else "")
            + (f"Ref. {esc(r.reference)} · " if r.reference else "")
            + f"{r.passengers} penumpang"
            + (f' · Telp. <a href="tel:{esc(r.phone)}">{esc(r.phone)}</a>' if r.phone else "")
            + "<br>"
            + _nav(r.lat, r.lon)
            + "</div></div>"
        )
    root.html.add_child(
        Element('<div class="jk-list">' + "".join(items) + "</div>"), name="jk_list"
    )
    html = root.render()
    return guard_for(view).check(html, trusted=block.vendor, what="driver map")
