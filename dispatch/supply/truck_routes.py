"""Translating solved truck runs back to the domain: one route per truck (its runs in order,
depot to depot each) and one delivery per carried shipment.

Distances come from the run's matrix in km; a truck's cost is its fixed cost plus per-km and
per-hour running cost, the hours counted out of the depot (a truck waiting at its depot
between runs is not charged).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.charters.fleet import UsableVehicle
from dispatch.day import Day
from dispatch.plan import Delivery, Step, StepKind, VehicleRoute
from dispatch.supply.truck_problem import KG_PER_T, SupplyProblem, SupplyTravel
from routing.network.speed import Profile
from routing.vrp.problem import Route, Stop, StopKind

_STEP = {
    StopKind.START: StepKind.LEAVE_DEPOT,
    StopKind.PICKUP: StepKind.LOAD,
    StopKind.DELIVERY: StepKind.UNLOAD,
    StopKind.END: StepKind.RETURN_DEPOT,
}


@dataclass(frozen=True, slots=True)
class TruckRun:
    """One route of one run: the solver's route, its problem, and whether it had the pass."""

    supply: SupplyProblem
    route: Route

    @property
    def green_channel(self) -> bool:
        """A priority run drives on the green-channel lane."""
        return self.supply.profile is Profile.TRUCK_PRIORITY


def _moment(day: Day, seconds: int) -> dt.datetime:
    return day.midnight + dt.timedelta(seconds=seconds)


def _legs(travel: SupplyTravel, profile: Profile, stops: Sequence[Stop]) -> list[float]:
    """Km of the leg leaving each stop (0 after the last)."""
    legs = [travel.km(profile, a.location, b.location) for a, b in itertools.pairwise(stops)]
    return [*legs, 0.0]


@dataclass(frozen=True, slots=True)
class _RunSteps:
    steps: list[Step]
    deliveries: list[Delivery]
    distance_km: float
    loaded_km: float
    hours: float


def _run_steps(day: Day, travel: SupplyTravel, run: TruckRun) -> _RunSteps:
    stops = run.route.stops
    profile = run.supply.profile
    legs = _legs(travel, profile, stops)
    steps: list[Step] = []
    deliveries: list[Delivery] = []
    loaded = 0.0
    aboard: dict[str, tuple[int, Stop]] = {}
    for k, stop in enumerate(stops):
        if stop.kind is StopKind.PICKUP and stop.job_id is not None:
            aboard[stop.job_id] = (k, stop)
        elif stop.kind is StopKind.DELIVERY and stop.job_id is not None:
            start, pickup = aboard.pop(stop.job_id)
            deliveries.append(_delivery(day, run, pickup, stop, sum(legs[start:k]), travel))
        in_load = stop.kind in (StopKind.PICKUP, StopKind.DELIVERY)
        steps.append(
            Step(
                kind=_STEP[stop.kind],
                place_id=travel.places[stop.location].place_id,
                trip_id=stop.job_id,
                arrival=_moment(day, stop.arrival_s),
                begin=_moment(day, stop.begin_s),
                departure=_moment(day, stop.departure_s),
                on_board=len(aboard),
                load_t=stop.load[0] / KG_PER_T if in_load else 0.0,
                green_channel=run.green_channel and k < len(stops) - 1,
            )
        )
        if aboard:
            loaded += legs[k]
    hours = (stops[-1].arrival_s - stops[0].departure_s) / 3600.0
    return _RunSteps(steps, deliveries, sum(legs), loaded, hours)


def _delivery(
    day: Day, run: TruckRun, pickup: Stop, drop: Stop, km: float, travel: SupplyTravel
) -> Delivery:
    assert drop.job_id is not None
    shipment = run.supply.shipments[drop.job_id]
    ends = travel.ends[shipment.shipment_id]
    return Delivery(
        shipment_id=shipment.shipment_id,
        vehicle_id=run.route.vehicle_id,
        cargo=shipment.cargo,
        weight_t=shipment.weight_t,
        volume_m3=shipment.volume_m3,
        priority=shipment.priority,
        origin_id=ends.origin.place_id,
        destination_id=ends.destination.place_id,
        load_start=_moment(day, pickup.begin_s),
        depart=_moment(day, pickup.departure_s),
        arrive=_moment(day, drop.arrival_s),
        unload_start=_moment(day, drop.begin_s),
        due_time=shipment.due_time,
        distance_km=km,
        green_channel=run.green_channel,
    )


def truck_route(
    day: Day, travel: SupplyTravel, usable: UsableVehicle, runs: Sequence[TruckRun]
) -> tuple[VehicleRoute, list[Delivery]]:
    """A truck's day from its runs (in time order) and the deliveries it makes."""
    steps: list[Step] = []
    deliveries: list[Delivery] = []
    distance = loaded = hours = 0.0
    for run in runs:
        part = _run_steps(day, travel, run)
        steps += part.steps
        deliveries += part.deliveries
        distance += part.distance_km
        loaded += part.loaded_km
        hours += part.hours
    v = usable.vehicle
    loads = [s.trip_id for s in steps if s.kind is StepKind.LOAD and s.trip_id is not None]
    route = VehicleRoute(
        vehicle_id=v.vehicle_id,
        operator=v.operator,
        depot_id=v.depot_id,
        vehicle_class=v.vehicle_class,
        seats=None,
        capacity=0,
        permit_no=usable.permit.permit_no,
        permit_valid_from=usable.permit.valid_from,
        permit_valid_to=max(p.valid_to for p in usable.permits),
        steps=tuple(steps),
        trip_ids=tuple(loads),
        distance_km=distance,
        loaded_km=min(loaded, distance),
        cost_cny=v.fixed_cost + v.cost_per_km * distance + v.cost_per_hour * hours,
        fixed_cost_cny=v.fixed_cost,
        capacity_t=v.capacity_t,
        capacity_m3=v.capacity_m3,
    )
    return route, deliveries


def truck_routes(
    day: Day,
    travel: SupplyTravel,
    trucks: Sequence[UsableVehicle],
    runs: Sequence[TruckRun],
) -> tuple[tuple[VehicleRoute, ...], tuple[Delivery, ...]]:
    """Routes of the used trucks in fleet order, and every delivery by loading time and id."""
    by_truck: dict[str, list[TruckRun]] = {}
    for run in runs:
        if any(s.job_id is not None for s in run.route.stops):
            by_truck.setdefault(run.route.vehicle_id, []).append(run)
    routes: list[VehicleRoute] = []
    deliveries: list[Delivery] = []
    for usable in trucks:
        mine = by_truck.get(usable.vehicle_id)
        if not mine:
            continue
        mine.sort(key=lambda r: r.route.stops[0].departure_s)
        route, delivered = truck_route(day, travel, usable, mine)
        routes.append(route)
        deliveries += delivered
    deliveries.sort(key=lambda d: (d.load_start, d.shipment_id))
    return tuple(routes), tuple(deliveries)
