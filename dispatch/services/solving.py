"""The route solver runs in a worker process, never in the web process.

OR-Tools holds Python's GIL for the whole search: run in a thread of the server, a ten-second
plan would freeze every page, every officer's submission and every driver's report for ten
seconds. One long-lived worker process (spawned, since the server has threads) does the
searches one after another; the problem and the plan cross over by pickle (plain dataclasses).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from routing.model import Plan, Problem

log = logging.getLogger("jangkau.planning")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _exit_with(parent: int) -> None:
    """The worker ends when the server does, even one killed outright (no shutdown ran):
    an orphaned search would hold a core and memory until it finished, or forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _warm(parent: int) -> None:
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    import routing.solver  # noqa: F401  (OR-Tools loads once, before the first plan)


def _ready() -> int:
    return os.getpid()


def _solve(problem: Problem, options: dict[str, Any]) -> Plan:
    from routing.solver import solve as solve_here

    return solve_here(problem, **options)


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=get_context("spawn"),
                initializer=_warm,
                initargs=(os.getpid(),),
            )
        return _pool


def start() -> Future:
    """Start the worker now (at server start-up) so the first plan does not wait for it;
    the future gives the worker's process id."""
    return _executor().submit(_ready)


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
