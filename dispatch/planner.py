"""Planning a day end to end: prepare, network, matrix, solve, repair, explain, assemble a Plan.

``plan_day`` is the one entry point the CLI, the scenario runner and the benchmarks call. It
never prints; ``on_stage(name, fraction)`` reports progress (fraction of the whole run, 0 to 1)
so a caller can draw a progress bar. The stages and the solving strategy are described in
docs/planning.md.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from dispatch.charters.bound import fleet_lower_bound
from dispatch.charters.bus_problem import Built, build_problem, day_network, day_travel
from dispatch.charters.bus_routes import translate
from dispatch.charters.explain import unserved_rows
from dispatch.charters.idle import idle_vehicles
from dispatch.charters.prepare import prepare
from dispatch.charters.subsidy import subsidy_rows
from dispatch.day import Day
from dispatch.kpis import plan_kpis, with_supply
from dispatch.plan import Plan, PlanMeta
from dispatch.policy import Mixing
from dispatch.preflight import check_on_network
from dispatch.supply.shipments import plan_supply
from routing.network.roads import RoadNetwork
from routing.vrp.backends.chains import chainable
from routing.vrp.backends.ortools import solve
from routing.vrp.decompose import solution_of, solve_in_slices
from routing.vrp.diagnose import explain, servable
from routing.vrp.problem import Solution, SolveParams
from routing.vrp.repair import insert_unassigned

logger = logging.getLogger(__name__)

StageCallback = Callable[[str, float], None]

# Fraction of the run at which each stage starts (the solve takes nearly all of it).
STAGES: dict[str, float] = {
    "prepare": 0.0,
    "network": 0.02,
    "matrix": 0.04,
    "solve": 0.08,
    "supply": 0.82,  # reported only on a day with shipments (docs/supply.md)
    "explain": 0.92,
    "assemble": 0.96,
    "done": 1.0,
}
SLICE_JOBS = 125  # jobs per time slice of a big day (measured in docs/planning.md)


def _version() -> str:
    try:
        return version("charter-dispatch")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0.0.0+unknown"


def _report(on_stage: StageCallback | None, name: str, within: float = 0.0) -> None:
    if on_stage is None:
        return
    names = list(STAGES)
    start = STAGES[name]
    end = STAGES[names[min(names.index(name) + 1, len(names) - 1)]]
    on_stage(name, start + (end - start) * within)


def solve_day(
    built: Built,
    params: SolveParams,
    *,
    slice_jobs: int = SLICE_JOBS,
    on_stage: StageCallback | None = None,
) -> Solution:
    """Solve the day's problem (in time slices when it is big), then insert what still fits.

    Parameters
    ----------
    built
        The day's routing problem.
    params
        Solver settings (the time limit is the budget of the whole stage).
    slice_jobs
        Days with more jobs than this are solved in time slices of about this many jobs,
        unless the trip-chaining solver takes them whole (``routing.vrp.backends.chains``).
        Default ``SLICE_JOBS``.
    on_stage
        Progress callback. Default None.
    """
    problem = built.problem
    started = time.monotonic()
    if not problem.jobs:
        return solution_of(problem, [], wall_time_s=0.0, status="no_jobs")
    if len(problem.jobs) > slice_jobs and not chainable(problem):  # chaining takes whole days

        def progress(done: int, total: int) -> None:
            _report(on_stage, "solve", done / total)

        found = solve_in_slices(problem, params, slice_jobs=slice_jobs, on_slice=progress)
    else:
        found = solve(problem, params)
    if not found.unassigned:
        return found
    routes = insert_unassigned(problem, found.routes, found.unassigned, servable(problem))
    repaired = solution_of(
        problem, routes, wall_time_s=time.monotonic() - started, status=found.status
    )
    return dataclasses.replace(repaired, wall_time_s=time.monotonic() - started)


def plan_day(
    day: Day,
    *,
    network: RoadNetwork | None = None,
    on_stage: StageCallback | None = None,
) -> Plan:
    """Plan ``day``: who rides which bus when, who is excluded or unserved and why.

    Parameters
    ----------
    day
        The planning day (its policy sets the rules, the seed and the solver budget).
    network
        The road network. Default ``RoadNetwork.embedded()``.
    on_stage
        Called as ``on_stage(stage, fraction)`` when a stage starts and during the solve
        (stages: prepare, network, matrix, solve, explain, assemble, done). Default None.

    Returns
    -------
    Plan
        Routes, trips, unserved and excluded workers with reasons, idle vehicles, subsidy,
        KPIs; its construction checks that no worker is lost.

    Raises
    ------
    InputError
        If a place lies too far from every road.
    RoutingError
        If the solver fails (not when requests merely cannot be served).
    """
    started = time.monotonic()
    _report(on_stage, "prepare")
    prepared = prepare(day)
    _report(on_stage, "network")
    roads = network if network is not None else RoadNetwork.embedded()
    check_on_network(day, prepared, roads, warn=False)  # refusals name table and row
    daynet = day_network(day, roads)
    _report(on_stage, "matrix")
    travel = day_travel(prepared, daynet)
    _report(on_stage, "solve")
    built = build_problem(prepared, travel)
    solution = solve_day(built, day.policy.solve_params(), on_stage=on_stage)
    if day.shipments:
        _report(on_stage, "supply")
    supply = plan_supply(
        day, daynet, prepared.fleet, on_progress=lambda f: _report(on_stage, "supply", f)
    )
    _report(on_stage, "explain")
    reasons = explain(built.problem, solution)
    unserved = unserved_rows(built, solution.unassigned, reasons, daynet)
    _report(on_stage, "assemble")
    translated = translate(built, solution.routes)
    subsidy = subsidy_rows(day, translated.routes, translated.trips)
    bound = None
    if day.policy.mixing is Mixing.NONE:
        served = [built.requests[t.trip_id] for t in translated.trips]
        duties = [route.trip_ids for route in translated.routes]
        bound = fleet_lower_bound(day, served, travel, prepared.fleet.buses, duties=duties).buses
    kpis = plan_kpis(
        prepared,
        translated.routes,
        translated.trips,
        unserved,
        subsidy,
        requests_unserved=len(solution.unassigned),
        fleet_lower_bound=bound,
        solve_seconds=solution.wall_time_s,
    )
    kpis = with_supply(kpis, prepared, supply)
    used = {r.vehicle_id for r in translated.routes} | supply.used
    plan = Plan(
        day=day,
        routes=translated.routes,
        trips=translated.trips,
        unserved=unserved,
        excluded=prepared.screening.excluded,
        idle=idle_vehicles(prepared.fleet, used),
        subsidy=subsidy,
        kpis=kpis,
        truck_routes=supply.truck_routes,
        deliveries=supply.deliveries,
        unserved_shipments=supply.unserved,
        meta=PlanMeta(
            seed=day.policy.seed,
            time_limit_s=day.policy.time_limit_s,
            solver_status=solution.status + (f"; supply {supply.status}" if day.shipments else ""),
            objective=solution.objective + supply.objective,
            wall_seconds=round(time.monotonic() - started, 3),
            version=_version(),
            network=roads.name,
        ),
    )
    _report(on_stage, "done")
    logger.info(
        "planned %s: %d buses (bound %s), %d trips, %d unserved, %.1f s",
        day.date,
        kpis.buses_used,
        bound,
        kpis.trips,
        kpis.workers_unserved,
        plan.meta.wall_seconds,
    )
    return plan
