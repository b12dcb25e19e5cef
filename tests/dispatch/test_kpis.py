"""dispatch.kpis: the figures of a plan, by their documented definitions."""

from __future__ import annotations

import pytest

from dispatch.day import HealthCode
from dispatch.planner import plan_day
from tests.town_cases import arrival, coach, grid_town, town_day


def test_kpis_of_two_trips_by_hand() -> None:
    """Two workers (08:00, 08:20) to e1 and one (10:00) to e3 on one 53-seat bus, one
    yellow-code worker excluded: waits per worker, seat use over the bus's seats."""
    workers = [
        arrival("a", "08:00"),
        arrival("b", "08:20"),
        arrival("c", "10:00", enterprise_id="e3"),
        arrival("y", "08:00", health=HealthCode.YELLOW),
    ]
    plan = plan_day(town_day(workers, fleet=[coach("B1", 53)]), network=grid_town())
    k = plan.kpis
    assert (k.workers_registered, k.workers_eligible, k.workers_excluded) == (4, 3, 1)
    assert (k.requests, k.trips, k.buses_used, k.buses_usable) == (2, 2, 1, 1)
    waits = {
        w: (t.board_start - plan.day.arrivals[i].arrival_time).total_seconds() / 60
        for t in plan.trips
        for w in t.worker_ids
        for i, a in enumerate(plan.day.arrivals)
        if a.worker_id == w
    }
    assert k.wait_mean_min == pytest.approx(sum(waits.values()) / 3, abs=0.01)
    assert k.wait_max_min == pytest.approx(max(waits.values()), abs=0.01)
    assert k.seat_use == pytest.approx((3 + 2) / (2 * 53), abs=1e-4)
    assert k.load_factor_cap == 0.5
    assert k.ride_max_min == pytest.approx(max(t.ride_min for t in plan.trips), abs=0.01)
    assert k.subsidy_cny == 0.0  # nobody reaches 20 workers
