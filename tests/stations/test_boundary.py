"""Tests for stations.boundary: how far outside the Suzhou prefecture a point lies."""

from __future__ import annotations

import pytest

from stations.boundary import OUTSIDE_TOLERANCE_KM, km_outside_prefecture, outside_prefecture


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(120.62, 31.32), (120.98, 31.38), (121.10, 31.45), (120.65, 31.16)],
    ids=["gusu", "kunshan", "taicang", "wujiang"],
)
def test_places_in_suzhou_are_inside(lon: float, lat: float) -> None:
    assert km_outside_prefecture(lon, lat) == 0.0
    assert outside_prefecture(lon, lat) is None


@pytest.mark.parametrize(
    ("lon", "lat", "low", "high"),
    [
        (121.4737, 31.2304, 25, 40),  # People's Square, Shanghai
        (120.30, 31.57, 5, 25),  # Wuxi
        (113.0, 28.0, 650, 800),  # Changsha
    ],
)
def test_distances_outside(lon: float, lat: float, low: float, high: float) -> None:
    km = km_outside_prefecture(lon, lat)
    assert low < km < high
    assert outside_prefecture(lon, lat) == km


def test_the_tolerance_is_small() -> None:
    assert 0 < OUTSIDE_TOLERANCE_KM <= 1
