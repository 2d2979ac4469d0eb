"""Shared pieces: what a stop shows (only allowed fields), formatting, links, colours."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from maps.model import PlaceKind, PlanView
from routing.model import PlannedStop, Route, StopKind, TimeWindow, Urgency

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)
URGENCY_COLOURS = {
    Urgency.DARURAT: "#d7191c",
    Urgency.SEGERA: "#fd8d3c",
    Urgency.TERJADWAL: "#2c7bb6",
}
URGENCY_LABELS = {
    Urgency.DARURAT: "Darurat",
    Urgency.SEGERA: "Segera",
    Urgency.TERJADWAL: "Terjadwal",
}
ACTIONS = {
    StopKind.START: "Berangkat",
    StopKind.PICKUP: "Jemput",
    StopKind.DELIVERY: "Antar",
    StopKind.VISIT: "Kunjungan",
    StopKind.END: "Kembali",
}
CANCELLED = "cancelled"  # StopInfo.status of a request withdrawn after the plan was made
STATUS_LABELS = {  # StopInfo.status (the service's request status) as the dispatcher reads it
    "new": "Baru",
    "triaged": "Diperiksa",
    "planned": "Direncanakan",
    "dispatched": "Dalam perjalanan",
    "arrived": "Tiba",
    "done": "Selesai",
    "failed": "Gagal",
    CANCELLED: "Dibatalkan",
}


def status_text(status: str) -> str:
    return STATUS_LABELS.get(status, status) or "—"


CANCELLED_ACTION = "DIBATALKAN, lewati"
PLACE_KIND_LABELS = {
    PlaceKind.DEPOT: "Kantor",
    PlaceKind.SAFE_HOUSE: "Layanan",
    PlaceKind.HOSPITAL: "Rumah sakit",
    PlaceKind.POLICE: "Polisi",
    PlaceKind.HEALTH: "Puskesmas",
    PlaceKind.OTHER: "Tempat",
}


def esc(text: object) -> str:
    """HTML-escape, also backticks and `$` (folium puts some HTML in JS template strings)."""
    return html.escape(str(text), quote=True).replace("`", "&#96;").replace("$", "&#36;")


def hhmm(seconds: int | None) -> str:
    if seconds is None:
        return ""
    days, rest = divmod(int(seconds), 86400)
    h, m = divmod(rest // 60, 60)
    return f"{h:02d}:{m:02d}" + (f" (+{days})" if days else "")


def window_text(w: TimeWindow | None) -> str:
    return f"{hhmm(w.start)}–{hhmm(w.end)}" if w else ""


def duration_text(seconds: int) -> str:
    h, m = divmod(max(0, int(seconds)) // 60, 60)
    return f"{h} j {m:02d} m"


def km_text(metres: int) -> str:
    return f"{metres / 1000:.1f} km"


def geo_uri(lat: float, lon: float) -> str:
    return f"geo:{lat:.6f},{lon:.6f}"


def gmaps_url(lat: float, lon: float) -> str:
    return f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}"


_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")


def vehicle_colour(view: PlanView, vehicle_id: str) -> str:
    info = view.vehicle(vehicle_id)
    if info.color and _COLOUR.match(info.color):
        return info.color
    ids = [r.vehicle for r in view.plan.routes]
    i = ids.index(vehicle_id) if vehicle_id in ids else len(ids)
    return PALETTE[i % len(PALETTE)]


@dataclass(frozen=True)
class StopRow:
    """One planned stop as it may be shown: allowed fields only."""

    number: int  # 1.. for task stops, 0 for start / end
    kind: StopKind
    lat: float
    lon: float
    arrival: int
    departure: int
    wait: int  # seconds waited on site before the window opens
    action: str
    title: str  # village, or a place's public label
    kecamatan: str
    landmark: str  # landmark and address; empty for a confidential place
    reference: str
    window: str
    passengers: int
    phone: str
    status: str
    is_place: bool
    urgency: Urgency | None

    @property
    def start_note(self) -> str:
        """'mulai 09:00' when the vehicle arrives early and waits for the window."""
        return f"mulai {hhmm(self.arrival + self.wait)}" if self.wait > 0 else ""

    @property
    def label(self) -> str:
        return f"{self.number}" if self.number else ("D" if self.is_place else "•")

    @property
    def where(self) -> str:
        return f"{self.title}, Kec. {self.kecamatan}" if self.kecamatan else self.title


def stop_row(view: PlanView, stop: PlannedStop, number: int) -> StopRow:
    loc = view.locations[stop.location]
    place = view.place_at(stop.location)
    info = view.info(stop.task)
    reference = info.reference if info else ""
    passengers = info.passengers if info else 0
    status = info.status if info else ""
    urgency = info.urgency if info else None
    if place is not None:
        title = place.display_label
        kecamatan = ""
        landmark = place.display_address
        window = ""
        phone = ""
        lat, lon = place.lat, place.lon
    else:
        # a re-plan starts a car where its driver last reported, which may be a village
        nowhere = "Posisi terakhir" if stop.kind is StopKind.START else "Titik tujuan"
        title = (info.village if info else "") or nowhere
        kecamatan = info.kecamatan if info else ""
        landmark = " — ".join(x for x in ((info.landmark, info.address) if info else ()) if x)
        window = window_text(info.time_window) if info else ""
        phone = info.contact_phone if info else ""
        lat, lon = loc.lat, loc.lon
    cancelled = status == CANCELLED and place is None
    if cancelled:  # nobody is to be called or picked up there any more
        phone = ""
    return StopRow(
        number=number,
        kind=stop.kind,
        lat=lat,
        lon=lon,
        arrival=stop.arrival,
        departure=stop.departure,
        wait=stop.wait,
        action=CANCELLED_ACTION if cancelled else ACTIONS.get(stop.kind, ""),
        title=title,
        kecamatan=kecamatan,
        landmark=landmark,
        reference=reference,
        window=window,
        passengers=passengers,
        phone=phone,
        status=status,
        is_place=place is not None,
        urgency=urgency,
    )


def route_rows(view: PlanView, route: Route) -> list[StopRow]:
    rows: list[StopRow] = []
    n = 0
    for s in route.stops:
        if s.kind in (StopKind.START, StopKind.END):
            rows.append(stop_row(view, s, 0))
        else:
            n += 1
            rows.append(stop_row(view, s, n))
    return rows


def task_rows(rows: list[StopRow]) -> list[StopRow]:
    return [r for r in rows if r.number]


def mercator_y(lat: float) -> float:
    lat = max(-85.0, min(85.0, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def screen_bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Clockwise angle from north on a web-mercator screen, degrees."""
    dx = b[1] - a[1]
    dy = mercator_y(b[0]) - mercator_y(a[0])
    return math.degrees(math.atan2(dx, dy)) % 360
