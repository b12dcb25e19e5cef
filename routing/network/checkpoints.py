"""Checkpoints on the road: binding each exit to the arcs where it stands, and what its status does.

Binding rule (also in docs/network.md):

1. An OSM ``motorway_junction`` exit (``ExitKind.JUNCTION``) on a network with ``*_link``
   ramps gates the ramps that start or end within ``link_km`` of it, at the junction end, so
   through traffic on the motorway is not stopped.
2. Any other exit stands on its nearest segment. If its foot point is within ``node_km`` of a
   segment end, the checkpoint is at that junction node and gates every arc *entering* the node
   (each passage through the node enters it once, so the delay counts once).
3. Otherwise it gates its segment (both directions) at the foot point, plus every other
   segment within ``pair_km`` that runs within ``pair_deg`` of the same bearing and is not the
   next piece of the same road — the other carriageway of a dual carriageway, or the other
   branch of a fork where the carriageways split (they leave the shared node on the same side;
   a continuation leaves it on the opposite side). A passage uses one carriageway, so it meets
   the checkpoint once.

An exit farther than ``max_km`` from every road is an input error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely

from routing.network.geo import bearing_deg, haversine_km, project_on_segments
from routing.network.roads import RoadNetwork
from routing.network.snap import nearest_segments
from routing.network.speed import Profile
from stations.errors import InputError, InputProblem
from stations.model import Exit, ExitKind, ExitStatus

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class CheckpointDelays:
    """Default checkpoint delays and the radii used to bind exits to roads.

    Parameters
    ----------
    open_min
        Delay at an open checkpoint (document and health check, queue). Default 15 min.
    green_channel_min
        Delay at a green-channel checkpoint for buses and priority cargo. Default 3 min.
    node_km
        An exit this close to a segment end stands at the junction node. Default 0.03 km.
    pair_km
        The other carriageway of a dual carriageway is looked for this close. Default 0.15 km
        (the embedded nodes are rounded to 0.001°, about 100 m).
    pair_deg
        Largest bearing difference of the other carriageway. Default 30°.
    link_km
        For OSM junction exits: ramps starting or ending this close are gated. Default 0.05 km.
    """

    open_min: float = 15.0
    green_channel_min: float = 3.0
    node_km: float = 0.03
    pair_km: float = 0.15
    pair_deg: float = 30.0
    link_km: float = 0.05

    def __post_init__(self) -> None:
        values = (self.open_min, self.green_channel_min, self.node_km, self.pair_km, self.link_km)
        if min(values) < 0:
            raise ValueError(f"checkpoint delays and radii must be >= 0, got {values}")

    def effect(self, exit_: Exit, profile: Profile) -> tuple[bool, float]:
        """What an exit's status does to a profile: (blocked, delay in minutes).

        ``closed`` blocks everyone; ``freight_only`` blocks buses and lets trucks pass with
        the open delay; ``open`` adds the open delay; ``green_channel`` adds the short delay
        for buses and priority cargo but the open delay for other trucks. An exit's own
        ``delay_min`` replaces the default delay of its status.
        """
        own = exit_.delay_min
        status = exit_.status
        if status is ExitStatus.CLOSED:
            return True, 0.0
        if status is ExitStatus.FREIGHT_ONLY and profile is Profile.BUS:
            return True, 0.0
        if status is ExitStatus.GREEN_CHANNEL:
            if profile is Profile.TRUCK:
                return False, self.open_min
            return False, self.green_channel_min if own is None else own
        return False, self.open_min if own is None else own


@dataclass(frozen=True, slots=True)
class Gates:
    """Checkpoint positions on arcs, sorted by arc.

    ``fraction`` is where on the arc (0 = tail, 1 = head) the checkpoint stands; a partial
    traversal of the arc passes it only if the fraction lies in the driven part.
    """

    arc: IntArray = field(repr=False)
    fraction: FloatArray = field(repr=False)
    exit_index: IntArray = field(repr=False)

    def __post_init__(self) -> None:
        n = self.arc.shape[0]
        if self.fraction.shape != (n,) or self.exit_index.shape != (n,):
            raise ValueError("gate arrays must have the same length")
        if n and (np.diff(self.arc) < 0).any():
            raise ValueError("gates must be sorted by arc")

    def __len__(self) -> int:
        return int(self.arc.shape[0])

    def on_arc(self, arc: int) -> slice:
        """Slice of the gates standing on one arc."""
        lo = int(np.searchsorted(self.arc, arc, side="left"))
        hi = int(np.searchsorted(self.arc, arc, side="right"))
        return slice(lo, hi)

    def exits_of_arcs(self, arcs: IntArray) -> IntArray:
        """Exit indices gating any of the given arcs."""
        hit = np.isin(self.arc, arcs)
        return np.unique(self.exit_index[hit])


def bind_exits(
    network: RoadNetwork,
    exits: Sequence[Exit],
    *,
    delays: CheckpointDelays,
    max_km: float = 2.0,
) -> Gates:
    """Gate the arcs where each exit stands (the rule in the module docstring).

    Raises
    ------
    InputError
        Naming every exit farther than ``max_km`` from the network, with its distance.
    """
    ids = [e.exit_id for e in exits]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(
            [
                InputProblem(
                    "exits", None, "exit_id", d, "appears more than once", "give each exit one row"
                )
                for d in dupes
            ]
        )
    if not exits:
        return Gates(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))
    lon = np.array([e.lon for e in exits])
    lat = np.array([e.lat for e in exits])
    seg, t, road_lon, road_lat = nearest_segments(network, lon, lat)
    dist = haversine_km(lon, lat, road_lon, road_lat)
    far = np.flatnonzero(dist > max_km)
    if far.size:
        raise InputError(
            [
                InputProblem(
                    "exits",
                    None,
                    "lon/lat",
                    f"{lon[i]:.5f}, {lat[i]:.5f}",
                    f"exit {ids[i]!r} is {dist[i]:.2f} km from the nearest road of "
                    f"{network.name} (limit {max_km:g} km)",
                    "check the exit's coordinates or load a road network that covers it",
                )
                for i in far
            ]
        )
    has_links = bool(network.seg_link.any())
    arcs: list[IntArray] = []
    fracs: list[FloatArray] = []
    owners: list[IntArray] = []
    for i, ex in enumerate(exits):
        found: tuple[IntArray, FloatArray] | None = None
        if ex.kind is ExitKind.JUNCTION and has_links:
            found = _link_gates(network, ex, delays)
        if found is None:
            found = _road_gates(network, ex, int(seg[i]), float(t[i]), delays)
        arcs.append(found[0])
        fracs.append(found[1])
        owners.append(np.full(found[0].size, i, np.int64))
    arc = np.concatenate(arcs)
    frac = np.concatenate(fracs)
    owner = np.concatenate(owners)
    order = np.lexsort((owner, arc))
    return Gates(arc[order], frac[order], owner[order])


def _point_km(network: RoadNetwork, ex: Exit) -> tuple[float, float]:
    x, y = network.projection.to_km(ex.lon, ex.lat)
    return float(x), float(y)


def _segment_arcs(
    network: RoadNetwork, segs: IntArray, seg_fraction: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Both arcs of each segment with the gate fraction in each arc's own direction."""
    fwd = network.seg_fwd_arc[segs]
    bwd = network.seg_bwd_arc[segs]
    has_bwd = bwd >= 0
    arc = np.concatenate([fwd, bwd[has_bwd]])
    frac = np.concatenate([seg_fraction, 1.0 - seg_fraction[has_bwd]])
    return arc, frac


def _link_gates(
    network: RoadNetwork, ex: Exit, delays: CheckpointDelays
) -> tuple[IntArray, FloatArray] | None:
    x, y = _point_km(network, ex)
    near = network.seg_tree.query(
        shapely.points(x, y), predicate="dwithin", distance=delays.link_km
    )
    segs = np.asarray([s for s in near if network.seg_link[s]], dtype=np.int64)
    if segs.size == 0:
        return None
    u, v = network.seg_u[segs], network.seg_v[segs]
    du = np.hypot(network.node_x[u] - x, network.node_y[u] - y)
    dv = np.hypot(network.node_x[v] - x, network.node_y[v] - y)
    at_end = np.minimum(du, dv) <= delays.link_km
    if not at_end.any():
        return None
    segs, du, dv = segs[at_end], du[at_end], dv[at_end]
    seg_fraction = np.where(du <= dv, 0.0, 1.0)
    return _segment_arcs(network, segs, seg_fraction)


def _road_gates(
    network: RoadNetwork, ex: Exit, seg: int, t: float, delays: CheckpointDelays
) -> tuple[IntArray, FloatArray]:
    u, v = int(network.seg_u[seg]), int(network.seg_v[seg])
    seg_len = float(
        np.hypot(network.node_x[v] - network.node_x[u], network.node_y[v] - network.node_y[u])
    )
    if min(t, 1.0 - t) * seg_len <= delays.node_km:
        node = u if t <= 0.5 else v
        arcs = np.flatnonzero(network.arc_head == node).astype(np.int64)
        return arcs, np.ones(arcs.size)
    x, y = _point_km(network, ex)
    near = np.asarray(
        network.seg_tree.query(shapely.points(x, y), predicate="dwithin", distance=delays.pair_km),
        dtype=np.int64,
    )
    su, sv = network.seg_u[near], network.seg_v[near]
    nx_, ny_ = network.node_x, network.node_y
    separate = _not_consecutive(nx_, ny_, u, v, su, sv)
    b0 = bearing_deg(
        np.array([nx_[u]]), np.array([ny_[u]]), np.array([nx_[v]]), np.array([ny_[v]])
    )[0]
    b = bearing_deg(nx_[su], ny_[su], nx_[sv], ny_[sv])
    diff = np.abs(b - b0)
    parallel = np.minimum(diff, 180.0 - diff) <= delays.pair_deg
    tp, _ = project_on_segments(
        np.full(near.size, x), np.full(near.size, y), nx_[su], ny_[su], nx_[sv], ny_[sv]
    )
    inside = (tp > 0.0) & (tp < 1.0)
    keep = separate & parallel & inside & (near != seg)
    pairs = near[keep]
    pair_t = tp[keep]
    segs = np.concatenate([np.array([seg], np.int64), pairs])
    seg_fraction = np.concatenate([np.array([t]), pair_t])
    return _segment_arcs(network, segs, seg_fraction)


def _not_consecutive(
    x: FloatArray, y: FloatArray, u: int, v: int, su: IntArray, sv: IntArray
) -> BoolArray:
    """Segments that may be another carriageway of segment u–v rather than the next piece of
    the same road: they share no node with it, or they leave the shared node on the same side
    (a fork where two carriageways split), not on the opposite side (a continuation)."""
    out = np.ones(su.size, bool)
    for k, (a, b) in enumerate(zip(su.tolist(), sv.tolist(), strict=True)):
        if {a, b} == {u, v}:
            continue  # a parallel segment between the same two nodes
        shared = {a, b} & {u, v}
        if not shared:
            continue
        n = shared.pop()
        own_other = v if n == u else u
        other = b if n == a else a
        dot = (x[own_other] - x[n]) * (x[other] - x[n]) + (y[own_other] - y[n]) * (y[other] - y[n])
        out[k] = bool(dot > 0)
    return out
