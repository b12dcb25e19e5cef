"""The road network: nodes, road segments, their speeds per vehicle class, and its loaders.

A :class:`RoadNetwork` is immutable. It keeps the segments as numpy arrays (for compiled
shortest paths: one CSR structure shared by every profile, only the weights differ) and builds
a networkx graph on request (for inspection, paths and cross-checks). The day's exit statuses
are applied by ``routing.network.daynetwork.network_for_day``, which returns a ``DayNetwork``;
snapping lives in ``routing.network.snap`` and OSM loading in ``routing.network.osm`` (each
imports this module, never the other way).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from routing.network.geo import LocalProjection
from routing.network.speed import DensitySpeedModel, VehicleClass
from stations.errors import InputError
from stations.model import Exit

if TYPE_CHECKING:
    import networkx as nx

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EMBEDDED_FILE = "roads.npz"
UNKNOWN_CLASS = "major_road"  # the embedded data has no road classes
_SEGMENT_ARRAYS = (
    "seg_u",
    "seg_v",
    "seg_km",
    "seg_kmh_bus",
    "seg_kmh_truck",
    "seg_oneway",
    "seg_link",
    "seg_class",
)


def _frozen(a: npt.ArrayLike, dtype: type) -> npt.NDArray[np.generic]:
    out: npt.NDArray[np.generic] = np.array(a, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, slots=True, eq=False)
class RoadNetwork:
    """A routable road network (one connected component).

    Segments are straight lines between two nodes. A two-way segment gives two arcs
    (u→v and v→u), a one-way segment only u→v.

    Parameters
    ----------
    node_lon, node_lat
        WGS-84 node positions.
    seg_u, seg_v
        End node indices of each segment.
    seg_km
        Segment lengths in km.
    seg_kmh_bus, seg_kmh_truck
        Speed of each segment in km/h for buses and for trucks.
    seg_oneway
        True where only u→v may be driven.
    seg_link
        True for motorway/trunk/… ``*_link`` ramps (bring-your-own OSM networks).
    seg_class
        Index into ``road_classes`` of each segment.
    road_classes
        Names of the road classes (OSM ``highway`` values, or ``major_road``).
    junctions
        Exits found in the data (OSM ``highway=motorway_junction`` nodes).
    name
        What network this is, for messages.
    attribution
        Source and licence text to show wherever the network is drawn.
    """

    node_lon: FloatArray = field(repr=False)
    node_lat: FloatArray = field(repr=False)
    seg_u: IntArray = field(repr=False)
    seg_v: IntArray = field(repr=False)
    seg_km: FloatArray = field(repr=False)
    seg_kmh_bus: FloatArray = field(repr=False)
    seg_kmh_truck: FloatArray = field(repr=False)
    seg_oneway: BoolArray = field(repr=False)
    seg_link: BoolArray = field(repr=False)
    seg_class: IntArray = field(repr=False)
    road_classes: tuple[str, ...] = (UNKNOWN_CLASS,)
    junctions: tuple[Exit, ...] = ()
    name: str = "road network"
    attribution: str = ""
    # derived in __post_init__
    projection: LocalProjection = field(init=False, repr=False)
    node_x: FloatArray = field(init=False, repr=False)
    node_y: FloatArray = field(init=False, repr=False)
    arc_tail: IntArray = field(init=False, repr=False)
    arc_head: IntArray = field(init=False, repr=False)
    arc_seg: IntArray = field(init=False, repr=False)
    arc_forward: BoolArray = field(init=False, repr=False)
    seg_fwd_arc: IntArray = field(init=False, repr=False)
    seg_bwd_arc: IntArray = field(init=False, repr=False)
    pair_start: IntArray = field(init=False, repr=False)
    csr_indptr: npt.NDArray[np.int32] = field(init=False, repr=False)
    csr_indices: npt.NDArray[np.int32] = field(init=False, repr=False)
    seg_tree: shapely.STRtree = field(init=False, repr=False)
    _memo: dict[str, nx.MultiDiGraph] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n, s = self.node_lon.shape[0], self.seg_u.shape[0]
        for name in ("node_lat",):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected ({n},)")
        for name in _SEGMENT_ARRAYS:
            if getattr(self, name).shape != (s,):
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected ({s},)")
        if n == 0 or s == 0:
            raise ValueError(f"{self.name}: a road network needs nodes and segments")
        if (
            min(self.seg_u.min(), self.seg_v.min()) < 0
            or max(self.seg_u.max(), self.seg_v.max()) >= n
        ):
            raise ValueError(f"{self.name}: segment end out of range 0..{n - 1}")
        if (self.seg_u == self.seg_v).any():
            raise ValueError(f"{self.name}: segments must not be loops")
        if not np.isfinite(self.seg_km).all() or (self.seg_km < 0).any():
            raise ValueError(f"{self.name}: segment lengths must be finite and >= 0")
        if (self.seg_kmh_bus <= 0).any() or (self.seg_kmh_truck <= 0).any():
            raise ValueError(f"{self.name}: segment speeds must be positive")
        if self.seg_class.min() < 0 or self.seg_class.max() >= len(self.road_classes):
            raise ValueError(f"{self.name}: seg_class out of range of road_classes")
        put = object.__setattr__
        for name in ("node_lon", "node_lat", *_SEGMENT_ARRAYS):
            getattr(self, name).flags.writeable = False
        proj = LocalProjection.around(self.node_lon, self.node_lat)
        x, y = proj.to_km(self.node_lon, self.node_lat)
        put(self, "projection", proj)
        put(self, "node_x", _frozen(x, np.float64))
        put(self, "node_y", _frozen(y, np.float64))
        self._build_arcs()
        lines = shapely.linestrings(
            np.stack(
                [
                    np.column_stack([x[self.seg_u], y[self.seg_u]]),
                    np.column_stack([x[self.seg_v], y[self.seg_v]]),
                ],
                axis=1,
            )
        )
        put(self, "seg_tree", shapely.STRtree(lines))
        put(self, "_memo", {})

    def __reduce__(self) -> tuple[type[RoadNetwork], tuple[object, ...]]:
        # pickle the defining arrays only; arcs, CSR structure, index and graph are rebuilt
        return (
            type(self),
            (
                self.node_lon,
                self.node_lat,
                self.seg_u,
                self.seg_v,
                self.seg_km,
                self.seg_kmh_bus,
                self.seg_kmh_truck,
                self.seg_oneway,
                self.seg_link,
                self.seg_class,
                self.road_classes,
                self.junctions,
                self.name,
                self.attribution,
            ),
        )

    def _build_arcs(self) -> None:
        segs = np.arange(self.n_segments, dtype=np.int64)
        two_way = segs[~self.seg_oneway]
        tail = np.concatenate([self.seg_u, self.seg_v[two_way]])
        head = np.concatenate([self.seg_v, self.seg_u[two_way]])
        seg = np.concatenate([segs, two_way])
        forward = np.concatenate([np.ones(self.n_segments, bool), np.zeros(two_way.size, bool)])
        order = np.lexsort((seg, head, tail))
        tail, head, seg, forward = tail[order], head[order], seg[order], forward[order]
        fwd_arc = np.full(self.n_segments, -1, np.int64)
        bwd_arc = np.full(self.n_segments, -1, np.int64)
        arcs = np.arange(tail.size, dtype=np.int64)
        fwd_arc[seg[forward]] = arcs[forward]
        bwd_arc[seg[~forward]] = arcs[~forward]
        new_pair = np.ones(tail.size, bool)
        new_pair[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
        pair_start = np.flatnonzero(new_pair)
        pair_tail = tail[pair_start]
        indptr = np.zeros(self.n_nodes + 1, np.int64)
        np.cumsum(np.bincount(pair_tail, minlength=self.n_nodes), out=indptr[1:])
        put = object.__setattr__
        put(self, "arc_tail", _frozen(tail, np.int64))
        put(self, "arc_head", _frozen(head, np.int64))
        put(self, "arc_seg", _frozen(seg, np.int64))
        put(self, "arc_forward", _frozen(forward, np.bool_))
        put(self, "seg_fwd_arc", _frozen(fwd_arc, np.int64))
        put(self, "seg_bwd_arc", _frozen(bwd_arc, np.int64))
        put(self, "pair_start", _frozen(pair_start, np.int64))
        put(self, "csr_indptr", _frozen(indptr, np.int32))
        put(self, "csr_indices", _frozen(head[pair_start], np.int32))

    # ----------------------------------------------------------------- sizes and attributes

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_lon.shape[0])

    @property
    def n_segments(self) -> int:
        """Number of road segments."""
        return int(self.seg_u.shape[0])

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs (two per two-way segment)."""
        return int(self.arc_tail.shape[0])

    @property
    def length_km(self) -> float:
        """Total length of the road segments."""
        return float(self.seg_km.sum())

    def seg_kmh(self, vehicle: VehicleClass) -> FloatArray:
        """Speed of each segment in km/h for a vehicle class."""
        return self.seg_kmh_bus if vehicle is VehicleClass.BUS else self.seg_kmh_truck

    def arc_minutes(self, vehicle: VehicleClass) -> FloatArray:
        """Driving time in minutes of each arc for a vehicle class, without checkpoints."""
        seg_min = self.seg_km / self.seg_kmh(vehicle) * 60.0
        return np.asarray(seg_min[self.arc_seg])

    def arc_km(self) -> FloatArray:
        """Length in km of each arc."""
        return np.asarray(self.seg_km[self.arc_seg])

    def compiled_graph(self, arc_weight: FloatArray) -> csr_matrix:
        """CSR graph with the given per-arc weights (``inf`` = arc removed).

        Parallel arcs between the same two nodes keep the smallest weight; the CSR structure is
        shared by every profile, only the weights are computed per call.
        """
        pair_w = np.minimum.reduceat(arc_weight, self.pair_start)
        keep = np.isfinite(pair_w)
        if keep.all():
            return csr_matrix(
                (pair_w, self.csr_indices, self.csr_indptr), shape=(self.n_nodes, self.n_nodes)
            )
        rows = np.repeat(np.arange(self.n_nodes), np.diff(self.csr_indptr))
        indptr = np.zeros(self.n_nodes + 1, np.int64)
        np.cumsum(np.bincount(rows[keep], minlength=self.n_nodes), out=indptr[1:])
        return csr_matrix(
            (pair_w[keep], self.csr_indices[keep], indptr), shape=(self.n_nodes, self.n_nodes)
        )

    def junction_exits(self) -> list[Exit]:
        """Exits found in the data: OSM ``highway=motorway_junction`` nodes (status open)."""
        return list(self.junctions)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The network as a frozen networkx graph (built once, on first use).

        Nodes are the node indices with ``lon``/``lat``; each arc is an edge keyed by its arc
        index with ``segment``, ``length_km``, ``minutes_bus``, ``minutes_truck``,
        ``road_class`` and ``link``.
        """
        if "graph" not in self._memo:
            import networkx as nx  # only here: planning never needs it

            g = nx.MultiDiGraph(name=self.name)
            g.add_nodes_from(
                (i, {"lon": float(lo), "lat": float(la)})
                for i, (lo, la) in enumerate(zip(self.node_lon, self.node_lat, strict=True))
            )
            bus = self.arc_minutes(VehicleClass.BUS)
            truck = self.arc_minutes(VehicleClass.TRUCK)
            km = self.arc_km()
            g.add_edges_from(
                (
                    int(self.arc_tail[a]),
                    int(self.arc_head[a]),
                    a,
                    {
                        "segment": int(self.arc_seg[a]),
                        "length_km": float(km[a]),
                        "minutes_bus": float(bus[a]),
                        "minutes_truck": float(truck[a]),
                        "road_class": self.road_classes[int(self.seg_class[self.arc_seg[a]])],
                        "link": bool(self.seg_link[self.arc_seg[a]]),
                    },
                )
                for a in range(self.n_arcs)
            )
            self._memo["graph"] = nx.freeze(g)
        return self._memo["graph"]

    # ------------------------------------------------------------------------- loaders

    @classmethod
    def from_segments(
        cls,
        node_lon: npt.ArrayLike,
        node_lat: npt.ArrayLike,
        seg_u: npt.ArrayLike,
        seg_v: npt.ArrayLike,
        seg_km: npt.ArrayLike,
        *,
        seg_kmh_bus: npt.ArrayLike,
        seg_kmh_truck: npt.ArrayLike,
        seg_oneway: npt.ArrayLike | None = None,
        seg_link: npt.ArrayLike | None = None,
        seg_class: npt.ArrayLike | None = None,
        road_classes: Sequence[str] = (UNKNOWN_CLASS,),
        junction_nodes: Sequence[int] = (),
        junctions: Sequence[Exit] = (),
        name: str = "road network",
        attribution: str = "",
    ) -> RoadNetwork:
        """Build a network from segment arrays, keeping only its largest routable component.

        Loops are dropped. With one-way segments the kept part is the largest *strongly*
        connected component (every node reaches every other), otherwise the largest connected
        component. ``junctions[i]`` stands at node ``junction_nodes[i]``; those outside the
        kept component are dropped.
        """
        lon = np.asarray(node_lon, np.float64)
        lat = np.asarray(node_lat, np.float64)
        u = np.asarray(seg_u, np.int64)
        v = np.asarray(seg_v, np.int64)
        s = u.shape[0]
        arrays = {
            "km": np.asarray(seg_km, np.float64),
            "bus": np.asarray(seg_kmh_bus, np.float64),
            "truck": np.asarray(seg_kmh_truck, np.float64),
            "oneway": np.zeros(s, bool) if seg_oneway is None else np.asarray(seg_oneway, bool),
            "link": np.zeros(s, bool) if seg_link is None else np.asarray(seg_link, bool),
            "cls": np.zeros(s, np.int64) if seg_class is None else np.asarray(seg_class, np.int64),
        }
        keep_seg = u != v
        u, v = u[keep_seg], v[keep_seg]
        arrays = {k: a[keep_seg] for k, a in arrays.items()}
        if u.size == 0:
            raise InputError(f"{name}: no road segments")
        n = lon.shape[0]
        oneway = arrays["oneway"]
        tails = np.concatenate([u, v[~oneway]])
        heads = np.concatenate([v, u[~oneway]])
        adj = csr_matrix((np.ones(tails.size), (tails, heads)), shape=(n, n))
        directed = bool(oneway.any())
        _, labels = connected_components(
            adj, directed=directed, connection="strong" if directed else "weak"
        )
        used = np.zeros(n, bool)
        used[u] = used[v] = True
        sizes = np.bincount(labels[used], minlength=labels.max() + 1)
        main = int(np.argmax(sizes))
        keep_node = (labels == main) & used
        keep_seg2 = keep_node[u] & keep_node[v]
        if not keep_seg2.any():
            raise InputError(
                f"{name}: no two nodes reach each other (every one-way street is a dead end)"
            )
        new_index = np.cumsum(keep_node) - 1
        dropped = int(used.sum() - keep_node.sum())
        if dropped:
            logger.info("%s: dropped %d nodes outside the largest component", name, dropped)
        kept_junctions = tuple(
            ex
            for node, ex in zip(junction_nodes, junctions, strict=True)
            if 0 <= node < n and keep_node[node]
        )
        return cls(
            node_lon=lon[keep_node],
            node_lat=lat[keep_node],
            seg_u=new_index[u[keep_seg2]],
            seg_v=new_index[v[keep_seg2]],
            seg_km=arrays["km"][keep_seg2],
            seg_kmh_bus=arrays["bus"][keep_seg2],
            seg_kmh_truck=arrays["truck"][keep_seg2],
            seg_oneway=arrays["oneway"][keep_seg2],
            seg_link=arrays["link"][keep_seg2],
            seg_class=arrays["cls"][keep_seg2],
            road_classes=tuple(road_classes),
            junctions=kept_junctions,
            name=name,
            attribution=attribution,
        )

    @classmethod
    def from_npz(cls, path: Path, *, speeds: DensitySpeedModel | None = None) -> RoadNetwork:
        """Load a network stored by ``tools/build_roads.py`` (no road classes).

        Parameters
        ----------
        path
            The ``.npz`` file.
        speeds
            Speed model. Default ``DensitySpeedModel()``.
        """
        model = speeds or DensitySpeedModel()
        with np.load(path, allow_pickle=False) as z:
            lon, lat = z["node_lon"], z["node_lat"]
            u, v, km = z["seg_u"].astype(np.int64), z["seg_v"].astype(np.int64), z["seg_km"]
            attribution = str(z["attribution"])
            name = str(z["name"])
        proj = LocalProjection.around(lon, lat)
        x, y = proj.to_km(lon, lat)
        urb = model.urbanity(x, y, (x[u] + x[v]) / 2, (y[u] + y[v]) / 2)
        km = km.astype(np.float64)
        return cls.from_segments(
            lon,
            lat,
            u,
            v,
            km,
            seg_kmh_bus=model.segment_speeds(VehicleClass.BUS, urb, km),
            seg_kmh_truck=model.segment_speeds(VehicleClass.TRUCK, urb, km),
            name=name,
            attribution=attribution,
        )

    @classmethod
    def embedded(cls) -> RoadNetwork:
        """The embedded Suzhou major-road network with the default speed model (cached)."""
        return _embedded()


@lru_cache(maxsize=1)
def _embedded() -> RoadNetwork:
    ref = resources.files("stations") / "data" / EMBEDDED_FILE
    with resources.as_file(ref) as path:
        return RoadNetwork.from_npz(path)
