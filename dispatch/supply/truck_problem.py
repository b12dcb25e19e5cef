"""Translating the day's shipments into generic routing problems: places, truck matrices, jobs.

One location per distinct place (depots of the usable trucks, then shipment origins and
destinations, each once), one ``Job`` per shipment, one ``VehicleSpec`` per usable truck.
Loads have two dimensions: kilograms and litres (a truck without a volume limit gets an
unlimited one). Money is in fen, times in seconds after the planning day's midnight.

Priorities (see docs/supply.md): priority cargo (epidemic supplies, necessities, production
materials) is planned first, on the green-channel lane; within a problem a shipment's penalty
weight is its cargo's weight times its ``priority``, the cargo weights chosen so that one
shipment of a higher cargo rank outweighs every shipment of the lower ranks together.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dispatch.charters.bus_problem import FEN_PER_CNY, max_shift_s, objective_weights, seconds_up
from dispatch.charters.fleet import UsableVehicle
from dispatch.day import Cargo, Day, PlaceRef, Shipment
from routing.network.daynetwork import DayNetwork
from routing.network.matrix import TravelMatrix
from routing.network.speed import Profile, VehicleClass
from routing.vrp.problem import Job, Problem, TimeWindow, VehicleSpec
from stations.model import PlaceKind

logger = logging.getLogger(__name__)

PRIORITY_CARGO = frozenset({Cargo.EPIDEMIC_SUPPLIES, Cargo.NECESSITIES, Cargo.PRODUCTION_MATERIALS})
CARGO_RANK: Mapping[Cargo, int] = {
    Cargo.OTHER: 0,
    Cargo.PRODUCTION_MATERIALS: 1,
    Cargo.NECESSITIES: 2,
    Cargo.EPIDEMIC_SUPPLIES: 3,
}
KG_PER_T = 1000
LITRES_PER_M3 = 1000
UNLIMITED = 10**12  # litres of a truck without a volume limit
MAX_WEIGHTED_PENALTY = 1 << 56  # drop penalty × the heaviest weights stays far below int64
FALLBACK_RANK_FACTOR = 10  # cargo weights 1, 10, 100, 1000 when strict ones would overflow


@dataclass(frozen=True, slots=True)
class SupplyRules:
    """Loading and unloading times of trucks (minutes; assumptions, see docs/supply.md).

    Parameters
    ----------
    load_min, unload_min
        Fixed time per shipment at the origin (papers, seal, disinfection) and at the
        destination (papers, receipt). Defaults 10 and 10.
    load_min_per_t, unload_min_per_t
        Forklift time per tonne. Defaults 2 and 2.
    """

    load_min: float = 10.0
    unload_min: float = 10.0
    load_min_per_t: float = 2.0
    unload_min_per_t: float = 2.0

    def __post_init__(self) -> None:
        values = (self.load_min, self.unload_min, self.load_min_per_t, self.unload_min_per_t)
        if min(values) < 0 or not all(math.isfinite(v) for v in values):
            raise ValueError(f"loading times must be finite and >= 0, got {values}")

    def loading_min(self, shipment: Shipment) -> float:
        """Minutes to load ``shipment``."""
        return self.load_min + self.load_min_per_t * shipment.weight_t

    def unloading_min(self, shipment: Shipment) -> float:
        """Minutes to unload ``shipment``."""
        return self.unload_min + self.unload_min_per_t * shipment.weight_t


@dataclass(frozen=True, slots=True)
class SupplyPlace:
    """A place trucks drive to: ``place_id`` is its key in routes (a place id, or ``lon,lat``),
    ``kind`` the table it is from. Default kind ``point`` (a bare lon,lat)."""

    place_id: str
    name: str
    lon: float
    lat: float
    kind: PlaceKind = PlaceKind.POINT


def point_key(lon: float, lat: float) -> str:
    """The key of a bare point: ``lon,lat`` to 6 decimals."""
    return f"{lon:.6f},{lat:.6f}"


def _known_name(day: Day, kind: PlaceKind, place_id: str) -> str | None:
    """Name of the known place of ``kind`` with ``place_id`` (ids are unique per kind only)."""
    if kind is PlaceKind.STATION and place_id in day.stations:
        return day.stations[place_id].name_zh
    if kind is PlaceKind.ENTERPRISE and place_id in day.enterprises:
        return day.enterprises[place_id].name
    if kind is PlaceKind.DEPOT and place_id in day.depots:
        depot = day.depots[place_id]
        return depot.name or depot.depot_id
    if kind is PlaceKind.EXIT and place_id in day.exits:
        return day.exits[place_id].name
    return None


def end_place(day: Day, ref: PlaceRef) -> SupplyPlace:
    """The place of a shipment end (its given name first, else the known place's)."""
    if ref.place_id is None or ref.kind is None:
        key = point_key(ref.lon, ref.lat)
        return SupplyPlace(key, ref.name or key, ref.lon, ref.lat)
    name = ref.name or _known_name(day, ref.kind, ref.place_id) or ref.place_id
    return SupplyPlace(ref.place_id, name, ref.lon, ref.lat, ref.kind)


def depot_place(day: Day, depot_id: str) -> SupplyPlace:
    """A truck depot as a place."""
    depot = day.depots[depot_id]
    return SupplyPlace(depot_id, depot.name or depot_id, depot.lon, depot.lat, PlaceKind.DEPOT)


class PlaceBook:
    """The day's supply places by key.

    A place keeps its id as key unless that key is taken: by a place of another kind (an
    employer with a depot's id) it becomes ``kind:id``, by a place of the same kind at
    another position ``id@lon,lat``. A name given with a shipment (``origin_name`` /
    ``destination_name``) beats one derived from a known place or the coordinates; among
    given names the first wins.
    """

    def __init__(self) -> None:
        self.places: dict[str, SupplyPlace] = {}
        self.given: set[str] = set()

    def add(self, place: SupplyPlace, *, given: bool = False) -> str:
        """Register ``place``; return its key (possibly disambiguated)."""
        known = self.places.get(place.place_id)
        if known is None:
            self.places[place.place_id] = place
        elif known.kind is not place.kind:
            key = f"{place.kind.value}:{place.place_id}"
            return self.add(dataclasses.replace(place, place_id=key), given=given)
        elif (known.lon, known.lat) != (place.lon, place.lat):
            key = f"{place.place_id}@{point_key(place.lon, place.lat)}"
            return self.add(dataclasses.replace(place, place_id=key), given=given)
        elif given and place.place_id not in self.given:
            self.places[place.place_id] = place
        if given:
            self.given.add(place.place_id)
        return place.place_id


@dataclass(frozen=True, slots=True)
class ShipmentEnds:
    """Where a shipment is loaded and unloaded."""

    origin: SupplyPlace
    destination: SupplyPlace


def shipment_ends(day: Day) -> tuple[tuple[SupplyPlace, ...], dict[str, ShipmentEnds]]:
    """Every supply place in a stable order (the depots of the fleet's trucks, then shipment
    ends by key) and the ends of each shipment.

    Depots come first, so they keep their ids as keys; the same day always gives the same
    keys (plan.json and the map look places up by them).
    """
    book = PlaceBook()
    truck_depots = {v.depot_id for v in day.fleet if v.vehicle_class is VehicleClass.TRUCK}
    depot_keys = [book.add(depot_place(day, d)) for d in sorted(truck_depots)]
    keys = {
        s.shipment_id: tuple(
            book.add(end_place(day, ref), given=ref.name is not None)
            for ref in (s.origin, s.destination)
        )
        for s in day.shipments
    }
    places = book.places
    ends = {sid: ShipmentEnds(places[o], places[d]) for sid, (o, d) in keys.items()}
    depots = [places[k] for k in depot_keys]
    others = sorted((p for k, p in places.items() if k not in set(depot_keys)), key=_key)
    return (*depots, *others), ends


def _key(place: SupplyPlace) -> str:
    return place.place_id


@dataclass(frozen=True, slots=True)
class SupplyTravel:
    """Truck travel times and distances between the supply places, per truck profile.

    Parameters
    ----------
    places
        The places, one per matrix row/column.
    matrices
        ``truck`` and/or ``truck_priority`` matrices (times in minutes, km; ``nan`` where no
        route exists).
    ends
        Origin and destination of each shipment.
    """

    places: tuple[SupplyPlace, ...]
    matrices: Mapping[Profile, TravelMatrix] = field(repr=False)
    ends: Mapping[str, ShipmentEnds] = field(repr=False)
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {p.place_id: i for i, p in enumerate(self.places)})
        if len(self._index) != len(self.places):
            raise ValueError("duplicate supply place keys")
        for matrix in self.matrices.values():
            if len(matrix.source_ids) != len(self.places):
                raise ValueError("places and matrices disagree in size")

    def index(self, place: SupplyPlace) -> int:
        """Row/column of ``place``."""
        return self._index[place.place_id]

    def index_of(self, key: str) -> int:
        """Row/column of the place with key ``key`` (a depot's key is its id)."""
        return self._index[key]

    def km(self, profile: Profile, a: int, b: int) -> float:
        """Route length in km between locations ``a`` and ``b`` for ``profile``."""
        return float(self.matrices[profile].dist_km[a, b])


def supply_profiles(shipments: Sequence[Shipment]) -> tuple[Profile, ...]:
    """The truck profiles a day's shipments need: the priority lane, the normal one, or both."""
    profiles = []
    if any(s.cargo in PRIORITY_CARGO for s in shipments):
        profiles.append(Profile.TRUCK_PRIORITY)
    if any(s.cargo not in PRIORITY_CARGO for s in shipments):
        profiles.append(Profile.TRUCK)
    return tuple(profiles)


def supply_places(day: Day) -> dict[str, SupplyPlace]:
    """The day's supply places by key (what truck steps and deliveries refer to)."""
    places, _ = shipment_ends(day)
    return {p.place_id: p for p in places}


def supply_travel(day: Day, daynet: DayNetwork) -> SupplyTravel:
    """Snap the supply places once and compute the truck matrices they need.

    Raises
    ------
    InputError
        If a place lies farther from every road than the snapping limit.
    """
    places, ends = shipment_ends(day)
    profiles = supply_profiles(day.shipments)
    matrices = daynet.matrices(list(places), profiles) if places and profiles else {}
    return SupplyTravel(places, matrices, ends)


def cargo_weights(shipments: Sequence[Shipment], drop_penalty: int) -> dict[Cargo, int]:
    """Penalty weight per cargo kind: each rank outweighs all lower-rank shipments together.

    Weight of a rank = 1 + the sum of ``weight × priority`` over the shipments of the lower
    ranks. If ``drop_penalty`` times the largest weighted sum would come near the solver's
    integer range (thousands of shipments), the weights fall back to powers of
    ``FALLBACK_RANK_FACTOR`` (a strong but no longer strict preference) and a warning is
    logged.
    """
    weights: dict[Cargo, int] = {}
    below = 0
    for cargo in sorted(Cargo, key=CARGO_RANK.__getitem__):
        weights[cargo] = below + 1
        below += weights[cargo] * sum(s.priority for s in shipments if s.cargo is cargo)
    if drop_penalty * max(below, 1) <= MAX_WEIGHTED_PENALTY:
        return weights
    logger.warning(
        "%d shipments: cargo priority weights would overflow; using factor %d per rank",
        len(shipments),
        FALLBACK_RANK_FACTOR,
    )
    return {cargo: FALLBACK_RANK_FACTOR ** CARGO_RANK[cargo] for cargo in Cargo}


def shipment_window(day: Day, shipment: Shipment) -> TimeWindow:
    """``[ready, due]`` in seconds (the operating day where a time is missing)."""
    ready = day.seconds_of(shipment.ready_time) if shipment.ready_time else None
    due = day.seconds_of(shipment.due_time) if shipment.due_time else None
    start = day.seconds_of(day.day_start) if ready is None else ready
    end = day.seconds_of(day.day_end) if due is None else due
    if ready is None:
        start = min(start, end)
    if due is None:
        end = max(end, start)
    return TimeWindow(start, end)


def shipment_amount(shipment: Shipment) -> tuple[int, int]:
    """Load of a shipment: (kg, litres)."""
    litres = 0 if shipment.volume_m3 is None else round(shipment.volume_m3 * LITRES_PER_M3)
    return round(shipment.weight_t * KG_PER_T), litres


def truck_capacity(usable: UsableVehicle) -> tuple[int, int]:
    """Capacity of a truck: (kg, litres), unlimited litres without ``capacity_m3``."""
    v = usable.vehicle
    litres = UNLIMITED if v.capacity_m3 is None else round(v.capacity_m3 * LITRES_PER_M3)
    return round((v.capacity_t or 0.0) * KG_PER_T), litres


def shipment_job(
    day: Day,
    shipment: Shipment,
    travel: SupplyTravel,
    *,
    profile: Profile,
    weight: int,
    rules: SupplyRules,
) -> Job:
    """The routing job of a shipment (``weight`` is its cargo's penalty weight)."""
    ends = travel.ends[shipment.shipment_id]
    window = shipment_window(day, shipment)
    return Job(
        job_id=shipment.shipment_id,
        pickup=travel.index(ends.origin),
        delivery=travel.index(ends.destination),
        amount=shipment_amount(shipment),
        pickup_window=window,
        delivery_window=window,
        pickup_service_s=seconds_up(rules.loading_min(shipment)),
        delivery_service_s=seconds_up(rules.unloading_min(shipment)),
        priority=weight * shipment.priority,
        profile=profile.value,
    )


@dataclass(frozen=True, slots=True)
class TruckShift:
    """When a truck may work in one run: its window and longest duration (seconds)."""

    start: int
    end: int
    max_s: int
    fixed_cost: bool = True  # False once the truck's day rate is paid by an earlier run


def full_shift(day: Day, usable: UsableVehicle) -> TruckShift:
    """The truck's whole working window under the policy's shift limit."""
    return TruckShift(
        day.seconds_of(usable.shift_start), day.seconds_of(usable.shift_end), max_shift_s(day)
    )


def truck_spec(
    usable: UsableVehicle,
    travel: SupplyTravel,
    *,
    profile: Profile,
    shift: TruckShift,
    vehicle_fee: int,
) -> VehicleSpec:
    """The routing vehicle of a truck for one run (costs in fen).

    ``vehicle_fee`` is the objective's charge for using one more truck; a truck whose day
    rate is already paid (``shift.fixed_cost`` False) costs only its running cost.
    """
    v = usable.vehicle
    depot = travel.index_of(v.depot_id)  # depots come first, so they keep their ids as keys
    fixed = round(v.fixed_cost * FEN_PER_CNY) + vehicle_fee if shift.fixed_cost else 0
    return VehicleSpec(
        vehicle_id=v.vehicle_id,
        start=depot,
        end=depot,
        capacity=truck_capacity(usable),
        shift=TimeWindow(shift.start, shift.end),
        max_shift_s=shift.max_s,
        fixed_cost=fixed,
        cost_per_km=v.cost_per_km * FEN_PER_CNY,
        cost_per_hour=v.cost_per_hour * FEN_PER_CNY,
        profile=profile.value,
    )


@dataclass(frozen=True, slots=True)
class SupplyProblem:
    """One run's routing problem and the way back to the domain.

    Parameters
    ----------
    problem
        The routing problem (its locations are the rows of ``travel``).
    profile
        The truck profile of this run (the lane).
    shipments
        Shipment per job id.
    trucks
        Usable truck per vehicle id.
    shifts
        The run's working window per vehicle id.
    """

    problem: Problem
    profile: Profile
    shipments: Mapping[str, Shipment] = field(repr=False)
    trucks: Mapping[str, UsableVehicle] = field(repr=False)
    shifts: Mapping[str, TruckShift] = field(repr=False)


def build_supply_problem(
    day: Day,
    shipments: Sequence[Shipment],
    trucks: Sequence[tuple[UsableVehicle, TruckShift]],
    travel: SupplyTravel,
    *,
    profile: Profile,
    rules: SupplyRules,
) -> SupplyProblem:
    """The routing problem of one run: ``shipments`` on ``trucks`` (each with its shift).

    The objective is that of the bus problem (``dispatch.charters.bus_problem.objective_weights``):
    fewest
    trucks first, then running cost; drop penalties weighted by cargo rank and priority.
    A truck whose day rate an earlier run paid is charged neither that nor the fee for one
    more truck; then the fee goes into the fixed cost of the others (``vehicle_weight`` 0).
    """
    plain = tuple(truck_spec(u, travel, profile=profile, shift=s, vehicle_fee=0) for u, s in trucks)
    fee, penalty = objective_weights(day, plain)
    fresh = all(s.fixed_cost for _, s in trucks)
    vehicles = (
        plain
        if fresh
        else tuple(
            truck_spec(u, travel, profile=profile, shift=s, vehicle_fee=fee) for u, s in trucks
        )
    )
    weights = cargo_weights(shipments, penalty)
    jobs = tuple(
        shipment_job(day, s, travel, profile=profile, weight=weights[s.cargo], rules=rules)
        for s in shipments
    )
    matrix = travel.matrices[profile].to_matrix() if profile in travel.matrices else None
    if matrix is None:
        raise ValueError(f"no {profile} matrix for this run")
    problem = Problem(
        matrices={profile.value: matrix},
        jobs=jobs,
        vehicles=vehicles,
        location_names=tuple(p.name for p in travel.places),
        vehicle_weight=fee if fresh else 0,
        drop_penalty=penalty,
    )
    return SupplyProblem(
        problem,
        profile,
        {s.shipment_id: s for s in shipments},
        {u.vehicle_id: u for u, _ in trucks},
        {u.vehicle_id: s for u, s in trucks},
    )
