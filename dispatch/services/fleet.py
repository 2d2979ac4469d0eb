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
SKILL_ORDER = ("wheelchair", "infant_seat", "female_staff")  # as the request form lists needs
SKILLS = set(SKILL_ORDER)
KEY = re.compile(r"^[a-z0-9-]{2,64}$")


def _check_point(lat: float, lon: float) -> None:
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


def _check_label(label: str, name: str, confidential: bool) -> None:
    if any(word.casefold() in label.casefold() for word in ALWAYS_FORBIDDEN):
        raise UserError("public_label_forbidden", words=", ".join(ALWAYS_FORBIDDEN))
    if confidential and name.strip().casefold() in label.casefold():
        raise UserError("public_label_names_place")  # what drivers see would name it


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
    _check_point(lat, lon)
    # Message parameters may not be called `key` (the message key itself).
    if session.exec(select(Place).where(Place.key == key)).first():
        raise Conflict("place_key_exists", place_key=key)
    # A safe house is confidential unless the admin says otherwise.
    if confidential is None:
        confidential = kind == PlaceKind.SAFE_HOUSE
    if confidential and not public_label.strip():
        raise UserError("public_label_required")
    _check_label(public_label or name, name, confidential)
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
    _places_changed()
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


def update_place(
    session: Session,
    key: str,
    *,
    name: str | None = None,
    public_label: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    address: str | None = None,
    confidential: bool | None = None,
    actor: User | None = None,
    client: str | None = None,
) -> Place:
    """Rename, relabel or move a place; None keeps a value. Its key and kind stay: vehicles,
    requests and config.yaml refer to it by them. The checks of `create_place`; a safe house
    stays confidential. The audit row names the fields changed."""
    place = place_by_key(session, key.strip().lower())
    new: dict[str, object] = {}
    if name is not None:
        if not name.strip():
            raise UserError("name_required")
        new["name"] = name.strip()
    if lat is not None or lon is not None:
        new["lat"] = place.lat if lat is None else lat
        new["lon"] = place.lon if lon is None else lon
        if (new["lat"], new["lon"]) != (place.lat, place.lon):
            _check_point(new["lat"], new["lon"])
    if address is not None:
        new["address"] = address.strip()
    secret = place.confidential if confidential is None else confidential
    if place.kind == PlaceKind.SAFE_HOUSE and not secret:
        raise UserError("safe_house_confidential")
    new["confidential"] = secret
    label = place.public_label if public_label is None else public_label.strip()
    if secret and not label:
        raise UserError("public_label_required")
    new["public_label"] = label or new.get("name", place.name)
    _check_label(new["public_label"], new.get("name", place.name), secret)
    changed = [field for field, value in new.items() if getattr(place, field) != value]
    if not changed:
        return place
    for field in changed:
        setattr(place, field, new[field])
    session.add(place)
    session.flush()
    _places_changed()
    audit.record(session, "update", "place", place.id, actor=actor, client=client, fields=changed)
    return place


def set_place_active(
    session: Session,
    key: str,
    active: bool,
    *,
    actor: User | None = None,
    client: str | None = None,
) -> Place:
    """A disabled place is no longer chosen for new requests; requests and routes that go
    there keep it. Places are never deleted. Refused for the depot of an active vehicle and
    for the last active place that new requests of some kind go to."""
    from dispatch.services.requests import DESTINATION_KIND

    place = place_by_key(session, key.strip().lower())
    if not active and place.active:
        based = session.exec(
            select(Vehicle.name).where(Vehicle.depot_id == place.id, Vehicle.active == True)  # noqa: E712
        ).all()
        if based:
            raise UserError("place_depot_in_use", place_key=place.key, vehicles=", ".join(based))
        if place.kind in DESTINATION_KIND.values():
            others = session.exec(
                select(Place.id).where(
                    Place.kind == place.kind,
                    Place.active == True,  # noqa: E712
                    Place.id != place.id,
                )
            ).first()
            if others is None:
                raise UserError("place_last_of_kind", place_key=place.key)
    place.active = active
    session.add(place)
    session.flush()
    _places_changed()
    audit.record(
        session, "update", "place", place.id, actor=actor, client=client, fields=("active",)
    )
    return place


def _places_changed() -> None:
    from dispatch.services.requests import forget_destinations

    forget_destinations()


def _shift(shift_start: str, shift_end: str) -> tuple[str, str]:
    if not (HHMM.match(shift_start) and HHMM.match(shift_end)) or shift_end <= shift_start:
        raise UserError("shift_invalid")
    return shift_start, shift_end


def _skills(skills: list[str] | tuple[str, ...] | str) -> str:
    if isinstance(skills, str):
        skills = [s.strip() for s in skills.split(",") if s.strip()]
    if set(skills) - SKILLS:
        raise UserError("skills_invalid", skills=", ".join(sorted(SKILLS)))
    return ",".join(sorted(set(skills)))


def _free_name(session: Session, name: str, own_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise UserError("name_required")
    other = session.exec(select(Vehicle).where(Vehicle.name == name)).first()
    if other is not None and other.id != own_id:
        raise Conflict("vehicle_name_taken", name=name)
    return name


def _free_plate(session: Session, plate: str, own_id: int | None = None) -> str:
    plate = " ".join(plate.split()).upper()  # "kt 1001  kk" is the plate KT 1001 KK
    if plate:
        other = session.exec(select(Vehicle).where(Vehicle.plate == plate)).first()
        if other is not None and other.id != own_id:
            raise Conflict("vehicle_plate_taken", plate=plate)
    return plate


def _depot(session: Session, depot_key: str) -> Place:
    depot = place_by_key(session, depot_key)
    if depot.kind != PlaceKind.DEPOT:
        raise UserError("depot_not_depot", place_key=depot.key)
    if not depot.active:
        raise UserError("depot_inactive", place_key=depot.key)
    return depot


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
    if not name.strip():
        raise UserError("name_required")
    if not 1 <= seats <= 40:
        raise UserError("seats_invalid")
    _shift(shift_start, shift_end)
    skills = _skills(skills)
    name = _free_name(session, name)
    plate = _free_plate(session, plate)
    depot = _depot(session, depot_key)
    vehicle = Vehicle(
        name=name,
        plate=plate,
        seats=seats,
        depot_id=depot.id,
        shift_start=shift_start,
        shift_end=shift_end,
        kind=kind,
        skills=skills,
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


def vehicle_by_ref(session: Session, ref: int | str) -> Vehicle:
    """A vehicle by its id (an int), or by its name or id as typed (a str)."""
    vehicle = None
    if isinstance(ref, str):
        vehicle = session.exec(select(Vehicle).where(Vehicle.name == ref.strip())).first()
        ref = ref.strip()
    if vehicle is None and str(ref).isdigit():
        vehicle = session.get(Vehicle, int(ref))
    if vehicle is None:
        raise NotFound("vehicle_unknown", vehicle=ref)
    return vehicle


def update_vehicle(
    session: Session,
    ref: int | str,
    *,
    name: str | None = None,
    plate: str | None = None,
    seats: int | None = None,
    depot_key: str | None = None,
    shift_start: str | None = None,
    shift_end: str | None = None,
    kind: str | None = None,
    skills: list[str] | str | None = None,
    actor: User | None = None,
    client: str | None = None,
) -> Vehicle:
    """Change what is given (None keeps a value), with the checks of `create_vehicle`.
    The audit row names the fields changed."""
    vehicle = vehicle_by_ref(session, ref)
    new: dict[str, object] = {}
    if name is not None:
        new["name"] = _free_name(session, name, vehicle.id)
    if plate is not None:
        new["plate"] = _free_plate(session, plate, vehicle.id)
    if seats is not None:
        if not 1 <= seats <= 40:
            raise UserError("seats_invalid")
        new["seats"] = seats
    new["shift_start"], new["shift_end"] = _shift(
        vehicle.shift_start if shift_start is None else shift_start,
        vehicle.shift_end if shift_end is None else shift_end,
    )
    if skills is not None:
        new["skills"] = _skills(skills)
    if depot_key is not None:
        current = session.get(Place, vehicle.depot_id)
        if current is None or current.key != depot_key:  # a kept depot is not checked again
            new["depot_id"] = _depot(session, depot_key).id
    if kind is not None:
        new["kind"] = kind.strip() or vehicle.kind
    changed = [field for field, value in new.items() if getattr(vehicle, field) != value]
    if not changed:
        return vehicle
    for field in changed:
        setattr(vehicle, field, new[field])
    session.add(vehicle)
    try:
        session.flush()
    except IntegrityError:  # the same name given at the same moment by someone else
        raise Conflict("vehicle_name_taken", name=vehicle.name) from None
    audit.record(
        session, "update", "vehicle", vehicle.id, actor=actor, client=client, fields=changed
    )
    return vehicle


def set_vehicle_active(
    session: Session,
    ref: int | str,
    active: bool,
    *,
    actor: User | None = None,
    client: str | None = None,
) -> Vehicle:
    """A disabled vehicle is left out of every plan made from now on (routes already
    published stay as they are); it is enabled again only at an active depot."""
    vehicle = vehicle_by_ref(session, ref)
    if active and not vehicle.active:
        depot = session.get(Place, vehicle.depot_id)
        if depot is not None and not depot.active:
            raise UserError("depot_inactive", place_key=depot.key)
    vehicle.active = active
    session.add(vehicle)
    audit.record(
        session, "update", "vehicle", vehicle.id, actor=actor, client=client, fields=("active",)
    )
    return vehicle


def list_vehicles(session: Session) -> list[Vehicle]:
    return list(session.exec(select(Vehicle).order_by(Vehicle.name)))
