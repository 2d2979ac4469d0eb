"""Request intake, lifecycle and visibility: the rules officers and dispatchers live by."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from cachetools import TTLCache
from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import (
    String,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal_column,
    or_,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dispatch import audit
from dispatch.config import Settings
from dispatch.errors import Conflict, NotFound, UserError
from dispatch.models import (
    AuditLog,
    District,
    Place,
    PlaceKind,
    Precision,
    Request,
    RequestEvent,
    RequestKind,
    RequestStatus,
    Role,
    Urgency,
    User,
    Village,
    as_stored,
    utcnow,
    with_defaults,
)
from dispatch.services import sequences
from dispatch.services.phones import normalise_phone

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
SENSITIVE = ("survivor_name", "notes", "safe_contact", "contact_phone", "address", "landmark")

# Where each kind of transport takes the passengers (a visit stays in the village).
DESTINATION_KIND = {
    RequestKind.SAFE_HOUSE: PlaceKind.SAFE_HOUSE,
    RequestKind.MEDICAL: PlaceKind.HOSPITAL,
    RequestKind.POLICE: PlaceKind.POLICE,
    RequestKind.RETURN_HOME: PlaceKind.SAFE_HOUSE,  # picked up there, taken home
}
DEFAULT_ONSITE = {RequestKind.VISIT: 60}

OPEN = {
    RequestStatus.NEW,
    RequestStatus.TRIAGED,
    RequestStatus.PLANNED,
    RequestStatus.DISPATCHED,
    RequestStatus.ARRIVED,
    RequestStatus.FAILED,
}
TRANSITIONS: dict[RequestStatus, set[RequestStatus]] = {
    RequestStatus.NEW: {RequestStatus.TRIAGED, RequestStatus.CANCELLED},
    RequestStatus.TRIAGED: {RequestStatus.PLANNED, RequestStatus.CANCELLED},
    RequestStatus.PLANNED: {
        RequestStatus.DISPATCHED,
        RequestStatus.TRIAGED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.DISPATCHED: {
        RequestStatus.ARRIVED,
        RequestStatus.DONE,
        RequestStatus.FAILED,
        RequestStatus.TRIAGED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.ARRIVED: {
        RequestStatus.DONE,
        RequestStatus.FAILED,
        RequestStatus.TRIAGED,  # back to the queue: the day closed, or a new version left it out
        RequestStatus.CANCELLED,
    },
    RequestStatus.FAILED: {RequestStatus.TRIAGED, RequestStatus.CANCELLED},  # re-queue
    RequestStatus.DONE: set(),
    RequestStatus.CANCELLED: set(),
}
CLOSED = {RequestStatus.DONE, RequestStatus.CANCELLED}


class RequestIn(BaseModel):
    """What an officer (form or API) submits."""

    kind: RequestKind
    urgency: Urgency
    village_code: str | None = Field(default=None, max_length=13)
    village: str = Field(default="", max_length=120, description="Village name, if no code")
    district_code: str | None = Field(default=None, max_length=8)
    address: str = Field(default="", max_length=300)
    landmark: str = Field(default="", max_length=200)
    location: str = Field(
        default="", max_length=500, description="GPS text, a map link, a geo: URI or a Plus Code"
    )
    confirm_outside: bool = False
    adults: int = Field(default=1, ge=0, le=20)
    children: int = Field(default=0, ge=0, le=20)
    needs_wheelchair: bool = False
    needs_infant_seat: bool = False
    needs_female_staff: bool = False
    available_date: date | None = None
    window_start: str | None = Field(default=None, pattern=HHMM)
    window_end: str | None = Field(default=None, pattern=HHMM)
    onsite_minutes: int | None = Field(default=None, ge=0, le=480)
    contact_phone: str = Field(max_length=30)
    survivor_name: str = Field(default="", max_length=120)
    notes: str = Field(default="", max_length=2000)
    safe_contact: str = Field(default="", max_length=300)
    destination: str | None = Field(default=None, max_length=64, description="Place key")

    @field_validator(
        "window_start", "window_end", "village_code", "district_code", "destination", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @model_validator(mode="after")
    def _coherent(self) -> RequestIn:
        # The error types are message keys of dispatch/i18n.py (see dispatch/validation.py).
        if self.window_start and self.window_end and self.window_end <= self.window_start:
            raise PydanticCustomError("window_invalid", "window_end must be after window_start")
        if self.kind != RequestKind.VISIT and self.adults + self.children == 0:
            raise PydanticCustomError(
                "passengers_required", "a transport needs at least one passenger"
            )
        return self


def latest_date(today: date) -> date:
    """The furthest day a request may be set for: one year from today."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def check_date(day: date, today: date) -> None:
    """A request's day is today or later, and at most a year ahead (no typo like 9999)."""
    if day < today:
        raise UserError("date_past", date=day.isoformat())
    if day > latest_date(today):
        raise UserError("date_too_far", date=day.isoformat(), latest=latest_date(today).isoformat())


@dataclass
class Located:
    village_code: str | None
    district_code: str | None
    lat: float | None
    lon: float | None
    precision: Precision | None
    source: str
    flag: str = ""


def _candidates_out(cands) -> list[dict]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "district_code": c.district_code,
            "score": round(c.score, 1),
        }
        for c in cands[:5]
    ]


def locate(data: RequestIn, settings: Settings) -> Located:
    """Village, point and precision of a request, from what the officer gave.

    Answered from the geocoder's in-memory gazetteer (the database's points are loaded into
    it), so intake costs no lookups of reference data.
    """
    from dispatch import geocoding

    gazetteer = geocoding.get_default().gazetteer
    place = None  # a village or kecamatan Candidate
    if data.village_code:
        place = gazetteer.candidate(data.village_code)
        if place is None or place.level != "village":
            cands = geocoding.resolve(data.village or data.village_code, data.district_code)
            raise UserError(
                "village_unknown", code=data.village_code, candidates=_candidates_out(cands)
            )
    elif data.village.strip():
        cands = geocoding.resolve(data.village, data.district_code)
        best = [c for c in cands if c.level == "village"]
        clear = (
            best and best[0].score >= 85 and (len(best) == 1 or best[0].score - best[1].score >= 5)
        )
        if not clear:
            # several villages fit as well (a shared name): "not known" would mislead
            shared = len(best) > 1 and best[1].score >= 85
            raise UserError(
                "village_ambiguous" if shared else "village_unknown",
                code=data.village,
                candidates=_candidates_out(cands),
            )
        place = best[0]
    elif data.district_code:
        place = gazetteer.candidate(data.district_code)
        if place is None or place.level != "kecamatan":
            raise UserError("district_unknown", code=data.district_code)
    village_code = place.code if place is not None and place.level == "village" else None
    district_code = place.district_code if place is not None else None

    if data.location.strip():
        gps = geocoding.parse_coordinates(data.location)
        if gps is None:
            raise UserError("location_unreadable")
        lat, lon = gps
        # the point's village (by the boundaries) and the flags: outside_region,
        # far_from_village, region_approximate (see geocoding.Geocoder.check_point)
        at = geocoding.check_point(lat, lon, village_code or district_code)
        if not at.inside and not data.confirm_outside:
            raise UserError(
                "location_outside",
                lat=round(lat, 5),
                lon=round(lon, 5),
                region=settings.region.name,
            )
        return Located(at.village_code, at.district_code, lat, lon, Precision.GPS, "gps", at.flag)
    if place is None or place.lat is None:
        raise UserError("village_required")
    return Located(
        village_code,
        district_code,
        place.lat,
        place.lon,
        Precision(place.precision),
        place.source[:60],
    )


_DESTINATIONS: TTLCache[PlaceKind, int] = TTLCache(maxsize=16, ttl=60.0)  # kind -> place id
_DESTINATIONS_LOCK = threading.Lock()  # cachetools' caches are not thread-safe on their own


def forget_destinations() -> None:
    """Called when places change; other workers see the change within the TTL."""
    with _DESTINATIONS_LOCK:
        _DESTINATIONS.clear()


def _destination(session: Session, kind: RequestKind, named: str | None = None) -> int | None:
    """The place a transport of this kind goes to: the one named, else the kind's first."""
    kind = DESTINATION_KIND.get(kind)
    if kind is None:
        return None
    if named:
        place = session.exec(select(Place).where(Place.key == named)).first()
        if place is None or place.kind != kind or not place.active:  # a disabled place: no
            raise UserError("destination_invalid", kind=kind.value)
        return place.id
    with _DESTINATIONS_LOCK:
        cached = _DESTINATIONS.get(kind)
    if cached is not None:
        return cached
    q = select(Place.id).where(Place.kind == kind, Place.active == True)  # noqa: E712
    place_id = session.exec(q.order_by(Place.id)).first()
    if place_id is None:
        raise UserError("destination_missing", kind=kind.value)
    with _DESTINATIONS_LOCK:
        _DESTINATIONS[kind] = place_id
    return place_id


def _scoped_key(actor: User | None, key: str | None) -> str | None:
    if not key:
        return None
    if not re.fullmatch(r"[\x21-\x7e]{8,200}", key):
        raise UserError("idempotency_key_invalid")
    owner = str(actor.id) if actor else "public"
    return hashlib.sha256(f"{owner}:{key}".encode()).hexdigest()


def submit_request(
    session: Session,
    data: RequestIn,
    settings: Settings,
    *,
    actor: User | None,
    idempotency_key: str | None = None,
    client: str | None = None,
    verified: bool = True,
) -> tuple[Request, bool]:
    """Store a new request and commit. Returns (request, created).

    A retry with the same idempotency key returns the first request and creates nothing.
    """
    key = _scoped_key(actor, idempotency_key)
    # A retried key is found by the unique index at insert time (below): no lookup first.
    phone = normalise_phone(data.contact_phone) if data.contact_phone.strip() else ""
    if verified and not phone:
        raise UserError("phone_required")
    where = locate(data, settings)
    destination_id = _destination(session, data.kind, data.destination)
    now = utcnow()
    today = now.astimezone(settings.region.tz).date()
    available = data.available_date
    if available is None:
        if data.urgency == Urgency.TERJADWAL:
            raise UserError("date_required")
        available = today
    else:
        check_date(available, today)
    values = {
        "kind": data.kind,
        "urgency": data.urgency,
        "verified": verified,
        "village_code": where.village_code,
        "district_code": where.district_code,
        "address": data.address.strip(),
        "landmark": data.landmark.strip(),
        "lat": where.lat,
        "lon": where.lon,
        "precision": where.precision,
        "location_source": where.source[:60],
        "location_flag": where.flag,
        "destination_id": destination_id,
        "adults": data.adults,
        "children": data.children,
        "needs_wheelchair": data.needs_wheelchair,
        "needs_infant_seat": data.needs_infant_seat,
        "needs_female_staff": data.needs_female_staff,
        "available_date": available,
        "window_start": data.window_start,
        "window_end": data.window_end,
        "onsite_minutes": (
            data.onsite_minutes
            if data.onsite_minutes is not None
            else DEFAULT_ONSITE.get(data.kind, 15)
        ),
        "contact_phone": phone,
        "survivor_name": data.survivor_name.strip(),
        "notes": data.notes.strip(),
        "safe_contact": data.safe_contact.strip(),
        "created_by": actor.id if actor else None,
        "idempotency_key": key,
        "created_at": now,
        "updated_at": now,
    }
    trail = audit.entry(
        "create",
        "request",
        actor=actor,
        client=client,
        fields=[f for f in RequestIn.model_fields if getattr(data, f, None)],
    ) | {"at": now}  # the moment the request was stored, as its history says
    day = now.astimezone(settings.region.tz).strftime("%Y%m%d")
    try:
        req = _insert(session, values, trail, f"{settings.region.reference_prefix}-{day}-", day)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if not (key and "idempotency_key" in str(exc.orig)):
            raise
        req = None  # SQLite: the same key raced in (PostgreSQL's statement skips it)
    if req is None:  # a retry, or the same submission raced in on another connection
        existing = session.exec(select(Request).where(Request.idempotency_key == key)).first()
        if existing is None:
            raise Conflict("idempotency_key_race")
        return existing, False
    return req, True


_R, _E, _A = Request.__table__, RequestEvent.__table__, AuditLog.__table__


def _columns(table, *skip: str) -> list[str]:
    return [c.key for c in table.columns if c.key not in ("id", *skip)]


_REQUEST_COLUMNS = _columns(_R, "duplicate_confirmed")  # bound at intake


def _insert_statements():
    """The intake statements, built once (their compiled form is then cached by SQLAlchemy
    without working out a cache key from a fresh statement on every call)."""
    dup = (
        select(_R.c.id)
        .where(
            _R.c.village_code == bindparam("village_code"),
            _R.c.contact_phone == bindparam("contact_phone"),
            _R.c.created_at >= bindparam("dup_since", type_=_R.c.created_at.type),
            _R.c.status != RequestStatus.CANCELLED,
        )
        .order_by(_R.c.id)
        .limit(1)
        .scalar_subquery()
    )
    out = {}
    for check in (True, False):
        row = {k: bindparam(k, type_=_R.c[k].type) for k in _REQUEST_COLUMNS}
        row["duplicate_of"] = dup if check else None
        row["duplicate_confirmed"] = false()  # intake only flags; a dispatcher confirms
        # SQLite: the reference is bound; PostgreSQL: the statement draws its number.
        ins = _R.insert().values(row).returning(_R.c.id, _R.c.duplicate_of)
        # A resent key inserts nothing (nor history, nor audit) and returns no row: the
        # unique index meets it and DO NOTHING spares the database an error to log and the
        # driver one to raise. Its key is looked for first so that it draws no reference
        # number either (the number's subquery runs only in the CASE branch that needs it;
        # the placeholder is never stored, the row being skipped).
        key_taken = exists().where(_R.c.idempotency_key == row["idempotency_key"])
        numbered = {
            **row,
            "reference": case((key_taken, literal_column("''")), else_=sequences.day_number()),
        }
        new = (
            pg_insert(_R)
            .values(numbered)
            .on_conflict_do_nothing(index_elements=[_R.c.idempotency_key])
            .returning(_R.c.id, _R.c.duplicate_of, _R.c.reference, _R.c.created_by, _R.c.created_at)
            .cte("new_request")
        )
        # The history and audit rows take what they share with the request from it: fewer
        # bound values (at most 50 lets psycopg keep the converted statement, not re-parse it).
        from_new = {"request_id": new.c.id, "actor_id": new.c.created_by, "at": new.c.created_at}
        ev = _E.insert().from_select(
            _columns(_E),
            select(
                *(from_new.get(k, bindparam(f"ev_{k}", type_=_E.c[k].type)) for k in _columns(_E))
            ),
        )
        from_new = {"entity_id": cast(new.c.id, String), **from_new}
        au = _A.insert().from_select(
            _columns(_A),
            select(
                *(from_new.get(k, bindparam(f"au_{k}", type_=_A.c[k].type)) for k in _columns(_A))
            ),
        )
        out[check] = (
            ins,
            select(new.c.id, new.c.duplicate_of, new.c.reference).add_cte(
                ev.cte("ev"), au.cte("au")
            ),
        )
    return out


_INSERTS = _insert_statements()


def _insert(
    session: Session, values: dict, trail: dict, ref_prefix: str, day: str
) -> Request | None:
    """Insert the request, its first history event and its audit row; return the request,
    or None on PostgreSQL when a request with the same idempotency key is stored already.

    Core statements, not the ORM's unit of work. On PostgreSQL it is one statement (the
    event and audit rows are written by CTEs from the request's new id), sent in autocommit
    when the session has nothing else under way: one statement is atomic on its own, so the
    BEGIN and COMMIT round trips would add nothing. The earlier open request for the same
    village and phone within 24 h is found by a subquery of that same statement, and the
    reference's number is drawn by it too (see `sequences`). The request is then attached
    to the session as a stored object, as a flush would have left it.
    """
    row = with_defaults(Request, values)
    check = row["village_code"] is not None and bool(row["contact_phone"])
    ins, combined = _INSERTS[check]
    params = {k: row.get(k) for k in _REQUEST_COLUMNS}
    params["dup_since"] = row["created_at"] - timedelta(hours=24)
    event = {
        "from_status": None,
        "to_status": RequestStatus.NEW,
        "actor_id": row["created_by"],
        "at": row["created_at"],
        "note": "",
    }
    if session.get_bind().dialect.name == "postgresql":
        alone = not session.in_transaction()
        conn = session.connection(
            execution_options={"isolation_level": "AUTOCOMMIT"} if alone else None
        )
        params.update({f"ev_{k}": event[k] for k in ("from_status", "to_status", "note")})
        params.update({f"au_{k}": trail[k] for k in ("action", "entity", "client", "fields")})
        params["ref_prefix"] = ref_prefix
        params["ref_base"] = sequences.day_base(conn, f"base:{day}", autocommit=alone)
        stored = conn.execute(combined, params).first()
        if stored is None:
            return None
        rid, dup, reference = stored
    else:
        if (
            row["idempotency_key"]
            and session.exec(
                select(Request.id).where(Request.idempotency_key == row["idempotency_key"])
            ).first()
        ):
            return None  # resent: no number drawn for it
        reference = f"{ref_prefix}{sequences.next_value(session, f'ref:{day}'):04d}"
        params["reference"] = reference
        conn = session.connection()
        rid, dup = conn.execute(ins, params).one()
        conn.execute(_E.insert().values(request_id=rid, **event))
        conn.execute(_A.insert().values({**trail, "entity_id": str(rid)[:40]}))
    req = as_stored(Request, {**row, "id": rid, "duplicate_of": dup, "reference": reference})
    session.add(req)
    return req


# ---- who sees what ------------------------------------------------------------------------


def visible(query, user: User):
    """Limit a request query to what the user's role may see."""
    if user.role == Role.DISPATCHER:
        return query
    if user.role == Role.OFFICER:
        conds = [Request.created_by == user.id]
        if user.district_code:
            conds.append(Request.district_code == user.district_code)
        return query.where(or_(*conds))
    return query.where(Request.id == -1)


def get_visible(session: Session, reference: str, user: User) -> Request:
    req = session.exec(visible(select(Request), user).where(Request.reference == reference)).first()
    if req is None:  # unseen and absent look the same: no existence leak
        raise NotFound("request_not_found", reference=reference[:30])
    return req


def list_visible(
    session: Session,
    user: User,
    *,
    status: list[RequestStatus] | None = None,
    urgency: Urgency | None = None,
    district: str | None = None,
    on_date: date | None = None,
    limit: int = 200,
) -> list[Request]:
    q = visible(select(Request), user)
    if status:
        q = q.where(Request.status.in_(status))
    if urgency:
        q = q.where(Request.urgency == urgency)
    if district:
        q = q.where(Request.district_code == district)
    if on_date:
        q = q.where(Request.available_date <= on_date)
    urgency_rank = case({"darurat": 0, "segera": 1, "terjadwal": 2}, value=Request.urgency)
    return list(session.exec(q.order_by(urgency_rank, Request.created_at).limit(limit)))


def record_view(session: Session, req: Request, user: User, client: str | None) -> None:
    """Opening a request's sensitive details is audited (which fields, never the values)."""
    audit.record(session, "view", "request", req.id, actor=user, client=client, fields=SENSITIVE)


# ---- lifecycle ----------------------------------------------------------------------------


def change_status(
    session: Session,
    req: Request,
    to: RequestStatus,
    *,
    actor: User | None,
    note: str = "",
    expected_version: int | None = None,
    client: str | None = None,
) -> Request:
    if expected_version is not None and expected_version != req.version:
        raise Conflict("request_changed", reference=req.reference)
    if to not in TRANSITIONS[req.status]:
        raise Conflict("transition_invalid", frm=req.status.value, to=to.value)
    officer = actor is not None and actor.role == Role.OFFICER
    if officer and (
        to != RequestStatus.CANCELLED
        or req.status not in (RequestStatus.NEW, RequestStatus.TRIAGED)
    ):
        raise UserError("officer_may_only_cancel")
    now = utcnow()
    session.add(
        RequestEvent(
            request_id=req.id,
            from_status=req.status,
            to_status=to,
            actor_id=actor.id if actor else None,
            at=now,
            note=note[:300],
        )
    )
    req.status = to
    req.version += 1
    req.updated_at = now
    if to in CLOSED:
        req.closed_at = now
    session.add(req)
    audit.record(
        session, "update", "request", req.id, actor=actor, client=client, fields=("status",)
    )
    return req


def history(session: Session, req: Request) -> list[RequestEvent]:
    return list(
        session.exec(
            select(RequestEvent).where(RequestEvent.request_id == req.id).order_by(RequestEvent.id)
        )
    )


class TriageIn(BaseModel):
    """A dispatcher's corrections; `version` must match the request's (no silent overwrite).

    A field left out (or null) stays as it is; "" clears the time window's ends, and gives
    the date back to "from today" (as a request sent without one).
    """

    version: int
    urgency: Urgency | None = None
    kind: RequestKind | None = None
    village_code: str | None = Field(
        default=None, max_length=13, description="The village (its kecamatan follows)"
    )
    location: str | None = Field(default=None, max_length=500)
    location_confirmed: bool | None = None
    available_date: date | Literal[""] | None = None
    window_start: str | None = Field(default=None, pattern=f"{HHMM}|^$")
    window_end: str | None = Field(default=None, pattern=f"{HHMM}|^$")
    onsite_minutes: int | None = Field(default=None, ge=0, le=480)
    duplicate_of: str | None = Field(
        default=None, max_length=24, description='Reference; "" when it is not a duplicate'
    )
    duplicate_confirmed: bool | None = Field(
        default=None, description="A confirmed duplicate is not planned; a likely one is"
    )
    verified: bool | None = None


def triage(
    session: Session,
    req: Request,
    data: TriageIn,
    settings: Settings,
    *,
    actor: User,
    client: str | None = None,
) -> Request:
    from dispatch import geocoding

    if data.version != req.version:
        raise Conflict("request_changed", reference=req.reference)
    if req.status in CLOSED:
        raise Conflict("request_closed", reference=req.reference, state=req.status.value)
    today = utcnow().astimezone(settings.region.tz).date()
    day = data.available_date
    if day == "":  # no date: available from today, as a request sent without one
        if (data.urgency or req.urgency) == Urgency.TERJADWAL:
            raise UserError("date_required")
        day = today
    if day is not None and day != req.available_date:
        check_date(day, today)
    old_kind = req.kind
    # the time on site follows a new kind unless someone sets it (the page sends it as is)
    onsite_kept = data.onsite_minutes in (None, req.onsite_minutes)
    wanted = {
        "urgency": data.urgency,
        "kind": data.kind,
        "available_date": day,
        "onsite_minutes": data.onsite_minutes,
        "verified": data.verified,
    }
    changed = []
    for name, value in wanted.items():
        if value is not None and value != getattr(req, name):
            setattr(req, name, value)
            changed.append(name)
    for name in ("window_start", "window_end"):  # "" clears
        value = getattr(data, name)
        if value is not None and (value or None) != getattr(req, name):
            setattr(req, name, value or None)
            changed.append(name)
    if (req.window_start and req.window_end) and req.window_end <= req.window_start:
        raise UserError("window_invalid")
    if (
        "kind" in changed and onsite_kept and req.onsite_minutes == DEFAULT_ONSITE.get(old_kind, 15)
    ):  # the new kind's usual time on site, unless it had been set to something else
        new_onsite = DEFAULT_ONSITE.get(req.kind, 15)
        if new_onsite != req.onsite_minutes:
            req.onsite_minutes = new_onsite
            changed.append("onsite_minutes")
    if "kind" in changed:  # a transport goes where its new kind goes
        place = session.get(Place, req.destination_id) if req.destination_id else None
        if place is None or place.kind != DESTINATION_KIND.get(req.kind):
            req.destination_id = _destination(session, req.kind)
            changed.append("destination")
    if data.village_code and data.village_code != req.village_code:
        # As at intake: the gazetteer's village, its kecamatan, its point and how precise.
        place = geocoding.get_default().gazetteer.candidate(data.village_code)
        if place is None or place.level != "village":
            raise UserError("village_unknown", code=data.village_code, candidates=[])
        if req.district_code != place.district_code:
            changed.append("district_code")
        req.village_code, req.district_code = place.code, place.district_code
        changed.append("village_code")
        # A GPS point inside the region stays (it is where the person is); a point the
        # officer sent from outside the region, or a village's or kecamatan's, is replaced.
        if req.precision != Precision.GPS or req.location_flag == "outside_region":
            if place.lat is None:
                raise UserError("village_required")
            req.lat, req.lon = place.lat, place.lon
            req.precision = Precision(place.precision)
            req.location_source, req.location_flag = place.source[:60], ""
            changed.append("location")
    if data.location:
        gps = geocoding.parse_coordinates(data.location)
        if gps is None:
            raise UserError("location_unreadable")
        if not geocoding.inside_region(*gps):
            raise UserError(
                "location_outside",
                lat=round(gps[0], 5),
                lon=round(gps[1], 5),
                region=settings.region.name,
            )
        req.lat, req.lon = gps
        req.precision, req.location_source, req.location_flag = Precision.GPS, "dispatcher", ""
        changed.append("location")
    if data.duplicate_of == "" and req.duplicate_of is not None:
        req.duplicate_of, req.duplicate_confirmed = None, False
        changed.append("duplicate_of")
    elif data.duplicate_of:
        other = session.exec(select(Request).where(Request.reference == data.duplicate_of)).first()
        if other is None or other.id == req.id:
            raise UserError("duplicate_invalid")
        if other.id != req.duplicate_of:
            # the dispatcher names the duplicate: confirmed, unless said otherwise below
            req.duplicate_of, req.duplicate_confirmed = other.id, True
            changed.append("duplicate_of")
    if (
        data.duplicate_confirmed is not None
        and req.duplicate_of is not None
        and data.duplicate_confirmed != req.duplicate_confirmed
    ):
        req.duplicate_confirmed = data.duplicate_confirmed
        changed.append("duplicate_confirmed")
    if data.location_confirmed is not None and data.location_confirmed != req.location_confirmed:
        req.location_confirmed = data.location_confirmed
        changed.append("location_confirmed")
    if changed:
        req.version += 1
        req.updated_at = utcnow()
        session.add(req)
        audit.record(
            session, "update", "request", req.id, actor=actor, client=client, fields=changed
        )
        if req.location_confirmed and req.precision == Precision.GPS and req.village_code:
            learn_village_point(session, req.village_code)
    return req


PIN_SOURCE = "confirmed GPS pins"


def learn_village_point(session: Session, code: str) -> None:
    """Confirmed GPS pins become the village's point, unless an imported point exists."""
    village = session.get(Village, code)
    if village is None or (
        village.point_source and not village.point_source.startswith(PIN_SOURCE)
    ):
        return
    session.flush()
    lat, lon, n = session.exec(
        select(func.avg(Request.lat), func.avg(Request.lon), func.count()).where(
            Request.village_code == code,
            Request.location_confirmed == True,  # noqa: E712
            Request.precision == Precision.GPS,
            Request.location_flag == "",
        )
    ).one()
    if n:
        from dispatch.services.points import refresh

        village.lat, village.lon = float(lat), float(lon)
        village.point_source = f"{PIN_SOURCE} ({n})"
        session.add(village)
        session.flush()
        refresh(session)


# ---- retention ----------------------------------------------------------------------------


def erase_expired(session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Erase personal data of requests closed longer ago than the retention period.

    Anonymous facts stay for statistics: kind, urgency, status, kecamatan, village, dates.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=settings.retention.closed_request_days)
    rows = session.exec(
        select(Request).where(
            Request.closed_at.is_not(None), Request.closed_at < cutoff, Request.erased_at.is_(None)
        )
    ).all()
    pinned = [r for r in rows if r.precision == Precision.GPS]
    _erase_plan_points(session, pinned)
    for req in rows:
        for name in SENSITIVE:
            setattr(req, name, "")
        req.idempotency_key = None
        if req.precision == Precision.GPS:  # a home's exact point is personal data too
            req.lat = req.lon = None
            req.precision = None
        req.erased_at = now
        session.add(req)
        audit.record(session, "erase", "request", req.id, fields=(*SENSITIVE, *FREE_TEXT))
    _erase_free_text(session)
    return len(rows)


def _erase_plan_points(session: Session, pinned: list[Request]) -> None:
    """Stored day plans keep each stop's point: an erased request's exact GPS point becomes
    its village's point (or its kecamatan's), so old plans still open on a map."""
    import json

    from dispatch.models import DayPlan

    if not pinned:
        return
    villages = {v.code: v for v in session.exec(select(Village))}
    districts = {d.code: d for d in session.exec(select(District))}
    coarse = {}
    for r in pinned:
        v = villages.get(r.village_code)
        point = v if v is not None and v.lat is not None else districts.get(r.district_code)
        coarse[f"request:{r.id}"] = (point.lat, point.lon) if point else (None, None)
    # A request is planned on its available date or later (a plan made before it was
    # cancelled may be for any later day).
    first = min(r.available_date for r in pinned)
    for plan in session.exec(select(DayPlan).where(DayPlan.day >= first)):
        body = json.loads(plan.body)
        hits = [loc for loc in body.get("locations", []) if loc[0] in coarse]
        for loc in hits:
            loc[1], loc[2] = coarse[loc[0]]
        if hits:
            plan.body = json.dumps(body)
            session.add(plan)


ERASED_TEXT = "(dihapus)"
FREE_TEXT = ("requestevent.note", "stop_event.reason")


def _erase_free_text(session: Session) -> None:
    """Blank what was written about erased requests elsewhere: status-change notes (a
    cancellation's why, a driver's failure reason) and the drivers' stop reports. The rows,
    statuses, times and actors stay for the statistics and the audit trail. Every erased
    request is covered, so text left by runs before this existed goes too."""
    from sqlalchemy import update

    from dispatch.models import StopEvent

    session.flush()  # this run's erased_at
    erased = select(Request.id).where(Request.erased_at.is_not(None))
    session.exec(
        update(RequestEvent)
        .where(RequestEvent.request_id.in_(erased), RequestEvent.note.not_in(("", ERASED_TEXT)))
        .values(note=ERASED_TEXT)
    )
    session.exec(
        update(StopEvent)
        .where(StopEvent.request_id.in_(erased), StopEvent.reason.not_in(("", ERASED_TEXT)))
        .values(reason=ERASED_TEXT)
    )
