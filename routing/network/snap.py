"""Snapping places to the road network: nearest segment, position along it, off-network distance."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from routing.network.geo import haversine_km, project_on_segments
from routing.network.roads import RoadNetwork
from stations.errors import InputError, InputProblem, SnapWarning
from stations.model import Place

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MAX_SNAP_KM = 2.0  # a place farther from every road is an input error
WARN_SNAP_KM = 1.5  # … and one farther than this is snapped with a SnapWarning


@dataclass(frozen=True, slots=True)
class SnappedPlace:
    """One place on the network.

    Parameters
    ----------
    place_id
        The place's id.
    lon, lat
        The place's own position.
    segment
        Index of the nearest road segment.
    fraction
        Position of the road point along the segment, 0 at its ``u`` end, 1 at its ``v`` end.
    node
        The segment end nearer to the road point (the "snapped node").
    offset_km
        Straight-line distance from the place to the road point (the off-network distance).
    road_lon, road_lat
        The road point.
    """

    place_id: str
    lon: float
    lat: float
    segment: int
    fraction: float
    node: int
    offset_km: float
    road_lon: float
    road_lat: float


@dataclass(frozen=True, slots=True)
class Snapping:
    """Snapped places as arrays (one entry per place, in input order)."""

    ids: tuple[str, ...]
    lon: FloatArray = field(repr=False)
    lat: FloatArray = field(repr=False)
    segment: IntArray = field(repr=False)
    fraction: FloatArray = field(repr=False)
    node: IntArray = field(repr=False)
    offset_km: FloatArray = field(repr=False)
    road_lon: FloatArray = field(repr=False)
    road_lat: FloatArray = field(repr=False)

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in (
            "lon",
            "lat",
            "segment",
            "fraction",
            "node",
            "offset_km",
            "road_lon",
            "road_lat",
        ):
            if getattr(self, name).shape != (n,):
                raise ValueError(
                    f"snapping {name} has shape {getattr(self, name).shape}, expected ({n},)"
                )

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> SnappedPlace:
        return SnappedPlace(
            self.ids[i],
            float(self.lon[i]),
            float(self.lat[i]),
            int(self.segment[i]),
            float(self.fraction[i]),
            int(self.node[i]),
            float(self.offset_km[i]),
            float(self.road_lon[i]),
            float(self.road_lat[i]),
        )


def nearest_segments(
    network: RoadNetwork, lon: FloatArray, lat: FloatArray
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """Nearest segment of each point: (segment, fraction, road lon, road lat)."""
    import shapely

    x, y = network.projection.to_km(lon, lat)
    points = shapely.points(x, y)
    (inp, seg) = network.seg_tree.query_nearest(points, all_matches=False)
    order = np.argsort(inp)
    seg = np.asarray(seg[order], np.int64)
    u, v = network.seg_u[seg], network.seg_v[seg]
    t, _ = project_on_segments(
        x, y, network.node_x[u], network.node_y[u], network.node_x[v], network.node_y[v]
    )
    road_lon = network.node_lon[u] + t * (network.node_lon[v] - network.node_lon[u])
    road_lat = network.node_lat[u] + t * (network.node_lat[v] - network.node_lat[u])
    return seg, t, road_lon, road_lat


def offsets_km(network: RoadNetwork, lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Straight-line distance in km from each point to its nearest road (the off-network
    distance that ``snap_places`` compares with ``max_km``)."""
    if not lon.size:
        return np.zeros(0)
    _, _, road_lon, road_lat = nearest_segments(network, lon, lat)
    return np.asarray(haversine_km(lon, lat, road_lon, road_lat), dtype=np.float64)


def snap_places(
    network: RoadNetwork,
    places: Sequence[Place],
    *,
    max_km: float = MAX_SNAP_KM,
    warn_km: float = WARN_SNAP_KM,
) -> Snapping:
    """Snap places to their nearest road segment (see ``RoadNetwork.snap``)."""
    if not 0 <= warn_km <= max_km:
        raise ValueError(f"need 0 <= warn_km <= max_km, got warn_km={warn_km}, max_km={max_km}")
    ids = tuple(p.place_id for p in places)
    lon = np.array([p.lon for p in places], dtype=np.float64)
    lat = np.array([p.lat for p in places], dtype=np.float64)
    if not ids:
        empty_f = np.zeros(0)
        empty_i = np.zeros(0, np.int64)
        return Snapping((), empty_f, empty_f, empty_i, empty_f, empty_i, empty_f, empty_f, empty_f)
    seg, t, road_lon, road_lat = nearest_segments(network, lon, lat)
    offset = haversine_km(lon, lat, road_lon, road_lat)
    node = np.where(t <= 0.5, network.seg_u[seg], network.seg_v[seg])
    far = np.flatnonzero(offset > max_km)
    if far.size:
        raise InputError(
            [
                InputProblem(
                    "places",
                    None,
                    "lon/lat",
                    f"{lon[i]:.5f}, {lat[i]:.5f}",
                    f"place {ids[i]!r} is {offset[i]:.2f} km from the nearest road of "
                    f"{network.name} (limit {max_km:g} km)",
                    "check the coordinates (swapped lon/lat? wrong city?) or load a road "
                    "network that covers this place",
                )
                for i in far
            ]
        )
    loose = np.flatnonzero(offset > warn_km)
    if loose.size:
        shown = ", ".join(f"{ids[i]} ({offset[i]:.2f} km)" for i in loose[:10])
        more = f" and {loose.size - 10} more" if loose.size > 10 else ""
        warnings.warn(
            SnapWarning(
                f"{loose.size} place(s) snapped farther than {warn_km:g} km to the road: "
                f"{shown}{more}"
            ),
            stacklevel=3,
        )
    return Snapping(ids, lon, lat, seg, t, node, offset, road_lon, road_lat)
