"""routing.vrp.bounds.duty_kernels: the compiled loops against plain numpy on small days."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.vrp.bounds.duty import _Pricing
from routing.vrp.bounds.duty_kernels import predecessors
from routing.vrp.bounds.path_cover import BoundTrip

HOUR = 3600.0


def plain_predecessors(pricing: _Pricing, node: int, g: int) -> list[int]:
    """The last usable node of each trip not yet released by slot ``g``, in trip order."""
    src = g - pricing.gap[:, pricing.trip[node]]
    recent = (pricing.release < 0) | (pricing.hi + pricing.release > g)
    before = np.flatnonzero(np.isfinite(src) & (src >= pricing.lo) & recent)
    last = np.minimum(src[before].astype(np.int64), pricing.hi[before])
    return (pricing.offset[before] + last - pricing.lo[before]).tolist()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 12), st.sampled_from([300.0, 600.0]))
def test_predecessors_are_those_of_the_plain_loop(seed: int, count: int, grid: float) -> None:
    """Random trips, some pairs that cannot follow each other: every slot's predecessor
    lists are the plain loop's, node by node."""
    rng = np.random.default_rng(seed)
    starts = rng.uniform(5 * HOUR, 15 * HOUR, count)
    trips = [
        BoundTrip(float(s), float(s + rng.uniform(0, HOUR)), float(rng.uniform(0.4, 2) * HOUR))
        for s in starts
    ]
    between = rng.uniform(0, HOUR, (count, count))
    between[rng.random((count, count)) < 0.2] = np.inf
    pricing = _Pricing(trips, between, 10 * HOUR, grid, 1800.0)
    for g in np.unique(pricing.slot):
        nodes = np.flatnonzero(pricing.slot == g).astype(np.int64)
        counts = np.zeros(nodes.size, np.int64)
        out = np.empty(nodes.size * count, np.int64)
        predecessors(
            nodes, int(g), pricing.trip, pricing.gap, pricing.lo, pricing.hi,
            pricing.release, pricing.offset, counts, out,
        )  # fmt: skip
        at = 0
        for k, node in enumerate(nodes.tolist()):
            assert out[at : at + counts[k]].tolist() == plain_predecessors(pricing, node, int(g))
            at += int(counts[k])
