"""The OR-Tools backend: fewest vehicles first, then cost, for any pickup-and-delivery problem.

Used by ``routing.vrp.solver`` for problems the other backends do not model (ride limits with
several jobs on board, board keys, shift limits, allowed-vehicle lists, several profiles) and
for each time slice of a big one. Jobs no vehicle can serve are left out before the model
(``routing.vrp.servability``) and the others restricted to the vehicles that could take them alone.
The search runs in phases within the budget (time limit and, when ``effort`` is set, a
deterministic number of search solutions): an iterated local search (ruin and recreate) on the
full objective (half the budget; under ride limits three quarters, with hotter acceptance: see
``routing.vrp.backends.ortools_model.RIDE_LIMITED``); then fleet reduction — the same jobs with
a hard limit of one vehicle fewer, without the vehicle weight in the objective, as long as that
succeeds; then guided local search from the incumbent at its vehicle count with what is left.
Routes are timed exactly by ``routing.vrp.schedule`` (least idle time).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.errors import SolverError
from routing.vrp.backends.ortools_model import Model, ModelJob
from routing.vrp.budget import Budget
from routing.vrp.problem import (
    FirstSolution,
    Metaheuristic,
    Problem,
    Route,
    Solution,
    SolveParams,
    VehicleSpec,
)
from routing.vrp.schedule import Visit, build_route
from routing.vrp.servability import Servability, servable

logger = logging.getLogger(__name__)

_REDUCE_SHARE = 0.5  # of what is left, for each attempt with one vehicle fewer
# One guided-local-search solution costs about as much search as eight of the iterated local
# search (demo trucks, 37 shipments: 34 ms against 4.5 ms): the guided phase counts its effort
# in those units, so an effort budget ends in about the same time whichever phase spends it.
_GUIDED_STEPS_PER_EFFORT = 1 / 8
_LARGE = 200  # jobs; above, the automatic first solution is local cheapest insertion (faster)


@dataclass(frozen=True, slots=True)
class _Incumbent:
    """A plan: visits per vehicle, its timed routes and its objective in problem units."""

    visits: tuple[tuple[Visit, ...], ...]
    routes: tuple[Route, ...]
    objective: int
    served: frozenset[str]

    @property
    def used(self) -> int:
        return len(self.routes)


def solve_ortools(
    problem: Problem,
    params: SolveParams,
    *,
    servability: Mapping[str, Servability] | None = None,
    repair_s: float = 0.0,
) -> Solution:
    """Plan routes for ``problem``: every job served or listed unassigned, never lost.

    Parameters
    ----------
    problem
        The instance.
    params
        Search settings (time limit, effort, seed, strategies).
    servability
        ``routing.vrp.servability.servable(problem)`` if already computed. Default None (computed).
    repair_s
        Seconds kept before the end of the time limit, once the first phase leaves a
        servable job out, for the caller's repair (``routing.vrp.solver``). Default 0.

    Returns
    -------
    Solution
        Used vehicles' routes with times and loads, unassigned job ids (in problem order),
        the objective in problem cost units (route costs + ``vehicle_weight`` per used
        vehicle + drop penalties), wall time and a status.

    Raises
    ------
    SolverError
        When OR-Tools fails to return any solution (not when jobs cannot be served).
    """
    started = time.monotonic()
    budget = Budget.of(params, started=started)
    options = servability if servability is not None else servable(problem)
    jobs = [
        ModelJob(job, options[job.job_id].vehicles)
        for job in problem.jobs
        if options[job.job_id].vehicles
    ]
    if not jobs:
        status = "no_jobs" if not problem.jobs else "no_servable_jobs"
        return _solution(problem, (), started, status)
    if params.seed:
        random.Random(params.seed).shuffle(jobs)  # a different search path per seed
    incumbent = _first_phase(problem, jobs, params, budget)
    if len(incumbent.served) < len(jobs):
        budget.reserve(repair_s)
    if problem.vehicle_weight > 0 and incumbent.used > 1:
        incumbent = _reduce_fleet(problem, jobs, params, budget, incumbent)
    if incumbent.routes and not budget.exhausted():
        incumbent = _guided(problem, jobs, params, budget, incumbent)
    timed_out = time.monotonic() - started >= 0.98 * params.time_limit_s
    status = "time_limit" if timed_out else ("effort_limit" if params.effort else "solved")
    if not incumbent.routes:
        status = "time_limit:no_first_solution" if timed_out else status
    return _solution(problem, incumbent.routes, started, status)


def _first_phase(
    problem: Problem, jobs: Sequence[ModelJob], params: SolveParams, budget: Budget
) -> _Incumbent:
    """First solution and search on the full objective (vehicles, costs, penalties), with the
    share of the budget that the model's ``ruin_recreate`` settings give it.

    If no first solution appears within its share of the budget (very large problems), the
    rest of the budget goes to a quicker first-solution strategy before giving up.
    """
    model = Model(problem, jobs)
    first = params.first_solution
    if first is FirstSolution.AUTOMATIC and len(jobs) > _LARGE:
        first = FirstSolution.LOCAL_CHEAPEST_INSERTION
    share = model.ruin_recreate.share
    solutions = budget.portion(share)
    assignment = model.search(
        time_limit_s=budget.seconds(share),
        solution_limit=solutions,
        first_solution=first,
        metaheuristic=params.metaheuristic,
    )
    budget.spend(solutions)
    if assignment is None and not budget.exhausted():
        logger.warning("no first solution in time for %d jobs; trying a quicker one", len(jobs))
        model = Model(problem, jobs)
        assignment = model.search(
            time_limit_s=budget.seconds(),
            solution_limit=budget.portion(),
            first_solution=FirstSolution.PATH_CHEAPEST_ARC,
            metaheuristic=params.metaheuristic,
        )
        budget.spend(budget.portion())
    if assignment is None:  # the time limit came first: nothing served, and the plan says so
        logger.warning(
            "OR-Tools found no first solution for %d jobs and %d vehicles within %g s",
            len(jobs),
            len(problem.vehicles),
            params.time_limit_s,
        )
        return _incumbent(problem, [[] for _ in problem.vehicles])
    incumbent = _incumbent(problem, model.visits(assignment))
    logger.info(
        "first phase: %d vehicles, %d jobs served, objective %d",
        incumbent.used,
        len(incumbent.served),
        incumbent.objective,
    )
    return incumbent


def _reduce_fleet(
    problem: Problem,
    jobs: Sequence[ModelJob],
    params: SolveParams,
    budget: Budget,
    incumbent: _Incumbent,
) -> _Incumbent:
    """Serve the same jobs with one vehicle fewer, again and again while that works.

    Each attempt searches afresh with a hard limit on used vehicles and without
    ``vehicle_weight`` in the objective (huge vehicle weights and penalties distort the
    search's acceptance and penalty steps, which scale with the objective). A result
    replaces the incumbent only if it serves the same jobs.
    """
    lean = dataclasses.replace(problem, vehicle_weight=0)
    served = [mj for mj in jobs if mj.job.job_id in incumbent.served]
    while not budget.exhausted() and incumbent.used > 1:
        trial = _search_limited(
            lean, served, params, budget, vehicles=incumbent.used - 1, share=_REDUCE_SHARE
        )
        if trial is None or trial.served != incumbent.served:
            break
        logger.info("fleet reduction: %d -> %d vehicles", incumbent.used, trial.used)
        incumbent = _incumbent(problem, trial.visits)
    return incumbent


def _guided(
    problem: Problem,
    jobs: Sequence[ModelJob],
    params: SolveParams,
    budget: Budget,
    incumbent: _Incumbent,
) -> _Incumbent:
    """Spend what is left on guided local search from the incumbent; keep the better plan.

    The iterated local search cannot start from a given solution and is deterministic: a
    second run on the same model retraces the first one's path for less time (measured on
    the Cordeau DARP instances: 5, 10 and 15 s end at the same routes). Guided local search
    starts from the incumbent instead and leaves the local optimum the ruin-and-recreate
    search stopped in by penalising the arcs it uses (on the DARP benchmark at 30 s it closes
    the gap to the optimum on instances up to 48 users where the ruin-and-recreate search
    stagnates, and narrows it on the larger ones). With a vehicle weight, the incumbent's
    vehicle count is a hard limit and the weight leaves the objective (see ``_reduce_fleet``).
    An explicitly chosen metaheuristic is kept.
    """
    served = [mj for mj in jobs if mj.job.job_id in incumbent.served]
    limit: int | None = None
    target = problem
    if problem.vehicle_weight > 0:
        target = dataclasses.replace(problem, vehicle_weight=0)
        limit = incumbent.used
    model = Model(target, served, max_active_vehicles=limit)
    initial = model.assignment_from(incumbent.visits)
    if initial is None:  # cannot happen for the incumbent's own routes; keep it regardless
        logger.warning("the incumbent's routes do not load into a fresh model; kept as they are")
        return incumbent
    meta = params.metaheuristic
    if meta is Metaheuristic.AUTOMATIC:
        meta = Metaheuristic.GUIDED_LOCAL_SEARCH
    effort = budget.portion()
    solutions = None if effort is None else max(1, int(effort * _GUIDED_STEPS_PER_EFFORT))
    assignment = model.search(
        time_limit_s=budget.seconds(),
        solution_limit=solutions,
        metaheuristic=meta,
        initial=initial,
    )
    budget.spend(effort)
    if assignment is None:
        return incumbent
    trial = _incumbent(problem, model.visits(assignment))
    if trial.served != incumbent.served:
        return incumbent
    if trial.objective < incumbent.objective:
        logger.info("guided search: objective %d -> %d", incumbent.objective, trial.objective)
        return trial
    return incumbent


def _search_limited(
    problem: Problem,
    jobs: Sequence[ModelJob],
    params: SolveParams,
    budget: Budget,
    *,
    vehicles: int | None,
    share: float,
) -> _Incumbent | None:
    model = Model(problem, jobs, max_active_vehicles=vehicles)
    solutions = budget.portion(share)
    assignment = model.search(
        time_limit_s=budget.seconds(share),
        solution_limit=solutions,
        first_solution=params.first_solution,
        metaheuristic=params.metaheuristic,
    )
    budget.spend(solutions)
    return None if assignment is None else _incumbent(problem, model.visits(assignment))


def _incumbent(problem: Problem, visits: Sequence[Sequence[Visit]]) -> _Incumbent:
    routes = tuple(
        _route(problem, problem.vehicles[v], stops) for v, stops in enumerate(visits) if stops
    )
    served = frozenset(s.job_id for r in routes for s in r.stops if s.job_id is not None)
    objective = problem.objective(routes)
    return _Incumbent(tuple(map(tuple, visits)), routes, objective, served)


def _route(problem: Problem, vehicle: VehicleSpec, visits: Sequence[Visit]) -> Route:
    route = build_route(problem, vehicle, visits)
    if route is None:
        raise SolverError(
            f"vehicle {vehicle.vehicle_id}: the solver's route has no feasible timing "
            "(a modelling bug)"
        )
    return route


def _solution(problem: Problem, routes: Sequence[Route], started: float, status: str) -> Solution:
    return Solution.of(problem, routes, wall_time_s=time.monotonic() - started, status=status)
