"""Translating solver routes back to the domain: vehicle routes with steps, and trips.

Times become local datetimes; distances come from the day's travel matrix in km (the solver
works in whole metres); a route's cost is the bus's fixed cost plus per-km and per-hour
running cost from leaving to returning to its depot, in CNY.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dispatch.charters.bus_problem import Built, PlaceKey, PlaceKind
from dispatch.charters.fleet import UsableVehicle
from dispatch.charters.grouping import TripRequest
from dispatch.day import Arrival, Day
from dispatch.plan import Step, StepKind, Trip, VehicleRoute
from routing.vrp.problem import Route, Stop, StopKind

_STEP = {
    StopKind.START: StepKind.LEAVE_DEPOT,
    StopKind.PICKUP: StepKind.BOARD,
    StopKind.DELIVERY: StepKind.ALIGHT,
    StopKind.END: StepKind.RETURN_DEPOT,
}


@dataclass(frozen=True, slots=True)
class Translated:
    """The plan's routes and trips, each in a stable order (fleet order; trip order of service)."""

    routes: tuple[VehicleRoute, ...]
    trips: tuple[Trip, ...]


def route_cost_cny(usable: UsableVehicle, distance_km: float, hours: float) -> float:
    """Charter cost of a used bus: fixed + per km + per hour, in CNY."""
    v = usable.vehicle
    return v.fixed_cost + v.cost_per_km * distance_km + v.cost_per_hour * hours


def _key(stop: Stop, built: Built) -> PlaceKey:
    return built.travel.keys[stop.location]


def _leg_km(built: Built, stops: Sequence[Stop]) -> list[float]:
    """Km of the leg leaving each stop (0 after the last)."""
    travel = built.travel
    legs = [travel.km(_key(a, built), _key(b, built)) for a, b in itertools.pairwise(stops)]
    return [*legs, 0.0]


def trip_of(
    day: Day,
    request: TripRequest,
    vehicle_id: str,
    board: Stop,
    leave: Stop,
    alight: Stop,
    distance_km: float,
    arrivals: Mapping[str, Arrival],
) -> Trip:
    """The trip of ``request``: boards at ``board``, the bus leaves the station after
    ``leave`` (the last group boarding there, itself unless pooled), unloads at ``alight``."""
    board_start = day.midnight + dt.timedelta(seconds=board.begin_s)
    waits = [
        (board_start - arrivals[w].arrival_time).total_seconds() / 60.0 for w in request.worker_ids
    ]
    depart = day.midnight + dt.timedelta(seconds=leave.departure_s)
    alight_start = day.midnight + dt.timedelta(seconds=alight.begin_s)
    return Trip(
        trip_id=request.request_id,
        vehicle_id=vehicle_id,
        station_id=request.station_id,
        enterprise_id=request.enterprise_id,
        worker_ids=request.worker_ids,
        escort_seats=request.escort_seats,
        board_start=board_start,
        depart=depart,
        arrive=day.midnight + dt.timedelta(seconds=alight.arrival_s),
        alight_start=alight_start,
        wait_max_min=max(0.0, max(waits)),
        wait_mean_min=max(0.0, sum(waits) / len(waits)),
        ride_min=(alight_start - depart).total_seconds() / 60.0,
        distance_km=distance_km,
    )


def translate_route(
    built: Built, route: Route, arrivals: Mapping[str, Arrival]
) -> tuple[VehicleRoute, list[Trip]]:
    """One solver route as a ``VehicleRoute`` and its trips in order of boarding."""
    day = built.prepared.day
    usable = built.buses[route.vehicle_id]
    stops = route.stops
    legs = _leg_km(built, stops)
    steps: list[Step] = []
    loaded = 0.0
    boarded: dict[str, tuple[int, Stop]] = {}
    trips: list[Trip] = []
    for k, stop in enumerate(stops):
        key = _key(stop, built)
        on_board = stop.load[0] if stop.kind in (StopKind.PICKUP, StopKind.DELIVERY) else 0
        steps.append(
            Step(
                kind=_STEP[stop.kind],
                place_id=key.place_id,
                trip_id=stop.job_id,
                arrival=day.midnight + dt.timedelta(seconds=stop.arrival_s),
                begin=day.midnight + dt.timedelta(seconds=stop.begin_s),
                departure=day.midnight + dt.timedelta(seconds=stop.departure_s),
                on_board=on_board,
            )
        )
        if on_board > 0:
            loaded += legs[k]
        if stop.kind is StopKind.PICKUP and stop.job_id is not None:
            boarded[stop.job_id] = (k, stop)
        elif stop.kind is StopKind.DELIVERY and stop.job_id is not None:
            start, board = boarded.pop(stop.job_id)
            leave = start
            while (
                stops[leave + 1].kind is StopKind.PICKUP
                and stops[leave + 1].location == board.location
            ):
                leave += 1  # pooled: the bus leaves once every group has boarded
            request = built.requests[stop.job_id]
            km = sum(legs[start:k])
            trips.append(
                trip_of(day, request, route.vehicle_id, board, stops[leave], stop, km, arrivals)
            )
    trips.sort(key=lambda t: (t.board_start, t.trip_id))
    depot = built.travel.keys[stops[0].location]
    assert depot.kind is PlaceKind.DEPOT and depot.place_id == usable.vehicle.depot_id
    trip_ids = [t.trip_id for t in trips]
    return bus_route(usable, steps, trip_ids, distance_km=sum(legs), loaded_km=loaded), trips


def bus_route(
    usable: UsableVehicle,
    steps: Sequence[Step],
    trip_ids: Sequence[str],
    *,
    distance_km: float,
    loaded_km: float,
) -> VehicleRoute:
    """A used bus's day: its permit and capacity, and the charter cost of its steps (from
    leaving to returning to its depot) and km."""
    hours = (steps[-1].arrival - steps[0].departure).total_seconds() / 3600.0
    permit = usable.permit
    vehicle = usable.vehicle
    return VehicleRoute(
        vehicle_id=vehicle.vehicle_id,
        operator=vehicle.operator,
        depot_id=vehicle.depot_id,
        vehicle_class=vehicle.vehicle_class,
        seats=vehicle.seats,
        capacity=usable.capacity,
        permit_no=permit.permit_no,
        permit_valid_from=permit.valid_from,
        permit_valid_to=max(p.valid_to for p in usable.permits),
        steps=tuple(steps),
        trip_ids=tuple(trip_ids),
        distance_km=distance_km,
        loaded_km=min(loaded_km, distance_km),
        cost_cny=route_cost_cny(usable, distance_km, hours),
        fixed_cost_cny=vehicle.fixed_cost,
    )


def translate(built: Built, routes: Sequence[Route]) -> Translated:
    """All routes in fleet order, and all trips ordered by boarding time and id."""
    arrivals = {a.worker_id: a for a in built.prepared.day.arrivals}
    order = {u.vehicle_id: k for k, u in enumerate(built.prepared.fleet.buses)}
    out_routes: list[VehicleRoute] = []
    out_trips: list[Trip] = []
    for route in sorted(routes, key=lambda r: order[r.vehicle_id]):
        if not any(s.job_id is not None for s in route.stops):
            continue
        vehicle_route, trips = translate_route(built, route, arrivals)
        out_routes.append(vehicle_route)
        out_trips.extend(trips)
    out_trips.sort(key=lambda t: (t.board_start, t.trip_id))
    return Translated(tuple(out_routes), tuple(out_trips))
