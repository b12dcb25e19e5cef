"""dispatch.charters.bus_routes: solver routes as vehicle routes with steps, trips, km and charter
cost."""

from __future__ import annotations

import pytest

from dispatch.plan import Plan, StepKind
from dispatch.planner import plan_day
from tests.town_cases import arrival, coach, grid_town, town_day


@pytest.fixture(scope="module")
def one_trip() -> Plan:
    """Three workers (08:00, 08:10, 08:20) to e2 (8 min east of s1); one bus from d1 (2 min
    east of s1) costing 300 CNY a day, 4 CNY/km, 50 CNY/h."""
    workers = [arrival(f"w{i}", f"08:{10 * i:02d}", enterprise_id="e2") for i in range(3)]
    day = town_day(workers, fleet=[coach("B1", 53)])
    return plan_day(day, network=grid_town())


def test_steps_go_depot_station_employer_depot(one_trip: Plan) -> None:
    """Leave d1, board at s1, alight at e2, return to d1; on board 3 workers + 1 escort."""
    (route,) = one_trip.routes
    assert [(s.kind, s.place_id, s.on_board) for s in route.steps] == [
        (StepKind.LEAVE_DEPOT, "d1", 0),
        (StepKind.BOARD, "s1", 4),
        (StepKind.ALIGHT, "e2", 0),
        (StepKind.RETURN_DEPOT, "d1", 0),
    ]
    assert route.trip_ids == (one_trip.trips[0].trip_id,)
    assert route.permit_no == "P-B1" and route.capacity == 26


def test_trip_times_waits_and_ride(one_trip: Plan) -> None:
    """Boarding starts 08:30 (last arrival 08:20 + 10 min transfer), takes 5 + 0.5 × 4 = 7
    min, the ride 8 min; waits 30, 20 and 10 min."""
    (trip,) = one_trip.trips
    assert trip.board_start.strftime("%H:%M") == "08:30"
    assert (trip.depart - trip.board_start).total_seconds() == 7 * 60
    assert trip.ride_min == pytest.approx(8.0)
    assert (trip.wait_max_min, trip.wait_mean_min) == (30.0, 20.0)


def test_km_and_cost_follow_the_roads_and_the_rates(one_trip: Plan) -> None:
    """d1 → s1 2 min, s1 → e2 8 min, e2 → d1 6 min at 1 min per 0.01° (0.9502 km):
    16 centidegrees driven, 8 of them loaded; cost = 300 + 4 × km + 50 × hours."""
    (route,) = one_trip.routes
    (trip,) = one_trip.trips
    centidegree = 0.9502
    assert route.distance_km == pytest.approx(16 * centidegree, rel=1e-3)
    assert route.loaded_km == pytest.approx(8 * centidegree, rel=1e-3)
    assert trip.distance_km == pytest.approx(route.loaded_km)
    assert route.cost_cny == pytest.approx(300 + 4 * route.distance_km + 50 * route.hours)
    assert route.fixed_cost_cny == 300
