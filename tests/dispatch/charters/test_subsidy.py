"""dispatch.charters.subsidy: each bus's cost shared among its trips, and the Gusu subsidy rule."""

from __future__ import annotations

import pytest

from dispatch.charters.subsidy import subsidy_rows, trip_costs
from dispatch.plan import Step, StepKind, Trip, VehicleRoute
from routing.network.speed import VehicleClass
from tests.town_cases import at, coach, town_day


def trip(trip_id: str, enterprise: str, workers: int, km: float, vehicle: str = "B1") -> Trip:
    """A trip of ``workers`` workers over ``km`` loaded km (times do not matter here)."""
    t = at("08:00")
    ids = tuple(f"{trip_id}-{i}" for i in range(workers))
    return Trip(trip_id, vehicle, "s1", enterprise, ids, 1, t, t, t, t, 0.0, 0.0, 0.0, km)


def route(
    cost: float, fixed: float, trip_ids: tuple[str, ...], vehicle: str = "B1"
) -> VehicleRoute:
    """A route of ``cost`` CNY of which ``fixed`` is the day rate."""
    t = at("08:00")
    depot = Step(StepKind.LEAVE_DEPOT, "d1", None, t, t, t, 0)
    back = Step(StepKind.RETURN_DEPOT, "d1", None, t, t, t, 0)
    return VehicleRoute(
        vehicle,
        "op",
        "d1",
        VehicleClass.BUS,
        53,
        26,
        "P",
        t,
        t,
        (depot, back),
        trip_ids,
        100.0,
        40.0,
        cost,
        fixed_cost_cny=fixed,
    )


def test_fixed_cost_evenly_running_cost_by_loaded_km() -> None:
    """Cost 1000 of which 300 fixed; trips of 10 and 30 loaded km: 150 + 700 × ¼ = 325 and
    150 + 700 × ¾ = 675, adding up to the route's cost."""
    a, b = trip("a", "e1", 20, 10.0), trip("b", "e2", 5, 30.0)
    shares = trip_costs(route(1000.0, 300.0, ("a", "b")), [a, b])
    assert shares == {"a": pytest.approx(325.0), "b": pytest.approx(675.0)}


def test_trips_without_loaded_km_share_evenly() -> None:
    """Two trips of 0 km: each pays half."""
    shares = trip_costs(
        route(500.0, 100.0, ("a", "b")), [trip("a", "e1", 1, 0.0), trip("b", "e1", 1, 0.0)]
    )
    assert shares == {"a": pytest.approx(250.0), "b": pytest.approx(250.0)}


def test_a_trip_of_another_bus_is_refused() -> None:
    """Shares are only computed for the route's own trips."""
    with pytest.raises(ValueError, match="is not driven by B1"):
        trip_costs(route(100.0, 0.0, ("x",)), [trip("x", "e1", 1, 1.0, vehicle="B2")])


def test_subsidy_reaches_the_employers_that_reach_the_threshold() -> None:
    """e1 has 20 workers transported (threshold 20): half of its 325 CNY; e2 with 5 none."""
    day = town_day([], fleet=[coach("B1", 53)])
    a, b = trip("a", "e1", 20, 10.0), trip("b", "e2", 5, 30.0)
    rows = subsidy_rows(day, [route(1000.0, 300.0, ("a", "b"))], [a, b])
    assert [(r.enterprise_id, r.workers_transported, r.trips) for r in rows] == [
        ("e1", 20, 1),
        ("e2", 5, 1),
    ]
    assert rows[0].eligible and rows[0].subsidy_cny == pytest.approx(162.5)
    assert not rows[1].eligible and rows[1].subsidy_cny == 0.0
    assert rows[0].cost_cny + rows[1].cost_cny == pytest.approx(1000.0)
    assert rows[0].name == "企业e1"
