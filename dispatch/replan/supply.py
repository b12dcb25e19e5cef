"""The supply side of a re-plan: trucks' runs that have started are frozen, the rest is
planned again by the supply stage.

Without an event that concerns the trucks (a shipment added or cancelled, a truck added or
broken down, an exit status change) the parent's truck routes, deliveries and unserved
shipments are kept as they are. Otherwise, run by run (a run is depot to depot): a run whose
truck has left the depot by the clock time (or by its breakdown) is frozen with its
shipments; the truck continues from its depot when that run is back, within ``shift_hours``
of its first departure, its day rate paid; every other shipment of the day (those added
included, those cancelled left out — unless their run has started, which is noted) is planned
again by ``dispatch.supply.shipments.plan_supply`` on the trucks from the clock time on, on the
roads as they end up. Each truck's day is its frozen runs followed by its new ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.charters.fleet import check_fleet
from dispatch.day import Day, VehicleClass
from dispatch.plan import Step, StepKind, VehicleRoute
from dispatch.replan.apply import with_shipments
from dispatch.replan.base import BasePlan
from dispatch.replan.events import EventLog, breakdown_times
from dispatch.supply.shipments import SupplyPlan, plan_supply
from dispatch.supply.truck_problem import SupplyTravel, supply_travel
from routing.network.daynetwork import DayNetwork
from routing.network.speed import Profile

KEPT = "kept from the parent (no event concerns the trucks)"


@dataclass(frozen=True, slots=True)
class TruckState:
    """A truck of the parent at the clock time: its frozen runs' steps and shipments."""

    route: VehicleRoute
    frozen_steps: tuple[Step, ...]
    frozen_shipments: tuple[str, ...]


def runs_of(route: VehicleRoute) -> list[tuple[Step, ...]]:
    """A truck day's runs, depot to depot."""
    runs: list[tuple[Step, ...]] = []
    current: list[Step] = []
    for step in route.steps:
        current.append(step)
        if step.kind is StepKind.RETURN_DEPOT:
            runs.append(tuple(current))
            current = []
    return runs


def truck_states(base: BasePlan, known: EventLog, at: dt.datetime) -> list[TruckState]:
    """Each parent truck's frozen runs: those it left the depot for by ``at`` (by its
    breakdown, if earlier)."""
    broken = breakdown_times(known.breakdowns)
    out: list[TruckState] = []
    for route in base.truck_routes:
        event = broken.get(route.vehicle_id)
        limit = min(at, event.time) if event is not None else at
        frozen: list[tuple[Step, ...]] = []
        for run in runs_of(route):
            if run[0].departure > limit:
                break
            frozen.append(run)
        steps = tuple(s for run in frozen for s in run)
        loads = tuple(s.trip_id for s in steps if s.kind is StepKind.LOAD and s.trip_id)
        out.append(TruckState(route, steps, loads))
    return out


def concerns_trucks(known: EventLog, day: Day) -> bool:
    """Whether an event known concerns the supply side."""
    trucks = {v.vehicle_id for v in day.fleet if v.vehicle_class is VehicleClass.TRUCK}
    return bool(
        known.shipments_added
        or known.shipments_cancelled
        or known.exit_changes
        or any(e.vehicle.vehicle_class is VehicleClass.TRUCK for e in known.vehicles_added)
        or any(e.vehicle_id in trucks for e in known.breakdowns)
    )


def replan_supply_day(
    day: Day, base: BasePlan, known: EventLog, at: dt.datetime
) -> tuple[Day, list[str]]:
    """``day`` with the shipments the events add and cancel (a cancelled shipment whose run
    has started stays), and a note for each such shipment."""
    if not concerns_trucks(known, day):
        return day, []
    started = {s for t in truck_states(base, known, at) for s in t.frozen_shipments}
    late = sorted(e.shipment_id for e in known.shipments_cancelled if e.shipment_id in started)
    notes = [
        f"shipment {s} is cancelled, but its truck left with it before {at:%H:%M}: it stays "
        "delivered"
        for s in late
    ]
    return with_shipments(day, known, keep=late), notes


def _kept(base: BasePlan) -> SupplyPlan:
    return SupplyPlan(
        truck_routes=base.truck_routes,
        deliveries=base.deliveries,
        unserved=base.unserved_shipments,
        status=KEPT,
        backend="none (kept from the parent)",
    )


def _supply_fleet(day: Day, states: Sequence[TruckState], known: EventLog, at: dt.datetime) -> Day:
    """The day's trucks as the rest of the day sees them: a continuing truck from the return
    of its last frozen run (day rate paid), the others from ``at``, broken ones gone."""
    broken = breakdown_times(known.breakdowns)
    frozen = {t.route.vehicle_id: t for t in states if t.frozen_steps}
    shift = dt.timedelta(hours=day.policy.shift_hours)
    fleet = []
    for vehicle in day.fleet:
        if vehicle.vehicle_class is not VehicleClass.TRUCK:
            fleet.append(vehicle)
            continue
        event = broken.get(vehicle.vehicle_id)
        if event is not None and event.time <= at:
            continue
        end = vehicle.available_to if event is None else event.time
        state = frozen.get(vehicle.vehicle_id)
        start = max(at, vehicle.available_from or at)
        fixed = vehicle.fixed_cost
        if state is not None:
            start = max(start, state.frozen_steps[-1].arrival)
            limit = state.frozen_steps[0].departure + shift
            end = limit if end is None else min(end, limit)
            fixed = 0.0
        if end is not None and end <= start:
            continue
        fleet.append(
            dataclasses.replace(vehicle, available_from=start, available_to=end, fixed_cost=fixed)
        )
    return day.replace(fleet=tuple(fleet))


def _legs(travel: SupplyTravel, steps: Sequence[Step]) -> tuple[float, float]:
    """Km and loaded km of frozen runs' steps."""
    distance = loaded = 0.0
    for a, b in itertools.pairwise(steps):
        if a.kind is StepKind.RETURN_DEPOT:
            continue  # the truck waits at its depot between runs
        profile = Profile.TRUCK_PRIORITY if a.green_channel else Profile.TRUCK
        km = travel.km(profile, travel.index_of(a.place_id), travel.index_of(b.place_id))
        distance += km
        loaded += km if a.on_board > 0 else 0.0
    return distance, loaded


def _hours(steps: Sequence[Step]) -> float:
    total = 0.0
    leave: dt.datetime | None = None
    for step in steps:
        if step.kind is StepKind.LEAVE_DEPOT:
            leave = step.departure
        elif step.kind is StepKind.RETURN_DEPOT and leave is not None:
            total += (step.arrival - leave).total_seconds() / 3600.0
    return total


def _joined(
    day: Day,
    state: TruckState,
    new: VehicleRoute | None,
    travel: SupplyTravel,
) -> VehicleRoute:
    """A truck's day: its frozen runs, then its new ones."""
    vehicle = day.vehicle(state.route.vehicle_id)
    frozen_km, frozen_loaded = _legs(travel, state.frozen_steps)
    hours = _hours(state.frozen_steps)
    if new is None:
        steps = state.frozen_steps
        distance, loaded = frozen_km, frozen_loaded
    else:
        steps = (*state.frozen_steps, *new.steps)
        distance, loaded = frozen_km + new.distance_km, frozen_loaded + new.loaded_km
        hours += _hours(new.steps)
    loads = tuple(s.trip_id for s in steps if s.kind is StepKind.LOAD and s.trip_id)
    cost = vehicle.fixed_cost + vehicle.cost_per_km * distance + vehicle.cost_per_hour * hours
    return dataclasses.replace(
        state.route if new is None else new,
        steps=steps,
        trip_ids=loads,
        distance_km=distance,
        loaded_km=min(loaded, distance),
        cost_cny=cost,
        fixed_cost_cny=vehicle.fixed_cost,
    )


def replan_supply(
    day: Day,
    base: BasePlan,
    known: EventLog,
    at: dt.datetime,
    *,
    networks: Sequence[DayNetwork],
    base_net: DayNetwork,
) -> SupplyPlan:
    """The supply side of the re-plan's day (see the module docstring).

    Parameters
    ----------
    day
        The re-plan's day (its shipments with the events applied).
    base
        The parent.
    known
        The events known at ``at``.
    at
        The clock time.
    networks
        The networks the rest of the day goes through; the supply is planned on the last.
    base_net
        The parent's network (the frozen runs' distances).
    """
    if not concerns_trucks(known, day):
        return _kept(base)
    states = truck_states(base, known, at)
    frozen = {s for t in states for s in t.frozen_shipments}
    rest = day.replace(shipments=tuple(s for s in day.shipments if s.shipment_id not in frozen))
    rest = _supply_fleet(rest, states, known, at)
    daynet = networks[-1]
    planned = plan_supply(rest, daynet, check_fleet(rest), params=day.policy.solve_params())
    travel = supply_travel(day, base_net)
    new_routes = {r.vehicle_id: r for r in planned.truck_routes}
    routes: list[VehicleRoute] = []
    order = [v.vehicle_id for v in day.fleet if v.vehicle_class is VehicleClass.TRUCK]
    by_plate = {t.route.vehicle_id: t for t in states if t.frozen_steps}
    for plate in order:
        state = by_plate.get(plate)
        new = new_routes.get(plate)
        if state is not None:
            routes.append(_joined(day, state, new, travel))
        elif new is not None:
            routes.append(new)
    kept = [d for d in base.deliveries if d.shipment_id in frozen]
    deliveries = sorted([*kept, *planned.deliveries], key=lambda d: (d.load_start, d.shipment_id))
    return SupplyPlan(
        truck_routes=tuple(routes),
        deliveries=tuple(deliveries),
        unserved=planned.unserved,
        solve_seconds=planned.solve_seconds,
        status=f"re-planned from {at:%H:%M}: {planned.status}",
        backend=planned.backend,
        objective=planned.objective,
    )
