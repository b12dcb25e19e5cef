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


def small_day(seed: int, count: int, window_h: float) -> tuple[list[BoundTrip], np.ndarray]:
    """``count`` trips of 24 minutes to 2 hours boarding from 05:00-15:00 within
    ``window_h`` hours, drives up to an hour between them, a fifth of the pairs unlinked."""
    rng = np.random.default_rng(seed)
    starts = rng.uniform(5 * HOUR, 15 * HOUR, count)
    trips = []
    for s in starts:
        latest = float(s + rng.uniform(0, window_h * HOUR))
        duration = float(rng.uniform(0.4, 2) * HOUR)
        lead, tail = float(rng.uniform(0, 1800)), float(rng.uniform(0, 1800))
        trips.append(BoundTrip(float(s), latest, duration, lead, tail))
    between = rng.uniform(0, HOUR, (count, count))
    between[rng.random((count, count)) < 0.2] = np.inf
    return trips, between


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.sampled_from([300.0, 600.0]))
def test_the_best_duty_through_a_trip_is_the_forward_pricing_s(
    seed: int, count: int, grid: float
) -> None:
    """Windows of at most 20 minutes, shorter than any trip (no trip can come twice on a
    duty, not even after its own release): the backward pass's best duty through each trip
    is the forward pricing's best once that trip's dual is raised by far more than all the
    others together (less the raise), or there is none through it; the best of them all is
    the forward pricing's best."""
    trips, between = small_day(seed, count, 1 / 3)
    pricing = _Pricing(trips, between, 6 * HOUR, grid, 1800.0)
    y = np.random.default_rng(seed + 1).random(count)
    top = pricing.run(y)
    most = pricing.through(y)
    assert np.isclose(most.max(initial=-np.inf), top, rtol=0, atol=1e-9) or (
        top == 0.0 and not np.isfinite(most).any()
    )
    for i in range(count):
        raised = y.copy()
        raised[i] += 1000.0
        forward = pricing.run(raised) - 1000.0
        if np.isfinite(most[i]):
            assert abs(forward - most[i]) <= 1e-9
        else:
            assert forward < 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_lifted_duals_price_no_duty_above_one(seed: int, count: int) -> None:
    """Any windows (trips may come twice): divided trip by trip by the best duty through
    each, no duty is worth more than 1 and the sum is at least Farley's bound."""
    trips, between = small_day(seed, count, 1.5)
    pricing = _Pricing(trips, between, 6 * HOUR, 300.0, 1800.0)
    y = np.random.default_rng(seed + 1).random(count)
    top = pricing.run(y)
    lifted = pricing.lifted(y)
    assert pricing.run(lifted) <= 1 + 1e-9
    if top > 0:
        assert lifted.sum() >= y.sum() / top - 1e-9
