"""dispatch.charters.bound: the fleet lower bound of hand-made charter days."""

from __future__ import annotations

from dispatch.charters.bound import fleet_lower_bound
from dispatch.charters.bus_problem import day_network, day_travel
from dispatch.charters.prepare import prepare
from tests.town_cases import arrival, coach, grid_town, town_day


def test_bound_of_a_day_counts_simultaneous_groups() -> None:
    """Three employers' groups arriving together with 5-minute boarding windows need three
    buses; a fourth group two hours later can reuse one."""
    workers = [arrival(f"w{e}", "08:00", enterprise_id=f"e{e}") for e in (1, 2, 3)]
    workers.append(arrival("later", "10:00"))
    day = town_day(workers, fleet=[coach("B1", 53)], max_wait_min=15.0)
    prepared = prepare(day)
    travel = day_travel(prepared, day_network(day, grid_town()))
    bound = fleet_lower_bound(day, prepared.grouping.requests, travel, prepared.fleet.buses)
    assert bound.buses == 3


def test_the_duty_bounds_duals_bound_a_plan_that_serves_some_of_the_requests() -> None:
    """The duals of the bound of four groups, summed over the groups a plan serves, bound
    that plan's buses: all four need what the duty bound says, none need none, and a
    request the bound never saw adds nothing."""
    workers = [arrival(f"w{e}", "08:00", enterprise_id=f"e{e}") for e in (1, 2, 3)]
    workers.append(arrival("later", "10:00"))
    day = town_day(workers, fleet=[coach("B1", 53)], max_wait_min=15.0)
    prepared = prepare(day)
    travel = day_travel(prepared, day_network(day, grid_town()))
    requests = prepared.grouping.requests
    bound = fleet_lower_bound(day, requests, travel, prepared.fleet.buses)
    assert bound.duty is not None
    ids = [r.request_id for r in requests]
    assert sorted(bound.request_ids) == sorted(ids)
    assert bound.buses_for(ids) == bound.duty.buses
    assert bound.buses_for([]) == 0 and bound.buses_for(["not-a-request"]) == 0
    assert all(bound.buses_for([i]) <= 1 for i in ids)


def test_a_day_reports_the_larger_of_the_path_cover_and_the_duty_bound() -> None:
    """Groups every 40 minutes from 06:00 to 20:00 chain, but no bus works 14 hours: both
    bounds see two buses, and the day's bound is the larger of the two."""
    workers = [arrival(f"w{k}", f"{6 + (40 * k) // 60:02d}:{(40 * k) % 60:02d}") for k in range(22)]
    day = town_day(workers, fleet=[coach("B1", 53)], max_wait_min=10.0)
    prepared = prepare(day)
    travel = day_travel(prepared, day_network(day, grid_town()))
    requests, buses = prepared.grouping.requests, prepared.fleet.buses
    bound = fleet_lower_bound(day, requests, travel, buses)
    assert bound.duty is not None
    assert bound.cover == bound.duty.buses == bound.buses == 2
