"""The immutable planning day: arrivals, places, fleet, permits, exits, risk regions and policy.

A ``Day`` is built once by ``dispatch.intake.reader.read_day`` (or in code) and never changed;
scenarios derive new days with :meth:`Day.replace`. All times are naive local times
(Asia/Shanghai) as ``datetime``; :meth:`Day.seconds_of` turns them into the integer seconds
after the planning day's midnight that ``routing`` works in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from dispatch.policy import Policy
from routing.network.speed import VehicleClass as VehicleClass  # re-exported: the fleet's class
from stations.errors import InputError, ProblemCollector
from stations.model import (
    Depot,
    Enterprise,
    Exit,
    PlaceKind,
    Registry,
    Station,
    check_lon_lat,
)
from stations.text import region_key


class HealthCode(StrEnum):
    """Colour of the worker's health code (健康码)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class NucleicTest(StrEnum):
    """Result of the worker's latest nucleic acid test (核酸检测)."""

    NEGATIVE = "negative"
    POSITIVE = "positive"
    NONE = "none"


class RiskLevel(StrEnum):
    """Epidemic risk level of a region (风险等级)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class PermitKind(StrEnum):
    """Kind of road transport permit (道路运输证)."""

    PASSENGER = "passenger"
    GOODS = "goods"


class Cargo(StrEnum):
    """Kind of supply shipment (一断三不断: which supply routes must not break)."""

    EPIDEMIC_SUPPLIES = "epidemic_supplies"
    NECESSITIES = "necessities"
    PRODUCTION_MATERIALS = "production_materials"
    OTHER = "other"


# Default running costs in CNY when the fleet table leaves them empty (assumptions, documented
# in docs/API.md: a 2020 Suzhou day charter of a coach cost roughly 1,200-2,000 CNY).
DEFAULT_COST_PER_KM = 4.0
DEFAULT_COST_PER_HOUR = 50.0
DEFAULT_FIXED_COST = 300.0


@dataclass(frozen=True, slots=True)
class Arrival:
    """One registered worker arriving at a station (a row of the demand platform's export).

    Personal data (``name``, ``id_number``, ``phone``) is kept out of ``repr`` and must be
    masked (``dispatch.outputs.privacy``) in every output.
    """

    worker_id: str
    enterprise_id: str
    station_id: str
    arrival_time: dt.datetime
    origin_region: str
    health_code: HealthCode
    nucleic_test: NucleicTest = NucleicTest.NONE
    train_no: str | None = None
    name: str | None = field(default=None, repr=False)
    id_number: str | None = field(default=None, repr=False)
    phone: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for key in ("worker_id", "enterprise_id", "station_id"):
            if not getattr(self, key):
                raise ValueError(f"arrival: {key} must not be empty")
        object.__setattr__(self, "health_code", HealthCode(self.health_code))
        object.__setattr__(self, "nucleic_test", NucleicTest(self.nucleic_test))
        if self.arrival_time.tzinfo is not None:
            raise ValueError(f"worker {self.worker_id}: arrival_time must be naive local time")


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One vehicle of an operator's fleet (the plate is its id).

    Parameters
    ----------
    vehicle_id
        Plate number, e.g. ``苏E·12345``.
    operator
        Operator (company) name.
    depot_id
        Depot where its shift starts and ends.
    vehicle_class
        ``bus`` or ``truck``.
    seats
        Seats of a bus (driver excluded). Required for buses.
    capacity_t, capacity_m3
        Payload of a truck in tonnes (required for trucks) and cubic metres. Default None.
    available_from, available_to
        When the vehicle can work that day. Default None (the whole operating day).
    cost_per_km, cost_per_hour, fixed_cost
        Charter cost in CNY: per km driven, per hour out of the depot, per day used.
    """

    vehicle_id: str
    operator: str
    depot_id: str
    vehicle_class: VehicleClass
    seats: int | None = None
    capacity_t: float | None = None
    capacity_m3: float | None = None
    available_from: dt.datetime | None = None
    available_to: dt.datetime | None = None
    cost_per_km: float = DEFAULT_COST_PER_KM
    cost_per_hour: float = DEFAULT_COST_PER_HOUR
    fixed_cost: float = DEFAULT_FIXED_COST

    def __post_init__(self) -> None:
        if not self.vehicle_id:
            raise ValueError("vehicle_id must not be empty")
        object.__setattr__(self, "vehicle_class", VehicleClass(self.vehicle_class))
        if self.vehicle_class is VehicleClass.BUS and (self.seats is None or self.seats < 1):
            raise ValueError(f"bus {self.vehicle_id}: seats must be >= 1, got {self.seats}")
        if self.vehicle_class is VehicleClass.TRUCK and not (self.capacity_t or 0) > 0:
            raise ValueError(f"truck {self.vehicle_id}: capacity_t must be > 0")
        for key in ("capacity_t", "capacity_m3"):
            value = getattr(self, key)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"vehicle {self.vehicle_id}: {key} must be > 0, got {value}")
        if min(self.cost_per_km, self.cost_per_hour, self.fixed_cost) < 0:
            raise ValueError(f"vehicle {self.vehicle_id}: costs must not be negative")
        if (
            self.available_from is not None
            and self.available_to is not None
            and self.available_to <= self.available_from
        ):
            raise ValueError(f"vehicle {self.vehicle_id}: available_to is not after available_from")


@dataclass(frozen=True, slots=True)
class Permit:
    """A road transport permit of one vehicle, valid over ``[valid_from, valid_to)``.

    A permit given with dates only is valid from the start of ``valid_from``'s day to the end
    of ``valid_to``'s day (intake turns the end date into the following midnight).
    """

    permit_no: str
    vehicle_id: str
    kind: PermitKind
    valid_from: dt.datetime
    valid_to: dt.datetime

    def __post_init__(self) -> None:
        if not self.permit_no:
            raise ValueError("permit_no must not be empty")
        object.__setattr__(self, "kind", PermitKind(self.kind))
        if self.valid_to <= self.valid_from:
            raise ValueError(f"permit {self.permit_no}: valid_to is not after valid_from")


@dataclass(frozen=True, slots=True)
class RiskRegion:
    """A region with an epidemic risk level (regions not listed are low risk).

    A worker's ``origin_region`` matches the longest listed region whose
    :func:`stations.text.region_key` is a prefix of the origin's, so ``湖北省`` covers
    ``湖北省武汉市`` and ``湖北孝感`` covers ``湖北省孝感市``.
    """

    region: str
    level: RiskLevel

    def __post_init__(self) -> None:
        if not region_key(self.region):
            raise ValueError("risk region name must not be empty")
        object.__setattr__(self, "level", RiskLevel(self.level))


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A shipment end: a known place (``place_id`` and its ``kind`` set) or a bare point.

    ``name`` is the name given with the shipment (``origin_name`` / ``destination_name``);
    None uses the known place's name, or shows the point's coordinates. Default None.
    ``kind`` says which table ``place_id`` is from (ids are unique within a table only);
    None for a bare point. Default None.
    """

    lon: float
    lat: float
    place_id: str | None = None
    name: str | None = None
    kind: PlaceKind | None = None

    def __post_init__(self) -> None:
        check_lon_lat(self.lon, self.lat, f"place {self.place_id or 'point'}")
        if (self.place_id is None) != (self.kind is None):
            raise ValueError(f"place {self.place_id or 'point'}: give an id with its kind")


@dataclass(frozen=True, slots=True)
class Shipment:
    """A supply shipment to be trucked (planned by the supply-transport stage)."""

    shipment_id: str
    origin: PlaceRef
    destination: PlaceRef
    cargo: Cargo
    weight_t: float
    volume_m3: float | None = None
    ready_time: dt.datetime | None = None
    due_time: dt.datetime | None = None
    priority: int = 1

    def __post_init__(self) -> None:
        if not self.shipment_id:
            raise ValueError("shipment_id must not be empty")
        object.__setattr__(self, "cargo", Cargo(self.cargo))
        if not (math.isfinite(self.weight_t) and self.weight_t >= 0):
            raise ValueError(f"shipment {self.shipment_id}: weight_t must be >= 0")
        if self.priority < 1:
            raise ValueError(f"shipment {self.shipment_id}: priority must be >= 1")
        if (
            self.ready_time is not None
            and self.due_time is not None
            and self.due_time < self.ready_time
        ):
            raise ValueError(f"shipment {self.shipment_id}: due_time is before ready_time")


ARRIVAL_DTYPES: dict[str, str] = {
    "worker_id": "string",
    "enterprise_id": "string",
    "station_id": "string",
    "arrival_time": "datetime64[ns]",
    "origin_region": "string",
    "health_code": "category",
    "nucleic_test": "category",
    "train_no": "string",
}


@dataclass(frozen=True, slots=True)
class SourceRow:
    """Where a place or shipment of the day was read: the table (as named in problems, e.g.
    ``depots.csv`` or ``day.xlsx[depots]``) and its spreadsheet row (the header is row 1)."""

    table: str
    row: int

    def __str__(self) -> str:
        return f"{self.table} row {self.row}"


def _registry_of_risk(regions: Iterable[RiskRegion]) -> Registry[RiskRegion]:
    return Registry.of("risk region", list(regions), "region")


@dataclass(frozen=True, slots=True)
class Day:
    """One planning day; every reference between its tables is checked on construction.

    Parameters
    ----------
    date
        The planning date.
    policy
        The day's policy.
    stations, enterprises, depots, exits
        Place registries (id → object).
    arrivals
        Registered workers, one per worker id.
    fleet
        Vehicles, one per plate.
    permits
        Transport permits (a permit for a vehicle not in ``fleet`` is simply unused).
    risk_regions
        Listed risk regions; unlisted regions are low risk. Default empty.
    shipments
        Supply shipments. Default ().
    source
        Where the day was read from (for messages). Default "".
    rows
        Where each place and shipment read from a table came from, by ``(kind, id)`` with kind
        ``station``, ``enterprise``, ``depot``, ``exit`` or ``shipment`` (for messages that
        name table and row; embedded places have none). Not compared. Default empty.
    """

    date: dt.date
    policy: Policy
    stations: Registry[Station]
    enterprises: Registry[Enterprise]
    depots: Registry[Depot]
    exits: Registry[Exit]
    arrivals: tuple[Arrival, ...]
    fleet: tuple[Vehicle, ...]
    permits: tuple[Permit, ...]
    risk_regions: Registry[RiskRegion] = field(
        default_factory=lambda: _registry_of_risk(()),
    )
    shipments: tuple[Shipment, ...] = ()
    source: str = ""
    rows: Mapping[tuple[str, str], SourceRow] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for key in ("arrivals", "fleet", "permits", "shipments"):
            object.__setattr__(self, key, tuple(getattr(self, key)))
        problems = ProblemCollector()
        self._check_arrivals(problems)
        seen_vehicles: set[str] = set()
        for vehicle in self.fleet:
            if vehicle.vehicle_id in seen_vehicles:
                problems.add(
                    "fleet", None, "vehicle_id", vehicle.vehicle_id, "is a duplicate", "unique"
                )
            seen_vehicles.add(vehicle.vehicle_id)
            if vehicle.depot_id not in self.depots:
                problems.add(
                    "fleet",
                    None,
                    "depot_id",
                    vehicle.depot_id,
                    f"of vehicle {vehicle.vehicle_id} is not a known depot",
                    "use one of " + _known(self.depots),
                )
        permit_numbers = Counter(p.permit_no for p in self.permits)
        for number, count in permit_numbers.items():
            if count > 1:
                problems.add("permits", None, "permit_no", number, "is a duplicate", "unique")
        problems.raise_if_any()

    def _check_arrivals(self, problems: ProblemCollector) -> None:
        seen: set[str] = set()
        for arrival in self.arrivals:
            if arrival.worker_id in seen:
                problems.add(
                    "arrivals", None, "worker_id", arrival.worker_id, "is a duplicate", "unique"
                )
            seen.add(arrival.worker_id)
            if arrival.station_id not in self.stations:
                problems.add(
                    "arrivals",
                    None,
                    "station_id",
                    arrival.station_id,
                    f"of worker {arrival.worker_id} is not a known station",
                    "use one of " + _known(self.stations),
                )
            if arrival.enterprise_id not in self.enterprises:
                problems.add(
                    "arrivals",
                    None,
                    "enterprise_id",
                    arrival.enterprise_id,
                    f"of worker {arrival.worker_id} is not a known enterprise",
                    "use one of " + _known(self.enterprises),
                )

    def replace(self, **changes: object) -> Day:
        """A new day with ``changes`` applied (checked again; ``InputError`` if inconsistent).

        Sequences may be given as lists; registries as ``Registry`` objects.
        """
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise InputError(f"Day has no field(s) {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def midnight(self) -> dt.datetime:
        """Midnight at the start of the planning date."""
        return dt.datetime.combine(self.date, dt.time())

    def minutes_of(self, moment: dt.datetime) -> float:
        """Minutes after the planning day's midnight (negative before, > 1440 after)."""
        return (moment - self.midnight).total_seconds() / 60.0

    def seconds_of(self, moment: dt.datetime) -> int:
        """Whole seconds after the planning day's midnight, as ``routing`` expects."""
        return round((moment - self.midnight).total_seconds())

    def at_minute(self, minutes: float) -> dt.datetime:
        """The local time ``minutes`` after the planning day's midnight."""
        return self.midnight + dt.timedelta(minutes=minutes)

    @property
    def day_start(self) -> dt.datetime:
        """Start of the operating day window (policy ``day_start_min``)."""
        return self.at_minute(self.policy.day_start_min)

    @property
    def day_end(self) -> dt.datetime:
        """End of the operating day window (policy ``day_end_min``)."""
        return self.at_minute(self.policy.day_end_min)

    @property
    def worker_ids(self) -> tuple[str, ...]:
        """Registered worker ids in input order."""
        return tuple(a.worker_id for a in self.arrivals)

    def vehicle(self, vehicle_id: str) -> Vehicle:
        """The vehicle with plate ``vehicle_id`` (``KeyError`` naming known plates if none)."""
        for vehicle in self.fleet:
            if vehicle.vehicle_id == vehicle_id:
                return vehicle
        raise KeyError(f"{vehicle_id!r} is not in the fleet (known: {_known_ids(self.fleet)})")

    def permits_of(self, vehicle_id: str) -> tuple[Permit, ...]:
        """Permits held by ``vehicle_id``."""
        return tuple(p for p in self.permits if p.vehicle_id == vehicle_id)

    def risk_of(self, origin_region: str) -> tuple[RiskLevel, RiskRegion | None]:
        """Risk level of a worker's origin and the listed region that decided it (if any)."""
        origin = region_key(origin_region)
        best: RiskRegion | None = None
        best_len = -1
        for region in self.risk_regions.values_list():
            key = region_key(region.region)
            if origin.startswith(key) and len(key) > best_len:
                best, best_len = region, len(key)
        return (best.level if best else RiskLevel.LOW), best

    def arrivals_frame(self) -> pd.DataFrame:
        """Arrivals as a DataFrame without personal data, dtypes as in ``ARRIVAL_DTYPES``."""
        names = list(ARRIVAL_DTYPES)
        rows = [
            (
                a.worker_id,
                a.enterprise_id,
                a.station_id,
                a.arrival_time,
                a.origin_region,
                a.health_code.value,
                a.nucleic_test.value,
                a.train_no,
            )
            for a in self.arrivals
        ]
        frame = pd.DataFrame(rows, columns=names)
        return frame.astype(ARRIVAL_DTYPES)


def _known(registry: Registry[object] | Registry[Station] | Sequence[str]) -> str:
    ids = list(registry)
    shown = ", ".join(str(i) for i in ids[:10])
    return shown + (f", … ({len(ids)} in all)" if len(ids) > 10 else "") if ids else "(none)"


def _known_ids(fleet: Sequence[Vehicle]) -> str:
    return _known([v.vehicle_id for v in fleet])
