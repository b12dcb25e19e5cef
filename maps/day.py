"""The day reference map: the centre's daily highway-channel notice (exits by status, permits)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from maps.base import MapBuilder, Tiles
from maps.labels import MapLang
from maps.permits import PermitState, add_permit_layers
from maps.reference import EXIT_ORDER, MapPlaces, add_reference_layers
from stations.model import Exit


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
    lang: MapLang = MapLang.EN,
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
