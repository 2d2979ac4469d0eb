"""Vehicles and places (depot, safe house, hospital, police...)."""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dispatch import audit, geocoding
from dispatch.errors import Conflict, NotFound, UserError
from dispatch.models import Place, PlaceKind, User, Vehicle
from maps.privacy import ALWAYS_FORBIDDEN

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SKILLS = {"wheelchair", "female_staff", "infant_seat"}
KEY = re.compile(r"^[a-z0-9-]{2,64}$")


def create_place(
    session: Session,
    key: str,
    kind: PlaceKind | str,
    name: str,
    lat: float,
    lon: float,
    *,
    public_label: str = "",
    address: str = "",
    confidential: bool | None = None,
    actor: User | None = None,
    client: str | None = None,
) -> Place:
    key = key.strip().lower()
    if not KEY.match(key):
        raise UserError("place_key_invalid")
    try:
        kind = PlaceKind(kind)
    except ValueError:
        raise UserError("place_kind_invalid", kinds=", ".join(k.value for k in PlaceKind)) from None
    if not name.strip():
        raise UserError("name_required")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UserError("coordinates_invalid")
    if not geocoding.inside_region(lat, lon):  # the check intake makes (region.bbox)
        region = geocoding.get_default()
        south, west, north, east = region.bbox
        raise UserError(
            "place_outside_region",
            lat=round(lat, 5),
            lon=round(lon, 5),
            region=region.region_name,
            south=south,
            west=west,
            north=north,
            east=east,
        )
    # Message parameters may not be called `key` (the message key itself).
    if session.exec(select(Place).where(Place.key == key)).first():
        raise Conflict("place_key_exists", place_key=key)
    # A safe house is confidential unless the admin says otherwise.
    if confidential is None:
        confidential = kind == PlaceKind.SAFE_HOUSE
    if confidential and not public_label.strip():
        raise UserError("public_label_required")
    shown = (public_label or name).casefold()
    if any(word.casefold() in shown for word in ALWAYS_FORBIDDEN):
        raise UserError("public_label_forbidden", words=", ".join(ALWAYS_FORBIDDEN))
    place = Place(
        key=key,
        kind=kind,
        name=name.strip(),
        public_label=(public_label or name).strip(),
        lat=lat,
        lon=lon,
        address=address.strip(),
        confidential=confidential,
    )
    session.add(place)
    try:
        session.flush()
    except IntegrityError:  # added at the same moment by someone else
        raise Conflict("place_key_exists", place_key=key) from None
    from dispatch.services.requests import forget_destinations

    forget_destinations()
    audit.record(
        session,
        "create",
        "place",
        place.id,
        actor=actor,
        client=client,
        fields=("key", "kind", "name", "public_label", "lat", "lon", "address"),
    )
    return place


def list_places(session: Session) -> list[Place]:
    return list(session.exec(select(Place).order_by(Place.kind, Place.key)))


def place_by_key(session: Session, key: str) -> Place:
    place = session.exec(select(Place).where(Place.key == key)).first()
    if place is None:
        raise NotFound("place_unknown", place_key=key)
    return place


def create_vehicle(
    session: Session,
    name: str,
    *,
    plate: str = "",
    seats: int = 5,
    depot_key: str = "depot",
    shift_start: str = "07:30",
    shift_end: str = "16:00",
    kind: str = "car",
    skills: list[str] | str = (),
    actor: User | None = None,
    client: str | None = None,
) -> Vehicle:
    name = name.strip()
    if not name:
        raise UserError("name_required")
    if not 1 <= seats <= 40:
        raise UserError("seats_invalid")
    if not (HHMM.match(shift_start) and HHMM.match(shift_end)) or shift_end <= shift_start:
        raise UserError("shift_invalid")
    if isinstance(skills, str):
        skills = [s.strip() for s in skills.split(",") if s.strip()]
    unknown = set(skills) - SKILLS
    if unknown:
        raise UserError("skills_invalid", skills=", ".join(sorted(SKILLS)))
    if session.exec(select(Vehicle).where(Vehicle.name == name)).first():
        raise Conflict("vehicle_name_taken", name=name)
    plate = " ".join(plate.split()).upper()  # "kt 1001  kk" is the plate KT 1001 KK
    if plate and session.exec(select(Vehicle).where(Vehicle.plate == plate)).first():
        raise Conflict("vehicle_plate_taken", plate=plate)
    depot = place_by_key(session, depot_key)
    if depot.kind != PlaceKind.DEPOT:
        raise UserError("depot_not_depot", place_key=depot.key)
    vehicle = Vehicle(
        name=name,
        plate=plate,
        seats=seats,
        depot_id=depot.id,
        shift_start=shift_start,
        shift_end=shift_end,
        kind=kind,
        skills=",".join(sorted(skills)),
    )
    session.add(vehicle)
    try:
        session.flush()
    except IntegrityError:  # added at the same moment by someone else
        raise Conflict("vehicle_name_taken", name=name) from None
    audit.record(
        session,
        "create",
        "vehicle",
        vehicle.id,
        actor=actor,
        client=client,
        fields=("name", "plate", "seats", "depot_id", "shift_start", "shift_end"),
    )
    return vehicle


def list_vehicles(session: Session) -> list[Vehicle]:
    return list(session.exec(select(Vehicle).order_by(Vehicle.name)))
