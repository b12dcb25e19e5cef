"""Translating a prepared day into the generic routing problem: places, matrix, jobs, vehicles.

One location per distinct place (depots of the usable buses, stations and employers of the
trip requests), one ``Job`` per trip request, one ``VehicleSpec`` per usable bus. Money is in
fen (0.01 CNY), times in seconds after the planning day's midnight.

Objective weights (see docs/planning.md):

* ``vehicle_weight`` — a full shift of the most expensive bus driving flat out
  (``cost_per_hour × shift_hours + cost_per_km × shift_hours × 80 km/h``): no saving in
  running cost that one more bus could bring is larger, so fewer buses come first.
* ``drop_penalty`` — twice (``vehicle_weight`` + the largest fixed cost + that full shift),
  per unit of ``priority`` (``request_priority``: 10 per worker, times ``priority_weight`` for
  a priority employer): serving even one worker beats saving
  a bus, and when buses run short the larger groups are served first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from dispatch.charters.fleet import UsableVehicle
from dispatch.charters.grouping import TripRequest
from dispatch.charters.prepare import Prepared
from dispatch.day import Day
from dispatch.policy import Mixing, PoolArea
from routing.network.checkpoints import CheckpointDelays
from routing.network.daynetwork import DayNetwork, network_for_day
from routing.network.matrix import TravelMatrix
from routing.network.roads import RoadNetwork
from routing.network.speed import Profile
from routing.vrp.problem import Job, Problem, TimeWindow, VehicleSpec
from stations.model import Place

FEN_PER_CNY = 100
FLAT_OUT_KMH = 80.0  # speed bound used for the vehicle weight (no bus averages more all day)
PROFILE = "bus"
PRIORITY_SCALE = 10  # job priority per worker of an ordinary employer


class PlaceKind(StrEnum):
    """Which registry a location's place comes from."""

    DEPOT = "depot"
    STATION = "station"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True, slots=True)
class PlaceKey:
    """A place of the day: its kind and id (ids are unique within a kind only)."""

    kind: PlaceKind
    place_id: str

    def __str__(self) -> str:
        return f"{self.kind.value} {self.place_id}"


@dataclass(frozen=True, slots=True)
class DayTravel:
    """Bus travel times and distances between the day's places under its exit statuses.

    Parameters
    ----------
    keys
        The places, one per matrix row/column, in a stable order (depots, stations,
        employers; ids sorted within each kind).
    places
        The place objects, same order.
    matrix
        Times (min) and distances (km) for the bus profile; ``nan`` where no route exists.
    """

    keys: tuple[PlaceKey, ...]
    places: tuple[Place, ...] = field(repr=False)
    matrix: TravelMatrix = field(repr=False)
    _index: Mapping[PlaceKey, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.keys) != len(self.places) or len(self.keys) != len(self.matrix.source_ids):
            raise ValueError("keys, places and matrix disagree in size")
        object.__setattr__(self, "_index", {k: i for i, k in enumerate(self.keys)})
        if len(self._index) != len(self.keys):
            raise ValueError("duplicate place keys")

    def index(self, key: PlaceKey) -> int:
        """Row/column of ``key`` (``KeyError`` if the place is not in the matrix)."""
        return self._index[key]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def minutes(self, a: PlaceKey, b: PlaceKey) -> float:
        """Drive time from ``a`` to ``b`` in minutes (``nan`` without a route)."""
        return float(self.matrix.time_min[self.index(a), self.index(b)])

    def km(self, a: PlaceKey, b: PlaceKey) -> float:
        """Route length from ``a`` to ``b`` in km (``nan`` without a route)."""
        return float(self.matrix.dist_km[self.index(a), self.index(b)])

    def reachable(self, a: PlaceKey, b: PlaceKey) -> bool:
        """Whether a bus can drive from ``a`` to ``b``."""
        return bool(self.matrix.reachable[self.index(a), self.index(b)])


def place_of(day: Day, key: PlaceKey) -> Place:
    """The place of ``key`` in ``day``."""
    if key.kind is PlaceKind.DEPOT:
        return day.depots[key.place_id]
    if key.kind is PlaceKind.STATION:
        return day.stations[key.place_id]
    return day.enterprises[key.place_id]


def checkpoint_delays(day: Day) -> CheckpointDelays:
    """The network's checkpoint delays with the day's policy overrides."""
    return day.policy.checkpoint_delays()


def day_network(day: Day, network: RoadNetwork | None = None) -> DayNetwork:
    """The road network under the day's exits and the policy's checkpoint delays.

    Parameters
    ----------
    day
        The planning day.
    network
        The roads. Default ``RoadNetwork.embedded()``.
    """
    roads = network if network is not None else RoadNetwork.embedded()
    return network_for_day(roads, day.exits.values_list(), delays=checkpoint_delays(day))


def used_places(prepared: Prepared) -> list[tuple[PlaceKey, Place]]:
    """Depots of the usable buses, stations and employers of the requests, in a stable order."""
    day = prepared.day
    depots = sorted({u.vehicle.depot_id for u in prepared.fleet.buses})
    stations = sorted({r.station_id for r in prepared.grouping.requests})
    employers = sorted({r.enterprise_id for r in prepared.grouping.requests})
    out: list[tuple[PlaceKey, Place]] = []
    out += [(PlaceKey(PlaceKind.DEPOT, i), day.depots[i]) for i in depots]
    out += [(PlaceKey(PlaceKind.STATION, i), day.stations[i]) for i in stations]
    out += [(PlaceKey(PlaceKind.ENTERPRISE, i), day.enterprises[i]) for i in employers]
    return out


def day_travel(prepared: Prepared, daynet: DayNetwork) -> DayTravel:
    """Snap the used places and compute the bus matrix between all of them.

    Raises
    ------
    InputError
        If a place lies farther from every road than the snapping limit.
    """
    pairs = used_places(prepared)
    places = tuple(p for _, p in pairs)
    matrix = daynet.matrix(list(places), profile=Profile.BUS) if places else _empty_matrix()
    return DayTravel(tuple(k for k, _ in pairs), places, matrix)


def _empty_matrix() -> TravelMatrix:
    import numpy as np

    empty = np.zeros((0, 0))
    return TravelMatrix((), (), Profile.BUS, empty, empty.copy(), np.zeros((0, 0), bool))


def station_key(request: TripRequest) -> PlaceKey:
    """Where the request boards."""
    return PlaceKey(PlaceKind.STATION, request.station_id)


def employer_key(request: TripRequest) -> PlaceKey:
    """Where the request alights."""
    return PlaceKey(PlaceKind.ENTERPRISE, request.enterprise_id)


def depot_key(usable: UsableVehicle) -> PlaceKey:
    """Where the bus starts and ends its shift."""
    return PlaceKey(PlaceKind.DEPOT, usable.vehicle.depot_id)


def seconds_up(minutes: float) -> int:
    """A duration in minutes as whole seconds, rounded up (a service never gets shorter)."""
    return math.ceil(round(minutes * 60.0, 6))


def max_shift_s(day: Day) -> int:
    """The policy's longest shift in seconds."""
    return math.floor(day.policy.shift_hours * 3600 + 1e-6)


def vehicle_spec(day: Day, usable: UsableVehicle, travel: DayTravel) -> VehicleSpec:
    """The routing vehicle of a usable bus (costs in fen)."""
    depot = travel.index(depot_key(usable))
    v = usable.vehicle
    return VehicleSpec(
        vehicle_id=v.vehicle_id,
        start=depot,
        end=depot,
        capacity=(usable.capacity,),
        shift=TimeWindow(day.seconds_of(usable.shift_start), day.seconds_of(usable.shift_end)),
        max_shift_s=max_shift_s(day),
        fixed_cost=round(v.fixed_cost * FEN_PER_CNY),
        cost_per_km=v.cost_per_km * FEN_PER_CNY,
        cost_per_hour=v.cost_per_hour * FEN_PER_CNY,
        profile=PROFILE,
        max_onboard_jobs=1 if day.policy.mixing is Mixing.NONE else None,
    )


def is_priority(day: Day, enterprise_id: str) -> bool:
    """Whether the employer's workers are served first when buses run short: a key
    enterprise, or one the policy names in ``priority_employers``."""
    enterprise = day.enterprises[enterprise_id]
    return enterprise.key_enterprise or enterprise_id in day.policy.priority_employers


def request_priority(day: Day, request: TripRequest) -> int:
    """The job priority of a request: its workers × ``PRIORITY_SCALE``, times the policy's
    ``priority_weight`` for a priority employer (the drop penalty scales with it, so the
    solver serves workers first, priority workers before others)."""
    weight = day.policy.priority_weight if is_priority(day, request.enterprise_id) else 1.0
    return max(1, round(request.passengers * weight * PRIORITY_SCALE))


def board_key(day: Day, request: TripRequest) -> str | None:
    """Who may share the bus with a request's group (``routing.vrp.problem.Job.board_key``):
    none under point to point, its own key for a group that rides alone, else its station
    (and district, under ``pool_area = district``)."""
    policy = day.policy
    if policy.mixing is Mixing.NONE:
        return None
    if not policy.pools(request.passengers):
        return f"alone:{request.request_id}"
    key = f"station:{request.station_id}"
    if policy.pool_area is PoolArea.DISTRICT:
        key += f"|district:{day.enterprises[request.enterprise_id].district or '-'}"
    return key


def max_ride_s(day: Day, request: TripRequest, travel: DayTravel) -> int:
    """The ride limit of a request: ``max_ride_min``, and for a group that may be pooled
    also its direct ride plus ``pool_max_detour_min``."""
    longest = request.max_ride_min * 60
    if board_key(day, request) is not None and day.policy.pools(request.passengers):
        direct = travel.minutes(station_key(request), employer_key(request)) * 60
        if math.isfinite(direct):
            longest = min(longest, direct + day.policy.pool_max_detour_min * 60)
    return math.floor(longest + 1e-6)


def request_job(day: Day, request: TripRequest, travel: DayTravel) -> Job:
    """The routing job of a trip request (priority: see ``request_priority``)."""
    earliest = day.seconds_of(request.pickup_earliest)
    return Job(
        job_id=request.request_id,
        pickup=travel.index(station_key(request)),
        delivery=travel.index(employer_key(request)),
        amount=(request.load,),
        pickup_window=TimeWindow(earliest, day.seconds_of(request.pickup_latest)),
        delivery_window=TimeWindow(earliest, max(earliest, day.seconds_of(day.day_end))),
        pickup_service_s=seconds_up(request.pickup_service_min),
        delivery_service_s=seconds_up(request.delivery_service_min),
        max_ride_s=max_ride_s(day, request, travel),
        board_key=board_key(day, request),
        priority=request_priority(day, request),
        profile=PROFILE,
    )


def objective_weights(day: Day, vehicles: Sequence[VehicleSpec]) -> tuple[int, int]:
    """``(vehicle_weight, drop_penalty)`` in fen (see the module docstring)."""
    hours = day.policy.shift_hours
    full_shift = max(
        (v.cost_per_hour * hours + v.cost_per_km * hours * FLAT_OUT_KMH for v in vehicles),
        default=0.0,
    )
    weight = math.ceil(full_shift)
    fixed = max((v.fixed_cost for v in vehicles), default=0)
    penalty = 2 * (weight + fixed + math.ceil(full_shift)) + 1
    return weight, penalty


@dataclass(frozen=True, slots=True)
class Built:
    """The routing problem of a prepared day and the way back to the domain.

    Parameters
    ----------
    prepared
        The prepared day.
    travel
        Places and the bus matrix (problem locations are its rows).
    problem
        The routing problem.
    requests
        Trip request per job id.
    buses
        Usable bus per vehicle id.
    """

    prepared: Prepared
    travel: DayTravel
    problem: Problem
    requests: Mapping[str, TripRequest] = field(repr=False)
    buses: Mapping[str, UsableVehicle] = field(repr=False)


def build_problem(prepared: Prepared, travel: DayTravel) -> Built:
    """The routing problem of ``prepared`` over the places of ``travel``."""
    day = prepared.day
    vehicles = tuple(vehicle_spec(day, u, travel) for u in prepared.fleet.buses)
    jobs = tuple(request_job(day, r, travel) for r in prepared.grouping.requests)
    weight, penalty = objective_weights(day, vehicles)
    problem = Problem(
        matrices={PROFILE: travel.matrix.to_matrix()},
        jobs=jobs,
        vehicles=vehicles,
        location_names=tuple(str(k) for k in travel.keys),
        vehicle_weight=weight,
        drop_penalty=penalty,
    )
    return Built(
        prepared,
        travel,
        problem,
        {r.request_id: r for r in prepared.grouping.requests},
        {u.vehicle_id: u for u in prepared.fleet.buses},
    )


def travel_of(day: Day, network: RoadNetwork | None = None) -> DayTravel:
    """The bus matrix ``plan_day`` works with for ``day`` (for checks and reports).

    Parameters
    ----------
    day
        The planning day.
    network
        The roads. Default ``RoadNetwork.embedded()``.
    """
    from dispatch.charters.prepare import prepare

    return day_travel(prepare(day), day_network(day, network))
