"""The FastAPI application: routers, error handling, request logs, health check."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from dispatch.config import Settings, get_settings
from dispatch.db import get_engine, ping
from dispatch.errors import UserError, retry_after
from dispatch.i18n import translate
from dispatch.models import Role, User, utcnow
from dispatch.security import RateLimiter
from dispatch.services import solving
from dispatch.services.jobs import PlanningJobs
from dispatch.services.points import install_geocoder
from dispatch.validation import describe, summary
from dispatch.web.deps import (
    Forbidden,
    NotAuthenticated,
    get_db,
    is_api,
    lang_of,
    require,
)
from dispatch.web.middleware import RefuseNul, RequestLog
from dispatch.web.render import render
from dispatch.web.routes import admin, auth, driver, plan, public, region, reports, requests

log = logging.getLogger("jangkau.http")


def _wants_json(request: Request) -> bool:
    return is_api(request) or request.url.path == "/healthz"


def _error(request: Request, status: int, key: str, /, **params: object):
    message = translate(key, lang_of(request), **params)
    if _wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        body = {"detail": message, "code": key}
        if "candidates" in params:
            body["candidates"] = params["candidates"]
        if "errors" in params:  # each field's error: its name, pydantic's type, the message
            body["errors"] = params["errors"]
        return JSONResponse(body, status_code=status, headers=headers)
    return render(request, "error.html", status_code=status, status=status, message=message)


def _invalid_input(request: Request, errors) -> object:
    """422 "Isian tidak valid: «Dewasa» harus bilangan bulat …" in the user's language."""
    items = describe(errors, lang_of(request))
    return _error(request, 422, "invalid_input", fields=summary(items), errors=items)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UserError)
    async def _user_error(request: Request, exc: UserError):
        response = _error(request, exc.status, exc.key, **exc.params)
        response.headers.update(retry_after(exc))
        return response

    @app.exception_handler(NotAuthenticated)
    async def _not_authenticated(request: Request, exc: NotAuthenticated):
        if _wants_json(request):
            return _error(request, 401, "not_authenticated")
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        return _error(request, 403, "forbidden")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return _invalid_input(request, exc.errors())

    @app.exception_handler(ValidationError)
    async def _invalid_model(request: Request, exc: ValidationError):
        return _invalid_input(request, exc.errors())

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, exc: Exception):
        # Nothing was stored, so the client can send the same thing again (with the same
        # Idempotency-Key); the details go to the log, without values.
        log.error("database unavailable", extra={"error": type(exc).__name__})
        response = _error(request, 503, "db_unavailable")
        response.headers["Retry-After"] = "10"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return _error(request, 404, "not_found")
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return render(
            request,
            "error.html",
            status_code=exc.status_code,
            status=exc.status_code,
            message=str(exc.detail),
        )


@asynccontextmanager
async def _lifespan(_app: FastAPI):
    solving.start()  # the solver's worker process, ready before the first plan
    yield
    solving.shutdown()


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="Jangkau",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
        # FastAPI's native OpenTelemetry looks up the global providers on every request;
        # Jangkau has no collector (its logs are its telemetry), so that is pure cost.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.engine = engine or get_engine(settings.database_url)
    # Failed logins per username and address: an attacker elsewhere cannot lock a user out.
    app.state.throttle = RateLimiter(settings.security.login_max_failures)
    # Per address too, looser: a whole office may share one address.
    app.state.ip_throttle = RateLimiter(4 * settings.security.login_max_failures)
    app.state.public_limiter = RateLimiter(5, window_s=600)
    app.state.jobs = PlanningJobs()
    install_geocoder(app.state.engine, settings)
    mode = settings.security.secure_cookies
    app.state.secure_cookies = lambda request: (
        mode == "always" or (mode == "auto" and request.url.scheme == "https")
    )
    install_error_handlers(app)

    app.add_middleware(RefuseNul)
    app.add_middleware(RequestLog)

    @app.get("/healthz", tags=["ops"])
    def healthz():
        try:
            ping(app.state.engine)
        except Exception:  # the reason goes to the log, not to the caller
            log.exception("health check failed")
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return {"status": "ok", "database": "ok"}

    @app.get("/")
    def home(request: Request, user: User = Depends(require()), db: Session = Depends(get_db)):
        routes, today = [], None
        if user.role == Role.DRIVER:
            # the routes given to this driver today and tomorrow, each with its link
            from dispatch.services.planning import routes_of_driver

            settings = request.app.state.settings
            today = utcnow().astimezone(settings.region.tz).date()
            days = [today, today + timedelta(days=1)]
            routes = routes_of_driver(db, settings, user, days)
        return render(request, "home.html", routes=routes, today=today)

    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(region.router)
    app.include_router(requests.router)
    app.include_router(public.router)
    app.include_router(plan.router)
    app.include_router(driver.router)
    app.include_router(reports.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
