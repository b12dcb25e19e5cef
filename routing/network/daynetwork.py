"""The road network under one day's exit statuses: travel matrices, route geometry, blame."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.errors import UnreachableError
from routing.network.checkpoints import CheckpointDelays, Gates, bind_exits
from routing.network.geo import haversine_km
from routing.network.matrix import (
    Connections,
    TravelMatrix,
    decode,
    encode,
    many_to_many,
    tree_paths,
    with_phantoms,
)
from routing.network.roads import RoadNetwork
from routing.network.snap import Snapping, snap_places
from routing.network.speed import AccessLeg, Profile
from stations.model import Exit, Place

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
LonLat = tuple[float, float]

# how a pair of places travels
NETWORK, ALONG, LOCAL = 0, 1, 2
AT_NODE_KM = 0.001  # a road point this close to a segment end stands on the end node


@dataclass(frozen=True, slots=True)
class _Effects:
    """Per-exit effect of the day's statuses on one profile."""

    blocked: BoolArray
    delay_min: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class _Explainer:
    """Names the exits that cut pair (i, j) of a matrix (picklable, unlike a closure)."""

    day: DayNetwork
    sources: tuple[Place, ...]
    targets: tuple[Place, ...]
    profile: Profile

    def __call__(self, i: int, j: int) -> tuple[str, ...]:
        return self.day.blocking_exits(self.sources[i], self.targets[j], profile=self.profile)


@dataclass(frozen=True, slots=True, eq=False)
class DayNetwork:
    """A :class:`RoadNetwork` with the day's exits bound to the arcs where they stand.

    Build it with :meth:`RoadNetwork.for_day`. Immutable: a scenario with other exit statuses
    is :meth:`with_exits`.
    """

    network: RoadNetwork
    exits: tuple[Exit, ...]
    delays: CheckpointDelays
    gates: Gates = field(repr=False)
    access: AccessLeg = field(default_factory=AccessLeg)
    max_km: float = 2.0

    @classmethod
    def bind(
        cls,
        network: RoadNetwork,
        exits: tuple[Exit, ...],
        *,
        delays: CheckpointDelays,
        max_km: float = 2.0,
        access: AccessLeg | None = None,
    ) -> DayNetwork:
        """Bind exits to the network (see ``routing.network.checkpoints``)."""
        gates = bind_exits(network, exits, delays=delays, max_km=max_km)
        return cls(network, exits, delays, gates, access or AccessLeg(), max_km)

    def with_exits(self, exits: Sequence[Exit]) -> DayNetwork:
        """The same network and delays under other exits / statuses."""
        return DayNetwork.bind(
            self.network, tuple(exits), delays=self.delays, max_km=self.max_km, access=self.access
        )

    # ------------------------------------------------------------------ weights per profile

    def _effects(self, profile: Profile, opened: frozenset[int] = frozenset()) -> _Effects:
        blocked = np.zeros(len(self.exits), bool)
        delay = np.zeros(len(self.exits))
        open_effect = (False, self.delays.open_min)
        for i, ex in enumerate(self.exits):
            b, d = open_effect if i in opened else self.delays.effect(ex, profile)
            if i in opened and ex.delay_min is not None:
                d = ex.delay_min
            blocked[i], delay[i] = b, d
        return _Effects(blocked, delay)

    def _arc_weights(self, profile: Profile, effects: _Effects) -> FloatArray:
        net = self.network
        minutes = net.arc_minutes(profile.vehicle)
        g = self.gates
        if len(g):
            minutes = minutes + np.bincount(
                g.arc, weights=effects.delay_min[g.exit_index], minlength=net.n_arcs
            )
        weight = encode(minutes, net.arc_km())
        if len(g):
            weight[g.arc[effects.blocked[g.exit_index]]] = np.inf
        return weight

    def _graph(self, profile: Profile, effects: _Effects) -> csr_matrix:
        return self.network.compiled_graph(self._arc_weights(profile, effects))

    def _partial(
        self,
        profile: Profile,
        effects: _Effects,
        arcs: IntArray,
        frac: FloatArray,
        leaving: bool,
    ) -> FloatArray:
        """Weight of driving part of each arc: from ``frac`` to the head if ``leaving``,
        else from the tail to ``frac``; ``inf`` if the arc is missing or a gate on the part
        blocks the profile."""
        net = self.network
        ok = arcs >= 0
        safe = np.where(ok, arcs, 0)
        share = np.where(leaving, 1.0 - frac, frac)
        minutes = net.arc_minutes(profile.vehicle)[safe] * share
        km = net.arc_km()[safe] * share
        g = self.gates
        blocked = ~ok
        if len(g):
            for i in np.flatnonzero(ok & np.isin(safe, g.arc)):
                part = g.on_arc(int(safe[i]))
                where = g.fraction[part]
                passed = where > frac[i] if leaving else where <= frac[i]
                owners = g.exit_index[part][passed]
                minutes[i] += effects.delay_min[owners].sum()
                blocked[i] |= bool(effects.blocked[owners].any())
        return np.where(blocked, np.inf, encode(minutes, km))

    def _connections(
        self, snaps: Snapping, profile: Profile, effects: _Effects, *, leaving: bool
    ) -> Connections:
        net = self.network
        fwd = net.seg_fwd_arc[snaps.segment]
        bwd = net.seg_bwd_arc[snaps.segment]
        t = snaps.fraction
        # forward arc u→v: the place sits at t; backward arc v→u: at 1 - t
        w_fwd = self._partial(profile, effects, fwd, t, leaving)
        w_bwd = self._partial(profile, effects, bwd, 1.0 - t, leaving)
        u, v = net.seg_u[snaps.segment], net.seg_v[snaps.segment]
        # a place standing on the end of a one-way segment joins that end node directly
        seg_km = net.seg_km[snaps.segment]
        at_end = (bwd < 0) & ((t if leaving else 1.0 - t) * seg_km <= AT_NODE_KM)
        w_bwd = np.where(at_end, 0.0, w_bwd)
        nodes = np.column_stack([v, u]) if leaving else np.column_stack([u, v])
        return Connections(nodes.astype(np.int64), np.column_stack([w_fwd, w_bwd]))

    def _gates_between(self, arc: int, lo: float, hi: float, *, closed: bool = False) -> IntArray:
        """Exit indices of the gates on ``arc`` at fractions in ``(lo, hi]`` (``[lo, hi]``
        if ``closed``)."""
        g = self.gates
        if arc < 0 or not len(g):
            return np.zeros(0, np.int64)
        part = g.on_arc(arc)
        where = g.fraction[part]
        inside = (where >= lo) if closed else (where > lo)
        return np.asarray(g.exit_index[part][inside & (where <= hi)], np.int64)

    def _same_segment(
        self,
        src: Snapping,
        tgt: Snapping,
        profile: Profile,
        effects: _Effects,
        packed: FloatArray,
    ) -> tuple[FloatArray, BoolArray, BoolArray]:
        """Improve pairs on one segment with the drive straight along it.

        Returns the improved weights, where the drive along the segment is used, and where a
        local off-network leg may replace the route (same segment, no checkpoint between).
        """
        along = np.zeros(packed.shape, bool)
        local = np.zeros(packed.shape, bool)
        tgt_by_seg: dict[int, list[int]] = {}
        for j, s in enumerate(tgt.segment.tolist()):
            tgt_by_seg.setdefault(s, []).append(j)
        net = self.network
        minutes = net.arc_minutes(profile.vehicle).tolist()
        km = net.arc_km().tolist()
        gated = set(net.arc_seg[self.gates.arc].tolist())
        no_gate = np.zeros(0, np.int64)
        for i, s in enumerate(src.segment.tolist()):
            fwd, bwd = int(net.seg_fwd_arc[s]), int(net.seg_bwd_arc[s])
            for j in tgt_by_seg.get(s, ()):
                t0, t1 = float(src.fraction[i]), float(tgt.fraction[j])
                lo, hi = min(t0, t1), max(t0, t1)
                arc, a, b = (fwd, t0, t1) if t1 >= t0 else (bwd, 1.0 - t0, 1.0 - t1)
                owners = no_gate
                if s in gated:
                    physical = np.concatenate(
                        [
                            self._gates_between(fwd, lo, hi, closed=True),
                            self._gates_between(bwd, 1.0 - hi, 1.0 - lo, closed=True),
                        ]
                    )
                    local[i, j] = physical.size == 0
                    owners = self._gates_between(arc, a, b)
                else:
                    local[i, j] = True
                if arc < 0 or effects.blocked[owners].any():
                    continue
                direct = float(
                    encode(
                        minutes[arc] * (b - a) + effects.delay_min[owners].sum(),
                        km[arc] * (b - a),
                    )
                )
                if direct <= packed[i, j]:
                    packed[i, j] = direct
                    along[i, j] = True
        return packed, along, local

    # ------------------------------------------------------------------------- matrices

    def matrix(
        self,
        sources: Sequence[Place],
        targets: Sequence[Place] | None = None,
        *,
        profile: Profile = Profile.BUS,
        max_km: float = 2.0,
        warn_km: float = 1.5,
    ) -> TravelMatrix:
        """Travel times and distances of the fastest routes between places.

        Parameters
        ----------
        sources
            Where trips start.
        targets
            Where trips end. Default the sources.
        profile
            Who travels (speeds and exit rules). Default bus.
        max_km, warn_km
            Snapping limits, see :meth:`RoadNetwork.snap`. Defaults 2 km and 1.5 km.

        Returns
        -------
        TravelMatrix
            Times (min) and distances (km) incl. the access legs at both ends, ``nan`` where
            no route exists; ``require_reachable()`` turns gaps into an ``UnreachableError``.
        """
        targets = sources if targets is None else targets
        src = snap_places(self.network, sources, max_km=max_km, warn_km=warn_km)
        tgt = (
            src
            if targets is sources
            else snap_places(self.network, targets, max_km=max_km, warn_km=warn_km)
        )
        time_min, dist_km, _ = self._times(src, tgt, profile, self._effects(profile))

        return TravelMatrix(
            src.ids,
            tgt.ids,
            profile,
            time_min,
            dist_km,
            np.isfinite(time_min),
            _Explainer(self, tuple(sources), tuple(targets), profile),
        )

    def matrices(
        self,
        places: Sequence[Place],
        profiles: Sequence[Profile],
        *,
        max_km: float = 2.0,
        warn_km: float = 1.5,
    ) -> dict[Profile, TravelMatrix]:
        """Square matrices between ``places`` for several profiles, sharing the work.

        The places are snapped once. Profiles that drive at the same speeds and meet the
        same blocking and delays at every exit of the day (e.g. ``truck`` and
        ``truck_priority`` on a day without a green channel) share one computation; the
        others differ only in their gate weights and get one many-to-many search each.

        Parameters
        ----------
        places
            Sources and targets.
        profiles
            The profiles wanted (each once).
        max_km, warn_km
            Snapping limits, see :meth:`RoadNetwork.snap`. Defaults 2 km and 1.5 km.

        Returns
        -------
        dict[Profile, TravelMatrix]
            One matrix per profile, as :meth:`matrix` gives it.
        """
        snaps = snap_places(self.network, places, max_km=max_km, warn_km=warn_km)
        done: list[tuple[Profile, _Effects, FloatArray, FloatArray]] = []
        out: dict[Profile, TravelMatrix] = {}
        for profile in profiles:
            effects = self._effects(profile)
            same = next(
                (
                    (t, d)
                    for p, e, t, d in done
                    if p.vehicle is profile.vehicle
                    and np.array_equal(e.blocked, effects.blocked)
                    and np.array_equal(e.delay_min, effects.delay_min)
                ),
                None,
            )
            if same is None:
                time_min, dist_km, _ = self._times(snaps, snaps, profile, effects)
                done.append((profile, effects, time_min, dist_km))
            else:
                time_min, dist_km = same
            out[profile] = TravelMatrix(
                snaps.ids,
                snaps.ids,
                profile,
                time_min.copy(),
                dist_km.copy(),
                np.isfinite(time_min),
                _Explainer(self, tuple(places), tuple(places), profile),
            )
        return out

    def _times(
        self, src: Snapping, tgt: Snapping, profile: Profile, effects: _Effects
    ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int8]]:
        """Times (min) and distances (km) incl. access legs, and how each pair travels
        (``NETWORK``, ``ALONG`` its shared segment, or ``LOCAL`` off-network leg)."""
        graph = self._graph(profile, effects)
        key = np.column_stack([src.segment.astype(np.float64), src.fraction])
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        out_conn = self._connections(src, profile, effects, leaving=True).take(first)
        in_conn = self._connections(tgt, profile, effects, leaving=False)
        packed = many_to_many(graph, out_conn, in_conn)[inverse.ravel()]
        packed, along, local = self._same_segment(src, tgt, profile, effects, packed)
        how = np.where(along, ALONG, NETWORK).astype(np.int8)
        time_min, dist_km = decode(packed)
        time_min = time_min + self.access.time_min(src.offset_km)[:, None]
        time_min = time_min + self.access.time_min(tgt.offset_km)[None, :]
        dist_km = dist_km + self.access.dist_km(src.offset_km)[:, None]
        dist_km = dist_km + self.access.dist_km(tgt.offset_km)[None, :]
        if local.any():
            rows, cols = np.nonzero(local)
            straight = haversine_km(src.lon[rows], src.lat[rows], tgt.lon[cols], tgt.lat[cols])
            leg_t = self.access.time_min(straight)
            # only places nearer to each other than to the road go off-network between them
            nearer = straight <= src.offset_km[rows] + tgt.offset_km[cols]
            better = nearer & ~(leg_t >= time_min[rows, cols])  # True also where route is nan
            rows, cols = rows[better], cols[better]
            time_min[rows, cols] = leg_t[better]
            dist_km[rows, cols] = self.access.dist_km(straight)[better]
            how[rows, cols] = LOCAL
        return time_min, dist_km, how

    # ------------------------------------------------------------------------- explanations

    def _reachable(
        self, a: Snapping, b: Snapping, profile: Profile, opened: frozenset[int]
    ) -> bool:
        time_min, _, _ = self._times(a, b, profile, self._effects(profile, opened))
        return bool(np.isfinite(time_min[0, 0]))

    def blocking_exits(
        self, a: Place, b: Place, *, profile: Profile = Profile.BUS
    ) -> tuple[str, ...]:
        """Exit ids whose status is responsible when ``a`` cannot reach ``b``.

        Returns the exits each of which, if it were open, would restore a route on its own;
        if no single one does, a minimal set (greedy, in exit order) that together does. Empty
        if a route exists, or if none would exist even with every exit open (the roads
        themselves do not connect the two places).

        Parameters
        ----------
        a, b
            Start and end place.
        profile
            Who travels. Default bus.
        """
        sa = snap_places(self.network, [a], max_km=self.max_km, warn_km=self.max_km)
        sb = snap_places(self.network, [b], max_km=self.max_km, warn_km=self.max_km)
        blockers = frozenset(
            i for i, ex in enumerate(self.exits) if self.delays.effect(ex, profile)[0]
        )
        if not blockers or self._reachable(sa, sb, profile, frozenset()):
            return ()
        if not self._reachable(sa, sb, profile, blockers):
            return ()
        single = self._single_openers(sa, sb, profile, blockers)
        if single:
            return tuple(self.exits[i].exit_id for i in single)
        needed = set(blockers)
        for i in sorted(blockers):
            trial = frozenset(needed - {i})
            if self._reachable(sa, sb, profile, trial):
                needed.discard(i)
        return tuple(self.exits[i].exit_id for i in sorted(needed))

    def _single_openers(
        self, sa: Snapping, sb: Snapping, profile: Profile, blockers: frozenset[int]
    ) -> list[int]:
        """Blocking exits each of which, opened alone, restores a route from ``sa`` to ``sb``.

        An exit with a gated arc ``x → y`` (blocked by it alone) where ``x`` is reachable from
        the start and ``y`` reaches the end restores a route at once. An exit none of whose
        arcs starts in the reachable part or ends in the part that reaches the end cannot.
        The rest are tried one by one.
        """
        effects = self._effects(profile)
        graph = self._graph(profile, effects)
        n = graph.shape[0]
        start = self._connections(sa, profile, effects, leaving=True)
        end = self._connections(sb, profile, effects, leaving=False)
        ahead = dijkstra(with_phantoms(graph, start), directed=True, indices=n)[:n]
        behind = dijkstra(with_phantoms(graph.T.tocsr(), end), directed=True, indices=n)[:n]
        g = self.gates
        blocks = np.isin(g.exit_index, np.fromiter(blockers, np.int64))
        arc_blockers = np.bincount(g.arc[blocks], minlength=self.network.n_arcs)
        own_segments = {int(sa.segment[0]), int(sb.segment[0])}
        found: list[int] = []
        for i in sorted(blockers):
            mine = g.arc[(g.exit_index == i) & (arc_blockers[g.arc] == 1)]
            tails = np.isfinite(ahead[self.network.arc_tail[mine]])
            heads = np.isfinite(behind[self.network.arc_head[mine]])
            if (tails & heads).any():
                found.append(i)
                continue
            touches_ends = bool(own_segments & set(self.network.arc_seg[mine].tolist()))
            if (touches_ends or (tails.any() and heads.any())) and self._reachable(
                sa, sb, profile, frozenset({i})
            ):
                found.append(i)
        return found

    # ------------------------------------------------------------------------- geometry

    def path(self, a: Place, b: Place, *, profile: Profile = Profile.BUS) -> list[LonLat]:
        """(lon, lat) points of the fastest route from ``a`` to ``b``, access legs included.

        Raises
        ------
        UnreachableError
            If no route exists, naming the pair and the exits that cut it.
        """
        return self.paths([a], [b], profile=profile)[0][0]

    def paths(
        self,
        sources: Sequence[Place],
        targets: Sequence[Place],
        *,
        profile: Profile = Profile.BUS,
        wanted: Sequence[Collection[int]] | None = None,
    ) -> list[list[list[LonLat]]]:
        """Route geometry for every source × target pair, one Dijkstra per source.

        Parameters
        ----------
        sources, targets
            Start and end places.
        profile
            Who travels. Default bus.
        wanted
            Per source, the indices of the targets whose routes are wanted: the other pairs
            are left empty and never checked (many sources with few targets each in one call).
            Default every pair.

        Returns
        -------
        list
            ``result[i][j]`` is the (lon, lat) polyline from ``sources[i]`` to ``targets[j]``
            (empty for a pair not wanted).

        Raises
        ------
        UnreachableError
            Naming every wanted pair without a route and the exits that cut them.
        """
        net = self.network
        effects = self._effects(profile)
        src = snap_places(net, sources, max_km=self.max_km, warn_km=self.max_km)
        tgt = snap_places(net, targets, max_km=self.max_km, warn_km=self.max_km)
        time_min, _, how = self._times(src, tgt, profile, effects)
        graph = self._graph(profile, effects)
        out_conn = self._connections(src, profile, effects, leaving=True)
        in_conn = self._connections(tgt, profile, effects, leaving=False)
        missing: list[tuple[str, str]] = []
        blamed: list[str] = []
        result: list[list[list[LonLat]]] = []
        for i in range(len(src)):
            columns = np.array(range(len(tgt)) if wanted is None else sorted(wanted[i]), np.int64)
            found = tree_paths(graph, out_conn.take(np.array([i])), in_conn.take(columns))
            nodes = dict(zip(columns.tolist(), found, strict=True))
            row: list[list[LonLat]] = []
            for j in range(len(tgt)):
                if j not in nodes:
                    row.append([])
                    continue
                if not np.isfinite(time_min[i, j]):
                    missing.append((src.ids[i], tgt.ids[j]))
                    if len(missing) <= 10:
                        blamed.extend(
                            e
                            for e in self.blocking_exits(sources[i], targets[j], profile=profile)
                            if e not in blamed
                        )
                    row.append([])
                    continue
                row.append(self._polyline(src, i, tgt, j, int(how[i, j]), nodes[j]))
            result.append(row)
        if missing:
            raise UnreachableError(missing, blamed, profile=str(profile))
        return result

    def _polyline(
        self, src: Snapping, i: int, tgt: Snapping, j: int, how: int, nodes: list[int] | None
    ) -> list[LonLat]:
        net = self.network
        a = (float(src.lon[i]), float(src.lat[i]))
        b = (float(tgt.lon[j]), float(tgt.lat[j]))
        if how == LOCAL:
            return [a] if a == b else [a, b]
        points = [a, (float(src.road_lon[i]), float(src.road_lat[i]))]
        if how == NETWORK and nodes is not None:
            points += [(float(net.node_lon[k]), float(net.node_lat[k])) for k in nodes]
        points += [(float(tgt.road_lon[j]), float(tgt.road_lat[j])), b]
        return [p for k, p in enumerate(points) if k == 0 or p != points[k - 1]]


def network_for_day(
    network: RoadNetwork,
    exits: Sequence[Exit],
    *,
    delays: CheckpointDelays | None = None,
    max_km: float = 2.0,
) -> DayNetwork:
    """Bind the day's exits to the roads they stand on.

    Parameters
    ----------
    network
        The road network.
    exits
        The exits / checkpoints with the day's status.
    delays
        Checkpoint delays and binding radii. Default ``CheckpointDelays()``.
    max_km
        An exit farther than this from every road is an input error. Default 2 km.

    Returns
    -------
    DayNetwork
        The network under the day's exit statuses (matrices, paths, explanations).
    """
    return DayNetwork.bind(
        network, tuple(exits), delays=delays or CheckpointDelays(), max_km=max_km
    )
