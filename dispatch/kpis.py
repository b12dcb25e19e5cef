"""The key figures of a plan (the KPI sheet and the scenario comparison).

Definitions: waits are per transported worker (arrival at the station to the start of
boarding); ride times are per transported worker (leaving the station to the start of
unloading); ``seat_use`` is passengers (workers and escorts) over the seats of the buses that
carried them, summed over trips — at most ``load_factor_cap``. Buses are counted among the
bus-class vehicles of the fleet only.

Supply: ``on_time_share`` is the share of *all* shipments (delivered or not) whose unloading
starts by their due time; ``on_time_by_cargo`` the same per cargo kind (kinds without
shipments left out). Due times are hard in the plan, so a late shipment is an unserved one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from dispatch.charters.bus_problem import is_priority
from dispatch.charters.prepare import Prepared
from dispatch.day import Cargo
from dispatch.plan import Kpis, SubsidyRow, Trip, Unserved, VehicleRoute
from dispatch.supply.shipments import SupplyPlan
from routing.network.speed import VehicleClass


def _mean(total: float, count: int) -> float:
    return total / count if count else 0.0


def plan_kpis(
    prepared: Prepared,
    routes: Sequence[VehicleRoute],
    trips: Sequence[Trip],
    unserved: Sequence[Unserved],
    subsidy: Sequence[SubsidyRow],
    *,
    requests_unserved: int,
    fleet_lower_bound: int | None,
    solve_seconds: float,
    buses_needed_all: int | None = None,
) -> Kpis:
    """The KPIs of a plan made from ``prepared``.

    Parameters
    ----------
    prepared
        The prepared day.
    routes, trips, unserved, subsidy
        The plan's rows.
    requests_unserved
        Trip requests the solving stage left unserved.
    fleet_lower_bound
        Fewest buses any plan needs for the served trips (None when not computed).
    buses_needed_all
        Fewest buses any plan needs to serve every request (None when not computed).
    solve_seconds
        Wall time of the solving stage.
    """
    day = prepared.day
    seats = {r.vehicle_id: r.seats or 0 for r in routes}
    transported = sum(t.headcount for t in trips)
    waits = [(t.wait_mean_min * t.headcount, t.wait_max_min) for t in trips]
    rides = [(t.ride_min * t.headcount, t.ride_min) for t in trips]
    bus_km = sum((r.distance_km for r in routes), 0.0)
    loaded = sum((r.loaded_km for r in routes), 0.0)
    seat_total = sum(seats[t.vehicle_id] for t in trips)
    rejected = sum(
        1 for r in prepared.fleet.rejected if r.vehicle.vehicle_class is VehicleClass.BUS
    )
    first = {e: is_priority(day, e) for e in day.enterprises}
    priority_eligible = sum(1 for a in prepared.screening.eligible if first[a.enterprise_id])
    priority_moved = sum(t.headcount for t in trips if first[t.enterprise_id])
    return Kpis(
        workers_registered=len(day.arrivals),
        workers_eligible=len(prepared.screening.eligible),
        workers_transported=transported,
        workers_excluded=len(prepared.screening.excluded),
        workers_unserved=len(unserved),
        requests=len(prepared.grouping.requests),
        requests_unserved=requests_unserved,
        buses_usable=len(prepared.fleet.buses),
        buses_rejected=rejected,
        buses_used=len(routes),
        trips=len(trips),
        bus_km=round(bus_km, 3),
        bus_km_loaded=round(loaded, 3),
        bus_km_empty=round(max(0.0, bus_km - loaded), 3),
        wait_mean_min=round(_mean(sum(w for w, _ in waits), transported), 2),
        wait_max_min=round(max((m for _, m in waits), default=0.0), 2),
        ride_mean_min=round(_mean(sum(r for r, _ in rides), transported), 2),
        ride_max_min=round(max((m for _, m in rides), default=0.0), 2),
        seat_use=round(_mean(sum(t.passengers for t in trips), seat_total), 4),
        load_factor_cap=day.policy.load_factor,
        cost_cny=round(sum((r.cost_cny for r in routes), 0.0), 2),
        subsidy_cny=round(sum((s.subsidy_cny for s in subsidy), 0.0), 2),
        fleet_lower_bound=fleet_lower_bound,
        buses_needed_all=buses_needed_all,
        priority_workers_eligible=priority_eligible,
        priority_workers_transported=priority_moved,
        solve_seconds=round(solve_seconds, 3),
    )


def with_supply(kpis: Kpis, prepared: Prepared, supply: SupplyPlan) -> Kpis:
    """``kpis`` with the supply figures of ``supply`` (see the module docstring); the solve
    time then covers both stages."""
    shipments = prepared.day.shipments
    on_time = {d.shipment_id for d in supply.deliveries if d.on_time}
    by_cargo = tuple(
        (cargo.value, round(_mean(sum(s.shipment_id in on_time for s in mine), len(mine)), 4))
        for cargo in Cargo
        if (mine := [s for s in shipments if s.cargo is cargo])
    )
    routes = supply.truck_routes
    rejected = sum(
        1 for r in prepared.fleet.rejected if r.vehicle.vehicle_class is VehicleClass.TRUCK
    )
    return dataclasses.replace(
        kpis,
        shipments=len(shipments),
        shipments_delivered=len(supply.deliveries),
        shipments_unserved=len(supply.unserved),
        tonnes=round(sum((float(s.weight_t) for s in shipments), 0.0), 3),
        tonnes_delivered=round(sum((float(d.weight_t) for d in supply.deliveries), 0.0), 3),
        trucks_usable=len(prepared.fleet.trucks),
        trucks_rejected=rejected,
        trucks_used=len(routes),
        truck_km=round(sum((r.distance_km for r in routes), 0.0), 3),
        truck_km_loaded=round(sum((r.loaded_km for r in routes), 0.0), 3),
        truck_cost_cny=round(sum((r.cost_cny for r in routes), 0.0), 2),
        on_time_share=round(_mean(len(on_time), len(shipments)), 4),
        on_time_by_cargo=by_cargo,
        solve_seconds=round(kpis.solve_seconds + supply.solve_seconds, 3),
    )
