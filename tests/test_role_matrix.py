"""Every route × every role (and anonymous): allowed or denied, enforced on the server.

The table below is the access policy. A route that the app serves but the table does not
name fails the test, so a new route cannot ship without a rule.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlmodel import Session, select

from dispatch.models import Role, User
from dispatch.security import issue_token, open_session

ADMIN, DISPATCHER, OFFICER, DRIVER = "admin", "dispatcher", "officer", "driver"
ALL = {ADMIN, DISPATCHER, OFFICER, DRIVER}
PUBLIC = ALL | {"anonymous"}
OFFICE = {ADMIN, DISPATCHER}
FIELD = {OFFICER, DISPATCHER}  # survivor requests: need to know, so not admins or drivers

POLICY: dict[tuple[str, str], set[str]] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/"): ALL,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): ALL,
    ("GET", "/lang/{code}"): PUBLIC,
    ("GET", "/admin/users"): {ADMIN},
    ("POST", "/admin/users"): {ADMIN},
    ("POST", "/admin/users/{username}/active"): {ADMIN},
    ("GET", "/admin/users/{username}"): {ADMIN},
    ("POST", "/admin/users/{username}"): {ADMIN},
    ("GET", "/admin/vehicles"): {ADMIN},
    ("POST", "/admin/vehicles"): {ADMIN},
    ("GET", "/admin/vehicles/{vehicle_id}"): {ADMIN},
    ("POST", "/admin/vehicles/{vehicle_id}"): {ADMIN},
    ("POST", "/admin/vehicles/{vehicle_id}/active"): {ADMIN},
    ("GET", "/admin/places"): {ADMIN},
    ("POST", "/admin/places"): {ADMIN},
    ("GET", "/admin/places/{key}"): {ADMIN},
    ("POST", "/admin/places/{key}"): {ADMIN},
    ("POST", "/admin/places/{key}/active"): {ADMIN},
    ("POST", "/api/auth/token"): PUBLIC,
    ("GET", "/api/me"): ALL,
    ("GET", "/api/users"): {ADMIN},
    ("POST", "/api/users"): {ADMIN},
    ("POST", "/api/users/{username}/disable"): {ADMIN},
    ("GET", "/api/vehicles"): OFFICE,
    ("POST", "/api/vehicles"): {ADMIN},
    ("GET", "/api/places"): OFFICE,
    ("POST", "/api/places"): {ADMIN},
    ("GET", "/api/districts"): ALL,
    ("POST", "/api/requests"): FIELD,
    ("GET", "/api/requests"): FIELD,
    ("GET", "/api/requests/{reference}"): FIELD,
    ("POST", "/api/requests/{reference}/status"): FIELD,
    ("PATCH", "/api/requests/{reference}"): {DISPATCHER},
    ("GET", "/api/geocode"): FIELD,
    ("GET", "/requests"): FIELD,
    ("GET", "/requests/new"): FIELD,
    ("POST", "/requests/new"): FIELD,
    ("GET", "/requests/{reference}"): FIELD,
    ("POST", "/requests/{reference}/status"): FIELD,
    ("POST", "/requests/{reference}/triage"): {DISPATCHER},
    ("GET", "/plan"): {DISPATCHER},
    ("POST", "/plan/{day}/solve"): {DISPATCHER},
    ("POST", "/plan/{day}/assign"): {DISPATCHER},
    ("POST", "/plan/{day}/publish"): {DISPATCHER},
    ("POST", "/plan/{day}/close"): {DISPATCHER},
    ("GET", "/plan/{day}/map"): {DISPATCHER},
    ("GET", "/api/plan/{day}"): {DISPATCHER},
    ("GET", "/reports/monthly"): OFFICE,
    ("GET", "/reports/monthly.csv"): OFFICE,
    # Drivers' links: the unguessable, expiring token is the credential (no login on the road).
    ("GET", "/r/{token}"): PUBLIC,
    ("GET", "/r/sw.js"): PUBLIC,
    ("GET", "/r/{token}/state"): PUBLIC,
    ("GET", "/r/{token}/{kind}"): PUBLIC,
    ("POST", "/r/{token}/events"): PUBLIC,
    ("GET", "/bantuan"): PUBLIC,
    ("POST", "/bantuan"): PUBLIC,
    ("GET", "/bantuan/terkirim"): PUBLIC,
    ("GET", "/api/villages"): ALL,
}
DOCS = {"/api/docs", "/api/docs/oauth2-redirect", "/api/openapi.json"}
USERNAMES = {
    ADMIN: "admin",
    DISPATCHER: "dispatcher",
    OFFICER: "officer.tenggarong",
    DRIVER: "driver.satu",
}


def walk(routes, prefix: str = ""):
    """(path, route) for every route that serves requests, inside included routers too."""
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's lazily included routers
        if included is not None:
            yield from walk(included.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif getattr(route, "methods", None) and route.path not in DOCS:
            # A plain Starlette route would escape the role dependencies: report it.
            yield route.path, route


def served_routes(app) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, route in walk(app.routes)
        if path not in DOCS
        for method in route.methods - {"HEAD"}
    }


def test_every_route_has_a_rule(app):
    missing = served_routes(app) - set(POLICY)
    assert not missing, f"routes without an access rule in POLICY: {sorted(missing)}"
    stale = set(POLICY) - served_routes(app)
    assert not stale, f"rules for routes the app no longer serves: {sorted(stale)}"


@pytest.fixture(scope="module")
def credentials(engine):
    """A page session (cookie, csrf) and an API token for each demo role."""
    creds = {}
    with Session(engine) as s:
        for role, username in USERNAMES.items():
            user = s.exec(select(User).where(User.username == username)).one()
            assert user.role == Role(role)
            cookie, csrf = open_session(s, user, hours=1)
            creds[role] = (cookie, csrf, issue_token(s, user, minutes=30))
        s.commit()
    return creds


def _concrete(path: str) -> str:
    # Path parameters get a harmless value: a user that does not exist, a language code.
    return re.sub(r"\{[^}]+\}", "nobody-xyz", path).replace("/lang/nobody-xyz", "/lang/en")


CASES = [(m, p, who) for (m, p) in sorted(POLICY) for who in sorted(PUBLIC)]


@pytest.mark.parametrize(("method", "path", "who"), CASES)
def test_access(app, credentials, method, path, who):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    headers, data = {}, None
    if who == "anonymous":
        client.cookies.set("jk_csrf", "anon-token")  # what the login page hands out
        data = {"csrf_token": "anon-token"}
    else:
        cookie, csrf, token = credentials[who]
        if path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {token}"
        else:
            client.cookies.set("jk_session", cookie)
            data = {"csrf_token": csrf}
    if path == "/logout" and who != "anonymous":
        # Logging out ends the session; give it one of its own.
        with Session(app.state.engine) as s:
            user = s.exec(select(User).where(User.username == USERNAMES[who])).one()
            cookie, csrf = open_session(s, user, hours=1)
            s.commit()
        client.cookies.set("jk_session", cookie)
        data = {"csrf_token": csrf}
    response = client.request(
        method, _concrete(path), headers=headers, data=data, follow_redirects=False
    )
    # Pages send anonymous visitors to the login, with the page they wanted as `next`.
    location = response.headers.get("location", "")
    to_login = response.status_code == 303 and location.startswith("/login?next=")
    denied = response.status_code in (401, 403) or to_login
    if who in POLICY[(method, path)]:
        assert not denied, f"{who} should reach {method} {path}, got {response.status_code}"
        assert response.status_code < 500
    elif who == "anonymous":
        if path.startswith("/api/"):
            assert response.status_code == 401
        else:
            assert to_login, f"anonymous {method} {path}: {response.status_code}"
    else:
        assert response.status_code == 403, f"{who} {method} {path}: {response.status_code}"
