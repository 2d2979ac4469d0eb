"""Monthly figures for the head of agency: anonymous counts, never personal data."""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from sqlmodel import Session, select

from dispatch.config import Settings
from dispatch.models import (
    DayPlan,
    District,
    Place,
    PlanStatus,
    Request,
    RequestEvent,
    RequestStatus,
    StopEvent,
    Vehicle,
)
from dispatch.services.planning import stop_point
from routing import Location


@dataclass
class MonthReport:
    month: str
    by_district: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    by_urgency: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    hours_to_done: list[float] = field(default_factory=list)
    km_driven: float = 0.0  # estimated from the drivers' reports (see km_reported)
    unserved: Counter = field(default_factory=Counter)  # reason -> count (last plan of each day)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours_to_done), 1) if self.hours_to_done else None

    @property
    def p90_hours(self) -> float | None:
        h = sorted(self.hours_to_done)
        if not h:
            return None
        return round(h[min(len(h) - 1, int(round(0.9 * (len(h) - 1))))], 1)


def month_bounds(month: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """The month as midnight to midnight in the region's time zone (settings.region.tz):
    a request made at 01:00 WITA on the 1st belongs to that month, not the one before."""
    start = date.fromisoformat(month + "-01")
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return (
        datetime.combine(start, datetime.min.time(), tz),
        datetime.combine(end, datetime.min.time(), tz),
    )


def km_reported(session: Session, first: date, after: date, travel) -> float:
    """Kilometres driven from `first` to before `after`, estimated from the drivers' reports:
    per vehicle and day, depot -> each reported stop (arrived, done or failed; every plan
    version of the day, in the order they happened) -> depot, legs from the travel model.
    A day without reports adds nothing."""
    rows = session.exec(
        select(StopEvent, DayPlan.day)
        .join(DayPlan, DayPlan.id == StopEvent.plan_id)
        .where(
            DayPlan.day >= first,
            DayPlan.day < after,
            StopEvent.status.in_(("arrived", "done", "failed")),
        )
        .order_by(StopEvent.happened_at, StopEvent.id)
    ).all()
    if not rows:
        return 0.0
    places = {p.id: p for p in session.exec(select(Place))}
    depots = {v.id: places.get(v.depot_id) for v in session.exec(select(Vehicle))}
    ids = {e.request_id for e, _day in rows}
    reqs = {r.id: r for r in session.exec(select(Request).where(Request.id.in_(ids)))}
    stored: dict[int, dict[str, list]] = {}  # plan -> its locations (points kept on erasure)
    trips: dict[tuple[date, int], list[Location]] = {}
    for e, day in rows:
        req, depot = reqs.get(e.request_id), depots.get(e.vehicle_id)
        point = stop_point(req, e.stop_kind, places) if req is not None else None
        if point is None or depot is None:
            continue
        key, lat, lon = point
        if lat is None:  # erased after retention: the village's point the plan kept
            if e.plan_id not in stored:
                body = json.loads(session.get(DayPlan, e.plan_id).body or "{}")
                stored[e.plan_id] = {k: [la, lo] for k, la, lo in body.get("locations", [])}
            lat, lon = stored[e.plan_id].get(key, (None, None))
            if lat is None:
                continue
        trip = trips.setdefault(
            (day, e.vehicle_id), [Location(f"place:{depot.id}", depot.lat, depot.lon)]
        )
        if trip[-1].id != key:  # the same point twice is no leg
            trip.append(Location(key, lat, lon))
    metres = 0
    for trip in trips.values():
        if trip[-1].id != trip[0].id:
            trip.append(trip[0])
        distances = travel.matrix(trip).distances
        metres += sum(distances[i][i + 1] for i in range(len(trip) - 1))
    return metres / 1000


def monthly(session: Session, month: str, settings: Settings) -> MonthReport:
    from dispatch.services.planning import load_body, travel_model

    tz = settings.region.tz
    start, end = month_bounds(month, tz)
    report = MonthReport(month)
    names = {d.code: d.name for d in session.exec(select(District))}
    rows = session.exec(
        select(Request).where(Request.created_at >= start, Request.created_at < end)
    ).all()
    done_at = dict(
        session.exec(
            select(RequestEvent.request_id, RequestEvent.at).where(
                RequestEvent.to_status == RequestStatus.DONE
            )
        ).all()
    )
    for r in rows:
        report.by_district[names.get(r.district_code, "—")] += 1
        report.by_kind[r.kind.value] += 1
        report.by_urgency[r.urgency.value] += 1
        report.by_status[r.status.value] += 1
        if r.id in done_at:
            report.hours_to_done.append((done_at[r.id] - r.created_at).total_seconds() / 3600)
    plans = session.exec(
        select(DayPlan).where(
            DayPlan.day >= start.date(),
            DayPlan.day < end.date(),
            DayPlan.status == PlanStatus.PUBLISHED,
        )
    ).all()
    for p in plans:
        plan, _body = load_body(p)
        for u in plan.unserved:
            report.unserved[u.reason.value] += 1
    travel = travel_model(settings)
    report.km_driven = round(km_reported(session, start.date(), end.date(), travel), 1)
    return report


# The catalogue key of each section's keys, for the CSV's readable label column.
_LABELS = {"by_kind": "req_", "by_urgency": "urg_", "by_status": "st_", "unserved": "why_"}


def to_csv(report: MonthReport, lang: str = "id") -> str:
    """Stable keys for spreadsheets and scripts, and a label a person reads, in `lang`."""
    from dispatch.i18n import translate

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["month", "section", "key", "label", "value"])
    for section in ("by_district", "by_kind", "by_urgency", "by_status", "unserved"):
        prefix = _LABELS.get(section)
        for key, value in sorted(getattr(report, section).items()):
            label = translate(prefix + key, lang) if prefix else key
            w.writerow([report.month, section, key, label, value])
    w.writerow([report.month, "total", "requests", translate("report_total", lang), report.total])
    for key, figure in (("median", report.median_hours), ("p90", report.p90_hours)):
        # no request done this month: empty, which a zero-hour median is not
        w.writerow(
            [
                report.month,
                "time_to_done_hours",
                key,
                translate(f"report_{key}_hours", lang),
                "" if figure is None else figure,
            ]
        )
    w.writerow(
        [
            report.month,
            "distance",
            "km_driven_estimated_from_drivers_reports",
            translate("report_km", lang),
            report.km_driven,
        ]
    )
    return out.getvalue()


@dataclass
class DaySummary:
    """The day at a glance for the dispatcher: the published plan against what happened."""

    version: int
    on_routes: int  # requests on the published routes
    done: int
    failed: int
    cancelled: int
    unfinished: int  # neither done, failed nor cancelled (after closing: back in the queue)
    unserved: int  # left off the routes, with their reasons on the plan
    km_planned: float
    km_reported: float


def day_summary(session: Session, day: date, settings: Settings) -> DaySummary | None:
    from dispatch.services.planning import latest, load_body, travel_model

    published = latest(session, day, PlanStatus.PUBLISHED)
    if published is None:
        return None
    plan, body = load_body(published)
    on_routes = {t for r in plan.routes for t in r.tasks}
    ids = [body["tasks"][t] for t in on_routes if t in body["tasks"]]
    statuses = Counter(
        session.exec(select(Request.status).where(Request.id.in_(ids))).all() if ids else []
    )
    done, failed = statuses[RequestStatus.DONE], statuses[RequestStatus.FAILED]
    cancelled = statuses[RequestStatus.CANCELLED]
    km = km_reported(session, day, day + timedelta(days=1), travel_model(settings))
    return DaySummary(
        version=published.version,
        on_routes=len(ids),
        done=done,
        failed=failed,
        cancelled=cancelled,
        unfinished=len(ids) - done - failed - cancelled,
        unserved=len(plan.unserved),
        km_planned=round(plan.distance / 1000, 1),
        km_reported=round(km, 1),
    )
