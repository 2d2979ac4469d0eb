"""Small hand-made problems for the planner tests (coordinates in km on a plane)."""

from __future__ import annotations

import math

from routing.model import Location, Problem, TimeWindow, TravelMatrix, Vehicle

H = 3600
SHIFT = TimeWindow(7 * H, 17 * H)


def plane(points: list[tuple[float, float]], kmh: float = 60.0) -> TravelMatrix:
    """Euclidean km at ``kmh``: seconds and metres, rounded up."""
    n = len(points)
    dur = [[0] * n for _ in range(n)]
    dist = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            km = math.dist(points[i], points[j])
            dist[i][j] = math.ceil(km * 1000)
            dur[i][j] = math.ceil(km / kmh * 3600)
    return TravelMatrix(dur, dist, "plane")


def make_problem(points, vehicles, tasks, **kw) -> Problem:
    locs = [Location(f"L{i}", p[1] / 111.0, p[0] / 111.0) for i, p in enumerate(points)]
    return Problem(locations=locs, matrix=plane(points), vehicles=vehicles, tasks=tasks, **kw)


def car(vid: str = "V1", seats: int = 5, shift: TimeWindow = SHIFT, **kw) -> Vehicle:
    return Vehicle(vid, seats, 0, 0, shift, **kw)
