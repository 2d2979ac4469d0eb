"""Benchmark instances for bench/vrp.py: Solomon, Li & Lim readers, Kukar day generator.

Reads ``../shared/benchmarks`` and ``../shared/gazetteer`` (relative to the repository);
nothing of that data is copied into the repository.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BENCH = SHARED / "benchmarks"
GAZETTEER = SHARED / "gazetteer" / "kukar_villages.csv"


@dataclass
class Instance:
    """A VRPTW / PDPTW instance as in the file: node 0 is the depot."""

    name: str
    family: str
    vehicles: int
    capacity: int
    x: list[float]
    y: list[float]
    demand: list[int]
    ready: list[int]
    due: list[int]
    service: list[int]
    pairs: list[tuple[int, int]] = field(default_factory=list)  # Li & Lim (pickup, delivery)
    bks_vehicles: int | None = None
    bks_distance: float | None = None

    @property
    def n(self) -> int:
        return len(self.x)

    def dist(self, i: int, j: int) -> float:
        return math.hypot(self.x[i] - self.x[j], self.y[i] - self.y[j])


def solomon_family(name: str) -> str:
    return name.rstrip("0123456789")


def read_solomon(path: Path) -> Instance:
    lines = [ln.split() for ln in path.read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    head = next(ln for ln in lines if len(ln) == 2 and ln[0].isdigit())
    nveh, cap = int(head[0]), int(head[1])
    rows = [ln for ln in lines if ln[0].isdigit() and len(ln) == 7]
    cols = list(zip(*[[float(v) for v in r] for r in rows], strict=True))
    name = lines[0][0]
    return Instance(
        name=name,
        family=solomon_family(name),
        vehicles=nveh,
        capacity=cap,
        x=list(cols[1]),
        y=list(cols[2]),
        demand=[int(v) for v in cols[3]],
        ready=[int(v) for v in cols[4]],
        due=[int(v) for v in cols[5]],
        service=[int(v) for v in cols[6]],
    )


def read_lilim(path: Path) -> Instance:
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    nveh, cap = int(lines[0][0]), int(lines[0][1])
    rows = [
        [int(float(v)) if i != 1 and i != 2 else float(v) for i, v in enumerate(r)]
        for r in lines[1:]
    ]
    rows.sort(key=lambda r: r[0])
    assert [r[0] for r in rows] == list(range(len(rows)))
    pairs = [(r[0], r[8]) for r in rows if r[0] != 0 and r[3] > 0]
    name = path.stem
    return Instance(
        name=name,
        family=name.rstrip("0123456789"),
        vehicles=nveh,
        capacity=cap,
        x=[r[1] for r in rows],
        y=[r[2] for r in rows],
        demand=[r[3] for r in rows],
        ready=[r[4] for r in rows],
        due=[r[5] for r in rows],
        service=[r[6] for r in rows],
        pairs=pairs,
    )


def load_set(kind: str, names: list[str] | None) -> list[Instance]:
    folder = BENCH / kind
    if not folder.is_dir():
        raise SystemExit(f"benchmark folder missing: {folder}")
    if kind == "solomon":
        files = sorted(folder.glob("*.txt"))
        insts = [read_solomon(p) for p in files]
        bks = {r["instance"]: r for r in csv.DictReader((folder / "bks_solomon.csv").open())}
        for i in insts:
            row = bks.get(i.name)
            if row:
                # Solomon: distance-only BKS (vehicles free, as our objective) + hierarchical
                i.bks_vehicles = int(row["dist_only_vehicles"])
                i.bks_distance = float(row["dist_only_distance"])
    else:
        files = sorted(folder.glob("*.txt"))
        insts = [read_lilim(p) for p in files]
        bks = {r["instance"]: r for r in csv.DictReader((folder / "bks_lilim.csv").open())}
        for i in insts:
            row = bks.get(i.name)
            if row:
                i.bks_vehicles = int(row["vehicles"])
                i.bks_distance = float(row["distance"])
    if names:
        wanted = {n.lower() for n in names}
        insts = [i for i in insts if i.name.lower() in wanted]
    return insts


def check_routes(inst: Instance, routes: list[list[int]]) -> tuple[bool, list[str], float]:
    """Independent double-precision check; returns (feasible, errors, distance)."""
    errors: list[str] = []
    seen: list[int] = []
    total = 0.0
    if len(routes) > inst.vehicles:
        errors.append(f"{len(routes)} routes > {inst.vehicles} vehicles")
    partner = {}
    for p, d in inst.pairs:
        partner[p] = ("p", d)
        partner[d] = ("d", p)
    for r in routes:
        t = 0.0
        prev = 0
        load = 0
        peak = 0
        pos = {}
        for k, c in enumerate(r):
            if not (0 < c < inst.n):
                errors.append(f"bad node {c}")
                continue
            d = inst.dist(prev, c)
            total += d
            t = max(t + d, inst.ready[c])
            if t > inst.due[c] + 1e-9:
                errors.append(f"node {c} served at {t:.3f} > due {inst.due[c]}")
            t += inst.service[c]
            load += inst.demand[c]
            peak = max(peak, load)
            pos[c] = k
            prev = c
            seen.append(c)
        d = inst.dist(prev, 0)
        total += d
        t += d
        if t > inst.due[0] + 1e-9:
            errors.append(f"route back at {t:.3f} > depot due {inst.due[0]}")
        if inst.pairs:
            if peak > inst.capacity:
                errors.append(f"load {peak} > capacity {inst.capacity}")
            for c in r:
                kind, other = partner.get(c, ("?", None))
                if other is None or other not in pos:
                    errors.append(f"node {c} without its partner on the route")
                elif kind == "p" and pos[other] < pos[c]:
                    errors.append(f"delivery {other} before pickup {c}")
        elif load > inst.capacity:
            errors.append(f"load {load} > capacity {inst.capacity}")
    if sorted(seen) != list(range(1, inst.n)):
        errors.append(f"visits {len(seen)} nodes, {len(set(seen))} distinct, need {inst.n - 1}")
    return not errors, errors, total


# --- Kukar days -----------------------------------------------------------------------

TENGGARONG = (-0.4107, 116.9903)
# Destinations in Tenggarong (approximate public coordinates; neutral labels).
DESTINATIONS = {
    "shelter": (-0.4180, 116.9950),  # safe house, neutral label
    "hospital": (-0.4235, 116.9818),  # RSUD, Tenggarong
    "police": (-0.4139, 116.9853),  # Polres, Tenggarong
}


@dataclass
class KukarDay:
    name: str
    vehicles: int
    tasks: int
    seed: int
    shift: tuple[int, int] = (7 * 3600 + 1800, 16 * 3600)  # 07:30-16:00, 8.5 h


KUKAR_DAYS = [
    KukarDay("kukar-40-3", 3, 40, 1),
    KukarDay("kukar-80-5", 5, 80, 2),
    KukarDay("kukar-150-8", 8, 150, 3),
]


def kukar_villages() -> list[dict[str, str]]:
    if not GAZETTEER.exists():
        raise SystemExit(f"gazetteer missing: {GAZETTEER}")
    return list(csv.DictReader(GAZETTEER.open()))


def kukar_problem(day: KukarDay, *, speed_kmh: float = 40.0, circuity: float = 1.4):
    """A synthetic Kukar day (deterministic by seed): 70% transports, 30% visits."""
    from routing.model import Location, Problem, Stop, Task, TimeWindow, Urgency, Vehicle
    from routing.travel import haversine_matrix

    rng = random.Random(day.seed)
    villages = kukar_villages()
    # always include a few Tabang villages: beyond a day's round trip
    tabang = [v for v in villages if v["district_name"] == "Tabang"]
    locs = [Location("depot", *TENGGARONG)]
    for k, c in DESTINATIONS.items():
        locs.append(Location(k, *c))
    dest_idx = [1, 2, 3]
    tasks = []
    s0, s1 = day.shift
    for i in range(day.tasks):
        v = tabang[i % len(tabang)] if i < 2 else rng.choice(villages)
        locs.append(Location(v["code"], float(v["lat"]), float(v["lon"])))
        vil = len(locs) - 1
        r = rng.random()
        urg = Urgency.DARURAT if r < 0.15 else (Urgency.SEGERA if r < 0.6 else Urgency.TERJADWAL)
        window = None
        if urg is Urgency.TERJADWAL and rng.random() < 0.6:
            a = rng.randrange(s0 + 3600, s1 - 3 * 3600, 900)
            window = TimeWindow(a, a + rng.choice([2, 3, 4]) * 3600)
        pax = rng.choice([1, 1, 2, 2, 3, 4])
        kind = rng.random()
        if kind < 0.7:
            dest = rng.choice(dest_idx)
            if rng.random() < 0.15:  # antar pulang: safe house -> village
                tasks.append(
                    Task(
                        f"T{i:03d}",
                        Stop(1, 600, window),
                        Stop(vil, 600),
                        passengers=pax,
                        urgency=urg,
                    )
                )
            else:
                tasks.append(
                    Task(
                        f"T{i:03d}",
                        Stop(vil, 900, window),
                        Stop(dest, 600),
                        passengers=pax,
                        urgency=urg,
                    )
                )
        else:
            tasks.append(
                Task(f"T{i:03d}", Stop(vil, rng.choice([45, 60, 75, 90]) * 60, window), urgency=urg)
            )
    vehicles = [Vehicle(f"V{k + 1}", 5, 0, 0, TimeWindow(s0, s1)) for k in range(day.vehicles)]
    matrix = haversine_matrix(locs, speed_kmh=speed_kmh, circuity=circuity)
    return Problem(locations=locs, matrix=matrix, vehicles=vehicles, tasks=tasks)
