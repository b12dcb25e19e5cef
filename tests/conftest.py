"""Shared fixtures: small, hand-checkable places, networks and days (each with a docstring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.day import Day
from dispatch.intake.reader import read_day
from routing.network.roads import RoadNetwork
from tests.network_cases import one_bridge
from tests.paths import DATA
from tests.town_cases import grid_town


@pytest.fixture
def data_dir() -> Path:
    """The folder of small per-failure-mode input files (tests/data)."""
    return DATA


@pytest.fixture
def one_station_two_employers() -> Day:
    """Six workers, one station, two certified employers, two permitted buses (53 and 19
    seats); grouped by hand into three requests (tests/data/days/one_station_two_employers)."""
    return read_day(DATA / "days" / "one_station_two_employers")


@pytest.fixture
def screening_mix() -> Day:
    """Ten workers, one per screening outcome (tests/data/days/screening_mix/README.md)."""
    return read_day(DATA / "days" / "screening_mix")


@pytest.fixture
def permits_mix() -> Day:
    """Ten vehicles, one per fleet outcome (tests/data/days/permits_mix/README.md)."""
    return read_day(DATA / "days" / "permits_mix")


@pytest.fixture(scope="session")
def town() -> RoadNetwork:
    """Two parallel east–west roads with links at every node (tests.town_cases.grid_town)."""
    return grid_town()


@pytest.fixture(scope="session")
def bridge() -> RoadNetwork:
    """West town, one bridge (checkpoint at 120.55° E), east town
    (tests.network_cases.one_bridge)."""
    return one_bridge()
