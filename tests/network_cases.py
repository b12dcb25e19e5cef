"""Small hand-checkable road networks and places for the routing network tests.

All positions lie on the 31.30° N parallel east of Suzhou, where 0.01° of longitude is
0.9502 km. Every segment drives at 57.012 km/h for buses, so 0.01° of longitude takes exactly
1 minute; trucks drive at 80 % of that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from routing.network.geo import haversine_km
from routing.network.roads import RoadNetwork
from stations.model import Exit, ExitStatus

KM_PER_CENTIDEGREE = float(haversine_km(120.50, 31.30, 120.51, 31.30))
BUS_KMH = KM_PER_CENTIDEGREE * 60.0  # 1 minute per 0.01° of longitude


@dataclass(frozen=True, slots=True)
class Spot:
    """A test place (anything with ``place_id``, ``lon``, ``lat``)."""

    place_id: str
    lon: float
    lat: float


def network_of(
    points: Sequence[tuple[float, float]],
    segments: Sequence[tuple[int, int]],
    *,
    oneway: Sequence[bool] | None = None,
    kmh: Sequence[float] | None = None,
    name: str = "test network",
) -> RoadNetwork:
    """A network of straight segments; speed ``BUS_KMH`` (trucks 80 %) unless given."""
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    u = np.array([s[0] for s in segments])
    v = np.array([s[1] for s in segments])
    bus = np.full(len(segments), BUS_KMH) if kmh is None else np.asarray(kmh, float)
    return RoadNetwork.from_segments(
        lon,
        lat,
        u,
        v,
        haversine_km(lon[u], lat[u], lon[v], lat[v]),
        seg_kmh_bus=bus,
        seg_kmh_truck=bus * 0.8,
        seg_oneway=oneway,
        name=name,
    )


def one_bridge() -> RoadNetwork:
    """West town 0–1, a single 6-minute bridge 1–2, east town 2–3 (all on 31.30° N).

    Nodes at 120.50, 120.52, 120.58, 120.60 °E: 0→3 takes 10 bus minutes.
    """
    points = [(120.50, 31.30), (120.52, 31.30), (120.58, 31.30), (120.60, 31.30)]
    return network_of(points, [(0, 1), (1, 2), (2, 3)], name="one bridge")


def two_bridges() -> RoadNetwork:
    """Like :func:`one_bridge` plus a northern bridge 1–4–5–2 via 31.32° N (longer)."""
    points = [
        (120.50, 31.30),
        (120.52, 31.30),
        (120.58, 31.30),
        (120.60, 31.30),
        (120.52, 31.32),
        (120.58, 31.32),
    ]
    segments = [(0, 1), (1, 2), (2, 3), (1, 4), (4, 5), (5, 2)]
    return network_of(points, segments, name="two bridges")


WEST_STATION = Spot("west_station", 120.50, 31.30)
EAST_FACTORY = Spot("east_factory", 120.60, 31.30)


def bridge_exit(status: ExitStatus, *, exit_id: str = "bridge_cp", lat: float = 31.30) -> Exit:
    """A checkpoint in the middle of a bridge (120.55 °E)."""
    return Exit(exit_id, f"{exit_id} checkpoint", 120.55, lat, status=status)
