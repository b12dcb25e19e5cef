"""Bring-your-own road network: read an OSM extract (.osm XML, .osm.pbf, osmnx GraphML) offline.

Road classes (``highway``) set the speeds, ``oneway`` (and the motorway / roundabout defaults)
makes one-way segments, ``*_link`` ways are marked as ramps and ``highway=motorway_junction``
nodes become exits. Every way is split at every node, so segments are straight and curves are
kept. Ways a bus or truck may not use (``access=no/private``, ``motor_vehicle=no``, classes
outside the speed table) are left out.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np

from routing.network.geo import haversine_km
from routing.network.roads import RoadNetwork
from routing.network.speed import RoadClassSpeeds, VehicleClass
from stations.errors import InputError, InputProblem
from stations.model import Exit, ExitKind

logger = logging.getLogger(__name__)

ATTRIBUTION = "© OpenStreetMap contributors (ODbL 1.0)"
NO_ACCESS = frozenset({"no", "private"})
ONEWAY_YES = frozenset({"yes", "true", "1"})
ONEWAY_NO = frozenset({"no", "false", "0"})
MPH = 1.609344


@dataclass(slots=True)
class _Way:
    refs: list[int]
    highway: str
    oneway: int  # 1 forward, -1 reverse, 0 two-way
    maxspeed_kmh: float | None


@dataclass(slots=True)
class _Extract:
    """What the readers collect: node positions, junction tags and routable ways."""

    positions: dict[int, tuple[float, float]] = field(default_factory=dict)
    junctions: dict[int, Mapping[str, str]] = field(default_factory=dict)
    ways: list[_Way] = field(default_factory=list)


def _file_error(
    name: str, message: str, fix: str, *, column: str | None = None, value: str | None = None
) -> InputError:
    """An input error about a whole road network file."""
    return InputError(InputProblem(name, None, column, value, message, fix))


def parse_maxspeed(value: str | None) -> float | None:
    """A ``maxspeed`` tag in km/h (``"60"``, ``"60 km/h"``, ``"40 mph"``); else ``None``."""
    if not value:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*", value)
    if match is None:
        return None
    kmh = float(match.group(1)) * (MPH if match.group(2) == "mph" else 1.0)
    return kmh if kmh > 0 else None


def oneway_of(tags: Mapping[str, str]) -> int:
    """Direction rule of a way: 1 one-way forward, -1 one-way against the node order, 0 both."""
    value = tags.get("oneway", "").strip().lower()
    if value in ONEWAY_YES:
        return 1
    if value == "-1" or value == "reverse":
        return -1
    if value in ONEWAY_NO:
        return 0
    if tags.get("highway") == "motorway" or tags.get("junction") in ("roundabout", "circular"):
        return 1
    return 0


def _way_of(refs: list[int], tags: Mapping[str, str], speeds: RoadClassSpeeds) -> _Way | None:
    highway = tags.get("highway", "")
    if not speeds.routable(highway) or len(refs) < 2:
        return None
    if tags.get("access") in NO_ACCESS or tags.get("motor_vehicle") in NO_ACCESS:
        return None
    if tags.get("area") == "yes":
        return None
    return _Way(refs, highway, oneway_of(tags), parse_maxspeed(tags.get("maxspeed")))


def _read_xml(path: Path, speeds: RoadClassSpeeds) -> _Extract:
    out = _Extract()
    try:
        for _, elem in ET.iterparse(path, events=("end",)):
            if elem.tag == "node":
                node_id = int(elem.attrib["id"])
                out.positions[node_id] = (float(elem.attrib["lon"]), float(elem.attrib["lat"]))
                tags = {t.attrib["k"]: t.attrib["v"] for t in elem.iter("tag")}
                if tags.get("highway") == "motorway_junction":
                    out.junctions[node_id] = tags
                elem.clear()
            elif elem.tag == "way":
                tags = {t.attrib["k"]: t.attrib["v"] for t in elem.iter("tag")}
                refs = [int(nd.attrib["ref"]) for nd in elem.iter("nd")]
                way = _way_of(refs, tags, speeds)
                if way is not None:
                    out.ways.append(way)
                elem.clear()
            elif elem.tag == "relation":
                elem.clear()
    except (ET.ParseError, KeyError, ValueError) as err:
        raise _file_error(
            path.name,
            f"is not a readable OSM XML file ({err})",
            "export the extract again as .osm XML",
        ) from err
    return out


def _read_pbf(path: Path, speeds: RoadClassSpeeds) -> _Extract:
    try:
        import osmium
    except ImportError as err:  # pragma: no cover - osmium is a declared dependency
        raise _file_error(
            path.name,
            "needs the `osmium` package (pyosmium) to read .osm.pbf",
            "pip install osmium, or convert the extract to .osm XML or GraphML",
        ) from err
    out = _Extract()
    try:
        processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        for obj in processor.with_locations():
            if isinstance(obj, osmium.osm.Node):
                tags = {t.k: t.v for t in obj.tags}
                if tags.get("highway") == "motorway_junction":
                    out.junctions[obj.id] = tags
                    out.positions[obj.id] = (obj.location.lon, obj.location.lat)
            elif isinstance(obj, osmium.osm.Way):
                tags = {t.k: t.v for t in obj.tags}
                refs = [n.ref for n in obj.nodes]
                way = _way_of(refs, tags, speeds)
                if way is None:
                    continue
                for n in obj.nodes:
                    if n.location.valid():
                        out.positions[n.ref] = (n.location.lon, n.location.lat)
                out.ways.append(way)
    except RuntimeError as err:
        raise _file_error(
            path.name, f"is not a readable .osm.pbf file ({err})", "export the extract again"
        ) from err
    return out


def _segments(extract: _Extract) -> Iterator[tuple[int, int, _Way]]:
    """Consecutive node pairs of every way (split where a node position is missing)."""
    for way in extract.ways:
        refs = way.refs[::-1] if way.oneway == -1 else way.refs
        for a, b in pairwise(refs):
            if a != b and a in extract.positions and b in extract.positions:
                yield a, b, way


def _network(extract: _Extract, speeds: RoadClassSpeeds, name: str) -> RoadNetwork:
    pairs = list(_segments(extract))
    if not pairs:
        raise _file_error(
            name,
            "has no routable roads for buses or trucks",
            f"use an extract with highway ways of the classes {', '.join(sorted(speeds.kmh))}",
        )
    ids = sorted({a for a, _, _ in pairs} | {b for _, b, _ in pairs})
    index = {osm: i for i, osm in enumerate(ids)}
    lon = np.array([extract.positions[i][0] for i in ids])
    lat = np.array([extract.positions[i][1] for i in ids])
    u = np.array([index[a] for a, _, _ in pairs], np.int64)
    v = np.array([index[b] for _, b, _ in pairs], np.int64)
    classes = sorted({w.highway for _, _, w in pairs})
    cls_index = {c: i for i, c in enumerate(classes)}
    bus = [speeds.speed(w.highway, VehicleClass.BUS, w.maxspeed_kmh) for _, _, w in pairs]
    truck = [speeds.speed(w.highway, VehicleClass.TRUCK, w.maxspeed_kmh) for _, _, w in pairs]
    junction_nodes: list[int] = []
    junctions: list[Exit] = []
    for osm_id, tags in sorted(extract.junctions.items()):
        if osm_id not in index:
            continue
        label = tags.get("name") or tags.get("ref") or f"junction {osm_id}"
        if tags.get("ref") and tags.get("name"):
            label = f"{tags['name']} ({tags['ref']})"
        junction_nodes.append(index[osm_id])
        junctions.append(
            Exit(
                exit_id=f"osm_{osm_id}",
                name=label,
                lon=extract.positions[osm_id][0],
                lat=extract.positions[osm_id][1],
                kind=ExitKind.JUNCTION,
                source=f"OpenStreetMap node {osm_id} in {name}",
            )
        )
    return RoadNetwork.from_segments(
        lon,
        lat,
        u,
        v,
        haversine_km(lon[u], lat[u], lon[v], lat[v]),
        seg_kmh_bus=bus,
        seg_kmh_truck=truck,
        seg_oneway=[w.oneway != 0 for _, _, w in pairs],
        seg_link=[w.highway.endswith("_link") for _, _, w in pairs],
        seg_class=[cls_index[w.highway] for _, _, w in pairs],
        road_classes=classes,
        junction_nodes=junction_nodes,
        junctions=junctions,
        name=name,
        attribution=ATTRIBUTION,
    )


def _first(value: object) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return "" if value is None else str(value)


def _read_graphml(path: Path, speeds: RoadClassSpeeds) -> _Extract:
    import osmnx

    try:
        graph = osmnx.load_graphml(path)
    except Exception as err:  # osmnx raises many kinds for a malformed file
        raise _file_error(
            path.name,
            f"is not a readable osmnx GraphML file ({err})",
            "save the graph with osmnx.save_graphml",
        ) from err
    out = _Extract()
    for node, data in graph.nodes(data=True):
        if "x" not in data or "y" not in data:
            raise _file_error(
                path.name,
                "node has no x/y position",
                "save the graph with osmnx.save_graphml (unprojected)",
                column="x/y",
                value=str(node),
            )
        out.positions[int(node)] = (float(data["x"]), float(data["y"]))
        if _first(data.get("highway")) == "motorway_junction":
            out.junctions[int(node)] = {
                k: _first(v) for k, v in data.items() if k in ("ref", "name")
            }
    synthetic = -1
    point_ids: dict[tuple[float, float], int] = {}
    for u, v, data in graph.edges(data=True):
        highway = next((h for h in _as_list(data.get("highway")) if speeds.routable(h)), "")
        oneway = bool(data.get("oneway", False))
        if not oneway and int(u) > int(v) and graph.has_edge(v, u):
            continue  # the other direction of a two-way road: one segment is enough
        tags = {"highway": highway, "oneway": "yes" if oneway else "no"}
        maxspeed = min(
            (s for m in _as_list(data.get("maxspeed")) if (s := parse_maxspeed(m)) is not None),
            default=None,
        )
        if maxspeed is not None:
            tags["maxspeed"] = str(maxspeed)
        refs = [int(u)]
        geometry = data.get("geometry")
        if geometry is not None:
            for x, y in list(geometry.coords)[1:-1]:
                key = (round(float(x), 7), round(float(y), 7))
                if key not in point_ids:
                    point_ids[key] = synthetic
                    out.positions[synthetic] = (float(x), float(y))
                    synthetic -= 1
                refs.append(point_ids[key])
        refs.append(int(v))
        way = _way_of(refs, tags, speeds)
        if way is not None:
            out.ways.append(way)
    return out


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def load_osm(path: Path, *, speeds: RoadClassSpeeds | None = None) -> RoadNetwork:
    """Load a user's OSM extract offline: ``.osm`` XML, ``.osm.pbf`` or osmnx GraphML.

    Road classes set the speeds, one-way streets become one-way segments and
    ``highway=motorway_junction`` nodes become the network's junction exits.

    Parameters
    ----------
    path
        The file.
    speeds
        Speeds by ``highway`` class. Default ``RoadClassSpeeds()``.

    Raises
    ------
    InputError
        If the file is missing, of an unknown kind, or has no routable roads.
    """
    speeds = speeds or RoadClassSpeeds()
    path = Path(path)
    if not path.is_file():
        raise _file_error(
            str(path), "does not exist", "give the path of an .osm, .osm.pbf or .graphml file"
        )
    name = path.name
    lowered = name.lower()
    if lowered.endswith((".osm", ".xml")):
        extract = _read_xml(path, speeds)
    elif lowered.endswith(".pbf"):
        extract = _read_pbf(path, speeds)
    elif lowered.endswith(".graphml"):
        extract = _read_graphml(path, speeds)
    else:
        raise _file_error(
            name,
            "is not a road network file this tool reads",
            "give an .osm (XML), .osm.pbf or osmnx .graphml file",
        )
    network = _network(extract, speeds, name)
    logger.info(
        "%s: %d nodes, %d segments, %d junction exits",
        name,
        network.n_nodes,
        network.n_segments,
        len(network.junctions),
    )
    return network
