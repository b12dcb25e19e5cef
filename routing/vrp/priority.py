"""Priority repair: an unserved shipment takes the place of lower-priority ones on a truck.

A time-limited search can leave a high-priority shipment out while a truck carries cargo of a
lower rank that it could drop for it (the penalties say it should: one shipment of a higher
rank outweighs all lower-rank ones together, see ``dispatch.supply.truck_problem.cargo_weights``).
Insertion repair (``routing.vrp.repair``) only fills gaps; here, for each unserved job, highest
penalty first, every route that may take it is tried with one lower-penalty job removed, then
with all of them removed; the best exchange by net objective wins. The removed jobs then get
an ordinary insertion attempt anywhere. Every route is timed exactly
(``routing.vrp.schedule.build_route`` through ``routing.vrp.repair.best_insertion``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.vrp.problem import Job, Problem, Route
from routing.vrp.repair import best_insertion, insert_unassigned, visits_of
from routing.vrp.schedule import Visit
from routing.vrp.servability import Servability

logger = logging.getLogger(__name__)

MAX_ROUNDS_PER_JOB = 4


@dataclass(frozen=True, slots=True)
class _Exchange:
    """A route serving ``job`` instead of ``dropped``, and the objective it saves."""

    gain: int
    route: Route
    dropped: tuple[str, ...]


def _without(visits: Sequence[Visit], dropped: set[str]) -> list[Visit]:
    return [v for v in visits if v.job.job_id not in dropped]


def _best_exchange(
    problem: Problem, job: Job, route: Route, jobs: Mapping[str, Job], vehicle: int
) -> _Exchange | None:
    """The best way for ``route`` to take ``job`` by dropping lower-penalty jobs."""
    spec = problem.vehicles[vehicle]
    penalty = problem.penalty(job)
    visits = visits_of(route, jobs)
    order = {v.job.job_id: k for k, v in enumerate(visits)}
    lower = sorted(
        {v.job.job_id for v in visits if problem.penalty(v.job) < penalty},
        key=lambda j: (problem.penalty(jobs[j]), order[j]),
    )
    options = [{j} for j in lower] + ([set(lower)] if len(lower) > 1 else [])
    best: _Exchange | None = None
    for dropped in options:
        trial = best_insertion(problem, spec, _without(visits, dropped), job)
        if trial is None:
            continue
        lost = sum(problem.penalty(jobs[j]) for j in dropped)
        gain = penalty - lost - (trial.cost - route.cost)
        if gain > 0 and (best is None or gain > best.gain):
            best = _Exchange(gain, trial, tuple(sorted(dropped)))
    return best


def prefer_priority(
    problem: Problem,
    routes: Sequence[Route],
    unassigned: Sequence[str],
    servability: Mapping[str, Servability],
    *,
    deadline: float | None = None,
) -> list[Route]:
    """Routes after exchanging lower-priority jobs for unserved higher-priority ones.

    Parameters
    ----------
    problem
        The instance (drop penalties by priority).
    routes
        Routes after the search and insertion repair.
    unassigned
        Job ids they leave out.
    servability
        ``routing.vrp.servability.servable(problem)``.
    deadline
        ``time.monotonic()`` after which no further job is tried (a day of thousands of
        shipments; the result then depends on the machine's speed). Default None (no limit).

    Returns
    -------
    list[Route]
        The routes, each exchange applied and the dropped jobs re-inserted where they fit.

    Each exchange drops only jobs of lower penalty, so the served set improves in priority
    order and the loop ends; it is also capped at ``MAX_ROUNDS_PER_JOB`` rounds per job.
    """
    jobs = {j.job_id: j for j in problem.jobs}
    index = {v.vehicle_id: k for k, v in enumerate(problem.vehicles)}
    order = {j.job_id: k for k, j in enumerate(problem.jobs)}

    def rank(job_id: str) -> tuple[int, int]:
        return -problem.penalty(jobs[job_id]), order[job_id]

    current = list(routes)
    queue = sorted(unassigned, key=rank)
    for _ in range(MAX_ROUNDS_PER_JOB * max(1, len(problem.jobs))):
        if not queue or (deadline is not None and time.monotonic() > deadline):
            break
        job_id = queue.pop(0)
        current = insert_unassigned(problem, current, [job_id], servability)
        if any(s.job_id == job_id for r in current for s in r.stops):
            continue
        best: _Exchange | None = None
        allowed = set(servability[job_id].vehicles)
        for route in sorted(current, key=lambda r: index[r.vehicle_id]):
            if index[route.vehicle_id] not in allowed:
                continue
            found = _best_exchange(problem, jobs[job_id], route, jobs, index[route.vehicle_id])
            if found is not None and (best is None or found.gain > best.gain):
                best = found
        if best is None:
            continue
        logger.info("priority repair: %s replaces %s", job_id, ", ".join(best.dropped))
        current = [best.route if r.vehicle_id == best.route.vehicle_id else r for r in current]
        queue = sorted([*queue, *best.dropped], key=rank)
    return current
