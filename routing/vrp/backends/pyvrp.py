"""Solve plain pickup-and-delivery problems with PyVRP: fewest vehicles first, then cost.

A second backend beside OR-Tools, chosen by ``routing.vrp.solver`` only for problems whose every
feature PyVRP 0.14 models exactly (``routing.vrp.features.pyvrp_unsupported`` names the
others): one vehicle profile, no allowed-vehicle lists, ride limits, board keys, on-board limits,
shift-length limits or per-hour costs. Jobs become PyVRP shipments, or clients with a
delivery amount when every job is loaded at the vehicles' common start depot (VRPTW).

The search runs in phases within the time limit (and, when ``effort`` is set, a
deterministic budget of iterations): a short PyVRP iterated local search on the full
objective (a fixed cost per vehicle above any total distance puts vehicles first); then route
elimination with an ejection pool (``routing.vrp.backends.ejection``), which removes routes
one at a time where PyVRP's penalised search alone leaves the last one; then fleet
minimisation in PyVRP — the fleet capped at one vehicle fewer, seeded with where the ejection
pool came closest (or the incumbent without one of its routes), until the penalised search
finds a feasible plan, again while that works and more than ``_POLISH_RESERVE`` of the
budget is left; then a polish of the incumbent at its vehicle count with what is left (at
least that reserve): record-to-record travel on PyVRP's perturbation and local search.
Jobs no vehicle can serve alone (``routing.vrp.servability``) never enter the model; if the
others cannot all be served, or a drop penalty is below what serving may cost, a
prize-collecting run (prizes = drop penalties) leaves some out. Routes are timed by
``solver_schedule`` and returned as OR-Tools' are.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyvrp
from pyvrp.constants import MAX_VALUE
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams
from pyvrp.search import (
    OPERATORS,
    LocalSearch,
    NeighbourhoodParams,
    PerturbationManager,
    PerturbationParams,
    compute_neighbours,
)
from pyvrp.stop import FirstFeasible, MaxIterations, MultipleCriteria
from pyvrp.stop.StoppingCriterion import StoppingCriterion

from routing.errors import SolverError
from routing.vrp.backends.ejection import PlannedRoute, eliminate_routes
from routing.vrp.budget import Budget
from routing.vrp.features import pyvrp_unsupported
from routing.vrp.problem import Job, Problem, Route, Solution, SolveParams, StopKind, VehicleSpec
from routing.vrp.schedule import Visit, build_route
from routing.vrp.servability import Servability, servable

logger = logging.getLogger(__name__)

ITERATIONS_PER_EFFORT = 20  # PyVRP iterations per unit of ``SolveParams.effort``
_FIRST_SHARE = 0.15  # of the budget: the first search on the full objective
_REDUCE_SHARE = 0.5  # of what is left above the polish reserve, per fleet-reduction attempt
_EJECTION_SHARE = 0.45  # of what is left after the first search, for the ejection pool
_POLISH_RESERVE = 0.3  # of the whole budget, kept for the polish while reductions fail
_MIN_PHASE_S = 0.02
_MARGIN_S, _MARGIN_SHARE = 0.6, 0.02  # kept from the time limit for timing routes
_PENALTY_CAP_FACTOR = 4  # highest penalty per unit of violation, in vehicle costs or prizes
# The polish accepts a plan up to this share above the best one's cost, shrinking linearly to
# nothing by its end (record-to-record travel). PyVRP's late acceptance is no use there: started
# from a local optimum its history holds only that cost, so it never accepts a worse plan
# and stays where it began (Solomon R209, RC204: not one better plan in 24 s); with 5 % their
# polish ends 0.4 % and 0.0 % above the best known (9 s trials from the same incumbents, mean
# of three seeds). 5 % measured best of 0-12 % on ten instances.
_POLISH_THRESHOLD = 0.05


@dataclass(frozen=True, slots=True)
class _Model:
    """PyVRP data for a set of jobs, and the way back to our jobs and vehicles."""

    data: pyvrp.ProblemData
    jobs: tuple[Job, ...]  # by PyVRP client index (depot-loaded) or shipment index
    types: tuple[tuple[VehicleSpec, ...], ...]  # vehicles per PyVRP vehicle type
    loaded: bool  # jobs are clients delivered from the depot (VRPTW)
    dominant: bool  # every drop penalty exceeds a vehicle's cost and any total distance
    weight: int  # the vehicle weight in each vehicle type's fixed cost
    fewest: int  # vehicles any plan of these jobs needs at least (``fewest_vehicles``)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A PyVRP solution, its timed routes and what it serves."""

    best: pyvrp.Solution
    routes: tuple[Route, ...]
    served: frozenset[str]

    @property
    def used(self) -> int:
        return len(self.routes)


class _Until:
    """Stopping criterion: a point in ``time.monotonic()`` (includes PyVRP's set-up time)."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self, best_cost: float) -> bool:
        return time.monotonic() >= self.at


def _stop(budget: Budget, share: float, *, first_feasible: bool = False) -> StoppingCriterion:
    """A criterion for a phase with ``share`` of what is left (time and iterations)."""
    criteria: list[StoppingCriterion] = [_Until(time.monotonic() + budget.seconds(share))]
    iterations = budget.take(share)
    if iterations is not None:
        criteria.append(MaxIterations(iterations))
    if first_feasible:
        criteria.append(FirstFeasible())
    return MultipleCriteria(criteria)


def solve_pyvrp(
    problem: Problem,
    params: SolveParams,
    *,
    servability: Mapping[str, Servability] | None = None,
    repair_s: float = 0.0,
) -> Solution:
    """Plan routes for ``problem`` with PyVRP: every job served or listed unassigned.

    Parameters
    ----------
    problem
        The instance; must have no feature in ``routing.vrp.features.pyvrp_unsupported``.
    params
        Time limit, seed and effort.
    servability
        ``routing.vrp.servability.servable(problem)`` if already computed. Default None (computed).
    repair_s
        Seconds kept before the end of the time limit, once the search cannot serve every
        servable job, for the caller's repair (``routing.vrp.solver``). Default 0.

    Returns
    -------
    Solution
        As ``routing.vrp.solver`` returns it: used vehicles' routes, unassigned job
        ids in
        problem order, the objective in problem cost units, wall time and a status.

    Raises
    ------
    SolverError
        When the problem has a feature this backend does not model, or PyVRP returns a
        route that has no feasible timing (a modelling bug).
    """
    started = time.monotonic()
    missing = pyvrp_unsupported(problem)
    if missing:
        raise SolverError(f"the PyVRP backend does not model {', '.join(missing)}")
    budget = Budget.of(
        params,
        started=started,
        steps_per_effort=ITERATIONS_PER_EFFORT,
        min_phase_s=_MIN_PHASE_S,
    )
    budget.reserve(min(_MARGIN_S, _MARGIN_SHARE * params.time_limit_s))  # timing the routes
    options = servability if servability is not None else servable(problem)
    jobs = tuple(j for j in problem.jobs if options[j.job_id].vehicles)
    if not jobs:
        status = "no_jobs" if not problem.jobs else "no_servable_jobs"
        return _solution(problem, (), started, status)
    model = _model(problem, jobs, required=True)
    plan: _Plan | None = None
    if model.dominant:  # serving any job beats any saving: search with every job required
        result = _run(model.data, _stop(budget, _FIRST_SHARE), seed=params.seed)
        if result.best.is_feasible():
            timing = time.monotonic()
            plan = _plan(problem, model, result.best)
            # timing the final routes takes as long again: keep twice that (large problems)
            budget.reserve(2 * (time.monotonic() - timing))
            logger.info("PyVRP first phase: %d vehicles for %d jobs", plan.used, len(jobs))
            if problem.vehicle_weight > 0:
                plan, near = _eliminate(problem, model, params, budget, plan)
                plan = _reduce_fleet(problem, model, params, budget, plan, near=near)
            if not budget.exhausted():
                plan = _polish(problem, model, params, budget, plan)
        else:
            logger.info("PyVRP could not serve all %d jobs; some are left out", len(jobs))
    if plan is None:
        budget.reserve(repair_s)
        optional = _model(problem, jobs, required=False)
        result = _run(optional.data, _stop(budget, 1.0), seed=params.seed)
        plan = _plan(problem, optional, result.best)
    timed_out = time.monotonic() - started >= 0.98 * params.time_limit_s
    status = "time_limit" if timed_out else ("effort_limit" if params.effort else "solved")
    return _solution(problem, plan.routes, started, f"pyvrp_{status}")


def _reduce_fleet(
    problem: Problem,
    model: _Model,
    params: SolveParams,
    budget: Budget,
    plan: _Plan,
    *,
    near: Sequence[PlannedRoute] = (),
) -> _Plan:
    """Serve the same jobs with one vehicle fewer, again and again while that works.

    Each attempt caps the fleet at the incumbent's routes minus one of them, starts from the
    incumbent without that route (its jobs missing, so PyVRP's penalised search reinserts
    them) and stops at the first feasible plan. The first attempt starts instead from
    ``near`` when given: routes one fewer that miss only a few jobs (where the ejection pool
    got to). A failed attempt is not the end: the next one removes the next route in order
    of size (the smallest first, as the likeliest to fit elsewhere) with another seed, until
    only ``_POLISH_RESERVE`` of the whole budget is left for the polish.
    """
    attempt = 0
    while plan.used > model.fewest and not budget.exhausted():
        left = _fraction_left(budget, params)
        if left <= _POLISH_RESERVE:
            break
        if attempt == 0 and near:
            counts = [0] * model.data.num_vehicle_types
            for planned in near:
                counts[_type_of(problem, model, planned)] += 1
            capped = _capped(model, counts)
            seed = pyvrp.Solution(capped, _to_pyvrp(problem, model, capped, near))
            near = ()
        else:
            routes = sorted(plan.best.routes(), key=lambda r: (len(r), r.distance()))
            removed = attempt % len(routes)
            kept = routes[:removed] + routes[removed + 1 :]
            counts = [0] * model.data.num_vehicle_types
            for route in kept:
                counts[route.vehicle_type()] += 1
            capped = _capped(model, counts)
            seed = pyvrp.Solution(capped, [_copy_route(capped, r) for r in kept])
        share = _REDUCE_SHARE * (left - _POLISH_RESERVE) / left
        stop = _stop(budget, share, first_feasible=True)
        result = _run(capped, stop, seed=params.seed + attempt, initial=seed)
        attempt += 1
        if not result.best.is_feasible():
            continue
        trial = _plan(problem, model, result.best)
        if trial.served != plan.served or trial.used >= plan.used:
            continue
        logger.info(
            "PyVRP fleet reduction: %d -> %d vehicles (attempt %d)", plan.used, trial.used, attempt
        )
        plan, attempt = trial, 0
    return plan


def _eliminate(
    problem: Problem, model: _Model, params: SolveParams, budget: Budget, plan: _Plan
) -> tuple[_Plan, list[PlannedRoute]]:
    """Fewer routes by the ejection pool (``routing.vrp.backends.ejection``) with
    ``_EJECTION_SHARE`` of what is left; the result goes back into PyVRP as its routes.

    Returns the plan and, when the last elimination failed, the routes it came closest with
    (one fewer, a few jobs missing) for the PyVRP reduction to start from.
    """
    vehicle_index = {v.vehicle_id: i for i, v in enumerate(problem.vehicles)}
    position = {job.job_id: k for k, job in enumerate(model.jobs)}
    routes = [
        PlannedRoute(
            vehicle_index[route.vehicle_id],
            tuple(
                Visit(model.jobs[position[stop.job_id]], stop.kind is StopKind.PICKUP)
                for stop in route.stops
                if stop.job_id is not None
            ),
        )
        for route in plan.routes
    ]
    found = eliminate_routes(
        problem,
        model.jobs,
        routes,
        budget,
        seed=params.seed,
        share=_EJECTION_SHARE,
        fewest=model.fewest,
    )
    if len(found.plan) >= plan.used:
        return plan, found.partial
    solution = pyvrp.Solution(model.data, _to_pyvrp(problem, model, model.data, found.plan))
    if not solution.is_feasible():
        logger.warning("the ejection pool's plan is not feasible for PyVRP (a bug); not used")
        return plan, []
    trial = _plan(problem, model, solution)
    if trial.served != plan.served or trial.used >= plan.used:
        return plan, []
    logger.info("ejection pool: %d -> %d vehicles", plan.used, trial.used)
    return trial, found.partial


def _type_of(problem: Problem, model: _Model, planned: PlannedRoute) -> int:
    """The PyVRP vehicle type of a planned route's vehicle."""
    vehicle_id = problem.vehicles[planned.vehicle].vehicle_id
    return next(
        t for t, group in enumerate(model.types) if any(v.vehicle_id == vehicle_id for v in group)
    )


def _to_pyvrp(
    problem: Problem, model: _Model, data: pyvrp.ProblemData, planned: Sequence[PlannedRoute]
) -> list[pyvrp.Route]:
    """Planned routes as PyVRP routes of ``data`` (the model or a copy with other fleet sizes)."""
    position = {job.job_id: k for k, job in enumerate(model.jobs)}
    out = []
    for route in planned:
        activities = []
        for visit in route.visits:
            k = position[visit.job.job_id]
            if model.loaded:
                if not visit.pickup:
                    activities.append(pyvrp.Activity(pyvrp.ActivityType.CLIENT, k))
            else:
                kind = pyvrp.ActivityType.PICKUP if visit.pickup else pyvrp.ActivityType.DELIVERY
                activities.append(pyvrp.Activity(kind, k))
        out.append(pyvrp.Route(data, activities, _type_of(problem, model, route)))
    return out


def _fraction_left(budget: Budget, params: SolveParams) -> float:
    """Share of the whole budget still left: effort when it is counted (deterministic), else
    time."""
    if budget.effort is not None and params.effort is not None:
        return max(0.0, budget.effort / (params.effort * ITERATIONS_PER_EFFORT))
    return max(0.0, budget.left_s() / params.time_limit_s)


def _polish(
    problem: Problem, model: _Model, params: SolveParams, budget: Budget, plan: _Plan
) -> _Plan:
    """Spend what is left improving the incumbent at its vehicle count; keep the better plan."""
    counts = [0] * model.data.num_vehicle_types
    for route in plan.best.routes():
        counts[route.vehicle_type()] += 1
    capped = _capped(model, counts)
    seed = pyvrp.Solution(capped, [_copy_route(capped, r) for r in plan.best.routes()])
    best = _record_to_record(capped, seed, budget, seed=params.seed + 1)
    if not best.is_feasible():
        return plan
    trial = _plan(problem, model, best)
    better = _objective(problem, trial.routes) < _objective(problem, plan.routes)
    return trial if trial.served == plan.served and better else plan


def _capped(model: _Model, counts: Sequence[int]) -> pyvrp.ProblemData:
    """The model with at most ``counts[k]`` vehicles of type k and no vehicle weight.

    With the fleet capped, the weight would only reward emptying routes at the price of
    time warp; without it, PyVRP's default penalty range applies (see ``_run``).
    """
    return model.data.replace(
        vehicle_types=[
            vt.replace(num_available=max(1, counts[k]), fixed_cost=vt.fixed_cost - model.weight)
            for k, vt in enumerate(model.data.vehicle_types())
        ]
    )


def _run(
    data: pyvrp.ProblemData,
    stop: StoppingCriterion,
    *,
    seed: int,
    initial: pyvrp.Solution | None = None,
) -> pyvrp.Result:
    """One PyVRP iterated local search, as ``pyvrp.solve`` runs it, with a higher penalty cap
    (see ``_search``)."""
    search, manager, rng = _search(data, seed)
    with _penalty_warnings_logged():
        if initial is None:
            random = pyvrp.Solution.make_random(data, rng)
            initial = search(random, manager.max_cost_evaluator(), exhaustive=True)
        ils = IteratedLocalSearch(data, manager, search, initial, IteratedLocalSearchParams())
        return ils.run(stop, collect_stats=False)


def _record_to_record(
    data: pyvrp.ProblemData, initial: pyvrp.Solution, budget: Budget, *, seed: int
) -> pyvrp.Solution:
    """The best plan of a record-to-record travel from the feasible ``initial`` with all of
    ``budget``.

    Each step is PyVRP's perturbation and local search of the current plan (one effort
    step); the result becomes the current plan when its penalised cost is below the
    current one's or within ``_POLISH_THRESHOLD`` of the best feasible cost, a margin that
    shrinks linearly to nothing over the time (or, with an effort budget, the steps).
    """
    search, manager, _ = _search(data, seed)
    seconds = budget.seconds(1.0)
    steps = budget.take(1.0)
    started = time.monotonic()
    best = current = initial
    done = 0
    with _penalty_warnings_logged():
        while (elapsed := time.monotonic() - started) < seconds and (steps is None or done < steps):
            progress = elapsed / seconds if steps is None else done / steps
            evaluator = manager.cost_evaluator()
            candidate = search(current, evaluator, exhaustive=False)
            manager.register(candidate)
            done += 1
            if candidate.is_feasible() and evaluator.cost(candidate) < evaluator.cost(best):
                best = candidate
                refined = search(candidate, evaluator, exhaustive=True)
                if refined.is_feasible() and evaluator.cost(refined) < evaluator.cost(best):
                    best = refined
            record = evaluator.cost(best) * (1 + _POLISH_THRESHOLD * (1 - progress))
            penalised = evaluator.penalised_cost(candidate)
            if penalised <= record or penalised < evaluator.penalised_cost(current):
                current = candidate
    return best


@contextmanager
def _penalty_warnings_logged() -> Iterator[None]:
    """PyVRP's warning that a penalty reached its cap (expected while the fleet is capped below
    what the jobs need) goes to the debug log instead of being raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PenaltyBoundWarning)
        yield
    if caught:
        logger.debug("PyVRP: %s", caught[0].message)


def _search(
    data: pyvrp.ProblemData, seed: int
) -> tuple[LocalSearch, PenaltyManager, pyvrp.RandomNumberGenerator]:
    """PyVRP's local search with all operators that apply, and a penalty manager whose cap
    is higher than PyVRP's default.

    PyVRP's penalties start at their default midpoint but may rise above its default cap up
    to ``_PENALTY_CAP_FACTOR`` times the largest fixed cost per vehicle or prize: otherwise
    one unit of excess load or time warp can cost less than a vehicle or a served job, and
    the search never returns to feasible space (its warning that a penalty reached the cap is
    logged: ``_penalty_warnings_logged``).
    """
    defaults = PenaltyParams()
    prizes = [c.prize for c in data.clients()] + [s.prize for s in data.shipments()]
    top = max([vt.fixed_cost for vt in data.vehicle_types()] + prizes)
    penalty = PenaltyParams(max_penalty=max(defaults.max_penalty, _PENALTY_CAP_FACTOR * top))
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(data, NeighbourhoodParams())
    search = LocalSearch(data, rng, neighbours, PerturbationManager(PerturbationParams()))
    for operator in OPERATORS:
        if operator.supports(data):
            search.add_operator(operator(data))
    manager = PenaltyManager(defaults.midpoint_penalties(data), penalty)
    return search, manager, rng


def _copy_route(data: pyvrp.ProblemData, route: pyvrp.Route) -> pyvrp.Route:
    """The same visits as a route of ``data`` (a copy of the model with other fleet sizes)."""
    activities = [a for a in route.schedule() if not a.is_depot()]
    return pyvrp.Route(
        data, [pyvrp.Activity(a.type, a.idx) for a in activities], route.vehicle_type()
    )


def _model(problem: Problem, jobs: Sequence[Job], *, required: bool) -> _Model:
    """PyVRP data for ``jobs``: locations are the problem's, costs scaled to integers."""
    matrix = next(iter(problem.matrices.values()))
    scale, units = _cost_scale(problem.vehicles)
    groups: dict[tuple[object, ...], list[VehicleSpec]] = {}
    for v in problem.vehicles:
        key = (v.start, v.end, v.capacity, v.shift, v.fixed_cost, v.cost_per_km)
        groups.setdefault(key, []).append(v)
    types = tuple(tuple(g) for g in groups.values())
    depots: dict[tuple[int, int, int], int] = {}
    for group in types:
        v = group[0]
        for loc in (v.start, v.end):
            depots.setdefault((loc, v.shift.start, v.shift.end), len(depots))
    bound = distance_bound(problem, jobs, matrix.dist_m) * max(units.values()) + 1
    weight = scale * problem.vehicle_weight
    raw = [scale * problem.penalty(j) for j in jobs]
    top_fixed = scale * max(v.fixed_cost for v in problem.vehicles) + weight
    dominant = min(raw) > top_fixed + bound
    if dominant:  # only the order matters: vehicles above distance, jobs above vehicles
        weight = min(weight, bound)
        top_fixed = scale * max(v.fixed_cost for v in problem.vehicles) + weight
    prizes = _prizes(raw, top_fixed + bound) if dominant else raw
    vehicle_types = []
    for group in types:
        v = group[0]
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=len(group),
                capacity=list(v.capacity),
                start_depot=depots[(v.start, v.shift.start, v.shift.end)],
                end_depot=depots[(v.end, v.shift.start, v.shift.end)],
                fixed_cost=scale * v.fixed_cost + weight,
                tw_early=v.shift.start,
                tw_late=v.shift.end,
                unit_distance_cost=units[v.cost_per_km],
                unit_duration_cost=0,
                name=v.vehicle_id,
            )
        )
    loaded = problem.depot_loaded(jobs)
    clients: list[pyvrp.Client] = []
    shipments: list[pyvrp.Shipment] = []
    for job, prize in zip(jobs, prizes, strict=True):
        if loaded:
            clients.append(
                pyvrp.Client(
                    location=job.delivery,
                    delivery=list(job.amount),
                    service_duration=job.delivery_service_s,
                    tw_early=job.delivery_window.start,
                    tw_late=job.delivery_window.end,
                    prize=0 if required else prize,
                    required=required,
                    name=job.job_id,
                )
            )
        else:
            shipments.append(
                pyvrp.Shipment(
                    job.pickup,
                    job.delivery,
                    pickup_tw_early=job.pickup_window.start,
                    pickup_tw_late=job.pickup_window.end,
                    pickup_service_duration=job.pickup_service_s,
                    delivery_tw_early=job.delivery_window.start,
                    delivery_tw_late=job.delivery_window.end,
                    delivery_service_duration=job.delivery_service_s,
                    amount=list(job.amount),
                    prize=0 if required else prize,
                    required=required,
                    name=job.job_id,
                )
            )
    locations = [pyvrp.Location(0.0, 0.0, name=name) for name in problem.location_names]
    # PyVRP's stubs type matrices as ``ndarray[int]``; ours are int64 arrays
    distances: list[Any] = [np.minimum(matrix.dist_m, MAX_VALUE).astype(np.int64)]
    durations: list[Any] = [np.minimum(matrix.time_s, MAX_VALUE).astype(np.int64)]
    data = pyvrp.ProblemData(
        locations,
        clients,
        [pyvrp.Depot(loc, tw_early=early, tw_late=late) for (loc, early, late) in depots],
        vehicle_types,
        distances,
        durations,
        [],
        shipments,
    )
    fewest = fewest_vehicles(problem, jobs, loaded=loaded)
    return _Model(data, tuple(jobs), types, loaded, dominant, weight, fewest)


def _prizes(raw: Sequence[int], floor: int) -> list[int]:
    """Prizes for serving jobs: the scaled drop penalties, shrunk where all exceed ``floor``.

    Drop penalties are usually far above any vehicle and distance cost (10**11 per job in
    the benchmark); only that order matters, and PyVRP's penalties must stay above the
    prizes (see ``_run``) without overflowing. So when the smallest prize exceeds ``floor``
    (a vehicle's fixed cost plus any total distance), all are scaled down in proportion so
    that the smallest equals it.
    """
    smallest = min(raw)
    if smallest <= floor:
        return list(raw)
    return [math.ceil(r * floor / smallest) for r in raw]


def _cost_scale(vehicles: Sequence[VehicleSpec]) -> tuple[int, dict[float, int]]:
    """``(scale, unit cost per metre by cost_per_km)``: PyVRP cost = scale × our cost.

    Our running cost is ``cost_per_km × metres / 1000``; PyVRP's unit distance cost is an
    integer per metre. With integer ``cost_per_km`` the scale is exact (1000 / their gcd
    with 1000); otherwise 1000 with the per-km costs rounded.
    """
    per_km = {v.cost_per_km for v in vehicles}
    if all(float(c).is_integer() for c in per_km):
        g = math.gcd(1000, *(int(c) for c in per_km))
        return 1000 // g, {c: int(c) // g for c in per_km}
    return 1000, {c: round(c) for c in per_km}


def fewest_vehicles(problem: Problem, jobs: Sequence[Job], *, loaded: bool) -> int:
    """A lower bound on the vehicles serving all ``jobs``: at least 1, and when every job is
    loaded at the depot (VRPTW) each load dimension's total over the largest capacity.

    Pickup-and-delivery loads leave the vehicle on the way, so they bound nothing.
    """
    fewest = 1
    if not loaded or not jobs:
        return fewest
    for dim in range(len(jobs[0].amount)):
        largest = max(v.capacity[dim] for v in problem.vehicles)
        total = sum(job.amount[dim] for job in jobs)
        if largest > 0:
            fewest = max(fewest, -(-total // largest))
    return fewest


def distance_bound(problem: Problem, jobs: Sequence[Job], dist: npt.NDArray[np.int64]) -> int:
    """More than any plan's total distance: every possible visit left by the longest arc."""
    visits = 2 * len(jobs) + 2 * len(problem.vehicles)
    return visits * int(dist.max()) + 1


def _plan(problem: Problem, model: _Model, best: pyvrp.Solution) -> _Plan:
    """Our timed routes of a PyVRP solution, each route on the next unused vehicle of its type."""
    pools = [list(group) for group in model.types]
    routes: list[Route] = []
    for route in best.routes():
        vehicle = pools[route.vehicle_type()].pop(0)
        if not route.is_feasible():
            continue  # only from a search that found no feasible plan: its jobs stay unserved
        visits: list[Visit] = []
        delivered: list[Job] = []
        for activity in route.schedule():
            kind = activity.type
            if kind == pyvrp.ActivityType.CLIENT:
                delivered.append(model.jobs[activity.idx])
            elif kind == pyvrp.ActivityType.PICKUP:
                visits.append(Visit(model.jobs[activity.idx], True))
            elif kind == pyvrp.ActivityType.DELIVERY:
                visits.append(Visit(model.jobs[activity.idx], False))
        if model.loaded:
            visits = [Visit(j, True) for j in delivered] + [Visit(j, False) for j in delivered]
        if not visits:
            continue
        timed = build_route(problem, vehicle, visits)
        if timed is None:
            raise SolverError(
                f"vehicle {vehicle.vehicle_id}: PyVRP's route has no feasible timing "
                "(a modelling bug)"
            )
        routes.append(timed)
    served = frozenset(s.job_id for r in routes for s in r.stops if s.job_id is not None)
    return _Plan(best, tuple(routes), served)


def _objective(problem: Problem, routes: Sequence[Route]) -> int:
    """Route costs + ``vehicle_weight`` per used vehicle (penalties of unserved jobs apart)."""
    return sum(r.cost for r in routes) + problem.vehicle_weight * len(routes)


def _solution(problem: Problem, routes: Sequence[Route], started: float, status: str) -> Solution:
    return Solution.of(problem, routes, wall_time_s=time.monotonic() - started, status=status)
