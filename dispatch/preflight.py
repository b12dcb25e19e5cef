"""What ``plan`` refuses about a day before solving, checked cheaply so ``check`` reports it too.

``plan`` snaps every place it routes — the depots of the usable buses, the stations and
employers of the trip requests, the truck depots, the shipment ends and every exit — to the
road network, and refuses the day if one lies farther than ``MAX_SNAP_KM`` from every road.
:func:`network_problems` does the same snapping (no matrices, no solving) and names each place
with the table and row it was read from (``Day.rows``); ``charter check`` and ``plan_day`` both
call it, so whatever ``plan`` refuses, ``check`` reports first.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from dispatch.charters.bus_problem import used_places
from dispatch.charters.prepare import Prepared, prepare
from dispatch.day import Day, PlaceRef, SourceRow, VehicleClass
from routing.network.roads import RoadNetwork
from routing.network.snap import MAX_SNAP_KM, WARN_SNAP_KM, offsets_km
from stations.errors import InputError, InputProblem, SnapWarning

_FIX = (
    "check the coordinates (swapped lon/lat? wrong city?) or load a road network that "
    "covers this place"
)
_LOOKUP_ORDER = ("station", "enterprise", "depot", "exit")  # as intake resolves a place id


@dataclass(frozen=True, slots=True)
class RoutedPoint:
    """One point ``plan`` snaps: what it is, where it was read, and its position."""

    kind: str
    place_id: str
    lon: float
    lat: float
    source: SourceRow | None
    column: str = "lon, lat"

    def problem(self, km: float, network: str, max_km: float) -> InputProblem:
        """The problem of this point lying ``km`` from the nearest road."""
        what = f"{self.kind} {self.place_id!r}"
        if self.kind == "shipment":
            what += f" {self.column}"
        return InputProblem(
            self.source.table if self.source else f"embedded {self.kind}s",
            self.source.row if self.source else None,
            self.column,
            f"{self.lon:.5f}, {self.lat:.5f}",
            f"is {km:.2f} km from the nearest road of {network} (limit {max_km:g} km): "
            f"{what} cannot be routed",
            _FIX,
        )


def _end(day: Day, shipment_id: str, column: str, end: PlaceRef) -> RoutedPoint:
    if end.place_id is None:
        source = day.rows.get(("shipment", shipment_id))
        return RoutedPoint("shipment", shipment_id, end.lon, end.lat, source, column)
    kind = next((k for k in _LOOKUP_ORDER if (k, end.place_id) in day.rows), "place")
    source = day.rows.get((kind, end.place_id))
    return RoutedPoint(kind, end.place_id, end.lon, end.lat, source)


def routed_points(day: Day, prepared: Prepared) -> Iterator[RoutedPoint]:
    """Every point ``plan`` snaps to the road network (repeats removed)."""
    seen: set[tuple[str, str, str]] = set()

    def once(point: RoutedPoint) -> Iterator[RoutedPoint]:
        key = (point.kind, point.place_id, point.column)
        if key not in seen:
            seen.add(key)
            yield point

    for key, place in used_places(prepared):
        kind = key.kind.value
        source = day.rows.get((kind, key.place_id))
        yield from once(RoutedPoint(kind, key.place_id, place.lon, place.lat, source))
    trucks = sorted({v.depot_id for v in day.fleet if v.vehicle_class is VehicleClass.TRUCK})
    for depot_id in trucks:
        if depot_id in day.depots:
            depot = day.depots[depot_id]
            source = day.rows.get(("depot", depot_id))
            yield from once(RoutedPoint("depot", depot_id, depot.lon, depot.lat, source))
    for shipment in day.shipments:
        yield from once(_end(day, shipment.shipment_id, "origin", shipment.origin))
        yield from once(_end(day, shipment.shipment_id, "destination", shipment.destination))
    for ex in day.exits.values():
        source = day.rows.get(("exit", ex.exit_id))
        yield from once(RoutedPoint("exit", ex.exit_id, ex.lon, ex.lat, source))


def network_problems(
    day: Day,
    prepared: Prepared,
    network: RoadNetwork,
    *,
    max_km: float = MAX_SNAP_KM,
    warn_km: float | None = WARN_SNAP_KM,
) -> list[InputProblem]:
    """Problems of the points ``plan`` would refuse (farther than ``max_km`` from every road).

    Parameters
    ----------
    day, prepared
        The day and its prepared requests and fleet (which places are used).
    network
        The road network ``plan`` uses.
    max_km
        Snapping limit. Default ``MAX_SNAP_KM``, as ``plan``.
    warn_km
        Points farther than this (within the limit) give one ``SnapWarning``, as ``plan``'s
        snapping does; None: no warning. Default ``WARN_SNAP_KM``.
    """
    points = list(routed_points(day, prepared))
    lon = np.array([p.lon for p in points], dtype=np.float64)
    lat = np.array([p.lat for p in points], dtype=np.float64)
    offsets = offsets_km(network, lon, lat)
    pairs = list(zip(points, offsets.tolist(), strict=True))
    loose = [(p, km) for p, km in pairs if warn_km is not None and warn_km < km <= max_km]
    if loose:
        shown = ", ".join(f"{p.kind} {p.place_id} ({km:.2f} km)" for p, km in loose[:10])
        more = f" and {len(loose) - 10} more" if len(loose) > 10 else ""
        warnings.warn(
            SnapWarning(
                f"{len(loose)} place(s) snapped farther than {warn_km or 0:g} km to the road: "
                f"{shown}{more}"
            ),
            stacklevel=2,
        )
    return [p.problem(km, network.name, max_km) for p, km in pairs if km > max_km]


def check_on_network(day: Day, prepared: Prepared, network: RoadNetwork, *, warn: bool) -> None:
    """Raise one ``InputError`` naming every point ``plan`` would refuse (see module doc)."""
    problems = network_problems(day, prepared, network, warn_km=WARN_SNAP_KM if warn else None)
    if problems:
        raise InputError(problems)


def check_day(day: Day, *, network: RoadNetwork | None = None) -> Prepared:
    """Everything ``plan`` checks about a day short of solving it: screening, grouping and the
    fleet (``prepare``), and snapping every routed place to the road network.

    Parameters
    ----------
    day
        The planning day.
    network
        The road network. Default ``RoadNetwork.embedded()``, as ``plan``.

    Returns
    -------
    The prepared day. Raises ``InputError`` naming table and row of every place ``plan``
    would refuse.
    """
    prepared = prepare(day)
    roads = network if network is not None else RoadNetwork.embedded()
    check_on_network(day, prepared, roads, warn=True)
    return prepared
