"""Planning runs in a background thread so the server keeps answering; pages poll progress."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from dispatch.config import Settings
from dispatch.errors import UserError
from dispatch.models import User

log = logging.getLogger("jangkau.planning")


@dataclass
class Job:
    day: date
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    state: str = "running"  # running, done, failed
    served: int | None = None  # best plan so far
    total: int | None = None
    distance_km: float | None = None
    first_plan_s: float | None = None
    draft_id: int | None = None
    error: str | None = None

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "state": self.state,
            "elapsed_s": round(self.elapsed, 2),
            "served": self.served,
            "total": self.total,
            "distance_km": self.distance_km,
            "first_plan_s": self.first_plan_s,
            "draft_id": self.draft_id,
            "error": self.error,
        }


class PlanningJobs:
    """At most one planning run per day at a time."""

    def __init__(self) -> None:
        self._jobs: dict[date, Job] = {}
        self._lock = threading.Lock()

    def get(self, day: date) -> Job | None:
        return self._jobs.get(day)

    def start(
        self,
        day: date,
        engine: Engine,
        settings: Settings,
        actor_id: int,
        expected_version: int | None,
        now: datetime | None = None,
    ) -> Job:
        with self._lock:
            running = self._jobs.get(day)
            if running is not None and running.state == "running":
                return running
            job = Job(day)
            self._jobs[day] = job
        thread = threading.Thread(
            target=self._run,
            name=f"plan-{day}",
            daemon=True,
            args=(job, engine, settings, actor_id, expected_version, now),
        )
        thread.start()
        return job

    def wait(self, day: date, timeout: float = 120.0) -> Job | None:
        """For the command line and tests: block until the day's run ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self._jobs.get(day)
            if job is None or job.state != "running":
                return job
            time.sleep(0.05)
        return self._jobs.get(day)

    def _run(
        self,
        job: Job,
        engine: Engine,
        settings: Settings,
        actor_id: int,
        expected_version: int | None,
        now: datetime | None,
    ) -> None:
        from dispatch.services import planning

        try:
            with Session(engine) as session:
                actor = session.get(User, actor_id)

                def progress(served: int, total: int, distance_m: int) -> None:
                    if job.first_plan_s is None:
                        job.first_plan_s = round(job.elapsed, 3)
                    job.served, job.total = served, total
                    job.distance_km = round(distance_m / 1000, 1)

                record = planning.plan_day(
                    session,
                    job.day,
                    settings,
                    actor,
                    expected_version=expected_version,
                    now=now,
                    on_progress=progress,
                )
                session.commit()
                job.draft_id = record.id
                job.state = "done"
        except UserError as exc:
            job.state, job.error = "failed", exc.key
        except Exception:  # reported on the page; the details go to the log
            log.exception("planning failed", extra={"day": job.day.isoformat()})
            job.state, job.error = "failed", "planning_error"
        finally:
            job.finished = time.monotonic()
