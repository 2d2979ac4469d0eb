from __future__ import annotations

from datetime import date

from maps import Place, PlaceKind, PlanView, StopInfo, VehicleInfo
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

H = 3600


def hm(h: int, m: int = 0) -> int:
    return h * H + m * 60


def hand_plan_view(**overrides) -> PlanView:
    """Depot → pickup Loa Kulu → drop at the service post → visit Jembayan → depot."""
    places = overrides.pop("places", None) or [
        Place(
            "depot",
            -0.4107,
            116.9903,
            "Kantor DP3A Kukar",
            "Kantor DP3A",
            PlaceKind.DEPOT,
            "Jl. Wolter Monginsidi",
        ),
        Place(
            "safe",
            -0.4320,
            116.9780,
            "Shelter internal",
            "Pos Layanan",
            PlaceKind.SAFE_HOUSE,
            "Jl. Tersembunyi 9",
            confidential=True,
        ),
        Place(
            "rsud",
            -0.4250,
            116.9930,
            "RSUD AM Parikesit",
            "RSUD AM Parikesit",
            PlaceKind.HOSPITAL,
            "Jl. Ratu Agung",
        ),
    ]
    locations = overrides.pop("locations", None) or [
        Location("depot", -0.4107, 116.9903),
        Location("safe", -0.4320, 116.9780),
        Location("64.02.02.2001", -0.5220, 117.0130),
        Location("64.02.02.2005", -0.5480, 116.9960),
        Location("64.02.16.2007", -0.4500, 117.0500),
    ]
    t1, t2 = overrides.pop("task_ids", ("T1", "T2"))
    route = Route(
        vehicle="v1",
        stops=[
            PlannedStop(StopKind.START, 0, hm(7, 30), hm(7, 30)),
            PlannedStop(StopKind.PICKUP, 2, hm(8, 0), hm(8, 15), load=2, task=t1),
            PlannedStop(StopKind.DELIVERY, 1, hm(9, 0), hm(9, 10), load=0, task=t1),
            PlannedStop(StopKind.VISIT, 3, hm(9, 40), hm(10, 40), task=t2),
            PlannedStop(StopKind.END, 0, hm(11, 10), hm(11, 10)),
        ],
        distance=61_500,
        driving=2 * H + 25 * 60,
    )
    stops = overrides.pop("stops", None) or [
        StopInfo(
            t1,
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
        ),
        StopInfo(
            t2,
            "KKR-20261130-0002",
            "Jembayan",
            "Loa Kulu",
            "Simpang pasar",
            "RT 04",
            None,
            1,
            "0812-5555-0002",
            "planned",
            Urgency.SEGERA,
        ),
        StopInfo(
            "T3",
            "KKR-20261130-0003",
            "Embalut",
            "Tenggarong Seberang",
            "Posyandu",
            "",
            TimeWindow(hm(13), hm(15)),
            1,
            "0812-5555-0003",
            "new",
            Urgency.TERJADWAL,
            lat=-0.45,
            lon=117.05,
        ),
    ]
    vehicles = overrides.pop("vehicles", None) or [
        VehicleInfo(
            "v1",
            "Mobil Perlindungan 1",
            "KT 1821 AB",
            "Rudi Hartono",
            TimeWindow(hm(7, 30), hm(16)),
        )
    ]
    plan = Plan(routes=[route], unserved=[Unserved("T3", UnservedReason.NO_CAPACITY, "penuh")])
    return PlanView(
        plan=plan,
        locations=locations,
        places=places,
        stops=stops,
        vehicles=vehicles,
        day=date(2026, 11, 30),
        title="DP3A Kukar",
        **overrides,
    )


# Forbidden terms and the spellings of them that the privacy guard must see through (and
# the mask must hide): case, separators, HTML and URL escapes, line breaks, inflections.
VARIANT_TERMS = ["KDRT", "korban", "Rumah Aman", "Siti Aminah"]
ESCAPED_VARIANTS = [
    "Rumah Aman",
    "RUMAH AMAN",
    "rumah_aman",
    "rumah-aman",
    "RumahAman",
    "R&#117;mah Aman",
    "\\u0052umah Aman",
    "Rumah%20Aman",
    "Rumah\n  Aman",
    "kdrt",
    "korbannya",
    "SITI AMINAH",
    "siti&nbsp;aminah",
]
