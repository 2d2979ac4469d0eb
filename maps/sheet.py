"""The printable A4 route sheet: header, totals, a route diagram, the stop table with QR codes."""

from __future__ import annotations

import math

import segno

from maps.common import (
    StopRow,
    duration_text,
    esc,
    gmaps_url,
    hhmm,
    km_text,
    route_rows,
    window_text,
)
from maps.model import PlanView
from maps.privacy import guard_for

SHEET_CSS = """
@page{size:A4 portrait;margin:10mm}
*{box-sizing:border-box}
body{font-family:Arial,Helvetica,sans-serif;color:#000;background:#fff;margin:0;font-size:10.5pt}
.page{max-width:190mm;margin:0 auto;padding:4mm 0}
h1{font-size:16pt;margin:0 0 2mm}
.meta{display:grid;grid-template-columns:repeat(4,auto);gap:1mm 6mm;margin-bottom:2mm}
.meta div span{display:block;font-size:8pt;text-transform:uppercase;letter-spacing:.03em}
.meta div b{font-size:11.5pt}
.diagram{border:1px solid #000;margin:2mm 0}
.diagram svg{display:block;width:100%;height:auto}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th,td{border:1px solid #000;padding:1.2mm;vertical-align:top;text-align:left}
th{font-size:8.5pt;background:#eee}
td{font-size:9.5pt;line-height:1.3}
td.no{text-align:center;font-size:13pt;font-weight:bold}
td.qr{padding:.6mm;text-align:center}
td.qr svg{width:21mm;height:21mm}
td.note{font-size:8.5pt;line-height:2}
tr{page-break-inside:avoid;break-inside:avoid}
thead{display:table-header-group}
.small{font-size:8pt}
.foot{margin-top:3mm;font-size:8pt;border-top:1px solid #000;padding-top:1mm}
@media screen{body{background:#888}.page{background:#fff;padding:10mm;margin:6mm auto;
 max-width:210mm;box-shadow:0 0 4px #000}}
"""


def _qr(lat: float, lon: float) -> str:
    return segno.make(gmaps_url(lat, lon), error="l").svg_inline(
        scale=1, border=1, omitsize=True, title="Scan untuk navigasi"
    )


def diagram_svg(rows: list[StopRow], width: int = 720, height: int = 250) -> str:
    """A small route diagram from coordinates (equirectangular), black and white."""
    if not rows:
        return ""
    lat0 = sum(r.lat for r in rows) / len(rows)
    k = math.cos(math.radians(lat0))
    xs = [r.lon * k for r in rows]
    ys = [-r.lat for r in rows]
    pad = 22
    dx = max(max(xs) - min(xs), 1e-6)
    dy = max(max(ys) - min(ys), 1e-6)
    scale = min((width - 2 * pad - 60) / dx, (height - 2 * pad) / dy)
    cx = (max(xs) + min(xs)) / 2
    cy = (max(ys) + min(ys)) / 2

    def pt(i: int) -> tuple[float, float]:
        return (width / 2 + (xs[i] - cx) * scale, height / 2 + (ys[i] - cy) * scale)

    pts = [pt(i) for i in range(len(rows))]
    out = [
        f'<svg viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        'role="img" aria-label="Diagram rute" font-family="Arial,Helvetica,sans-serif">',
        '<defs><marker id="a" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="5" '
        'markerHeight="5" orient="auto"><path d="M0,0L10,5L0,10z" fill="#000"/></marker>'
        "</defs>",
    ]
    for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
        if abs(x1 - x2) + abs(y1 - y2) < 0.5:
            continue
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        out.append(
            f'<polyline points="{x1:.1f},{y1:.1f} {mx:.1f},{my:.1f} {x2:.1f},{y2:.1f}" '
            'fill="none" stroke="#000" stroke-width="1.6" marker-mid="url(#a)"/>'
        )
    drawn: set[tuple[int, int]] = set()
    boxes: list[tuple[float, float, float, float]] = [
        (x - 10, y - 10, x + 10, y + 10) for x, y in pts
    ]
    labels: list[str] = []
    for r, (x, y) in zip(rows, pts, strict=True):
        if not r.number:
            key = (round(x), round(y))
            if key in drawn:
                continue
            drawn.add(key)
            out.append(
                f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" fill="#000"/>'
            )
            out.append(
                f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="11" fill="#fff" '
                'text-anchor="middle" font-weight="bold">D</text>'
            )
            continue
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#fff" stroke="#000" '
            'stroke-width="1.5"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{y + 3.8:.1f}" font-size="10.5" '
            f'text-anchor="middle" font-weight="bold">{r.number}</text>'
        )
        text = r.title[:22]
        w = 5.2 * len(text)
        # first label position that overlaps no marker and no earlier label; else none
        for dx, dy, anchor in (
            (11, -6, "start"),
            (11, 12, "start"),
            (-11, -6, "end"),
            (-11, 12, "end"),
        ):
            x0 = x + dx if anchor == "start" else x + dx - w
            box = (x0, y + dy - 9, x0 + w, y + dy + 2)
            if all(
                box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]
                for b in boxes
                if not (b[0] == x - 10 and b[1] == y - 10)
            ):
                boxes.append(box)
                labels.append(
                    f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" font-size="9" '
                    f'text-anchor="{anchor}">{esc(text)}</text>'
                )
                break
    out += labels
    out.append("</svg>")
    return "".join(out)


def route_sheet_html(view: PlanView, vehicle_id: str) -> str:
    route = view.route(vehicle_id)
    vinfo = view.vehicle(vehicle_id)
    rows = route_rows(view, route)
    stops = [r for r in rows if r.number]
    day = (
        view.day.strftime("%A %d-%m-%Y")
        .replace("Monday", "Senin")
        .replace("Tuesday", "Selasa")
        .replace("Wednesday", "Rabu")
        .replace("Thursday", "Kamis")
        .replace("Friday", "Jumat")
        .replace("Saturday", "Sabtu")
        .replace("Sunday", "Minggu")
        if view.day
        else "—"
    )
    shift = window_text(vinfo.shift) if vinfo.shift else "—"
    start = next((r for r in rows if r.kind.value == "start"), None)
    end = next((r for r in reversed(rows) if r.kind.value == "end"), None)

    meta = [
        ("Tanggal", day),
        ("Kendaraan", vinfo.title),
        ("Sopir", vinfo.driver or "—"),
        ("Shift", shift),
        ("Titik singgah", str(len(stops))),
        ("Jarak", km_text(route.distance)),
        ("Lama rute", duration_text(route.span)),
        ("Mengemudi", duration_text(route.driving)),
    ]
    body = []
    if start:
        body.append(
            f'<tr><td class="no">D</td><td>{esc(hhmm(start.departure))}</td>'
            f'<td colspan="7">Berangkat dari {esc(start.title)}</td></tr>'
        )
    for r in stops:
        body.append(
            "<tr>"
            f'<td class="no">{r.number}</td>'
            f"<td><b>{esc(hhmm(r.arrival))}</b>"
            + (f'<br><span class="small">{esc(r.start_note)}</span>' if r.start_note else "")
            + "</td>"
            f"<td>{esc(r.window or '—')}</td>"
            f"<td><b>{esc(r.action)}</b><br>{esc(r.title)}"
            + (f"<br>Kec. {esc(r.kecamatan)}" if r.kecamatan else "")
            + (f'<br><span class="small">Ref. {esc(r.reference)}</span>' if r.reference else "")
            + "</td>"
            f"<td>{esc(r.landmark or '—')}</td>"
            f'<td style="text-align:center">{r.passengers}</td>'
            f'<td style="white-space:nowrap;font-size:9pt">{esc(r.phone or "—")}</td>'
            f'<td class="qr">{_qr(r.lat, r.lon)}</td>'
            '<td class="note">Tiba: ______<br>&#9744; selesai<br>&#9744; gagal<br>'
            "Ket.: ________</td>"
            "</tr>"
        )
    if end:
        body.append(
            f'<tr><td class="no">D</td><td>{esc(hhmm(end.arrival))}</td>'
            f'<td colspan="7">Kembali ke {esc(end.title)}</td></tr>'
        )
    html = (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        f"<title>Lembar rute {esc(vinfo.title)} {esc(day)}</title>"
        f'<style>{SHEET_CSS}</style></head><body><div class="page">'
        f"<h1>Lembar Rute — {esc(view.title)}</h1>"
        '<div class="meta">'
        + "".join(f"<div><span>{esc(k)}</span><b>{esc(v)}</b></div>" for k, v in meta)
        + "</div>"
        f'<div class="diagram">{diagram_svg(rows)}</div>'
        "<table><colgroup>"
        '<col style="width:7mm"><col style="width:13mm"><col style="width:14mm">'
        '<col style="width:31mm"><col><col style="width:8mm"><col style="width:27mm">'
        '<col style="width:24mm"><col style="width:23mm"></colgroup>'
        "<thead><tr><th>No</th><th>Tiba</th><th>Waktu</th><th>Desa / Kecamatan</th>"
        "<th>Patokan / alamat</th><th>Pnp</th><th>Telepon</th><th>Navigasi</th>"
        "<th>Catatan tiba &amp; hasil</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>"
        '<div class="foot">Dokumen dinas: hanya untuk sopir dan pendamping. Hubungi kontak '
        "saat tiba. Jangan tinggalkan lembar ini di kendaraan; serahkan kembali ke kantor "
        "setelah rute selesai. QR: arahkan kamera ponsel untuk membuka navigasi.</div>"
        "</div></body></html>"
    )
    return guard_for(view).check(html, what="route sheet")
