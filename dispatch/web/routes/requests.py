"""Requests: officers submit and follow; dispatchers triage. JSON API and pages."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, select
from starlette.datastructures import FormData

from dispatch.errors import UserError
from dispatch.i18n import translate
from dispatch.models import (
    District,
    Place,
    Precision,
    RequestKind,
    RequestStatus,
    Role,
    Urgency,
    User,
    Village,
)
from dispatch.models import Request as Req
from dispatch.services import requests as svc
from dispatch.validation import describe, summary
from dispatch.web.deps import client_of, form_int, form_of, get_db, lang_of, require, settings_of
from dispatch.web.render import render

router = APIRouter()
FIELD = require(Role.OFFICER, Role.DISPATCHER)
DISPATCH = require(Role.DISPATCHER)


class RequestOut(BaseModel):
    """What lists show: no personal data."""

    reference: str
    kind: RequestKind
    urgency: Urgency
    status: RequestStatus
    verified: bool
    village_code: str | None
    district_code: str | None
    precision: Precision | None
    location_flag: str
    available_date: date | None
    window_start: str | None
    window_end: str | None
    adults: int
    children: int
    needs_wheelchair: bool
    needs_infant_seat: bool
    needs_female_staff: bool
    onsite_minutes: int
    duplicate_of: str | None = None
    duplicate_confirmed: bool = False
    created_at: datetime
    version: int


class EventOut(BaseModel):
    from_status: RequestStatus | None
    to_status: RequestStatus
    at: datetime
    actor: str | None
    note: str


class RequestDetail(RequestOut):
    """Opening one request: its sensitive details too (audited)."""

    address: str
    landmark: str
    lat: float | None
    lon: float | None
    contact_phone: str
    survivor_name: str
    notes: str
    safe_contact: str
    destination: str | None
    history: list[EventOut] = Field(default_factory=list)


def _refs(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.exec(select(Req.id, Req.reference).where(Req.id.in_(ids))).all())


def _out(req: Req, refs: dict[int, str]) -> RequestOut:
    fields = {
        name: getattr(req, name) for name in RequestOut.model_fields if name != "duplicate_of"
    }
    fields["duplicate_of"] = refs.get(req.duplicate_of) if req.duplicate_of else None
    return RequestOut(**fields)


def _detail(db: Session, req: Req) -> RequestDetail:
    base = _out(req, _refs(db, {req.duplicate_of} if req.duplicate_of else set()))
    users = {u.id: u.username for u in db.exec(select(User))}
    place = db.get(Place, req.destination_id) if req.destination_id else None
    return RequestDetail(
        **base.model_dump(),
        address=req.address,
        landmark=req.landmark,
        lat=req.lat,
        lon=req.lon,
        contact_phone=req.contact_phone,
        survivor_name=req.survivor_name,
        notes=req.notes,
        safe_contact=req.safe_contact,
        destination=place.key if place else None,
        history=[
            EventOut(
                from_status=e.from_status,
                to_status=e.to_status,
                at=e.at,
                actor=users.get(e.actor_id),
                note=e.note,
            )
            for e in svc.history(db, req)
        ],
    )


# ---- JSON API -----------------------------------------------------------------------------


@router.post("/api/requests", tags=["requests"], status_code=201, response_model=RequestOut)
def api_submit(
    body: svc.RequestIn,
    request: Request,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
    db: Session = Depends(get_db),
    user: User = Depends(FIELD),
):
    """Submit a request. Retrying with the same Idempotency-Key returns the first result."""
    req, created = svc.submit_request(
        db,
        body,
        settings_of(request),
        actor=user,
        idempotency_key=idempotency_key,
        client=client_of(request),
    )
    out = _out(req, _refs(db, {req.duplicate_of} if req.duplicate_of else set()))
    return JSONResponse(
        out.model_dump(mode="json"),
        status_code=201 if created else 200,
        headers={"Location": f"/api/requests/{req.reference}"},
    )


@router.get("/api/requests", tags=["requests"], response_model=list[RequestOut])
def api_list(
    status: list[RequestStatus] = Query(default=[]),
    urgency: Urgency | None = None,
    district: str | None = Query(None, max_length=8),
    db: Session = Depends(get_db),
    user: User = Depends(FIELD),
):
    rows = svc.list_visible(db, user, status=status, urgency=urgency, district=district)
    refs = _refs(db, {r.duplicate_of for r in rows if r.duplicate_of})
    return [_out(r, refs) for r in rows]


@router.get("/api/requests/{reference}", tags=["requests"], response_model=RequestDetail)
def api_detail(
    reference: str,
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(FIELD),
):
    req = svc.get_visible(db, reference, user)
    svc.record_view(db, req, user, client_of(request))
    db.commit()
    return _detail(db, req)


class StatusIn(BaseModel):
    status: RequestStatus
    note: str = Field(default="", max_length=300)
    version: int | None = None


@router.post("/api/requests/{reference}/status", tags=["requests"], response_model=RequestOut)
def api_status(
    reference: str,
    body: StatusIn,
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(FIELD),
):
    req = svc.get_visible(db, reference, user)
    svc.change_status(
        db,
        req,
        body.status,
        actor=user,
        note=body.note,
        expected_version=body.version,
        client=client_of(request),
    )
    db.commit()
    return _out(req, {})


@router.patch("/api/requests/{reference}", tags=["requests"], response_model=RequestOut)
def api_triage(
    reference: str,
    body: svc.TriageIn,
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(DISPATCH),
):
    req = svc.get_visible(db, reference, user)
    svc.triage(db, req, body, settings_of(request), actor=user, client=client_of(request))
    db.commit()
    return _out(req, _refs(db, {req.duplicate_of} if req.duplicate_of else set()))


@router.get("/api/geocode", tags=["geocoding"])
def api_geocode(
    q: str = Query(..., min_length=2, max_length=300),
    district: str | None = Query(None, max_length=40),
    _u: User = Depends(FIELD),
):
    """Ranked candidates for free text: coordinates, links, Plus Codes, village names."""
    from dispatch import geocoding

    return [c.as_dict() for c in geocoding.resolve(q, district)]


# ---- pages --------------------------------------------------------------------------------


def _names(db: Session) -> tuple[dict[str, str], dict[str, str]]:
    districts = {d.code: d.name for d in db.exec(select(District).order_by(District.name))}
    villages = {v.code: v.name for v in db.exec(select(Village).order_by(Village.name))}
    return districts, villages


@router.get("/requests")
def queue_page(
    request: Request,
    status: str = Query("open", max_length=20),
    urgency: Urgency | None = None,
    district: str | None = Query(None, max_length=8),
    day: str | None = Query(None, max_length=10, alias="date"),
    db: Session = Depends(get_db),
    user: User = Depends(FIELD),
):
    try:  # to plan on that day: available then or earlier
        on_date = date.fromisoformat(day) if day else None
    except ValueError:
        raise UserError("invalid_input", fields="date") from None
    statuses = (
        sorted(svc.OPEN)
        if status == "open"
        else []
        if status == "all"
        else [RequestStatus(status)]
        if status in RequestStatus._value2member_map_
        else sorted(svc.OPEN)
    )
    rows = svc.list_visible(
        db, user, status=statuses, urgency=urgency, district=district or None, on_date=on_date
    )
    districts, villages = _names(db)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.urgency.value] = counts.get(r.urgency.value, 0) + 1
    return render(
        request,
        "requests_list.html",
        rows=rows,
        districts=districts,
        villages=villages,
        counts=counts,
        refs=_refs(db, {r.duplicate_of for r in rows if r.duplicate_of}),
        f_status=status,
        f_urgency=urgency.value if urgency else "",
        f_district=district or "",
        f_date=on_date.isoformat() if on_date else "",
    )


def _form(request: Request, db: Session, status_code: int = 200, **extra):
    districts, villages = _names(db)
    user = request.state.principal.user
    return render(
        request,
        "request_form.html",
        status_code=status_code,
        districts=districts,
        village_rows=db.exec(
            select(Village.code, Village.name, Village.district_code).order_by(Village.name)
        ).all(),
        kinds=[k.value for k in RequestKind],
        urgencies=[u.value for u in Urgency],
        default_district=user.district_code or "",
        **extra,
    )


@router.get("/requests/new")
def new_request_page(request: Request, db: Session = Depends(get_db), _u: User = Depends(FIELD)):
    import secrets

    return _form(request, db, idem=secrets.token_urlsafe(16), values={})


@router.post("/requests/new")
def new_request_submit(
    request: Request,
    form: FormData = Depends(form_of),
    db: Session = Depends(get_db),
    user: User = Depends(FIELD),
):
    """The no-JavaScript path of the form; the script posts to /api/requests instead."""
    values = {k: v for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}
    picked = values.pop("village_pick", "")  # one of the villages the last refusal offered
    if picked:
        values["village_code"] = picked
    lang = lang_of(request)
    try:
        data = svc.RequestIn.model_validate(
            {
                # a field left blank (a browser sends "") takes its default
                **{k: v for k, v in values.items() if v.strip()},
                **{
                    k: k in form
                    for k in (
                        "needs_wheelchair",
                        "needs_infant_seat",
                        "needs_female_staff",
                        "confirm_outside",
                    )
                },
            }
        )
        req, _created = svc.submit_request(
            db,
            data,
            settings_of(request),
            actor=user,
            idempotency_key=values.get("idempotency_key") or None,
            client=client_of(request),
        )
    except UserError as exc:
        db.rollback()
        return _form(
            request,
            db,
            status_code=exc.status,
            values=values,
            idem=values.get("idempotency_key", ""),
            error=translate(exc.key, lang, **exc.params),
            # villages to pick from (a name several share), each with its kecamatan
            candidates=[
                c for c in exc.params.get("candidates", []) if str(c.get("code")).count(".") == 3
            ],
        )
    except ValidationError as exc:
        fields = summary(describe(exc.errors(), lang))
        return _form(
            request,
            db,
            status_code=422,
            values=values,
            idem=values.get("idempotency_key", ""),
            error=translate("invalid_input", lang, fields=fields),
        )
    return RedirectResponse(f"/requests/{req.reference}", status_code=303)


@router.get("/requests/{reference}")
def request_page(
    reference: str,
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(FIELD),
):
    req = svc.get_visible(db, reference, user)
    return _detail_page(request, db, req, user)


def _detail_page(
    request: Request, db: Session, req: Req, user: User, status_code: int = 200, error: str = ""
):
    """A request's page (its sensitive details: the view is audited), with the triage form
    for a dispatcher and, after a refused change, the reason above it."""
    svc.record_view(db, req, user, client_of(request))
    db.commit()
    districts, villages = _names(db)
    by_district: dict[str, list[tuple[str, str]]] = {}
    if user.role == Role.DISPATCHER:  # the triage form's villages, under their kecamatan
        for code, name, district in db.exec(
            select(Village.code, Village.name, Village.district_code).order_by(Village.name)
        ):
            by_district.setdefault(district, []).append((code, name))
    return render(
        request,
        "request_detail.html",
        status_code=status_code,
        r=_detail(db, req),
        districts=districts,
        villages=villages,
        village_groups=[
            (d, name, by_district[d]) for d, name in districts.items() if d in by_district
        ],
        transitions=sorted(s.value for s in svc.TRANSITIONS[req.status]),
        urgencies=[u.value for u in Urgency],
        kinds=[k.value for k in RequestKind],
        error=error,
    )


@router.post("/requests/{reference}/status")
def request_status_submit(
    reference: str,
    request: Request,
    form: FormData = Depends(form_of),
    db: Session = Depends(get_db),
    user: User = Depends(FIELD),
):
    req = svc.get_visible(db, reference, user)
    try:
        to = RequestStatus(str(form.get("status", "")))
        version = form_int(form, "version", 0)
        svc.change_status(
            db,
            req,
            to,
            actor=user,
            note=str(form.get("note", ""))[:300],
            expected_version=version,
            client=client_of(request),
        )
    except ValueError:
        raise UserError("invalid_input", fields="status") from None
    db.commit()
    return RedirectResponse(f"/requests/{reference}", status_code=303)


@router.post("/requests/{reference}/triage")
def request_triage_submit(
    reference: str,
    request: Request,
    form: FormData = Depends(form_of),
    db: Session = Depends(get_db),
    user: User = Depends(DISPATCH),
):
    req = svc.get_visible(db, reference, user)
    # The form sends every field, most of them unchanged: only what differs is a change.
    # A blank date or time clears it; other blank fields mean "leave as it is".
    values: dict[str, object] = {}
    for k, v in form.items():
        if k in _TRIAGE_FLAGS or not isinstance(v, str):
            continue
        if v.strip() or k in _TRIAGE_CLEARABLE:
            values[k] = v.strip()
    if "location_confirmed" in form:
        values["location_confirmed"] = True
    if "verified" in form:  # a hidden "false" before the checkbox's "true"
        values["verified"] = "true" in form.getlist("verified")
    duplicate = form.get("duplicate")  # likely (plan it) / confirmed (do not) / not
    if duplicate == "not":
        values["duplicate_of"] = ""
    elif duplicate in ("likely", "confirmed"):
        values["duplicate_confirmed"] = duplicate == "confirmed"
    lang = lang_of(request)
    try:
        data = svc.TriageIn.model_validate(values)
        svc.triage(db, req, data, settings_of(request), actor=user, client=client_of(request))
        db.commit()
    except ValidationError as exc:
        db.rollback()
        message = translate("invalid_input", lang, fields=summary(describe(exc.errors(), lang)))
        return _detail_page(request, db, req, user, 422, message)
    except UserError as exc:
        db.rollback()  # and the request as stored, to show it again
        return _detail_page(
            request, db, req, user, exc.status, translate(exc.key, lang, **exc.params)
        )
    return RedirectResponse(f"/requests/{reference}", status_code=303)


_TRIAGE_FLAGS = ("csrf_token", "duplicate", "verified", "location_confirmed")
_TRIAGE_CLEARABLE = ("available_date", "window_start", "window_end")
