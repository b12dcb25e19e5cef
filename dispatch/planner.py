"""Planning a day end to end: prepare, network, matrix, solve, repair, explain, assemble a Plan.

``plan_day`` is the one entry point the CLI, the scenario runner and the benchmarks call. It
never prints; ``on_stage(name, fraction)`` reports progress (fraction of the whole run, 0 to 1)
so a caller can draw a progress bar. The stages and the solving strategy are described in
docs/planning.md.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from multiprocessing.synchronize import Event

from dispatch.background import Background
from dispatch.charters.advice import advise, outcome
from dispatch.charters.bound import FleetBound, fleet_lower_bound
from dispatch.charters.bus_problem import (
    Built,
    DayTravel,
    build_problem,
    day_network,
    day_travel,
)
from dispatch.charters.bus_routes import Translated, translate
from dispatch.charters.explain import unserved_rows
from dispatch.charters.idle import idle_vehicles
from dispatch.charters.prepare import Prepared, prepare
from dispatch.charters.subsidy import subsidy_rows
from dispatch.day import Day
from dispatch.kpis import plan_kpis, with_supply
from dispatch.plan import Advice, Plan, PlanMeta, with_bounds
from dispatch.policy import Mixing
from dispatch.preflight import check_on_network
from dispatch.supply.shipments import plan_supply
from routing.network.daynetwork import DayNetwork
from routing.network.roads import RoadNetwork
from routing.vrp import explain, servable, solve
from routing.vrp.bounds.duty import BOUND_WORK
from routing.vrp.servability import Servability

logger = logging.getLogger(__name__)

StageCallback = Callable[[str, float], None]

# Fraction of the run at which each stage starts (the solve takes nearly all of it).
STAGES: dict[str, float] = {
    "prepare": 0.0,
    "network": 0.02,
    "matrix": 0.04,
    "solve": 0.08,
    "supply": 0.62,  # reported only on a day with shipments (docs/supply.md)
    "explain": 0.7,
    "assemble": 0.74,
    "advice": 0.8,  # reported only when workers are left unserved and the policy asks
    "done": 1.0,
}
MIN_SUPPLY_S = 1.0  # the supply runs get at least this much of the solve stage
MAX_CHARTER_SHARE = 0.9  # of the solve stage's time limit, on a day with shipments


def charter_share(charter_jobs: int, day: Day) -> float:
    """The share of the solve stage's time limit for the charters: all of it without
    shipments, else in proportion to the requests and shipments (at most ``MAX_CHARTER_SHARE``,
    at least half)."""
    shipments = len(day.shipments)
    if not shipments:
        return 1.0
    share = charter_jobs / max(1, charter_jobs + shipments)
    return min(MAX_CHARTER_SHARE, max(0.5, share))


SERVED_BOUND_SHARE = 0.25  # of the time limit, for the served trips' bound after the solve
BESIDE_BOUND_SHARE = 1.5  # ... for the bound beside the solve: its rounds, then its polish


def bound_seconds(day: Day, share: float = 1.0) -> float:
    """Wall-clock seconds a fleet bound computed while the plan waits may take: no limit
    when the plan is repeatable (an effort budget: the bound's own work budget makes it
    the same on every machine), else ``share`` of the solve stage's time limit, so a plan
    that honours its time limit is not kept waiting long by its bounds (they stay valid,
    only less tight, when cut short)."""
    return math.inf if _repeatable(day) else day.policy.time_limit_s * share


def _repeatable(day: Day) -> bool:
    """Whether ``day``'s plan has an effort budget: then its bounds are capped by their own
    work budget only (``BOUND_WORK``), the same figure on every machine."""
    return day.policy.effort is not None


def _bound_work(day: Day) -> float | None:
    """The duty bound's work budget for ``day``: ``BOUND_WORK`` when repeatable, else none
    (the clock or the plan's need stops it)."""
    return BOUND_WORK if _repeatable(day) else None


def _bound_for(built: Built, request_ids: Sequence[str], needed: Event) -> FleetBound:
    """The fleet lower bound for serving ``request_ids`` (no known duties: the same figure
    whether it is computed beside the solve or after it). With an effort budget its work
    budget ends it (the same figure on every machine); without one it runs for at most
    ``BESIDE_BOUND_SHARE`` of the time limit: its rounds end at ``ROUNDS_SHARE`` of that or
    when the plan needs the figure (``needed`` set), whichever comes first, and the plan
    waits for the polish of its duals in what is left (``POLISH_STEPS`` at most). On the
    20,000-worker day (time limit 30 s) the plan is ready after about 36 s, its rounds end
    at 31.5 s and the polish about 45 s: 300 buses, where ending the bound when the plan
    needs it gave 283."""
    prepared = built.prepared
    wanted = [built.requests[i] for i in request_ids]
    day = prepared.day
    return fleet_lower_bound(
        day,
        wanted,
        built.travel,
        prepared.fleet.buses,
        time_limit_s=bound_seconds(day, BESIDE_BOUND_SHARE),
        max_work=_bound_work(day),
        stop=None if _repeatable(day) else needed.is_set,
    )


@dataclass(frozen=True, slots=True)
class _Beside:
    """The bound for every servable request, computed on the second core beside the solve."""

    job: Background[FleetBound]
    needed: Event  # set when the plan waits for the figure

    def result(self) -> FleetBound:
        """The bound, stopped now unless the plan is repeatable (see ``_bound_for``)."""
        self.needed.set()
        return self.job.result()

    def cancel(self) -> None:
        """End the computation (nothing to end once its result was taken)."""
        self.job.cancel()


def _start_bound(built: Built, servable_ids: Sequence[str]) -> _Beside | None:
    """Start the bound for every servable request beside the solve (it needs no plan); None
    under pooling (no bound) or with nothing to serve."""
    if built.prepared.day.policy.mixing is not Mixing.NONE or not servable_ids:
        return None
    needed = multiprocessing.Event()  # shared with a forked child, or a thread
    return _Beside(Background.start(_bound_for, built, list(servable_ids), needed), needed)


def _bounds(
    built: Built,
    translated: Translated,
    servable_ids: Sequence[str],
    everyone: _Beside | None,
) -> tuple[int | None, int | None]:
    """The fleet lower bounds of a point-to-point day: for the trips served, and for every
    request some bus could serve alone ("buses needed for all", from ``everyone``, started
    beside the solve); the same figure when the plan serves every servable request; None
    under pooling."""
    prepared = built.prepared
    if prepared.day.policy.mixing is not Mixing.NONE:
        return None, None
    if len(translated.trips) == len(servable_ids):  # served = servable
        all_bound = everyone.result().buses if everyone is not None else 0
        return all_bound, all_bound
    # the served trips' bound on this core while the other bound goes on on the second one
    served = [built.requests[t.trip_id] for t in translated.trips]
    duties = [route.trip_ids for route in translated.routes]
    day = prepared.day
    bound = fleet_lower_bound(
        day,
        served,
        built.travel,
        prepared.fleet.buses,
        duties=duties,
        time_limit_s=bound_seconds(day, SERVED_BOUND_SHARE),
        max_work=_bound_work(day),
    )
    if everyone is None:
        return bound.buses, bound.buses
    every = everyone.result()  # its duals bound the served trips too (``FleetBound.buses_for``)
    served_buses = max(bound.buses, every.buses_for([t.trip_id for t in translated.trips]))
    return served_buses, max(every.buses, served_buses)


def software_version() -> str:
    """The installed charter-dispatch version (``0.0.0+unknown`` in a bare source tree)."""
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


def plan_day(
    day: Day,
    *,
    network: RoadNetwork | None = None,
    on_stage: StageCallback | None = None,
    meanwhile: Callable[[Plan], object] | None = None,
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
    meanwhile
        Called once, after the solve and before the plan waits for the fleet bounds computed
        beside it on the second core, with the plan as it will be except for those bounds
        and its wall time (both ``None``/0 there; see ``with_bounds``): the CLI writes what
        does not depend on them meanwhile. It must not change the plan. Default None.

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
    options = servable(built.problem)
    servable_ids = [j.job_id for j in built.problem.jobs if options[j.job_id].vehicles]
    everyone = _start_bound(built, servable_ids)  # on the second core while the solve runs
    try:
        return _plan(
            day,
            prepared,
            roads,
            daynet,
            travel,
            built,
            options,
            servable_ids,
            everyone,
            started=started,
            on_stage=on_stage,
            meanwhile=meanwhile,
        )
    finally:
        if everyone is not None:
            everyone.cancel()  # nothing to end once its result was taken


def _plan(
    day: Day,
    prepared: Prepared,
    roads: RoadNetwork,
    daynet: DayNetwork,
    travel: DayTravel,
    built: Built,
    options: dict[str, Servability],
    servable_ids: Sequence[str],
    everyone: _Beside | None,
    *,
    started: float,
    on_stage: StageCallback | None,
    meanwhile: Callable[[Plan], object] | None,
) -> Plan:
    """The stages from the solve on (``plan_day``'s, with the bound for every servable
    request running beside them)."""
    params = day.policy.solve_params()
    solve_started = time.monotonic()
    charter_params = dataclasses.replace(
        params, time_limit_s=params.time_limit_s * charter_share(len(built.problem.jobs), day)
    )
    solution = solve(
        built.problem,
        charter_params,
        servability=options,
        on_progress=lambda done: _report(on_stage, "solve", done),
    )
    if day.shipments:
        _report(on_stage, "supply")
    left = params.time_limit_s - (time.monotonic() - solve_started)
    supply = plan_supply(
        day,
        daynet,
        prepared.fleet,
        params=dataclasses.replace(params, time_limit_s=max(MIN_SUPPLY_S, left)),
        on_progress=lambda f: _report(on_stage, "supply", f),
    )
    solve_seconds = time.monotonic() - solve_started
    _report(on_stage, "explain")
    reasons = explain(built.problem, solution, servability=options)
    unserved = unserved_rows(built, solution.unassigned, reasons, daynet)
    _report(on_stage, "assemble")
    translated = translate(built, solution.routes)
    subsidy = subsidy_rows(day, translated.routes, translated.trips)
    kpis = plan_kpis(
        prepared,
        translated.routes,
        translated.trips,
        unserved,
        subsidy,
        requests_unserved=len(solution.unassigned),
        fleet_lower_bound=None,  # below, once the bounds are known
        buses_needed_all=None,
        solve_seconds=solve_seconds,
    )
    kpis = with_supply(kpis, prepared, supply)
    advice: tuple[Advice, ...] = ()
    if day.policy.advice and kpis.workers_unserved:
        _report(on_stage, "advice")
        left_out = [i for i in servable_ids if i in set(solution.unassigned)]
        advice = advise(
            day,
            prepared,
            travel,
            daynet,
            charter_params,
            base=outcome(prepared, solution),
            unserved_requests=left_out,
        )
    used = {r.vehicle_id for r in translated.routes} | supply.used
    provisional = Plan(
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
        advice=advice,
        network=daynet,  # the map draws on it (see ``Plan``)
        meta=PlanMeta(
            seed=day.policy.seed,
            time_limit_s=day.policy.time_limit_s,
            solver_status=solution.status + (f"; supply {supply.status}" if day.shipments else ""),
            objective=solution.objective + supply.objective,
            wall_seconds=0.0,
            version=software_version(),
            network=roads.name,
            solver_backend=solution.backend,
            solver_backend_reason=solution.backend_reason,
            supply_backend=supply.backend,
        ),
    )
    if meanwhile is not None:
        meanwhile(provisional)  # while the bound may still run on the other core
    served_bound, all_bound = _bounds(built, translated, servable_ids, everyone)
    plan = with_bounds(
        provisional, served_bound, all_bound, wall_seconds=round(time.monotonic() - started, 3)
    )
    _report(on_stage, "done")
    logger.info(
        "planned %s: %d buses (bound %s; all requests %s), %d trips, %d unserved, %.1f s",
        day.date,
        plan.kpis.buses_used,
        plan.kpis.fleet_lower_bound,
        plan.kpis.buses_needed_all,
        plan.kpis.trips,
        plan.kpis.workers_unserved,
        plan.meta.wall_seconds,
    )
    return plan
