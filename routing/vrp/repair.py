"""Repair after the search: insert unserved jobs wherever a vehicle can still take them.

A time-limited search may leave a job out that an idle vehicle, or a gap in a route, could
still serve. Before unserved jobs are explained, each servable one (largest first) goes to its
cheapest feasible place — a whole new route of an idle vehicle, or any pickup/delivery
position pair in a used route — checked for capacity, on-board limits, board keys and exact
timing (``routing.vrp.schedule.build_route``). What is left then really has no place.

Only positions that pass two cheap necessary conditions are timed exactly: the loads along
the route, and the earliest arrival at the pickup against its window (earliest service
starts of the route, from its depot at the start of the shift). Idle vehicles that are alike
(same depot, capacity, shift and costs) are tried once.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence

from routing.vrp.problem import Job, Problem, Route, StopKind, VehicleSpec
from routing.vrp.schedule import Visit, build_route
from routing.vrp.servability import Servability

logger = logging.getLogger(__name__)


def visits_of(route: Route, jobs: Mapping[str, Job]) -> list[Visit]:
    """The job stops of a route, in driving order."""
    return [
        Visit(jobs[s.job_id], s.kind is StopKind.PICKUP)
        for s in route.stops[1:-1]
        if s.job_id is not None
    ]


def loads_fit(vehicle: VehicleSpec, visits: Sequence[Visit]) -> bool:
    """Capacity, on-board job limit and board keys hold all along ``visits``."""
    load = [0] * len(vehicle.capacity)
    aboard: dict[str, str | None] = {}
    for visit in visits:
        job = visit.job
        if visit.pickup:
            if job.board_key is not None and any(
                k is not None and k != job.board_key for k in aboard.values()
            ):
                return False
            aboard[job.job_id] = job.board_key
            for d, amount in enumerate(job.amount):
                load[d] += amount
                if load[d] > vehicle.capacity[d]:
                    return False
            if vehicle.max_onboard_jobs is not None and len(aboard) > vehicle.max_onboard_jobs:
                return False
        else:
            for d, amount in enumerate(job.amount):
                load[d] -= amount
            aboard.pop(job.job_id, None)
    return True


def _earliest(problem: Problem, vehicle: VehicleSpec, visits: Sequence[Visit]) -> list[int]:
    """Earliest departure from the depot (0) and from each stop (windows and travel only)."""
    t = problem.matrices[vehicle.profile].time_s
    leave = [vehicle.shift.start]
    here, time = vehicle.start, vehicle.shift.start
    for visit in visits:
        window = visit.job.pickup_window if visit.pickup else visit.job.delivery_window
        time = max(time + int(t[here, visit.location]), window.start) + visit.service_s
        here = visit.location
        leave.append(time)
    return leave


def best_insertion(
    problem: Problem, vehicle: VehicleSpec, visits: Sequence[Visit], job: Job
) -> Route | None:
    """The cheapest feasible route of ``vehicle`` with ``job`` inserted into ``visits``."""
    t = problem.matrices[vehicle.profile].time_s
    reachable = problem.matrices[vehicle.profile].reachable
    leave = _earliest(problem, vehicle, visits)
    places = [vehicle.start, *(v.location for v in visits)]
    best: Route | None = None
    n = len(visits)
    for i in range(n + 1):
        if not reachable[places[i], job.pickup]:
            continue
        if leave[i] + int(t[places[i], job.pickup]) > job.pickup_window.end:
            continue
        for j in range(i, n + 1):
            carried = [*visits[:i], Visit(job, True), *visits[i:j]]
            if not loads_fit(vehicle, carried):
                break  # carrying the job past more stops only gets worse
            trial = [*carried, Visit(job, False), *visits[j:]]
            if not loads_fit(vehicle, trial):
                continue
            route = build_route(problem, vehicle, trial)
            if route is not None and (best is None or route.cost < best.cost):
                best = route
    return best


def _alike(vehicle: VehicleSpec) -> tuple[object, ...]:
    """Everything about a vehicle but its id."""
    return tuple(
        getattr(vehicle, f.name) for f in dataclasses.fields(vehicle) if f.name != "vehicle_id"
    )


def insert_unassigned(
    problem: Problem,
    routes: Sequence[Route],
    unassigned: Sequence[str],
    servability: Mapping[str, Servability],
    *,
    deadline: float | None = None,
) -> list[Route]:
    """Routes with as many of the ``unassigned`` jobs inserted as fit (largest first).

    Parameters
    ----------
    problem
        The instance.
    routes
        The solver's routes.
    unassigned
        Ids of the jobs it left out.
    servability
        ``routing.vrp.servability.servable(problem)``: which vehicles could serve each job alone.
    deadline
        ``time.monotonic()`` after which no further job is tried. Default None (no limit).

    Returns
    -------
    list[Route]
        The routes, changed where a job was inserted, plus new routes of idle vehicles.
    """
    jobs = {j.job_id: j for j in problem.jobs}
    by_vehicle = {r.vehicle_id: r for r in routes}
    order = {j.job_id: k for k, j in enumerate(problem.jobs)}
    pending = sorted(unassigned, key=lambda j: (-problem.penalty(jobs[j]), order[j]))
    for job_id in pending:
        if deadline is not None and time.monotonic() > deadline:
            logger.info("repair: stopped at the time limit with %s", job_id)
            break
        job = jobs[job_id]
        best: tuple[int, Route] | None = None
        tried_idle: set[tuple[object, ...]] = set()
        for v in servability[job_id].vehicles:
            vehicle = problem.vehicles[v]
            current = by_vehicle.get(vehicle.vehicle_id)
            if current is None:
                kind = _alike(vehicle)
                if kind in tried_idle:
                    continue
                tried_idle.add(kind)
            visits = visits_of(current, jobs) if current is not None else []
            route = best_insertion(problem, vehicle, visits, job)
            if route is None:
                continue
            added = route.cost - (current.cost if current else -problem.vehicle_weight)
            if best is None or added < best[0]:
                best = (added, route)
        if best is not None and best[0] < problem.penalty(job):
            logger.info("repair: inserted %s into %s", job_id, best[1].vehicle_id)
            by_vehicle[best[1].vehicle_id] = best[1]
    return list(by_vehicle.values())
