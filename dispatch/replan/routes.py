"""A bus's day after a re-plan: its frozen steps as they were, then the solver's continuation.

The frozen part keeps the base plan's steps and times; its legs are measured on the roads the
base plan drove (the day's exits before the events). The continuation is the solver's route
from where the frozen part ends: its first stop is reached by driving straight on from there
(the bus leaves as soon as it has unloaded, as in every plan), its legs are measured on the
re-plan's roads. A bus without frozen trips gets the solver's route whole, exactly as a plan of
the day would translate it (``dispatch.charters.bus_routes``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dispatch.charters.bus_problem import Built, DayTravel, PlaceKey, PlaceKind
from dispatch.charters.bus_routes import bus_route, trip_of
from dispatch.charters.fleet import UsableVehicle
from dispatch.day import Arrival, Day
from dispatch.plan import Step, StepKind, Trip, VehicleRoute
from routing.vrp.problem import Route, Stop, StopKind

_STEP = {
    StopKind.START: StepKind.LEAVE_DEPOT,
    StopKind.PICKUP: StepKind.BOARD,
    StopKind.DELIVERY: StepKind.ALIGHT,
    StopKind.END: StepKind.RETURN_DEPOT,
}
_PLACE = {
    StepKind.LEAVE_DEPOT: PlaceKind.DEPOT,
    StepKind.RETURN_DEPOT: PlaceKind.DEPOT,
    StepKind.BOARD: PlaceKind.STATION,
    StepKind.ALIGHT: PlaceKind.ENTERPRISE,
}


def step_key(step: Step) -> PlaceKey:
    """The place of a bus step."""
    return PlaceKey(_PLACE[step.kind], step.place_id)


def _moment(day: Day, seconds: int) -> dt.datetime:
    return day.midnight + dt.timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class Continuation:
    """The solver's part of a bus's day, in domain terms.

    Parameters
    ----------
    steps
        Its steps after its start (boardings, alightings, the return to the depot).
    legs_km
        Km of the leg into each of ``steps``.
    trips
        Its trips, in boarding order.
    """

    steps: tuple[Step, ...]
    legs_km: tuple[float, ...]
    trips: tuple[Trip, ...]


def continuation(
    built: Built, route: Route, arrivals: Mapping[str, Arrival], *, leave: dt.datetime | None
) -> Continuation:
    """The steps (after the start) and trips of a solver route; ``leave`` moves the start's
    departure (the bus leaves its last frozen stop when it has unloaded). Default None."""
    day = built.prepared.day
    keys = built.travel.keys
    stops = route.stops
    legs = [
        built.travel.km(keys[a.location], keys[b.location]) for a, b in itertools.pairwise(stops)
    ]
    steps: list[Step] = []
    trips: list[Trip] = []
    boarded: dict[str, int] = {}
    time_s = built.problem.matrices[route_profile(built, route)].time_s
    for k, stop in enumerate(stops[1:], start=1):
        arrival = _moment(day, stop.arrival_s)
        if k == 1 and leave is not None:
            arrival = leave + dt.timedelta(seconds=int(time_s[stops[0].location, stop.location]))
        on_board = stop.load[0] if stop.kind in (StopKind.PICKUP, StopKind.DELIVERY) else 0
        steps.append(
            Step(
                kind=_STEP[stop.kind],
                place_id=keys[stop.location].place_id,
                trip_id=stop.job_id,
                arrival=min(arrival, _moment(day, stop.begin_s)),
                begin=_moment(day, stop.begin_s),
                departure=_moment(day, stop.departure_s),
                on_board=on_board,
            )
        )
        if stop.kind is StopKind.PICKUP and stop.job_id is not None:
            boarded[stop.job_id] = k
        elif stop.kind is StopKind.DELIVERY and stop.job_id is not None:
            start = boarded.pop(stop.job_id)
            last = start
            while (
                stops[last + 1].kind is StopKind.PICKUP
                and stops[last + 1].location == stops[start].location
            ):
                last += 1  # pooled: the bus leaves once every group has boarded
            request = built.requests[stop.job_id]
            km = sum(legs[start:k])
            trips.append(
                trip_of(
                    day, request, route.vehicle_id, stops[start], stops[last], stop, km, arrivals
                )
            )
    trips.sort(key=lambda t: (t.board_start, t.trip_id))
    return Continuation(tuple(steps), tuple(legs), tuple(trips))


def route_profile(built: Built, route: Route) -> str:
    """The matrix profile of ``route``'s vehicle."""
    for vehicle in built.problem.vehicles:
        if vehicle.vehicle_id == route.vehicle_id:
            return vehicle.profile
    raise KeyError(route.vehicle_id)


def _leg_km(travel: DayTravel, a: Step, b: Step) -> float:
    return travel.km(step_key(a), step_key(b))


def bus_day(
    usable: UsableVehicle,
    *,
    frozen: Sequence[Step],
    frozen_travel: DayTravel,
    travel: DayTravel,
    tail: Continuation | None,
    depot_start: Stop | None = None,
    day: Day,
) -> VehicleRoute:
    """One bus's route: ``frozen`` steps, then the continuation ``tail`` (or straight back
    to the depot); without frozen steps the continuation is the whole day and
    ``depot_start`` its start.

    Parameters
    ----------
    usable
        The bus.
    frozen
        Its frozen steps (empty for a bus without frozen trips).
    frozen_travel
        The roads of the base plan (legs of the frozen part).
    travel
        The re-plan's roads (legs from the end of the frozen part on).
    tail
        The solver's part of its day (None: none).
    depot_start
        The solver route's start stop, for a bus without frozen steps. Default None.
    day
        The re-plan's day.
    """
    vehicle = usable.vehicle
    legs: list[float] = []
    if frozen:
        steps = list(frozen)
        legs = [_leg_km(frozen_travel, a, b) for a, b in itertools.pairwise(steps)]
        if tail is not None:
            steps += tail.steps
            legs += tail.legs_km
        else:
            end = steps[-1]
            depot = PlaceKey(PlaceKind.DEPOT, vehicle.depot_id)
            minutes = travel.minutes(step_key(end), depot)
            back = end.departure + dt.timedelta(seconds=round(minutes * 60.0))
            steps.append(Step(StepKind.RETURN_DEPOT, vehicle.depot_id, None, back, back, back, 0))
            legs.append(travel.km(step_key(end), depot))
    else:
        if tail is None or depot_start is None:
            raise ValueError(f"bus {vehicle.vehicle_id}: a route needs frozen steps or a tail")
        leave = _moment(day, depot_start.departure_s)
        first = Step(StepKind.LEAVE_DEPOT, vehicle.depot_id, None, leave, leave, leave, 0)
        steps = [first, *tail.steps]
        legs = list(tail.legs_km)
    loaded = sum(km for step, km in zip(steps, legs, strict=False) if step.on_board > 0)
    trip_ids = [s.trip_id for s in steps if s.kind is StepKind.BOARD and s.trip_id is not None]
    return bus_route(usable, steps, trip_ids, distance_km=sum(legs), loaded_km=loaded)
