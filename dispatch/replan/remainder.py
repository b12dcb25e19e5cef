"""The routing problem of what is left to plan, solved from the base plan's routes.

Jobs are the open requests (``dispatch.replan.regroup``), their boarding windows starting no
earlier than the clock time (nobody boards in the past). Vehicles are the usable buses in
their state at the clock time, as ``routing.vrp.decompose`` carries a bus from one time slice
to the next: a bus with frozen trips *continues* from the employer of its last one when its
unloading ends, costs nothing more (its day rate is paid), and must be back at its depot by
the end of its shift and within ``shift_hours`` of its first departure; any other bus is
*fresh* — its own depot, its shift from the clock time on, its day rate plus the vehicle
weight (so one more bus is only taken when needed). A bus that broke down by the clock time
is gone; one that breaks down later works until then.

The solver starts from the base plan (``routing.vrp.WarmStart``): each bus's open trips in
their base order where they still fit, the continuing buses counted as in service — so among
plans with the same unserved workers and buses the one that changes least is found first.

Travel times: while an exit status change is still to come, the re-planned trips must hold
under every status the day still goes through, so each pair of places takes its longest time
over those networks (and is cut where any of them cuts it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.charters.bus_problem import (
    PROFILE,
    Built,
    DayTravel,
    PlaceKey,
    PlaceKind,
    depot_key,
    employer_key,
    objective_weights,
    place_of,
    request_job,
    station_key,
    vehicle_spec,
)
from dispatch.charters.fleet import UsableVehicle
from dispatch.charters.grouping import TripRequest
from dispatch.charters.prepare import Prepared
from dispatch.day import Day
from dispatch.replan.events import VehicleBreakdown
from dispatch.replan.state import BusState, DayState
from routing.errors import SolverError
from routing.network.daynetwork import DayNetwork
from routing.network.matrix import TravelMatrix
from routing.network.speed import Profile
from routing.vrp import Problem, Solution, SolveParams, WarmStart, servable, solve
from routing.vrp.problem import Job, Route, StopKind, TimeWindow, VehicleSpec
from routing.vrp.schedule import Visit, build_route
from routing.vrp.servability import Servability


def travel_over(day: Day, keys: Sequence[PlaceKey], networks: Sequence[DayNetwork]) -> DayTravel:
    """Bus travel between ``keys`` (deduplicated, in a stable order) over ``networks``: each
    pair's longest time and its distance on that network, cut where any network cuts it."""
    order = {PlaceKind.DEPOT: 0, PlaceKind.STATION: 1, PlaceKind.ENTERPRISE: 2}
    unique = sorted(set(keys), key=lambda k: (order[k.kind], k.place_id))
    places = tuple(place_of(day, k) for k in unique)
    matrices = [n.matrix(list(places), profile=Profile.BUS) for n in networks]
    if len(matrices) == 1:
        return DayTravel(tuple(unique), places, matrices[0])
    reachable = np.logical_and.reduce([m.reachable for m in matrices])
    times = np.stack([np.where(m.reachable, m.time_min, -np.inf) for m in matrices])
    worst = np.argmax(times, axis=0)
    rows, cols = np.indices(worst.shape)
    time_min = np.where(reachable, times[worst, rows, cols], np.nan)
    dists = np.stack([m.dist_km for m in matrices])
    dist_km = np.where(reachable, dists[worst, rows, cols], np.nan)
    first = matrices[0]
    combined = TravelMatrix(
        first.source_ids, first.target_ids, Profile.BUS, time_min, dist_km, reachable
    )
    return DayTravel(tuple(unique), places, combined)


@dataclass(frozen=True, slots=True)
class Carried:
    """How a bus enters the re-plan.

    Parameters
    ----------
    usable
        The bus.
    start
        Where it starts: its depot (fresh) or the employer of its last frozen trip.
    free_at
        When it may leave there.
    latest_end
        When it must be back at its depot.
    continues
        Whether it has frozen trips (in service, day rate paid).
    planned_leave, planned_first
        When the base plan has a fresh bus leave its depot, and for which trip (None: it did
        not use it, or it left before the clock time). Default None.
    """

    usable: UsableVehicle
    start: PlaceKey
    free_at: dt.datetime
    latest_end: dt.datetime
    continues: bool
    planned_leave: dt.datetime | None = None
    planned_first: str | None = None


def carried_buses(
    day: Day,
    buses: Sequence[UsableVehicle],
    state: DayState,
    breakdowns: Mapping[str, VehicleBreakdown],
) -> list[Carried]:
    """Each usable bus as it enters the re-plan (gone: left out), in fleet order."""
    at = state.at
    shift = dt.timedelta(hours=day.policy.shift_hours)
    states = {b.vehicle_id: b for b in state.buses}
    out: list[Carried] = []
    for usable in buses:
        breakdown = breakdowns.get(usable.vehicle_id)
        if breakdown is not None and breakdown.time <= at:
            continue
        end = usable.shift_end if breakdown is None else min(usable.shift_end, breakdown.time)
        bus: BusState | None = states.get(usable.vehicle_id)
        last = bus.end if bus is not None else None
        if bus is not None and last is not None:
            latest = min(end, bus.first_departure + shift)
            start = PlaceKey(PlaceKind.ENTERPRISE, last.place_id)
            if latest > last.departure:
                out.append(Carried(usable, start, last.departure, latest, continues=True))
            continue
        free = max(usable.shift_start, at)
        planned = bus.first_departure if bus is not None and bus.released else None
        if end > free:
            if planned is not None and free <= planned < end and bus is not None:
                first = bus.released[0].trip_ids[0]
                out.append(Carried(usable, depot_key(usable), free, end, False, planned, first))
            else:
                out.append(Carried(usable, depot_key(usable), free, end, continues=False))
    return out


def remainder_keys(
    requests: Sequence[TripRequest], carried: Sequence[Carried], state: DayState
) -> list[PlaceKey]:
    """Every place the remainder and the merge of routes need: depots and start places of
    the buses, the requests' stations and employers, where the frozen parts end."""
    keys = [depot_key(c.usable) for c in carried] + [c.start for c in carried]
    keys += [station_key(r) for r in requests] + [employer_key(r) for r in requests]
    for bus in state.buses:
        keys.append(PlaceKey(PlaceKind.DEPOT, bus.route.depot_id))
        if bus.end is not None:
            keys.append(PlaceKey(PlaceKind.ENTERPRISE, bus.end.place_id))
    return keys


def carried_spec(day: Day, carried: Carried, travel: DayTravel, weight: int) -> VehicleSpec:
    """The routing vehicle of a bus as it enters the re-plan (see the module docstring)."""
    spec = vehicle_spec(day, carried.usable, travel)
    window = TimeWindow(day.seconds_of(carried.free_at), day.seconds_of(carried.latest_end))
    if carried.continues:
        return dataclasses.replace(
            spec,
            start=travel.index(carried.start),
            shift=window,
            max_shift_s=None,
            fixed_cost=0,
        )
    return dataclasses.replace(spec, shift=window, fixed_cost=spec.fixed_cost + weight)


def open_job(
    day: Day,
    request: TripRequest,
    travel: DayTravel,
    at: dt.datetime,
    not_before: dt.datetime | None = None,
) -> Job:
    """The routing job of an open request: boarding no earlier than ``at``, nor than
    ``not_before`` (the time announced for a trip kept from the base plan) while its window
    still allows it. Default None."""
    job = request_job(day, request, travel)
    window = job.pickup_window
    start = max(window.start, day.seconds_of(at))
    if not_before is not None:
        start = max(start, min(window.end, day.seconds_of(not_before)))
    return dataclasses.replace(job, pickup_window=TimeWindow(start, window.end))


def warm_start(
    state: DayState,
    jobs: Sequence[Job],
    carried: Sequence[Carried],
    *,
    moved: Collection[str] = (),
) -> WarmStart:
    """The base plan's open trips on their buses, in their order (those that still exist and
    whose window no late train ``moved``: those are placed afresh, so that they, not the
    trips after them, change), and the continuing buses as in service."""
    known = {j.job_id for j in jobs} - set(moved)
    present = {c.usable.vehicle_id for c in carried}
    routes: dict[str, tuple[tuple[str, ...], ...]] = {}
    for bus in state.buses:
        if bus.vehicle_id not in present:
            continue
        trips = [tuple(t for t in block if t in known) for block in bus.released_trips]
        trips = [t for t in trips if t]
        if trips:
            routes[bus.vehicle_id] = tuple(trips)
    in_service = frozenset(c.usable.vehicle_id for c in carried if c.continues)
    return WarmStart(routes, in_service)


@dataclass(frozen=True, slots=True)
class Remainder:
    """The remainder's problem, its solution and the way back to the domain.

    Parameters
    ----------
    built
        The problem with its travel, requests (the open ones) and buses.
    solution
        The solver's answer.
    servability
        Which buses could serve each job alone.
    carried
        The buses as they entered, by plate.
    start
        The warm start the solver was given.
    """

    built: Built
    solution: Solution
    servability: Mapping[str, Servability]
    carried: Mapping[str, Carried]
    start: WarmStart

    def route_of(self, vehicle_id: str) -> Route | None:
        """The solver's route of a bus (None: no new trips), timed to keep the base plan's
        times: a continuing bus goes on as soon as it is free, as its day did; a fresh bus
        the base plan used leaves its depot when planned if it still can, every trip then as
        early as it may be (a kept trip boards when announced, ``open_job``); any other bus
        leaves as late as its trips allow."""
        route = next((r for r in self.solution.routes if r.vehicle_id == vehicle_id), None)
        carried = self.carried[vehicle_id]
        if route is None or not (carried.continues or carried.planned_leave is not None):
            return route
        problem = self.built.problem
        vehicle = next(v for v in problem.vehicles if v.vehicle_id == vehicle_id)
        jobs = {j.job_id: j for j in problem.jobs}
        visits = [
            Visit(jobs[s.job_id], s.kind is StopKind.PICKUP)
            for s in route.stops
            if s.job_id is not None
        ]
        if carried.planned_leave is not None:
            if route.stops[1].job_id != carried.planned_first:
                return route  # its first trip changed: it leaves when that one needs
            leave = self.built.prepared.day.seconds_of(carried.planned_leave)
            planned = dataclasses.replace(vehicle, shift=TimeWindow(leave, vehicle.shift.end))
            timed = build_route(problem, planned, visits, shortest_shift=False)
            return timed if timed is not None else route
        timed = build_route(problem, vehicle, visits, shortest_shift=False)
        if timed is None:
            raise SolverError(f"bus {vehicle_id}: its continuation has no timing (a bug)")
        return timed


def solve_remainder(
    prepared: Prepared,
    requests: Sequence[TripRequest],
    carried: Sequence[Carried],
    state: DayState,
    travel: DayTravel,
    params: SolveParams,
    *,
    warm: bool = True,
    moved: Collection[str] = (),
    announced: Mapping[str, dt.datetime] | None = None,
) -> Remainder:
    """Build the remainder's problem and solve it through ``routing.vrp.solve``.

    Parameters
    ----------
    prepared
        The re-plan's day, screened, fleet-checked and grouped.
    requests
        The open requests.
    carried
        The buses as they enter the re-plan.
    state
        The state at the clock time (the base plan's open trips per bus).
    travel
        Travel between every place the remainder needs (``remainder_keys``).
    params
        The solver's budget.
    warm
        Start from the base plan (False: plan the rest from scratch, for comparison).
        Default True.
    moved
        Open base trips whose window a late train moved (not started from). Default none.
    announced
        The boarding times the base plan announced for its open trips: a trip kept from it
        boards no earlier (on a warm start). Default None.
    """
    day = prepared.day
    plain = [vehicle_spec(day, c.usable, travel) for c in carried]
    weight, penalty = objective_weights(day, plain)
    vehicles = tuple(carried_spec(day, c, travel, weight) for c in carried)
    announced = announced if warm and announced is not None else {}
    jobs = tuple(open_job(day, r, travel, state.at, announced.get(r.request_id)) for r in requests)
    problem = Problem(
        matrices={PROFILE: travel.matrix.to_matrix()},
        jobs=jobs,
        vehicles=vehicles,
        location_names=tuple(str(k) for k in travel.keys),
        vehicle_weight=0,
        drop_penalty=penalty,
    )
    options = servable(problem)
    start = warm_start(state, jobs, carried, moved=moved) if warm else WarmStart({})
    solution = solve(problem, params, servability=options, start=start if warm else None)
    built = Built(
        prepared,
        travel,
        problem,
        {r.request_id: r for r in requests},
        {c.usable.vehicle_id: c.usable for c in carried},
    )
    return Remainder(built, solution, options, {c.usable.vehicle_id: c for c in carried}, start)
