"""The version a re-plan starts from: a ``Plan`` in memory or a plan folder's plan.json, as
domain records, checked against the day it is said to plan.

plan.json holds everything the state at a clock time needs — each route's steps with their
times and places, each trip's workers and times, every unserved worker with the reason — so a
plan folder written by ``charter plan`` (or by an earlier ``charter replan``) is a base.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dispatch.day import Day
from dispatch.outputs.plan_json import PlanDocument, read_plan_json
from dispatch.outputs.route_json import RouteEntry, StepEntry
from dispatch.outputs.truck_json import DeliveryEntry, UnservedShipmentEntry
from dispatch.plan import (
    Delivery,
    Plan,
    Step,
    Trip,
    Unserved,
    UnservedShipment,
    VehicleRoute,
)
from routing.network.speed import VehicleClass
from stations.errors import ProblemCollector

SHOWN = 5  # ids named in a message
_PLURAL = {VehicleClass.BUS: "buses", VehicleClass.TRUCK: "trucks"}


@dataclass(frozen=True, slots=True)
class BasePlan:
    """What a plan version planned, as the re-plan reads it.

    Parameters
    ----------
    date
        The planning day.
    routes, trips, unserved
        The buses' routes, the trips and the unserved workers.
    excluded
        Worker ids screened out.
    truck_routes, deliveries, unserved_shipments
        The supply side. Default empty.
    parent
        How the version is named in its child's ``meta.parent``: a store version, or
        ``plan.json sha256:<first 16 hex digits>`` of a plan folder. Default "".
    """

    date: dt.date
    routes: tuple[VehicleRoute, ...]
    trips: tuple[Trip, ...]
    unserved: tuple[Unserved, ...]
    excluded: tuple[str, ...]
    truck_routes: tuple[VehicleRoute, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    unserved_shipments: tuple[UnservedShipment, ...] = ()
    parent: str = ""

    @classmethod
    def of_plan(cls, plan: Plan, *, parent: str = "") -> BasePlan:
        """The base made of a ``Plan`` in memory."""
        return cls(
            date=plan.day.date,
            routes=plan.routes,
            trips=plan.trips,
            unserved=plan.unserved,
            excluded=tuple(e.worker_id for e in plan.excluded),
            truck_routes=plan.truck_routes,
            deliveries=plan.deliveries,
            unserved_shipments=plan.unserved_shipments,
            parent=parent,
        )

    def trip(self, trip_id: str) -> Trip:
        """The trip with id ``trip_id``."""
        for trip in self.trips:
            if trip.trip_id == trip_id:
                return trip
        raise KeyError(f"{trip_id!r} is not a trip of the base plan")


def _step(entry: StepEntry) -> Step:
    return Step(
        kind=entry.type,
        place_id=entry.place,
        trip_id=entry.trip if entry.trip is not None else entry.shipment,
        arrival=entry.arrival,
        begin=entry.begin,
        departure=entry.departure,
        on_board=entry.on_board,
        load_t=entry.load_t or 0.0,
        green_channel=bool(entry.green_channel),
    )


def _route(entry: RouteEntry, day: Day) -> VehicleRoute:
    fixed = next((v.fixed_cost for v in day.fleet if v.vehicle_id == entry.vehicle), 0.0)
    return VehicleRoute(
        vehicle_id=entry.vehicle,
        operator=entry.operator,
        depot_id=entry.depot,
        vehicle_class=entry.vehicle_class,
        seats=entry.seats,
        capacity=entry.capacity or 0,
        permit_no=entry.permit_no,
        permit_valid_from=entry.permit_valid_from,
        permit_valid_to=entry.permit_valid_to,
        steps=tuple(_step(s) for s in entry.steps),
        trip_ids=entry.jobs,
        distance_km=entry.distance_km,
        loaded_km=min(entry.loaded_km, entry.distance_km),
        cost_cny=entry.cost_cny,
        fixed_cost_cny=min(fixed, entry.cost_cny),
        capacity_t=entry.capacity_t,
        capacity_m3=entry.capacity_m3,
    )


def _delivery(entry: DeliveryEntry) -> Delivery:
    return Delivery(
        shipment_id=entry.shipment,
        vehicle_id=entry.vehicle,
        cargo=entry.cargo,
        weight_t=entry.weight_t,
        volume_m3=entry.volume_m3,
        priority=entry.priority,
        origin_id=entry.origin,
        destination_id=entry.destination,
        load_start=entry.load_start,
        depart=entry.depart,
        arrive=entry.arrive,
        unload_start=entry.unload_start,
        due_time=entry.due_time,
        distance_km=entry.distance_km,
        green_channel=entry.green_channel,
    )


def _unserved_shipment(entry: UnservedShipmentEntry) -> UnservedShipment:
    return UnservedShipment(
        shipment_id=entry.shipment,
        cargo=entry.cargo,
        weight_t=entry.weight_t,
        reason=entry.reason,
        detail=entry.detail,
        exits=entry.exits,
    )


def base_of_document(document: PlanDocument, day: Day, *, parent: str = "") -> BasePlan:
    """The base made of a plan.json document (``day`` gives the vehicles' fixed costs)."""
    trips = tuple(
        Trip(
            trip_id=t.id,
            vehicle_id=t.vehicle,
            station_id=t.station,
            enterprise_id=t.enterprise,
            worker_ids=t.workers,
            escort_seats=t.escort_seats,
            board_start=t.board_start,
            depart=t.depart,
            arrive=t.arrive,
            alight_start=t.alight_start,
            wait_max_min=t.wait_max_min,
            wait_mean_min=t.wait_mean_min,
            ride_min=t.ride_min,
            distance_km=t.distance_km,
        )
        for t in document.trips
    )
    unserved = tuple(
        Unserved(
            worker_id=u.worker,
            station_id=u.station,
            enterprise_id=u.enterprise,
            arrival_time=u.arrival_time,
            reason=u.reason,
            detail=u.detail,
            request_id=u.request,
            exits=u.exits,
        )
        for u in document.unserved
    )
    return BasePlan(
        date=document.date,
        routes=tuple(_route(r, day) for r in document.routes),
        trips=trips,
        unserved=unserved,
        excluded=tuple(e.worker for e in document.excluded),
        truck_routes=tuple(_route(r, day) for r in document.truck_routes),
        deliveries=tuple(_delivery(d) for d in document.deliveries),
        unserved_shipments=tuple(_unserved_shipment(u) for u in document.unserved_shipments),
        parent=parent,
    )


def folder_parent(path: Path) -> str:
    """The name of a plan folder's version: ``plan.json sha256:<16 hex digits>``."""
    file = path / "plan.json" if path.is_dir() else path
    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
    return f"plan.json sha256:{digest}"


def read_base(path: Path, day: Day) -> BasePlan:
    """The base plan of a plan folder (or its plan.json), checked against ``day``.

    Raises
    ------
    InputError
        If plan.json cannot be read, or it does not plan ``day`` (another date, workers or
        vehicles the day does not have).
    """
    document = read_plan_json(path)
    base = base_of_document(document, day, parent=folder_parent(path))
    check_base(base, day, label=(path / "plan.json").name if path.is_dir() else path.name)
    return base


def _shown(ids: Sequence[str]) -> str:
    listed = sorted(ids)
    more = f" and {len(listed) - SHOWN} more" if len(listed) > SHOWN else ""
    return ", ".join(listed[:SHOWN]) + more


def check_base(base: BasePlan, day: Day, *, label: str = "plan.json") -> None:
    """Raise ``InputError`` unless ``base`` plans ``day``: the same date, every registered
    worker transported, excluded or unserved exactly once and nobody else, every vehicle in
    the fleet, every trip's station and employer known.

    Parameters
    ----------
    base
        The base plan.
    day
        The day as read now (without events).
    label
        The base's file, named in problems. Default ``plan.json``.
    """
    problems = ProblemCollector()
    fix = "give the plan folder that `charter plan` wrote for this day"
    if base.date != day.date:
        problems.add(
            label,
            None,
            "date",
            base.date.isoformat(),
            f"is not the planning day {day.date.isoformat()}",
            fix,
        )
    counted: Counter[str] = Counter()
    for trip in base.trips:
        counted.update(trip.worker_ids)
    counted.update(u.worker_id for u in base.unserved)
    counted.update(base.excluded)
    registered = set(day.worker_ids)
    for what, ids in (
        ("are not registered in the day", sorted(set(counted) - registered)),
        ("are registered but missing from the plan", sorted(registered - set(counted))),
        ("are counted more than once", sorted(w for w, n in counted.items() if n > 1)),
    ):
        if ids:
            problems.add(label, None, "workers", _shown(ids), f"{len(ids)} worker(s) {what}", fix)
    plates = {v.vehicle_id: v.vehicle_class for v in day.fleet}
    for routes, kind in ((base.routes, VehicleClass.BUS), (base.truck_routes, VehicleClass.TRUCK)):
        wrong = [r.vehicle_id for r in routes if plates.get(r.vehicle_id) is not kind]
        if wrong:
            problems.add(
                label,
                None,
                "routes",
                _shown(wrong),
                f"{len(wrong)} vehicle(s) are not {_PLURAL[kind]} of the day's fleet",
                fix,
            )
    places = [
        t.trip_id
        for t in base.trips
        if t.station_id not in day.stations or t.enterprise_id not in day.enterprises
    ]
    if places:
        problems.add(
            label, None, "trips", _shown(places), "trip(s) with an unknown station or employer", fix
        )
    problems.raise_if_any()
