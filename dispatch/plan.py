"""The plan of a day: vehicle routes, trips, unserved and excluded workers, KPIs, subsidy, and
the supply side: truck routes, deliveries and unserved shipments.

A ``Plan`` is what ``dispatch.planner.plan_day`` returns and what outputs, maps and scenario
comparisons read. It carries the day it was made from, so every worker and shipment can be
traced, and it checks the nothing-lost invariant on construction: every registered worker is
transported, excluded or unserved, and every shipment delivered or unserved — exactly once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from dispatch.day import Arrival, Cargo, Day
from dispatch.reasons import ExclusionReason, ShipmentReason, UnservedReason, reason_text
from routing.network.speed import VehicleClass
from stations.lang import Lang
from stations.model import PlaceKind

if TYPE_CHECKING:
    from routing.network.daynetwork import DayNetwork

REGIONAL_REASONS = frozenset(
    {ExclusionReason.HIGH_RISK_ORIGIN, ExclusionReason.MEDIUM_RISK_WITHOUT_NEGATIVE_TEST}
)


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A worker who may not ride, with every rule they fail (first = main reason).

    Parameters
    ----------
    arrival
        The worker's registration.
    reasons
        Failed rules in rule order (at least one).
    risk_region
        The listed region that made the origin medium/high risk, if that is a reason.
        Default "".
    """

    arrival: Arrival
    reasons: tuple[ExclusionReason, ...]
    risk_region: str = ""

    def __post_init__(self) -> None:
        if not self.reasons:
            raise ValueError(f"worker {self.arrival.worker_id}: an exclusion needs a reason")

    @property
    def worker_id(self) -> str:
        """The excluded worker's id."""
        return self.arrival.worker_id

    @property
    def reason(self) -> ExclusionReason:
        """The main reason (first failed rule)."""
        return self.reasons[0]

    def describe(self, lang: Lang = Lang.EN) -> str:
        """Every reason as readable text in ``lang``. Default ``en``."""
        parts = []
        for reason in self.reasons:
            text = reason_text(reason, lang)
            if reason in REGIONAL_REASONS and self.risk_region:
                where = self.risk_region
                text += f"（{where}）" if lang == Lang.ZH else f" ({where})"
            parts.append(text)
        return ("；" if lang == Lang.ZH else "; ").join(parts)


class PlanInvariantError(AssertionError):
    """The plan loses or double-counts a worker or a shipment: a bug, never bad input (exit
    code 1)."""


class StepKind(StrEnum):
    """What a vehicle does at a step of its route."""

    LEAVE_DEPOT = "leave_depot"
    BOARD = "board"  # workers (and the escort) board at a station
    ALIGHT = "alight"  # they alight at the employer
    RETURN_DEPOT = "return_depot"
    LOAD = "load"  # a truck loads a shipment at its origin
    UNLOAD = "unload"  # and unloads it at its destination

    @property
    def place_kind(self) -> PlaceKind | None:
        """The kind of place a bus step's ``place_id`` names (a depot, a station, an employer);
        None for a truck's loading and unloading, whose ``place_id`` is a supply place key
        (``dispatch.supply.truck_problem``)."""
        return _STEP_PLACES.get(self)


_STEP_PLACES = {
    StepKind.LEAVE_DEPOT: PlaceKind.DEPOT,
    StepKind.RETURN_DEPOT: PlaceKind.DEPOT,
    StepKind.BOARD: PlaceKind.STATION,
    StepKind.ALIGHT: PlaceKind.ENTERPRISE,
}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a vehicle's route.

    Parameters
    ----------
    kind
        What happens.
    place_id
        Depot, station or employer id (for a truck: the shipment end's place id, or its
        ``lon,lat`` when it is a bare point).
    trip_id
        The trip boarding or alighting here, or the shipment loaded or unloaded (None at the
        depot).
    arrival, begin, departure
        Arrival, start of service (boarding / alighting / loading) and departure, local time.
    on_board
        People on board after this step (workers and escorts); for a truck, the shipments on
        board.
    load_t
        Tonnes on board after this step (trucks). Default 0.
    green_channel
        Whether the truck drives on from here under the green-channel pass of a priority run
        (see docs/supply.md). Default False.
    """

    kind: StepKind
    place_id: str
    trip_id: str | None
    arrival: dt.datetime
    begin: dt.datetime
    departure: dt.datetime
    on_board: int
    load_t: float = 0.0
    green_channel: bool = False

    def __post_init__(self) -> None:
        if not (self.arrival <= self.begin <= self.departure):
            raise ValueError(f"step at {self.place_id}: times out of order")
        if self.on_board < 0 or self.load_t < 0:
            raise ValueError(f"step at {self.place_id}: negative on_board or load")


@dataclass(frozen=True, slots=True)
class Trip:
    """One served trip request: a group of one employer's workers from one station.

    Parameters
    ----------
    trip_id
        The trip request id.
    vehicle_id
        The bus (plate).
    station_id, enterprise_id
        Where the group boards and where it is taken.
    worker_ids
        The workers on this trip.
    escort_seats
        Seats taken by the employer's escort.
    board_start
        When boarding (with its health check) starts at the station.
    depart
        When the bus leaves the station.
    arrive
        When the bus arrives at the employer (unloading starts at ``alight_start``).
    alight_start
        When unloading starts.
    wait_max_min, wait_mean_min
        Longest and mean wait of the group's workers: from arrival at the station to the
        start of boarding.
    ride_min
        From leaving the station to the start of unloading.
    distance_km
        Length of the loaded leg.
    """

    trip_id: str
    vehicle_id: str
    station_id: str
    enterprise_id: str
    worker_ids: tuple[str, ...]
    escort_seats: int
    board_start: dt.datetime
    depart: dt.datetime
    arrive: dt.datetime
    alight_start: dt.datetime
    wait_max_min: float
    wait_mean_min: float
    ride_min: float
    distance_km: float

    def __post_init__(self) -> None:
        if not self.worker_ids:
            raise ValueError(f"trip {self.trip_id}: no workers")
        if not (self.board_start <= self.depart <= self.arrive <= self.alight_start):
            raise ValueError(f"trip {self.trip_id}: times out of order")
        if self.wait_max_min < 0 or self.ride_min < 0 or self.distance_km < 0:
            raise ValueError(f"trip {self.trip_id}: negative wait, ride or distance")

    @property
    def headcount(self) -> int:
        """Workers on the trip (escort not counted)."""
        return len(self.worker_ids)

    @property
    def passengers(self) -> int:
        """Seats used: workers plus escort."""
        return len(self.worker_ids) + self.escort_seats


@dataclass(frozen=True, slots=True)
class VehicleRoute:
    """One used vehicle's day: its steps, trips, distances and cost.

    Parameters
    ----------
    vehicle_id, operator, depot_id, vehicle_class
        The vehicle.
    seats
        Seats of a bus (None for trucks).
    capacity
        Places per trip under the load-factor cap, escort included (0 for trucks).
    permit_no, permit_valid_from, permit_valid_to
        The permit it runs under.
    steps
        The route, depot to depot (a truck may return to its depot between runs).
    trip_ids
        Trips in order (for a truck: the shipments, in order of loading).
    distance_km, loaded_km
        Total and loaded (someone or some cargo on board) distance; empty = total - loaded.
    cost_cny
        Charter cost: fixed + per km + per hour from leaving to returning to the depot.
    fixed_cost_cny
        The fixed part of ``cost_cny`` (the bus's day rate). Default 0.
    capacity_t, capacity_m3
        Payload of a truck in tonnes and cubic metres (None for buses, and for a truck
        without a volume limit). Default None.
    """

    vehicle_id: str
    operator: str
    depot_id: str
    vehicle_class: VehicleClass
    seats: int | None
    capacity: int
    permit_no: str
    permit_valid_from: dt.datetime
    permit_valid_to: dt.datetime
    steps: tuple[Step, ...]
    trip_ids: tuple[str, ...]
    distance_km: float
    loaded_km: float
    cost_cny: float
    fixed_cost_cny: float = 0.0
    capacity_t: float | None = None
    capacity_m3: float | None = None

    def __post_init__(self) -> None:
        if len(self.steps) < 2:
            raise ValueError(f"route of {self.vehicle_id}: needs at least depot out and back")
        if self.loaded_km > self.distance_km + 1e-6:
            raise ValueError(f"route of {self.vehicle_id}: loaded km exceed total km")

    @property
    def start(self) -> dt.datetime:
        """When the vehicle leaves its depot."""
        return self.steps[0].departure

    @property
    def end(self) -> dt.datetime:
        """When it is back at its depot."""
        return self.steps[-1].arrival

    @property
    def empty_km(self) -> float:
        """Distance driven empty (to the first station, between trips, back to the depot)."""
        return max(0.0, self.distance_km - self.loaded_km)

    @property
    def hours(self) -> float:
        """Shift length in hours."""
        return (self.end - self.start).total_seconds() / 3600.0


@dataclass(frozen=True, slots=True)
class Unserved:
    """An eligible worker with no bus, and why.

    Parameters
    ----------
    worker_id, station_id, enterprise_id, arrival_time
        The worker.
    reason
        The cause (code).
    detail
        The explanation with the numbers, e.g. "needs 28 places; the largest permitted bus
        carries 26 under the 50 % cap".
    request_id
        The trip request the worker was grouped into (None when grouping failed).
    exits
        Exit ids whose status cuts the route, for ``route_blocked_by_exit``.
    """

    worker_id: str
    station_id: str
    enterprise_id: str
    arrival_time: dt.datetime
    reason: UnservedReason
    detail: str = ""
    request_id: str | None = None
    exits: tuple[str, ...] = ()

    def describe(self, lang: Lang = Lang.EN) -> str:
        """Reason text in ``lang`` followed by the detail. Default ``en``."""
        text = reason_text(self.reason, lang)
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivered shipment: which truck, when it was loaded and unloaded.

    Parameters
    ----------
    shipment_id, cargo, weight_t, volume_m3, priority
        The shipment.
    vehicle_id
        The truck (plate).
    origin_id, destination_id
        Its ends as in the truck's steps (place id, or ``lon,lat`` of a bare point).
    load_start
        When loading starts at the origin.
    depart
        When the truck leaves the origin with it.
    arrive
        When the truck arrives at the destination.
    unload_start
        When unloading starts (the delivery time compared with the due time).
    due_time
        Latest delivery (None: by the end of the operating day).
    distance_km
        Distance the shipment travels on the truck (detours for other loads included).
    green_channel
        Whether its run had the green-channel pass (priority cargo only on board).
    """

    shipment_id: str
    vehicle_id: str
    cargo: Cargo
    weight_t: float
    volume_m3: float | None
    priority: int
    origin_id: str
    destination_id: str
    load_start: dt.datetime
    depart: dt.datetime
    arrive: dt.datetime
    unload_start: dt.datetime
    due_time: dt.datetime | None
    distance_km: float
    green_channel: bool

    def __post_init__(self) -> None:
        if not (self.load_start <= self.depart <= self.arrive <= self.unload_start):
            raise ValueError(f"delivery {self.shipment_id}: times out of order")
        if self.weight_t < 0 or self.distance_km < 0:
            raise ValueError(f"delivery {self.shipment_id}: negative weight or distance")

    @property
    def on_time(self) -> bool:
        """Unloading starts by the due time (always, when there is none)."""
        return self.due_time is None or self.unload_start <= self.due_time

    @property
    def slack_min(self) -> float | None:
        """Minutes from the start of unloading to the due time (None without one)."""
        if self.due_time is None:
            return None
        return (self.due_time - self.unload_start).total_seconds() / 60.0


@dataclass(frozen=True, slots=True)
class UnservedShipment:
    """A shipment no truck carries, and why.

    Parameters
    ----------
    shipment_id, cargo, weight_t
        The shipment.
    reason
        The cause (code).
    detail
        The explanation with the numbers. Default "".
    exits
        Exit ids whose status cuts the route, for ``route_blocked_by_exit``. Default ().
    """

    shipment_id: str
    cargo: Cargo
    weight_t: float
    reason: ShipmentReason
    detail: str = ""
    exits: tuple[str, ...] = ()

    def describe(self, lang: Lang = Lang.EN) -> str:
        """Reason text in ``lang`` followed by the detail. Default ``en``."""
        text = reason_text(self.reason, lang)
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True, slots=True)
class IdleVehicle:
    """A vehicle of the fleet with no trips, and why (no permit, not needed, …).

    ``code`` names the reason when the fleet check does not give it (a re-plan's
    ``broken_down``); None takes the fleet check's code. Default None.
    """

    vehicle_id: str
    operator: str
    depot_id: str
    vehicle_class: VehicleClass
    reason_zh: str
    reason_en: str
    permit_no: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class SubsidyRow:
    """Charter cost and subsidy of one employer (the Gusu rule).

    ``cost_cny`` is the employer's share of the charter cost of the buses that carried its
    workers; ``subsidy_cny = subsidy_rate × cost_cny`` when ``workers_transported`` reaches
    ``subsidy_min_workers``, else 0.
    """

    enterprise_id: str
    name: str
    workers_transported: int
    trips: int
    cost_cny: float
    eligible: bool
    subsidy_cny: float


class AdviceKind(StrEnum):
    """The kinds of change the advice measures."""

    POOLING = "pooling"
    LATER_DAY_END = "later_day_end"
    MORE_BUSES = "more_buses"


@dataclass(frozen=True, slots=True)
class Advice:
    """A change that would serve more workers, measured by planning the changed day again.

    Parameters
    ----------
    kind
        What kind of change.
    change
        The change as the policy or fleet states it (``mixing = auto``, …).
    text_zh, text_en
        The advice in words.
    workers_more
        Workers the changed day transports beyond this plan (the re-plan's figure).
    buses_more, cost_more_cny
        Buses and charter running cost the changed day uses beyond this plan.
    depot_id, buses_added
        For more buses: the depot and how many. Default None / 0.
    """

    kind: AdviceKind
    change: str
    text_zh: str
    text_en: str
    workers_more: int
    buses_more: int
    cost_more_cny: float
    depot_id: str | None = None
    buses_added: int = 0


@dataclass(frozen=True, slots=True)
class Kpis:
    """Key figures of a plan (the KPI sheet, the scenario comparison)."""

    workers_registered: int
    workers_eligible: int
    workers_transported: int
    workers_excluded: int
    workers_unserved: int
    requests: int
    requests_unserved: int
    buses_usable: int
    buses_rejected: int
    buses_used: int
    trips: int
    bus_km: float
    bus_km_loaded: float
    bus_km_empty: float
    wait_mean_min: float
    wait_max_min: float
    ride_mean_min: float
    ride_max_min: float
    seat_use: float  # passengers / seats over all trips
    load_factor_cap: float
    cost_cny: float
    subsidy_cny: float
    fleet_lower_bound: int | None = None  # fewest buses for the trips served (point to point)
    buses_needed_all: int | None = None  # fewest buses that could serve every request
    priority_workers_eligible: int = 0  # of key enterprises and the policy's priority employers
    priority_workers_transported: int = 0
    solve_seconds: float = 0.0
    shipments: int = 0
    shipments_delivered: int = 0
    shipments_unserved: int = 0
    tonnes: float = 0.0
    tonnes_delivered: float = 0.0
    trucks_usable: int = 0
    trucks_rejected: int = 0
    trucks_used: int = 0
    truck_km: float = 0.0
    truck_km_loaded: float = 0.0
    truck_cost_cny: float = 0.0
    on_time_share: float = 0.0  # shipments unloaded by their due time / all shipments
    on_time_by_cargo: tuple[tuple[str, float], ...] = ()  # cargo kinds with shipments only

    @property
    def nothing_lost(self) -> bool:
        """Registered = transported + excluded + unserved, and shipments = delivered +
        unserved (counts; the plan checks ids)."""
        workers = self.workers_registered == (
            self.workers_transported + self.workers_excluded + self.workers_unserved
        )
        return workers and self.shipments == self.shipments_delivered + self.shipments_unserved

    @property
    def empty_share(self) -> float:
        """Share of bus-km driven empty."""
        return self.bus_km_empty / self.bus_km if self.bus_km > 0 else 0.0

    @property
    def buses_vs_bound(self) -> float | None:
        """Buses used divided by the fleet lower bound (1.0 = provably fewest)."""
        if not self.fleet_lower_bound:
            return None
        return self.buses_used / self.fleet_lower_bound


@dataclass(frozen=True, slots=True)
class PlanMeta:
    """How the plan was made (for reproducibility): seed, limits, the solver's outcome, the
    backend that planned the charters (and the supply runs) with the reason it was chosen.

    A re-plan (``dispatch.replan``) names its ``parent`` version and the clock time
    ``replanned_at`` of its state; a plan of a whole day has neither ("" and None).
    """

    seed: int
    time_limit_s: float
    solver_status: str
    objective: int
    wall_seconds: float
    version: str
    network: str = "embedded"
    solver_backend: str = ""
    solver_backend_reason: str = ""
    supply_backend: str = ""
    parent: str = ""
    replanned_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """A day's plan. Construction checks nothing-lost by worker and shipment id
    (``PlanInvariantError``).

    ``routes`` are the buses' routes; ``truck_routes``, ``deliveries`` and
    ``unserved_shipments`` the supply side (default empty, for a day without shipments).

    ``network`` is the road network under the day's exits that the plan was made on (the
    ``DayNetwork`` that ``plan_day`` built), so that the route map is drawn on exactly those
    roads, statuses and delays without building it again — also when the plan used another
    network than the embedded one (a scenario run, an OSM extract). It travels with the plan
    rather than beside it (``plan_day`` returning a pair) because every consumer of a plan
    (the CLI, the scenario runner's hooks, the benchmarks) already passes the ``Plan`` and
    nothing else. It is derived data, not part of what the plan *is*: left out of equality and
    ``repr``, never written to plan.json (``meta.network`` names it), and None for a plan
    built by hand (the map then binds the embedded roads to the plan's exits). Default None.
    """

    day: Day = field(repr=False)
    routes: tuple[VehicleRoute, ...]
    trips: tuple[Trip, ...]
    unserved: tuple[Unserved, ...]
    excluded: tuple[Exclusion, ...]
    idle: tuple[IdleVehicle, ...]
    subsidy: tuple[SubsidyRow, ...]
    kpis: Kpis
    meta: PlanMeta
    truck_routes: tuple[VehicleRoute, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    unserved_shipments: tuple[UnservedShipment, ...] = ()
    advice: tuple[Advice, ...] = ()
    network: DayNetwork | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.check_nothing_lost()

    def check_nothing_lost(self) -> None:
        """Raise ``PlanInvariantError`` unless every registered worker is transported,
        excluded or unserved exactly once, every shipment delivered or unserved exactly once,
        and the KPI counts agree."""
        registered = Counter(a.worker_id for a in self.day.arrivals)
        accounted: Counter[str] = Counter()
        for trip in self.trips:
            accounted.update(trip.worker_ids)
        accounted.update(e.worker_id for e in self.excluded)
        accounted.update(u.worker_id for u in self.unserved)
        twice = sorted(w for w, n in accounted.items() if n > 1)
        lost = sorted(set(registered) - set(accounted))
        unknown = sorted(set(accounted) - set(registered))
        problems = []
        if lost:
            problems.append(f"{len(lost)} worker(s) lost, e.g. {', '.join(lost[:5])}")
        if twice:
            problems.append(f"{len(twice)} worker(s) counted twice, e.g. {', '.join(twice[:5])}")
        if unknown:
            problems.append(f"{len(unknown)} unknown worker id(s), e.g. {', '.join(unknown[:5])}")
        k = self.kpis
        transported = sum(t.headcount for t in self.trips)
        if (k.workers_registered, k.workers_transported) != (len(registered), transported) or (
            k.workers_excluded,
            k.workers_unserved,
        ) != (len(self.excluded), len(self.unserved)):
            problems.append("KPI counts disagree with the plan's rows")
        if not k.nothing_lost:
            problems.append(
                f"registered {k.workers_registered} != transported {k.workers_transported} "
                f"+ excluded {k.workers_excluded} + unserved {k.workers_unserved}"
            )
        problems += self._shipment_problems()
        if problems:
            raise PlanInvariantError("nothing-lost check failed: " + "; ".join(problems))

    def _shipment_problems(self) -> list[str]:
        registered = {s.shipment_id for s in self.day.shipments}
        accounted: Counter[str] = Counter(d.shipment_id for d in self.deliveries)
        accounted.update(u.shipment_id for u in self.unserved_shipments)
        problems = []
        for what, ids in (
            ("lost", sorted(registered - set(accounted))),
            ("counted twice", sorted(s for s, n in accounted.items() if n > 1)),
            ("unknown", sorted(set(accounted) - registered)),
        ):
            if ids:
                problems.append(f"{len(ids)} shipment(s) {what}, e.g. {', '.join(ids[:5])}")
        carried = Counter(s for r in self.truck_routes for s in r.trip_ids)
        if carried != Counter(d.shipment_id for d in self.deliveries):
            problems.append("truck routes and deliveries disagree")
        k = self.kpis
        counts = (len(registered), len(self.deliveries), len(self.unserved_shipments))
        if (k.shipments, k.shipments_delivered, k.shipments_unserved) != counts:
            problems.append("shipment KPI counts disagree with the plan's rows")
        return problems

    def trip(self, trip_id: str) -> Trip:
        """The trip with id ``trip_id``."""
        for trip in self.trips:
            if trip.trip_id == trip_id:
                return trip
        raise KeyError(f"{trip_id!r} is not a trip of this plan")

    def route(self, vehicle_id: str) -> VehicleRoute:
        """The route of vehicle ``vehicle_id`` (a bus or a truck)."""
        for route in (*self.routes, *self.truck_routes):
            if route.vehicle_id == vehicle_id:
                return route
        raise KeyError(f"{vehicle_id!r} has no route in this plan")

    def delivery(self, shipment_id: str) -> Delivery:
        """The delivery of shipment ``shipment_id``."""
        for delivery in self.deliveries:
            if delivery.shipment_id == shipment_id:
                return delivery
        raise KeyError(f"{shipment_id!r} is not delivered in this plan")


def with_bounds(
    provisional: Plan, served: int | None, every: int | None, *, wall_seconds: float
) -> Plan:
    """``provisional`` with its fleet bounds (``fleet_lower_bound``, ``buses_needed_all``) and
    its wall time: every other part is the same object, which is how a writer that started on
    the provisional plan knows that only these changed (``only_bounds_differ``)."""
    kpis = dataclasses.replace(provisional.kpis, fleet_lower_bound=served, buses_needed_all=every)
    meta = dataclasses.replace(provisional.meta, wall_seconds=wall_seconds)
    return dataclasses.replace(provisional, kpis=kpis, meta=meta)


def only_bounds_differ(provisional: Plan, plan: Plan) -> bool:
    """Whether ``plan`` is ``provisional`` or made from it by ``with_bounds``."""
    if plan is provisional:
        return True
    same = all(
        getattr(plan, f.name) is getattr(provisional, f.name)
        for f in dataclasses.fields(Plan)
        if f.name not in {"kpis", "meta"}
    )
    kpis = dataclasses.replace(
        plan.kpis,
        fleet_lower_bound=provisional.kpis.fleet_lower_bound,
        buses_needed_all=provisional.kpis.buses_needed_all,
    )
    meta = dataclasses.replace(plan.meta, wall_seconds=provisional.meta.wall_seconds)
    return same and kpis == provisional.kpis and meta == provisional.meta
