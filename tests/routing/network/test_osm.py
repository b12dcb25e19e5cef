"""Tests of routing.network.osm: reading a hand-written OSM extract as .osm, .osm.pbf and
GraphML."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.network.daynetwork import network_for_day
from routing.network.osm import load_osm, oneway_of, parse_maxspeed
from routing.network.roads import RoadNetwork
from routing.network.speed import Profile
from stations.errors import InputError
from stations.model import ExitKind, ExitStatus
from tests.network_cases import Spot
from tests.paths import DATA

TINY = DATA / "osm" / "tiny.osm"


@pytest.fixture(scope="module")
def tiny() -> RoadNetwork:
    """tests/data/osm/tiny.osm: a motorway with a junction and ramp, a one-way street."""
    return load_osm(TINY)


def _node(net: RoadNetwork, lon: float, lat: float) -> int:
    hit = np.flatnonzero(np.isclose(net.node_lon, lon) & np.isclose(net.node_lat, lat))
    assert hit.size == 1, (lon, lat)
    return int(hit[0])


def _has_arc(net: RoadNetwork, a: int, b: int) -> bool:
    return bool(((net.arc_tail == a) & (net.arc_head == b)).any())


def test_one_way_street_is_one_way(tiny: RoadNetwork) -> None:
    """Residential 9→10 (oneway=yes) has an arc 9→10 and none 10→9."""
    n9, n10 = _node(tiny, 120.605, 31.29), _node(tiny, 120.615, 31.29)
    assert _has_arc(tiny, n9, n10)
    assert not _has_arc(tiny, n10, n9)
    assert tiny.graph.has_edge(n9, n10) and not tiny.graph.has_edge(n10, n9)


def test_one_way_street_makes_the_way_back_longer(tiny: RoadNetwork) -> None:
    """10 → 9 must go round via 8-4-7; 9 → 10 drives straight."""
    a, b = Spot("n9", 120.605, 31.29), Spot("n10", 120.615, 31.29)
    m = network_for_day(tiny, []).matrix([a, b])
    assert m.time_min[1, 0] > 2 * m.time_min[0, 1]


def test_motorway_is_one_way_by_default_and_classes_are_kept(tiny: RoadNetwork) -> None:
    """The motorway has no oneway tag but is one-way; road classes come from highway."""
    n1, n2 = _node(tiny, 120.60, 31.30), _node(tiny, 120.61, 31.30)
    assert _has_arc(tiny, n1, n2) and not _has_arc(tiny, n2, n1)
    assert tiny.road_classes == ("motorway", "motorway_link", "primary", "residential", "secondary")
    assert tiny.attribution.startswith("© OpenStreetMap contributors")


def test_unroutable_and_detached_ways_are_left_out(tiny: RoadNetwork) -> None:
    """Footway, private service road and the detached street are not in the network."""
    assert tiny.n_nodes == 8
    assert tiny.n_segments == 10
    assert not np.isclose(tiny.node_lat, 31.285).any()  # node 11: private service road only
    assert not np.isclose(tiny.node_lon, 120.65).any()  # node 20: detached street


def test_maxspeed_caps_the_class_speed(tiny: RoadNetwork) -> None:
    """Primary is 40 km/h for buses, capped to its maxspeed 30."""
    primary = tiny.road_classes.index("primary")
    assert set(tiny.seg_kmh_bus[tiny.seg_class == primary].tolist()) == {30.0}
    motorway = tiny.road_classes.index("motorway")
    assert set(tiny.seg_kmh_bus[tiny.seg_class == motorway].tolist()) == {80.0}


def test_motorway_junction_becomes_an_exit(tiny: RoadNetwork) -> None:
    """Node 2 (highway=motorway_junction, name 测试枢纽, ref 5) is an open junction exit."""
    (ex,) = tiny.junction_exits()
    assert ex.exit_id == "osm_2"
    assert ex.name == "测试枢纽 (5)"
    assert ex.kind is ExitKind.JUNCTION
    assert (ex.lon, ex.lat) == (120.61, 31.30)


def test_closed_junction_gates_the_ramp_not_the_motorway(tiny: RoadNetwork) -> None:
    """Closing the junction stops the off-ramp but not through traffic 1 → 3."""
    (ex,) = tiny.junction_exits()
    closed = network_for_day(tiny, [replace(ex, status=ExitStatus.CLOSED)])
    ramp = tiny.road_classes.index("motorway_link")
    assert set(tiny.seg_class[tiny.arc_seg[closed.gates.arc]].tolist()) == {ramp}
    a, b = Spot("west_end", 120.60, 31.30), Spot("east_end", 120.62, 31.30)
    free = network_for_day(tiny, []).matrix([a], [b]).time_min[0, 0]
    assert closed.matrix([a], [b]).time_min[0, 0] == pytest.approx(free)


def test_pbf_gives_the_same_network(tiny: RoadNetwork, tmp_path: Path) -> None:
    """The same extract written as .osm.pbf (by pyosmium) loads to identical arrays."""
    import osmium

    pbf = tmp_path / "tiny.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(TINY)):
            writer.add(obj)
    net = load_osm(pbf)
    for name in ("node_lon", "node_lat", "seg_u", "seg_v", "seg_oneway", "seg_kmh_bus"):
        assert np.array_equal(getattr(net, name), getattr(tiny, name)), name
    assert [e.exit_id for e in net.junction_exits()] == ["osm_2"]


def test_graphml_from_osmnx_keeps_one_way_streets(tmp_path: Path) -> None:
    """osmnx's graph of the extract, saved as GraphML, loads with the one-way street intact."""
    import osmnx

    graph = osmnx.graph_from_xml(TINY, simplify=False, retain_all=True)
    path = tmp_path / "tiny.graphml"
    osmnx.save_graphml(graph, path)
    net = load_osm(path)
    n9, n10 = _node(net, 120.605, 31.29), _node(net, 120.615, 31.29)
    assert _has_arc(net, n9, n10) and not _has_arc(net, n10, n9)
    assert "motorway" in net.road_classes


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("roads.shp", "x", r"roads\.shp.*not a road network file.*\.osm"),
        ("broken.osm", "<osm><node id='1'", r"broken\.osm.*not a readable OSM XML"),
        ("paths.osm", "<osm><node id='1' lat='31.3' lon='120.6'/></osm>", r"no routable roads"),
    ],
)
def test_bad_files_are_input_errors(tmp_path: Path, name: str, content: str, match: str) -> None:
    """Unknown kinds, broken XML and files without roads fail with the file name and a fix."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        load_osm(path)


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    """A path that does not exist is named."""
    with pytest.raises(InputError, match=r"nowhere\.osm.*does not exist"):
        load_osm(tmp_path / "nowhere.osm")


@given(st.integers(1, 300))
def test_maxspeed_parses_numbers_and_units(kmh: int) -> None:
    """Plain numbers and km/h are km/h; mph converts; words are unknown."""
    assert parse_maxspeed(str(kmh)) == kmh
    assert parse_maxspeed(f"{kmh} km/h") == kmh
    assert parse_maxspeed(f"{kmh} mph") == pytest.approx(kmh * 1.609344)
    assert parse_maxspeed("CN:urban") is None


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "primary"}, 0),
        ({"highway": "primary", "oneway": "yes"}, 1),
        ({"highway": "primary", "oneway": "-1"}, -1),
        ({"highway": "motorway"}, 1),
        ({"highway": "motorway", "oneway": "no"}, 0),
        ({"highway": "secondary", "junction": "roundabout"}, 1),
    ],
)
def test_oneway_rules(tags: dict[str, str], expected: int) -> None:
    """OSM's oneway defaults: motorways and roundabouts are one-way unless tagged otherwise."""
    assert oneway_of(tags) == expected


def test_profiles_use_class_speeds(tiny: RoadNetwork) -> None:
    """Trucks are slower than buses on the motorway of the extract."""
    a, b = Spot("west_end", 120.60, 31.30), Spot("east_end", 120.62, 31.30)
    day = network_for_day(tiny, [])
    bus = day.matrix([a], [b], profile=Profile.BUS).time_min[0, 0]
    truck = day.matrix([a], [b], profile=Profile.TRUCK).time_min[0, 0]
    assert truck > bus
