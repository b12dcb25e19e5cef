"""Where the day's places and shipment ends were read (table and row), and a warning for every
one that lies outside the Suzhou prefecture boundary (``stations.boundary``)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dispatch.day import PlaceRef, Shipment, SourceRow
from stations.boundary import OUTSIDE_TOLERANCE_KM, outside_prefecture
from stations.errors import InputWarning
from stations.model import Place

SHOWN_PLACES = 10  # places listed in one warning


class OutsideWarning(InputWarning):
    """A place of the day lies outside the Suzhou prefecture boundary."""


@dataclass(frozen=True, slots=True)
class Located:
    """One position read from a table: what it is and where it was read."""

    kind: str  # station, enterprise, depot, exit, shipment
    place_id: str
    lon: float
    lat: float
    source: SourceRow
    column: str = "lon, lat"


def table_places(
    kind: str, places: Iterable[Place], rows: Mapping[tuple[str, str], SourceRow]
) -> list[Located]:
    """The places of ``kind`` that were read from a table (embedded ones have no row)."""
    return [
        Located(kind, p.place_id, p.lon, p.lat, rows[(kind, p.place_id)])
        for p in places
        if (kind, p.place_id) in rows
    ]


def shipment_points(
    shipments: Iterable[Shipment], rows: Mapping[tuple[str, str], SourceRow]
) -> list[Located]:
    """Shipment ends given as ``lon,lat`` (ends that are place ids are checked as places)."""
    found: list[Located] = []
    for shipment in shipments:
        source = rows.get(("shipment", shipment.shipment_id))
        if source is None:
            continue
        ends: tuple[tuple[str, PlaceRef], ...] = (
            ("origin", shipment.origin),
            ("destination", shipment.destination),
        )
        for column, end in ends:
            if end.place_id is None:
                found.append(
                    Located("shipment", shipment.shipment_id, end.lon, end.lat, source, column)
                )
    return found


def warn_outside_prefecture(located: Iterable[Located]) -> None:
    """One ``OutsideWarning`` per table naming every place (row, id, km) outside Suzhou."""
    by_table: dict[str, list[str]] = {}
    for place in located:
        km = outside_prefecture(place.lon, place.lat)
        if km is not None:
            what = f"row {place.source.row}: {place.kind} {place.place_id!r}"
            if place.kind == "shipment":
                what += f" `{place.column}`"
            by_table.setdefault(place.source.table, []).append(f"{what} {km:.1f} km outside")
    for table, lines in by_table.items():
        more = f"; and {len(lines) - SHOWN_PLACES} more" if len(lines) > SHOWN_PLACES else ""
        warnings.warn(
            OutsideWarning(
                f"{table}: {len(lines)} place(s) lie outside the Suzhou prefecture boundary "
                f"(by more than {OUTSIDE_TOLERANCE_KM:g} km): {'; '.join(lines[:SHOWN_PLACES])}"
                f"{more} — check their lon/lat (they are planned as given)"
            ),
            stacklevel=3,
        )
