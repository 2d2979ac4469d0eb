"""The route solver runs in a worker process, never in the web process.

OR-Tools holds Python's GIL for the whole search: run in a thread of the server, a ten-second
plan would freeze every page, every officer's submission and every driver's report for ten
seconds. One long-lived worker process (spawned, since the server has threads) does the
searches one after another; the problem and the plan cross over by pickle (plain dataclasses).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from routing.model import Plan, Problem

log = logging.getLogger("jangkau.planning")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _warm() -> None:
    import routing.solver  # noqa: F401  (OR-Tools loads once, before the first plan)


def _solve(problem: Problem, options: dict[str, Any]) -> Plan:
    from routing.solver import solve as solve_here

    return solve_here(problem, **options)


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1, mp_context=get_context("spawn"), initializer=_warm
            )
        return _pool


def start() -> None:
    """Start the worker now (at server start-up) so the first plan does not wait for it."""
    _executor().submit(_warm)


def shutdown() -> None:
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def solve(problem: Problem, **options: Any) -> Plan:
    """`routing.solver.solve` in the worker process; same arguments, same plan."""
    try:
        return _executor().submit(_solve, problem, options).result()
    except BrokenProcessPool:
        # The worker died (killed, out of memory): start a fresh one and try once more.
        log.warning("solver worker died; restarting it")
        shutdown()
        return _executor().submit(_solve, problem, options).result()
