"""Many-to-many fastest paths with compiled Dijkstra, and the travel-matrix result type.

Each arc weight packs time and distance into one float64: ``time_ds * 2**30 + dist_dm`` with
time in tenths of a second and distance in decimetres, both whole numbers. Sums of whole
numbers below 2**53 are exact in float64, so one run of ``scipy.sparse.csgraph.dijkstra``
finds the fastest path (ties broken by the shorter distance) *and* that path's length: the
distance of the fastest path, not of the shortest. Limits: 107,374 km per path and 233 hours
per path, far beyond any city trip.

Places join the graph as "phantom" nodes on their snapped segment (as OSRM does): a source is
an extra node with arcs to the segment ends it can drive to, a target is reached from the
segment ends that can drive to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.errors import UnreachableError
from routing.network.speed import Profile
from routing.vrp.problem import Matrix

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

SHIFT = float(2**30)
DS_PER_MIN = 600.0  # tenths of a second per minute
DM_PER_KM = 10_000.0  # decimetres per km
CHUNK = 256  # sources per Dijkstra call (bounds memory at CHUNK x nodes floats)


def encode(time_min: npt.ArrayLike, dist_km: npt.ArrayLike) -> FloatArray:
    """Pack times (min) and distances (km) into exact-sum float64 weights."""
    t = np.rint(np.asarray(time_min, np.float64) * DS_PER_MIN)
    d = np.rint(np.asarray(dist_km, np.float64) * DM_PER_KM)
    return np.asarray(t * SHIFT + d)


def decode(weight: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Unpack weights into (time in min, distance in km); ``inf`` gives ``nan``."""
    finite = np.isfinite(weight)
    w = np.where(finite, weight, 0.0)
    t = np.floor(w / SHIFT)
    d = w - t * SHIFT
    return (
        np.where(finite, t / DS_PER_MIN, np.nan),
        np.where(finite, d / DM_PER_KM, np.nan),
    )


@dataclass(frozen=True, slots=True)
class Connections:
    """How each place joins the graph: up to two (node, weight) links, ``inf`` where absent."""

    node: IntArray = field(repr=False)  # shape (n, 2)
    weight: FloatArray = field(repr=False)  # shape (n, 2)

    def __post_init__(self) -> None:
        if self.node.ndim != 2 or self.node.shape[1] != 2 or self.weight.shape != self.node.shape:
            raise ValueError("connections must be (n, 2) arrays")

    def __len__(self) -> int:
        return int(self.node.shape[0])

    def take(self, rows: IntArray) -> Connections:
        """The connections of some places."""
        return Connections(self.node[rows], self.weight[rows])


def with_phantoms(graph: csr_matrix, sources: Connections) -> csr_matrix:
    """The graph plus one extra node per source, with arcs to that source's links."""
    n = graph.shape[0]
    k = len(sources)
    ok = np.isfinite(sources.weight)
    counts = ok.sum(axis=1)
    indptr = np.concatenate(
        [graph.indptr.astype(np.int64), graph.indptr[-1] + np.cumsum(counts, dtype=np.int64)]
    )
    indices = np.concatenate([graph.indices.astype(np.int64), sources.node[ok]])
    data = np.concatenate([graph.data, sources.weight[ok]])
    return csr_matrix((data, indices, indptr), shape=(n + k, n + k))


def _landmark_bounds(
    graph: csr_matrix, sources: Connections, targets: Connections, count: int
) -> FloatArray:
    """Upper bound per source of its packed weight to the farthest reachable target.

    ``d(s, t) <= d(s, L) + d(L, t)`` for any landmark ``L``: ``count`` landmarks are picked
    among the target nodes by farthest-point sampling, with one forward and one backward
    Dijkstra each. The bound is ``inf`` when some target cannot be bounded (no landmark
    reaches it, or the source reaches no landmark), which then prunes nothing.
    """
    tnodes = targets.node[np.isfinite(targets.weight)]
    reverse = graph.T.tocsr()
    landmark = int(tnodes[0])
    to_l = np.full((len(sources), count), np.inf)
    from_l = np.full((count, len(targets)), np.inf)
    nearest = np.full(tnodes.size, np.inf)
    for k in range(count):
        fwd = dijkstra(graph, directed=True, indices=landmark)
        back = dijkstra(reverse, directed=True, indices=landmark)
        from_l[k] = np.minimum(
            fwd[targets.node[:, 0]] + targets.weight[:, 0],
            fwd[targets.node[:, 1]] + targets.weight[:, 1],
        )
        to_l[:, k] = np.minimum(
            sources.weight[:, 0] + back[sources.node[:, 0]],
            sources.weight[:, 1] + back[sources.node[:, 1]],
        )
        nearest = np.minimum(nearest, fwd[tnodes])
        finite = np.where(np.isfinite(nearest), nearest, -1.0)
        landmark = int(tnodes[int(np.argmax(finite))])
    best = np.full((len(sources), len(targets)), np.inf)
    for k in range(count):
        np.minimum(best, to_l[:, k, None] + from_l[None, k, :], out=best)
    return np.asarray(best.max(axis=1))


def many_to_many(
    graph: csr_matrix, sources: Connections, targets: Connections, *, landmarks: int = 8
) -> FloatArray:
    """Packed weight of the best route from every source to every target (``inf``: none).

    With many sources, each Dijkstra stops at an upper bound of its farthest target (from
    ``landmarks`` landmarks, see :func:`_landmark_bounds`): the search does not sweep the parts
    of the network beyond every target. The result is exact either way.
    """
    n = graph.shape[0]
    out = np.full((len(sources), len(targets)), np.inf)
    bound = np.full(len(sources), np.inf)
    if landmarks and len(sources) > 4 * landmarks and len(targets):
        bound = _landmark_bounds(graph, sources, targets, landmarks)
    order = np.argsort(bound, kind="stable")
    for lo in range(0, len(sources), CHUNK):
        rows = order[lo : lo + CHUNK]
        aug = with_phantoms(graph, sources.take(rows))
        limit = float(bound[rows].max())
        dist = dijkstra(aug, directed=True, indices=n + np.arange(rows.size), limit=limit)
        first = dist[:, targets.node[:, 0]] + targets.weight[:, 0]
        second = dist[:, targets.node[:, 1]] + targets.weight[:, 1]
        out[rows] = np.minimum(first, second)
    return out


def tree_paths(
    graph: csr_matrix, source: Connections, targets: Connections
) -> list[list[int] | None]:
    """Node sequence of the best route from one source to each target (``None``: no route).

    ``source`` holds one place; the sequences start at the first real node after the source.
    """
    n = graph.shape[0]
    aug = with_phantoms(graph, source)
    dist, pred = dijkstra(aug, directed=True, indices=n, return_predecessors=True)
    result: list[list[int] | None] = []
    for j in range(len(targets)):
        cand = dist[targets.node[j]] + targets.weight[j]
        best = int(np.argmin(cand))
        if not np.isfinite(cand[best]):
            result.append(None)
            continue
        node = int(targets.node[j, best])
        nodes = [node]
        while True:
            node = int(pred[node])
            if node < 0 or node >= n:
                break
            nodes.append(node)
        result.append(nodes[::-1])
    return result


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    """Travel times and distances between places for one profile under one day's exits.

    ``time_min`` and ``dist_km`` are ``nan`` where ``reachable`` is False — never a large
    stand-in number. ``dist_km`` is the length of the fastest route, access legs included.
    """

    source_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    profile: Profile
    time_min: FloatArray = field(repr=False)
    dist_km: FloatArray = field(repr=False)
    reachable: BoolArray = field(repr=False)
    explain: Callable[[int, int], tuple[str, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        shape = (len(self.source_ids), len(self.target_ids))
        for name in ("time_min", "dist_km", "reachable"):
            arr = getattr(self, name)
            if arr.shape != shape:
                raise ValueError(f"travel matrix {name} has shape {arr.shape}, expected {shape}")
            arr.flags.writeable = False
        if np.isnan(self.time_min[self.reachable]).any():
            raise ValueError("travel matrix has nan times on reachable pairs")

    def unreachable_pairs(self) -> list[tuple[str, str]]:
        """``(from_id, to_id)`` pairs without a route."""
        rows, cols = np.nonzero(~self.reachable)
        return [(self.source_ids[i], self.target_ids[j]) for i, j in zip(rows, cols, strict=True)]

    def require_reachable(self) -> TravelMatrix:
        """Return self, or raise if any pair has no route.

        Raises
        ------
        UnreachableError
            Naming the unreachable pairs and the exits whose status cuts them (worked out for
            the first 10 pairs).
        """
        rows, cols = np.nonzero(~self.reachable)
        if rows.size == 0:
            return self
        blamed: list[str] = []
        if self.explain is not None:
            for i, j in list(zip(rows.tolist(), cols.tolist(), strict=True))[:10]:
                blamed.extend(e for e in self.explain(i, j) if e not in blamed)
        raise UnreachableError(self.unreachable_pairs(), blamed, profile=str(self.profile))

    def to_matrix(self) -> Matrix:
        """The solver's square matrix (seconds, metres); needs the same sources and targets."""
        if self.source_ids != self.target_ids:
            raise ValueError("to_matrix needs a square matrix with the same sources and targets")
        time_s = np.where(self.reachable, np.rint(self.time_min * 60.0), 0).astype(np.int64)
        dist_m = np.where(self.reachable, np.rint(self.dist_km * 1000.0), 0).astype(np.int64)
        return Matrix(time_s=time_s, dist_m=dist_m, reachable=self.reachable.copy())
