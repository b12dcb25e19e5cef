"""Tests of routing.network.snap: nearest segment, position along it, off-network distance and
limits."""

from __future__ import annotations

import pytest

from routing.network.snap import snap_places
from stations.errors import InputError, SnapWarning
from tests.network_cases import KM_PER_CENTIDEGREE, Spot, one_bridge

KM_PER_DEG_LAT = 111.195


def test_place_beside_the_road_snaps_to_its_foot_point() -> None:
    """0.3 km north of the bridge at 120.55: segment 1 (the bridge), half-way, 0.3 km off."""
    net = one_bridge()
    snap = snap_places(net, [Spot("p", 120.55, 31.30 + 0.3 / KM_PER_DEG_LAT)])
    s = snap[0]
    assert s.place_id == "p"
    assert (int(net.seg_u[s.segment]), int(net.seg_v[s.segment])) == (1, 2)
    assert s.fraction == pytest.approx(0.5, abs=1e-6)
    assert s.offset_km == pytest.approx(0.3, abs=0.002)
    assert (s.road_lon, s.road_lat) == pytest.approx((120.55, 31.30))
    assert s.node in (1, 2)


def test_snapped_node_is_the_nearer_segment_end() -> None:
    """A place 1 km along a 5.7 km bridge snaps to the bridge's west node."""
    snap = snap_places(one_bridge(), [Spot("p", 120.52 + 1.0 / KM_PER_CENTIDEGREE * 0.01, 31.30)])
    assert snap.node[0] == 1


def test_point_5_km_off_the_network_fails_with_id_and_distance() -> None:
    """5 km north of every road: an InputError naming the place and 5.00 km."""
    far = Spot("far_farm", 120.55, 31.30 + 5.0 / KM_PER_DEG_LAT)
    with pytest.raises(InputError, match=r"place 'far_farm' is 5\.00 km from the nearest road"):
        snap_places(one_bridge(), [Spot("ok", 120.55, 31.30), far])


def test_every_far_point_is_reported_at_once() -> None:
    """Two far points: one error with both ids."""
    a = Spot("far_a", 120.55, 31.30 + 3.0 / KM_PER_DEG_LAT)
    b = Spot("far_b", 120.55, 31.30 - 4.0 / KM_PER_DEG_LAT)
    with pytest.raises(InputError, match=r"(?s)2 input problems.*far_a.*3\.00 km.*far_b.*4\.00 km"):
        snap_places(one_bridge(), [a, b])


def test_point_between_warn_and_max_gives_a_snap_warning() -> None:
    """1.8 km off: snapped, with a SnapWarning naming it."""
    near = Spot("edge_farm", 120.55, 31.30 + 1.8 / KM_PER_DEG_LAT)
    with pytest.warns(SnapWarning, match=r"edge_farm \(1\.80 km\)"):
        snap = snap_places(one_bridge(), [near])
    assert snap.offset_km[0] == pytest.approx(1.8, abs=0.005)


def test_limits_are_configurable() -> None:
    """max_km lets a 3 km point through; warn_km above it keeps quiet."""
    p = Spot("p", 120.55, 31.30 + 3.0 / KM_PER_DEG_LAT)
    snap = snap_places(one_bridge(), [p], max_km=5.0, warn_km=5.0)
    assert len(snap) == 1
    with pytest.raises(ValueError, match="warn_km <= max_km"):
        snap_places(one_bridge(), [p], max_km=1.0, warn_km=2.0)


def test_no_places_give_an_empty_snapping() -> None:
    """An empty list snaps to nothing."""
    assert len(snap_places(one_bridge(), [])) == 0
