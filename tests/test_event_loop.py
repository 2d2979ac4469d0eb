"""Database calls never run on the event loop: there, one slow query (or SQLite waiting
30 s for a write lock) would stall every other request of the process, intake included."""

from __future__ import annotations

import inspect

from fastapi.routing import APIRoute

from dispatch.web.deps import get_db
from tests.test_role_matrix import walk


def _uses(dependant, call) -> bool:
    return any(d.call is call or _uses(d, call) for d in dependant.dependencies)


def _direct(dependant, call) -> bool:
    return any(d.call is call for d in dependant.dependencies)


def test_no_async_route_takes_a_database_session(app):
    routes = [(path, r) for path, r in walk(app.routes) if isinstance(r, APIRoute)]
    offenders = [
        f"{sorted(r.methods)} {path}"
        for path, r in routes
        if inspect.iscoroutinefunction(r.endpoint) and _direct(r.dependant, get_db)
    ]
    assert offenders == [], "async routes that would query on the event loop"
    # the rule has something to check: most routes take a session
    assert sum(_uses(r.dependant, get_db) for _, r in routes) > 40
