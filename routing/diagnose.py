"""Why a task cannot be served: a diagnosis, not just "the solver dropped it".

``prefilter`` runs before solving and removes tasks no vehicle could ever do alone
(no vehicle with the skill, locked vehicle unavailable, not enough seats, windows outside
every shift, a window already closed when a re-plan starts, windows unreachable from the
depot and back within a shift, more driving than a vehicle's maximum). ``explain_dropped``
names the reason for tasks that were feasible alone but left out of the plan, by trying to
insert each into the plan's routes: into the routes as they are, into the routes without
the requests less urgent than it, and into the routes with only the requests exactly as
urgent as it (see ``explain_dropped``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from routing.model import (
    Problem,
    Route,
    StopKind,
    Task,
    TimeWindow,
    Unserved,
    UnservedReason,
    Urgency,
    Vehicle,
)

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
        "Left out for more urgent requests: it would fit into the plan without them."
    ),
    UnservedReason.NO_CAPACITY: (
        "Feasible on its own, but the vehicles are full with requests as urgent as this one."
    ),
    UnservedReason.DRIVING_LIMIT: (
        "A suitable vehicle could take it, but would then drive more than its maximum "
        "driving time for the day."
    ),
    UnservedReason.WINDOW_PASSED: "The requested time has already passed (it ended at {end}).",
    UnservedReason.SEARCH_STOPPED: (
        "It would still fit into the plan: the search stopped before placing it. "
        "Plan again with more time."
    ),
}


def _unserved(task: Task, reason: UnservedReason, **kw: object) -> Unserved:
    return Unserved(task.id, reason, MESSAGES[reason].format(**kw))


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


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


def reachable(problem: Problem, task: Task, v: Vehicle, *, driving: bool = True) -> bool:
    """Can vehicle ``v`` do this task alone: start → stops → end within shift and windows
    (and within its maximum driving time, unless ``driving`` is False)."""
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
    return not (driving and v.max_driving is not None and drive > v.max_driving)


def _passed(problem: Problem, task: Task) -> int | None:
    """In a re-plan (vehicle states given): the end of a window of ``task`` that closed
    before the re-plan's time (the latest state time), else None."""
    if not problem.states:
        return None
    now = max(s.time for s in problem.states)
    windows = [task.pickup.window] + ([task.delivery.window] if task.delivery else [])
    ends = [w.end for w in windows if w is not None and w.end < now]
    return min(ends) if ends else None


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
    passed = _passed(problem, task)
    if not in_shift or not any(reachable(problem, task, v, driving=False) for v in in_shift):
        if passed is not None:  # a re-plan: the time is gone, whatever the shifts were
            return _unserved(task, UnservedReason.WINDOW_PASSED, end=_clock(passed))
        if not in_shift:
            return _unserved(task, UnservedReason.OUTSIDE_SHIFTS)
        return _unserved(task, UnservedReason.WINDOW_UNREACHABLE)
    if not any(reachable(problem, task, v) for v in in_shift):
        return _unserved(task, UnservedReason.DRIVING_LIMIT)
    return None


def prefilter(problem: Problem, tasks: list[Task]) -> dict[str, Unserved]:
    """Tasks that no vehicle can serve even alone, with their reason (solved without them)."""
    out: dict[str, Unserved] = {}
    for t in tasks:
        u = diagnose_task(problem, t)
        if u is not None:
            out[t.id] = u
    return out


# --- insertion into the plan's routes ----------------------------------------------------


@dataclass(frozen=True)
class _S:
    """A stop of a route being checked."""

    kind: StopKind
    location: int
    task: Task | None = None
    service: int = 0
    window: TimeWindow | None = None


def _stop(task: Task, kind: StopKind) -> _S:
    s = task.delivery if kind is StopKind.DELIVERY else task.pickup
    assert s is not None
    return _S(kind, s.location, task, s.service, s.window)


class _Vehicle:
    """One vehicle with what its route must keep: its start (a re-plan: where and when it
    is now), the passengers on board and the rules of their deliveries."""

    def __init__(
        self,
        problem: Problem,
        v: Vehicle,
        on_board: dict[str, int],
        tasks: dict[str, Task],
        v_idx: int,
    ) -> None:
        self.v = v
        self.dur = problem.matrix_for(v.id).durations
        self.t0 = _vehicle_start(problem, v)[1]
        mine = [t for t, i in on_board.items() if i == v_idx and t in tasks]
        self.load0 = sum(tasks[t].passengers for t in mine)
        self.ride = {t.id: _ride_limit(problem, t) for t in problem.tasks if t.delivery is not None}
        self.rules: dict[str, tuple[int | None, bool]] = {}
        state = next((s for s in problem.states if s.vehicle == v.id), None)
        if state is not None and mine:
            from routing import solver  # local: solver imports this module

            # the solver's rules for transports on board (a solver without them has none)
            rules = getattr(solver, "on_board_rules", None)
            if rules is not None:
                self.rules = rules(problem, state)

    def fits(self, seq: list[_S], driving: bool = True) -> bool:
        """Whether the vehicle can drive ``seq`` (START ... END) within every rule of the
        model: windows, shift, seats, pickup first, maximum ride time, a *darurat* straight
        to its drop-off, the on-board rules and (with ``driving``) the maximum driving."""
        v, dur = self.v, self.dur
        straight_first = {tid for tid, (_, s) in self.rules.items() if s}
        other_seen = False
        t = self.t0
        load = self.load0
        drive = 0
        times: list[int] = [t]
        picked: dict[str, int] = {}
        ride_late = False
        for i in range(1, len(seq)):
            prev, s = seq[i - 1], seq[i]
            travel = dur[prev.location][s.location]
            drive += travel
            t += prev.service + travel
            if s.window is not None:
                if t > s.window.end:
                    return False
                t = max(t, s.window.start)
            times.append(t)
            task = s.task
            if task is None:
                continue
            if s.kind is StopKind.DELIVERY and task.id in straight_first:
                if other_seen:
                    return False
            else:
                other_seen = True
            if s.kind is StopKind.PICKUP:
                load += task.passengers
                picked[task.id] = i
                if task.urgency is Urgency.DARURAT and not task.allow_detour:
                    nxt = seq[i + 1]
                    straight = nxt.task is not None and nxt.task.id == task.id
                    if not straight or nxt.kind is not StopKind.DELIVERY:
                        return False
            elif s.kind is StopKind.DELIVERY:
                load -= task.passengers
                if task.id in picked:
                    limit = self.ride.get(task.id)
                    p_i = picked[task.id]
                    if limit is not None and t - (times[p_i] + seq[p_i].service) > limit:
                        ride_late = True
                else:
                    deadline = self.rules.get(task.id, (None, False))[0]
                    if deadline is not None and t > deadline:
                        return False
            else:
                load += task.passengers
            if load > v.seats:
                return False
        if t > v.shift.end:
            return False
        if driving and v.max_driving is not None and drive > v.max_driving:
            return False
        # The earliest times break a ride limit only by waiting on board, or the maximum
        # route duration only by leaving early: whether leaving later mends it is a system
        # of difference constraints.
        long = v.max_duration is not None and t - self.t0 > v.max_duration
        return not (ride_late or long) or self._times_exist(seq)

    def _times_exist(self, seq: list[_S]) -> bool:
        """Exact check of the service starts: t[i+1] ≥ t[i] + service + travel, windows,
        shift, on-board deadlines and rides ``t[d] − (t[p] + service[p]) ≤ ride``.
        Constraints x[j] − x[i] ≤ c are edges i → j; feasible iff no negative cycle
        (Bellman-Ford from a node 0 that stands for time 0)."""
        n = len(seq)
        z = n  # the time origin
        edges: list[tuple[int, int, int]] = []
        lo = [0] * n
        hi = [self.v.shift.end] * n
        lo[0] = self.t0
        if any(s for _, s in self.rules.values()):
            hi[0] = self.t0  # straight deliveries on board: leave now
        picked: dict[str, int] = {}
        for i, s in enumerate(seq):
            if s.window is not None:
                lo[i] = max(lo[i], s.window.start)
                hi[i] = min(hi[i], s.window.end)
            if i > 0:
                gap = seq[i - 1].service + self.dur[seq[i - 1].location][s.location]
                edges.append((i, i - 1, -gap))  # t[i-1] - t[i] <= -gap
            task = s.task
            if task is None:
                continue
            if s.kind is StopKind.PICKUP:
                picked[task.id] = i
            elif s.kind is StopKind.DELIVERY:
                if task.id in picked:
                    limit = self.ride.get(task.id)
                    if limit is not None:
                        p_i = picked[task.id]
                        edges.append((p_i, i, limit + seq[p_i].service))
                else:
                    deadline = self.rules.get(task.id, (None, False))[0]
                    if deadline is not None:
                        hi[i] = min(hi[i], deadline)
        if self.v.max_duration is not None:  # t[last] - t[0] <= max_duration
            edges.append((0, n - 1, self.v.max_duration))
        for i in range(n):
            if lo[i] > hi[i]:
                return False
            edges.append((z, i, hi[i]))
            edges.append((i, z, -lo[i]))
        dist = [0] * (n + 1)
        for _ in range(n + 1):
            changed = False
            for a, b, c in edges:
                if dist[a] + c < dist[b]:
                    dist[b] = dist[a] + c
                    changed = True
            if not changed:
                return True
        return False

    def insertable(self, seq: list[_S], task: Task, driving: bool = True) -> bool:
        """Whether ``task`` fits somewhere into ``seq`` (its stops in order)."""
        if task.delivery is None:
            x = _stop(task, StopKind.VISIT)
            spots = range(len(seq) - 1)
            return any(self.fits([*seq[: i + 1], x, *seq[i + 1 :]], driving) for i in spots)
        p, d = _stop(task, StopKind.PICKUP), _stop(task, StopKind.DELIVERY)
        direct = task.urgency is Urgency.DARURAT and not task.allow_detour
        for i in range(len(seq) - 1):
            for j in range(i, i + 1 if direct else len(seq) - 1):
                new = [*seq[: i + 1], p, *seq[i + 1 : j + 1], d, *seq[j + 1 :]]
                if self.fits(new, driving):
                    return True
        return False


def _sequences(
    problem: Problem, routes: list[Route], tasks: dict[str, Task]
) -> dict[str, list[_S]]:
    """Each vehicle's planned stops, START ... END (an unused vehicle: START, END)."""
    out: dict[str, list[_S]] = {}
    for v in problem.vehicles:
        loc, _ = _vehicle_start(problem, v)
        out[v.id] = [_S(StopKind.START, loc), _S(StopKind.END, v.end)]
    for r in routes:
        if r.vehicle not in out or len(r.stops) < 2:
            continue
        seq = [_S(StopKind.START, r.stops[0].location)]
        for s in r.stops[1:-1]:
            t = tasks.get(s.task or "")
            if t is not None:
                seq.append(_stop(t, s.kind))
        seq.append(_S(StopKind.END, r.stops[-1].location))
        out[r.vehicle] = seq
    return out


def explain_dropped(
    problem: Problem,
    dropped: list[Task],
    served: list[Task],
    on_board: dict[str, int],
    routes: list[Route] | None = None,
) -> list[Unserved]:
    """Reasons for tasks the solver left out although each is feasible alone.

    ``routes``: the plan's routes (stop order is what counts). For each dropped task and
    each vehicle that may take it (skills, lock, seats), the task is inserted, at every
    position, into the vehicle's route:

    1. as it is, or without the requests less urgent than the task: it fits → the search
       stopped before placing it (``SEARCH_STOPPED``; the penalties would have it served);
    2. with only the requests exactly as urgent (and the passengers on board), on a
       vehicle that serves a more urgent one: it fits → ``DROPPED_FOR_URGENT``;
    3. as in 2 but on any vehicle and ignoring the maximum driving time: it fits → only
       the driving limit stops it (``DRIVING_LIMIT``);
    4. otherwise requests as urgent fill the fleet (``NO_CAPACITY``).

    Without ``routes``: ``DROPPED_FOR_URGENT`` when a more urgent request is served, else
    ``NO_CAPACITY``. A transport already on board that cannot be delivered:
    ``WINDOW_UNREACHABLE``.
    """
    tasks = {t.id: t for t in problem.tasks}
    served_ranks = {t.urgency.rank for t in served}
    seqs = _sequences(problem, routes, tasks) if routes is not None else None
    checkers: dict[str, _Vehicle] = {}
    out = []
    for t in dropped:
        if t.id in on_board:
            out.append(_unserved(t, UnservedReason.WINDOW_UNREACHABLE))
        elif seqs is None:
            urgent = any(r < t.urgency.rank for r in served_ranks)
            reason = UnservedReason.DROPPED_FOR_URGENT if urgent else UnservedReason.NO_CAPACITY
            out.append(_unserved(t, reason))
        else:
            out.append(_unserved(t, _diagnose_dropped(problem, t, seqs, on_board, checkers)))
    return out


def _diagnose_dropped(
    problem: Problem,
    task: Task,
    seqs: dict[str, list[_S]],
    on_board: dict[str, int],
    checkers: dict[str, _Vehicle],
) -> UnservedReason:
    tasks = {t.id: t for t in problem.tasks}
    rank = task.urgency.rank
    allowed = [
        (i, v)
        for i, v in enumerate(problem.vehicles)
        if task.skills <= v.skills
        and task.locked_vehicle in (None, v.id)
        and v.seats >= task.passengers
    ]

    def keep(seq: list[_S], pred: Callable[[Task], bool]) -> list[_S]:
        return [s for s in seq if s.task is None or s.task.id in on_board or pred(s.task)]

    def checker(i: int, v: Vehicle) -> _Vehicle:
        if v.id not in checkers:
            checkers[v.id] = _Vehicle(problem, v, on_board, tasks, i)
        return checkers[v.id]

    def more_urgent(seq: list[_S]) -> bool:
        return any(s.task is not None and s.task.urgency.rank < rank for s in seq)

    for i, v in allowed:
        seq = seqs[v.id]
        c = checker(i, v)
        if c.insertable(seq, task):
            return UnservedReason.SEARCH_STOPPED
        fewer = keep(seq, lambda t: t.urgency.rank <= rank)
        if len(fewer) < len(seq) and c.insertable(fewer, task):
            return UnservedReason.SEARCH_STOPPED
    same = {v.id: keep(seqs[v.id], lambda t: t.urgency.rank == rank) for _, v in allowed}
    for i, v in allowed:
        if more_urgent(seqs[v.id]) and checker(i, v).insertable(same[v.id], task):
            return UnservedReason.DROPPED_FOR_URGENT
    for i, v in allowed:
        if v.max_driving is not None and checker(i, v).insertable(same[v.id], task, False):
            return UnservedReason.DRIVING_LIMIT
    return UnservedReason.NO_CAPACITY


__all__ = ["MESSAGES", "diagnose_task", "explain_dropped", "prefilter", "reachable"]
