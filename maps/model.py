"""Input types of the maps library: a plan plus what may be shown about its places and tasks.

Renderers read only the *display* fields of these types. The sensitive fields of
`StopInfo` (survivor name, notes, kind of violence, request kind) and the name and address
of a confidential `Place` are never rendered; they are accepted so that the privacy guard
(`maps.privacy`) can verify that none of them leaks into an output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from routing.model import Location, Plan, Route, TimeWindow, Urgency


class PlaceKind(str, Enum):
    DEPOT = "depot"
    SAFE_HOUSE = "safe_house"
    HOSPITAL = "hospital"
    POLICE = "police"
    HEALTH = "health"
    OTHER = "other"


NEUTRAL_PLACE_LABEL = "Pos Layanan"


@dataclass(frozen=True)
class Place:
    """A place of the agency; `id` matches the `routing.Location.id` that points at it."""

    id: str
    lat: float
    lon: float
    label: str  # internal name (office use only when confidential)
    public_label: str = ""  # what drivers and printed sheets show
    kind: PlaceKind = PlaceKind.OTHER
    address: str = ""
    confidential: bool = False

    @property
    def display_label(self) -> str:
        if self.confidential:
            return self.public_label or NEUTRAL_PLACE_LABEL
        return self.public_label or self.label

    @property
    def display_address(self) -> str:
        return "" if self.confidential else self.address


@dataclass(frozen=True)
class StopInfo:
    """What the caller knows about a task (request), keyed by `task_id`.

    Display fields: reference, village, kecamatan, landmark, address, time_window,
    passengers, contact_phone, status, urgency, lat/lon (the request's point, used to show
    open requests on the overview). Sensitive fields (never rendered): survivor_name,
    notes, violence_kind, kind_label.
    """

    task_id: str
    reference: str
    village: str = ""
    kecamatan: str = ""
    landmark: str = ""
    address: str = ""
    time_window: TimeWindow | None = None
    passengers: int = 0
    contact_phone: str = ""
    status: str = ""
    urgency: Urgency = Urgency.SEGERA
    lat: float | None = None
    lon: float | None = None
    # sensitive: accepted only so the privacy guard can look for them
    survivor_name: str = ""
    notes: str = ""
    violence_kind: str = ""
    kind_label: str = ""

    @property
    def sensitive_values(self) -> tuple[str, ...]:
        return (self.survivor_name, self.notes, self.violence_kind, self.kind_label)


@dataclass(frozen=True)
class VehicleInfo:
    id: str  # routing.Vehicle.id / Route.vehicle
    name: str = ""
    plate: str = ""
    driver: str = ""
    shift: TimeWindow | None = None
    color: str | None = None  # CSS colour; None: taken from the palette

    @property
    def title(self) -> str:
        parts = [self.name or self.id]
        if self.plate:
            parts.append(self.plate)
        return " · ".join(parts)


@dataclass
class PlanView:
    """A plan with everything needed to draw it.

    `locations` are the planner's locations (the `PlannedStop.location` indices refer to
    them). A location whose id is the id of a `Place` is shown as that place; any other is
    shown with the `StopInfo` of the stop's task.
    """

    plan: Plan
    locations: Sequence[Location]
    places: Sequence[Place] = ()
    stops: Mapping[str, StopInfo] | Sequence[StopInfo] = field(default_factory=dict)
    vehicles: Sequence[VehicleInfo] = ()
    day: date | None = None
    title: str = "Jangkau"
    requests: Sequence[StopInfo] | None = None  # open requests for the overview cluster
    extra_forbidden: Sequence[str] = ()  # more terms the privacy guard must refuse

    def __post_init__(self) -> None:
        if not isinstance(self.stops, Mapping):
            self.stops = {s.task_id: s for s in self.stops}
        self._places = {p.id: p for p in self.places}
        self._vehicles = {v.id: v for v in self.vehicles}

    def place_at(self, index: int) -> Place | None:
        return self._places.get(self.locations[index].id)

    def info(self, task_id: str | None) -> StopInfo | None:
        if task_id is None:
            return None
        assert isinstance(self.stops, Mapping)
        return self.stops.get(task_id)

    def vehicle(self, vehicle_id: str) -> VehicleInfo:
        return self._vehicles.get(vehicle_id) or VehicleInfo(id=vehicle_id)

    def route(self, vehicle_id: str) -> Route:
        for r in self.plan.routes:
            if r.vehicle == vehicle_id:
                return r
        raise KeyError(f"no route for vehicle {vehicle_id!r} in the plan")

    def open_requests(self) -> list[StopInfo]:
        """The overview's open requests: `requests` if given, else every StopInfo with a
        point whose task is on no route (not yet planned or unserved)."""
        if self.requests is not None:
            return [r for r in self.requests if r.lat is not None and r.lon is not None]
        routed = {t for r in self.plan.routes for t in r.tasks}
        assert isinstance(self.stops, Mapping)
        return [
            s
            for s in self.stops.values()
            if s.task_id not in routed and s.lat is not None and s.lon is not None
        ]
