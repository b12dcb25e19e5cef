"""The route map of a plan: plan.json's bus and truck routes drawn along the road network,
unserved requests and shipments, the fleet by permit state — the ``map.html`` of a plan folder.

Everything is read from the plan document (``dispatch.outputs.plan_json``) by one code path,
:func:`document_map`, so the map written by ``charter plan`` (:func:`write_plan_map`: the
document ``write_plan`` made, on the ``DayNetwork`` the plan was made on) and the one rebuilt
by ``charter map PLAN_DIR`` (the document read back, the embedded roads bound to its exits) are
the same. Route geometry comes from the road network under the plan's exit statuses and
checkpoint delays, one shortest-path tree per distinct leg start (``DayNetwork.paths``); a
truck's legs are drawn with the truck profile, on the green-channel lane where its run had the
pass, so a truck may pass a freight-only exit where a bus may not.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dispatch.outputs.plan_folder import MAP_HTML, PlanFiles
from dispatch.outputs.plan_json import PlanDocument, plan_document
from dispatch.outputs.route_json import RouteEntry, StepEntry
from dispatch.plan import Plan, StepKind
from dispatch.policy import Policy
from maps.base import LegendItem, LineFeature, LineStyle, MapBuilder, Tiles
from maps.geometry import LonLat
from maps.map_labels import text
from maps.permits import PermitState
from maps.plan_map import (
    RouteLayer,
    RouteTrip,
    ShipmentMarker,
    SupplyHandling,
    SupplyPoint,
    UnservedMarker,
    plan_map,
)
from maps.reference import MapPlaces, embedded_places
from routing.errors import UnreachableError
from routing.network.checkpoints import CheckpointDelays
from routing.network.daynetwork import DayNetwork, network_for_day
from routing.network.roads import RoadNetwork
from routing.network.speed import Profile, VehicleClass
from stations.embedded import ATTRIBUTION
from stations.lang import Lang

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Point:
    """A route step's place as the network snaps it."""

    place_id: str
    lon: float
    lat: float


SUPPLY = "supply"  # the namespace of truck steps: supply place keys (depots keep their ids)
PointKey = tuple[str, str]  # (place kind, or ``supply``; place id or key)


def point_key(route: RouteEntry, step: StepEntry) -> PointKey:
    """Where a step is, kept apart by kind: a bus step's place is a depot, a station or an
    employer by its type (their ids may be equal), a truck step's a supply place key."""
    kind = step.type.place_kind if route.vehicle_class is VehicleClass.BUS else None
    return (SUPPLY if kind is None else kind.value, step.place)


def checkpoint_delays(policy: Policy) -> CheckpointDelays:
    """The network's default checkpoint delays with the plan policy's overrides."""
    return policy.checkpoint_delays()


def document_network(document: PlanDocument, roads: RoadNetwork | None = None) -> DayNetwork:
    """The road network under the plan's exits and checkpoint delays.

    Parameters
    ----------
    document
        The plan.
    roads
        The road network the plan was made on. Default the embedded Suzhou network.
    """
    network = roads if roads is not None else RoadNetwork.embedded()
    exits = [entry.to_exit() for entry in document.exits]
    return network_for_day(network, exits, delays=checkpoint_delays(document.meta.policy))


ProfiledLeg = tuple[Profile, PointKey, PointKey]


def leg_profile(route: RouteEntry, step: StepEntry) -> Profile:
    """The profile a route drives on from ``step``: a bus's; a truck's, on the green-channel
    lane where its run had the pass."""
    if route.vehicle_class is VehicleClass.BUS:
        return Profile.BUS
    return Profile.TRUCK_PRIORITY if step.green_channel else Profile.TRUCK


def _legs(route: RouteEntry) -> list[ProfiledLeg]:
    """A route's legs between different places, each with the profile it drove."""
    return [
        (leg_profile(route, a), point_key(route, a), point_key(route, b))
        for a, b in itertools.pairwise(route.steps)
        if point_key(route, a) != point_key(route, b)
    ]


def _all_legs(document: PlanDocument) -> list[ProfiledLeg]:
    return [leg for r in (*document.routes, *document.truck_routes) for leg in _legs(r)]


Geometry = dict[ProfiledLeg, list[LonLat]]  # road geometry of each leg a plan drives


def leg_paths(
    document: PlanDocument, network: DayNetwork, *, legs: Sequence[ProfiledLeg] | None = None
) -> Geometry:
    """Road geometry of every leg driven in the plan (or of ``legs`` only), per profile.

    One ``DayNetwork.paths`` call per profile covers all of its legs (one Dijkstra per leg
    start). A leg without a road route under the plan's exits (only possible when the network
    differs from the one the plan was made on) is drawn straight and logged as a warning.
    """
    points: dict[PointKey, _Point] = {}
    wanted: dict[Profile, dict[PointKey, set[PointKey]]] = defaultdict(lambda: defaultdict(set))
    for route in (*document.routes, *document.truck_routes):
        for step in route.steps:
            key = point_key(route, step)
            points[key] = _Point(" ".join(key), step.lon, step.lat)
    for profile, a, b in _all_legs(document) if legs is None else legs:
        wanted[profile][a].add(b)
    geometry: dict[ProfiledLeg, list[LonLat]] = {}
    for profile, ends_of in sorted(wanted.items()):
        starts = sorted(ends_of)
        targets = sorted(set().union(*ends_of.values()))
        column = {t: j for j, t in enumerate(targets)}
        try:
            rows = network.paths(
                [points[s] for s in starts],
                [points[t] for t in targets],
                profile=profile,
                wanted=[{column[t] for t in ends_of[s]} for s in starts],
            )
        except UnreachableError:
            rows = [
                [
                    _path_or_straight(network, points[s], points[t], profile)
                    if t in ends_of[s]
                    else []
                    for t in targets
                ]
                for s in starts
            ]
        for start, row in zip(starts, rows, strict=True):
            for target in sorted(ends_of[start]):
                geometry[(profile, start, target)] = row[column[target]]
    return geometry


def _path_or_straight(network: DayNetwork, a: _Point, b: _Point, profile: Profile) -> list[LonLat]:
    try:
        return network.path(a, b, profile=profile)
    except UnreachableError as error:
        logger.warning("drawing %s → %s straight: %s", a.place_id, b.place_id, error)
        return [(a.lon, a.lat), (b.lon, b.lat)]


def _route_path(route: RouteEntry, geometry: dict[ProfiledLeg, list[LonLat]]) -> list[LonLat]:
    path: list[LonLat] = []
    for leg in _legs(route):
        for point in geometry[leg]:
            if not path or path[-1] != point:
                path.append(point)
    if len(path) < 2:  # a route that never leaves its depot's spot
        first = route.steps[0]
        path = [(first.lon, first.lat), (first.lon, first.lat)]
    return path


def _last_valid_day(end: dt.datetime) -> dt.date:
    """A permit valid until midnight is valid through the day before."""
    return (end - dt.timedelta(days=1)).date() if end.time() == dt.time() else end.date()


def route_layers(
    document: PlanDocument,
    network: DayNetwork,
    *,
    lang: Lang = Lang.EN,
    geometry: Geometry | None = None,
) -> tuple[RouteLayer, ...]:
    """One layer per used vehicle: its road path, permit, and trips with times and headcounts.

    Parameters
    ----------
    document
        The plan.
    network
        The road network under the plan's exits (see :func:`document_network`).
    lang
        Language of station names in the trip table. Default English.
    geometry
        The legs' road geometry when already found (``plan_geometry``). Default None
        (found here, ``leg_paths``).
    """
    geometry = geometry if geometry is not None else leg_paths(document, network)
    trips = {t.id: t for t in document.trips}
    stations = {s.id: s for s in document.places.stations}
    employers = {e.id: e.name for e in document.places.enterprises}
    layers = []
    for route in document.routes:
        route_trips = []
        for trip_id in route.jobs:
            trip = trips[trip_id]
            station = stations[trip.station]
            route_trips.append(
                RouteTrip(
                    origin=station.name_zh if lang != Lang.EN else station.name_en,
                    destination=employers[trip.enterprise],
                    depart=trip.depart,
                    arrive=trip.arrive,
                    headcount=trip.headcount,
                )
            )
        layers.append(_layer(route, tuple(route_trips), geometry))
    return (*layers, *truck_layers(document, geometry, lang=lang))


def _layer(
    route: RouteEntry,
    trips: tuple[RouteTrip, ...],
    geometry: dict[ProfiledLeg, list[LonLat]],
) -> RouteLayer:
    return RouteLayer(
        vehicle_id=route.vehicle,
        plate=route.vehicle,
        operator=route.operator,
        path=tuple(_route_path(route, geometry)),
        trips=trips,
        vehicle_class=route.vehicle_class,
        permit_no=route.permit_no,
        permit_valid_from=route.permit_valid_from.date(),
        permit_valid_to=_last_valid_day(route.permit_valid_to),
        distance_km=route.distance_km,
    )


def truck_layers(
    document: PlanDocument,
    geometry: dict[ProfiledLeg, list[LonLat]],
    *,
    lang: Lang = Lang.EN,
) -> tuple[RouteLayer, ...]:
    """One layer per used truck: its road path, permit, and loads with cargo and tonnes."""
    deliveries = {d.shipment: d for d in document.deliveries}
    layers = []
    for route in document.truck_routes:
        trips = tuple(
            RouteTrip(
                origin=deliveries[s].origin_name,
                destination=deliveries[s].destination_name,
                depart=deliveries[s].depart,
                arrive=deliveries[s].arrive,
                cargo=text(f"cargo.{deliveries[s].cargo.value}", lang),
                weight_t=deliveries[s].weight_t,
            )
            for s in route.jobs
        )
        layers.append(_layer(route, trips, geometry))
    return tuple(layers)


def shipment_markers(document: PlanDocument, *, lang: Lang = Lang.EN) -> tuple[ShipmentMarker, ...]:
    """Unserved shipments as markers at their origin, with cargo, tonnes and the reason."""
    return tuple(
        ShipmentMarker(
            place=u.origin_name,
            lon=u.lon,
            lat=u.lat,
            shipment=u.shipment,
            destination=u.destination_name,
            cargo=text(f"cargo.{u.cargo.value}", lang),
            weight_t=u.weight_t,
            reason=u.reason_zh if lang != Lang.EN else u.reason_en,
            detail=u.detail + (f" ({', '.join(u.exits)})" if u.exits else ""),
        )
        for u in document.unserved_shipments
    )


def unserved_markers(document: PlanDocument, *, lang: Lang = Lang.EN) -> tuple[UnservedMarker, ...]:
    """Unserved workers as markers at their station, one per (station, employer, reason)."""
    stations = {s.id: s for s in document.places.stations}
    employers = {e.id: e.name for e in document.places.enterprises}
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, entry in enumerate(document.unserved):
        groups[(entry.station, entry.enterprise, entry.reason.value)].append(index)
    markers = []
    for (station_id, enterprise_id, _), members in groups.items():
        entries = [document.unserved[i] for i in members]
        first = entries[0]
        station = stations[station_id]
        details = list(dict.fromkeys(e.detail for e in entries if e.detail))
        exits = list(dict.fromkeys(x for e in entries for x in e.exits))
        detail = "; ".join([employers[enterprise_id], *details[:2]])
        if exits:
            detail += f" ({', '.join(exits)})"
        markers.append(
            UnservedMarker(
                place=station.name_zh if lang != Lang.EN else station.name_en,
                lon=first.lon,
                lat=first.lat,
                reason=first.reason_zh if lang != Lang.EN else first.reason_en,
                headcount=len(entries),
                detail=detail,
            )
        )
    return tuple(markers)


def supply_points(document: PlanDocument, *, lang: Lang = Lang.EN) -> tuple[SupplyPoint, ...]:
    """Every place a truck loads or unloads at (depots left out), with what it does there."""
    deliveries = {d.shipment: d for d in document.deliveries}
    found: dict[str, tuple[str, float, float, list[SupplyHandling]]] = {}
    for route in document.truck_routes:
        for step in route.steps:
            if step.shipment is None or step.type not in (StepKind.LOAD, StepKind.UNLOAD):
                continue
            delivery = deliveries[step.shipment]
            _, _, _, handling = found.setdefault(step.place, (step.name, step.lon, step.lat, []))
            handling.append(
                SupplyHandling(
                    time=step.begin,
                    load=step.type is StepKind.LOAD,
                    shipment=step.shipment,
                    cargo=text(f"cargo.{delivery.cargo.value}", lang),
                    weight_t=delivery.weight_t,
                    plate=route.vehicle,
                )
            )
    return tuple(
        SupplyPoint(name, lon, lat, tuple(handling))
        for name, lon, lat, handling in (found[key] for key in sorted(found))
    )


def permit_states(document: PlanDocument, *, lang: Lang = Lang.EN) -> tuple[PermitState, ...]:
    """Every vehicle of the fleet with the permit it runs under (used) or holds (idle)."""
    used = [*document.routes, *document.truck_routes]
    states = [
        PermitState(
            r.vehicle,
            r.operator,
            r.depot,
            r.vehicle_class,
            permit_no=r.permit_no,
            valid_from=r.permit_valid_from.date(),
            valid_to=_last_valid_day(r.permit_valid_to),
        )
        for r in used
    ]
    for idle in document.idle_vehicles:
        start, end = idle.permit_valid_from, idle.permit_valid_to
        states.append(
            PermitState(
                idle.vehicle,
                idle.operator,
                idle.depot,
                idle.vehicle_class,
                permit_no=idle.permit_no,
                valid_from=None if start is None else start.date(),
                valid_to=None if end is None else _last_valid_day(end),
                note=idle.reason_zh if lang != Lang.EN else idle.reason_en,
            )
        )
    return tuple(states)


def plan_places(document: PlanDocument, base: MapPlaces) -> MapPlaces:
    """The plan's stations, employers, depots and exits on ``base``'s districts and roads."""
    return MapPlaces(
        districts=base.districts,
        roads=base.roads,
        railways=base.railways,
        stations=tuple(s.to_station() for s in document.places.stations),
        enterprises=tuple(e.to_enterprise() for e in document.places.enterprises),
        depots=tuple(d.to_depot() for d in document.places.depots),
        exits=tuple(x.to_exit() for x in document.exits),
    )


def document_map(
    document: PlanDocument,
    *,
    network: DayNetwork | None = None,
    base: MapPlaces | None = None,
    lang: Lang = Lang.EN,
    tiles: Tiles = Tiles.NONE,
    expiring_within_days: int = 7,
    parent: PlanDocument | None = None,
    geometry: Geometry | None = None,
) -> MapBuilder:
    """The route map of a plan document (against its parent version, when given).

    Parameters
    ----------
    document
        The plan (``dispatch.outputs.plan_json.read_plan_json`` or ``plan_document``).
    network
        The road network under the plan's exits. Default :func:`document_network` on the
        embedded roads.
    base
        Districts, roads and railways drawn underneath. Default the embedded ones.
    lang
        Label language. Default English.
    tiles
        Background. Default plain (offline).
    expiring_within_days
        Warning window for permits. Default 7.
    parent
        The version this one was re-planned from: its cancelled legs are drawn grey, the
        new ones bold (``add_version_changes``). Default None.
    geometry
        The legs' road geometry when already found on ``network`` (``plan_geometry``).
        Default None (found here).

    Returns
    -------
    MapBuilder
        The built map; ``save(path)`` writes it.
    """
    network = network if network is not None else document_network(document)
    base = base if base is not None else embedded_places()
    builder = plan_map(
        plan_places(document, base),
        route_layers(document, network, lang=lang, geometry=geometry),
        day=document.date,
        unserved=unserved_markers(document, lang=lang),
        shipments=shipment_markers(document, lang=lang),
        supply_points=supply_points(document, lang=lang),
        permits=permit_states(document, lang=lang),
        expiring_within_days=expiring_within_days,
        lang=lang,
        tiles=tiles,
        attribution=[ATTRIBUTION],
    )
    add_plan_notes(builder, document, lang=lang)
    if parent is not None:
        add_version_changes(builder, document, parent, network)
    return builder


def add_plan_notes(builder: MapBuilder, document: PlanDocument, *, lang: Lang) -> None:
    """Notes under the legend: the buses used against the two fleet bounds, and the measured
    advice (what would serve the unserved workers)."""
    summary = document.summary
    if summary.fleet_lower_bound is not None:
        needed = summary.buses_needed_all
        builder.add_note(
            builder.t(
                "note.bounds",
                used=summary.buses_used,
                served=summary.fleet_lower_bound,
                needed="–" if needed is None else needed,
                usable=summary.buses_usable,
            )
        )
    for advice in document.advice:
        text = advice.text_en if lang == Lang.EN else advice.text_zh
        builder.add_note(
            builder.t(
                "note.advice",
                text=text,
                workers=advice.workers_more,
                buses=advice.buses_more,
            )
        )


def plan_route_map(
    plan: Plan,
    *,
    document: PlanDocument | None = None,
    lang: Lang = Lang.EN,
    tiles: Tiles = Tiles.NONE,
    expiring_within_days: int = 7,
    parent: PlanDocument | None = None,
    geometry: Geometry | None = None,
) -> MapBuilder:
    """The route map of a plan just made, drawn on the roads it was planned on.

    The same drawing as ``charter map PLAN_DIR`` (:func:`document_map` on the plan's plan.json
    document), but on ``plan.network`` — the ``DayNetwork`` that ``plan_day`` built — instead
    of binding the embedded roads to the document's exits again.

    Parameters
    ----------
    plan
        The plan (``dispatch.planner.plan_day``).
    document
        Its plan.json document, when already made (``write_plan`` returns it). Default None
        (made here).
    lang
        Label language. Default English.
    tiles
        Background. Default plain (offline).
    expiring_within_days
        Warning window for permits. Default 7.
    parent
        The parent version of a re-plan (see :func:`document_map`). Default None.
    geometry
        ``plan_geometry`` of this plan (or of one with the same routes), when already
        found. Default None (found here).

    Returns
    -------
    MapBuilder
        The built map; ``save(path)`` writes it.
    """
    return document_map(
        document if document is not None else plan_document(plan),
        network=plan.network,
        lang=lang,
        tiles=tiles,
        expiring_within_days=expiring_within_days,
        parent=parent,
        geometry=geometry,
    )


def plan_geometry(plan: Plan) -> Geometry:
    """The road geometry of every leg ``plan`` drives, on the roads it was planned on: the
    slow part of its map, which depends on the routes only (the CLI finds it while the fleet
    bound finishes, on the plan before its bounds are in)."""
    document = plan_document(plan)
    network = plan.network if plan.network is not None else document_network(document)
    return leg_paths(document, network)


def prepare_map() -> None:
    """Load what every plan map draws whatever the plan (the embedded districts, railways and
    simplified roads, kept for the process): a caller with time to spare (the CLI, while the
    fleet bound finishes) saves it when the map is drawn."""
    embedded_places()


def write_plan_map(
    plan: Plan,
    files: PlanFiles,
    *,
    lang: Lang = Lang.EN,
    parent: PlanDocument | None = None,
    geometry: Geometry | None = None,
) -> Path:
    """Draw ``map.html`` of ``plan`` into the plan folder ``write_plan`` wrote (``files``).

    Parameters
    ----------
    plan
        The plan.
    files
        What ``write_plan`` wrote for it, with its plan.json document.
    lang
        Label language (``both`` draws Chinese: a map has room for one). Default English.
    parent
        The parent version of a re-plan: drawn against it. Default None.
    geometry
        ``plan_geometry`` of the plan, when already found. Default None (found here).

    Returns
    -------
    Path
        The map file.
    """
    path = files.folder / MAP_HTML
    drawn = plan_route_map(
        plan, document=files.document, lang=lang.single, parent=parent, geometry=geometry
    )
    drawn.save(path)
    return path


# --------------------------------------------------------------------------- versions

CANCELLED = LineStyle("#9e9e9e", 5.0, opacity=0.9, dash="6 6")
NEW = LineStyle("#1a1a1a", 8.0, opacity=0.75)
VehicleLeg = tuple[str, Profile, PointKey, PointKey]  # plate, profile, from, to


def vehicle_legs(document: PlanDocument) -> list[VehicleLeg]:
    """Every leg of every route: plate, profile and its two places (places differ)."""
    return [
        (route.vehicle, *leg)
        for route in (*document.routes, *document.truck_routes)
        for leg in _legs(route)
    ]


def version_changes(
    document: PlanDocument, parent: PlanDocument
) -> tuple[list[VehicleLeg], list[VehicleLeg]]:
    """The legs of ``parent`` the child no longer drives (cancelled) and the legs it drives
    that ``parent`` did not (new), each in route order."""
    before, after = vehicle_legs(parent), vehicle_legs(document)
    kept_before, kept_after = set(after), set(before)
    cancelled = list(dict.fromkeys(leg for leg in before if leg not in kept_before))
    new = list(dict.fromkeys(leg for leg in after if leg not in kept_after))
    return cancelled, new


def add_version_changes(
    builder: MapBuilder, document: PlanDocument, parent: PlanDocument, network: DayNetwork
) -> None:
    """Two layers against the parent version: its cancelled legs grey (dashed), the new ones
    bold; a legend section and a note name the parent and the re-plan's clock time."""
    cancelled, new = version_changes(document, parent)
    names: dict[PointKey, str] = {
        ("station", p.id): p.name_zh if builder.lang == Lang.ZH else p.name_en
        for p in document.places.stations
    }
    names.update({("enterprise", e.id): e.name for e in document.places.enterprises})
    for which, legs, source, style in (
        ("cancelled", cancelled, parent, CANCELLED),
        ("new", new, document, NEW),
    ):
        wanted = [(profile, a, b) for _, profile, a, b in legs]
        geometry = leg_paths(source, network, legs=wanted) if legs else {}
        layer = builder.layer(builder.t(f"layer.changes.{which}"), swatch=style)
        features = [
            LineFeature(
                (tuple(geometry[(profile, a, b)]),),
                style,
                builder.t(
                    f"tip.changes.{which}",
                    plate=plate,
                    start=names.get(a, a[1]),
                    end=names.get(b, b[1]),
                ),
            )
            for plate, profile, a, b in legs
            if len(geometry.get((profile, a, b), ())) >= 2
        ]
        if features:
            builder.add_lines(layer, features, in_view=False)
    builder.add_legend(
        builder.t("legend.changes"),
        [
            LegendItem(builder.t("item.changes.cancelled"), line=CANCELLED),
            LegendItem(builder.t("item.changes.new"), line=NEW),
        ],
    )
    at = document.meta.replanned_at
    builder.add_note(
        builder.t(
            "note.parent",
            at="–" if at is None else at.strftime("%H:%M"),
            parent=document.meta.parent or "–",
        )
    )
