"""Tests of routing.network.matrix: packed weights, the compiled many-to-many search,
TravelMatrix."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from routing.errors import UnreachableError
from routing.network.daynetwork import network_for_day
from routing.network.matrix import Connections, TravelMatrix, decode, encode, many_to_many
from routing.network.speed import Profile
from stations.model import ExitStatus
from tests.network_cases import EAST_FACTORY, WEST_STATION, bridge_exit, one_bridge

minutes = st.floats(0.0, 600.0)
kms = st.floats(0.0, 500.0)


@given(st.lists(st.tuples(minutes, kms), min_size=1, max_size=200))
def test_packed_sums_decode_to_summed_times_and_distances(legs: list[tuple[float, float]]) -> None:
    """Sums of packed weights are exact: decoding gives the sums of the rounded parts."""
    packed = encode([t for t, _ in legs], [d for _, d in legs])
    t, d = decode(np.array([packed.sum()]))
    want_t = sum(round(x * 600) for x, _ in legs) / 600
    want_d = sum(round(x * 10_000) for _, x in legs) / 10_000
    assert t[0] == pytest.approx(want_t, abs=1e-9)
    assert d[0] == pytest.approx(want_d, abs=1e-9)


def test_packed_order_is_time_first_then_distance() -> None:
    """A faster route wins over a shorter one; at equal time the shorter wins."""
    assert encode(10.0, 50.0) < encode(10.1, 1.0)
    assert encode(10.0, 1.0) < encode(10.0, 2.0)
    t, d = decode(np.array([np.inf]))
    assert np.isnan(t[0]) and np.isnan(d[0])


def _line_graph() -> csr_matrix:
    """0 → 1 → 2 with packed weights of 1 and 2 minutes (1 km each)."""
    w = encode([1.0, 2.0], [1.0, 1.0])
    return csr_matrix((w, [1, 2], [0, 1, 2, 2]), shape=(3, 3))


def test_many_to_many_uses_both_links_and_reports_inf() -> None:
    """A source linked to node 0, targets reached from 2 or not at all."""
    inf = np.inf
    src = Connections(np.array([[0, 0]]), np.array([[0.0, inf]]))
    tgt = Connections(
        np.array([[2, 0], [0, 0]]), np.array([[float(encode(0.5, 0.0)), inf], [inf, inf]])
    )
    packed = many_to_many(_line_graph(), src, tgt)
    t, d = decode(packed)
    assert t[0, 0] == pytest.approx(3.5) and d[0, 0] == pytest.approx(2.0)
    assert np.isnan(t[0, 1])


def test_landmark_bounds_do_not_change_results() -> None:
    """With and without landmark limits the packed matrix is identical."""
    rng = np.random.default_rng(3)
    n = 60
    tails = rng.integers(0, n, 400)
    heads = rng.integers(0, n, 400)
    keep = tails != heads
    w = encode(rng.uniform(0.1, 5, keep.sum()), rng.uniform(0.1, 3, keep.sum()))
    g = csr_matrix((w, (tails[keep], heads[keep])), shape=(n, n))
    g.sum_duplicates()
    nodes = rng.integers(0, n, (50, 2))
    links = Connections(nodes, encode(rng.uniform(0, 1, (50, 2)), 0.0))
    exact = many_to_many(g, links, links, landmarks=0)
    bounded = many_to_many(g, links, links, landmarks=3)
    assert np.array_equal(exact, bounded)


def test_travel_matrix_checks_shapes_and_nan() -> None:
    """Shapes must match the ids; reachable pairs must have a time."""
    ok = np.ones((1, 1), bool)
    with pytest.raises(ValueError, match="shape"):
        TravelMatrix(("a",), ("b",), Profile.BUS, np.zeros((1, 2)), np.zeros((1, 1)), ok)
    with pytest.raises(ValueError, match="nan times on reachable"):
        TravelMatrix(("a",), ("b",), Profile.BUS, np.full((1, 1), np.nan), np.zeros((1, 1)), ok)


def test_to_matrix_gives_solver_seconds_and_metres() -> None:
    """The square matrix converts to the solver's integer seconds and metres."""
    day = network_for_day(one_bridge(), [bridge_exit(ExitStatus.CLOSED)])
    m = day.matrix([WEST_STATION, EAST_FACTORY])
    solver = m.to_matrix()
    assert solver.time_s.tolist() == [[0, 0], [0, 0]]
    assert solver.reachable.tolist() == [[True, False], [False, True]]
    open_m = network_for_day(one_bridge(), []).matrix([WEST_STATION, EAST_FACTORY]).to_matrix()
    assert open_m.time_s[0, 1] == 600 and open_m.dist_m[0, 1] == pytest.approx(9502, abs=5)
    with pytest.raises(ValueError, match="square"):
        network_for_day(one_bridge(), []).matrix([WEST_STATION], [EAST_FACTORY]).to_matrix()


def test_require_reachable_returns_self_when_all_pairs_have_routes() -> None:
    """No gap: the same matrix comes back; a gap raises with the pairs."""
    m = network_for_day(one_bridge(), []).matrix([WEST_STATION, EAST_FACTORY])
    assert m.require_reachable() is m
    cut = network_for_day(one_bridge(), [bridge_exit(ExitStatus.CLOSED)]).matrix(
        [WEST_STATION, EAST_FACTORY]
    )
    assert cut.unreachable_pairs() == [
        ("west_station", "east_factory"),
        ("east_factory", "west_station"),
    ]
    with pytest.raises(UnreachableError, match="no bus route for west_station → east_factory"):
        cut.require_reachable()


def test_travel_matrix_pickles_and_still_explains_gaps() -> None:
    """A matrix sent to another process still names the exit that cuts a pair."""
    day = network_for_day(one_bridge(), [bridge_exit(ExitStatus.CLOSED)])
    copy = pickle.loads(pickle.dumps(day.matrix([WEST_STATION, EAST_FACTORY])))
    with pytest.raises(UnreachableError, match=r"blocked by exit.*bridge_cp"):
        copy.require_reachable()
