"""The data model. Times are stored in UTC; pages show them in the region's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import Column, DateTime, Index, Text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints, so that later migrations can alter them on SQLite and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


M = TypeVar("M", bound=SQLModel)


def with_defaults(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    """The values given, and the model's defaults for the other fields that have one."""
    row = {
        name: field.get_default(call_default_factory=True)
        for name, field in model.model_fields.items()
        if name not in values and not field.is_required()
    }
    row.update(values)
    return row


def as_stored(model: type[M], values: dict[str, Any]) -> M:
    """A detached instance of a stored row, as a query would have returned it.

    For rows written by a Core statement (the hot intake path) or remembered between
    requests: SQLModel's constructor sets each field through SQLAlchemy's instrumentation,
    ten times the cost of this. Fields not given take the model's defaults, or are left
    unloaded when they have none (reading one then needs a session, as with a deferred
    column). Values are not validated: they must be what the database holds, the row's
    primary key included.
    """
    row = with_defaults(model, values)
    obj = model._sa_class_manager.new_instance()  # __new__ and SQLAlchemy's state, no __init__
    obj.__dict__.update(row)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    make_transient_to_detached(obj)
    return obj


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite drops the zone; this restores it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; store UTC-aware datetimes")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _ts(*, now: bool = True, index: bool = False) -> Field:
    """A timezone-aware UTC timestamp column; `now` fills it at creation, else it may be null."""
    column = Column(UTCDateTime(), nullable=not now, index=index)
    if now:
        return Field(default_factory=utcnow, sa_column=column)
    return Field(default=None, sa_column=column)


def _enum(kind: type[Enum], **kw) -> Field:
    """Store an enum by its value in a plain string column (no native DB enum to migrate)."""
    sa_type = SAEnum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )
    return Field(sa_type=sa_type, **kw)


class Role(str, Enum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    OFFICER = "officer"
    DRIVER = "driver"


class PlaceKind(str, Enum):
    DEPOT = "depot"
    SAFE_HOUSE = "safe_house"
    HOSPITAL = "hospital"
    POLICE = "police"
    HEALTH = "health"
    OTHER = "other"


class RequestKind(str, Enum):
    SAFE_HOUSE = "safe_house"  # jemput ke Rumah Aman
    MEDICAL = "medical"  # antar visum
    POLICE = "police"  # antar lapor polisi
    VISIT = "visit"  # kunjungan pendampingan
    RETURN_HOME = "return_home"  # antar pulang


class Urgency(str, Enum):
    DARURAT = "darurat"
    SEGERA = "segera"
    TERJADWAL = "terjadwal"


class RequestStatus(str, Enum):
    NEW = "new"
    TRIAGED = "triaged"
    PLANNED = "planned"
    DISPATCHED = "dispatched"
    ARRIVED = "arrived"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Precision(str, Enum):
    GPS = "gps"
    VILLAGE = "village"
    KECAMATAN = "kecamatan"
    REGENCY = "regency"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=64)
    full_name: str = Field(default="", max_length=120)
    password_hash: str
    role: Role = _enum(Role)
    district_code: str | None = Field(default=None, foreign_key="district.code")
    active: bool = True
    created_at: datetime = _ts()


class District(SQLModel, table=True):
    """A kecamatan; its point is the administrative centre."""

    code: str = Field(primary_key=True, max_length=8)
    name: str = Field(max_length=120)
    lat: float | None = None
    lon: float | None = None
    point_source: str = Field(default="", max_length=200)


class Village(SQLModel, table=True):
    """A desa or kelurahan (Kepmendagri codes, 64.02.XX.YYYY)."""

    code: str = Field(primary_key=True, max_length=13)
    name: str = Field(index=True, max_length=120)
    district_code: str = Field(foreign_key="district.code", index=True)
    lat: float | None = None
    lon: float | None = None
    point_source: str = Field(default="", max_length=200)


class Place(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=64)
    kind: PlaceKind = _enum(PlaceKind)
    name: str = Field(max_length=120)  # internal name, office only
    public_label: str = Field(max_length=120)  # shown to drivers and on printed sheets
    lat: float
    lon: float
    address: str = Field(default="", max_length=300)
    confidential: bool = False
    active: bool = True


class Vehicle(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    plate: str = Field(default="", max_length=20)
    kind: str = Field(default="car", max_length=16)
    seats: int = 5
    depot_id: int = Field(foreign_key="place.id")
    shift_start: str = Field(default="07:30", max_length=5)  # local time HH:MM
    shift_end: str = Field(default="16:00", max_length=5)
    skills: str = Field(default="", max_length=200)  # comma separated: wheelchair,female_staff
    active: bool = True


class Request(SQLModel, table=True):
    """A pickup, escort or visit request. Personal fields are erased after retention."""

    # The duplicate check at intake (same phone and village within 24 hours) reads this
    # index alone; by the village alone it read the village's whole history every time.
    __table_args__ = (
        Index("ix_request_duplicate_check", "contact_phone", "village_code", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True, max_length=24)
    kind: RequestKind = _enum(RequestKind)
    urgency: Urgency = _enum(Urgency, index=True)
    status: RequestStatus = _enum(RequestStatus, default=RequestStatus.NEW, index=True)
    verified: bool = True  # False for the public "minta bantuan" form
    village_code: str | None = Field(default=None, foreign_key="village.code", index=True)
    district_code: str | None = Field(default=None, foreign_key="district.code", index=True)
    address: str = Field(default="", max_length=300)
    landmark: str = Field(default="", max_length=200)
    lat: float | None = None
    lon: float | None = None
    precision: Precision | None = _enum(Precision, default=None, nullable=True)
    location_source: str = Field(default="", max_length=60)
    location_confirmed: bool = False
    location_flag: str = Field(default="", max_length=40)  # e.g. outside_region (officer insisted)
    destination_id: int | None = Field(default=None, foreign_key="place.id")
    adults: int = 1
    children: int = 0
    needs_wheelchair: bool = False
    needs_infant_seat: bool = False
    needs_female_staff: bool = False
    available_date: date | None = Field(default=None, index=True)
    window_start: str | None = Field(default=None, max_length=5)  # local HH:MM
    window_end: str | None = Field(default=None, max_length=5)
    onsite_minutes: int = 15
    contact_phone: str = Field(default="", max_length=20)
    # Sensitive: shown only to the dispatcher and the submitting officer, audited on view.
    survivor_name: str = Field(default="", max_length=120)
    notes: str = Field(default="", max_length=2000)
    safe_contact: str = Field(default="", max_length=300)  # how to reach them safely
    duplicate_of: int | None = Field(default=None, foreign_key="request.id")
    # Intake flags a likely duplicate; only one a dispatcher confirmed stays out of planning.
    duplicate_confirmed: bool = False
    created_by: int | None = Field(default=None, foreign_key="user.id")
    idempotency_key: str | None = Field(default=None, unique=True, max_length=80)
    version: int = 1
    created_at: datetime = _ts(index=True)
    updated_at: datetime = _ts()
    closed_at: datetime | None = _ts(now=False)
    erased_at: datetime | None = _ts(now=False)


class RequestEvent(SQLModel, table=True):
    """History of status changes: who and when."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    from_status: RequestStatus | None = _enum(RequestStatus, default=None, nullable=True)
    to_status: RequestStatus = _enum(RequestStatus)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = _ts()
    note: str = Field(default="", max_length=300)


class AuditLog(SQLModel, table=True):
    """Who did what to which record, when, from where. Never personal data values."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=40)  # create, update, delete, login, login_failed, view...
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=40)
    client: str | None = Field(default=None, max_length=64)
    fields: str = Field(default="", max_length=400)  # names of the fields touched, no values


class WebSession(SQLModel, table=True):
    """Server-side page session; the cookie holds only a random id."""

    __tablename__ = "web_session"
    id: str = Field(primary_key=True, max_length=64)  # sha256 of the cookie value
    user_id: int = Field(foreign_key="user.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: str = Field(primary_key=True, max_length=64)  # sha256 of the bearer token
    user_id: int = Field(foreign_key="user.id", index=True)
    expires_at: datetime = _ts()


class Counter(SQLModel, table=True):
    """The day's numbering of reference codes (KKR-20261128-0042): on SQLite the count so
    far (`ref:` keys), on PostgreSQL the day's base in its sequence (`base:` keys)."""

    key: str = Field(primary_key=True, max_length=40)
    value: int = 0


class PlanStatus(str, Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class DayPlan(SQLModel, table=True):
    """A plan for one day: drafts while the dispatcher works, numbered versions once published.

    `body` is the planner's JSON (routing.serialize) plus the request each task stands for.
    """

    __tablename__ = "day_plan"
    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    status: PlanStatus = _enum(PlanStatus, default=PlanStatus.DRAFT, index=True)
    version: int = 0  # published version number of the day (1, 2, ...); 0 for a draft
    body: str = Field(default="{}", sa_type=Text)
    solve_seconds: float = 0.0
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts()
    published_at: datetime | None = _ts(now=False)


class DayState(SQLModel, table=True):
    """Per-day edit counter: every lock, move or re-plan bumps it (no silent overwrites)."""

    __tablename__ = "day_state"
    day: date = Field(primary_key=True)
    version: int = 0
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = _ts()


class Assignment(SQLModel, table=True):
    """A dispatcher's instruction for a request on a day: lock to a vehicle or leave out."""

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    vehicle_id: int | None = Field(default=None, foreign_key="vehicle.id")
    excluded: bool = False


class DriverLink(SQLModel, table=True):
    """A driver's link to one vehicle's route of a published plan; expires at shift end."""

    __tablename__ = "driver_link"
    id: str = Field(primary_key=True, max_length=64)  # sha256 of the token in the URL
    plan_id: int = Field(foreign_key="day_plan.id", index=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    expires_at: datetime = _ts()
    # who drives the car on this route, chosen at publishing (None: not said)
    driver_id: int | None = Field(default=None, foreign_key="user.id", index=True)


class StopEvent(SQLModel, table=True):
    """What a driver reported at a stop. `client_id` makes each report count exactly once."""

    __tablename__ = "stop_event"
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(unique=True, max_length=80)
    plan_id: int = Field(foreign_key="day_plan.id", index=True)
    vehicle_id: int = Field(foreign_key="vehicle.id")
    request_id: int = Field(foreign_key="request.id", index=True)
    stop_kind: str = Field(max_length=10)  # pickup, delivery, visit
    status: str = Field(max_length=10)  # arrived, done, failed
    reason: str = Field(default="", max_length=200)
    passengers: int | None = None
    happened_at: datetime = _ts()  # on the phone, when the driver tapped
    received_at: datetime = _ts()
