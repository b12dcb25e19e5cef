"""Repair after the search: insert unserved jobs wherever a vehicle can still take them.

A time-limited search may leave a job out that an idle vehicle, or a gap in a route, could
still serve. Before unserved jobs are explained, each servable one (largest first) goes to its
cheapest feasible place — a whole new route of an idle vehicle, or any pickup/delivery
position pair in a used route — checked for capacity, on-board limits, board keys and exact
timing (``routing.solver_schedule.build_route``). What is left then really has no place.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np

from routing.diagnose import Servability, job_penalty
from routing.problem import Job, Problem, Route, StopKind, VehicleSpec
from routing.solver_schedule import Visit, build_route

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
    load = np.zeros(len(vehicle.capacity), dtype=np.int64)
    cap = np.asarray(vehicle.capacity, dtype=np.int64)
    aboard: dict[str, str | None] = {}
    for visit in visits:
        job = visit.job
        if visit.pickup:
            load += np.asarray(job.amount, dtype=np.int64)
            keys = {k for k in aboard.values() if k is not None}
            if job.board_key is not None and keys - {job.board_key}:
                return False
            aboard[job.job_id] = job.board_key
            if (load > cap).any():
                return False
            if vehicle.max_onboard_jobs is not None and len(aboard) > vehicle.max_onboard_jobs:
                return False
        else:
            load -= np.asarray(job.amount, dtype=np.int64)
            aboard.pop(job.job_id, None)
    return True


def best_insertion(
    problem: Problem, vehicle: VehicleSpec, visits: Sequence[Visit], job: Job
) -> Route | None:
    """The cheapest feasible route of ``vehicle`` with ``job`` inserted into ``visits``."""
    best: Route | None = None
    n = len(visits)
    for i in range(n + 1):
        for j in range(i, n + 1):
            trial = [*visits[:i], Visit(job, True), *visits[i:j], Visit(job, False), *visits[j:]]
            if not loads_fit(vehicle, trial):
                continue
            route = build_route(problem, vehicle, trial)
            if route is not None and (best is None or route.cost < best.cost):
                best = route
    return best


def insert_unassigned(
    problem: Problem,
    routes: Sequence[Route],
    unassigned: Sequence[str],
    servability: Mapping[str, Servability],
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
        ``routing.diagnose.servable(problem)``: which vehicles could serve each job alone.

    Returns
    -------
    list[Route]
        The routes, changed where a job was inserted, plus new routes of idle vehicles.
    """
    jobs = {j.job_id: j for j in problem.jobs}
    by_vehicle = {r.vehicle_id: r for r in routes}
    order = {j.job_id: k for k, j in enumerate(problem.jobs)}
    pending = sorted(unassigned, key=lambda j: (-job_penalty(problem, jobs[j]), order[j]))
    for job_id in pending:
        job = jobs[job_id]
        best: tuple[int, Route] | None = None
        for v in servability[job_id].vehicles:
            vehicle = problem.vehicles[v]
            current = by_vehicle.get(vehicle.vehicle_id)
            visits = visits_of(current, jobs) if current is not None else []
            route = best_insertion(problem, vehicle, visits, job)
            if route is None:
                continue
            added = route.cost - (current.cost if current else -problem.vehicle_weight)
            if best is None or added < best[0]:
                best = (added, route)
        if best is not None and best[0] < job_penalty(problem, job):
            logger.info("repair: inserted %s into %s", job_id, best[1].vehicle_id)
            by_vehicle[best[1].vehicle_id] = best[1]
    return list(by_vehicle.values())
