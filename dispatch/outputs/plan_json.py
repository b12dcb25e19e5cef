"""plan.json: a plan as a typed document (VROOM-like), written and read back.

The dataclasses below *are* the format: their field names are the JSON keys, documented in
``docs/API.md``. :func:`plan_document` turns a :class:`~dispatch.plan.Plan` into a
:class:`PlanDocument`, :func:`write_plan_json` writes it, :func:`read_plan_json` reads it back
(validated with pydantic) for ``charter map PLAN_DIR`` and scenario comparisons.

Privacy: worker ids only — no names, id numbers, phone numbers or health data (exclusions for
health reasons carry the public code of ``dispatch.outputs.disclosure``). No timings either, so the
same seed gives a byte-identical file. Bus and truck routes share one entry
(``dispatch.outputs.route_json``); the supply entries (truck routes, deliveries, unserved
shipments) are made in ``dispatch.outputs.truck_json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from dispatch.charters.fleet import check_fleet
from dispatch.day import Day, PermitKind, Vehicle
from dispatch.outputs.disclosure import PublicExclusion, describe_public, public_codes
from dispatch.outputs.json_units import CNY_DIGITS, KM_DIGITS, MIN_DIGITS, SHARE_DIGITS
from dispatch.outputs.json_units import degrees as _deg
from dispatch.outputs.json_units import whole_seconds as _t
from dispatch.outputs.route_json import RouteEntry, StepEntry
from dispatch.outputs.truck_json import DeliveryEntry, UnservedShipmentEntry, supply_entries
from dispatch.plan import (
    Advice,
    AdviceKind,
    Exclusion,
    IdleVehicle,
    Kpis,
    Plan,
    PlanMeta,
    Step,
    SubsidyRow,
    Trip,
    Unserved,
    VehicleRoute,
)
from dispatch.policy import Policy
from dispatch.reasons import ShipmentReason, UnservedReason, reason_text
from routing.network.speed import VehicleClass
from stations.errors import InputError, ProblemCollector
from stations.lang import Lang
from stations.model import (
    Depot,
    Enterprise,
    Exit,
    ExitKind,
    ExitStatus,
    PlaceKind,
    Station,
    StationKind,
)

FORMAT = "charter-plan/1"


class IdleReason(StrEnum):
    """Why a vehicle of the fleet has no trips: a fleet-check reason, or not needed."""

    NO_PERMIT = "no_permit"
    PERMIT_EXPIRED = "permit_expired"
    PERMIT_NOT_YET_VALID = "permit_not_yet_valid"
    GOODS_PERMIT_ONLY = "goods_permit_only"
    PASSENGER_PERMIT_ONLY = "passenger_permit_only"
    PERMIT_OUTSIDE_WORKING_HOURS = "permit_outside_working_hours"
    NOT_AVAILABLE_IN_DAY_WINDOW = "not_available_in_day_window"
    TOO_SMALL_UNDER_LOAD_FACTOR = "too_small_under_load_factor"
    NOT_NEEDED = "not_needed"  # a usable bus the plan does not need
    BROKEN_DOWN = "broken_down"  # a re-plan: the bus broke down before its first trip
    GOODS_VEHICLE = "goods_vehicle"  # a usable truck: worker charters go by bus


# --------------------------------------------------------------------------- the document


@dataclass(frozen=True, slots=True)
class TripEntry:
    """One served trip: a group of one employer's workers from one station."""

    id: str
    vehicle: str
    station: str
    enterprise: str
    workers: tuple[str, ...]
    headcount: int
    escort_seats: int
    passengers: int
    board_start: dt.datetime
    depart: dt.datetime
    arrive: dt.datetime
    alight_start: dt.datetime
    wait_max_min: float
    wait_mean_min: float
    ride_min: float
    distance_km: float

    def to_trip(self) -> Trip:
        """As a ``dispatch.plan.Trip`` (times to the second, km to the metre)."""
        return Trip(
            trip_id=self.id,
            vehicle_id=self.vehicle,
            station_id=self.station,
            enterprise_id=self.enterprise,
            worker_ids=self.workers,
            escort_seats=self.escort_seats,
            board_start=self.board_start,
            depart=self.depart,
            arrive=self.arrive,
            alight_start=self.alight_start,
            wait_max_min=self.wait_max_min,
            wait_mean_min=self.wait_mean_min,
            ride_min=self.ride_min,
            distance_km=self.distance_km,
        )


@dataclass(frozen=True, slots=True)
class UnservedEntry:
    """An eligible worker without a bus; ``lon``/``lat`` are the station's."""

    worker: str
    station: str
    enterprise: str
    arrival_time: dt.datetime
    reason: UnservedReason
    reason_zh: str
    reason_en: str
    lon: float
    lat: float
    detail: str = ""
    request: str | None = None
    exits: tuple[str, ...] = ()

    def to_unserved(self) -> Unserved:
        """As a ``dispatch.plan.Unserved``."""
        return Unserved(
            worker_id=self.worker,
            station_id=self.station,
            enterprise_id=self.enterprise,
            arrival_time=self.arrival_time,
            reason=self.reason,
            detail=self.detail,
            request_id=self.request,
            exits=self.exits,
        )


@dataclass(frozen=True, slots=True)
class ExcludedEntry:
    """A worker screened out; ``reason`` is the first of ``reasons`` (public codes)."""

    worker: str
    station: str
    enterprise: str
    arrival_time: dt.datetime
    reason: PublicExclusion
    reasons: tuple[PublicExclusion, ...]
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class IdleVehicleEntry:
    """A vehicle with no trips, why, and the permit of the kind its work needs (if any)."""

    vehicle: str
    operator: str
    depot: str
    vehicle_class: VehicleClass
    reason: IdleReason
    reason_zh: str
    reason_en: str
    seats: int | None = None
    permit_no: str | None = None
    permit_valid_from: dt.datetime | None = None
    permit_valid_to: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class SubsidyEntry:
    """Charter cost and subsidy of one employer."""

    enterprise: str
    name: str
    workers_transported: int
    trips: int
    cost_cny: float
    eligible: bool
    subsidy_cny: float


@dataclass(frozen=True, slots=True)
class ExitEntry:
    """A highway exit / checkpoint with the status the plan used."""

    id: str
    name: str
    lon: float
    lat: float
    status: ExitStatus
    kind: ExitKind
    illustrative: bool
    road: str = ""
    delay_min: float | None = None

    def to_exit(self) -> Exit:
        """As a ``stations.model.Exit``."""
        return Exit(
            self.id,
            self.name,
            self.lon,
            self.lat,
            self.status,
            road=self.road,
            delay_min=self.delay_min,
            kind=self.kind,
            illustrative=self.illustrative,
        )


@dataclass(frozen=True, slots=True)
class StationEntry:
    """An arrival station."""

    id: str
    name_zh: str
    name_en: str
    kind: StationKind
    lon: float
    lat: float
    bays: int | None = None

    def to_station(self) -> Station:
        """As a ``stations.model.Station``."""
        return Station(
            self.id, self.name_zh, self.name_en, self.kind, self.lon, self.lat, bays=self.bays
        )


@dataclass(frozen=True, slots=True)
class EnterpriseEntry:
    """An employer (its escort contact is personal data and left out)."""

    id: str
    name: str
    lon: float
    lat: float
    certified: bool
    key_enterprise: bool = False
    district: str | None = None

    def to_enterprise(self) -> Enterprise:
        """As a ``stations.model.Enterprise`` (without escort contact)."""
        return Enterprise(
            self.id,
            self.name,
            self.lon,
            self.lat,
            self.certified,
            district=self.district,
            key_enterprise=self.key_enterprise,
        )


@dataclass(frozen=True, slots=True)
class DepotEntry:
    """A bus operator's depot."""

    id: str
    operator: str
    lon: float
    lat: float
    name: str = ""

    def to_depot(self) -> Depot:
        """As a ``stations.model.Depot``."""
        return Depot(self.id, self.operator, self.lon, self.lat, name=self.name)


@dataclass(frozen=True, slots=True)
class PlanPlaces:
    """The day's stations, employers and depots."""

    stations: tuple[StationEntry, ...]
    enterprises: tuple[EnterpriseEntry, ...]
    depots: tuple[DepotEntry, ...]


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """The KPIs (``dispatch.plan.Kpis`` without the solve time) and derived figures."""

    workers_registered: int
    workers_eligible: int
    workers_transported: int
    workers_excluded: int
    workers_unserved: int
    nothing_lost: bool
    requests: int
    requests_unserved: int
    buses_usable: int
    buses_rejected: int
    buses_used: int
    trips: int
    bus_km: float
    bus_km_loaded: float
    bus_km_empty: float
    empty_share: float
    wait_mean_min: float
    wait_max_min: float
    ride_mean_min: float
    ride_max_min: float
    seat_use: float
    load_factor_cap: float
    cost_cny: float
    subsidy_cny: float
    excluded_by_reason: Mapping[str, int]
    unserved_by_reason: Mapping[str, int]
    fleet_lower_bound: int | None = None
    buses_vs_bound: float | None = None
    buses_needed_all: int | None = None
    priority_workers_eligible: int = 0
    priority_workers_transported: int = 0
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
    truck_km_empty: float = 0.0
    truck_cost_cny: float = 0.0
    on_time_share: float = 0.0
    on_time_by_cargo: Mapping[str, float] = field(default_factory=dict)
    shipments_unserved_by_reason: Mapping[str, int] = field(default_factory=dict)

    def kpis(self) -> Kpis:
        """As ``dispatch.plan.Kpis`` (``solve_seconds`` is not stored: 0)."""
        names = {f.name for f in dataclasses.fields(Kpis)} - {"solve_seconds"}
        values: dict[str, object] = {name: getattr(self, name) for name in names}
        values["on_time_by_cargo"] = tuple(self.on_time_by_cargo.items())
        return Kpis(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PlanMetaEntry:
    """How the plan was made: seed, limits, solver outcome, software, network, policy."""

    seed: int
    time_limit_s: float
    solver_status: str
    objective: int
    version: str
    network: str
    policy: Policy
    solver_backend: str = ""
    solver_backend_reason: str = ""
    supply_backend: str = ""
    parent: str | None = None
    replanned_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class AdviceEntry:
    """A measured change that would serve more workers (``dispatch.plan.Advice``)."""

    kind: AdviceKind
    change: str
    text_zh: str
    text_en: str
    workers_more: int
    buses_more: int
    cost_more_cny: float
    depot: str | None = None
    buses_added: int = 0


@dataclass(frozen=True, slots=True)
class PlanDocument:
    """The whole of plan.json."""

    format: str
    date: dt.date
    summary: PlanSummary
    routes: tuple[RouteEntry, ...]
    trips: tuple[TripEntry, ...]
    unserved: tuple[UnservedEntry, ...]
    excluded: tuple[ExcludedEntry, ...]
    idle_vehicles: tuple[IdleVehicleEntry, ...]
    subsidy: tuple[SubsidyEntry, ...]
    exits: tuple[ExitEntry, ...]
    places: PlanPlaces
    meta: PlanMetaEntry
    truck_routes: tuple[RouteEntry, ...] = ()
    deliveries: tuple[DeliveryEntry, ...] = ()
    unserved_shipments: tuple[UnservedShipmentEntry, ...] = ()
    advice: tuple[AdviceEntry, ...] = ()

    def __post_init__(self) -> None:
        if self.format != FORMAT:
            raise ValueError(f"format {self.format!r} is not {FORMAT}")

    def kpis(self) -> Kpis:
        """The plan's KPIs."""
        return self.summary.kpis()


# --------------------------------------------------------------------------- plan → document


def _km(value: float) -> float:
    return round(value, KM_DIGITS)


def _min(value: float) -> float:
    return round(value, MIN_DIGITS)


def _place(day: Day, step: Step) -> tuple[str, float, float]:
    """Name and position of the depot, station or employer a bus step is at, looked up in
    the table its kind names (an employer may have a station's id)."""
    kind = step.kind.place_kind
    if kind is PlaceKind.STATION:
        station = day.stations[step.place_id]
        return station.name_zh, station.lon, station.lat
    if kind is PlaceKind.ENTERPRISE:
        enterprise = day.enterprises[step.place_id]
        return enterprise.name, enterprise.lon, enterprise.lat
    if kind is PlaceKind.DEPOT:
        depot = day.depots[step.place_id]
        return depot.name or depot.depot_id, depot.lon, depot.lat
    raise ValueError(f"a bus route has no {step.kind.value} step (at {step.place_id!r})")


def _step(day: Day, step: Step) -> StepEntry:
    name, lon, lat = _place(day, step)
    return StepEntry(
        type=step.kind,
        place=step.place_id,
        name=name,
        lon=_deg(lon),
        lat=_deg(lat),
        arrival=_t(step.arrival),
        begin=_t(step.begin),
        departure=_t(step.departure),
        on_board=step.on_board,
        trip=step.trip_id,
    )


def _route(day: Day, route: VehicleRoute, plan: Plan) -> RouteEntry:
    workers = sum(plan.trip(t).headcount for t in route.trip_ids)
    return RouteEntry(
        vehicle=route.vehicle_id,
        operator=route.operator,
        depot=route.depot_id,
        vehicle_class=route.vehicle_class,
        capacity=route.capacity,
        permit_no=route.permit_no,
        permit_valid_from=_t(route.permit_valid_from),
        permit_valid_to=_t(route.permit_valid_to),
        start=_t(route.start),
        end=_t(route.end),
        steps=tuple(_step(day, s) for s in route.steps),
        trips=route.trip_ids,
        workers=workers,
        distance_km=_km(route.distance_km),
        loaded_km=_km(route.loaded_km),
        empty_km=_km(route.empty_km),
        duration_min=_min(route.hours * 60.0),
        cost_cny=round(route.cost_cny, CNY_DIGITS),
        seats=route.seats,
    )


def _trip(trip: Trip) -> TripEntry:
    return TripEntry(
        id=trip.trip_id,
        vehicle=trip.vehicle_id,
        station=trip.station_id,
        enterprise=trip.enterprise_id,
        workers=trip.worker_ids,
        headcount=trip.headcount,
        escort_seats=trip.escort_seats,
        passengers=trip.passengers,
        board_start=_t(trip.board_start),
        depart=_t(trip.depart),
        arrive=_t(trip.arrive),
        alight_start=_t(trip.alight_start),
        wait_max_min=_min(trip.wait_max_min),
        wait_mean_min=_min(trip.wait_mean_min),
        ride_min=_min(trip.ride_min),
        distance_km=_km(trip.distance_km),
    )


def _unserved(day: Day, unserved: Unserved) -> UnservedEntry:
    station = day.stations[unserved.station_id]
    return UnservedEntry(
        worker=unserved.worker_id,
        station=unserved.station_id,
        enterprise=unserved.enterprise_id,
        arrival_time=_t(unserved.arrival_time),
        reason=unserved.reason,
        reason_zh=reason_text(unserved.reason, Lang.ZH),
        reason_en=reason_text(unserved.reason, Lang.EN),
        lon=_deg(station.lon),
        lat=_deg(station.lat),
        detail=unserved.detail,
        request=unserved.request_id,
        exits=unserved.exits,
    )


def _excluded(exclusion: Exclusion) -> ExcludedEntry:
    arrival = exclusion.arrival
    codes = public_codes(exclusion)
    return ExcludedEntry(
        worker=arrival.worker_id,
        station=arrival.station_id,
        enterprise=arrival.enterprise_id,
        arrival_time=_t(arrival.arrival_time),
        reason=codes[0],
        reasons=codes,
        reason_zh=describe_public(exclusion, Lang.ZH),
        reason_en=describe_public(exclusion, Lang.EN),
    )


def _needed_permit(
    day: Day, vehicle: Vehicle
) -> tuple[str | None, dt.datetime | None, dt.datetime | None]:
    """Number and validity of the right-kind permit that ends last (None if there is none)."""
    kind = PermitKind.PASSENGER if vehicle.vehicle_class is VehicleClass.BUS else PermitKind.GOODS
    permits = [p for p in day.permits_of(vehicle.vehicle_id) if p.kind is kind]
    if not permits:
        return None, None, None
    latest = max(permits, key=lambda p: p.valid_to)
    return latest.permit_no, _t(latest.valid_from), _t(latest.valid_to)


def idle_reasons(day: Day) -> dict[str, IdleReason]:
    """Why each vehicle would be idle: the fleet check's reason for a rejected one,
    ``not_needed`` for a usable bus, ``goods_vehicle`` for a usable truck."""
    fleet = check_fleet(day)
    reasons = {r.vehicle_id: IdleReason(r.reason.value) for r in fleet.rejected}
    for usable in fleet.usable:
        bus = usable.vehicle.vehicle_class is VehicleClass.BUS
        reasons[usable.vehicle_id] = IdleReason.NOT_NEEDED if bus else IdleReason.GOODS_VEHICLE
    return reasons


def _idle(day: Day, idle: IdleVehicle, reasons: Mapping[str, IdleReason]) -> IdleVehicleEntry:
    vehicle = day.vehicle(idle.vehicle_id)
    number, valid_from, valid_to = _needed_permit(day, vehicle)
    return IdleVehicleEntry(
        vehicle=idle.vehicle_id,
        operator=idle.operator,
        depot=idle.depot_id,
        vehicle_class=idle.vehicle_class,
        reason=IdleReason(idle.code) if idle.code else reasons[idle.vehicle_id],
        reason_zh=idle.reason_zh,
        reason_en=idle.reason_en,
        seats=vehicle.seats,
        permit_no=idle.permit_no or number,
        permit_valid_from=valid_from,
        permit_valid_to=valid_to,
    )


def _subsidy(row: SubsidyRow) -> SubsidyEntry:
    return SubsidyEntry(
        enterprise=row.enterprise_id,
        name=row.name,
        workers_transported=row.workers_transported,
        trips=row.trips,
        cost_cny=round(row.cost_cny, CNY_DIGITS),
        eligible=row.eligible,
        subsidy_cny=round(row.subsidy_cny, CNY_DIGITS),
    )


def _exit(exit_: Exit) -> ExitEntry:
    return ExitEntry(
        id=exit_.exit_id,
        name=exit_.name,
        lon=_deg(exit_.lon),
        lat=_deg(exit_.lat),
        status=exit_.status,
        kind=exit_.kind,
        illustrative=exit_.illustrative,
        road=exit_.road,
        delay_min=exit_.delay_min,
    )


def _places(day: Day) -> PlanPlaces:
    return PlanPlaces(
        stations=tuple(
            StationEntry(s.station_id, s.name_zh, s.name_en, s.kind, s.lon, s.lat, s.bays)
            for s in day.stations.values_list()
        ),
        enterprises=tuple(
            EnterpriseEntry(
                e.enterprise_id, e.name, e.lon, e.lat, e.certified, e.key_enterprise, e.district
            )
            for e in day.enterprises.values_list()
        ),
        depots=tuple(
            DepotEntry(d.depot_id, d.operator, d.lon, d.lat, d.name)
            for d in day.depots.values_list()
        ),
    )


def _by_reason(codes: list[str], order: list[str]) -> dict[str, int]:
    counts = Counter(codes)
    return {code: counts[code] for code in order if counts[code]}


def _summary(plan: Plan, excluded: tuple[ExcludedEntry, ...]) -> PlanSummary:
    k = plan.kpis
    ratio = k.buses_vs_bound
    return PlanSummary(
        workers_registered=k.workers_registered,
        workers_eligible=k.workers_eligible,
        workers_transported=k.workers_transported,
        workers_excluded=k.workers_excluded,
        workers_unserved=k.workers_unserved,
        nothing_lost=k.nothing_lost,
        requests=k.requests,
        requests_unserved=k.requests_unserved,
        buses_usable=k.buses_usable,
        buses_rejected=k.buses_rejected,
        buses_used=k.buses_used,
        trips=k.trips,
        bus_km=_km(k.bus_km),
        bus_km_loaded=_km(k.bus_km_loaded),
        bus_km_empty=_km(k.bus_km_empty),
        empty_share=round(k.empty_share, SHARE_DIGITS),
        wait_mean_min=_min(k.wait_mean_min),
        wait_max_min=_min(k.wait_max_min),
        ride_mean_min=_min(k.ride_mean_min),
        ride_max_min=_min(k.ride_max_min),
        seat_use=round(k.seat_use, SHARE_DIGITS),
        load_factor_cap=k.load_factor_cap,
        cost_cny=round(k.cost_cny, CNY_DIGITS),
        subsidy_cny=round(k.subsidy_cny, CNY_DIGITS),
        excluded_by_reason=_by_reason(
            [e.reason.value for e in excluded], [c.value for c in PublicExclusion]
        ),
        unserved_by_reason=_by_reason(
            [u.reason.value for u in plan.unserved], [c.value for c in UnservedReason]
        ),
        fleet_lower_bound=k.fleet_lower_bound,
        buses_vs_bound=None if ratio is None else round(ratio, SHARE_DIGITS),
        buses_needed_all=k.buses_needed_all,
        priority_workers_eligible=k.priority_workers_eligible,
        priority_workers_transported=k.priority_workers_transported,
        shipments=k.shipments,
        shipments_delivered=k.shipments_delivered,
        shipments_unserved=k.shipments_unserved,
        tonnes=round(k.tonnes, KM_DIGITS),
        tonnes_delivered=round(k.tonnes_delivered, KM_DIGITS),
        trucks_usable=k.trucks_usable,
        trucks_rejected=k.trucks_rejected,
        trucks_used=k.trucks_used,
        truck_km=_km(k.truck_km),
        truck_km_loaded=_km(k.truck_km_loaded),
        truck_km_empty=_km(max(0.0, k.truck_km - k.truck_km_loaded)),
        truck_cost_cny=round(k.truck_cost_cny, CNY_DIGITS),
        on_time_share=round(k.on_time_share, SHARE_DIGITS),
        on_time_by_cargo={cargo: round(v, SHARE_DIGITS) for cargo, v in k.on_time_by_cargo},
        shipments_unserved_by_reason=_by_reason(
            [u.reason.value for u in plan.unserved_shipments], [c.value for c in ShipmentReason]
        ),
    )


def _meta(meta: PlanMeta, policy: Policy) -> PlanMetaEntry:
    return PlanMetaEntry(
        seed=meta.seed,
        time_limit_s=meta.time_limit_s,
        solver_status=meta.solver_status,
        objective=meta.objective,
        version=meta.version,
        network=meta.network,
        policy=policy,
        solver_backend=meta.solver_backend,
        solver_backend_reason=meta.solver_backend_reason,
        supply_backend=meta.supply_backend,
        parent=meta.parent or None,
        replanned_at=None if meta.replanned_at is None else _t(meta.replanned_at),
    )


def plan_document(plan: Plan) -> PlanDocument:
    """The plan as the plan.json document (worker ids only, health reasons merged).

    Parameters
    ----------
    plan
        The plan (its nothing-lost check already passed on construction).

    Returns
    -------
    PlanDocument
        Times cut to whole seconds, km to metres, minutes to 1/100, coordinates to 6 decimals.
    """
    day = plan.day
    excluded = tuple(_excluded(e) for e in plan.excluded)
    reasons = idle_reasons(day)
    supply = supply_entries(day, plan.truck_routes, plan.deliveries, plan.unserved_shipments)
    return PlanDocument(
        format=FORMAT,
        date=day.date,
        summary=_summary(plan, excluded),
        routes=tuple(_route(day, r, plan) for r in plan.routes),
        trips=tuple(_trip(t) for t in plan.trips),
        unserved=tuple(_unserved(day, u) for u in plan.unserved),
        excluded=excluded,
        idle_vehicles=tuple(_idle(day, i, reasons) for i in plan.idle),
        subsidy=tuple(_subsidy(s) for s in plan.subsidy),
        exits=tuple(_exit(x) for x in day.exits.values_list()),
        places=_places(day),
        meta=_meta(plan.meta, day.policy),
        truck_routes=supply.truck_routes,
        deliveries=supply.deliveries,
        unserved_shipments=supply.unserved_shipments,
        advice=tuple(_advice(a) for a in plan.advice),
    )


def _advice(advice: Advice) -> AdviceEntry:
    return AdviceEntry(
        kind=advice.kind,
        change=advice.change,
        text_zh=advice.text_zh,
        text_en=advice.text_en,
        workers_more=advice.workers_more,
        buses_more=advice.buses_more,
        cost_more_cny=round(advice.cost_more_cny, CNY_DIGITS),
        depot=advice.depot_id,
        buses_added=advice.buses_added,
    )


# --------------------------------------------------------------------------- JSON text


def _jsonable(value: object) -> object:
    """Dataclass fields as JSON values: ISO times, enum values, lists; ``None`` keys dropped."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def document_json(document: PlanDocument) -> str:
    """plan.json text of ``document`` (UTF-8, indented, ending in a newline)."""
    payload = _jsonable(dataclasses.asdict(document))
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def write_plan_json(plan: Plan, path: Path) -> PlanDocument:
    """Write ``plan`` as plan.json at ``path``; return the document written."""
    document = plan_document(plan)
    path.write_text(document_json(document), encoding="utf-8")
    return document


_ADAPTER: TypeAdapter[PlanDocument] = TypeAdapter(PlanDocument)


def parse_plan_json(text: str, *, source: str = "plan.json") -> PlanDocument:
    """Parse plan.json text; ``InputError`` listing every bad key (``source`` names the file)."""
    problems = ProblemCollector()
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:  # RecursionError: nested too deep
        problems.add(source, None, None, None, f"is not valid JSON: {error}", "rewrite the plan")
        problems.raise_if_any()
        raise AssertionError("unreachable") from error
    stated = payload.get("format") if isinstance(payload, dict) else None
    if not isinstance(stated, str) or stated != FORMAT:
        why = (
            "is not a JSON object"
            if not isinstance(payload, dict)
            else f"`format` {stated!r} is not a charter plan (charter-plan/N)"
            if not isinstance(stated, str) or not stated.startswith("charter-plan/")
            else f"`format` {stated!r} is not supported (this version reads {FORMAT})"
        )
        problems.add(source, None, None, None, why, "give the plan.json that charter plan wrote")
        problems.raise_if_any()
    try:
        return _ADAPTER.validate_python(payload)
    except ValidationError as error:
        for item in error.errors()[:50]:
            where = ".".join(str(part) for part in item["loc"])
            value = item.get("input")
            shown = value if isinstance(value, str | int | float | bool) else None
            message = str(item["msg"]).replace("Value error, ", "")
            problems.add(source, None, where or None, shown, message, "write the plan again")
        problems.raise_if_any()
        raise AssertionError("unreachable") from error


def read_plan_json(path: Path) -> PlanDocument:
    """Read plan.json (a file, or a plan folder holding one) as a typed document.

    Parameters
    ----------
    path
        ``plan.json`` or the folder ``charter plan`` wrote.

    Returns
    -------
    PlanDocument
        KPIs, routes with steps and coordinates, trips, unserved, excluded, idle vehicles,
        subsidy, the exits and places used, and how the plan was made.

    Raises
    ------
    InputError
        If the file is missing, not JSON, or not a plan of this format version.
    """
    file = path / "plan.json" if path.is_dir() else path
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            f"{file}: cannot be read ({error}) — give a plan folder or plan.json"
        ) from None
    return parse_plan_json(text, source=file.name)
