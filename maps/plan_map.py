"""Plan layers: one layer per vehicle route along its road path, unserved requests and
shipments, the plan map."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from maps.base import (
    Card,
    LegendItem,
    LineFeature,
    LineStyle,
    MapBuilder,
    PointFeature,
    Symbol,
    Tiles,
    check_colour,
)
from maps.geometry import ROUTE_TOLERANCE, LonLat, simplify_path
from maps.permits import PermitState, add_permit_layers, validity_text
from maps.reference import MapPlaces, add_reference_layers
from routing.network.speed import VehicleClass
from stations.lang import Lang
from stations.model import ExitStatus, check_lon_lat

# Distinct, saturated colours that read on the light background and differ from the base
# map's grey/ochre line work; used in turn when a route brings no colour of its own.
ROUTE_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#e377c2",
    "#8c564b",
    "#bcbd22",
    "#393b79",
    "#e6550d",
    "#637939",
    "#7b4173",
    "#3182bd",
    "#843c39",
    "#31a354",
    "#6b6ecf",
    "#d6616b",
    "#0b6e4f",
    "#a55194",
)
BUS_WEIGHT = 4.0
TRUCK_DASH = "9 6"
# Drawn just above the point: unserved requests usually sit on a station symbol.
UNSERVED_SYMBOL = Symbol("cm-unserved", 20, 18, anchor=(10, 28))
UNSERVED_LEGEND_SYMBOL = Symbol("cm-unserved", 20, 18)
SUPPLY_SYMBOL = Symbol("cm-supply", 14, 14)


def _check_time(value: dt.datetime, what: str) -> None:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class RouteTrip:
    """One loaded trip of a route: from a station (or origin) to an employer (or destination).

    ``headcount`` counts workers on a bus trip; truck trips give ``cargo`` and ``weight_t``.
    """

    origin: str
    destination: str
    depart: dt.datetime
    arrive: dt.datetime
    headcount: int = 0
    cargo: str = ""
    weight_t: float | None = None

    def __post_init__(self) -> None:
        _check_time(self.depart, "depart")
        _check_time(self.arrive, "arrive")
        if self.arrive < self.depart:
            raise ValueError(
                f"trip {self.origin} → {self.destination}: arrives {self.arrive} "
                f"before it departs {self.depart}"
            )
        if self.headcount < 0:
            raise ValueError(f"headcount must be >= 0, got {self.headcount}")
        if self.weight_t is not None and not (math.isfinite(self.weight_t) and self.weight_t >= 0):
            raise ValueError(f"weight_t must be a finite number >= 0, got {self.weight_t}")


@dataclass(frozen=True, slots=True)
class RouteLayer:
    """One vehicle's day drawn as a layer: its road path and its trips.

    ``path`` is the vehicle's whole drive as (lon, lat) points along the road network, in
    driving order. Carries no personal data.
    """

    vehicle_id: str
    plate: str
    operator: str
    path: tuple[LonLat, ...]
    trips: tuple[RouteTrip, ...] = ()
    vehicle_class: VehicleClass = VehicleClass.BUS
    permit_no: str | None = None
    permit_valid_from: dt.date | None = None
    permit_valid_to: dt.date | None = None
    colour: str | None = None
    distance_km: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", tuple((float(x), float(y)) for x, y in self.path))
        object.__setattr__(self, "trips", tuple(self.trips))
        if not self.vehicle_id:
            raise ValueError("vehicle_id must not be empty")
        if len(self.path) < 2:
            raise ValueError(f"route {self.vehicle_id}: path needs at least 2 points")
        for lon, lat in (self.path[0], self.path[-1]):
            check_lon_lat(lon, lat, f"route {self.vehicle_id} path")
        if not all(math.isfinite(v) for point in self.path for v in point):
            raise ValueError(f"route {self.vehicle_id}: path has a non-finite coordinate")
        if self.colour is not None:
            check_colour(self.colour, f"route {self.vehicle_id}")

    @property
    def workers(self) -> int:
        """Workers carried over all trips."""
        return sum(t.headcount for t in self.trips)


@dataclass(frozen=True, slots=True)
class UnservedMarker:
    """An unserved request at a place, with the reason (no personal data)."""

    place: str
    lon: float
    lat: float
    reason: str
    headcount: int = 0
    detail: str = ""

    def __post_init__(self) -> None:
        check_lon_lat(self.lon, self.lat, f"unserved request at {self.place}")
        if self.headcount < 0:
            raise ValueError(f"headcount must be >= 0, got {self.headcount}")


@dataclass(frozen=True, slots=True)
class ShipmentMarker:
    """An unserved shipment at its origin, with its load and the reason."""

    place: str
    lon: float
    lat: float
    shipment: str
    destination: str
    cargo: str
    weight_t: float
    reason: str
    detail: str = ""

    def __post_init__(self) -> None:
        check_lon_lat(self.lon, self.lat, f"unserved shipment {self.shipment}")
        if not (math.isfinite(self.weight_t) and self.weight_t >= 0):
            raise ValueError(f"weight_t must be a finite number >= 0, got {self.weight_t}")


@dataclass(frozen=True, slots=True)
class SupplyHandling:
    """One load or unload of a shipment at a supply point."""

    time: dt.datetime
    load: bool
    shipment: str
    cargo: str
    weight_t: float
    plate: str

    def __post_init__(self) -> None:
        _check_time(self.time, "time")


@dataclass(frozen=True, slots=True)
class SupplyPoint:
    """A place trucks load or unload at, with what happens there (no personal data)."""

    name: str
    lon: float
    lat: float
    handling: tuple[SupplyHandling, ...] = ()

    def __post_init__(self) -> None:
        check_lon_lat(self.lon, self.lat, f"supply point {self.name}")


def route_colour(route: RouteLayer, index: int) -> str:
    """The route's own colour, or the palette colour for its position."""
    return route.colour or ROUTE_PALETTE[index % len(ROUTE_PALETTE)]


def route_style(route: RouteLayer, index: int) -> LineStyle:
    """Solid line for a bus, dashed for a truck, in the route's colour."""
    dash = TRUCK_DASH if route.vehicle_class is VehicleClass.TRUCK else ""
    return LineStyle(
        route_colour(route, index), BUS_WEIGHT, opacity=0.85, dash=dash, highlight=True
    )


def _hhmm(value: dt.datetime) -> str:
    return value.strftime("%H:%M")


def _load_text(builder: MapBuilder, trip: RouteTrip) -> str:
    if trip.cargo or trip.weight_t is not None:
        weight = "" if trip.weight_t is None else builder.t("tonnes", value=f"{trip.weight_t:g}")
        return " ".join(part for part in (trip.cargo, weight) if part)
    return str(trip.headcount)


def route_card(builder: MapBuilder, route: RouteLayer) -> Card:
    """Popup of a route: plate, operator, permit and validity, trips with times and loads."""
    rows = [
        (builder.t("field.operator"), route.operator),
        (builder.t("field.class"), builder.t(f"class.{route.vehicle_class.value}")),
        (builder.t("field.permit_no"), route.permit_no or builder.t("no_permit")),
        (
            builder.t("field.valid"),
            validity_text(
                route.permit_no, route.permit_valid_from, route.permit_valid_to, builder.lang
            ),
        ),
        (builder.t("field.trips"), str(len(route.trips))),
    ]
    if route.vehicle_class is VehicleClass.BUS:
        rows.append((builder.t("field.workers"), str(route.workers)))
    if route.distance_km is not None:
        rows.append(("km", f"{route.distance_km:.1f}"))
    head = (
        builder.t("col.from"),
        builder.t("col.to"),
        builder.t("col.depart"),
        builder.t("col.arrive"),
        builder.t("col.load"),
    )
    body = tuple(
        (t.origin, t.destination, _hhmm(t.depart), _hhmm(t.arrive), _load_text(builder, t))
        for t in sorted(route.trips, key=lambda t: t.depart)
    )
    subtitle = route.vehicle_id if route.vehicle_id != route.plate else ""
    return Card(route.plate, subtitle=subtitle, rows=tuple(rows), head=head, body=body)


def add_route_layers(
    builder: MapBuilder,
    routes: Sequence[RouteLayer],
    *,
    tolerance: float = ROUTE_TOLERANCE,
) -> None:
    """One switchable layer per route, drawn along its road path in its own colour.

    Parameters
    ----------
    builder
        The map being built.
    routes
        The routes, in the order their layers should be listed.
    tolerance
        Path simplification in degrees. Default ``ROUTE_TOLERANCE``.
    """
    if not routes:
        return
    for index, route in enumerate(routes):
        style = route_style(route, index)
        kind = builder.t(f"layer.route.{route.vehicle_class.value}")
        trips = "count.trip" if len(route.trips) == 1 else "count.trips"
        summary = builder.t(trips, value=len(route.trips))
        if route.vehicle_class is VehicleClass.BUS:
            summary += " · " + builder.t("count.workers", value=route.workers)
        name = f"{kind} {route.plate} · {route.operator} ({summary})"
        layer = builder.layer(name, swatch=style)
        path = tuple(simplify_path(route.path, tolerance))
        tip = f"{route.plate} · {route.operator}"
        builder.add_lines(layer, [LineFeature((path,), style, tip, route_card(builder, route))])
    legend: list[LegendItem] = []
    classes = {r.vehicle_class for r in routes}
    if VehicleClass.BUS in classes:
        legend.append(
            LegendItem(builder.t("item.route.bus"), line=LineStyle(ROUTE_PALETTE[0], BUS_WEIGHT))
        )
    if VehicleClass.TRUCK in classes:
        truck = LineStyle(ROUTE_PALETTE[1], BUS_WEIGHT, dash=TRUCK_DASH)
        legend.append(LegendItem(builder.t("item.route.truck"), line=truck))
    builder.add_legend(builder.t("legend.routes"), legend)


def add_unserved(builder: MapBuilder, unserved: Sequence[UnservedMarker]) -> None:
    """Unserved requests: one marker per place with the total count; the popup lists reasons."""
    if not unserved:
        return
    layer = builder.layer(f"{builder.t('layer.unserved')} ({len(unserved)})")
    by_place: dict[tuple[float, float], list[UnservedMarker]] = defaultdict(list)
    for marker in unserved:
        by_place[(round(marker.lon, 5), round(marker.lat, 5))].append(marker)
    head = (
        builder.t("field.reason"),
        builder.t("field.headcount"),
        builder.t("field.detail"),
    )
    points: list[PointFeature] = []
    for (lon, lat), markers in by_place.items():
        total = sum(m.headcount for m in markers)
        body = tuple((m.reason, str(m.headcount), m.detail) for m in markers)
        place = markers[0].place
        card = Card(place, subtitle=f"{builder.t('layer.unserved')}: {total}", head=head, body=body)
        reasons = "; ".join(dict.fromkeys(m.reason for m in markers))
        points.append(PointFeature(lon, lat, UNSERVED_SYMBOL, f"{place} · {reasons}", card))
    builder.add_points(layer, points)
    builder.add_legend(
        builder.t("legend.unserved"),
        [LegendItem(builder.t("item.unserved"), symbol=UNSERVED_LEGEND_SYMBOL)],
    )


def add_unserved_shipments(builder: MapBuilder, shipments: Sequence[ShipmentMarker]) -> None:
    """Unserved shipments: one marker per origin; the popup lists each with cargo and reason."""
    if not shipments:
        return
    layer = builder.layer(f"{builder.t('layer.unserved_shipments')} ({len(shipments)})")
    by_place: dict[tuple[float, float], list[ShipmentMarker]] = defaultdict(list)
    for marker in shipments:
        by_place[(round(marker.lon, 5), round(marker.lat, 5))].append(marker)
    head = (
        builder.t("field.shipment"),
        builder.t("field.cargo"),
        builder.t("field.destination"),
        builder.t("field.reason"),
        builder.t("field.detail"),
    )
    points: list[PointFeature] = []
    for (lon, lat), markers in by_place.items():
        body = tuple(
            (
                m.shipment,
                f"{m.cargo} {builder.t('tonnes', value=f'{m.weight_t:g}')}",
                m.destination,
                m.reason,
                m.detail,
            )
            for m in markers
        )
        place = markers[0].place
        subtitle = f"{builder.t('layer.unserved_shipments')}: {len(markers)}"
        card = Card(place, subtitle=subtitle, head=head, body=body)
        reasons = "; ".join(dict.fromkeys(m.reason for m in markers))
        points.append(PointFeature(lon, lat, UNSERVED_SYMBOL, f"{place} · {reasons}", card))
    builder.add_points(layer, points)
    builder.add_legend(
        builder.t("legend.unserved"),
        [LegendItem(builder.t("item.unserved_shipment"), symbol=UNSERVED_LEGEND_SYMBOL)],
    )


def add_supply_points(builder: MapBuilder, points: Sequence[SupplyPoint]) -> None:
    """The supply points: one marker each; the popup lists its loads and unloads in time order."""
    if not points:
        return
    layer = builder.layer(builder.t("layer.supply_places"))
    head = (
        builder.t("field.time"),
        builder.t("field.action"),
        builder.t("field.shipment"),
        builder.t("field.cargo"),
        builder.t("field.plate"),
    )
    features = []
    for point in points:
        body = tuple(
            (
                _hhmm(h.time),
                builder.t("action.load" if h.load else "action.unload"),
                h.shipment,
                f"{h.cargo} {builder.t('tonnes', value=f'{h.weight_t:g}')}",
                h.plate,
            )
            for h in sorted(point.handling, key=lambda h: (h.time, h.shipment))
        )
        card = Card(point.name, head=head, body=body)
        features.append(PointFeature(point.lon, point.lat, SUPPLY_SYMBOL, point.name, card))
    builder.add_points(layer, features)
    builder.add_legend(
        builder.t("legend.places"),
        [LegendItem(builder.t("item.supply_place"), symbol=SUPPLY_SYMBOL)],
    )


def plan_map(
    places: MapPlaces,
    routes: Sequence[RouteLayer],
    *,
    day: dt.date,
    unserved: Sequence[UnservedMarker] = (),
    shipments: Sequence[ShipmentMarker] = (),
    supply_points: Sequence[SupplyPoint] = (),
    permits: Sequence[PermitState] = (),
    expiring_within_days: int = 7,
    lang: Lang = Lang.EN,
    tiles: Tiles = Tiles.NONE,
    attribution: Sequence[str] = (),
) -> MapBuilder:
    """The route map of a day's plan: reference layers, one layer per route, unserved, permits.

    Parameters
    ----------
    places
        Reference places and line work.
    routes
        One entry per vehicle used.
    day
        The planning day.
    unserved
        Requests that could not be served. Default none.
    shipments
        Shipments no truck carries. Default none.
    supply_points
        Where trucks load and unload. Default none.
    permits
        Permit state of every vehicle of the fleet. Default none.
    expiring_within_days
        Warning window for permits. Default 7.
    lang
        Label language. Default English.
    tiles
        Background. Default plain (offline).
    attribution
        Extra data attribution lines. Default none.

    Returns
    -------
    MapBuilder
        The built map; call ``render()`` or ``save(path)``.
    """
    buses = sum(r.vehicle_class is VehicleClass.BUS for r in routes)
    trucks = len(routes) - buses
    builder = MapBuilder(lang=lang, tiles=tiles, attribution=attribution)
    title = "title.plan_supply" if trucks or shipments else "title.plan"
    builder.title = f"{builder.t(title)} · {day.isoformat()}"
    builder.subtitle = builder.t(
        "subtitle.plan", buses=buses, trucks=trucks, unserved=sum(u.headcount for u in unserved)
    )
    if shipments:
        builder.subtitle += builder.t("subtitle.shipments", value=len(shipments))
    add_reference_layers(builder, places, districts_in_view=not routes)
    add_supply_points(builder, supply_points)
    add_route_layers(builder, routes)
    add_unserved(builder, unserved)
    add_unserved_shipments(builder, shipments)
    if trucks and any(x.status is ExitStatus.FREIGHT_ONLY for x in places.exits):
        builder.add_note(builder.t("note.freight_only"))
    if permits:
        add_permit_layers(
            builder, permits, places.depots, day=day, expiring_within_days=expiring_within_days
        )
    if tiles is Tiles.NONE:
        builder.add_note(builder.t("note.offline"))
    return builder
