"""Tests of routing.network.checkpoints: status effects per profile and binding exits to arcs."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest

from routing.network.checkpoints import CheckpointDelays
from routing.network.daynetwork import network_for_day
from routing.network.roads import RoadNetwork
from routing.network.speed import Profile
from stations.embedded import default_exits
from stations.errors import InputError
from stations.model import Exit, ExitKind, ExitStatus
from tests.network_cases import Spot, network_of, one_bridge

B, T, P = Profile.BUS, Profile.TRUCK, Profile.TRUCK_PRIORITY


@pytest.mark.parametrize(
    ("status", "profile", "expected"),
    [
        (ExitStatus.CLOSED, B, (True, 0.0)),
        (ExitStatus.CLOSED, T, (True, 0.0)),
        (ExitStatus.CLOSED, P, (True, 0.0)),
        (ExitStatus.FREIGHT_ONLY, B, (True, 0.0)),
        (ExitStatus.FREIGHT_ONLY, T, (False, 15.0)),
        (ExitStatus.FREIGHT_ONLY, P, (False, 15.0)),
        (ExitStatus.OPEN, B, (False, 15.0)),
        (ExitStatus.OPEN, T, (False, 15.0)),
        (ExitStatus.GREEN_CHANNEL, B, (False, 3.0)),
        (ExitStatus.GREEN_CHANNEL, T, (False, 15.0)),
        (ExitStatus.GREEN_CHANNEL, P, (False, 3.0)),
    ],
)
def test_status_effects(status: ExitStatus, profile: Profile, expected: tuple[bool, float]) -> None:
    """The documented table of what each status does to each profile."""
    ex = Exit("x", "x", 120.55, 31.30, status=status)
    assert CheckpointDelays().effect(ex, profile) == expected


def test_own_delay_overrides_the_status_default() -> None:
    """delay_min replaces the default of the exit's own status."""
    green = Exit("x", "x", 120.55, 31.30, status=ExitStatus.GREEN_CHANNEL, delay_min=1.0)
    assert CheckpointDelays().effect(green, B) == (False, 1.0)
    assert CheckpointDelays(open_min=20.0).effect(green, T) == (False, 20.0)


def test_negative_delay_is_rejected() -> None:
    """Delays and radii must not be negative."""
    with pytest.raises(ValueError, match="must be >= 0"):
        CheckpointDelays(open_min=-1.0)


def test_mid_segment_exit_gates_both_directions_at_its_position() -> None:
    """An exit at 120.535 gates the bridge (120.52-120.58) at 1/4 and, backwards, 3/4."""
    net = one_bridge()
    day = network_for_day(net, [Exit("x", "x", 120.535, 31.30)])
    assert set(net.arc_seg[day.gates.arc].tolist()) == {1}
    by_dir = dict(
        zip(net.arc_forward[day.gates.arc].tolist(), day.gates.fraction.tolist(), strict=True)
    )
    assert by_dir[True] == pytest.approx(0.25)
    assert by_dir[False] == pytest.approx(0.75)


def test_exit_on_a_node_gates_every_arc_entering_it() -> None:
    """An exit within 30 m of node 1 gates arcs 0→1 and 2→1, at their heads."""
    net = one_bridge()
    day = network_for_day(net, [Exit("x", "x", 120.5201, 31.30)])
    assert set(net.arc_head[day.gates.arc].tolist()) == {1}
    assert len(day.gates) == 2
    assert np.all(day.gates.fraction == 1.0)


def test_dual_carriageway_both_carriageways_gated_crossing_road_not() -> None:
    """Two parallel roads 60 m apart both get the checkpoint; a crossing road does not."""
    dlat = 0.06 / 111.195
    points = [
        (120.50, 31.30),
        (120.60, 31.30),
        (120.50, 31.30 + dlat),
        (120.60, 31.30 + dlat),
        (120.55, 31.29),
        (120.55, 31.31),
    ]
    segs = [(0, 1), (2, 3), (0, 2), (1, 3), (4, 5), (0, 4), (5, 3)]
    net = network_of(points, segs)
    day = network_for_day(net, [Exit("x", "x", 120.552, 31.30 + dlat / 2)])
    assert sorted(set(net.arc_seg[day.gates.arc].tolist())) == [0, 1]


def test_exit_far_from_roads_is_input_error_naming_it() -> None:
    """An exit 3 km off the network fails with its id and distance."""
    far = Exit("lost_cp", "lost", 120.55, 31.30 + 3.0 / 111.195)
    with pytest.raises(InputError, match=r"exit 'lost_cp' is 3\.00 km from the nearest road"):
        network_for_day(one_bridge(), [far])


def test_duplicate_exit_ids_are_input_error() -> None:
    """Two exits with one id are reported."""
    ex = Exit("x", "x", 120.55, 31.30)
    with pytest.raises(InputError, match=r"exit_id.*'x'.*more than once"):
        network_for_day(one_bridge(), [ex, ex])


def test_fork_where_carriageways_split_is_gated_on_both_branches() -> None:
    """Two branches leaving node 0 on the same side are both gated; the road behind is not."""
    points = [(120.50, 31.30), (120.55, 31.301), (120.55, 31.299), (120.45, 31.30)]
    net = network_of(points, [(0, 1), (0, 2), (3, 0), (1, 2)])
    day = network_for_day(net, [Exit("x", "x", 120.51, 31.3002)])
    gated = {(int(net.seg_u[s]), int(net.seg_v[s])) for s in net.arc_seg[day.gates.arc].tolist()}
    assert gated == {(0, 1), (0, 2)}


def test_embedded_boundary_checkpoints_all_closed_cut_suzhou_from_wuxi() -> None:
    """Every road out of the prefecture has a checkpoint of the default layer on it."""
    exits = [
        replace(e, status=ExitStatus.CLOSED) if e.kind is ExitKind.BOUNDARY else e
        for e in default_exits().values_list()
    ]
    day = network_for_day(RoadNetwork.embedded(), exits)
    suzhou, wuxi = Spot("suzhou", 120.60668, 31.33188), Spot("wuxi", 120.30181, 31.58981)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = day.matrix([suzhou], [wuxi])
        truck = day.matrix([suzhou], [wuxi], profile=Profile.TRUCK)
        blamed = day.blocking_exits(suzhou, wuxi)
    assert not m.reachable[0, 0] and not truck.reachable[0, 0]
    assert len(blamed) >= 10 and all(b.startswith("bx") for b in blamed)
