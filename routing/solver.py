"""Solve a pickup-and-delivery problem with OR-Tools: fewest vehicles first, then cost.

Jobs no vehicle can serve are left out before the model (``diagnose.servable``) and the
others restricted to the vehicles that could take them alone. The search runs in phases
within the time limit (and, when ``effort`` is set, a deterministic budget of local-search
solutions): a first solution improved by local search, then fleet minimisation — empty the
lightest route and let the search re-insert its jobs under a hard vehicle limit — as long as
that succeeds. Routes are timed exactly by ``solver_schedule`` (least idle time).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from routing.diagnose import job_penalty, servable
from routing.errors import SolverError
from routing.problem import FirstSolution, Problem, Route, Solution, SolveParams, VehicleSpec
from routing.solver_model import Model, ModelJob
from routing.solver_schedule import Visit, build_route

logger = logging.getLogger(__name__)

_FIRST_PHASE_SHARE = 0.5  # of the budget, for the first solution and its local search
_MIN_PHASE_S = 0.05


@dataclass(frozen=True, slots=True)
class _Incumbent:
    """The best plan so far: visits per vehicle and its objective in model units."""

    routes: tuple[tuple[Visit, ...], ...]
    objective: int

    @property
    def used(self) -> int:
        return sum(1 for r in self.routes if r)

    @property
    def served(self) -> int:
        return sum(len(r) for r in self.routes) // 2


class _Budget:
    """Wall-clock and effort (local-search solutions) left for the remaining phases."""

    def __init__(self, params: SolveParams) -> None:
        self.deadline = time.monotonic() + params.time_limit_s
        self.effort = params.effort

    def seconds(self, share: float = 1.0) -> float:
        return max(_MIN_PHASE_S, (self.deadline - time.monotonic()) * share)

    def exhausted(self) -> bool:
        over_time = time.monotonic() >= self.deadline - _MIN_PHASE_S
        return over_time or (self.effort is not None and self.effort <= 0)

    def solutions(self, share: float = 1.0) -> int | None:
        if self.effort is None:
            return None
        return max(1, int(self.effort * share))

    def spend(self, solutions: int | None) -> None:
        if self.effort is not None and solutions is not None:
            self.effort -= solutions


def solve(problem: Problem, params: SolveParams | None = None) -> Solution:
    """Plan routes for ``problem``: every job served or listed unassigned, never lost.

    Parameters
    ----------
    problem
        The instance.
    params
        Search settings. Default ``SolveParams()`` (30 s, seed 0).

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
    params = params or SolveParams()
    started = time.monotonic()
    budget = _Budget(params)
    options = servable(problem)
    jobs = [
        ModelJob(job, options[job.job_id].vehicles)
        for job in problem.jobs
        if options[job.job_id].vehicles
    ]
    if not jobs:
        status = "no_jobs" if not problem.jobs else "no_servable_jobs"
        return _solution(problem, [], started, status)
    incumbent = _first_phase(problem, jobs, params, budget)
    if problem.vehicle_weight > 0 or any(v.fixed_cost > 0 for v in problem.vehicles):
        incumbent = _minimise_fleet(problem, jobs, params, budget, incumbent)
    routes = [
        _route(problem, problem.vehicles[v], visits)
        for v, visits in enumerate(incumbent.routes)
        if visits
    ]
    timed_out = time.monotonic() - started >= 0.98 * params.time_limit_s
    status = "time_limit" if timed_out else ("effort_limit" if params.effort else "solved")
    return _solution(problem, routes, started, status)


def _first_phase(
    problem: Problem, jobs: Sequence[ModelJob], params: SolveParams, budget: _Budget
) -> _Incumbent:
    model = Model(problem, jobs)
    solutions = budget.solutions(_FIRST_PHASE_SHARE)
    search = model.search_parameters(
        time_limit_s=budget.seconds(_FIRST_PHASE_SHARE),
        solution_limit=solutions,
        first_solution=params.first_solution,
        metaheuristic=params.metaheuristic,
    )
    model.routing.solver().ReSeed(params.seed)
    assignment = model.routing.SolveWithParameters(search)
    budget.spend(solutions)
    if assignment is None:
        raise SolverError(f"OR-Tools found no solution (status {model.routing.status()})")
    incumbent = _Incumbent(tuple(map(tuple, model.visits(assignment))), model.objective(assignment))
    logger.info(
        "first phase: %d vehicles, %d jobs served, objective %d",
        incumbent.used,
        incumbent.served,
        incumbent.objective,
    )
    return incumbent


def _minimise_fleet(
    problem: Problem,
    jobs: Sequence[ModelJob],
    params: SolveParams,
    budget: _Budget,
    incumbent: _Incumbent,
) -> _Incumbent:
    """Empty the lightest route and re-insert its jobs with one vehicle fewer, while it works."""
    failures: set[int] = set()
    while not budget.exhausted() and incumbent.used > 1:
        candidates = [v for v, r in enumerate(incumbent.routes) if r and v not in failures]
        if not candidates:
            break
        victim = min(candidates, key=lambda v: (len(incumbent.routes[v]), v))
        model = Model(problem, jobs, max_active_vehicles=incumbent.used - 1)
        start = [() if v == victim else r for v, r in enumerate(incumbent.routes)]
        initial = model.assignment_from(start)
        if initial is None:
            logger.debug("fleet minimisation: cannot restore routes without vehicle %d", victim)
            failures.add(victim)
            continue
        solutions = budget.solutions(0.25)
        search = model.search_parameters(
            time_limit_s=budget.seconds(0.5),
            solution_limit=solutions,
            first_solution=FirstSolution.AUTOMATIC,
            metaheuristic=params.metaheuristic,
        )
        model.routing.solver().ReSeed(params.seed + len(failures) + 1)
        assignment = model.routing.SolveFromAssignmentWithParameters(initial, search)
        budget.spend(solutions)
        if assignment is None:
            failures.add(victim)
            continue
        trial = _Incumbent(tuple(map(tuple, model.visits(assignment))), model.objective(assignment))
        logger.debug(
            "fleet minimisation: emptying vehicle %d gives %d vehicles, %d served, objective %d",
            victim,
            trial.used,
            trial.served,
            trial.objective,
        )
        if trial.objective < incumbent.objective and trial.served >= incumbent.served:
            logger.info("fleet minimisation: %d -> %d vehicles", incumbent.used, trial.used)
            incumbent, failures = trial, set()
        else:
            failures.add(victim)
    return incumbent


def _route(problem: Problem, vehicle: VehicleSpec, visits: Sequence[Visit]) -> Route:
    route = build_route(problem, vehicle, visits)
    if route is None:
        raise SolverError(
            f"vehicle {vehicle.vehicle_id}: the solver's route has no feasible timing "
            "(a modelling bug)"
        )
    return route


def _solution(problem: Problem, routes: list[Route], started: float, status: str) -> Solution:
    served = {s.job_id for r in routes for s in r.stops if s.job_id is not None}
    unassigned = tuple(j.job_id for j in problem.jobs if j.job_id not in served)
    jobs = {j.job_id: j for j in problem.jobs}
    objective = sum(r.cost for r in routes) + problem.vehicle_weight * len(routes)
    objective += sum(job_penalty(problem, jobs[j]) for j in unassigned)
    return Solution(
        routes=tuple(routes),
        unassigned=unassigned,
        objective=objective,
        wall_time_s=time.monotonic() - started,
        status=status,
    )
