"""Jangkau's route planner: a pure library (OR-Tools, numpy, stdlib only)."""

from routing.model import (
    Location,
    Plan,
    PlannedStop,
    Problem,
    RideRule,
    Route,
    Stop,
    StopKind,
    Task,
    TimeWindow,
    TravelMatrix,
    Unserved,
    UnservedReason,
    Urgency,
    Vehicle,
    VehicleState,
)

__all__ = [
    "Location",
    "Plan",
    "PlannedStop",
    "Problem",
    "RideRule",
    "Route",
    "Stop",
    "StopKind",
    "Task",
    "TimeWindow",
    "TravelMatrix",
    "Unserved",
    "UnservedReason",
    "Urgency",
    "Vehicle",
    "VehicleState",
]
