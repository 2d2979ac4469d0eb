"""Admin: users, vehicles and places, as pages and as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from dispatch.errors import UserError
from dispatch.i18n import translate
from dispatch.models import District, PlaceKind, Role, User
from dispatch.services import fleet, users
from dispatch.web.deps import client_of, get_db, lang_of, require, settings_of
from dispatch.web.render import render

router = APIRouter()
ADMIN = require(Role.ADMIN)
OFFICE = require(Role.ADMIN, Role.DISPATCHER)


def _districts(db: Session) -> dict[str, str]:
    return {d.code: d.name for d in db.exec(select(District).order_by(District.name))}


# ---- pages -------------------------------------------------------------------------------


def _refused(
    request: Request, db: Session, page, exc: UserError, typed: dict | None = None, **context
):
    """The admin page again with the message and what was typed (never a password)."""
    db.rollback()
    msg = translate(exc.key, lang_of(request), **exc.params)
    return page(request, db, status_code=exc.status, error=msg, values=typed or {}, **context)


def _saved(request: Request) -> str | None:
    """'Saved.' on the list a change was sent back to."""
    return translate("saved", lang_of(request)) if request.query_params.get("saved") else None


def _users_page(request: Request, db: Session, status_code: int = 200, **extra):
    return render(
        request,
        "admin_users.html",
        status_code=status_code,
        users=users.list_users(db),
        districts=_districts(db),
        roles=[r.value for r in Role],
        **extra,
    )


@router.get("/admin/users")
def users_page(request: Request, db: Session = Depends(get_db), _u: User = Depends(ADMIN)):
    return _users_page(request, db, notice=_saved(request))


@router.post("/admin/users")
def users_create(
    request: Request,
    username: str = Form(..., max_length=64),
    password: str = Form(..., max_length=200),
    role: str = Form(...),
    full_name: str = Form("", max_length=120),
    district_code: str = Form(""),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    try:
        users.create_user(
            db,
            username,
            password,
            role,
            full_name=full_name,
            district_code=district_code,
            actor=actor,
            client=client_of(request),
        )
    except UserError as exc:
        typed = {"username": username, "full_name": full_name, "role": role}
        return _refused(request, db, _users_page, exc, typed | {"district_code": district_code})
    db.commit()
    return RedirectResponse("/admin/users?saved=1", status_code=303)


@router.post("/admin/users/{username}/active")
def users_set_active(
    request: Request,
    username: str,
    active: bool = Form(...),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    try:
        users.set_active(db, username, active, actor=actor, client=client_of(request))
    except UserError as exc:
        return _refused(request, db, _users_page, exc)
    db.commit()
    return RedirectResponse("/admin/users?saved=1", status_code=303)


def _user_edit_page(
    request: Request, db: Session, status_code: int = 200, *, username: str, **extra
):
    return render(
        request,
        "admin_user_edit.html",
        status_code=status_code,
        target=users.user_by_name(db, username),
        districts=_districts(db),
        roles=[r.value for r in Role],
        **extra,
    )


@router.get("/admin/users/{username}")
def user_edit_page(
    request: Request, username: str, db: Session = Depends(get_db), _u: User = Depends(ADMIN)
):
    return _user_edit_page(request, db, username=username)


@router.post("/admin/users/{username}")
def user_update(
    request: Request,
    username: str,
    role: str = Form(...),
    full_name: str = Form("", max_length=120),
    district_code: str = Form(""),
    password: str = Form("", max_length=200),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    try:
        users.update_user(
            db,
            username,
            role=role,
            full_name=full_name,
            district_code=district_code,
            password=password or None,  # empty: keep the password
            actor=actor,
            client=client_of(request),
        )
    except UserError as exc:
        typed = {"full_name": full_name, "role": role, "district_code": district_code}
        return _refused(request, db, _user_edit_page, exc, typed, username=username)
    db.commit()
    return RedirectResponse("/admin/users?saved=1", status_code=303)


def _vehicles_page(request: Request, db: Session, status_code: int = 200, **extra):
    places = fleet.list_places(db)
    defaults = settings_of(request).vehicles
    return render(
        request,
        "admin_vehicles.html",
        status_code=status_code,
        vehicles=fleet.list_vehicles(db),
        depots={p.id: p.name for p in places},
        depot_places=[p for p in places if p.kind == PlaceKind.DEPOT and p.active],
        skills=fleet.SKILL_ORDER,
        default_seats=defaults.seats,
        default_start=defaults.shift_start.strftime("%H:%M"),
        default_end=defaults.shift_end.strftime("%H:%M"),
        **extra,
    )


def _skill_codes(skills: list[str]) -> list[str]:
    """The ticked boxes (one field each); a comma separated field is read too."""
    return [code.strip() for field in skills for code in field.split(",") if code.strip()]


@router.get("/admin/vehicles")
def vehicles_page(request: Request, db: Session = Depends(get_db), _u: User = Depends(ADMIN)):
    return _vehicles_page(request, db, notice=_saved(request))


@router.post("/admin/vehicles")
def vehicles_create(
    request: Request,
    name: str = Form(..., max_length=64),
    plate: str = Form("", max_length=20),
    seats: int = Form(...),
    depot_key: str = Form("depot"),
    shift_start: str = Form(...),
    shift_end: str = Form(...),
    skills: list[str] = Form([]),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    skills = _skill_codes(skills)
    try:
        fleet.create_vehicle(
            db,
            name,
            plate=plate,
            seats=seats,
            depot_key=depot_key,
            shift_start=shift_start,
            shift_end=shift_end,
            skills=skills,
            actor=actor,
            client=client_of(request),
        )
    except UserError as exc:
        typed = {"name": name, "plate": plate, "seats": seats, "depot_key": depot_key}
        typed |= {"shift_start": shift_start, "shift_end": shift_end, "skills": skills}
        return _refused(request, db, _vehicles_page, exc, typed)
    db.commit()
    return RedirectResponse("/admin/vehicles?saved=1", status_code=303)


def _vehicle_edit_page(
    request: Request, db: Session, status_code: int = 200, *, vehicle_id: int, **extra
):
    vehicle = fleet.vehicle_by_ref(db, vehicle_id)
    places = fleet.list_places(db)
    depot = next((p for p in places if p.id == vehicle.depot_id), None)
    current = {
        "name": vehicle.name,
        "plate": vehicle.plate,
        "seats": vehicle.seats,
        "depot_key": depot.key if depot else "",
        "shift_start": vehicle.shift_start,
        "shift_end": vehicle.shift_end,
        "skills": [s for s in vehicle.skills.split(",") if s],
    }
    return render(
        request,
        "admin_vehicle_edit.html",
        status_code=status_code,
        vehicle=vehicle,
        current=current,
        # Active depots, and the vehicle's own even if it was disabled since.
        depot_places=[p for p in places if p.kind == PlaceKind.DEPOT and (p.active or p is depot)],
        skills=fleet.SKILL_ORDER,
        **extra,
    )


@router.get("/admin/vehicles/{vehicle_id}")
def vehicle_edit_page(
    request: Request, vehicle_id: int, db: Session = Depends(get_db), _u: User = Depends(ADMIN)
):
    return _vehicle_edit_page(request, db, vehicle_id=vehicle_id)


@router.post("/admin/vehicles/{vehicle_id}")
def vehicle_update(
    request: Request,
    vehicle_id: int,
    name: str = Form(..., max_length=64),
    plate: str = Form("", max_length=20),
    seats: int = Form(...),
    depot_key: str = Form(...),
    shift_start: str = Form(...),
    shift_end: str = Form(...),
    skills: list[str] = Form([]),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    skills = _skill_codes(skills)
    try:
        fleet.update_vehicle(
            db,
            vehicle_id,
            name=name,
            plate=plate,
            seats=seats,
            depot_key=depot_key,
            shift_start=shift_start,
            shift_end=shift_end,
            skills=skills,
            actor=actor,
            client=client_of(request),
        )
    except UserError as exc:
        typed = {"name": name, "plate": plate, "seats": seats, "depot_key": depot_key}
        typed |= {"shift_start": shift_start, "shift_end": shift_end, "skills": skills}
        return _refused(request, db, _vehicle_edit_page, exc, typed, vehicle_id=vehicle_id)
    db.commit()
    return RedirectResponse("/admin/vehicles?saved=1", status_code=303)


@router.post("/admin/vehicles/{vehicle_id}/active")
def vehicle_set_active(
    request: Request,
    vehicle_id: int,
    active: bool = Form(...),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    try:
        fleet.set_vehicle_active(db, vehicle_id, active, actor=actor, client=client_of(request))
    except UserError as exc:
        return _refused(request, db, _vehicles_page, exc)
    db.commit()
    return RedirectResponse("/admin/vehicles?saved=1", status_code=303)


def _places_page(request: Request, db: Session, status_code: int = 200, **extra):
    return render(
        request,
        "admin_places.html",
        status_code=status_code,
        places=fleet.list_places(db),
        kinds=[k.value for k in PlaceKind],
        **extra,
    )


@router.get("/admin/places")
def places_page(request: Request, db: Session = Depends(get_db), _u: User = Depends(ADMIN)):
    return _places_page(request, db, notice=_saved(request))


@router.post("/admin/places")
def places_create(
    request: Request,
    key: str = Form(..., max_length=64),
    kind: str = Form(...),
    name: str = Form(..., max_length=120),
    public_label: str = Form("", max_length=120),
    lat: float = Form(...),
    lon: float = Form(...),
    address: str = Form("", max_length=300),
    confidential: bool = Form(False),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    try:
        fleet.create_place(
            db,
            key,
            kind,
            name,
            lat,
            lon,
            public_label=public_label,
            address=address,
            confidential=confidential or None,
            actor=actor,
            client=client_of(request),
        )
    except UserError as exc:
        typed = {"key": key, "kind": kind, "name": name, "public_label": public_label}
        typed |= {"lat": lat, "lon": lon, "address": address, "confidential": confidential}
        return _refused(request, db, _places_page, exc, typed)
    db.commit()
    return RedirectResponse("/admin/places?saved=1", status_code=303)


def _place_edit_page(request: Request, db: Session, status_code: int = 200, *, key: str, **extra):
    place = fleet.place_by_key(db, key)
    current = {
        "name": place.name,
        "public_label": place.public_label,
        "lat": place.lat,
        "lon": place.lon,
        "address": place.address,
        "confidential": place.confidential,
    }
    return render(
        request,
        "admin_place_edit.html",
        status_code=status_code,
        place=place,
        current=current,
        **extra,
    )


@router.get("/admin/places/{key}")
def place_edit_page(
    request: Request, key: str, db: Session = Depends(get_db), _u: User = Depends(ADMIN)
):
    return _place_edit_page(request, db, key=key)


@router.post("/admin/places/{key}")
def place_update(
    request: Request,
    key: str,
    name: str = Form(..., max_length=120),
    public_label: str = Form("", max_length=120),
    lat: float = Form(...),
    lon: float = Form(...),
    address: str = Form("", max_length=300),
    confidential: bool = Form(False),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    try:
        fleet.update_place(
            db,
            key,
            name=name,
            public_label=public_label,
            lat=lat,
            lon=lon,
            address=address,
            confidential=confidential,
            actor=actor,
            client=client_of(request),
        )
    except UserError as exc:
        typed = {"name": name, "public_label": public_label, "lat": lat, "lon": lon}
        typed |= {"address": address, "confidential": confidential}
        return _refused(request, db, _place_edit_page, exc, typed, key=key)
    db.commit()
    return RedirectResponse("/admin/places?saved=1", status_code=303)


@router.post("/admin/places/{key}/active")
def place_set_active(
    request: Request,
    key: str,
    active: bool = Form(...),
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    try:
        fleet.set_place_active(db, key, active, actor=actor, client=client_of(request))
    except UserError as exc:
        return _refused(request, db, _places_page, exc)
    db.commit()
    return RedirectResponse("/admin/places?saved=1", status_code=303)


# ---- JSON API ----------------------------------------------------------------------------


class UserIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    role: Role
    full_name: str = Field(default="", max_length=120)
    district_code: str | None = Field(default=None, max_length=8)


class UserOut(BaseModel):
    username: str
    role: Role
    full_name: str
    district_code: str | None
    active: bool


class VehicleIn(BaseModel):
    name: str = Field(max_length=64)
    plate: str = Field(default="", max_length=20)
    seats: int = Field(default=5, ge=1, le=40)
    depot_key: str = Field(default="depot", max_length=64)
    shift_start: str = Field(default="07:30", max_length=5)
    shift_end: str = Field(default="16:00", max_length=5)
    kind: str = Field(default="car", max_length=16)
    skills: list[str] = []


class VehicleOut(BaseModel):
    id: int
    name: str
    plate: str
    kind: str
    seats: int
    depot_id: int
    shift_start: str
    shift_end: str
    skills: str
    active: bool


class PlaceIn(BaseModel):
    key: str = Field(max_length=64)
    kind: PlaceKind
    name: str = Field(max_length=120)
    public_label: str = Field(default="", max_length=120)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    address: str = Field(default="", max_length=300)
    confidential: bool | None = None


class PlaceOut(BaseModel):
    id: int
    key: str
    kind: PlaceKind
    name: str
    public_label: str
    lat: float
    lon: float
    address: str
    confidential: bool


def _user_out(u: User) -> UserOut:
    return UserOut(
        username=u.username,
        role=u.role,
        full_name=u.full_name,
        district_code=u.district_code,
        active=u.active,
    )


@router.get("/api/users", response_model=list[UserOut], tags=["admin"])
def api_users(db: Session = Depends(get_db), _u: User = Depends(ADMIN)):
    return [_user_out(u) for u in users.list_users(db)]


@router.post("/api/users", response_model=UserOut, status_code=201, tags=["admin"])
def api_user_create(
    body: UserIn, request: Request, db: Session = Depends(get_db), actor: User = Depends(ADMIN)
):
    user = users.create_user(
        db,
        body.username,
        body.password,
        body.role,
        full_name=body.full_name,
        district_code=body.district_code,
        actor=actor,
        client=client_of(request),
    )
    db.commit()
    return _user_out(user)


@router.post("/api/users/{username}/disable", response_model=UserOut, tags=["admin"])
def api_user_disable(
    username: str, request: Request, db: Session = Depends(get_db), actor: User = Depends(ADMIN)
):
    user = users.set_active(db, username, False, actor=actor, client=client_of(request))
    db.commit()
    return _user_out(user)


@router.get("/api/vehicles", response_model=list[VehicleOut], tags=["fleet"])
def api_vehicles(db: Session = Depends(get_db), _u: User = Depends(OFFICE)):
    return [VehicleOut.model_validate(v, from_attributes=True) for v in fleet.list_vehicles(db)]


@router.post("/api/vehicles", response_model=VehicleOut, status_code=201, tags=["fleet"])
def api_vehicle_create(
    body: VehicleIn,
    request: Request,
    db: Session = Depends(get_db),
    actor: User = Depends(ADMIN),
):
    v = fleet.create_vehicle(
        db,
        body.name,
        plate=body.plate,
        seats=body.seats,
        depot_key=body.depot_key,
        shift_start=body.shift_start,
        shift_end=body.shift_end,
        kind=body.kind,
        skills=body.skills,
        actor=actor,
        client=client_of(request),
    )
    db.commit()
    return VehicleOut.model_validate(v, from_attributes=True)


@router.get("/api/places", response_model=list[PlaceOut], tags=["fleet"])
def api_places(db: Session = Depends(get_db), _u: User = Depends(OFFICE)):
    return [PlaceOut.model_validate(p, from_attributes=True) for p in fleet.list_places(db)]


@router.post("/api/places", response_model=PlaceOut, status_code=201, tags=["fleet"])
def api_place_create(
    body: PlaceIn, request: Request, db: Session = Depends(get_db), actor: User = Depends(ADMIN)
):
    p = fleet.create_place(
        db,
        body.key,
        body.kind,
        body.name,
        body.lat,
        body.lon,
        public_label=body.public_label,
        address=body.address,
        confidential=body.confidential,
        actor=actor,
        client=client_of(request),
    )
    db.commit()
    return PlaceOut.model_validate(p, from_attributes=True)
