"""Tests of routing.network.daynetwork: travel times, reachability and route geometry per exit
status."""

from __future__ import annotations

import warnings
from itertools import pairwise

import networkx as nx
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from routing.errors import UnreachableError
from routing.network.checkpoints import CheckpointDelays
from routing.network.daynetwork import network_for_day
from routing.network.matrix import decode, encode
from routing.network.roads import RoadNetwork
from routing.network.snap import snap_places
from routing.network.speed import Profile
from stations.errors import InputError
from stations.model import Exit, ExitStatus
from tests.network_cases import (
    EAST_FACTORY,
    WEST_STATION,
    Spot,
    bridge_exit,
    network_of,
    one_bridge,
    two_bridges,
)


def _time(net: RoadNetwork, exits: list[Exit], profile: Profile = Profile.BUS) -> float:
    day = network_for_day(net, exits)
    return float(day.matrix([WEST_STATION], [EAST_FACTORY], profile=profile).time_min[0, 0])


def test_open_network_time_is_hand_checked() -> None:
    """0.10° of longitude at 1 min per 0.01°: 10 minutes, 9.502 km."""
    m = network_for_day(one_bridge(), []).matrix([WEST_STATION], [EAST_FACTORY])
    assert m.time_min[0, 0] == pytest.approx(10.0, abs=0.01)
    assert m.dist_km[0, 0] == pytest.approx(9.502, abs=0.01)


def test_closed_checkpoint_on_only_road_makes_points_unreachable_and_names_them() -> None:
    """Closing the bridge checkpoint cuts west from east; the error names both and the exit."""
    day = network_for_day(one_bridge(), [bridge_exit(ExitStatus.CLOSED)])
    m = day.matrix([WEST_STATION, EAST_FACTORY])
    assert not m.reachable[0, 1] and not m.reachable[1, 0]
    assert m.reachable[0, 0] and m.reachable[1, 1]
    assert np.isnan(m.time_min[0, 1]) and np.isnan(m.dist_km[0, 1])
    with pytest.raises(UnreachableError, match=r"west_station → east_factory.*bridge_cp") as info:
        m.require_reachable()
    assert ("east_factory", "west_station") in info.value.pairs
    assert info.value.blocked_by == ("bridge_cp",)


def test_green_channel_is_shorter_than_open_on_same_path() -> None:
    """Open adds 15 min, green channel 3 min for a bus."""
    open_t = _time(one_bridge(), [bridge_exit(ExitStatus.OPEN)])
    green_t = _time(one_bridge(), [bridge_exit(ExitStatus.GREEN_CHANNEL)])
    assert green_t < open_t
    assert open_t - green_t == pytest.approx(12.0, abs=0.01)
    assert open_t == pytest.approx(25.0, abs=0.01)


def test_green_channel_gives_short_delay_only_to_priority_trucks() -> None:
    """A non-priority truck waits the open delay at a green channel."""
    green = [bridge_exit(ExitStatus.GREEN_CHANNEL)]
    free = _time(one_bridge(), [], Profile.TRUCK)
    assert _time(one_bridge(), green, Profile.TRUCK) - free == pytest.approx(15.0, abs=0.01)
    priority = _time(one_bridge(), green, Profile.TRUCK_PRIORITY)
    assert priority - free == pytest.approx(3.0, abs=0.01)


def test_freight_only_blocks_bus_but_not_truck() -> None:
    """Freight-only: no bus route; trucks pass with the open delay."""
    day = network_for_day(one_bridge(), [bridge_exit(ExitStatus.FREIGHT_ONLY)])
    bus = day.matrix([WEST_STATION], [EAST_FACTORY], profile=Profile.BUS)
    truck = day.matrix([WEST_STATION], [EAST_FACTORY], profile=Profile.TRUCK)
    assert not bus.reachable[0, 0]
    assert truck.reachable[0, 0]
    free = _time(one_bridge(), [], Profile.TRUCK)
    assert truck.time_min[0, 0] - free == pytest.approx(15.0, abs=0.01)
    with pytest.raises(UnreachableError, match=r"no bus route .*freight|bridge_cp"):
        bus.require_reachable()


def test_exit_delay_min_overrides_default() -> None:
    """An exit's own delay_min replaces the 15-minute default."""
    ex = Exit("bridge_cp", "bridge", 120.55, 31.30, status=ExitStatus.OPEN, delay_min=40.0)
    assert _time(one_bridge(), [ex]) == pytest.approx(50.0, abs=0.01)


def test_closure_with_detour_is_slower_and_blames_nothing() -> None:
    """Two bridges: closing the southern one forces the longer northern one."""
    south = bridge_exit(ExitStatus.CLOSED, exit_id="south_cp")
    free = _time(two_bridges(), [])
    detour = _time(two_bridges(), [south])
    assert detour > free + 4.0
    day = network_for_day(two_bridges(), [south])
    assert day.blocking_exits(WEST_STATION, EAST_FACTORY) == ()


def test_blocking_exits_names_each_exit_that_alone_restores_a_route() -> None:
    """Both bridges closed: opening either one would restore a route."""
    exits = [
        bridge_exit(ExitStatus.CLOSED, exit_id="south_cp"),
        bridge_exit(ExitStatus.CLOSED, exit_id="north_cp", lat=31.32),
    ]
    day = network_for_day(two_bridges(), exits)
    assert day.blocking_exits(WEST_STATION, EAST_FACTORY) == ("south_cp", "north_cp")
    with pytest.raises(UnreachableError, match=r"blocked by exit\(s\) south_cp, north_cp"):
        day.matrix([WEST_STATION], [EAST_FACTORY]).require_reachable()


def test_blocking_exits_minimal_set_when_no_single_exit_suffices() -> None:
    """Closed at both ends of the only road: both must open together (trucks: one)."""
    west = Exit("west_cp", "west", 120.51, 31.30, status=ExitStatus.CLOSED)
    east = Exit("east_cp", "east", 120.59, 31.30, status=ExitStatus.FREIGHT_ONLY)
    day = network_for_day(one_bridge(), [west, east])
    assert day.blocking_exits(WEST_STATION, EAST_FACTORY) == ("west_cp", "east_cp")
    assert day.blocking_exits(WEST_STATION, EAST_FACTORY, profile=Profile.TRUCK) == ("west_cp",)


def test_node_checkpoint_delay_counts_once_per_passage() -> None:
    """A checkpoint standing on a junction node delays a through trip once."""
    at_node = Exit("node_cp", "node", 120.52, 31.30, status=ExitStatus.OPEN)
    assert _time(one_bridge(), [at_node]) == pytest.approx(25.0, abs=0.01)


def test_place_beside_checkpoint_on_its_segment_passes_it_once() -> None:
    """Places on the gated bridge segment, either side of the checkpoint: one delay."""
    a, b = Spot("a", 120.53, 31.30), Spot("b", 120.57, 31.30)
    day = network_for_day(one_bridge(), [bridge_exit(ExitStatus.OPEN)])
    m = day.matrix([a, b])
    assert m.time_min[0, 1] == pytest.approx(4.0 + 15.0, abs=0.01)
    assert m.time_min[1, 0] == pytest.approx(4.0 + 15.0, abs=0.01)
    closed = network_for_day(one_bridge(), [bridge_exit(ExitStatus.CLOSED)]).matrix([a, b])
    assert not closed.reachable[0, 1]


def test_places_on_one_segment_drive_along_it() -> None:
    """Same segment, no checkpoint between: drive straight along it; a place to itself is 0."""
    a, b = Spot("a", 120.53, 31.30), Spot("b", 120.55, 31.30)
    m = network_for_day(one_bridge(), []).matrix([a, b])
    assert m.time_min[0, 1] == pytest.approx(2.0, abs=0.01)
    assert m.time_min[0, 0] == 0.0


def test_neighbours_off_the_road_use_a_local_leg() -> None:
    """Two places 0.4 km off the road and 0.1 km apart do not drive via the road."""
    off = 0.4 / 111.195
    a, b = Spot("a", 120.53, 31.30 + off), Spot("b", 120.531, 31.30 + off)
    m = network_for_day(one_bridge(), []).matrix([a], [b])
    straight = 0.09502
    assert m.time_min[0, 0] == pytest.approx(straight * 1.3 / 20.0 * 60.0, abs=0.01)


def test_access_legs_are_added_at_both_ends() -> None:
    """Offsets of 0.2 km at each end add 2 x 0.2 x 1.3 / 20 km/h = 1.56 minutes."""
    off = 0.2 / 111.195  # 0.2 km north / south of the road, in degrees of latitude
    a, b = Spot("a", 120.50, 31.30 + off), Spot("b", 120.60, 31.30 - off)
    m = network_for_day(one_bridge(), []).matrix([a], [b])
    assert m.time_min[0, 0] == pytest.approx(10.0 + 1.56, abs=0.02)
    assert m.dist_km[0, 0] == pytest.approx(9.502 + 0.52, abs=0.02)


def test_snapping_too_far_inside_matrix_is_input_error() -> None:
    """A place 5 km from every road fails the matrix with its id."""
    far = Spot("far_farm", 120.55, 31.345)
    with pytest.raises(InputError, match=r"far_farm.*5\.0\d km"):
        network_for_day(one_bridge(), []).matrix([WEST_STATION, far])


def test_path_follows_the_roads_and_starts_and_ends_at_the_places() -> None:
    """The southern route's geometry: place, nodes, place."""
    path = network_for_day(two_bridges(), []).path(WEST_STATION, EAST_FACTORY)
    assert path[0] == (WEST_STATION.lon, WEST_STATION.lat)
    assert path[-1] == (EAST_FACTORY.lon, EAST_FACTORY.lat)
    assert (120.52, 31.30) in path and (120.58, 31.30) in path
    assert all(lat == 31.30 for _, lat in path)


def test_path_takes_the_detour_when_a_bridge_is_closed() -> None:
    """With the south bridge closed the path runs through the northern nodes."""
    day = network_for_day(two_bridges(), [bridge_exit(ExitStatus.CLOSED, exit_id="south_cp")])
    path = day.path(WEST_STATION, EAST_FACTORY)
    assert (120.52, 31.32) in path and (120.58, 31.32) in path


def test_path_of_unreachable_pair_raises_with_exit() -> None:
    """No geometry for a cut pair: an UnreachableError naming the exit."""
    day = network_for_day(one_bridge(), [bridge_exit(ExitStatus.CLOSED)])
    with pytest.raises(UnreachableError, match="bridge_cp"):
        day.path(WEST_STATION, EAST_FACTORY)


def test_batched_paths_equal_single_paths() -> None:
    """paths() (one Dijkstra per source) gives the same polylines as path()."""
    day = network_for_day(two_bridges(), [bridge_exit(ExitStatus.OPEN, exit_id="south_cp")])
    places = [WEST_STATION, EAST_FACTORY, Spot("north", 120.55, 31.321)]
    batch = day.paths(places, places)
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            assert batch[i][j] == day.path(a, b)


def test_paths_of_wanted_pairs_only() -> None:
    """With ``wanted`` only those pairs get geometry (the same as alone); a cut pair not
    wanted raises nothing."""
    day = network_for_day(one_bridge(), [bridge_exit(ExitStatus.CLOSED)])
    west = Spot("west_shop", 120.51, 31.30)
    places = [WEST_STATION, west, EAST_FACTORY]
    batch = day.paths(places, places, wanted=[{1}, {0}, set()])
    assert batch[0][1] == day.path(WEST_STATION, west) and batch[1][0] == day.path(
        west, WEST_STATION
    )
    assert batch[0][2] == [] and batch[2] == [[], [], []]
    with pytest.raises(UnreachableError, match="bridge_cp"):
        day.paths(places, places, wanted=[{2}, set(), set()])


def test_with_exits_replaces_statuses() -> None:
    """A scenario by replacement: the base day is unchanged."""
    base = network_for_day(one_bridge(), [bridge_exit(ExitStatus.OPEN)])
    closed = base.with_exits([bridge_exit(ExitStatus.CLOSED)])
    assert base.matrix([WEST_STATION], [EAST_FACTORY]).reachable[0, 0]
    assert not closed.matrix([WEST_STATION], [EAST_FACTORY]).reachable[0, 0]


def test_one_way_segment_end_place_joins_the_node() -> None:
    """A place at the start node of one-way street 1→0 may leave along one-way street 1→2."""
    points = [(120.50, 31.30), (120.51, 31.30), (120.52, 31.30), (120.51, 31.31)]
    segments = [(1, 0), (0, 3), (3, 1), (1, 2), (2, 3)]
    net = network_of(points, segments, oneway=[True] * 5)
    at1 = Spot("at1", 120.5099999, 31.30)  # nearest segment: 1→0, a centimetre from node 1
    assert snap_places(net, [at1]).segment[0] == 0
    m = network_for_day(net, []).matrix([at1], [Spot("at2", 120.52, 31.30)])
    assert m.time_min[0, 0] == pytest.approx(1.0, abs=0.01)


# ------------------------------------------------------------------- against networkx


@st.composite
def small_networks(draw: st.DrawFn) -> tuple[RoadNetwork, list[Spot]]:
    """Random small networks on a 0.01° grid with random one-way flags and speeds."""
    n = draw(st.integers(3, 8))
    cell = st.tuples(st.integers(0, 6), st.integers(0, 6))
    cells = draw(st.lists(cell, min_size=n, max_size=n, unique=True))
    points = [(120.50 + 0.01 * x, 31.30 + 0.01 * y) for x, y in cells]
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    ring = [(i, (i + 1) % n) for i in range(n)]  # two-way ring: everything stays connected
    pairs = ring + draw(st.lists(pair, min_size=0, max_size=2 * n))
    extra = len(pairs) - n
    oneway = [False] * n + draw(st.lists(st.booleans(), min_size=extra, max_size=extra))
    kmh = draw(st.lists(st.floats(10, 90), min_size=len(pairs), max_size=len(pairs)))
    net = network_of(points, pairs, oneway=oneway, kmh=kmh)
    spots = [
        Spot(f"n{i}", float(net.node_lon[i]), float(net.node_lat[i])) for i in range(net.n_nodes)
    ]
    return net, spots


@settings(max_examples=40, deadline=None)
@given(small_networks())
def test_matrix_agrees_with_networkx_dijkstra(case: tuple[RoadNetwork, list[Spot]]) -> None:
    """Node-to-node times and fastest-route distances equal networkx's on the same graph."""
    net, spots = case
    ends = snap_places(net, spots).fraction
    assume(bool(np.all((ends < 1e-9) | (ends > 1 - 1e-9))))  # no node inside another segment
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = network_for_day(net, []).matrix(spots)
    g = nx.DiGraph()
    for _, _, a, data in net.graph.edges(keys=True, data=True):
        tail, head = int(net.arc_tail[a]), int(net.arc_head[a])
        w = float(encode(data["minutes_bus"], data["length_km"]))
        if not g.has_edge(tail, head) or g[tail][head]["w"] > w:
            g.add_edge(tail, head, w=w)
    for i in range(net.n_nodes):
        packed = nx.single_source_dijkstra_path_length(g, i, weight="w")
        for j in range(net.n_nodes):
            if i == j:
                continue
            assert m.reachable[i, j]  # the kept component is strongly connected
            t, d = decode(np.array([packed[j]]))
            assert m.time_min[i, j] == pytest.approx(t[0], abs=1e-6)
            assert m.dist_km[i, j] == pytest.approx(d[0], abs=1e-6)


# ------------------------------------------------------------------- embedded Suzhou graph

SUZHOU = Spot("suzhou", 120.60668, 31.33188)
SUZHOU_NORTH = Spot("suzhou_north", 120.63893, 31.42372)
SUZHOU_IP = Spot("suzhou_ip", 120.7066, 31.34265)
KUNSHAN_SOUTH = Spot("kunshan_south", 120.94647, 31.35515)


def test_embedded_drive_times_between_real_stations_are_plausible() -> None:
    """Suzhou → Suzhou North 15-40 min; longer trips take longer; speeds stay sane."""
    day = network_for_day(RoadNetwork.embedded(), [])
    places = [SUZHOU, SUZHOU_NORTH, SUZHOU_IP, KUNSHAN_SOUTH]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = day.matrix(places).require_reachable()
        truck = day.matrix(places, profile=Profile.TRUCK)
    assert 15.0 <= m.time_min[0, 1] <= 40.0
    assert m.time_min[0, 3] > m.time_min[0, 2]
    off = ~np.eye(4, dtype=bool)
    lon = np.array([p.lon for p in places])
    lat = np.array([p.lat for p in places])
    crow_km = np.hypot((lon[:, None] - lon) * 95.0, (lat[:, None] - lat) * 111.0)
    assert (m.dist_km[off] > crow_km[off] * 0.99).all()  # a route is never shorter than a crow
    mean_kmh = m.dist_km[off] / (m.time_min[off] / 60.0)
    assert ((mean_kmh > 20.0) & (mean_kmh < 90.0)).all()
    assert (truck.time_min[off] > m.time_min[off]).all()


def test_embedded_closed_checkpoint_on_real_road_lengthens_or_cuts_trip() -> None:
    """Closing a checkpoint on the fastest route never makes the trip faster."""
    day = network_for_day(RoadNetwork.embedded(), [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = day.path(SUZHOU, SUZHOU_NORTH)
        mid = path[len(path) // 2]
        closed = Exit("on_route", "on route", mid[0], mid[1], status=ExitStatus.CLOSED)
        before = day.matrix([SUZHOU], [SUZHOU_NORTH]).time_min[0, 0]
        after = day.with_exits([closed]).matrix([SUZHOU], [SUZHOU_NORTH])
    assert not after.reachable[0, 0] or after.time_min[0, 0] > before


@st.composite
def gated_networks(
    draw: st.DrawFn,
) -> tuple[RoadNetwork, list[Spot], list[Exit], list[tuple[int, float]], list[tuple[int, float]]]:
    """A random lattice of ~1 km roads with places and checkpoints inside its segments."""
    cols, rows = 4, 3
    points = [(120.50 + 0.01 * c, 31.30 + 0.01 * r) for r in range(rows) for c in range(cols)]
    lattice = [(r * cols + c, r * cols + c + 1) for r in range(rows) for c in range(cols - 1)]
    lattice += [(r * cols + c, (r + 1) * cols + c) for r in range(rows - 1) for c in range(cols)]
    kept = [e for e in lattice if draw(st.booleans()) or e[0] % 3 == 0]
    oneway = draw(st.lists(st.booleans(), min_size=len(kept), max_size=len(kept)))
    kmh = draw(st.lists(st.floats(10, 90), min_size=len(kept), max_size=len(kept)))
    try:
        net = network_of(points, kept, oneway=oneway, kmh=kmh)
    except InputError:
        assume(False)
        raise
    long = list(range(net.n_segments))
    assume(len(long) >= 2)
    seg = st.sampled_from(long)
    frac = st.floats(0.15, 0.85)
    spots_at = draw(st.lists(st.tuples(seg, frac), min_size=2, max_size=5))
    exits_at = draw(st.lists(st.tuples(seg, frac), min_size=1, max_size=3))
    statuses = draw(
        st.lists(st.sampled_from(list(ExitStatus)), min_size=len(exits_at), max_size=len(exits_at))
    )

    def point(s: int, f: float) -> tuple[float, float]:
        u, v = int(net.seg_u[s]), int(net.seg_v[s])
        lon = net.node_lon[u] + f * (net.node_lon[v] - net.node_lon[u])
        lat = net.node_lat[u] + f * (net.node_lat[v] - net.node_lat[u])
        return float(lon), float(lat)

    spots = [Spot(f"p{i}", *point(s, f)) for i, (s, f) in enumerate(spots_at)]
    exits = [
        Exit(f"x{i}", f"x{i}", *point(s, f), status=status)
        for i, ((s, f), status) in enumerate(zip(exits_at, statuses, strict=True))
    ]
    return net, spots, exits, spots_at, exits_at


@settings(max_examples=40, deadline=None)
@given(gated_networks())
def test_places_and_checkpoints_inside_segments_agree_with_a_split_graph(
    case: tuple[
        RoadNetwork, list[Spot], list[Exit], list[tuple[int, float]], list[tuple[int, float]]
    ],
) -> None:
    """Against networkx on the graph split at every place: checkpoints gate the piece they
    stand on (delay or block), places are nodes; bus times agree."""
    net, spots, exits, spots_at, exits_at = case
    snap = snap_places(net, spots, warn_km=1.0)
    assume(all(int(snap.segment[i]) == s for i, (s, _) in enumerate(spots_at)))
    found = snap_places(net, exits, warn_km=1.0)
    assume(all(int(found.segment[i]) == s for i, (s, _) in enumerate(exits_at)))
    assume(len({round(f, 3) for _, f in spots_at + exits_at}) == len(spots_at) + len(exits_at))
    delays = CheckpointDelays(pair_km=0.0)
    day = network_for_day(net, exits, delays=delays)
    m = day.matrix(spots)
    g = nx.MultiDiGraph()
    for s in range(net.n_segments):
        cuts = sorted([(f, ("p", i)) for i, (t, f) in enumerate(spots_at) if t == s])
        chain = [(0.0, int(net.seg_u[s])), *cuts, (1.0, int(net.seg_v[s]))]
        minutes = float(net.seg_km[s] / net.seg_kmh_bus[s] * 60.0)
        for (f0, a), (f1, b) in pairwise(chain):
            on = [i for i, (t, f) in enumerate(exits_at) if t == s and f0 < f < f1]
            effects = [delays.effect(exits[i], Profile.BUS) for i in on]
            if any(blocked for blocked, _ in effects):
                continue
            w = float(
                encode(minutes * (f1 - f0) + sum(d for _, d in effects), net.seg_km[s] * (f1 - f0))
            )
            g.add_edge(a, b, w=w)
            if not net.seg_oneway[s]:
                g.add_edge(b, a, w=w)
    for i in range(len(spots)):
        packed = (
            nx.single_source_dijkstra_path_length(g, ("p", i), weight="w") if ("p", i) in g else {}
        )
        for j in range(len(spots)):
            if i == j:
                continue
            if ("p", j) not in packed:
                assert not m.reachable[i, j]
                continue
            t, _ = decode(np.array([packed[("p", j)]]))
            assert m.time_min[i, j] == pytest.approx(t[0], abs=0.01)
