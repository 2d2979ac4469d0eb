"""An independent feasibility checker: does a Plan satisfy a Problem's constraints?

Written apart from the solver (it does not use OR-Tools or the solver's helpers) so that
tests and the benchmark can trust a plan without trusting the model. ``check`` returns a
list of violations in plain words; an empty list means the plan is feasible.
"""

from __future__ import annotations

from routing.model import Plan, Problem, StopKind, Task, Urgency, Vehicle, VehicleState


def _ride_limit(problem: Problem, task: Task) -> int:
    assert task.delivery is not None
    p, d = task.pickup.location, task.delivery.location
    # direct trip of the slowest travel model (vehicle kinds): a limit every kind can meet
    direct = max(m.durations[p][d] for m in [problem.matrix, *problem.vehicle_matrices.values()])
    if task.urgency is Urgency.DARURAT and not task.allow_detour:
        return direct if task.max_ride is None else min(direct, task.max_ride)
    if task.max_ride is not None:
        return task.max_ride
    r = problem.ride_rule
    return max(direct, min(direct + r.slack, int(r.factor * direct)))


def _on_board_rules(problem: Problem, v: Vehicle, st: VehicleState) -> dict[str, tuple]:
    """For each transport on board: (latest delivery service start or None, straight).

    The deadline is its pickup departure + its ride limit when the pickup time is known;
    straight (before any other stop of the vehicle): a *darurat* without ``allow_detour``.
    A deadline the vehicle cannot meet any more is replaced by straight. Met or not is
    judged on one drive from where the vehicle is: the straight deliveries first, then the
    others by earliest deadline, dropping the first deadline missed until none is missed.
    """
    tasks = {t.id: t for t in problem.tasks}
    done = {tid for s in problem.states for tid in s.done}
    picked = dict(st.picked_up_at)
    dur = problem.vehicle_matrices.get(v.id, problem.matrix).durations
    rules: dict[str, tuple] = {}
    for tid in st.on_board:
        t = tasks.get(tid)
        if t is None or t.delivery is None or tid in done:
            continue
        deadline = picked[tid] + _ride_limit(problem, t) if tid in picked else None
        rules[tid] = (deadline, t.urgency is Urgency.DARURAT and not t.allow_detour)
    while True:
        first = sorted(tid for tid, (_, s) in rules.items() if s)
        first.sort(key=lambda tid: (rules[tid][0] is None, rules[tid][0] or 0))  # None last
        timed = sorted(
            (tid for tid, (dl, s) in rules.items() if not s and dl is not None),
            key=lambda tid: (rules[tid][0], tid),
        )
        clock, at, missed = max(v.shift.start, st.time), st.location, None
        for tid in first + timed:
            d = tasks[tid].delivery
            assert d is not None
            clock += dur[at][d.location]
            if d.window is not None:
                clock = max(clock, d.window.start)
            if rules[tid][0] is not None and clock > rules[tid][0]:
                missed = tid
                break
            clock, at = clock + d.service, d.location
        if missed is None:
            return rules
        rules[missed] = (None, True)


def check(problem: Problem, plan: Plan) -> list[str]:  # noqa: C901 - one pass, many rules
    errors: list[str] = []
    tasks = {t.id: t for t in problem.tasks}
    vehicles = {v.id: v for v in problem.vehicles}
    states = {s.vehicle: s for s in problem.states}
    done = {tid for s in problem.states for tid in s.done}
    on_board = {tid: s.vehicle for s in problem.states for tid in s.on_board}

    seen_vehicles: set[str] = set()
    served: dict[str, str] = {}
    for route in plan.routes:
        v = vehicles.get(route.vehicle)
        if v is None:
            errors.append(f"route for unknown vehicle {route.vehicle}")
            continue
        if route.vehicle in seen_vehicles:
            errors.append(f"vehicle {v.id} has two routes")
        seen_vehicles.add(route.vehicle)
        stops = route.stops
        matrix = problem.vehicle_matrices.get(v.id, problem.matrix)
        dur, dist = matrix.durations, matrix.distances
        if (
            len(stops) < 2
            or stops[0].kind is not StopKind.START
            or stops[-1].kind is not (StopKind.END)
        ):
            errors.append(f"{v.id}: route must begin with START and finish with END")
            continue
        st = states.get(v.id)
        start_loc = st.location if st else v.start
        earliest = max(v.shift.start, st.time) if st else v.shift.start
        if stops[0].location != start_loc:
            errors.append(f"{v.id}: starts at {stops[0].location}, not {start_loc}")
        if stops[-1].location != v.end:
            errors.append(f"{v.id}: ends at {stops[-1].location}, not {v.end}")
        if stops[0].departure < earliest:
            errors.append(f"{v.id}: leaves at {stops[0].departure} before {earliest}")
        if stops[-1].arrival > v.shift.end:
            errors.append(f"{v.id}: back at {stops[-1].arrival} after shift end {v.shift.end}")

        rules = _on_board_rules(problem, v, st) if st else {}
        # the straight on-board deliveries come before any other stop
        first = {tid for tid, (_, straight) in rules.items() if straight}
        other = None
        for i, s in enumerate(stops[1:-1], start=1):
            if s.kind is StopKind.DELIVERY and s.task in first:
                if other is not None:
                    errors.append(f"{v.id}: on-board {s.task} delivered after stop {other}")
            elif other is None:
                other = i
        load = sum(tasks[t].passengers for t, vv in on_board.items() if vv == v.id and t in tasks)
        driving = distance = 0
        picked: dict[str, int] = {}  # task -> departure time from pickup
        for i, s in enumerate(stops):
            if i > 0:
                prev = stops[i - 1]
                travel = dur[prev.location][s.location]
                driving += travel
                distance += dist[prev.location][s.location]
                if s.arrival < prev.departure + travel:
                    errors.append(f"{v.id}: stop {i} reached at {s.arrival}, too early to be true")
            if s.kind in (StopKind.START, StopKind.END):
                if s.task is not None:
                    errors.append(f"{v.id}: start/end stop carries a task")
                continue
            t = tasks.get(s.task or "")
            if t is None:
                errors.append(f"{v.id}: stop {i} has unknown task {s.task}")
                continue
            if t.id in done:
                errors.append(f"{v.id}: task {t.id} is already done but planned again")
            stop_def = t.pickup if s.kind in (StopKind.PICKUP, StopKind.VISIT) else t.delivery
            if stop_def is None or (s.kind is StopKind.VISIT) == t.is_transport:
                errors.append(f"{v.id}: stop kind {s.kind.value} does not fit task {t.id}")
                continue
            if s.location != stop_def.location:
                errors.append(f"{v.id}: task {t.id} {s.kind.value} at wrong location")
            begin = s.arrival + s.wait
            if s.wait < 0:
                errors.append(f"{v.id}: negative wait at {t.id}")
            if s.departure < begin + stop_def.service:
                errors.append(f"{v.id}: {t.id} {s.kind.value} shorter than its service time")
            w = stop_def.window
            if w is not None and not (w.start <= begin <= w.end):
                errors.append(f"{v.id}: {t.id} {s.kind.value} at {begin} outside {w.start}-{w.end}")
            if t.id not in on_board and not t.skills <= v.skills:
                errors.append(f"{v.id}: lacks skills {sorted(t.skills - v.skills)} for {t.id}")
            if t.id not in on_board and t.locked_vehicle not in (None, v.id):
                errors.append(f"{t.id} is locked to {t.locked_vehicle} but planned on {v.id}")
            key = f"{t.id}/{s.kind.value}"
            if key in served:
                errors.append(f"{t.id} {s.kind.value} planned twice")
            served[key] = v.id
            if s.kind is StopKind.PICKUP:
                if t.id in on_board:
                    errors.append(f"{t.id} is on board but picked up again")
                load += t.passengers
                picked[t.id] = s.departure
                nxt = stops[i + 1] if i + 1 < len(stops) else None
                if (
                    t.urgency is Urgency.DARURAT
                    and not t.allow_detour
                    and (nxt is None or nxt.task != t.id or nxt.kind is not StopKind.DELIVERY)
                ):
                    errors.append(f"darurat {t.id} does not go straight to its delivery")
            elif s.kind is StopKind.DELIVERY:
                load -= t.passengers
                if t.id in on_board:
                    if on_board[t.id] != v.id:
                        errors.append(f"{t.id} is on board {on_board[t.id]}, delivered by {v.id}")
                    deadline = rules.get(t.id, (None, False))[0]
                    if deadline is not None and begin > deadline:
                        errors.append(f"{t.id}: delivered at {begin}, after its ride deadline")
                elif t.id not in picked:
                    errors.append(f"{t.id} delivered before (or without) its pickup on {v.id}")
                else:
                    ride = begin - picked[t.id]
                    if ride > _ride_limit(problem, t):
                        errors.append(f"{t.id}: {ride} s on board, above its limit")
            else:
                load += t.passengers
            if load > v.seats:
                errors.append(f"{v.id}: {load} passengers on board, {v.seats} seats")
            if s.load != load:
                errors.append(f"{v.id}: stop {i} reports load {s.load}, actual {load}")
        for tid in picked:
            if f"{tid}/delivery" not in served or served[f"{tid}/delivery"] != v.id:
                errors.append(f"{tid} picked up by {v.id} but not delivered by it")
        if v.max_driving is not None and driving > v.max_driving:
            errors.append(f"{v.id}: {driving} s driving above {v.max_driving}")
        if v.max_duration is not None and route.span > v.max_duration:
            errors.append(f"{v.id}: route of {route.span} s, above {v.max_duration}")
        if route.driving != driving or route.distance != distance:
            errors.append(f"{v.id}: totals differ from the stops")

    # every open task is either served completely or reported unserved, once
    unserved = [u.task for u in plan.unserved]
    if len(unserved) != len(set(unserved)):
        errors.append("a task is reported unserved twice")
    for t in problem.tasks:
        if t.id in done:
            if t.id in unserved:
                errors.append(f"{t.id} is done but reported unserved")
            continue
        needed = (
            ["delivery"]
            if t.id in on_board
            else (["pickup", "delivery"] if t.is_transport else ["visit"])
        )
        present = [k for k in needed if f"{t.id}/{k}" in served]
        if present and len(present) != len(needed):
            errors.append(f"{t.id} only partly served")
        if present and t.id in unserved:
            errors.append(f"{t.id} is served and reported unserved")
        if not present and t.id not in unserved:
            errors.append(f"{t.id} is neither served nor reported unserved")
    return errors
