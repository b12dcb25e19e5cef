"""Tests for tools/build_places.py: crossing merging and a reproducible rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from stations.embedded import data_path
from tests.paths import SHARED
from tools.build_places import Crossing, build, merge_crossings

SHARED_DATA = SHARED / "data"


@pytest.fixture
def four_crossings() -> list[Crossing]:
    """Two carriageways ~110 m apart (one way through), a road 2 km away, and a second
    crossing of that same segment 1.5 km further on."""
    return [
        Crossing(121.1400, 31.3100, 1, 2),
        Crossing(121.1400, 31.3110, 3, 4),
        Crossing(121.1400, 31.3290, 5, 6),
        Crossing(121.1400, 31.3425, 5, 6),
    ]


def test_close_crossings_and_crossings_of_one_segment_merge(
    four_crossings: list[Crossing],
) -> None:
    groups = merge_crossings(four_crossings, merge_m=300.0)
    assert sorted(len(g) for g in groups) == [2, 2]
    assert {frozenset((c.u, c.v) for c in g) for g in groups} == {
        frozenset({(1, 2), (3, 4)}),
        frozenset({(5, 6)}),
    }


def test_merge_distance_is_respected(four_crossings: list[Crossing]) -> None:
    assert len(merge_crossings(four_crossings, merge_m=50.0)) == 3


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="needs ../shared/data")
def test_rebuild_gives_the_shipped_files(tmp_path: Path) -> None:
    summary = build(SHARED_DATA, tmp_path)
    assert (summary.stations, summary.districts, summary.junctions) == (10, 11, 5)
    assert summary.crossings >= summary.checkpoints > 0
    for name in ("stations.csv", "districts.geojson", "railways.geojson", "checkpoints.csv"):
        assert (tmp_path / name).read_bytes() == data_path(name).read_bytes(), name
