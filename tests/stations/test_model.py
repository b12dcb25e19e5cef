"""Tests for stations.model: place invariants and the registry."""

from __future__ import annotations

import dataclasses
import math

import pytest
import shapely

from stations.model import (
    Depot,
    District,
    Enterprise,
    Exit,
    ExitStatus,
    Registry,
    Station,
    StationKind,
    check_lon_lat,
)


@pytest.fixture
def suzhou() -> Station:
    """Suzhou railway station at its OSM position."""
    return Station("suzhou", "苏州站", "Suzhou", StationKind.RAIL, 120.60668, 31.33188)


def test_check_lon_lat_accepts_suzhou() -> None:
    check_lon_lat(120.6, 31.3, "station suzhou")


@pytest.mark.parametrize(
    ("lon", "lat", "match"),
    [
        (31.3, 120.6, r"station x: \(31.3, 120.6\) is not a lon/lat in China; are lon and lat"),
        (2.35, 48.88, r"is not a lon/lat in China"),
        (math.nan, 31.3, r"must be finite numbers"),
        (120.6, math.inf, r"must be finite numbers"),
    ],
)
def test_check_lon_lat_rejects(lon: float, lat: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        check_lon_lat(lon, lat, "station x")


def test_places_check_their_invariants() -> None:
    with pytest.raises(ValueError, match="station_id must not be empty"):
        Station("", "苏州站", "Suzhou", StationKind.RAIL, 120.6, 31.3)
    with pytest.raises(ValueError, match="station suzhou: bays must be >= 1, got 0"):
        Station("suzhou", "苏州站", "Suzhou", StationKind.RAIL, 120.6, 31.3, bays=0)
    with pytest.raises(ValueError, match=r"enterprise E1: .* are lon and lat swapped"):
        Enterprise("E1", "甲厂", 31.3, 120.6, certified=True)
    with pytest.raises(ValueError, match="depot_id must not be empty"):
        Depot("", "苏州汽车客运集团", 120.6, 31.3)
    with pytest.raises(ValueError, match=r"exit X1: delay_min must be within 0..1440, got -1"):
        Exit("X1", "苏州新区收费站", 120.55, 31.33, delay_min=-1.0)
    with pytest.raises(ValueError, match=r"exit X1: delay_min must be within 0..1440, got nan"):
        Exit("X1", "苏州新区收费站", 120.55, 31.33, delay_min=math.nan)


def test_district_needs_a_polygon() -> None:
    with pytest.raises(ValueError, match="district gusu: geometry is empty"):
        District("gusu", "姑苏区", "Gusu", "county", shapely.Polygon())
    with pytest.raises(ValueError, match="district gusu: geometry must be a \\(multi\\)polygon"):
        District("gusu", "姑苏区", "Gusu", "county", shapely.Point(120.6, 31.3))
    box = District("gusu", "姑苏区", "Gusu", "county", shapely.box(120.5, 31.2, 120.7, 31.4))
    assert box.code == ""


def test_places_are_frozen_and_expose_place_id(suzhou: Station) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        suzhou.lon = 0.0  # type: ignore[misc]
    checkpoint = Exit("bx01", "张家港市—南通", 120.69, 32.01)
    assert (suzhou.place_id, checkpoint.place_id) == ("suzhou", "bx01")
    assert checkpoint.status is ExitStatus.OPEN and not checkpoint.illustrative


def test_registry_keeps_order_and_names_known_ids(suzhou: Station) -> None:
    north = dataclasses.replace(suzhou, station_id="suzhou_north", lat=31.42372)
    registry = Registry.of("station", [north, suzhou], "station_id")
    assert list(registry) == ["suzhou_north", "suzhou"]
    assert registry.values_list() == [north, suzhou]
    assert registry["suzhou"] is suzhou
    assert "suzhou" in registry and "szn" not in registry
    assert len(registry) == 2
    with pytest.raises(
        KeyError, match=r"'szn' is not a known station \(known: suzhou_north, suzhou\)"
    ):
        registry["szn"]


def test_registry_lists_at_most_eight_known_ids(suzhou: Station) -> None:
    many = [dataclasses.replace(suzhou, station_id=f"s{i}") for i in range(10)]
    with pytest.raises(KeyError, match=r"known: s0, s1, s2, s3, s4, s5, s6, s7, …\)"):
        Registry.of("station", many, "station_id")["x"]


def test_registry_rejects_duplicate_ids(suzhou: Station) -> None:
    with pytest.raises(ValueError, match="station: duplicate id 'suzhou'"):
        Registry.of("station", [suzhou, suzhou], "station_id")


def test_registries_compare_by_content(suzhou: Station) -> None:
    first = Registry.of("station", [suzhou], "station_id")
    assert first == Registry.of("station", (suzhou,), "station_id")
    assert first != Registry.of("station", [], "station_id")
    assert hash(first) == hash(Registry.of("station", [suzhou], "station_id"))
