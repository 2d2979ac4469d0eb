"""The travel model the service plans with: per vehicle kind, and offline when OSRM fails."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlmodel import Session, select

from dispatch.models import Place, PlaceKind, Vehicle
from dispatch.services import planning

pytestmark = pytest.mark.db


def test_an_unreachable_osrm_server_does_not_stop_planning(engine, settings):
    travel = settings.travel.model_copy(update={"osrm_url": "http://127.0.0.1:9"})
    online = settings.model_copy(update={"travel": travel})
    with Session(engine) as db:
        dp = planning.build_problem(db, date(2099, 6, 1), online)
    assert dp.problem.matrix.model == "haversine"  # said so on the plan


def test_a_boat_plans_at_its_own_speed(engine, settings):
    with Session(engine) as db:
        depot = db.exec(select(Place).where(Place.kind == PlaceKind.DEPOT)).first()
        boat = Vehicle(
            name=f"Perahu {uuid.uuid4().hex[:6]}", kind="boat", seats=6, depot_id=depot.id
        )
        db.add(boat)
        db.commit()
        try:
            dp = planning.build_problem(db, date(2099, 6, 2), settings)
            car = next(v for v in dp.problem.vehicles if v.id != str(boat.id))
            assert set(dp.problem.vehicle_matrices) == {str(boat.id)}
            by_boat = dp.problem.matrix_for(str(boat.id)).durations
            by_car = dp.problem.matrix_for(car.id).durations
            pairs = [(i, j) for i in range(len(by_car)) for j in range(len(by_car)) if i != j]
            ratio = settings.travel.speed_kmh["car"] / settings.travel.speed_kmh["boat"]
            for i, j in pairs:
                if by_car[i][j] > 600:
                    assert by_boat[i][j] == pytest.approx(by_car[i][j] * ratio, rel=0.01)
        finally:
            boat.active = False
            db.add(boat)
            db.commit()
