"""Monthly figures for the head of agency: anonymous counts, never personal data."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlmodel import Session, select

from dispatch.models import DayPlan, District, PlanStatus, Request, RequestEvent, RequestStatus


@dataclass
class MonthReport:
    month: str
    by_district: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    by_urgency: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    hours_to_done: list[float] = field(default_factory=list)
    km_driven: float = 0.0
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


def monthly(session: Session, month: str, tz: tzinfo) -> MonthReport:
    from dispatch.services.planning import load_body

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
        report.km_driven += plan.distance / 1000
        for u in plan.unserved:
            report.unserved[u.reason.value] += 1
    report.km_driven = round(report.km_driven, 1)
    return report


def to_csv(report: MonthReport) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["month", "section", "key", "value"])
    for section in ("by_district", "by_kind", "by_urgency", "by_status", "unserved"):
        for key, value in sorted(getattr(report, section).items()):
            w.writerow([report.month, section, key, value])
    w.writerow([report.month, "total", "requests", report.total])
    w.writerow([report.month, "time_to_done_hours", "median", report.median_hours or ""])
    w.writerow([report.month, "time_to_done_hours", "p90", report.p90_hours or ""])
    w.writerow([report.month, "distance", "km_driven", report.km_driven])
    return out.getvalue()
