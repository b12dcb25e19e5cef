"""Charter cost per employer and the subsidy it earns (the Gusu rule).

Allocation rule: a bus's charter cost is shared among the trips it drives. Its fixed cost is
split evenly over its trips; its running cost (per km and per hour, including the empty legs
and waiting) is split in proportion to each trip's loaded km. A trip with no loaded km (an
employer next to the station) shares the running cost evenly with the others when all of
them have none. The shares of one bus add up to its cost exactly.

An employer's cost is the sum of its trips' shares; it earns ``subsidy_rate × cost`` when the
number of its workers transported reaches ``subsidy_min_workers``, else nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from dispatch.day import Day
from dispatch.plan import SubsidyRow, Trip, VehicleRoute


def trip_costs(route: VehicleRoute, trips: Sequence[Trip]) -> dict[str, float]:
    """Each trip's share of the route's cost in CNY (see the module rule)."""
    if not trips:
        return {}
    for trip in trips:
        if trip.vehicle_id != route.vehicle_id:
            raise ValueError(f"trip {trip.trip_id} is not driven by {route.vehicle_id}")
    fixed = min(route.cost_cny, route.fixed_cost_cny)
    running = route.cost_cny - fixed
    km = [t.distance_km for t in trips]
    total_km = sum(km)
    shares: dict[str, float] = {}
    for trip, trip_km in zip(trips, km, strict=True):
        weight = trip_km / total_km if total_km > 0 else 1.0 / len(trips)
        shares[trip.trip_id] = fixed / len(trips) + running * weight
    return shares


def subsidy_rows(
    day: Day, routes: Sequence[VehicleRoute], trips: Sequence[Trip]
) -> tuple[SubsidyRow, ...]:
    """One row per employer with at least one trip, ordered by employer id."""
    by_vehicle: dict[str, list[Trip]] = defaultdict(list)
    for trip in trips:
        by_vehicle[trip.vehicle_id].append(trip)
    cost: dict[str, float] = defaultdict(float)
    workers: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    for route in routes:
        route_trips = by_vehicle.get(route.vehicle_id, [])
        shares = trip_costs(route, route_trips)
        for trip in route_trips:
            cost[trip.enterprise_id] += shares[trip.trip_id]
    for trip in trips:
        workers[trip.enterprise_id] += trip.headcount
        count[trip.enterprise_id] += 1
    policy = day.policy
    rows = []
    for enterprise_id in sorted(count):
        eligible = workers[enterprise_id] >= policy.subsidy_min_workers
        total = round(cost[enterprise_id], 2)
        rows.append(
            SubsidyRow(
                enterprise_id=enterprise_id,
                name=day.enterprises[enterprise_id].name,
                workers_transported=workers[enterprise_id],
                trips=count[enterprise_id],
                cost_cny=total,
                eligible=eligible,
                subsidy_cny=round(policy.subsidy_rate * total, 2) if eligible else 0.0,
            )
        )
    return tuple(rows)
