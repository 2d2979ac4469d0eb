"""Jangkau's route planner: a pure library (OR-Tools, numpy, stdlib, geopy only).

Modules (import them directly; this package only re-exports the types):

* ``routing.model``: Problem in, Plan out (the public types).
* ``routing.travel``: ``haversine_matrix`` / ``HaversineTravel`` (offline default, cached)
  and ``OsrmTravel`` (optional OSRM ``table`` adapter).
* ``routing.solver``: ``solve(problem, *, time_limit, ...) -> Plan`` (OR-Tools routing).
* ``routing.diagnose``: why a task cannot be served (``diagnose_task``, ``prefilter``).
* ``routing.check``: ``check(problem, plan) -> list[str]``, an independent feasibility check.
* ``routing.serialize``: ``plan_to_json`` / ``plan_from_json``, ``problem_to_json`` /
  ``problem_from_json``.
"""

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
