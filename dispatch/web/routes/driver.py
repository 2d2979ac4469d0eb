"""The drivers' route links: the page, its reports, its polling and its downloads.

No login on the road: the unguessable, expiring token in the link is the credential."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from dispatch import audit
from dispatch.errors import NotFound, UserError
from dispatch.i18n import translate
from dispatch.models import PlanStatus, Vehicle, utcnow
from dispatch.services import planning
from dispatch.web.deps import client_of, get_db, lang_of, public, settings_of
from dispatch.web.render import render

router = APIRouter()
_SERVICE_WORKER = (Path(__file__).parents[1] / "static" / "driver-sw.js").read_bytes()


@router.get("/r/sw.js")
def driver_service_worker(_p=Depends(public)):
    """Keeps the route page on the phone for when there is no signal (scope /r/)."""
    return Response(
        _SERVICE_WORKER,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/r/"},
    )


def _link(db: Session, request: Request, token: str):
    """The link's plan and vehicle; a superseded plan points to its newer version."""
    found = planning.find_link(db, token)
    if found is None:
        raise NotFound("link_not_found")
    link, plan = found
    if link.expires_at <= utcnow():
        raise UserError("link_expired")
    return link, plan


def _withdrawn(request: Request, token: str, vehicle: Vehicle, plan, expired_at=None):
    """The page for a route taken away from its car in a newer version (no newer route for
    that car), or whose link has expired: it says so, in the driver's language, and still
    sends the marks kept in the phone (reports on an earlier version count: they describe
    what happened; late ones are taken for a week)."""
    response = render(
        request,
        "driver.html",
        status_code=410,
        token=token,
        vehicle=vehicle,
        plan=plan,
        stops=[],
        stops_json="[]",
        updated_from=None,
        changes=None,
        withdrawn=expired_at is None,
        expired_at=expired_at,
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/r/{token}")
def driver_page(token: str, request: Request, db: Session = Depends(get_db), _p=Depends(public)):
    found = planning.find_link(db, token)
    if found is not None and found[0].expires_at <= utcnow():
        link, plan = found
        return _withdrawn(request, token, db.get(Vehicle, link.vehicle_id), plan, link.expires_at)
    link, plan = _link(db, request, token)
    if plan.status == PlanStatus.SUPERSEDED:
        newer = planning.newer_link(db, settings_of(request), plan, link.vehicle_id)
        if newer:
            return RedirectResponse(f"/r/{newer}?updated={plan.version}", status_code=303)
        return _withdrawn(request, token, db.get(Vehicle, link.vehicle_id), plan)
    from dispatch.services.rendering import driver_stops

    vehicle = db.get(Vehicle, link.vehicle_id)
    stops = driver_stops(db, plan, vehicle)
    updated_from = request.query_params.get("updated", "")
    changes = (
        planning.route_changes(db, plan, int(updated_from), link.vehicle_id)
        if updated_from.isdigit() and len(updated_from) < 6
        else None
    )
    response = render(
        request,
        "driver.html",
        token=token,
        vehicle=vehicle,
        plan=plan,
        stops=stops,
        stops_json=json.dumps(stops),
        updated_from=updated_from if changes is not None else None,
        changes=changes,
    )
    _audit_view(db, request, link, "route_page")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _audit_view(db: Session, request: Request, link, what: str) -> None:
    """A route shows contact phones and places: each opening is audited like a view of a
    request's details (which link and what, from where; never the values)."""
    audit.record(db, "view", "driver_link", link.id[:12], client=client_of(request), fields=(what,))
    db.commit()


class StopReport(BaseModel):
    client_id: str = Field(min_length=8, max_length=80)
    reference: str = Field(max_length=24)
    stop_kind: str = Field(max_length=10)
    status: str = Field(max_length=10)
    reason: str = Field(default="", max_length=200)
    passengers: int | None = Field(default=None, ge=0, le=40)
    happened_at: datetime | None = None


@router.post("/r/{token}/events")
def driver_event(token: str, body: StopReport, request: Request, db: Session = Depends(get_db)):
    """A driver's report, sent when the phone has signal; the same client_id counts once.

    Not through `_link`: a report kept in the phone may arrive after the link expired, and
    record_stop_event decides whether it still counts. Reports made on an older version
    still count too: they describe what happened. A refusal is JSON with the message, which
    the driver's page shows at the stop."""
    try:
        found = planning.find_link(db, token)
        if found is None:
            raise NotFound("link_not_found")
        link, plan = found
        happened = body.happened_at
        if happened is not None and happened.tzinfo is None:
            raise UserError("invalid_input", fields="happened_at (with time zone)")
        event, created = planning.record_stop_event(
            db,
            link,
            plan,
            client_id=body.client_id,
            reference=body.reference,
            stop_kind=body.stop_kind,
            status=body.status,
            tz=settings_of(request).region.tz,
            reason=body.reason,
            passengers=body.passengers,
            happened_at=happened,
        )
    except UserError as exc:
        message = translate(exc.key, lang_of(request), **exc.params)
        return JSONResponse({"detail": message, "code": exc.key}, status_code=exc.status)
    db.commit()
    return JSONResponse({"id": event.id, "created": created}, status_code=201 if created else 200)


@router.get("/r/{token}/state")
def driver_state(token: str, request: Request, db: Session = Depends(get_db)):
    """For the driver page's polling: is there a newer version of this route, or was it
    withdrawn?"""
    link, plan = _link(db, request, token)
    newer = None
    if plan.status == PlanStatus.SUPERSEDED:
        newer = planning.newer_link(db, settings_of(request), plan, link.vehicle_id)
    current = plan.status == PlanStatus.PUBLISHED
    return {
        "version": plan.version,
        "current": current,
        "newer": f"/r/{newer}" if newer else None,
        # Taken away from this car, with no newer route for it: the driver must stop.
        "withdrawn": not current and newer is None,
    }


@router.get("/r/{token}/{kind}")
def driver_download(token: str, kind: str, request: Request, db: Session = Depends(get_db)):
    """A download of the link's route. Never an outdated one: a superseded version sends the
    driver to the same download of the car's current route, or says the route was withdrawn."""
    from dispatch.services.rendering import DRIVER_FILES, driver_file

    link, plan = _link(db, request, token)
    if kind not in DRIVER_FILES:
        raise NotFound("not_found")
    if plan.status == PlanStatus.SUPERSEDED:
        newer = planning.newer_link(db, settings_of(request), plan, link.vehicle_id)
        if newer:
            return RedirectResponse(f"/r/{newer}/{kind}", status_code=303)
        return _withdrawn(request, token, db.get(Vehicle, link.vehicle_id), plan)
    try:
        content, media, name = driver_file(
            db, plan, db.get(Vehicle, link.vehicle_id), kind, settings_of(request)
        )
    except KeyError:
        raise NotFound("not_found") from None
    _audit_view(db, request, link, kind)
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )
