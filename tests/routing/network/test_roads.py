"""Tests of routing.network.roads: the RoadNetwork arrays, its component rule, graph and loaders."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from routing.network.matrix import encode
from routing.network.roads import RoadNetwork
from routing.network.speed import VehicleClass
from stations.errors import InputError
from tests.network_cases import BUS_KMH, network_of, one_bridge


def test_two_way_segments_give_two_arcs_one_way_one() -> None:
    """3 two-way segments → 6 arcs; making one one-way drops its backward arc."""
    points = [(120.50, 31.30), (120.51, 31.30), (120.51, 31.31)]
    net = network_of(points, [(0, 1), (1, 2), (2, 0)])
    assert net.n_arcs == 6
    one = network_of(points, [(0, 1), (1, 2), (2, 0)], oneway=[True, False, False])
    assert one.n_arcs == 5
    assert one.seg_bwd_arc[0] == -1 and one.seg_fwd_arc[0] >= 0


def test_largest_component_is_kept_and_nodes_renumbered() -> None:
    """A detached segment is dropped with its nodes."""
    points = [(120.50, 31.30), (120.51, 31.30), (120.52, 31.30), (120.70, 31.30), (120.71, 31.30)]
    net = network_of(points, [(0, 1), (1, 2), (3, 4)])
    assert net.n_nodes == 3 and net.n_segments == 2
    assert net.node_lon.max() == pytest.approx(120.52)


def test_one_way_dead_end_is_not_kept() -> None:
    """With one-way streets the strongly connected part is kept: a one-way spur is dropped."""
    points = [(120.50, 31.30), (120.51, 31.30), (120.51, 31.31), (120.53, 31.30)]
    net = network_of(points, [(0, 1), (1, 2), (2, 0), (1, 3)], oneway=[False, False, False, True])
    assert net.n_nodes == 3


def test_no_connected_pair_is_input_error() -> None:
    """Only one-way dead ends: nothing is routable."""
    points = [(120.50, 31.30), (120.51, 31.30)]
    with pytest.raises(InputError, match="no two nodes reach each other"):
        network_of(points, [(0, 1)], oneway=[True])


def test_invariants_are_checked() -> None:
    """Mismatched arrays and loops are refused."""
    net = one_bridge()
    with pytest.raises(ValueError, match="seg_km has shape"):
        RoadNetwork(
            net.node_lon, net.node_lat, net.seg_u, net.seg_v, net.seg_km[:1],
            net.seg_kmh_bus, net.seg_kmh_truck, net.seg_oneway, net.seg_link, net.seg_class,
        )  # fmt: skip
    with pytest.raises(ValueError, match="loops"):
        RoadNetwork(
            net.node_lon, net.node_lat, net.seg_u, net.seg_u, net.seg_km,
            net.seg_kmh_bus, net.seg_kmh_truck, net.seg_oneway, net.seg_link, net.seg_class,
        )  # fmt: skip


def test_arrays_are_read_only() -> None:
    """The network is immutable down to its arrays."""
    net = one_bridge()
    with pytest.raises(ValueError, match="read-only"):
        net.seg_km[0] = 0.0


def test_parallel_arcs_keep_the_faster_weight() -> None:
    """Two segments between the same nodes: the compiled graph keeps the smaller weight."""
    points = [(120.50, 31.30), (120.51, 31.30), (120.51, 31.31)]
    net = network_of(
        points, [(0, 1), (0, 1), (1, 2), (2, 0)], kmh=[BUS_KMH, BUS_KMH / 2, BUS_KMH, BUS_KMH]
    )
    w = encode(net.arc_minutes(VehicleClass.BUS), net.arc_km())
    graph = net.compiled_graph(w)
    assert graph[0, 1] == pytest.approx(float(encode(1.0, net.seg_km[0])), rel=1e-9)
    blocked = w.copy()
    blocked[(net.arc_tail == 0) & (net.arc_head == 1)] = np.inf
    assert net.compiled_graph(blocked)[0, 1] == 0.0  # no arc left


def test_graph_view_has_every_arc_with_times() -> None:
    """The networkx view: one edge per arc with minutes per vehicle class."""
    net = one_bridge()
    g = net.graph
    assert g.number_of_nodes() == 4 and g.number_of_edges() == net.n_arcs
    data = g.get_edge_data(1, 2)
    (attrs,) = data.values()
    assert attrs["minutes_bus"] == pytest.approx(6.0, abs=1e-6)
    assert attrs["minutes_truck"] == pytest.approx(7.5, abs=1e-6)
    assert net.graph is g


def test_embedded_network_loads_the_suzhou_graph() -> None:
    """The package data: the largest component of the shared graph, with attribution."""
    net = RoadNetwork.embedded()
    assert net.n_nodes == 6265 and net.n_segments == 10311
    assert "OpenStreetMap" in net.attribution
    assert RoadNetwork.embedded() is net
    assert net.node_lon.min() >= 119.8 and net.node_lon.max() <= 121.5
    assert net.seg_kmh_bus.min() >= 28.0 and net.seg_kmh_bus.max() <= 70.0
    assert net.junction_exits() == []


def test_network_pickles_without_its_derived_structures() -> None:
    """Dask workers get a copy: the same arrays, rebuilt index, same times."""
    net = one_bridge()
    _ = net.graph
    copy = pickle.loads(pickle.dumps(net))
    assert np.array_equal(copy.seg_km, net.seg_km) and copy.n_arcs == net.n_arcs
    assert np.array_equal(copy.arc_minutes(VehicleClass.BUS), net.arc_minutes(VehicleClass.BUS))
