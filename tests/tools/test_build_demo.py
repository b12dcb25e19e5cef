"""Tests for tools.build_demo: the committed demo day is valid, realistic and reproducible."""

from __future__ import annotations

import datetime as dt
import filecmp
from pathlib import Path

import pytest
import shapely

from dispatch.charters.prepare import Prepared, prepare
from dispatch.intake.reader import read_day
from dispatch.outputs.privacy import is_valid_id_number
from dispatch.reasons import ExclusionReason, VehicleReason
from routing.network.roads import RoadNetwork
from routing.network.snap import snap_places
from stations.embedded import default_districts
from stations.model import ExitStatus
from tests.paths import ROOT
from tools.build_demo import DISTRICTS, build

DEMO = ROOT / "scenarios" / "demo"


@pytest.fixture(scope="module")
def demo_day() -> Prepared:
    """The committed demo day, prepared (screened, fleet-checked, grouped)."""
    return prepare(read_day(DEMO))


def test_regenerating_gives_the_committed_files(tmp_path: Path) -> None:
    """Same seed, same files, byte for byte."""
    build(tmp_path)
    names = sorted(p.name for p in DEMO.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(DEMO, tmp_path, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_demo_day_shape(demo_day: Prepared) -> None:
    """About 4,000 workers at the 10 stations between 06:00 and 23:00, 150 employers."""
    day = demo_day.day
    assert 3900 <= len(day.arrivals) <= 4100
    assert {a.station_id for a in day.arrivals} == set(day.stations)
    times = [a.arrival_time for a in day.arrivals]
    assert min(times) >= dt.datetime(2020, 2, 24, 6) and max(times) <= dt.datetime(2020, 2, 24, 23)
    wuxi = sum(a.station_id.startswith("wuxi") for a in day.arrivals)
    assert wuxi > 200  # these buses cross the Suzhou–Wuxi boundary
    assert len(day.enterprises) == 150
    assert sum(e.certified for e in day.enterprises.values()) > 130
    assert all(is_valid_id_number(a.id_number or "") for a in day.arrivals)
    assert all(a.id_number and a.id_number.startswith("99") for a in day.arrivals)


def test_demo_day_has_every_kind_of_exception(demo_day: Prepared) -> None:
    """Exclusions for every rule, rejected buses, closed and freight-only exits."""
    reasons = set(demo_day.screening.counts())
    assert reasons == set(ExclusionReason)
    rejected = set(demo_day.fleet.counts())
    assert {VehicleReason.NO_PERMIT, VehicleReason.PERMIT_EXPIRED} <= rejected
    assert 140 <= len(demo_day.fleet.buses) <= 150
    assert {b.vehicle.seats for b in demo_day.fleet.buses} <= set(range(19, 54))
    statuses = {e.status for e in demo_day.day.exits.values()}
    assert {ExitStatus.CLOSED, ExitStatus.FREIGHT_ONLY, ExitStatus.GREEN_CHANNEL} <= statuses
    assert 250 <= len(demo_day.grouping.requests) <= 600


def test_employers_sit_in_their_district_near_the_roads(demo_day: Prepared) -> None:
    """Inside the named district's boundary and within 1.5 km of the major roads."""
    enterprises = demo_day.day.enterprises.values_list()
    districts = {d.name_en: d.geometry for d in default_districts().values()}
    assert {e.district for e in enterprises} == {default_districts()[d].name_en for d in DISTRICTS}
    for enterprise in enterprises:
        assert shapely.contains_xy(districts[enterprise.district], enterprise.lon, enterprise.lat)
    snapping = snap_places(RoadNetwork.embedded(), enterprises, max_km=1.5, warn_km=1.5)
    assert float(snapping.offset_km.max()) <= 1.5
