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
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dispatch.day import Day
from dispatch.outputs.plan_json import PlanDocument, read_plan_json
from dispatch.outputs.route_json import RouteEntry
from dispatch.plan import Delivery, Plan, Trip, Unserved, UnservedShipment, VehicleRoute
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
    _trips: Mapping[str, Trip] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_trips", {t.trip_id: t for t in self.trips})

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
        try:
            return self._trips[trip_id]
        except KeyError:
            raise KeyError(f"{trip_id!r} is not a trip of the base plan") from None


def base_of_document(document: PlanDocument, day: Day, *, parent: str = "") -> BasePlan:
    """The base made of a plan.json document (``day`` gives the vehicles' day rates)."""
    rates = {v.vehicle_id: v.fixed_cost for v in day.fleet}

    def routes(entries: Sequence[RouteEntry]) -> tuple[VehicleRoute, ...]:
        return tuple(r.to_route(fixed_cost_cny=rates.get(r.vehicle, 0.0)) for r in entries)

    return BasePlan(
        date=document.date,
        routes=routes(document.routes),
        trips=tuple(t.to_trip() for t in document.trips),
        unserved=tuple(u.to_unserved() for u in document.unserved),
        excluded=tuple(e.worker for e in document.excluded),
        truck_routes=routes(document.truck_routes),
        deliveries=tuple(d.to_delivery() for d in document.deliveries),
        unserved_shipments=tuple(u.to_unserved_shipment() for u in document.unserved_shipments),
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
    label = (path / "plan.json").name if path.is_dir() else path.name
    check_base(base, day, label=label, walk_ins=None)  # walk-ins: checked with the events
    return base


def _shown(ids: Sequence[str]) -> str:
    listed = sorted(ids)
    more = f" and {len(listed) - SHOWN} more" if len(listed) > SHOWN else ""
    return ", ".join(listed[:SHOWN]) + more


def check_base(
    base: BasePlan,
    day: Day,
    *,
    label: str = "plan.json",
    walk_ins: Collection[str] | None = (),
) -> None:
    """Raise ``InputError`` unless ``base`` plans ``day``: the same date, every registered
    worker transported, excluded or unserved exactly once and nobody else but walk-ins of the
    events, every vehicle in the fleet, every trip's station and employer known.

    Parameters
    ----------
    base
        The base plan.
    day
        The day as read now (without events).
    label
        The base's file, named in problems. Default ``plan.json``.
    walk_ins
        Ids of the events' walk-in workers: a base that is itself a re-plan has those it took
        (re-planning it with the same events file is the rule). None: not known yet (the base
        is read before the events), so workers the day does not register are checked later
        by ``replan_day``. Default none.
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
        (
            "are not registered in the day nor walk-ins of the events",
            [] if walk_ins is None else sorted(set(counted) - registered - set(walk_ins)),
        ),
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
