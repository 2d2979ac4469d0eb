"""The live board: arrival estimates move with what drivers report."""

from __future__ import annotations

from dispatch.services.planning import live_etas
from routing.model import PlannedStop, Route, StopKind

H = 3600


def _route() -> Route:
    stops = [
        PlannedStop(StopKind.START, 0, 7 * H, 7 * H),
        PlannedStop(StopKind.PICKUP, 1, 8 * H, 8 * H + 900, task="A"),
        PlannedStop(StopKind.DELIVERY, 2, 9 * H, 9 * H + 600, task="A"),
        # Waits 30 minutes for its window: absorbs that much of any delay.
        PlannedStop(StopKind.VISIT, 3, 10 * H, 11 * H, wait=1800, task="B"),
        PlannedStop(StopKind.END, 0, 12 * H, 12 * H),
    ]
    return Route("1", stops)


def test_without_reports_nothing_moves():
    assert live_etas(_route(), {}) == [None] * 5


def test_a_late_pickup_pushes_the_later_stops_less_the_waiting():
    # Done at the pickup 45 minutes after its planned departure.
    etas = live_etas(_route(), {("A", "pickup"): ("done", 8 * H + 900 + 45 * 60)})
    assert etas[:2] == [None, None]
    assert etas[2] == 9 * H + 45 * 60  # the drop-off 45 minutes later
    assert etas[3] == 10 * H + 45 * 60  # arrives 45 late, but had 30 minutes to spare
    assert etas[4] == 12 * H + 15 * 60


def test_an_early_report_pulls_nothing_forward():
    etas = live_etas(_route(), {("A", "pickup"): ("arrived", 7 * H + 50 * 60)})
    assert etas == [None, None, None, None, None]
