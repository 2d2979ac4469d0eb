"""Sample plans for the screenshots, the benchmark and tests (made-up data, Kukar-like).

The routes are computed here with a straight-line travel model (great-circle × 1.45 at
40 km/h); they are illustrations, not solver output.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from geopy.distance import great_circle

from maps.model import Place, PlaceKind, PlanView, StopInfo, VehicleInfo
from routing.model import (
    Location,
    Plan,
    PlannedStop,
    Route,
    StopKind,
    TimeWindow,
    Unserved,
    UnservedReason,
    Urgency,
)

CIRCUITY = 1.45
SPEED = 40 / 3.6  # m/s


@dataclass(frozen=True)
class Leg:
    kind: StopKind
    location: int
    task: str | None = None
    service: int = 0
    window: TimeWindow | None = None


def build_route(
    vehicle: str,
    locations: Sequence[Location],
    legs: Sequence[Leg],
    start: int,
    loads: dict[str, int] | None = None,
) -> Route:
    """Times along `legs` (first START, last END) with the straight-line travel model.

    Like the planner's schedule, the vehicle leaves no earlier than the first stop needs.
    """
    stops: list[PlannedStop] = []
    t = start
    dist = 0
    driving = 0
    load = 0
    prev: Location | None = None
    for leg in legs:
        loc = locations[leg.location]
        if prev is not None:
            d = great_circle((prev.lat, prev.lon), (loc.lat, loc.lon)).meters * CIRCUITY
            dt = int(d / SPEED)
            dist += int(d)
            driving += dt
            t += dt
        arrival = t
        wait = 0
        if leg.window and t < leg.window.start:
            wait = leg.window.start - t
            t = leg.window.start
        t += leg.service
        if leg.kind is StopKind.PICKUP and loads:
            load += loads.get(leg.task or "", 0)
        if leg.kind is StopKind.DELIVERY and loads:
            load -= loads.get(leg.task or "", 0)
        stops.append(
            PlannedStop(
                kind=leg.kind,
                location=leg.location,
                arrival=arrival,
                departure=t,
                wait=wait,
                load=load,
                task=leg.task,
            )
        )
        prev = loc
    if len(stops) > 1 and stops[1].wait:  # leave later rather than wait at the first stop
        return build_route(vehicle, locations, legs, start + stops[1].wait, loads)
    return Route(vehicle=vehicle, stops=stops, distance=dist, driving=driving)


def kukar_places() -> list[Place]:
    return [
        Place(
            "depot",
            -0.4107,
            116.9903,
            "Kantor DP3A Kukar",
            "Kantor DP3A",
            PlaceKind.DEPOT,
            "Jl. Wolter Monginsidi, Tenggarong",
        ),
        Place(
            "safe-house",
            -0.4320,
            116.9780,
            "Rumah Aman DP3A",
            "Pos Layanan",
            PlaceKind.SAFE_HOUSE,
            "Jl. Rahasia No. 7, Tenggarong",
            confidential=True,
        ),
        Place(
            "rsud",
            -0.4250,
            116.9930,
            "RSUD AM Parikesit",
            "RSUD AM Parikesit",
            PlaceKind.HOSPITAL,
            "Jl. Ratu Agung, Tenggarong",
        ),
        Place(
            "polres",
            -0.4080,
            116.9850,
            "Polres Kutai Kartanegara",
            "Polres Kukar",
            PlaceKind.POLICE,
            "Jl. Mulawarman, Tenggarong",
        ),
    ]


VILLAGES = [  # (code, village, kecamatan, lat, lon, landmark)
    ("64.02.02.2001", "Loa Kulu Kota", "Loa Kulu", -0.5220, 117.0130, "Depan masjid Al-Ikhlas"),
    ("64.02.02.2005", "Jembayan", "Loa Kulu", -0.5480, 116.9960, "Simpang tiga pasar"),
    ("64.02.03.2001", "Loa Janan Ulu", "Loa Janan", -0.5830, 117.0950, "Balai desa"),
    ("64.02.04.2001", "Anggana", "Anggana", -0.5850, 117.2500, "Dermaga kecil"),
    ("64.02.15.2001", "Sanga Sanga Dalam", "Sanga Sanga", -0.6600, 117.2500, "SD Negeri 001"),
    ("64.02.07.2001", "Sebulu Ilir", "Sebulu", -0.3000, 116.9950, "Kantor desa"),
    ("64.02.08.2001", "Kota Bangun Ulu", "Kota Bangun", -0.2700, 116.5830, "Pasar lama"),
    ("64.02.11.2001", "Muara Kaman Ulu", "Muara Kaman", -0.0400, 116.7200, "Puskesmas pembantu"),
    ("64.02.16.2001", "Bukit Raya", "Tenggarong Seberang", -0.4200, 117.0200, "Warung Bu Ani"),
    ("64.02.05.2001", "Muara Badak Ulu", "Muara Badak", -0.3100, 117.4350, "Masjid raya"),
    ("64.02.16.2004", "Perjiwa", "Tenggarong Seberang", -0.4000, 117.0300, "Jembatan"),
    ("64.02.16.2007", "Embalut", "Tenggarong Seberang", -0.4500, 117.0500, "Posyandu"),
    ("64.02.06.1003", "Loa Ipuh", "Tenggarong", -0.4280, 116.9700, "Gang Mawar"),
    ("64.02.06.1005", "Timbau", "Tenggarong", -0.3980, 116.9820, "Musala"),
    ("64.02.06.2010", "Bukit Biru", "Tenggarong", -0.4150, 116.9650, "Kantor lurah"),
]


def kukar_sample(day: date = date(2026, 11, 30)) -> PlanView:
    """Two vehicles, nine tasks on routes, some open requests; sensitive fields filled."""
    places = kukar_places()
    locations = [Location(p.id, p.lat, p.lon) for p in places]
    index = {p.id: i for i, p in enumerate(places)}
    infos: dict[str, StopInfo] = {}
    for n, (code, village, kec, lat, lon, landmark) in enumerate(VILLAGES, start=1):
        index[code] = len(locations)
        locations.append(Location(code, lat, lon))
        urgency = [Urgency.SEGERA, Urgency.TERJADWAL, Urgency.DARURAT][n % 3]
        tid = f"t{n}"
        infos[tid] = StopInfo(
            task_id=tid,
            reference=f"KKR-20261128-{n:04d}",
            village=village,
            kecamatan=kec,
            landmark=landmark,
            address=f"RT {n:02d}",
            passengers=1 + n % 3,
            contact_phone=f"0812-5{n:03d}-{4000 + n * 37}",
            time_window=TimeWindow(8 * 3600 + (n % 4) * 3600, 12 * 3600 + (n % 4) * 3600)
            if urgency is Urgency.TERJADWAL
            else None,
            status="planned" if n <= 9 else "new",
            urgency=urgency,
            lat=lat,
            lon=lon,
            survivor_name=f"Nama Penyintas {n}",
            notes="Catatan rahasia: pelaku tinggal serumah",
            violence_kind="kekerasan fisik",
            kind_label="jemput ke Rumah Aman",
        )

    def leg(kind: StopKind, loc: int, task: str, service: int) -> Leg:
        w = infos[task].time_window if kind is not StopKind.DELIVERY else None
        return Leg(kind, loc, task, service, w)

    def v(i: int) -> int:
        return index[VILLAGES[i - 1][0]]

    loads = {t: s.passengers for t, s in infos.items()}
    dep, sh, rsud, pol = index["depot"], index["safe-house"], index["rsud"], index["polres"]
    r1 = build_route(
        "mobil-1",
        locations,
        [
            Leg(StopKind.START, dep),
            leg(StopKind.PICKUP, v(1), "t1", 900),
            leg(StopKind.VISIT, v(2), "t2", 3600),
            leg(StopKind.PICKUP, v(3), "t3", 900),
            leg(StopKind.DELIVERY, rsud, "t1", 600),
            leg(StopKind.DELIVERY, sh, "t3", 600),
            leg(StopKind.VISIT, v(12), "t12", 2700),
            Leg(StopKind.END, dep),
        ],
        7 * 3600 + 1800,
        loads,
    )
    r2 = build_route(
        "mobil-2",
        locations,
        [
            Leg(StopKind.START, dep),
            leg(StopKind.VISIT, v(6), "t6", 3600),
            leg(StopKind.PICKUP, v(7), "t7", 900),
            leg(StopKind.DELIVERY, pol, "t7", 600),
            leg(StopKind.PICKUP, sh, "t9", 600),
            leg(StopKind.DELIVERY, v(9), "t9", 900),
            leg(StopKind.VISIT, v(14), "t14", 2700),
            Leg(StopKind.END, dep),
        ],
        7 * 3600 + 1800,
        loads,
    )
    unserved = [
        Unserved("t10", UnservedReason.NO_CAPACITY, "Tidak ada kendaraan tersisa"),
        Unserved("t8", UnservedReason.OUTSIDE_SHIFTS, "Terlalu jauh untuk shift hari ini"),
    ]
    plan = Plan(routes=[r1, r2], unserved=unserved)
    vehicles = [
        VehicleInfo(
            "mobil-1",
            "Mobil Perlindungan 1",
            "KT 1821 AB",
            "Rudi Hartono",
            TimeWindow(7 * 3600 + 1800, 16 * 3600),
        ),
        VehicleInfo(
            "mobil-2",
            "Mobil Perlindungan 2",
            "KT 1944 AC",
            "Samsul Bahri",
            TimeWindow(7 * 3600 + 1800, 16 * 3600),
        ),
    ]
    return PlanView(
        plan=plan,
        locations=locations,
        places=places,
        stops=infos,
        vehicles=vehicles,
        day=day,
        title="DP3A Kutai Kartanegara",
    )


def synthetic(
    n_stops: int = 150, n_vehicles: int = 3, seed: int = 7, open_requests: int = 60
) -> PlanView:
    """A large synthetic plan: `n_stops` task stops (visits and transports) over vehicles."""
    rnd = random.Random(seed)  # noqa: S311 - sample data, not security
    places = kukar_places()
    locations = [Location(p.id, p.lat, p.lon) for p in places]
    infos: dict[str, StopInfo] = {}
    per_vehicle: list[list[Leg]] = [[Leg(StopKind.START, 0)] for _ in range(n_vehicles)]
    count = 0
    t = 0
    hosp = [2, 3, 1]
    while count < n_stops:
        t += 1
        lat = -0.41 + rnd.uniform(-0.35, 0.35)
        lon = 116.99 + rnd.uniform(-0.45, 0.35)
        code = f"64.02.{rnd.randint(1, 20):02d}.{2000 + t:04d}"
        locations.append(Location(code, lat, lon))
        li = len(locations) - 1
        tid = f"s{t}"
        infos[tid] = StopInfo(
            task_id=tid,
            reference=f"KKR-20261130-{t:04d}",
            village=f"Desa {t}",
            kecamatan=f"Kecamatan {t % 20 + 1}",
            landmark="Balai desa",
            passengers=1 + t % 3,
            contact_phone=f"0812-{5000 + t}",
            status="planned",
            urgency=list(Urgency)[t % 3],
            lat=lat,
            lon=lon,
            survivor_name=f"Penyintas {t}",
            notes=f"catatan {t}",
            violence_kind="psikis",
            kind_label="antar visum",
        )
        legs = per_vehicle[t % n_vehicles]
        if t % 3 == 0 and count + 2 <= n_stops:
            legs += [
                Leg(StopKind.PICKUP, li, tid, 600),
                Leg(StopKind.DELIVERY, hosp[t % 3], tid, 600),
            ]
            count += 2
        else:
            legs.append(Leg(StopKind.VISIT, li, tid, 1800))
            count += 1
    routes = []
    vehicles = []
    for i, legs in enumerate(per_vehicle):
        vid = f"mobil-{i + 1}"
        routes.append(build_route(vid, locations, [*legs, Leg(StopKind.END, 0)], 7 * 3600))
        vehicles.append(
            VehicleInfo(
                vid,
                f"Mobil {i + 1}",
                f"KT {1000 + i} AB",
                f"Sopir {i + 1}",
                TimeWindow(7 * 3600, 16 * 3600),
            )
        )
    for k in range(open_requests):
        tid = f"o{k}"
        lat = -0.41 + rnd.uniform(-0.5, 0.5)
        lon = 116.99 + rnd.uniform(-0.6, 0.4)
        infos[tid] = StopInfo(
            task_id=tid,
            reference=f"KKR-20261130-9{k:03d}",
            village=f"Desa baru {k}",
            urgency=list(Urgency)[k % 3],
            status="new",
            lat=lat,
            lon=lon,
            survivor_name=f"Penyintas O{k}",
        )
    return PlanView(
        plan=Plan(routes=routes, unserved=[]),
        locations=locations,
        places=places,
        stops=infos,
        vehicles=vehicles,
        day=date(2026, 11, 30),
        title="Sintetis 150 titik",
    )
