"""Independent re-simulation of a Plan: every route and trip checked against the day's rules.

Shares no code with the solver or the translation: it walks each vehicle route step by step
with the day's travel matrix and re-derives everything from the ``Day`` itself — the permit
that must cover the shift, the working window, the shift limit, drive times, boarding and
alighting times, waits, ride times, the load-factor cap with the escort, the mixing rule — and
reports every broken rule. Used by the tests and available as a guard before writing a plan.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from dispatch.charters.bus_problem import DayTravel, PlaceKey, PlaceKind
from dispatch.day import Day, PermitKind, Vehicle
from dispatch.plan import Plan, Step, StepKind, Trip, VehicleRoute
from dispatch.policy import Mixing
from routing.network.speed import VehicleClass

TOLERANCE_S = 1.0  # the solver works in whole seconds


class Rule(StrEnum):
    """Which rule a plan breaks."""

    UNKNOWN_VEHICLE = "unknown_vehicle"
    NOT_A_BUS = "not_a_bus"
    NO_VALID_PERMIT = "no_valid_permit"
    NOT_AVAILABLE = "not_available"
    OPERATING_DAY = "operating_day"
    SHIFT_TOO_LONG = "shift_too_long"
    DEPOT = "depot"
    STEP_ORDER = "step_order"
    NO_ROUTE = "no_route"
    TRAVEL_TIME = "travel_time"
    CAPACITY = "capacity"
    ON_BOARD_MISMATCH = "on_board_mismatch"
    MIXING = "mixing"
    TRIP_MISMATCH = "trip_mismatch"
    SERVICE_TIME = "service_time"
    WAIT = "wait"
    RIDE = "ride"
    ESCORT = "escort"
    WORKER = "worker"
    DISTANCE = "distance"


@dataclass(frozen=True, slots=True)
class PlanViolation:
    """One broken rule with the numbers.

    Parameters
    ----------
    rule
        Which rule.
    message
        What is wrong.
    vehicle_id, trip_id
        Where. Default None.
    """

    rule: Rule
    message: str
    vehicle_id: str | None = None
    trip_id: str | None = None

    def __str__(self) -> str:
        where = " ".join(
            part
            for part in (
                f"vehicle {self.vehicle_id}" if self.vehicle_id else "",
                f"trip {self.trip_id}" if self.trip_id else "",
            )
            if part
        )
        return f"{self.rule.value} ({where or 'plan'}): {self.message}"


class PlanInfeasibleError(AssertionError):
    """A plan breaks the day's rules: a bug, never bad input."""


def _seconds(a: dt.datetime, b: dt.datetime) -> float:
    """``b - a`` in seconds."""
    return (b - a).total_seconds()


def _covered(day: Day, vehicle: Vehicle, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether the vehicle's passenger permits, joined, cover ``[start, end]``."""
    spans = sorted(
        (p.valid_from, p.valid_to)
        for p in day.permits
        if p.vehicle_id == vehicle.vehicle_id and p.kind is PermitKind.PASSENGER
    )
    reach = start
    for valid_from, valid_to in spans:
        if valid_from > reach:
            break
        reach = max(reach, valid_to)
        if reach >= end:
            return True
    return False


def _key(step: Step) -> PlaceKey:
    kind = {
        StepKind.LEAVE_DEPOT: PlaceKind.DEPOT,
        StepKind.RETURN_DEPOT: PlaceKind.DEPOT,
        StepKind.BOARD: PlaceKind.STATION,
        StepKind.ALIGHT: PlaceKind.ENTERPRISE,
    }[step.kind]
    return PlaceKey(kind, step.place_id)


class _RouteCheck:
    """Walk one route; collect violations."""

    def __init__(self, plan: Plan, route: VehicleRoute, travel: DayTravel) -> None:
        self.plan = plan
        self.day = plan.day
        self.route = route
        self.travel = travel
        self.trips = {t.trip_id: t for t in plan.trips if t.vehicle_id == route.vehicle_id}
        self.found: list[PlanViolation] = []

    def add(self, rule: Rule, message: str, trip_id: str | None = None) -> None:
        self.found.append(PlanViolation(rule, message, self.route.vehicle_id, trip_id))

    def run(self) -> list[PlanViolation]:
        vehicle = next((v for v in self.day.fleet if v.vehicle_id == self.route.vehicle_id), None)
        if vehicle is None:
            self.add(Rule.UNKNOWN_VEHICLE, "is not in the day's fleet")
            return self.found
        self.vehicle_rules(vehicle)
        self.shape(vehicle)
        self.legs()
        self.loads(vehicle)
        return self.found

    def vehicle_rules(self, vehicle: Vehicle) -> None:
        route, day, policy = self.route, self.day, self.day.policy
        if vehicle.vehicle_class is not VehicleClass.BUS:
            self.add(Rule.NOT_A_BUS, f"is a {vehicle.vehicle_class.value}")
        if not _covered(day, vehicle, route.start, route.end):
            self.add(
                Rule.NO_VALID_PERMIT,
                f"no passenger permit covers {route.start:%Y-%m-%d %H:%M}–{route.end:%H:%M}",
            )
        if (vehicle.available_from and route.start < vehicle.available_from) or (
            vehicle.available_to and route.end > vehicle.available_to
        ):
            self.add(Rule.NOT_AVAILABLE, "works outside its availability")
        if route.start < day.day_start or route.end > day.day_end:
            self.add(Rule.OPERATING_DAY, "works outside the operating day")
        hours = _seconds(route.start, route.end) / 3600.0
        if hours > policy.shift_hours + TOLERANCE_S / 3600:
            self.add(Rule.SHIFT_TOO_LONG, f"{hours:.2f} h > {policy.shift_hours:g} h")

    def shape(self, vehicle: Vehicle) -> None:
        steps = self.route.steps
        first, last = steps[0], steps[-1]
        if (first.kind, last.kind) != (StepKind.LEAVE_DEPOT, StepKind.RETURN_DEPOT) or {
            first.place_id,
            last.place_id,
        } != {vehicle.depot_id}:
            self.add(Rule.DEPOT, f"does not leave from and return to depot {vehicle.depot_id}")
        middle = steps[1:-1]
        if any(s.kind not in (StepKind.BOARD, StepKind.ALIGHT) for s in middle):
            self.add(Rule.STEP_ORDER, "has a depot step inside the route")
        boarded: set[str] = set()
        counts: Counter[tuple[str | None, StepKind]] = Counter((s.trip_id, s.kind) for s in middle)
        for index, step in enumerate(middle):
            trip = self.trips.get(step.trip_id or "")
            if trip is None:
                self.add(Rule.TRIP_MISMATCH, f"step at {step.place_id} has no trip of this bus")
                continue
            if step.kind is StepKind.BOARD:
                boarded.add(trip.trip_id)
                leave = index  # pooled: the bus leaves once every group here has boarded
                while (
                    leave + 1 < len(middle)
                    and middle[leave + 1].kind is StepKind.BOARD
                    and middle[leave + 1].place_id == step.place_id
                ):
                    leave += 1
                self.board(step, trip, middle[leave].departure)
            elif trip.trip_id not in boarded:
                self.add(Rule.STEP_ORDER, "alights before boarding", trip.trip_id)
            else:
                self.alight(step, trip)
        for trip_id in self.trips:
            if counts[(trip_id, StepKind.BOARD)] != 1 or counts[(trip_id, StepKind.ALIGHT)] != 1:
                self.add(Rule.TRIP_MISMATCH, "is not boarded and alighted exactly once", trip_id)
        if tuple(sorted(self.route.trip_ids)) != tuple(sorted(self.trips)):
            self.add(Rule.TRIP_MISMATCH, "the route's trip ids differ from its trips")

    def board(self, step: Step, trip: Trip, leaves: dt.datetime) -> None:
        policy, day = self.day.policy, self.day
        if step.place_id != trip.station_id:
            self.add(Rule.TRIP_MISMATCH, f"boards at {step.place_id}", trip.trip_id)
        if (trip.board_start, trip.depart) != (step.begin, leaves):
            self.add(Rule.TRIP_MISMATCH, "boarding times differ from the step", trip.trip_id)
        persons = trip.headcount + policy.escort_seats
        need = (policy.health_check_min + policy.board_min_per_person * persons) * 60.0
        if _seconds(step.begin, step.departure) < need - TOLERANCE_S:
            self.add(Rule.SERVICE_TIME, f"boarding shorter than {need / 60:.1f} min", trip.trip_id)
        if trip.escort_seats != policy.escort_seats:
            self.add(Rule.ESCORT, f"{trip.escort_seats} escort seat(s)", trip.trip_id)
        if step.begin < day.day_start or step.begin > day.day_end:
            self.add(Rule.OPERATING_DAY, "boarding outside the operating day", trip.trip_id)
        arrivals = {a.worker_id: a for a in day.arrivals}
        for worker_id in trip.worker_ids:
            a = arrivals.get(worker_id)
            if a is None or (a.station_id, a.enterprise_id) != (
                trip.station_id,
                trip.enterprise_id,
            ):
                self.add(Rule.WORKER, f"worker {worker_id} does not belong here", trip.trip_id)
                continue
            waited = _seconds(a.arrival_time, step.begin)
            if waited < policy.transfer_min * 60.0 - TOLERANCE_S:
                self.add(Rule.WAIT, f"worker {worker_id} is not at the bus yet", trip.trip_id)
            if waited > policy.max_wait_min * 60.0 + TOLERANCE_S:
                self.add(Rule.WAIT, f"worker {worker_id} waits {waited / 60:.1f} min", trip.trip_id)

    def alight(self, step: Step, trip: Trip) -> None:
        policy = self.day.policy
        if step.place_id != trip.enterprise_id:
            self.add(Rule.TRIP_MISMATCH, f"alights at {step.place_id}", trip.trip_id)
        if (trip.arrive, trip.alight_start) != (step.arrival, step.begin):
            self.add(Rule.TRIP_MISMATCH, "alighting times differ from the step", trip.trip_id)
        if _seconds(step.begin, step.departure) < policy.alight_min * 60.0 - TOLERANCE_S:
            self.add(Rule.SERVICE_TIME, "alighting too short", trip.trip_id)
        ride = _seconds(trip.depart, step.begin)
        if ride > policy.max_ride_min * 60.0 + TOLERANCE_S:
            self.add(Rule.RIDE, f"ride {ride / 60:.1f} min", trip.trip_id)

    def legs(self) -> None:
        steps = self.route.steps
        total = loaded = 0.0
        for before, after in itertools.pairwise(steps):
            a, b = _key(before), _key(after)
            if a not in self.travel or b not in self.travel or not self.travel.reachable(a, b):
                self.add(Rule.NO_ROUTE, f"no bus route {a} → {b}")
                continue
            drive = self.travel.minutes(a, b) * 60.0
            if _seconds(before.departure, after.arrival) < drive - TOLERANCE_S:
                self.add(Rule.TRAVEL_TIME, f"{a} → {b} faster than the {drive / 60:.1f} min drive")
            km = self.travel.km(a, b)
            total += km
            loaded += km if before.on_board > 0 else 0.0
        if not math.isclose(total, self.route.distance_km, rel_tol=1e-6, abs_tol=1e-3) or (
            not math.isclose(loaded, self.route.loaded_km, rel_tol=1e-6, abs_tol=1e-3)
        ):
            self.add(
                Rule.DISTANCE,
                f"{self.route.distance_km:.3f} km ({self.route.loaded_km:.3f} loaded) given, "
                f"{total:.3f} ({loaded:.3f}) driven",
            )

    def loads(self, vehicle: Vehicle) -> None:
        policy = self.day.policy
        cap = math.floor((vehicle.seats or 0) * policy.load_factor + 1e-9)
        aboard: dict[str, Trip] = {}
        for step in self.route.steps:
            trip = self.trips.get(step.trip_id or "")
            if trip is not None and step.kind is StepKind.BOARD:
                aboard[trip.trip_id] = trip
            elif trip is not None and step.kind is StepKind.ALIGHT:
                aboard.pop(trip.trip_id, None)
            people = sum(t.headcount + t.escort_seats for t in aboard.values())
            if people != step.on_board:
                self.add(Rule.ON_BOARD_MISMATCH, f"{step.on_board} given, {people} on board")
            if people > cap:
                self.add(Rule.CAPACITY, f"{people} on board > {cap} under the load-factor cap")
            if policy.mixing is Mixing.NONE and len(aboard) > 1:
                self.add(Rule.MIXING, f"{len(aboard)} groups on board under mixing = none")
            if len({t.station_id for t in aboard.values()}) > 1:
                self.add(Rule.MIXING, "groups from different stations on board")


def verify_plan(plan: Plan, travel: DayTravel) -> list[PlanViolation]:
    """Every rule ``plan`` breaks (empty when feasible).

    Parameters
    ----------
    plan
        The plan (it carries its day).
    travel
        The day's bus travel matrix between the places the plan uses
        (``dispatch.charters.bus_problem.day_travel``).
    """
    found: list[PlanViolation] = []
    for route in plan.routes:
        found.extend(_RouteCheck(plan, route, travel).run())
    routes = {r.vehicle_id for r in plan.routes}
    for trip in plan.trips:
        if trip.vehicle_id not in routes:
            found.append(
                PlanViolation(Rule.TRIP_MISMATCH, "its bus has no route", None, trip.trip_id)
            )
    excluded = {e.worker_id for e in plan.excluded}
    for trip in plan.trips:
        for worker_id in excluded.intersection(trip.worker_ids):
            found.append(
                PlanViolation(Rule.WORKER, f"excluded worker {worker_id} rides", None, trip.trip_id)
            )
    return found


def assert_plan_feasible(plan: Plan, travel: DayTravel) -> None:
    """Raise ``PlanInfeasibleError`` listing every broken rule, if any."""
    found = verify_plan(plan, travel)
    if found:
        shown = "\n".join(f"- {v}" for v in found[:20])
        more = f"\n(and {len(found) - 20} more)" if len(found) > 20 else ""
        raise PlanInfeasibleError(f"{len(found)} rule violation(s):\n{shown}{more}")


def violations_text(found: Sequence[PlanViolation]) -> str:
    """One line per violation."""
    return "\n".join(str(v) for v in found)
