"""Re-planning a day at a clock time from a base plan and the events known by then.

``replan_day(day, base, events, at=…)`` is the front door: it freezes what has happened
(``dispatch.replan.state``), regroups the workers still to move with the events applied
(``dispatch.replan.regroup``), solves the rest from the base plan's routes
(``dispatch.replan.remainder``), joins each bus's frozen steps and its continuation
(``dispatch.replan.routes``) into a new ``Plan`` — whose construction checks that nobody is
lost — and compares it with the base (``dispatch.replan.diff``). It never prints. The rules
are in docs/replan.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from dispatch.charters.bus_problem import DayTravel, PlaceKey, day_network
from dispatch.charters.explain import ExitBlame, grouping_detail, request_reason
from dispatch.charters.fleet import UsableVehicle, check_fleet
from dispatch.charters.idle import idle_vehicles
from dispatch.charters.prepare import Prepared
from dispatch.charters.screening import screen
from dispatch.charters.subsidy import subsidy_rows
from dispatch.day import Arrival, Day
from dispatch.kpis import plan_kpis, with_supply
from dispatch.plan import (
    IdleVehicle,
    Plan,
    PlanInvariantError,
    PlanMeta,
    Trip,
    Unserved,
    VehicleRoute,
)
from dispatch.planner import software_version
from dispatch.policy import format_clock
from dispatch.preflight import check_on_network
from dispatch.reasons import UnservedReason
from dispatch.replan.apply import exit_times, exits_at, with_arrivals, with_fleet
from dispatch.replan.base import BasePlan, check_base
from dispatch.replan.checks import event_problems
from dispatch.replan.diff import PlanDiff, plan_diff
from dispatch.replan.events import (
    Event,
    EventLog,
    NoShow,
    VehicleBreakdown,
    breakdown_times,
    delayed_arrivals,
    no_show_workers,
)
from dispatch.replan.regroup import GroupInputs, Regrouped, regroup, touched_trips
from dispatch.replan.remainder import (
    Remainder,
    carried_buses,
    remainder_keys,
    solve_remainder,
    travel_over,
)
from dispatch.replan.routes import bus_day, continuation, step_key
from dispatch.replan.state import DayState, boarded_workers, day_state
from dispatch.replan.supply import replan_supply, replan_supply_day
from dispatch.supply.shipments import SupplyPlan
from routing.network.daynetwork import DayNetwork
from routing.network.roads import RoadNetwork
from routing.vrp import explain
from stations.errors import InputError

logger = logging.getLogger(__name__)

StageCallback = Callable[[str, float], None]
BROKEN = (
    "车辆于 {clock} 故障，当日停运",
    "broke down at {clock}: out of service for the rest of the day",
)


@dataclass(frozen=True, slots=True)
class Replan:
    """A re-plan: the new version, what changed, and what the events did.

    Parameters
    ----------
    plan
        The new version (``meta.parent`` and ``meta.replanned_at`` name its parent and the
        clock time); its construction checked that nobody is lost.
    base
        The parent.
    at
        The clock time.
    applied
        The events known at ``at`` (applied).
    pending
        The events not yet known at ``at`` (left for a later re-plan).
    notes
        What could not be applied, and why (a no-show of a worker already on board, …).
    diff
        The new version against its parent.
    state
        The state of the parent's buses at ``at``.
    solve_seconds
        Wall time of the solver.
    """

    plan: Plan
    base: BasePlan
    at: dt.datetime
    applied: EventLog
    pending: tuple[Event, ...]
    notes: tuple[str, ...]
    diff: PlanDiff
    state: DayState
    solve_seconds: float


def _clock(day: Day, moment: dt.datetime) -> str:
    return format_clock(day.minutes_of(moment))


def _notes(day: Day, known: EventLog, on_board: set[str], late_on_board: set[str]) -> list[str]:
    """Worker events that come too late: the worker is on a frozen trip."""
    notes: list[str] = []
    late = sorted(late_on_board)
    if late:
        notes.append(
            f"{len(late)} worker(s) of a late train are already on a trip that has started "
            f"(e.g. {', '.join(late[:5])}): the delay does not apply to them"
        )
    arrivals = [*day.arrivals, *(a for e in known.walk_ins for a in e.arrivals)]
    for event in known.no_shows:
        riding = sorted(w for w in event.workers(arrivals) if w in on_board)
        if riding:
            notes.append(
                f"{event.source}: {len(riding)} worker(s) reported as no-shows are already on "
                f"a trip that has started ({', '.join(riding[:5])}): they stay transported"
            )
    return notes


def _networks(
    day: Day, roads: RoadNetwork, known: EventLog, at: dt.datetime
) -> tuple[DayNetwork, list[DayNetwork], Day]:
    """The base plan's network, the networks the rest of the day goes through (one per exit
    status still to come), and the day with its exits as they end up."""
    changes = known.exit_changes
    base_net = day_network(day, roads)
    if not changes:
        return base_net, [base_net], day
    moments = [at, *exit_times(changes, at)]
    networks = [day_network(day.replace(exits=exits_at(day, changes, m)), roads) for m in moments]
    final = day.replace(exits=exits_at(day, changes, dt.datetime.max))
    return base_net, networks, final


def _travels(
    day: Day,
    base_day: Day,
    keys: Sequence[PlaceKey],
    frozen_keys: Sequence[PlaceKey],
    base_net: DayNetwork,
    networks: Sequence[DayNetwork],
) -> tuple[DayTravel, DayTravel]:
    """The re-plan's travel over ``keys`` and the base roads' travel over ``frozen_keys``
    (one matrix when the roads did not change)."""
    if len(networks) == 1 and networks[0] is base_net:
        travel = travel_over(day, [*keys, *frozen_keys], networks)
        return travel, travel
    return travel_over(day, keys, networks), travel_over(base_day, frozen_keys, [base_net])


def _routes(
    day: Day,
    state: DayState,
    remainder: Remainder,
    travel: DayTravel,
    frozen_travel: DayTravel,
    usable: Mapping[str, UsableVehicle],
) -> tuple[list[VehicleRoute], list[Trip]]:
    """Every used bus's day (fleet order) and the trips of the continuations."""
    arrivals = {a.worker_id: a for a in day.arrivals}
    states = {b.vehicle_id: b for b in state.buses}
    routes: list[VehicleRoute] = []
    trips: list[Trip] = []
    for plate, vehicle in usable.items():
        bus = states.get(plate)
        frozen = bus.frozen_steps if bus is not None else ()
        route = remainder.route_of(plate) if plate in remainder.carried else None
        if not frozen and route is None:
            continue
        tail = None
        if route is not None:
            leave = frozen[-1].departure if frozen else None
            tail = continuation(remainder.built, route, arrivals, leave=leave)
            trips.extend(tail.trips)
        routes.append(
            bus_day(
                vehicle,
                frozen=frozen,
                frozen_travel=frozen_travel,
                travel=travel,
                tail=tail,
                depot_start=route.stops[0] if route is not None else None,
                day=day,
            )
        )
    return routes, trips


def _unserved_rows(
    day: Day,
    regrouped: Regrouped,
    remainder: Remainder,
    daynet: DayNetwork,
    no_shows: Mapping[str, NoShow],
    at: dt.datetime,
) -> list[Unserved]:
    """One row per unserved worker: no-shows and grouping leftovers, the base rows carried
    over, groups whose window closed before ``at``, and the solver's leftovers."""
    from routing.network.speed import VehicleClass

    buses = sum(1 for v in day.fleet if v.vehicle_class is VehicleClass.BUS)
    arrivals = {a.worker_id: a for a in day.arrivals}
    rows: list[Unserved] = []
    for worker in regrouped.unserved:
        a = worker.arrival
        if worker.reason is UnservedReason.NO_SHOW:
            event = no_shows[a.worker_id]
            detail = f"reported at {_clock(day, event.known_at)} ({event.source})"
        else:
            detail = grouping_detail(day, worker, buses)
        rows.append(
            Unserved(
                a.worker_id, a.station_id, a.enterprise_id, a.arrival_time, worker.reason, detail
            )
        )
    rows += regrouped.carried
    for request in regrouped.too_late:
        detail = (
            f"boarding had to start by {_clock(day, request.pickup_latest)} (longest wait), "
            f"before the re-plan at {_clock(day, at)}"
        )
        rows += [
            Unserved(
                w,
                request.station_id,
                request.enterprise_id,
                arrivals[w].arrival_time,
                UnservedReason.TIME_WINDOW_UNREACHABLE,
                detail,
                request.request_id,
            )
            for w in request.worker_ids
        ]
    solution = remainder.solution
    if solution.unassigned:
        built = remainder.built
        reasons = explain(built.problem, solution, servability=dict(remainder.servability))
        blame = ExitBlame(built, daynet)
        for request_id in solution.unassigned:
            request = built.requests[request_id]
            code, detail, exits = request_reason(built, request, reasons[request_id], blame)
            rows += [
                Unserved(
                    w,
                    request.station_id,
                    request.enterprise_id,
                    arrivals[w].arrival_time,
                    code,
                    detail,
                    request_id,
                    exits,
                )
                for w in request.worker_ids
            ]
    return rows


def _idle(
    fleet_idle: Sequence[IdleVehicle], broken: Mapping[str, dt.datetime], day: Day
) -> tuple[IdleVehicle, ...]:
    """The idle vehicles, a bus that broke down before its first trip as ``broken_down``."""
    out: list[IdleVehicle] = []
    for idle in fleet_idle:
        when = broken.get(idle.vehicle_id)
        if when is None:
            out.append(idle)
            continue
        clock = _clock(day, when)
        out.append(
            dataclasses.replace(
                idle,
                reason_zh=BROKEN[0].format(clock=clock),
                reason_en=BROKEN[1].format(clock=clock),
                code="broken_down",
            )
        )
    return tuple(out)


def check_events(day: Day, events: EventLog) -> None:
    """Raise ``InputError`` with every reference of ``events`` that ``day`` does not know."""
    problems = event_problems(day, events)
    if problems:
        raise InputError(problems)


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the events known at the clock time say, and the state they leave the parent in."""

    known: EventLog
    walk_ins: tuple[Arrival, ...]
    moved: Mapping[str, dt.datetime]
    no_shows: Mapping[str, NoShow]
    breakdowns: Mapping[str, VehicleBreakdown]
    state: DayState
    on_board: frozenset[str]  # workers of frozen trips
    late_on_board: frozenset[str]  # late workers whose frozen trip no longer fits them
    forced: frozenset[str]  # workers an event makes change: late, no-show, bus broken down


def _facts(day: Day, base: BasePlan, events: EventLog, at: dt.datetime) -> _Facts:
    """The events known at ``at`` read against the day, and the state of ``base`` then."""
    known = events.known_by(at)
    walk_ins = tuple(a for e in known.walk_ins for a in e.arrivals)
    moved = delayed_arrivals(day.arrivals, known.delays)
    no_shows = no_show_workers([*day.arrivals, *walk_ins], known.no_shows)
    breakdowns = breakdown_times(known.breakdowns)
    touched = touched_trips(with_arrivals(day, moved, walk_ins), base, set(no_shows))
    state = day_state(
        base,
        at=at,
        freeze_until=max([at, *exit_times(known.exit_changes, at)]),
        touched_trips=touched,
        breakdowns=breakdowns,
    )
    frozen = [base.trip(t) for t in state.frozen_trips]
    on_board = frozenset(w for t in frozen for w in t.worker_ids)
    late = frozenset(w for t in frozen if t.trip_id in touched for w in t.worker_ids if w in moved)
    stranded = {
        w
        for bus in state.buses
        if bus.breakdown is not None
        for trips in bus.released_trips
        for t in trips
        for w in base.trip(t).worker_ids
    }
    forced = frozenset(set(moved) | set(no_shows) | stranded)
    return _Facts(known, walk_ins, moved, no_shows, breakdowns, state, on_board, late, forced)


def _replan_day_of(day: Day, final: Day, base: BasePlan, facts: _Facts) -> tuple[Day, list[str]]:
    """The re-plan's day: the exits as they end up, late arrivals moved (but where a frozen
    trip contradicts them), walk-ins in, vehicles and shipments the events add; with the
    notes on what could not be applied."""
    moved = {w: t for w, t in facts.moved.items() if w not in facts.late_on_board}
    new_day = with_fleet(with_arrivals(final, moved, facts.walk_ins), facts.known)
    new_day, supply_notes = replan_supply_day(new_day, base, facts.known, facts.state.at)
    notes = _notes(day, facts.known, set(facts.on_board), set(facts.late_on_board))
    return new_day, notes + supply_notes


def _meta(
    day: Day, base: BasePlan, remainder: Remainder, supply: SupplyPlan, **values: object
) -> PlanMeta:
    solution = remainder.solution
    return PlanMeta(
        seed=day.policy.seed,
        time_limit_s=day.policy.time_limit_s,
        solver_status=solution.status + f"; supply {supply.status}",
        objective=solution.objective + supply.objective,
        version=software_version(),
        solver_backend=solution.backend,
        solver_backend_reason=solution.backend_reason,
        supply_backend=supply.backend,
        parent=base.parent,
        **values,  # type: ignore[arg-type]
    )


def replan_day(
    day: Day,
    base: BasePlan,
    events: EventLog,
    *,
    at: dt.datetime,
    network: RoadNetwork | None = None,
    warm: bool = True,
    on_stage: StageCallback | None = None,
) -> Replan:
    """Re-plan ``day`` at ``at`` from ``base`` with the events known by then.

    Parameters
    ----------
    day
        The planning day as read (without events); its policy sets the rules and the
        solver's budget.
    base
        The version to start from (``BasePlan.of_plan`` or ``dispatch.replan.base.read_base``).
    events
        The day's events; those known after ``at`` are left for later.
    at
        The clock time: what happened by then is frozen, nobody boards before it.
    network
        The roads. Default ``RoadNetwork.embedded()``.
    warm
        Start the solver from the base plan's routes (False: plan the rest from scratch,
        for comparison; it changes more). Default True.
    on_stage
        Called as ``on_stage(stage, fraction)`` (stages: state, groups, network, solve,
        assemble, done). Default None.

    Returns
    -------
    Replan
        The new version, the diff, the events applied and pending, and notes.

    Raises
    ------
    InputError
        If the base does not plan ``day``, an event names something the day does not know,
        or a place lies too far from every road.
    RoutingError
        If the solver fails.
    """

    def report(stage: str, fraction: float) -> None:
        if on_stage is not None:
            on_stage(stage, fraction)

    started = time.monotonic()
    check_base(base, day, walk_ins=[a.worker_id for e in events.walk_ins for a in e.arrivals])
    check_events(day, events)
    report("state", 0.0)
    facts = _facts(day, base, events, at)
    state = facts.state
    report("groups", 0.1)
    roads = network if network is not None else RoadNetwork.embedded()
    base_net, networks, final = _networks(day, roads, facts.known, at)
    new_day, notes = _replan_day_of(day, final, base, facts)
    screening = screen(new_day)
    fleet = check_fleet(new_day)
    regrouped = regroup(
        new_day,
        GroupInputs(
            base=base,
            frozen_trips=state.frozen_trips,
            open_trips=state.released_trips,
            eligible={a.worker_id: a for a in screening.eligible},
            moved={w for w in facts.moved if w not in facts.on_board},
            no_shows={w for w in facts.no_shows if w not in facts.on_board},
            max_workers=fleet.max_worker_seats,
            at=at,
        ),
    )
    prepared = Prepared(new_day, screening, fleet, regrouped.grouping())
    report("network", 0.2)
    check_on_network(new_day, prepared, roads, warn=False)
    carried = carried_buses(new_day, fleet.buses, state, facts.breakdowns)
    keys = remainder_keys(regrouped.open, carried, state)
    frozen_keys = [step_key(s) for b in state.buses for s in b.frozen_steps]
    travel, frozen_travel = _travels(new_day, day, keys, frozen_keys, base_net, networks)
    report("solve", 0.3)
    solve_started = time.monotonic()
    remainder = solve_remainder(
        prepared,
        regrouped.open,
        carried,
        state,
        travel,
        new_day.policy.solve_params(),
        warm=warm,
        moved=regrouped.retimed,
        announced={
            t: base.trip(t).board_start for t in state.released_trips if t not in regrouped.retimed
        },
    )
    supply = replan_supply(new_day, base, facts.known, at, networks=networks, base_net=base_net)
    solve_seconds = time.monotonic() - solve_started
    report("assemble", 0.8)
    usable = {u.vehicle_id: u for u in fleet.buses}
    routes, new_trips = _routes(new_day, state, remainder, travel, frozen_travel, usable)
    frozen_trips = [base.trip(t) for t in sorted(state.frozen_trips)]
    trips = sorted([*frozen_trips, *new_trips], key=lambda t: (t.board_start, t.trip_id))
    daynet = networks[-1]
    unserved = _unserved_rows(new_day, regrouped, remainder, daynet, facts.no_shows, at)
    subsidy = subsidy_rows(new_day, routes, trips)
    kpis = plan_kpis(
        prepared,
        routes,
        trips,
        unserved,
        subsidy,
        requests_unserved=len(remainder.solution.unassigned) + len(regrouped.too_late),
        fleet_lower_bound=None,
        solve_seconds=solve_seconds,
    )
    kpis = with_supply(kpis, prepared, supply)
    broken = {v: e.time for v, e in facts.breakdowns.items()}
    plan = Plan(
        day=new_day,
        routes=tuple(routes),
        trips=tuple(trips),
        unserved=tuple(unserved),
        excluded=screening.excluded,
        idle=_idle(
            idle_vehicles(fleet, {r.vehicle_id for r in routes} | supply.used), broken, new_day
        ),
        subsidy=subsidy,
        kpis=kpis,
        truck_routes=supply.truck_routes,
        deliveries=supply.deliveries,
        unserved_shipments=supply.unserved,
        network=daynet,
        meta=_meta(
            new_day,
            base,
            remainder,
            supply,
            wall_seconds=round(time.monotonic() - started, 3),
            network=roads.name,
            replanned_at=at,
        ),
    )
    boarded = boarded_workers(state, base)
    if not boarded <= {w for t in plan.trips for w in t.worker_ids}:
        raise PlanInvariantError(f"a worker on board at {at} is not transported (a bug)")
    diff = plan_diff(base, plan, at=at, boarded=boarded, forced=facts.forced, broken=broken)
    report("done", 1.0)
    logger.info(
        "re-planned %s at %s: %d buses, %d trips, %d unserved; changed %d workers of %d, "
        "%d trips, %d buses; %.1f s",
        day.date,
        _clock(day, at),
        kpis.buses_used,
        kpis.trips,
        kpis.workers_unserved,
        diff.workers_changed,
        diff.workers_to_move,
        len(diff.trips),
        len(diff.buses),
        time.monotonic() - started,
    )
    return Replan(
        plan=plan,
        base=base,
        at=at,
        applied=facts.known,
        pending=events.later_than(at),
        notes=tuple(notes),
        diff=diff,
        state=state,
        solve_seconds=solve_seconds,
    )
