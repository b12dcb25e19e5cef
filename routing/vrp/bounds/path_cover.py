"""Path-cover fleet bounds for one-job-at-a-time routes: the fewest vehicles any plan needs.

With one job on board at a time, a vehicle's day is a chain of trips. Trip ``j`` can follow
trip ``i`` on one vehicle only if ``i``, started as early as its window allows and served as
fast as possible, ends in time for the vehicle to drive to ``j``'s pickup before ``j``'s window
closes:

    earliest_start_i + duration_i + drive(delivery_i → pickup_j) <= latest_start_j

and only if both fit in one shift even at their most favourable times:

    lead_i + (earliest_start_j + duration_j) - latest_start_i + tail_j <= longest shift

where ``duration`` is pickup service + the direct ride + delivery service, ``lead`` the shortest
drive from any depot to the pickup and ``tail`` the shortest drive from the delivery to any
depot. These pairs form a graph in which every plan is a set of vertex-disjoint paths, so the
minimum path cover — trips minus a maximum bipartite matching (found as an assignment,
``scipy.optimize.linear_sum_assignment``), at least one per weakly connected part — bounds
the vehicles from below (see ``min_path_cover`` for pairs that fit in either order).

A second bound uses the shift limit over the whole day: no vehicle serves both a trip for which
it must leave its depot by time ``a`` (the trip's latest start less its ``lead``) and one after
which it cannot be back before ``a`` + the longest shift (the trip's earliest end plus its
``tail``), so the path covers of the two sets add up.

Both check the shift only pair by pair or at one split; ``routing.vrp.bounds.duty`` bounds whole
vehicle days and is usually the strongest. Vehicle availability windows and capacities are
ignored (favourable), so the bound stays valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
MAX_SPLITS = 64  # day splits tried by the shift bound


@dataclass(frozen=True, slots=True)
class BoundTrip:
    """The timing of one trip as the bound sees it (seconds).

    Parameters
    ----------
    earliest_start, latest_start
        Window for the start of boarding.
    duration
        Shortest time the trip occupies a bus: boarding, direct ride, alighting.
    lead, tail
        Shortest drive from any depot to the pickup, and from the delivery to any depot.
    """

    earliest_start: float
    latest_start: float
    duration: float
    lead: float = 0.0
    tail: float = 0.0

    def __post_init__(self) -> None:
        if self.latest_start < self.earliest_start:
            raise ValueError("latest_start is before earliest_start")
        if min(self.duration, self.lead, self.tail) < 0:
            raise ValueError("negative duration, lead or tail")

    @property
    def earliest_end(self) -> float:
        """When the trip ends at the earliest."""
        return self.earliest_start + self.duration


def compatible(
    trips: Sequence[BoundTrip], between: FloatArray, *, max_shift: float | None = None
) -> BoolArray:
    """``ok[i, j]``: trip ``j`` can follow trip ``i`` on one bus.

    Parameters
    ----------
    trips
        The trips.
    between
        ``between[i, j]``: drive from the end of trip ``i`` to the start of trip ``j`` in
        seconds (``nan`` or ``inf`` where there is no route).
    max_shift
        Longest shift in seconds. Default None (no shift limit).
    """
    n = len(trips)
    if between.shape != (n, n):
        raise ValueError(f"between has shape {between.shape}, expected ({n}, {n})")
    end = np.array([t.earliest_end for t in trips])
    latest = np.array([t.latest_start for t in trips])
    drive = np.where(np.isfinite(between), between, np.inf)
    ok: BoolArray = end[:, None] + drive <= latest[None, :]
    if max_shift is not None:
        lead = np.array([t.lead for t in trips])
        tail = np.array([t.tail for t in trips])
        span = (end + tail)[None, :] - (latest - lead)[:, None]
        ok &= span <= max_shift
    np.fill_diagonal(ok, False)
    return ok


def min_path_cover(ok: BoolArray) -> int:
    """A lower bound on the fewest vertex-disjoint paths covering the digraph ``ok``.

    Exact on a DAG (trips minus a maximum bipartite matching). Two trips that fit in either
    order make a cycle; a matching may then close cycles, and ``n - |M|`` stays a lower bound
    (a cover by ``k`` paths gives a matching of ``n - k`` arcs) but may undercount. Each weakly
    connected part needs a path of its own, so each counts at least one.
    """
    n = int(ok.shape[0])
    if n == 0:
        return 0
    graph = csr_matrix(ok.astype(np.int8))
    # a maximum matching as an assignment (arcs cost 0, non-arcs 1): on dense graphs of a
    # few thousand trips far faster than maximum_bipartite_matching (seconds vs minutes)
    rows, cols = linear_sum_assignment(np.where(ok, 0.0, 1.0))
    matched_heads = cols[ok[rows, cols]]
    parts, label = connected_components(graph, directed=True, connection="weak")
    matched = np.bincount(label[matched_heads], minlength=parts)
    sizes = np.bincount(label, minlength=parts)
    return int(np.maximum(1, sizes - matched).sum())


def path_cover_bound(
    trips: Sequence[BoundTrip], between: FloatArray, *, max_shift: float | None = None
) -> int:
    """Lower bound on the buses serving ``trips`` one at a time (see the module docstring).

    Parameters
    ----------
    trips
        The trips.
    between
        Drive from the end of trip ``i`` to the start of trip ``j`` in seconds.
    max_shift
        Longest shift in seconds. Default None (no shift limit; the split bound is skipped).
    """
    ok = compatible(trips, between, max_shift=max_shift)
    best = min_path_cover(ok)
    if max_shift is None or not trips:
        return best
    legs = min(t.lead for t in trips) + min(t.tail for t in trips)
    gap = max_shift - legs
    if gap <= 0:
        return len(trips)  # no bus can serve two trips, and each trip needs its own
    # a bus serving a trip leaves its depot by ``leave`` and is back no earlier than ``back``
    leave = np.array([t.latest_start - t.lead for t in trips])
    back = np.array([t.earliest_end + t.tail for t in trips])
    thresholds = np.unique(leave)
    if thresholds.size > MAX_SPLITS:  # any subset of thresholds keeps the bound valid
        thresholds = thresholds[np.linspace(0, thresholds.size - 1, MAX_SPLITS).astype(int)]
    for a in thresholds:
        is_early = leave <= a
        early = np.flatnonzero(is_early)
        late = np.flatnonzero((back > a + max_shift) & ~is_early)  # both: no bus can serve it
        if late.size == 0:
            break
        split = min_path_cover(ok[np.ix_(early, early)]) + min_path_cover(ok[np.ix_(late, late)])
        best = max(best, split)
    return best
