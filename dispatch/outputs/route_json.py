"""Vehicle routes in plan.json: one route entry and one step entry for buses and trucks.

A bus and a truck drive the same kind of day — depot, stops, depot — so plan.json holds both
in one shape. What only one class has is optional and left out of the other's JSON (``None``
keys are dropped): a bus route has ``capacity``, ``trips``, ``workers`` and ``[seats]``, its
steps ``[trip]``; a truck route has ``capacity_t``, ``shipments``, ``tonnes`` and
``[capacity_m3]``, its steps ``load_t``, ``green_channel`` and ``[shipment]``. The field order
is the key order of both, as docs/API.md documents them (``routes``/``steps`` and
``truck_routes``/``truck steps``). The builders are ``dispatch.outputs.plan_json`` (buses) and
``dispatch.outputs.truck_json`` (trucks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dispatch.plan import Step, StepKind, VehicleRoute
from routing.network.speed import VehicleClass


@dataclass(frozen=True, slots=True, kw_only=True)
class StepEntry:
    """One step of a route (``type`` is a ``StepKind`` value).

    A bus step may name the ``trip`` boarding or alighting; a truck step has ``load_t`` and
    ``green_channel`` and may name the ``shipment`` loaded or unloaded.
    """

    type: StepKind
    place: str
    name: str
    lon: float
    lat: float
    arrival: dt.datetime
    begin: dt.datetime
    departure: dt.datetime
    on_board: int
    load_t: float | None = None
    green_channel: bool | None = None
    trip: str | None = None
    shipment: str | None = None

    def __post_init__(self) -> None:
        truck = self.load_t is not None
        if (self.green_channel is not None) != truck:
            raise ValueError(
                f"step at {self.place}: `load_t` and `green_channel` come together (truck steps)"
            )
        if self.trip is not None and truck:
            raise ValueError(f"step at {self.place}: a truck step names a `shipment`, not a `trip`")
        if self.shipment is not None and not truck:
            raise ValueError(f"step at {self.place}: a bus step names a `trip`, not a `shipment`")

    @property
    def truck(self) -> bool:
        """Whether this is a truck's step."""
        return self.load_t is not None

    def to_step(self) -> Step:
        """As a ``dispatch.plan.Step``."""
        return Step(
            kind=self.type,
            place_id=self.place,
            trip_id=self.trip if self.trip is not None else self.shipment,
            arrival=self.arrival,
            begin=self.begin,
            departure=self.departure,
            on_board=self.on_board,
            load_t=self.load_t or 0.0,
            green_channel=bool(self.green_channel),
        )


# Keys of one vehicle class only, (required, optional); a route of the other class has none.
CLASS_KEYS: dict[VehicleClass, tuple[tuple[str, ...], tuple[str, ...]]] = {
    VehicleClass.BUS: (("capacity", "trips", "workers"), ("seats",)),
    VehicleClass.TRUCK: (("capacity_t", "shipments", "tonnes"), ("capacity_m3",)),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteEntry:
    """One used vehicle's day: a bus's, or a truck's (one or two runs, depot to depot each)."""

    vehicle: str
    operator: str
    depot: str
    vehicle_class: VehicleClass
    capacity: int | None = None
    capacity_t: float | None = None
    permit_no: str
    permit_valid_from: dt.datetime
    permit_valid_to: dt.datetime
    start: dt.datetime
    end: dt.datetime
    steps: tuple[StepEntry, ...]
    trips: tuple[str, ...] | None = None
    workers: int | None = None
    shipments: tuple[str, ...] | None = None
    tonnes: float | None = None
    distance_km: float
    loaded_km: float
    empty_km: float
    duration_min: float
    cost_cny: float
    seats: int | None = None
    capacity_m3: float | None = None

    def __post_init__(self) -> None:
        problems = []
        for vehicle_class, (required, optional) in CLASS_KEYS.items():
            if vehicle_class is self.vehicle_class:
                problems += [f"needs `{k}`" for k in required if getattr(self, k) is None]
            else:
                given = (k for k in (*required, *optional) if getattr(self, k) is not None)
                problems += [f"has no `{k}`" for k in given]
        truck = self.vehicle_class is VehicleClass.TRUCK
        if any(step.truck != truck for step in self.steps):
            problems.append("has steps of the other vehicle class")
        if problems:
            raise ValueError(
                f"{self.vehicle_class.value} route {self.vehicle}: " + "; ".join(problems)
            )

    @property
    def jobs(self) -> tuple[str, ...]:
        """The bus's trip ids in driving order, or the truck's shipment ids in loading order."""
        return (self.trips if self.vehicle_class is VehicleClass.BUS else self.shipments) or ()

    def to_route(self, *, fixed_cost_cny: float = 0.0) -> VehicleRoute:
        """As a ``dispatch.plan.VehicleRoute`` (plan.json does not hold the day rate: give
        it, ``fixed_cost_cny``; at most the route's cost). Default 0."""
        return VehicleRoute(
            vehicle_id=self.vehicle,
            operator=self.operator,
            depot_id=self.depot,
            vehicle_class=self.vehicle_class,
            seats=self.seats,
            capacity=self.capacity or 0,
            permit_no=self.permit_no,
            permit_valid_from=self.permit_valid_from,
            permit_valid_to=self.permit_valid_to,
            steps=tuple(s.to_step() for s in self.steps),
            trip_ids=self.jobs,
            distance_km=self.distance_km,
            loaded_km=min(self.loaded_km, self.distance_km),
            cost_cny=self.cost_cny,
            fixed_cost_cny=min(fixed_cost_cny, self.cost_cny),
            capacity_t=self.capacity_t,
            capacity_m3=self.capacity_m3,
        )
