"""The OR-Tools routing model: a Problem in, a Plan out.

Built step by step like OR-Tools' samples:

* nodes: one start and one end node per vehicle (a re-plan starts a vehicle where it is
  now), one node per visit, a pickup and a delivery node per transport;
* arc cost: driving seconds;
* dimensions "Time" (service at the node + travel, windows, shifts), "Seats" (passengers
  on board, capacity = seats) and "Drive" (driving seconds, capacity = max_driving);
* pickup and delivery pairs (same vehicle, pickup first), maximum ride time, and a
  *darurat* transport goes straight from pickup to delivery unless ``allow_detour``;
* in a re-plan, a transport on board keeps these rules (``on_board_rules``): its delivery
  by its pickup time (``VehicleState.picked_up_at``) + its maximum ride time, and a
  *darurat* one, or one whose deadline can no longer be met, delivered before any other
  stop of its vehicle (never dropped for it);
* disjunction penalties by urgency, lexicographic: one *darurat* outweighs every
  *segera* and *terjadwal* together plus any change of route cost, and so on;
* skills and locks through allowed vehicles; warm start from ``problem.previous``;
* a *darurat* request's first stop as early as possible (a soft upper bound on its time).

A visit's ``passengers`` (used for the Solomon benchmark) ride from the visit to the end
of the route, i.e. the visit loads them for the trip back to the depot.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_ils_pb2

from routing.diagnose import explain_dropped, prefilter
from routing.model import (
    Plan,
    PlannedStop,
    Problem,
    Route,
    StopKind,
    Task,
    TimeWindow,
    Unserved,
    UnservedReason,
    Urgency,
    VehicleState,
)
from routing.schedule import tighten

DARURAT_DELAY_WEIGHT = 2  # cost of a second's delay of an emergency, in seconds of driving

FIRST_SOLUTION_DEFAULT = "PARALLEL_CHEAPEST_INSERTION"
# Our name for OR-Tools' iterated local search (RoutingModel.SolveWithIteratedLocalSearch):
# ruin and recreate (SISR) perturbations, each followed by a greedy descent. Any other value
# is an OR-Tools LocalSearchMetaheuristic name (e.g. GUIDED_LOCAL_SEARCH).
ITERATED_LOCAL_SEARCH = "ITERATED_LOCAL_SEARCH"
METAHEURISTIC_DEFAULT = ITERATED_LOCAL_SEARCH
GLS_LAMBDA = 0.5
# SISR ruin (Christiaens & Vanden Berghe 2020): average visits removed per perturbation and
# the longest removed sequence per route. Measured on 12 Solomon instances at 5 s: 10/10
# (the paper's values) 4.41 % mean gap, 20/10 3.98 %, 30/15 2.85 %, 50/20 3.33 %.
SISR_AVG_REMOVED = 30
SISR_MAX_SEQUENCE = 15
# Operators left out of the descent inside iterated local search: they rarely improve a
# solution there and slow every descent down (more perturbations per second instead).
ILS_OPERATORS_OFF = (
    "use_relocate_expensive_chain",
    "use_make_chain_inactive",
    "use_swap_active_chain",
    "use_shortest_path_swap_active",
    "use_shortest_path_two_opt",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
    "use_exchange_subtrip",
    "use_relocate_subtrip",
)


def max_ride_seconds(problem: Problem, task: Task) -> int | None:
    """Longest allowed time on board (delivery service start − pickup departure).

    ``None`` for visits. A *darurat* transport without ``allow_detour``: the direct trip.
    Otherwise ``task.max_ride`` if set, else min(direct + slack, factor × direct).
    """
    if task.delivery is None:
        return None
    p, d = task.pickup.location, task.delivery.location
    # direct trip of the slowest travel model (vehicle kinds): a limit every kind can meet
    direct = max(m.durations[p][d] for m in [problem.matrix, *problem.vehicle_matrices.values()])
    if task.urgency is Urgency.DARURAT and not task.allow_detour:
        return direct if task.max_ride is None else min(direct, task.max_ride)
    if task.max_ride is not None:
        return task.max_ride
    rule = problem.ride_rule
    return max(direct, min(direct + rule.slack, int(rule.factor * direct)))


OnBoardRules = dict[str, tuple[int | None, bool]]


def on_board_rules(problem: Problem, state: VehicleState) -> OnBoardRules:
    """The ride rules of the transports on board of ``state``'s vehicle in a re-plan.

    For each: ``(deadline, straight)``, the latest service start of its delivery and
    whether the delivery comes before any other stop of the vehicle.

    * ``deadline``: its pickup departure (``state.picked_up_at``) + ``max_ride_seconds``;
      ``None`` when the pickup time is unknown (no ride limit, as before).
    * ``straight``: a *darurat* transport without ``allow_detour``.
    * A deadline that can no longer be met is dropped and the delivery goes straight
      instead: the survivor is taken there next, never left out for being late. "Can be
      met" is decided for all of them together, by driving from where the vehicle is now
      to the straight deliveries first, then to the others by earliest deadline (waiting
      for delivery windows), and repeating until every deadline kept is met on that drive.
      So the deliveries on board always have one order that keeps all their rules.
    """
    return _on_board_drive(problem, state)[0]


def _on_board_drive(problem: Problem, state: VehicleState) -> tuple[OnBoardRules, list[str]]:
    """``on_board_rules`` and the drive that meets them (task ids, in order)."""
    done = {tid for s in problem.states for tid in s.done}
    by_id = {t.id: t for t in problem.tasks}
    on = [
        by_id[tid]
        for tid in dict.fromkeys(state.on_board)
        if tid in by_id and by_id[tid].is_transport and tid not in done
    ]
    vehicle = next(v for v in problem.vehicles if v.id == state.vehicle)
    dur = problem.matrix_for(vehicle.id).durations
    picked = state.pickup_times
    rules: OnBoardRules = {}
    for t in on:
        ride = max_ride_seconds(problem, t)
        deadline = picked[t.id] + ride if t.id in picked and ride is not None else None
        rules[t.id] = (deadline, t.urgency is Urgency.DARURAT and not t.allow_detour)

    def key(t: Task) -> tuple[bool, int, str]:
        deadline, straight = rules[t.id]
        return (not straight, 1 << 62 if deadline is None else deadline, t.id)

    while True:
        drive = sorted((t for t in on if rules[t.id][1] or rules[t.id][0] is not None), key=key)
        now, at, late = max(vehicle.shift.start, state.time), state.location, None
        for t in drive:
            d = t.delivery
            assert d is not None
            now += dur[at][d.location]
            if d.window is not None:
                now = max(now, d.window.start)
            deadline = rules[t.id][0]
            if deadline is not None and now > deadline:
                late = t.id
                break
            now, at = now + d.service, d.location
        if late is None:
            return rules, [t.id for t in drive]
        rules[late] = (None, True)


@dataclass
class _Node:
    location: int
    kind: StopKind
    task: str | None = None
    service: int = 0
    window: TimeWindow | None = None
    demand: int = 0
    vehicle: int | None = None  # for start/end nodes


@dataclass
class _Built:
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    nodes: list[_Node]
    time_dim: pywrapcp.RoutingDimension
    seats_dim: pywrapcp.RoutingDimension
    key_to_node: dict[tuple[str, StopKind], int] = field(default_factory=dict)
    first_solution_at: list[float] = field(default_factory=list)


def _allow(routing: pywrapcp.RoutingModel, vehicles: list[int], index: int, nv: int) -> None:
    """Allowed vehicles for a node (what SetAllowedVehiclesForIndex does; its Python
    binding rejects lists in OR-Tools 9.15). -1 keeps the node droppable."""
    if len(vehicles) < nv:
        routing.VehicleVar(index).SetValues([-1, *vehicles])


def _penalties(problem: Problem, tasks: list[Task], bound: int) -> dict[Urgency, int]:
    """Per-node penalty by urgency; a task drop costs twice this (visits: one node × 2)."""
    count = {u: sum(1 for t in tasks if t.urgency is u) for u in Urgency}
    terj = bound
    seg = terj * (count[Urgency.TERJADWAL] + 1)
    dar = seg * (count[Urgency.SEGERA] + 1) + terj * (count[Urgency.TERJADWAL] + 1)
    return {Urgency.TERJADWAL: terj, Urgency.SEGERA: seg, Urgency.DARURAT: dar}


def _build(
    problem: Problem, tasks: list[Task], on_board: dict[str, int], emergency_delay: bool
) -> _Built:
    vehicles = problem.vehicles
    nv = len(vehicles)
    states = {s.vehicle: s for s in problem.states}
    task_by_id = {t.id: t for t in problem.tasks}

    nodes: list[_Node] = []
    starts: list[int] = []
    ends: list[int] = []
    start_time: list[int] = []
    for v_idx, v in enumerate(vehicles):
        st = states.get(v.id)
        load = sum(task_by_id[tid].passengers for tid, vv in on_board.items() if vv == v_idx)
        starts.append(len(nodes))
        nodes.append(
            _Node(st.location if st else v.start, StopKind.START, demand=load, vehicle=v_idx)
        )
        start_time.append(max(v.shift.start, st.time) if st else v.shift.start)
    for v_idx, v in enumerate(vehicles):
        ends.append(len(nodes))
        nodes.append(_Node(v.end, StopKind.END, vehicle=v_idx))

    key_to_node: dict[tuple[str, StopKind], int] = {}
    for t in tasks:
        if t.id in on_board:
            d = t.delivery
            assert d is not None
            key_to_node[(t.id, StopKind.DELIVERY)] = len(nodes)
            nodes.append(
                _Node(d.location, StopKind.DELIVERY, t.id, d.service, d.window, -t.passengers)
            )
            continue
        p = t.pickup
        if t.delivery is None:
            key_to_node[(t.id, StopKind.VISIT)] = len(nodes)
            nodes.append(_Node(p.location, StopKind.VISIT, t.id, p.service, p.window, t.passengers))
        else:
            d = t.delivery
            key_to_node[(t.id, StopKind.PICKUP)] = len(nodes)
            nodes.append(
                _Node(p.location, StopKind.PICKUP, t.id, p.service, p.window, t.passengers)
            )
            key_to_node[(t.id, StopKind.DELIVERY)] = len(nodes)
            nodes.append(
                _Node(d.location, StopKind.DELIVERY, t.id, d.service, d.window, -t.passengers)
            )

    n = len(nodes)
    manager = pywrapcp.RoutingIndexManager(n, nv, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()

    locs = [nd.location for nd in nodes]
    # One set of transit matrices per distinct travel matrix (vehicle kinds).
    cost_cb: list[int] = []
    time_cb: list[int] = []
    drive_cb: list[int] = []
    registered: dict[int, tuple[int, int, int, int]] = {}
    bound = 1
    for v in vehicles:
        mat = problem.matrix_for(v.id)
        if id(mat) not in registered:
            d = mat.durations
            drive = [[d[locs[i]][locs[j]] for j in range(n)] for i in range(n)]
            timem = [[nodes[i].service + drive[i][j] for j in range(n)] for i in range(n)]
            c = routing.RegisterTransitMatrix(drive)
            registered[id(mat)] = (
                c,
                routing.RegisterTransitMatrix(timem),
                c,
                sum(max(row) for row in drive) + 1,
            )
        c, tcb, dcb, b = registered[id(mat)]
        cost_cb.append(c)
        time_cb.append(tcb)
        drive_cb.append(dcb)
        bound = max(bound, b)

    # Arc cost: driving seconds.
    for v_idx in range(nv):
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[v_idx], v_idx)

    # Time dimension: service at the node + travel; waiting allowed.
    horizon = max(
        [v.shift.end for v in vehicles]
        + [nd.window.end for nd in nodes if nd.window is not None]
        + [0]
    )
    routing.AddDimensionWithVehicleTransits(time_cb, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for v_idx, v in enumerate(vehicles):
        time_dim.CumulVar(routing.Start(v_idx)).SetRange(start_time[v_idx], v.shift.end)
        time_dim.CumulVar(routing.End(v_idx)).SetRange(start_time[v_idx], v.shift.end)
        if v.max_duration is not None:  # maximum route duration, within the shift
            time_dim.SetSpanUpperBoundForVehicle(v.max_duration, v_idx)
    for node_i, nd in enumerate(nodes):
        if nd.task is not None and nd.window is not None:
            idx = manager.NodeToIndex(node_i)
            time_dim.CumulVar(idx).SetRange(nd.window.start, nd.window.end)

    # Seats dimension: passengers on board; start nodes carry those already on board.
    seats_cb = routing.RegisterUnaryTransitVector([nd.demand for nd in nodes])
    routing.AddDimensionWithVehicleCapacity(
        seats_cb, 0, [max(0, v.seats) for v in vehicles], True, "Seats"
    )
    seats_dim = routing.GetDimensionOrDie("Seats")

    # Drive dimension: driving seconds, capped per vehicle; only when some vehicle has a cap
    # (an unbinding dimension only slows every local search move down).
    if any(v.max_driving is not None for v in vehicles):
        routing.AddDimensionWithVehicleTransitAndCapacity(
            drive_cb,
            0,
            [v.max_driving if v.max_driving is not None else bound for v in vehicles],
            True,
            "Drive",
        )

    # Disjunction penalties, lexicographic by urgency; `bound` exceeds any route cost plus
    # the largest total delay cost of the emergencies (below), so that reaching a *darurat*
    # sooner never costs a served request.
    if emergency_delay:
        bound += DARURAT_DELAY_WEIGHT * horizon * len(_emergencies(tasks, on_board))
    pen = _penalties(problem, tasks, bound)
    onboard_pen = pen[Urgency.DARURAT] * (len(tasks) + 1)

    def allowed(t: Task) -> list[int]:
        out = [i for i, v in enumerate(vehicles) if t.skills <= v.skills]
        if t.locked_vehicle is not None:
            out = [i for i in out if vehicles[i].id == t.locked_vehicle]
        return out

    straight: list[int] = []  # on-board deliveries before any other stop of their vehicle
    rules: OnBoardRules = {}
    for v in vehicles:
        if v.id in states and on_board:
            rules.update(on_board_rules(problem, states[v.id]))
    for t in tasks:
        if t.id in on_board:
            d_idx = manager.NodeToIndex(key_to_node[(t.id, StopKind.DELIVERY)])
            routing.AddDisjunction([d_idx], onboard_pen)
            v_idx = on_board[t.id]
            _allow(routing, [v_idx], d_idx, nv)
            deadline, go_first = rules.get(t.id, (None, False))
            if deadline is not None and deadline < horizon:
                # a deadline kept can be met (on_board_rules), so this never drops the task
                time_dim.CumulVar(d_idx).SetMax(deadline)
            if go_first:
                straight.append(d_idx)
            continue
        veh = allowed(t)
        if t.delivery is None:
            idx = manager.NodeToIndex(key_to_node[(t.id, StopKind.VISIT)])
            routing.AddDisjunction([idx], 2 * pen[t.urgency])
            _allow(routing, veh, idx, nv)
            continue
        p_idx = manager.NodeToIndex(key_to_node[(t.id, StopKind.PICKUP)])
        d_idx = manager.NodeToIndex(key_to_node[(t.id, StopKind.DELIVERY)])
        routing.AddDisjunction([p_idx], pen[t.urgency])
        routing.AddDisjunction([d_idx], pen[t.urgency])
        routing.AddPickupAndDelivery(p_idx, d_idx)
        solver.Add(routing.VehicleVar(p_idx) == routing.VehicleVar(d_idx))
        solver.Add(routing.ActiveVar(p_idx) == routing.ActiveVar(d_idx))
        # Precedence (pickup first) and maximum ride time as node precedences of the Time
        # dimension: they bind only when both stops are performed, and the routing filters
        # know them, so insertion heuristics stay fast (a generic solver.Add constraint
        # made the first plan ~20x slower).
        time_dim.AddNodePrecedence(p_idx, d_idx, t.pickup.service)
        ride = max_ride_seconds(problem, t)
        if ride is not None and ride < horizon:
            time_dim.AddNodePrecedence(d_idx, p_idx, -(ride + t.pickup.service))
        if t.urgency is Urgency.DARURAT and not t.allow_detour:
            routing.NextVar(p_idx).SetValues([p_idx, d_idx])
        _allow(routing, veh, p_idx, nv)
        _allow(routing, veh, d_idx, nv)

    # On-board deliveries that go straight there (a *darurat*, or a ride already too long)
    # come before any other stop of their vehicle: a dimension counts the other stops
    # passed since the start, and theirs is 0. Exact whatever is served, and a cumul bound
    # the routing filters know, so insertion heuristics keep those stops first (they can
    # always go in right after the start).
    if straight:
        first = {manager.IndexToNode(i) for i in straight}
        ahead_cb = routing.RegisterUnaryTransitVector(
            [0 if i in first or nd.task is None else 1 for i, nd in enumerate(nodes)]
        )
        routing.AddDimension(ahead_cb, 0, n, True, "Ahead")
        ahead_dim = routing.GetDimensionOrDie("Ahead")
        for d_idx in straight:
            ahead_dim.CumulVar(d_idx).SetMax(0)

    # A *darurat* request is served as early as the day allows: the penalties decide only
    # whether it is served, so each second its first stop is later than it could open costs
    # like DARURAT_DELAY_WEIGHT seconds of driving.
    earliest = min(start_time, default=0)
    for t in _emergencies(tasks, on_board) if emergency_delay else []:
        first = key_to_node[(t.id, StopKind.VISIT if t.delivery is None else StopKind.PICKUP)]
        opens = max(earliest, t.pickup.window.start if t.pickup.window else 0)
        time_dim.SetCumulVarSoftUpperBound(manager.NodeToIndex(first), opens, DARURAT_DELAY_WEIGHT)

    # Finalizers: return early, leave late, serve each stop as early as possible.
    for v_idx in range(nv):
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v_idx)))
    for v_idx in range(nv):
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v_idx)))
    for node_i, nd in enumerate(nodes):
        if nd.task is not None:
            routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(manager.NodeToIndex(node_i)))

    return _Built(manager, routing, nodes, time_dim, seats_dim, key_to_node)


def _search_parameters(
    time_limit: float, solution_limit: int | None, first_solution: str, metaheuristic: str
):
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, first_solution
    )
    if metaheuristic == ITERATED_LOCAL_SEARCH:
        lsm = routing_enums_pb2.LocalSearchMetaheuristic
        params.local_search_metaheuristic = lsm.GREEDY_DESCENT
        params.use_iterated_local_search = True
        ils = params.iterated_local_search_parameters
        rr = ils.ruin_recreate_parameters
        del rr.ruin_strategies[:]
        sisr = rr.ruin_strategies.add().sisr
        sisr.avg_num_removed_visits = SISR_AVG_REMOVED
        sisr.max_removed_sequence_size = SISR_MAX_SEQUENCE
        sisr.bypass_factor = 0.01
        # Simulated annealing acceptance with OR-Tools' automatic temperatures (from 0.1 to
        # 0.001 × the mean arc cost, exponential cooling over the time limit: scale-free, so
        # the same for Solomon distances and Kukar driving seconds). Solomon, all 56: mean
        # gap 1.16 -> 0.78 % at 30 s and 2.00 -> 1.86 % at 5 s against greedy acceptance
        # (with the earlier 10/10 ruin SA had measured worse at 5 s); bench/README.md.
        sa = ils.reference_solution_acceptance_strategy.simulated_annealing
        sa.cooling_schedule_strategy = routing_ils_pb2.CoolingScheduleStrategy.EXPONENTIAL
        sa.automatic_temperatures = True
        for name in ILS_OPERATORS_OFF:
            setattr(params.local_search_operators, name, 2)  # OptionalBoolean BOOL_FALSE
    else:
        params.local_search_metaheuristic = getattr(
            routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic
        )
    # Measured on Solomon C1/RC2 at 4-5 s: lambda 0.5 escapes local optima that the
    # default 0.1 does not (e.g. RC201 15.5% -> 2.0% gap).
    params.guided_local_search_lambda_coefficient = GLS_LAMBDA
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    if solution_limit is not None:
        params.solution_limit = solution_limit
    # Local cheapest insertion takes the most urgent (highest penalty) tasks first.
    lci = params.local_cheapest_insertion_parameters
    del lci.insertion_sorting_properties[:]
    lci.insertion_sorting_properties.append(type(lci).SORTING_PROPERTY_PENALTY)
    return params


WarmKeys = list[list[tuple[str, StopKind]]]


def _keys_from_plan(problem: Problem, plan: Plan) -> WarmKeys:
    vid = {v.id: i for i, v in enumerate(problem.vehicles)}
    keys: WarmKeys = [[] for _ in problem.vehicles]
    for r in plan.routes:
        if r.vehicle in vid:
            keys[vid[r.vehicle]] = [(s.task, s.kind) for s in r.stops if s.task is not None]
    return keys


def _keys_from_solution(built: _Built, solution, nv: int) -> WarmKeys:
    keys: WarmKeys = [[] for _ in range(nv)]
    routing, manager = built.routing, built.manager
    for v in range(nv):
        idx = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(idx):
            nd = built.nodes[manager.IndexToNode(idx)]
            assert nd.task is not None
            keys[v].append((nd.task, nd.kind))
            idx = solution.Value(routing.NextVar(idx))
    return keys


def _warm_routes(built: _Built, keys: WarmKeys) -> list[list[int]]:
    routes: list[list[int]] = []
    used: set[int] = set()
    for route in keys:
        out = []
        for key in route:
            node = built.key_to_node.get(key)
            if node is None or node in used:
                continue
            used.add(node)
            out.append(built.manager.NodeToIndex(node))
        routes.append(out)
    return routes


@dataclass
class _Seed:
    """Where a first solution starts from when survivors are on board (``_run``)."""

    routes: WarmKeys  # per vehicle, its on-board deliveries with ride rules, in an order
    # that keeps them (``_on_board_drive``)
    straight: set[tuple[str, StopKind]]  # those of them that come before any other stop


def _on_board_seed(problem: Problem, on_board: dict[str, int]) -> _Seed | None:
    """The on-board deliveries with ride rules; ``None`` when there are none."""
    states = {s.vehicle: s for s in problem.states}
    routes: WarmKeys = [[] for _ in problem.vehicles]
    straight: set[tuple[str, StopKind]] = set()
    for v_idx, v in enumerate(problem.vehicles):
        if v.id in states:
            rules, drive = _on_board_drive(problem, states[v.id])
            routes[v_idx] = [(t, StopKind.DELIVERY) for t in drive if on_board.get(t) == v_idx]
            straight |= {(t, StopKind.DELIVERY) for t in drive if rules[t][1]}
    return _Seed(routes, straight) if any(routes) else None


def _fit(warm: WarmKeys, seed: _Seed, known: dict) -> WarmKeys:
    """``warm`` routes (only their stops in the model, ``known``) that the on-board rules
    can start from: a vehicle's route is kept when it has all its seed deliveries and its
    straight ones lead it; otherwise the seed deliveries are moved to its front (a locked
    route that lacks them leaves no room in front, and the first solution would drop
    them)."""
    seeded = {k for r in seed.routes for k in r}
    out = []
    for w, s in zip(warm, seed.routes, strict=True):
        mine = set(s)
        w = [k for k in w if k in known and (k not in seeded or k in mine)]
        lead = mine & seed.straight
        if mine <= set(w) and set(w[: len(lead)]) == lead:
            out.append(w)
        else:
            out.append([*s, *(k for k in w if k not in mine)])
    return out


def _emergencies(tasks: list[Task], on_board: dict[str, int]) -> list[Task]:
    """The *darurat* tasks whose first stop is still ahead."""
    return [t for t in tasks if t.urgency is Urgency.DARURAT and t.id not in on_board]


def _run(
    problem,
    tasks,
    on_board,
    params,
    warm: WarmKeys | None,
    on_first,
    emergency_delay: bool = False,
    restart: bool = True,
    seed: _Seed | None = None,
):
    """Build the model for ``tasks`` and search, from ``warm`` routes when given
    (without ``restart``, give up rather than start afresh when they no longer fit).

    ``seed``: the on-board deliveries that have ride rules (``_on_board_seed``). The first
    solution starts from the warm routes fitted to them (``_fit``), else from these
    deliveries alone, before starting afresh: left to itself the first-solution heuristic
    may put stops in front of one of them that it cannot undo, and leave the survivor out.
    Without ``restart`` (the warm routes are a solution of this model) they are used as
    they are."""
    built = _build(problem, tasks, on_board, emergency_delay)
    routing = built.routing
    routing.AddAtSolutionCallback(on_first)
    solution = None
    starts: list[WarmKeys] = []
    tries = [warm]
    if restart and seed is not None:
        fitted = _fit(warm, seed, built.key_to_node) if warm is not None else None
        tries = [fitted, seed.routes]
    for keys in tries:
        if keys is not None and any(keys) and keys not in starts:
            starts.append(keys)
    for n_try, keys in enumerate(starts):
        if n_try > 0:  # a failed start leaves the model locked: build it again
            built = _build(problem, tasks, on_board, emergency_delay)
            routing = built.routing
            routing.AddAtSolutionCallback(on_first)
        # The warm routes become the start of the first solution, which the first-solution
        # heuristic then completes with the tasks they lack (a later urgency stage, a request
        # added since the last plan): even a plan cut short after one solution has them.
        # Locks bind the whole search, so they are lifted before the local search starts.
        routing.CloseModelWithParameters(params)
        first = None
        routes = _warm_routes(built, keys)
        # Routes that do not hold even alone are not tried: the locked first-solution search
        # would spend the whole time limit before giving up.
        if len(starts) > 1 and routing.ReadAssignmentFromRoutes(routes, True) is None:
            continue
        if routing.ApplyLocksToAllVehicles(routes, False):
            once = pywrapcp.DefaultRoutingSearchParameters()
            once.CopyFrom(params)
            once.solution_limit = 1
            first = routing.SolveWithParameters(once)
            routing.ApplyLocksToAllVehicles([[] for _ in problem.vehicles], False)
        if first is not None:
            solution = routing.SolveFromAssignmentWithParameters(first, params)
        if solution is not None:
            break
    if starts and solution is None:
        if not restart:
            return built, None
        # the old routes no longer fit: start afresh
        built = _build(problem, tasks, on_board, emergency_delay)
        routing = built.routing
        routing.AddAtSolutionCallback(on_first)
    if solution is None:
        if params.use_iterated_local_search:
            solution = routing.SolveWithIteratedLocalSearch(params)
        else:
            solution = routing.SolveWithParameters(params)
    return built, solution


# OR-Tools 9.15's iterated local search never returns (ignoring the time limit) when the
# model has fewer stops than vehicles (e.g. 1 visit, 2 cars: found by tests/routing). Small
# days gain nothing from it anyway: it runs only with this many stops, and 2 per vehicle.
ILS_MIN_STOPS = 20


def _ils_safe(tasks: list[Task], on_board: dict[str, int], problem: Problem) -> bool:
    stops = sum(1 if t.delivery is None or t.id in on_board else 2 for t in tasks)
    return stops >= max(ILS_MIN_STOPS, 2 * len(problem.vehicles))


# Deterministic effort. OR-Tools counts the solutions its search accepts; on the reference
# machine (2 cores, tests/bench run here) guided local search accepts about
# GLS_RATE / n**1.5 a second and iterated local search about ILS_RATE / n**1.15, n the tasks
# of the stage (measured on the Kukar days and Solomon: GLS 2 100/s at n=4, 100 at 32,
# 20-28 at 72, 9-15 at 127; ILS 550-630 at 13-16, 61-93 at 100). A stage's share of the time
# limit becomes that many solutions; the clock only caps it at TIME_CAP times the share.
GLS_RATE = 16_950
ILS_RATE = 12_050
TIME_CAP = 3.0


def search_work(seconds: float, n: int, metaheuristic: str) -> int:
    """The solutions a search of ``seconds`` accepts on the reference machine."""
    n = max(n, 1)
    rate = ILS_RATE / n**1.15 if metaheuristic == ITERATED_LOCAL_SEARCH else GLS_RATE / n**1.5
    return max(1, math.ceil(seconds * rate))


# Share of the time limit per stage when urgencies are solved one after the other.
STAGE_SHARES = {1: [1.0], 2: [0.3, 0.7], 3: [0.15, 0.25, 0.6]}
# Share of the time limit for the last search, which brings the emergencies forward. It runs
# apart: with the delay cost in every stage, the stages served fewer requests (a warm-started
# search could not move an early emergency aside to fit another request in).
EMERGENCY_POLISH_SHARE = 0.2


def solve(
    problem: Problem,
    *,
    time_limit: float,
    first_solution: str = FIRST_SOLUTION_DEFAULT,
    metaheuristic: str = METAHEURISTIC_DEFAULT,
    solution_limit: int | None = None,
    staged: bool = True,
    deterministic: bool = True,
) -> Plan:
    """Plan the day.

    ``time_limit`` (seconds) sets the search effort. With ``deterministic`` (default) it
    becomes a fixed amount of search (see ``search_work``), so the same input and time
    limit give the same plan, however busy the machine; the search then takes about the
    time limit on this project's 2-core reference machine, and stops at ``TIME_CAP`` times
    it whatever happens. Without, the clock stops each stage (the benchmarks compare solvers
    at equal wall time so). ``solution_limit`` sets the effort directly instead.

    With ``staged`` (default) and more than one urgency among the tasks, the day is solved
    by urgency: first the *darurat* tasks alone, then with *segera* added, warm-started
    from the previous stage, then everything. The penalties make a later stage never give
    up a more urgent task it was given, so the fleet is filled most-urgent-first.
    With ``problem.previous`` the search starts from that plan instead (one stage).
    """
    t0 = time.perf_counter()
    done = {tid for s in problem.states for tid in s.done}
    vid = {v.id: i for i, v in enumerate(problem.vehicles)}
    on_board: dict[str, int] = {}
    for s in problem.states:
        for tid in s.on_board:
            if s.vehicle in vid:
                on_board[tid] = vid[s.vehicle]

    open_tasks = [t for t in problem.tasks if t.id not in done]
    rejected = prefilter(problem, [t for t in open_tasks if t.id not in on_board])
    tasks = [t for t in open_tasks if t.id not in rejected]

    if not problem.vehicles:
        unserved = [
            Unserved(t.id, UnservedReason.OUTSIDE_SHIFTS, "No vehicle is on shift.") for t in tasks
        ]
        return Plan(
            routes=[],
            unserved=list(rejected.values()) + unserved,
            travel_model=problem.matrix.model,
            solve_seconds=time.perf_counter() - t0,
        )

    first_at: list[float] = []

    def on_first() -> None:
        if not first_at:
            first_at.append(time.perf_counter() - t0)

    warm = _keys_from_plan(problem, problem.previous) if problem.previous else None
    # on-board deliveries with ride rules start the first solution (see _run)
    seed = _on_board_seed(problem, on_board)
    levels = sorted({t.urgency.rank for t in tasks if t.id not in on_board})
    if not staged or warm is not None or len(levels) < 2:
        levels = [max(levels, default=2)]
    shares = STAGE_SHARES[len(levels)]
    polish = bool(_emergencies(tasks, on_board))
    search_time = time_limit * (1 - EMERGENCY_POLISH_SHARE) if polish else time_limit
    by_clock = not deterministic and solution_limit is None

    def limits(seconds: float, n: int, meta: str) -> tuple[float, int | None]:
        if solution_limit is not None or by_clock:
            return seconds, solution_limit
        return seconds * TIME_CAP, search_work(seconds, n, meta)

    built = solution = None
    for level, share in zip(levels, shares, strict=True):
        stage = [t for t in tasks if t.urgency.rank <= level or t.id in on_board]
        left = search_time - (time.perf_counter() - t0)
        last = level == levels[-1]
        budget = max(0.01, left if last and by_clock else search_time * share)
        # Iterated local search cannot start from given routes (OR-Tools 9.15 builds its own
        # first solution): a warm start (re-plan, later urgency stage) uses guided local search.
        meta = metaheuristic
        if meta == ITERATED_LOCAL_SEARCH and (
            (warm is not None and any(warm))
            or seed is not None
            or not _ils_safe(stage, on_board, problem)
        ):
            meta = "GUIDED_LOCAL_SEARCH"
        params = _search_parameters(*limits(budget, len(stage), meta), first_solution, meta)
        built, solution = _run(problem, stage, on_board, params, warm, on_first, seed=seed)
        if solution is not None:
            warm = _keys_from_solution(built, solution, len(problem.vehicles))
    if polish and solution is not None:
        # The emergencies as early as the day allows, for the requests now served: the
        # penalties exceed every delay cost, so this never serves fewer.
        left = time_limit - (time.perf_counter() - t0)
        budget = max(0.01, left if by_clock else time_limit * EMERGENCY_POLISH_SHARE)
        gls = "GUIDED_LOCAL_SEARCH"
        params = _search_parameters(*limits(budget, len(tasks), gls), first_solution, gls)
        b2, s2 = _run(problem, tasks, on_board, params, warm, on_first, True, restart=False)
        if s2 is not None:
            built, solution = b2, s2
    elapsed = time.perf_counter() - t0

    # The Time cumuls OR-Tools returns are any feasible times (a driver could wait hours at
    # a village): tighten them to the shortest span, then every stop earliest.
    plan = tighten(problem, _extract(problem, built, solution, tasks, on_board))
    plan.unserved = list(rejected.values()) + plan.unserved
    plan.solve_seconds = elapsed
    plan.first_solution_seconds = first_at[0] if first_at else None
    return plan


def _extract(problem, built: _Built, solution, tasks, on_board) -> Plan:
    routing, manager, nodes = built.routing, built.manager, built.nodes
    served: set[str] = set()
    routes: list[Route] = []
    prev_routes = {r.vehicle: r for r in (problem.previous.routes if problem.previous else [])}
    done_ids = {tid for s in problem.states for tid in s.done}
    if solution is not None:
        for v_idx, v in enumerate(problem.vehicles):
            dur = problem.matrix_for(v.id).durations
            dist = problem.matrix_for(v.id).distances
            idx = routing.Start(v_idx)
            seq = []
            while True:
                seq.append(idx)
                if routing.IsEnd(idx):
                    break
                idx = solution.Value(routing.NextVar(idx))
            if len(seq) <= 2:
                continue
            stops: list[PlannedStop] = []
            load = 0
            distance = driving = 0
            prev_node: _Node | None = None
            prev_dep = 0
            for idx in seq:
                nd = nodes[manager.IndexToNode(idx)]
                start_service = solution.Value(built.time_dim.CumulVar(idx))
                if prev_node is None:
                    arrival = start_service
                else:
                    travel = dur[prev_node.location][nd.location]
                    driving += travel
                    distance += dist[prev_node.location][nd.location]
                    arrival = prev_dep + travel
                load += nd.demand
                departure = start_service + nd.service
                stops.append(
                    PlannedStop(
                        kind=nd.kind,
                        location=nd.location,
                        arrival=arrival,
                        departure=departure,
                        wait=start_service - arrival,
                        load=load,
                        task=nd.task,
                    )
                )
                if nd.task is not None:
                    served.add(nd.task)
                prev_node, prev_dep = nd, departure
            route = Route(vehicle=v.id, stops=stops, distance=distance, driving=driving)
            old = prev_routes.get(v.id)
            if old is not None and done_ids:
                # the previous plan's own done stops too: a re-plan warm-started from a
                # re-plan (the quick plan, then the full search) keeps the morning's work
                route.done = [s for s in old.done + old.stops if s.task in done_ids]
            routes.append(route)
    dropped = [t for t in tasks if t.id not in served]
    unserved = explain_dropped(
        problem, dropped, [t for t in tasks if t.id in served], on_board, routes
    )
    return Plan(routes=routes, unserved=unserved, travel_model=problem.matrix.model)
