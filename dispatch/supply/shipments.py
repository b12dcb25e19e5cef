"""Planning the day's supply shipments by truck: a priority run, then a run for other cargo.

The green-channel pass is per *run* (depot to depot): a run that carries priority cargo only
(epidemic supplies, necessities, production materials) drives on the ``truck_priority``
profile — the short checkpoint at green-channel exits; a run with ``other`` cargo waits the
normal delay (``truck``). The solver layer gives each vehicle one profile, so the day is
planned in two problems (docs/supply.md says why):

1. the **priority run** — every priority shipment on every usable truck (goods permit, whole
   shift), on the green-channel lane; epidemic supplies outweigh necessities, which outweigh
   production materials (``dispatch.supply.truck_problem.cargo_weights``);
2. the **run for other cargo** — the ``other`` shipments on every truck that still has time:
   an idle truck with its whole shift, a truck back from its priority run from its return
   until its shift (``policy.shift_hours`` from its first departure) ends, at no further day
   rate.

Each problem is solved by the solver's front door ``routing.vrp.solver`` (time limit and effort
from the policy, split between the runs by their number of shipments), repaired by insertion
(``routing.vrp.repair``) and by priority exchanges (``routing.vrp.priority``: an unserved
shipment displaces lower-priority ones), and what stays out is explained
(``dispatch.supply.shipment_reasons``).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dispatch.charters.fleet import FleetCheck, UsableVehicle
from dispatch.day import Day, Shipment
from dispatch.plan import Delivery, UnservedShipment, VehicleRoute
from dispatch.supply.shipment_reasons import FreshCheck, SupplyBlame, unserved_shipments
from dispatch.supply.truck_problem import (
    PRIORITY_CARGO,
    SupplyProblem,
    SupplyRules,
    SupplyTravel,
    TruckShift,
    build_supply_problem,
    full_shift,
    supply_travel,
)
from dispatch.supply.truck_routes import TruckRun, truck_routes
from routing.network.daynetwork import DayNetwork
from routing.network.speed import Profile
from routing.vrp import Reason, explain, servable, solve
from routing.vrp.problem import Route, Solution, SolveParams

logger = logging.getLogger(__name__)

MIN_RUN_S = 0.5  # seconds of the time limit every run gets at least
REPAIR_SHARE = 0.25  # of a run's time limit, for the priority repair after the search

Progress = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class SupplyPlan:
    """The supply side of a day's plan.

    Parameters
    ----------
    truck_routes
        Used trucks' days in fleet order.
    deliveries
        Delivered shipments by loading time.
    unserved
        Shipments no truck carries, with reasons, in input order.
    solve_seconds
        Wall time of the supply stage's solver calls.
    status
        The solver outcome per run (``priority: …; other: …``).
    backend
        The solver backend of each run and why (``priority: ortools (…); other: …``).
    objective
        Sum of the runs' objectives.
    """

    truck_routes: tuple[VehicleRoute, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    unserved: tuple[UnservedShipment, ...] = ()
    solve_seconds: float = 0.0
    status: str = "no_shipments"
    backend: str = ""
    objective: int = 0

    @property
    def used(self) -> frozenset[str]:
        """Plates of the trucks used."""
        return frozenset(r.vehicle_id for r in self.truck_routes)


def run_params(params: SolveParams, share: float) -> SolveParams:
    """The policy's solver settings for a run with ``share`` of the shipments."""
    return dataclasses.replace(params, time_limit_s=max(MIN_RUN_S, params.time_limit_s * share))


def solve_run(supply: SupplyProblem, params: SolveParams) -> Solution:
    """Solve one run by the solver's front door (``routing.vrp.solver``: time slices when it is
    big, insertion repair), with the priority repair on (unserved shipments take the place of
    lower-priority ones, within ``REPAIR_SHARE`` of the run's time limit)."""
    return solve(supply.problem, dataclasses.replace(params, priority_repair_share=REPAIR_SHARE))


def later_shifts(
    day: Day, trucks: Sequence[UsableVehicle], routes: Sequence[Route]
) -> list[tuple[UsableVehicle, TruckShift]]:
    """Every truck's window for the run after ``routes``: whole if idle, else from its return.

    A truck back from a run works on until its shift ends or ``shift_hours`` after it first
    left, whichever is sooner; one without time left is not offered.
    """
    runs = {r.vehicle_id: r for r in routes if any(s.job_id for s in r.stops)}
    out: list[tuple[UsableVehicle, TruckShift]] = []
    for usable in trucks:
        whole = full_shift(day, usable)
        route = runs.get(usable.vehicle_id)
        if route is None:
            out.append((usable, whole))
            continue
        left, back = route.stops[0].departure_s, route.stops[-1].arrival_s
        end = min(whole.end, left + whole.max_s)
        if end > back:
            out.append((usable, TruckShift(back, end, end - back, fixed_cost=False)))
    return out


def fresh_check(
    day: Day,
    shipments: Sequence[Shipment],
    trucks: Sequence[UsableVehicle],
    travel: SupplyTravel,
    *,
    profile: Profile,
    rules: SupplyRules,
) -> FreshCheck:
    """Which trucks could carry each shipment alone with their whole shifts (lazily built)."""
    cache: dict[str, tuple[tuple[str, ...], Reason | None]] = {}

    def check(shipment_id: str) -> tuple[tuple[str, ...], Reason | None]:
        if not cache:
            whole = [(u, full_shift(day, u)) for u in trucks]
            supply = build_supply_problem(
                day, shipments, whole, travel, profile=profile, rules=rules
            )
            vehicles = supply.problem.vehicles
            for job_id, found in servable(supply.problem).items():
                plates = tuple(vehicles[i].vehicle_id for i in found.vehicles)
                cache[job_id] = (plates, found.reason)
        return cache[shipment_id]

    return check


def plan_supply(
    day: Day,
    daynet: DayNetwork,
    fleet: FleetCheck,
    *,
    rules: SupplyRules | None = None,
    params: SolveParams | None = None,
    on_progress: Progress | None = None,
) -> SupplyPlan:
    """Plan the day's shipments on its usable trucks (see the module docstring).

    Parameters
    ----------
    day
        The planning day (its policy sets the seed and the solver budget).
    daynet
        The road network under the day's exits.
    fleet
        The checked fleet (its usable trucks hold a valid goods permit).
    rules
        Loading and unloading times. Default ``SupplyRules()``.
    params
        Solver settings of the whole supply stage (its time limit is shared by the runs).
        Default the policy's.
    on_progress
        Called with the fraction of the stage done. Default None.

    Returns
    -------
    SupplyPlan
        Truck routes, deliveries and unserved shipments with reasons: every shipment once.

    Raises
    ------
    InputError
        If a shipment end lies too far from every road.
    RoutingError
        If the solver fails (not when shipments merely cannot be carried).
    """
    if not day.shipments:
        return SupplyPlan()
    rules = rules or SupplyRules()
    trucks = fleet.trucks
    travel = supply_travel(day, daynet)
    priority = [s for s in day.shipments if s.cargo in PRIORITY_CARGO]
    other = [s for s in day.shipments if s.cargo not in PRIORITY_CARGO]
    params = params or day.policy.solve_params()
    total = len(day.shipments)
    started = time.monotonic()
    solved: list[tuple[SupplyProblem, Solution, FreshCheck | None]] = []
    if priority:
        whole = [(u, full_shift(day, u)) for u in trucks]
        supply = build_supply_problem(
            day, priority, whole, travel, profile=Profile.TRUCK_PRIORITY, rules=rules
        )
        solved.append((supply, solve_run(supply, run_params(params, len(priority) / total)), None))
        if on_progress is not None:
            on_progress(len(priority) / total)
    if other:
        earlier = [r for _, solution, _ in solved for r in solution.routes]
        shifts = later_shifts(day, trucks, earlier)
        supply = build_supply_problem(
            day, other, shifts, travel, profile=Profile.TRUCK, rules=rules
        )
        fresh = (
            fresh_check(day, other, trucks, travel, profile=Profile.TRUCK, rules=rules)
            if priority
            else None
        )
        solved.append((supply, solve_run(supply, run_params(params, len(other) / total)), fresh))
    seconds = time.monotonic() - started
    runs = [TruckRun(s, r) for s, solution, _ in solved for r in solution.routes]
    routes, deliveries = truck_routes(day, travel, trucks, runs)
    blame = SupplyBlame(day, travel, daynet, [u.vehicle for u in trucks])
    explained = [
        (s, solution.unassigned, _reasons(s, solution), fresh) for s, solution, fresh in solved
    ]
    unserved = unserved_shipments(day, explained, blame)
    status = "; ".join(
        f"{'priority' if s.profile is Profile.TRUCK_PRIORITY else 'other'}: {solution.status}"
        for s, solution, _ in solved
    )
    backend = "; ".join(
        f"{'priority' if s.profile is Profile.TRUCK_PRIORITY else 'other'}: "
        f"{solution.backend} ({solution.backend_reason})"
        for s, solution, _ in solved
    )
    logger.info(
        "supply: %d trucks, %d of %d shipments delivered, %.1f s",
        len(routes),
        len(deliveries),
        total,
        seconds,
    )
    return SupplyPlan(
        truck_routes=routes,
        deliveries=deliveries,
        unserved=unserved,
        solve_seconds=seconds,
        status=status,
        backend=backend,
        objective=sum(solution.objective for _, solution, _ in solved),
    )


def _reasons(supply: SupplyProblem, solution: Solution) -> Mapping[str, Reason]:
    return explain(supply.problem, solution) if solution.unassigned else {}
