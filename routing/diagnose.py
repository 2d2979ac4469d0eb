"""Why a task cannot be served: a diagnosis, not just "the solver dropped it".

``prefilter`` runs before solving and removes tasks no vehicle could ever do alone
(no vehicle with the skill, locked vehicle unavailable, not enough seats, windows outside
every shift, windows unreachable from the depot and back within a shift). ``explain_dropped``
names the reason for tasks that were feasible alone but left out of the plan.
"""

from __future__ import annotations

from routing.model import Problem, Task, TimeWindow, Unserved, UnservedReason, Vehicle

MESSAGES = {
    UnservedReason.OUTSIDE_SHIFTS: "The requested time is outside every vehicle's shift.",
    UnservedReason.NO_SKILLED_VEHICLE: "No vehicle has what this request needs ({skills}).",
    UnservedReason.WINDOW_UNREACHABLE: (
        "No vehicle can reach the stops within their time windows and be back "
        "before the end of its shift."
    ),
    UnservedReason.NOT_ENOUGH_SEATS: (
        "{passengers} passengers do not fit in any suitable vehicle (at most {seats} seats)."
    ),
    UnservedReason.LOCKED_VEHICLE_UNAVAILABLE: (
        "The request is locked to vehicle {vehicle}, which is not available for it."
    ),
    UnservedReason.DROPPED_FOR_URGENT: (
        "Feasible on its own, but the vehicles were full with requests of equal or higher urgency."
    ),
    UnservedReason.NO_CAPACITY: (
        "Feasible on its own, but it does not fit together with the other planned requests."
    ),
}


def _unserved(task: Task, reason: UnservedReason, **kw: object) -> Unserved:
    return Unserved(task.id, reason, MESSAGES[reason].format(**kw))


def _ride_limit(problem: Problem, task: Task) -> int | None:
    from routing.solver import max_ride_seconds  # local: solver imports this module

    return max_ride_seconds(problem, task)


def _vehicle_start(problem: Problem, v: Vehicle) -> tuple[int, int]:
    for s in problem.states:
        if s.vehicle == v.id:
            return s.location, max(v.shift.start, s.time)
    return v.start, v.shift.start


def _overlaps(w: TimeWindow | None, shift: TimeWindow) -> bool:
    return w is None or (w.start <= shift.end and w.end >= shift.start)


def reachable(problem: Problem, task: Task, v: Vehicle) -> bool:
    """Can vehicle ``v`` do this task alone: start → stops → end within shift and windows."""
    dur = problem.matrix_for(v.id).durations
    loc, t = _vehicle_start(problem, v)
    drive = 0
    p = task.pickup
    drive += dur[loc][p.location]
    arr = t + dur[loc][p.location]
    sp = arr if p.window is None else max(arr, p.window.start)
    if p.window is not None and sp > p.window.end:
        return False
    here = p.location
    finish = sp + p.service
    if task.delivery is not None:
        d = task.delivery
        drive += dur[p.location][d.location]
        arr_d = finish + dur[p.location][d.location]
        sd = arr_d if d.window is None else max(arr_d, d.window.start)
        if d.window is not None and sd > d.window.end:
            return False
        limit = _ride_limit(problem, task)
        if limit is not None and sd - finish > limit:
            sp = sd - limit - p.service  # leave the pickup later, wait less on board
            if p.window is not None and sp > p.window.end:
                return False
            if sd - (sp + p.service) > limit:
                return False
        here = d.location
        finish = sd + d.service
    drive += dur[here][v.end]
    if finish + dur[here][v.end] > v.shift.end:
        return False
    return not (v.max_driving is not None and drive > v.max_driving)


def diagnose_task(problem: Problem, task: Task) -> Unserved | None:
    """The reason this task cannot be served even alone, or None if some vehicle can."""
    vehicles = problem.vehicles
    skilled = [v for v in vehicles if task.skills <= v.skills]
    if task.locked_vehicle is not None:
        locked = [v for v in vehicles if v.id == task.locked_vehicle]
        if not locked or not (task.skills <= locked[0].skills):
            return _unserved(
                task, UnservedReason.LOCKED_VEHICLE_UNAVAILABLE, vehicle=task.locked_vehicle
            )
        skilled = locked
    if not skilled:
        return _unserved(
            task, UnservedReason.NO_SKILLED_VEHICLE, skills=", ".join(sorted(task.skills))
        )
    seated = [v for v in skilled if v.seats >= task.passengers]
    if not seated:
        return _unserved(
            task,
            UnservedReason.NOT_ENOUGH_SEATS,
            passengers=task.passengers,
            seats=max(v.seats for v in skilled),
        )
    windows = [task.pickup.window] + ([task.delivery.window] if task.delivery else [])
    in_shift = [v for v in seated if all(_overlaps(w, v.shift) for w in windows)]
    if not in_shift:
        return _unserved(task, UnservedReason.OUTSIDE_SHIFTS)
    if not any(reachable(problem, task, v) for v in in_shift):
        return _unserved(task, UnservedReason.WINDOW_UNREACHABLE)
    return None


def prefilter(problem: Problem, tasks: list[Task]) -> dict[str, Unserved]:
    """Tasks that no vehicle can serve even alone, with their reason (solved without them)."""
    out: dict[str, Unserved] = {}
    for t in tasks:
        u = diagnose_task(problem, t)
        if u is not None:
            out[t.id] = u
    return out


def explain_dropped(
    problem: Problem, dropped: list[Task], served: list[Task], on_board: dict[str, int]
) -> list[Unserved]:
    """Reasons for tasks the solver left out although each is feasible alone."""
    out = []
    best_rank = min((t.urgency.rank for t in served), default=None)
    for t in dropped:
        if t.id in on_board:
            out.append(_unserved(t, UnservedReason.WINDOW_UNREACHABLE))
        elif best_rank is not None and best_rank <= t.urgency.rank:
            out.append(_unserved(t, UnservedReason.DROPPED_FOR_URGENT))
        else:
            out.append(_unserved(t, UnservedReason.NO_CAPACITY))
    return out


__all__ = ["MESSAGES", "diagnose_task", "explain_dropped", "prefilter", "reachable"]
