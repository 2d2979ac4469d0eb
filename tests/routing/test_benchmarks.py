"""Checks on the shared benchmark files; skipped when ../shared is absent."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).parents[2].parent / "shared"
SOLOMON = SHARED / "benchmarks" / "solomon"

pytestmark = pytest.mark.skipif(not SOLOMON.is_dir(), reason="../shared/benchmarks absent")


def test_r101_first_solution_with_its_25_vehicles_is_fast():
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from vrp_instances import check_routes, read_solomon

    from routing.solver import solve

    sys.path.insert(0, str(Path(__file__).parents[2]))
    import vrp

    inst = read_solomon(SOLOMON / "R101.txt")
    assert inst.vehicles == 25
    plan = solve(vrp.to_problem(inst), time_limit=10, solution_limit=1)
    assert plan.first_solution_seconds is not None and plan.first_solution_seconds < 5
    assert not plan.unserved
    routes = [[s.location for s in r.stops if s.task] for r in plan.routes]
    ok, errors, _ = check_routes(inst, routes)
    assert ok, errors
