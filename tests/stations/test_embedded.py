"""Tests for stations.embedded: the shipped default places and their provenance."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from stations.embedded import (
    ATTRIBUTION,
    data_path,
    default_districts,
    default_exits,
    default_stations,
    railway_lines,
)
from stations.model import ExitKind, ExitStatus, StationKind

STATION_IDS = [
    "suzhou",
    "suzhou_north",
    "suzhou_industrial_park",
    "suzhou_new_district",
    "kunshan_south",
    "yangchenghu",
    "huaqiao",
    "wuxi",
    "wuxi_east",
    "wuxi_new_district",
]
TO_METRES = Transformer.from_crs(4326, 32651, always_xy=True)


def _metres(geometry: BaseGeometry) -> BaseGeometry:
    """``geometry`` in UTM 51N (metres)."""

    def move(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.column_stack(TO_METRES.transform(xy[:, 0], xy[:, 1]))

    return shapely.transform(geometry, move)


def test_ten_railway_stations_with_stable_ids() -> None:
    stations = default_stations()
    assert list(stations) == STATION_IDS
    assert all(s.kind is StationKind.RAIL for s in stations.values())
    assert stations["suzhou"].name_zh == "苏州站"
    assert "OpenStreetMap" in stations["suzhou"].source


def test_suzhou_stations_lie_in_the_prefecture_and_wuxi_ones_outside() -> None:
    prefecture = default_districts()["suzhou"].geometry
    for station in default_stations().values():
        inside = prefecture.contains(Point(station.lon, station.lat))
        assert inside is not station.station_id.startswith("wuxi"), station.station_id


def test_districts_prefecture_counties_and_industrial_park() -> None:
    districts = default_districts()
    levels = [d.level for d in districts.values()]
    assert levels.count("prefecture") == 1 and levels.count("county") == 9
    assert districts["suzhou_industrial_park"].level == "development_zone"
    assert districts["suzhou"].code == "320500" and districts["gusu"].code == "320508"
    assert all(d.geometry.is_valid for d in districts.values())
    counties = [d.geometry for d in districts.values() if d.level == "county"]
    # the counties tile the prefecture: no gaps, no overlaps
    union = shapely.union_all(counties)
    assert union.symmetric_difference(districts["suzhou"].geometry).area < 1e-8
    assert sum(c.area for c in counties) == pytest.approx(union.area, rel=1e-6)
    area_km2 = _metres(districts["suzhou"].geometry).area / 1e6
    assert area_km2 == pytest.approx(8633, rel=0.01)  # the source outline's area
    park = districts["suzhou_industrial_park"].geometry
    assert districts["suzhou"].geometry.contains(park.representative_point())


def test_checkpoint_layer_junctions_and_boundary_crossings() -> None:
    exits = default_exits()
    junctions = [e for e in exits.values() if e.kind is ExitKind.JUNCTION]
    boundary = [e for e in exits.values() if e.kind is ExitKind.BOUNDARY]
    assert len(junctions) == 5 and len(boundary) == len(exits) - 5
    assert all(e.status is ExitStatus.OPEN for e in exits.values())
    assert all(not e.illustrative and re.fullmatch(r"osm\d+", e.exit_id) for e in junctions)
    assert [e.exit_id for e in boundary] == [f"bx{i:02d}" for i in range(1, len(boundary) + 1)]
    assert all(e.illustrative and "not a surveyed toll station" in e.source for e in boundary)
    assert all("ring-expressway ramp" in e.source for e in junctions)


def test_boundary_checkpoints_lie_on_the_prefecture_boundary() -> None:
    outline = _metres(default_districts()["suzhou"].geometry.boundary)
    for checkpoint in default_exits().values():
        if checkpoint.kind is ExitKind.BOUNDARY:
            x, y = TO_METRES.transform(checkpoint.lon, checkpoint.lat)
            assert outline.distance(Point(x, y)) < 3.0, checkpoint.exit_id


def test_boundary_checkpoints_are_at_least_the_merge_distance_apart() -> None:
    points = [
        Point(TO_METRES.transform(e.lon, e.lat))
        for e in default_exits().values()
        if e.kind is ExitKind.BOUNDARY
    ]
    nearest = min(a.distance(b) for i, a in enumerate(points) for b in points[i + 1 :])
    assert nearest >= 300.0


def test_junctions_lie_inside_the_prefecture() -> None:
    prefecture = default_districts()["suzhou"].geometry
    for checkpoint in default_exits().values():
        if checkpoint.kind is ExitKind.JUNCTION:
            assert prefecture.contains(Point(checkpoint.lon, checkpoint.lat))


def test_railway_lines_are_lon_lat_lines_around_suzhou() -> None:
    lines = railway_lines()
    assert len(lines) > 100
    assert all(len(line) >= 2 for line in lines)
    lons = [lon for line in lines for lon, _ in line]
    lats = [lat for line in lines for _, lat in line]
    assert min(lons) >= 119.7 and max(lons) <= 121.6
    assert min(lats) >= 30.5 and max(lats) <= 32.3


def test_loaders_are_cached() -> None:
    assert default_stations() is default_stations()
    assert default_exits() is default_exits()


def test_data_path_names_missing_files() -> None:
    assert data_path("stations.csv").is_file()
    with pytest.raises(FileNotFoundError, match=r"no embedded data file 'nope.csv'.*stations.csv"):
        data_path("nope.csv")


def test_attribution_and_provenance_are_shipped() -> None:
    assert "© OpenStreetMap contributors" in ATTRIBUTION and "ODbL" in ATTRIBUTION
    sources = Path(data_path("SOURCES.md")).read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in sources
    for name in ("stations.csv", "districts.geojson", "railways.geojson", "checkpoints.csv"):
        assert f"`{name}`" in sources
    boundary = sum(1 for e in default_exits().values() if e.kind is ExitKind.BOUNDARY)
    assert f"**{boundary} checkpoints**" in sources
    assert f"`bx{boundary:02d}`" in sources
