"""VRP benchmark: our planner (routing/) against PyVRP and VROOM, by hand, not in CI.

    python bench/vrp.py solomon --time-limit 5 --json bench/results/solomon_5.json
    python bench/vrp.py lilim --time-limit 30 --instances lc101,lr101 --solver ours,vroom
    python bench/vrp.py kukar --time-limit 5 --solver ours,pyvrp,vroom

Conventions (see ../shared/benchmarks/README.md): Euclidean distance = travel time, service
at the node, at most the instance's vehicle count. Times are scaled by SCALE to integers and
travel times ROUNDED UP, so integer-feasible routes are feasible in exact arithmetic; the
distance is recomputed in double precision from the returned routes and every solution is
checked here, independently of the solvers. Solomon gaps are against the distance-only BKS;
Li & Lim gaps against the (hierarchical) BKS distance.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from vrp_instances import KUKAR_DAYS, Instance, check_routes, kukar_problem, load_set  # noqa: E402

from routing.model import (  # noqa: E402
    Location,
    Plan,
    PlannedStop,
    Problem,
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
)

SCALE = 1000


def int_matrix(inst: Instance) -> list[list[int]]:
    n = inst.n
    return [[int(math.ceil(inst.dist(i, j) * SCALE - 1e-9)) for j in range(n)] for i in range(n)]


# --- our planner -----------------------------------------------------------------------


def to_problem(inst: Instance) -> Problem:
    m = int_matrix(inst)
    locs = [Location(str(i), 0.0, 0.0) for i in range(inst.n)]
    horizon = inst.due[0] * SCALE
    vehicles = [
        Vehicle(f"v{k}", inst.capacity, 0, 0, TimeWindow(inst.ready[0] * SCALE, horizon))
        for k in range(inst.vehicles)
    ]

    def stop(i: int) -> Stop:
        return Stop(
            i, inst.service[i] * SCALE, TimeWindow(inst.ready[i] * SCALE, inst.due[i] * SCALE)
        )

    if inst.pairs:
        tasks = [
            Task(str(p), stop(p), stop(d), passengers=inst.demand[p], max_ride=10 * horizon + 1)
            for p, d in inst.pairs
        ]
    else:
        tasks = [Task(str(i), stop(i), passengers=inst.demand[i]) for i in range(1, inst.n)]
    return Problem(locs, TravelMatrix(m, m, "euclid-ceil"), vehicles, tasks)


def run_ours(
    inst: Instance, time_limit: float, first_solution: str, deterministic: bool = False
) -> dict:
    from routing.solver import solve

    problem = to_problem(inst)
    t0 = time.perf_counter()
    plan = solve(
        problem,
        time_limit=time_limit,
        first_solution=first_solution,
        deterministic=deterministic,
    )
    secs = time.perf_counter() - t0
    routes = [[s.location for s in r.stops if s.task is not None] for r in plan.routes]
    return {"routes": routes, "seconds": secs, "first_seconds": plan.first_solution_seconds}


def run_pyvrp(inst: Instance, time_limit: float) -> dict:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    m = int_matrix(inst)
    model = pyvrp.Model()
    locs = [model.add_location(inst.x[i], inst.y[i]) for i in range(inst.n)]
    depot = model.add_depot(locs[0], tw_early=inst.ready[0] * SCALE, tw_late=inst.due[0] * SCALE)
    model.add_vehicle_type(
        inst.vehicles,
        capacity=inst.capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=inst.ready[0] * SCALE,
        tw_late=inst.due[0] * SCALE,
    )
    node_of: list[int] = []  # pyvrp client index -> instance node
    if inst.pairs:
        for p, d in inst.pairs:
            model.add_shipment(
                locs[p],
                locs[d],
                pickup_tw_early=inst.ready[p] * SCALE,
                pickup_tw_late=inst.due[p] * SCALE,
                pickup_service_duration=inst.service[p] * SCALE,
                delivery_tw_early=inst.ready[d] * SCALE,
                delivery_tw_late=inst.due[d] * SCALE,
                delivery_service_duration=inst.service[d] * SCALE,
                amount=inst.demand[p],
            )
    else:
        for i in range(1, inst.n):
            model.add_client(
                locs[i],
                delivery=inst.demand[i],
                service_duration=inst.service[i] * SCALE,
                tw_early=inst.ready[i] * SCALE,
                tw_late=inst.due[i] * SCALE,
            )
            node_of.append(i)
    for i in range(inst.n):
        for j in range(inst.n):
            if i != j:
                model.add_edge(locs[i], locs[j], distance=m[i][j], duration=m[i][j])
    t0 = time.perf_counter()
    res = model.solve(stop=MaxRuntime(time_limit), display=False, seed=1)
    secs = time.perf_counter() - t0
    routes = []
    for r in res.best.routes():
        seq = []
        for a in r.schedule():
            if a.is_depot():
                continue
            if a.is_shipment():
                p, d = inst.pairs[a.idx]
                seq.append(p if a.is_pickup() else d)
            else:
                seq.append(node_of[a.idx])
        routes.append(seq)
    return {"routes": routes, "seconds": secs, "first_seconds": None}


def run_vroom(inst: Instance, time_limit: float) -> dict:
    import datetime

    import vroom

    m = int_matrix(inst)
    inp = vroom.Input()
    inp.set_durations_matrix(profile="car", matrix_input=m)
    for k in range(inst.vehicles):
        inp.add_vehicle(
            vroom.Vehicle(
                k + 1,
                start=0,
                end=0,
                capacity=[inst.capacity],
                time_window=vroom.TimeWindow(inst.ready[0] * SCALE, inst.due[0] * SCALE),
            )
        )

    def tw(i: int):
        return [vroom.TimeWindow(inst.ready[i] * SCALE, inst.due[i] * SCALE)]

    if inst.pairs:
        for p, d in inst.pairs:
            inp.add_shipment(
                vroom.ShipmentStep(
                    p, p, default_service=inst.service[p] * SCALE, time_windows=tw(p)
                ),
                vroom.ShipmentStep(
                    d, d, default_service=inst.service[d] * SCALE, time_windows=tw(d)
                ),
                amount=vroom.Amount([inst.demand[p]]),
            )
    else:
        for i in range(1, inst.n):
            inp.add_job(
                vroom.Job(
                    i,
                    i,
                    default_service=inst.service[i] * SCALE,
                    delivery=[inst.demand[i]],
                    time_windows=tw(i),
                )
            )
    t0 = time.perf_counter()
    sol = inp.solve(
        exploration_level=5, nb_threads=1, timeout=datetime.timedelta(seconds=time_limit)
    )
    secs = time.perf_counter() - t0
    d = sol.to_dict()
    routes = [
        [s["id"] for s in r["steps"] if s["type"] in ("job", "pickup", "delivery")]
        for r in d["routes"]
    ]
    return {"routes": routes, "seconds": secs, "first_seconds": None}


RUNNERS = {"ours": run_ours, "pyvrp": run_pyvrp, "vroom": run_vroom}


def bench_classic(kind: str, args) -> list[dict]:
    insts = load_set(kind, args.instances)
    rows = []
    for inst in insts:
        for solver in args.solver:
            try:
                if solver == "ours":
                    out = run_ours(inst, args.time_limit, args.first_solution, args.deterministic)
                else:
                    out = RUNNERS[solver](inst, args.time_limit)
            except ImportError as e:
                print(f"{solver}: not installed ({e})", file=sys.stderr)
                continue
            routes = [r for r in out["routes"] if r]
            feasible, errors, dist = check_routes(inst, routes)
            gap = (
                100.0 * (dist - inst.bks_distance) / inst.bks_distance
                if inst.bks_distance
                else None
            )
            row = {
                "instance": inst.name.upper() if kind == "solomon" else inst.name,
                "family": inst.family.upper() if kind == "solomon" else inst.family,
                "solver": solver,
                "vehicles": len(routes),
                "distance": round(dist, 4),
                "seconds": round(out["seconds"], 3),
                "first_seconds": out["first_seconds"],
                "bks_vehicles": inst.bks_vehicles,
                "bks_distance": inst.bks_distance,
                "gap": None if gap is None else round(gap, 3),
                "feasible": feasible,
                "errors": errors[:5],
                "routes": routes,
            }
            rows.append(row)
            print(
                f"{row['instance']:8s} {solver:6s} veh {row['vehicles']:3d} "
                f"dist {dist:9.2f} gap {row['gap'] if gap is not None else float('nan'):7.2f}% "
                f"{'ok' if feasible else 'INFEASIBLE ' + '; '.join(errors[:2])} "
                f"{row['seconds']:.1f}s",
                file=sys.stderr,
                flush=True,
            )
            if args.json:
                Path(args.json).parent.mkdir(parents=True, exist_ok=True)
                Path(args.json).write_text(json.dumps(rows, indent=1))
    return rows


def summary_classic(rows: list[dict]) -> str:
    out = [
        "| family | solver | n | feasible | vehicles (mean) | gap % (mean) | s (mean) |",
        "|---|---|---|---|---|---|---|",
    ]
    solvers = sorted({r["solver"] for r in rows})
    fams = sorted({r["family"] for r in rows}) + ["all"]
    for s in solvers:
        for f in fams:
            sel = [r for r in rows if r["solver"] == s and (f == "all" or r["family"] == f)]
            if not sel:
                continue
            gaps = [r["gap"] for r in sel if r["gap"] is not None]
            out.append(
                f"| {f} | {s} | {len(sel)} | {sum(r['feasible'] for r in sel)} | "
                f"{statistics.mean(r['vehicles'] for r in sel):.2f} | "
                f"{statistics.mean(gaps) if gaps else float('nan'):.2f} | "
                f"{statistics.mean(r['seconds'] for r in sel):.1f} |"
            )
    return "\n".join(out)


# --- Kukar days --------------------------------------------------------------------------


def _schedule(problem: Problem, vehicle: Vehicle, steps: list[tuple[str, StopKind]]) -> Route:
    """Earliest-start schedule of a peer's route, as our Plan types (for routing.check)."""
    tasks = {t.id: t for t in problem.tasks}
    dur, dist = problem.matrix.durations, problem.matrix.distances
    # leave as late as possible is not modelled: start at shift start
    stops = [PlannedStop(StopKind.START, vehicle.start, vehicle.shift.start, vehicle.shift.start)]
    load = 0
    t = vehicle.shift.start
    here = vehicle.start
    driving = distance = 0
    for tid, kind in steps:
        task = tasks[tid]
        sd = task.delivery if kind is StopKind.DELIVERY else task.pickup
        assert sd is not None
        driving += dur[here][sd.location]
        distance += dist[here][sd.location]
        arr = t + dur[here][sd.location]
        begin = max(arr, sd.window.start) if sd.window else arr
        load += -task.passengers if kind is StopKind.DELIVERY else task.passengers
        stops.append(
            PlannedStop(kind, sd.location, arr, begin + sd.service, begin - arr, load, tid)
        )
        t = begin + sd.service
        here = sd.location
    driving += dur[here][vehicle.end]
    distance += dist[here][vehicle.end]
    stops.append(
        PlannedStop(
            StopKind.END, vehicle.end, t + dur[here][vehicle.end], t + dur[here][vehicle.end]
        )
    )
    return Route(vehicle.id, stops, distance, driving)


def _peer_plan(problem: Problem, routes: dict[str, list[tuple[str, StopKind]]]) -> Plan:
    vmap = {v.id: v for v in problem.vehicles}
    out = [_schedule(problem, vmap[vid], steps) for vid, steps in routes.items() if steps]
    served = {tid for steps in routes.values() for tid, _ in steps}
    unserved = [
        Unserved(t.id, UnservedReason.NO_CAPACITY, "") for t in problem.tasks if t.id not in served
    ]
    return Plan(out, unserved, problem.matrix.model)


def kukar_pyvrp(problem: Problem, time_limit: float) -> tuple[Plan, float]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    # Tiered prizes like VROOM's priorities (100/10/1 × the longest return trip): PyVRP's
    # adaptive penalties cannot keep up with our lexicographic penalties (1e10+) and
    # returns time-warped (infeasible) plans with them.
    unit = 2 * max(max(r) for r in problem.matrix.durations)
    prize = {Urgency.DARURAT: 100 * unit, Urgency.SEGERA: 10 * unit, Urgency.TERJADWAL: unit}
    model = pyvrp.Model()
    locs = [model.add_location(loc.lon, loc.lat) for loc in problem.locations]
    v0 = problem.vehicles[0]
    depot = model.add_depot(locs[v0.start])
    model.add_vehicle_type(
        len(problem.vehicles),
        capacity=v0.seats,
        start_depot=depot,
        end_depot=depot,
        tw_early=v0.shift.start,
        tw_late=v0.shift.end,
        unit_distance_cost=0,
        unit_duration_cost=1,
    )
    kinds: list[tuple[str, str]] = []
    for t in problem.tasks:
        p = t.pickup
        w = p.window or TimeWindow(0, v0.shift.end)
        if t.delivery is None:
            model.add_client(
                locs[p.location],
                delivery=0,
                service_duration=p.service,
                tw_early=w.start,
                tw_late=w.end,
                prize=prize[t.urgency],
                required=False,
            )
            kinds.append((t.id, "visit"))
        else:
            d = t.delivery
            dw = d.window or TimeWindow(0, v0.shift.end)
            model.add_shipment(
                locs[p.location],
                locs[d.location],
                pickup_tw_early=w.start,
                pickup_tw_late=w.end,
                pickup_service_duration=p.service,
                delivery_tw_early=dw.start,
                delivery_tw_late=dw.end,
                delivery_service_duration=d.service,
                amount=t.passengers,
                prize=prize[t.urgency],
                required=False,
            )
    visits = [t for t in problem.tasks if t.delivery is None]
    ships = [t for t in problem.tasks if t.delivery is not None]
    dur = problem.matrix.durations
    for i in range(len(locs)):
        for j in range(len(locs)):
            if i != j:
                model.add_edge(locs[i], locs[j], distance=dur[i][j], duration=dur[i][j])
    t0 = time.perf_counter()
    res = model.solve(stop=MaxRuntime(time_limit), display=False, seed=1)
    secs = time.perf_counter() - t0
    routes: dict[str, list[tuple[str, StopKind]]] = {}
    for k, r in enumerate(res.best.routes()):
        steps = []
        for a in r.schedule():
            if a.is_depot():
                continue
            if a.is_shipment():
                steps.append(
                    (ships[a.idx].id, StopKind.PICKUP if a.is_pickup() else StopKind.DELIVERY)
                )
            else:
                steps.append((visits[a.idx].id, StopKind.VISIT))
        routes[problem.vehicles[k].id] = steps
    return _peer_plan(problem, routes), secs


def kukar_vroom(problem: Problem, time_limit: float) -> tuple[Plan, float]:
    import datetime

    import vroom

    prio = {Urgency.DARURAT: 100, Urgency.SEGERA: 10, Urgency.TERJADWAL: 1}
    inp = vroom.Input()
    inp.set_durations_matrix(profile="car", matrix_input=problem.matrix.durations)
    for k, v in enumerate(problem.vehicles):
        inp.add_vehicle(
            vroom.Vehicle(
                k + 1,
                start=v.start,
                end=v.end,
                capacity=[v.seats],
                time_window=vroom.TimeWindow(v.shift.start, v.shift.end),
            )
        )
    ids: dict[int, tuple[str, StopKind]] = {}
    nid = 1
    for t in problem.tasks:
        p = t.pickup
        tw = [vroom.TimeWindow(p.window.start, p.window.end)] if p.window else []
        if t.delivery is None:
            inp.add_job(
                vroom.Job(
                    nid,
                    p.location,
                    default_service=p.service,
                    time_windows=tw,
                    delivery=vroom.Amount([0]),
                    pickup=vroom.Amount([0]),
                    priority=prio[t.urgency],
                )
            )
            ids[nid] = (t.id, StopKind.VISIT)
            nid += 1
        else:
            d = t.delivery
            dtw = [vroom.TimeWindow(d.window.start, d.window.end)] if d.window else []
            inp.add_shipment(
                vroom.ShipmentStep(nid, p.location, default_service=p.service, time_windows=tw),
                vroom.ShipmentStep(
                    nid + 1, d.location, default_service=d.service, time_windows=dtw
                ),
                amount=vroom.Amount([t.passengers]),
                priority=prio[t.urgency],
            )
            ids[nid] = (t.id, StopKind.PICKUP)
            ids[nid + 1] = (t.id, StopKind.DELIVERY)
            nid += 2
    t0 = time.perf_counter()
    sol = inp.solve(
        exploration_level=5, nb_threads=1, timeout=datetime.timedelta(seconds=time_limit)
    )
    secs = time.perf_counter() - t0
    routes = {}
    for r in sol.to_dict()["routes"]:
        steps = [ids[s["id"]] for s in r["steps"] if s["type"] in ("job", "pickup", "delivery")]
        routes[problem.vehicles[r["vehicle"] - 1].id] = steps
    return _peer_plan(problem, routes), secs


def no_ride_rule(problem: Problem) -> Problem:
    from dataclasses import replace

    big = 10 * 24 * 3600
    tasks = [replace(t, allow_detour=True, max_ride=big) for t in problem.tasks]
    return replace(problem, tasks=tasks)


def bench_kukar(args) -> list[dict]:
    from routing.check import check
    from routing.solver import solve

    rows = []
    days = KUKAR_DAYS
    if args.instances:
        days = [d for d in days if d.name in args.instances]
    for day in days:
        base = kukar_problem(day)
        for solver in args.solver:
            problem = base
            first = first_full = None
            try:
                if solver in ("ours", "ours-noride"):
                    if solver == "ours-noride":  # same rules as the peers: no ride limits
                        problem = no_ride_rule(problem)
                    t0 = time.perf_counter()
                    plan = solve(
                        problem,
                        time_limit=args.time_limit,
                        first_solution=args.first_solution,
                        deterministic=args.deterministic,
                    )
                    secs = time.perf_counter() - t0
                    first = plan.first_solution_seconds
                    # time to a first plan over all tasks at once (no urgency stages)
                    one = solve(
                        problem,
                        time_limit=args.time_limit,
                        solution_limit=1,
                        staged=False,
                        first_solution=args.first_solution,
                    )
                    first_full = one.first_solution_seconds
                elif solver == "pyvrp":
                    plan, secs = kukar_pyvrp(problem, args.time_limit)
                else:
                    plan, secs = kukar_vroom(problem, args.time_limit)
            except ImportError as e:
                print(f"{solver}: not installed ({e})", file=sys.stderr)
                continue
            errors = check(base, plan)
            served = {t for r in plan.routes for t in r.tasks}
            by_u = {
                u.value: sum(1 for t in problem.tasks if t.urgency is u and t.id in served)
                for u in Urgency
            }
            tot_u = {u.value: sum(1 for t in problem.tasks if t.urgency is u) for u in Urgency}
            ride_errors = [e for e in errors if "on board" in e or "straight" in e]
            # how long an emergency waits: its first stop, minutes after the shift starts
            shift_start = min(v.shift.start for v in problem.vehicles)
            darurat = {t.id for t in problem.tasks if t.urgency is Urgency.DARURAT}
            firsts: dict[str, int] = {}
            for r in plan.routes:
                for st in r.stops:
                    if st.task in darurat and st.task not in firsts:
                        firsts[st.task] = st.arrival + st.wait
            row = {
                "instance": day.name,
                "family": "kukar",
                "solver": solver,
                "tasks": day.tasks,
                "vehicles": len(plan.routes),
                "fleet": day.vehicles,
                "served": by_u,
                "of": tot_u,
                "driving_min": round(plan.driving / 60, 1),
                "darurat_first_stop_min": (
                    round(sum(firsts.values()) / len(firsts) / 60 - shift_start / 60, 1)
                    if firsts
                    else None
                ),
                "distance": round(plan.distance / 1000, 1),
                "seconds": round(secs, 3),
                "first_seconds": first,
                "first_full_seconds": first_full,
                "feasible": not errors,
                "feasible_without_ride_rule": len(errors) == len(ride_errors),
                "errors": errors[:5],
                "unserved_reasons": sorted({u.reason.value for u in plan.unserved}),
                "routes": [
                    [f"{s.task}:{s.kind.value}" for s in r.stops if s.task] for r in plan.routes
                ],
            }
            rows.append(row)
            print(
                f"{day.name:12s} {solver:6s} served {by_u} of {tot_u} drive "
                f"{row['driving_min']} min first {first} final {secs:.2f}s "
                f"feasible {row['feasible']} (w/o ride rule {row['feasible_without_ride_rule']})",
                file=sys.stderr,
                flush=True,
            )
            if args.json:
                Path(args.json).parent.mkdir(parents=True, exist_ok=True)
                Path(args.json).write_text(json.dumps(rows, indent=1))
    return rows


def summary_kukar(rows: list[dict]) -> str:
    out = [
        "| day | solver | darurat | segera | terjadwal | driving min | darurat reached, min "
        "into the shift (mean) | first s (staged / all tasks) | final s | feasible (ride rule) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s, o = r["served"], r["of"]
        first = "-" if r["first_seconds"] is None else f"{r['first_seconds']:.2f}"
        if r.get("first_full_seconds") is not None:
            first += f" / {r['first_full_seconds']:.2f}"
        out.append(
            f"| {r['instance']} | {r['solver']} | {s['darurat']}/{o['darurat']} | "
            f"{s['segera']}/{o['segera']} | {s['terjadwal']}/{o['terjadwal']} | "
            f"{r['driving_min']} | {r.get('darurat_first_stop_min', '-')} | {first} | "
            f"{r['seconds']:.1f} | "
            f"{r['feasible']} ({'yes' if r['feasible_without_ride_rule'] else 'no'} w/o) |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("set", choices=["solomon", "lilim", "kukar"])
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument(
        "--json",
        nargs="?",
        const="-",
        default=None,
        help="write the JSON rows to this file ('-' or no value: stdout)",
    )
    ap.add_argument("--instances", type=lambda s: [x.strip() for x in s.split(",") if x.strip()])
    ap.add_argument("--solver", type=lambda s: [x.strip() for x in s.split(",")], default=["ours"])
    ap.add_argument("--first-solution", default="PARALLEL_CHEAPEST_INSERTION")
    ap.add_argument(
        "--deterministic",
        action="store_true",
        help="ours with the product's default: the time limit as a fixed amount of search "
        "(same plan every run); without, the clock stops it, as it stops the peers",
    )
    args = ap.parse_args(argv)
    to_stdout = args.json == "-"
    if to_stdout:
        args.json = None
    if args.set == "kukar":
        rows = bench_kukar(args)
        table = summary_kukar(rows)
    else:
        rows = bench_classic(args.set, args)
        table = summary_classic(rows)
    if to_stdout:
        print(json.dumps(rows, indent=1))
        print(table, file=sys.stderr)
    else:
        print(table)


if __name__ == "__main__":
    main()
