"""The supply part of plan.json: truck routes, deliveries and unserved shipments as entries.

The dataclasses are the format (field names are the JSON keys, documented in docs/API.md);
``dispatch.outputs.plan_json`` holds them in the document. A truck route is a
``dispatch.outputs.route_json.RouteEntry``, the entry bus routes have too. Place keys are those of
``dispatch.supply.truck_problem.supply_places``: a place id, or ``lon,lat`` of a bare point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from dispatch.day import Cargo, Day, Shipment
from dispatch.outputs.json_units import CNY_DIGITS, KM_DIGITS, MIN_DIGITS, T_DIGITS
from dispatch.outputs.json_units import degrees as _deg
from dispatch.outputs.json_units import whole_seconds as _t
from dispatch.outputs.route_json import RouteEntry, StepEntry
from dispatch.plan import Delivery, Step, UnservedShipment, VehicleRoute
from dispatch.reasons import ShipmentReason, reason_text
from dispatch.supply.truck_problem import ShipmentEnds, SupplyPlace, shipment_ends
from stations.lang import Lang


@dataclass(frozen=True, slots=True)
class DeliveryEntry:
    """A delivered shipment."""

    shipment: str
    vehicle: str
    cargo: Cargo
    weight_t: float
    priority: int
    origin: str
    origin_name: str
    destination: str
    destination_name: str
    load_start: dt.datetime
    depart: dt.datetime
    arrive: dt.datetime
    unload_start: dt.datetime
    on_time: bool
    green_channel: bool
    distance_km: float
    volume_m3: float | None = None
    due_time: dt.datetime | None = None
    slack_min: float | None = None

    def to_delivery(self) -> Delivery:
        """As a ``dispatch.plan.Delivery``."""
        return Delivery(
            shipment_id=self.shipment,
            vehicle_id=self.vehicle,
            cargo=self.cargo,
            weight_t=self.weight_t,
            volume_m3=self.volume_m3,
            priority=self.priority,
            origin_id=self.origin,
            destination_id=self.destination,
            load_start=self.load_start,
            depart=self.depart,
            arrive=self.arrive,
            unload_start=self.unload_start,
            due_time=self.due_time,
            distance_km=self.distance_km,
            green_channel=self.green_channel,
        )


@dataclass(frozen=True, slots=True)
class UnservedShipmentEntry:
    """A shipment no truck carries; ``lon``/``lat`` are its origin's."""

    shipment: str
    cargo: Cargo
    weight_t: float
    priority: int
    origin: str
    origin_name: str
    destination: str
    destination_name: str
    reason: ShipmentReason
    reason_zh: str
    reason_en: str
    lon: float
    lat: float
    detail: str = ""
    exits: tuple[str, ...] = ()
    volume_m3: float | None = None
    ready_time: dt.datetime | None = None
    due_time: dt.datetime | None = None

    def to_unserved_shipment(self) -> UnservedShipment:
        """As a ``dispatch.plan.UnservedShipment``."""
        return UnservedShipment(
            shipment_id=self.shipment,
            cargo=self.cargo,
            weight_t=self.weight_t,
            reason=self.reason,
            detail=self.detail,
            exits=self.exits,
        )


def _opt_t(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else _t(moment)


def _step(places: Mapping[str, SupplyPlace], step: Step) -> StepEntry:
    place = places[step.place_id]
    return StepEntry(
        type=step.kind,
        place=step.place_id,
        name=place.name,
        lon=_deg(place.lon),
        lat=_deg(place.lat),
        arrival=_t(step.arrival),
        begin=_t(step.begin),
        departure=_t(step.departure),
        on_board=step.on_board,
        load_t=round(step.load_t, T_DIGITS),
        green_channel=step.green_channel,
        shipment=step.trip_id,
    )


def truck_route_entry(
    places: Mapping[str, SupplyPlace], route: VehicleRoute, shipments: Mapping[str, Shipment]
) -> RouteEntry:
    """A truck route as its plan.json entry."""
    return RouteEntry(
        vehicle=route.vehicle_id,
        operator=route.operator,
        depot=route.depot_id,
        vehicle_class=route.vehicle_class,
        capacity_t=float(route.capacity_t or 0.0),
        permit_no=route.permit_no,
        permit_valid_from=_t(route.permit_valid_from),
        permit_valid_to=_t(route.permit_valid_to),
        start=_t(route.start),
        end=_t(route.end),
        steps=tuple(_step(places, s) for s in route.steps),
        shipments=route.trip_ids,
        tonnes=round(sum(float(shipments[s].weight_t) for s in route.trip_ids), T_DIGITS),
        distance_km=round(route.distance_km, KM_DIGITS),
        loaded_km=round(route.loaded_km, KM_DIGITS),
        empty_km=round(route.empty_km, KM_DIGITS),
        duration_min=round(route.hours * 60.0, MIN_DIGITS),
        cost_cny=round(route.cost_cny, CNY_DIGITS),
        capacity_m3=None if route.capacity_m3 is None else float(route.capacity_m3),
    )


def delivery_entry(places: Mapping[str, SupplyPlace], delivery: Delivery) -> DeliveryEntry:
    """A delivery as its plan.json entry."""
    slack = delivery.slack_min
    return DeliveryEntry(
        shipment=delivery.shipment_id,
        vehicle=delivery.vehicle_id,
        cargo=delivery.cargo,
        weight_t=float(delivery.weight_t),
        priority=delivery.priority,
        origin=delivery.origin_id,
        origin_name=places[delivery.origin_id].name,
        destination=delivery.destination_id,
        destination_name=places[delivery.destination_id].name,
        load_start=_t(delivery.load_start),
        depart=_t(delivery.depart),
        arrive=_t(delivery.arrive),
        unload_start=_t(delivery.unload_start),
        on_time=delivery.on_time,
        green_channel=delivery.green_channel,
        distance_km=round(delivery.distance_km, KM_DIGITS),
        volume_m3=None if delivery.volume_m3 is None else float(delivery.volume_m3),
        due_time=_opt_t(delivery.due_time),
        slack_min=None if slack is None else round(slack, MIN_DIGITS),
    )


def unserved_shipment_entry(
    ends: ShipmentEnds, shipment: Shipment, unserved: UnservedShipment
) -> UnservedShipmentEntry:
    """An unserved shipment as its plan.json entry."""
    origin, destination = ends.origin, ends.destination
    return UnservedShipmentEntry(
        shipment=unserved.shipment_id,
        cargo=unserved.cargo,
        weight_t=float(unserved.weight_t),
        priority=shipment.priority,
        origin=origin.place_id,
        origin_name=origin.name,
        destination=destination.place_id,
        destination_name=destination.name,
        reason=unserved.reason,
        reason_zh=reason_text(unserved.reason, Lang.ZH),
        reason_en=reason_text(unserved.reason, Lang.EN),
        lon=_deg(origin.lon),
        lat=_deg(origin.lat),
        detail=unserved.detail,
        exits=unserved.exits,
        volume_m3=None if shipment.volume_m3 is None else float(shipment.volume_m3),
        ready_time=_opt_t(shipment.ready_time),
        due_time=_opt_t(shipment.due_time),
    )


@dataclass(frozen=True, slots=True)
class SupplyEntries:
    """The supply arrays of plan.json."""

    truck_routes: tuple[RouteEntry, ...]
    deliveries: tuple[DeliveryEntry, ...]
    unserved_shipments: tuple[UnservedShipmentEntry, ...]


def supply_entries(
    day: Day,
    routes: tuple[VehicleRoute, ...],
    deliveries: tuple[Delivery, ...],
    unserved: tuple[UnservedShipment, ...],
) -> SupplyEntries:
    """Truck routes, deliveries and unserved shipments of a plan as plan.json entries."""
    if not (routes or deliveries or unserved):
        return SupplyEntries((), (), ())
    ordered, ends = shipment_ends(day)
    places = {p.place_id: p for p in ordered}
    shipments = {s.shipment_id: s for s in day.shipments}
    return SupplyEntries(
        tuple(truck_route_entry(places, r, shipments) for r in routes),
        tuple(delivery_entry(places, d) for d in deliveries),
        tuple(
            unserved_shipment_entry(ends[u.shipment_id], shipments[u.shipment_id], u)
            for u in unserved
        ),
    )
