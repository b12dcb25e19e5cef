"""The day reference map: the centre's daily highway-channel notice (exits by status, permits)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from dispatch.charters.fleet import check_fleet
from dispatch.day import Day, Permit, PermitKind, Vehicle
from maps.base import MapBuilder, Tiles
from maps.permits import PermitState, add_permit_layers
from maps.reference import EXIT_ORDER, MapPlaces, add_reference_layers, embedded_places
from routing.network.speed import VehicleClass
from stations.embedded import ATTRIBUTION
from stations.lang import Lang
from stations.model import Exit
from stations.places import read_exits


def exit_summary(builder: MapBuilder, exits: Sequence[Exit]) -> str:
    """``2 Green channel · 5 Open · …``: the number of exits per status, in legend order."""
    counts = Counter(x.status for x in exits)
    return " · ".join(
        f"{counts[status]} {builder.t(f'status.{status.value}')}"
        for status in EXIT_ORDER
        if counts[status]
    )


def day_reference_map(
    places: MapPlaces,
    *,
    day: dt.date | None = None,
    permits: Sequence[PermitState] = (),
    expiring_within_days: int = 7,
    lang: Lang = Lang.EN,
    tiles: Tiles = Tiles.NONE,
    attribution: Sequence[str] = (),
) -> MapBuilder:
    """A map of the day without a plan: districts, roads, stations, exits by status, permits.

    Parameters
    ----------
    places
        Reference places and line work (employers are drawn when given).
    day
        The day the exit statuses and permits refer to; required when ``permits`` are given.
        Default none (a plain reference map).
    permits
        Permit state of every vehicle. Default none.
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

    Raises
    ------
    ValueError
        If permits are given without a day.
    InputError
        If a vehicle's depot is unknown.
    """
    if permits and day is None:
        raise ValueError("permit states need the planning day")
    builder = MapBuilder(lang=lang, tiles=tiles, attribution=attribution)
    if day is None:
        builder.title = builder.t("title.reference")
    else:
        builder.title = f"{builder.t('title.day')} · {day.isoformat()}"
        builder.subtitle = exit_summary(builder, places.exits)
    add_reference_layers(builder, places)
    if permits and day is not None:
        add_permit_layers(
            builder, permits, places.depots, day=day, expiring_within_days=expiring_within_days
        )
    if tiles is Tiles.NONE:
        builder.add_note(builder.t("note.offline"))
    return builder


def _last_valid_day(end: dt.datetime) -> dt.date:
    """A permit valid until midnight is valid through the day before."""
    return (end - dt.timedelta(days=1)).date() if end.time() == dt.time() else end.date()


def _permit_state(vehicle: Vehicle, permits: Sequence[Permit], note: str) -> PermitState:
    """The vehicle with the permit that decides its state (the latest-ending one given)."""
    vehicle_class = vehicle.vehicle_class
    if not permits:
        return PermitState(
            vehicle.vehicle_id, vehicle.operator, vehicle.depot_id, vehicle_class, note=note
        )
    latest = max(permits, key=lambda p: p.valid_to)
    return PermitState(
        vehicle.vehicle_id,
        vehicle.operator,
        vehicle.depot_id,
        vehicle_class,
        permit_no=latest.permit_no,
        valid_from=min(p.valid_from for p in permits).date(),
        valid_to=_last_valid_day(latest.valid_to),
        note=note,
    )


def permit_states(day: Day, *, lang: Lang = Lang.EN) -> tuple[PermitState, ...]:
    """Every vehicle of the day's fleet with the permit of the kind its work needs.

    Usable vehicles carry the permits covering their shift; rejected ones the right-kind
    permits they hold (none for a missing or wrong-kind permit) and dispatch's reason as a note.

    Parameters
    ----------
    day
        The planning day.
    lang
        Language of the notes. Default English.

    Returns
    -------
    tuple of PermitState
        One per vehicle, fleet order.
    """
    check = check_fleet(day)
    states: list[PermitState] = []
    for usable in check.usable:
        states.append(_permit_state(usable.vehicle, usable.permits, ""))
    for rejected in check.rejected:
        vehicle = rejected.vehicle
        bus = vehicle.vehicle_class is VehicleClass.BUS
        needed = PermitKind.PASSENGER if bus else PermitKind.GOODS
        right = [p for p in day.permits_of(vehicle.vehicle_id) if p.kind is needed]
        states.append(_permit_state(vehicle, right, rejected.describe(lang)))
    order = {v.vehicle_id: i for i, v in enumerate(day.fleet)}
    return tuple(sorted(states, key=lambda s: order[s.vehicle_id]))


def day_places(day: Day, base: MapPlaces) -> MapPlaces:
    """The day's stations, employers, depots and exits on ``base``'s districts and line work."""
    return MapPlaces(
        districts=base.districts,
        roads=base.roads,
        railways=base.railways,
        stations=tuple(day.stations.values()),
        enterprises=tuple(day.enterprises.values()),
        depots=tuple(day.depots.values()),
        exits=tuple(day.exits.values()),
    )


def planning_day_map(
    day: Day,
    base: MapPlaces,
    *,
    expiring_within_days: int = 7,
    lang: Lang = Lang.EN,
    tiles: Tiles = Tiles.NONE,
    attribution: Sequence[str] = (),
) -> MapBuilder:
    """The reference map of a planning day: its exits by status and its fleet by permit state.

    Parameters
    ----------
    day
        The planning day (``dispatch.intake.reader.read_day``).
    base
        Districts, roads and railways to draw under the day's places.
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
        The built map.
    """
    return day_reference_map(
        day_places(day, base),
        day=day.date,
        permits=permit_states(day, lang=lang),
        expiring_within_days=expiring_within_days,
        lang=lang,
        tiles=tiles,
        attribution=attribution,
    )


def embedded_reference_map(
    *,
    exits_file: Path | None = None,
    day: dt.date | None = None,
    lang: Lang = Lang.EN,
    tiles: Tiles = Tiles.NONE,
) -> MapBuilder:
    """The reference map of the embedded places, optionally with the day's published exits.

    Parameters
    ----------
    exits_file
        The day's exits table (CSV/XLSX/GeoJSON); replaces the embedded checkpoints.
        Default none.
    day
        The day the exit statuses refer to (shown in the title). Default none.
    lang
        Label language. Default English.
    tiles
        Background. Default plain (offline).

    Returns
    -------
    MapBuilder
        The built map.
    """
    places = embedded_places()
    if exits_file is not None:
        places = dataclasses.replace(places, exits=tuple(read_exits(exits_file).values()))
    return day_reference_map(places, day=day, lang=lang, tiles=tiles, attribution=[ATTRIBUTION])
