"""Public types of the planner: a Problem in, a Plan out.

Times are integer seconds from midnight of the planning day (local time of the region);
distances are integer metres. Integers keep OR-Tools exact and plans reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Urgency(str, Enum):
    """Order of service when the fleet cannot do everything."""

    DARURAT = "darurat"  # emergency: today, served first
    SEGERA = "segera"  # urgent: within a day or two
    TERJADWAL = "terjadwal"  # scheduled for a date

    @property
    def rank(self) -> int:
        return {"darurat": 0, "segera": 1, "terjadwal": 2}[self.value]


class StopKind(str, Enum):
    START = "start"
    PICKUP = "pickup"
    DELIVERY = "delivery"
    VISIT = "visit"
    END = "end"


class UnservedReason(str, Enum):
    """Why a task is not in the plan; each has a message a dispatcher understands."""

    OUTSIDE_SHIFTS = "outside_shifts"
    NO_SKILLED_VEHICLE = "no_skilled_vehicle"
    WINDOW_UNREACHABLE = "window_unreachable"
    NOT_ENOUGH_SEATS = "not_enough_seats"
    LOCKED_VEHICLE_UNAVAILABLE = "locked_vehicle_unavailable"
    DROPPED_FOR_URGENT = "dropped_for_urgent"
    NO_CAPACITY = "no_capacity"  # the fleet is full with requests as urgent
    DRIVING_LIMIT = "driving_limit"  # only a vehicle's maximum driving time stops it
    WINDOW_PASSED = "window_passed"  # re-plan: its time window closed before now
    SEARCH_STOPPED = "search_stopped"  # it would still fit: the search ended first


@dataclass(frozen=True)
class Location:
    """A point the planner may visit; `id` is the caller's key (village code, place id)."""

    id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class TimeWindow:
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"time window ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class TravelMatrix:
    """Travel times (s) and distances (m) between `Problem.locations`, by index."""

    durations: list[list[int]]
    distances: list[list[int]]
    model: str = "haversine"  # which travel model produced it, reported in the Plan


@dataclass(frozen=True)
class Stop:
    """One place a task needs the vehicle at."""

    location: int  # index into Problem.locations
    service: int = 0  # seconds on site
    window: TimeWindow | None = None


@dataclass(frozen=True)
class Task:
    """A visit (`delivery is None`) or a transport: pickup then delivery, same vehicle."""

    id: str
    pickup: Stop
    delivery: Stop | None = None
    passengers: int = 0
    urgency: Urgency = Urgency.SEGERA
    skills: frozenset[str] = frozenset()
    locked_vehicle: str | None = None
    max_ride: int | None = None  # seconds on board; None: the configured default rule
    allow_detour: bool = False  # a darurat transport goes straight unless this is set

    @property
    def is_transport(self) -> bool:
        return self.delivery is not None


@dataclass(frozen=True)
class Vehicle:
    id: str
    seats: int  # passenger seats (driver and companion not counted)
    start: int  # location index of the depot it leaves from
    end: int  # location index it returns to
    shift: TimeWindow
    skills: frozenset[str] = frozenset()
    max_driving: int | None = None  # seconds of driving in the day
    max_duration: int | None = None  # seconds from leaving its start to arriving at its end


@dataclass(frozen=True)
class VehicleState:
    """Where a vehicle is during the day, for a re-plan from now."""

    vehicle: str
    location: int
    time: int
    done: tuple[str, ...] = ()  # task ids whose stops are all completed
    on_board: tuple[str, ...] = ()  # transports picked up, not yet delivered
    # When each on-board transport left its pickup: (task id, seconds from midnight), the
    # time scale of `time`. Its maximum ride time counts from there (as for a planned pair:
    # delivery service start - pickup departure). A dict is accepted and stored as sorted
    # pairs (the class stays hashable). A task not listed has no ride deadline.
    picked_up_at: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        pairs = self.picked_up_at
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        object.__setattr__(self, "picked_up_at", tuple(sorted((str(k), int(v)) for k, v in items)))

    @property
    def pickup_times(self) -> dict[str, int]:
        """`picked_up_at` as a dict: task id -> seconds from midnight."""
        return dict(self.picked_up_at)


@dataclass(frozen=True)
class RideRule:
    """Maximum time on board: direct trip + slack, capped at factor × direct trip."""

    slack: int = 45 * 60
    factor: float = 2.0


@dataclass
class Problem:
    locations: list[Location]
    matrix: TravelMatrix
    vehicles: list[Vehicle]
    tasks: list[Task]
    states: list[VehicleState] = field(default_factory=list)
    previous: Plan | None = None  # warm start: a re-plan changes little without reason
    ride_rule: RideRule = field(default_factory=RideRule)
    # per-vehicle travel (a vehicle kind with its own speed, e.g. a boat): vehicle id ->
    # matrix over the same locations; vehicles not listed use `matrix`
    vehicle_matrices: dict[str, TravelMatrix] = field(default_factory=dict)

    def matrix_for(self, vehicle: str) -> TravelMatrix:
        return self.vehicle_matrices.get(vehicle, self.matrix)


@dataclass
class PlannedStop:
    kind: StopKind
    location: int
    arrival: int
    departure: int
    wait: int = 0
    load: int = 0  # passengers on board when leaving
    task: str | None = None


@dataclass
class Route:
    vehicle: str
    stops: list[PlannedStop]
    distance: int = 0  # metres
    driving: int = 0  # seconds
    done: list[PlannedStop] = field(default_factory=list)  # re-plan: stops already completed

    @property
    def span(self) -> int:
        return self.stops[-1].arrival - self.stops[0].departure if self.stops else 0

    @property
    def tasks(self) -> list[str]:
        seen: list[str] = []
        for s in self.stops:
            if s.task is not None and s.task not in seen:
                seen.append(s.task)
        return seen


@dataclass
class Unserved:
    task: str
    reason: UnservedReason
    message: str


@dataclass
class Plan:
    routes: list[Route]
    unserved: list[Unserved]
    travel_model: str = "haversine"
    solve_seconds: float = 0.0
    first_solution_seconds: float | None = None

    @property
    def distance(self) -> int:
        return sum(r.distance for r in self.routes)

    @property
    def driving(self) -> int:
        return sum(r.driving for r in self.routes)
