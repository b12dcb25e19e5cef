"""Tests for maps.day_map: the day reference map (exits by status, vehicles by permit state)."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatch.intake.reader import read_day
from maps.base import MapBuilder
from maps.day_map import day_reference_map, exit_summary, permit_states, planning_day_map
from maps.permits import PermitStatus
from stations.lang import Lang
from tests.map_cases import DAY, depot_fleet_permits, grid_town_places, read_rendered
from tests.paths import DATA


def test_day_map_has_exits_permits_and_a_title_with_status_counts() -> None:
    builder = day_reference_map(grid_town_places(), day=DAY, permits=depot_fleet_permits())
    rendered = read_rendered(builder.render())
    assert "Highway exits / checkpoints" in rendered.overlays
    assert "Vehicles: permit expiring (1)" in rendered.overlays
    frame = rendered.map_calls["frame"]
    assert frame["t"] == "Highway channels and vehicle permits · 2020-02-17"
    assert frame["s"] == "1 Green channel · 1 Open (checkpoint) · 1 Freight only · 1 Closed"
    # the whole prefecture is in view: exits sit on its boundary
    assert frame["bounds"] == [[31.2, 120.5], [31.4, 120.7]]


def test_reference_map_without_a_day() -> None:
    rendered = read_rendered(day_reference_map(grid_town_places(), lang=Lang.ZH).render())
    assert rendered.map_calls["frame"]["t"] == "参考地图"
    assert not any(name.startswith("车辆") for name in rendered.overlays)


def test_permits_need_the_day() -> None:
    with pytest.raises(ValueError, match="permit states need the planning day"):
        day_reference_map(grid_town_places(), permits=depot_fleet_permits())


def test_exit_summary_counts_in_legend_order() -> None:
    places = grid_town_places()
    assert exit_summary(MapBuilder(lang=Lang.ZH), places.exits) == (
        "1 绿色通道 · 1 开放（设卡检查） · 1 仅限货车 · 1 关闭"
    )
    assert exit_summary(MapBuilder(), ()) == ""


PERMITS_MIX = DATA / "days" / "permits_mix"


def test_permit_states_follow_dispatchs_fleet_check() -> None:
    day = read_day(PERMITS_MIX)
    states = {s.vehicle_id: s for s in permit_states(day)}
    assert list(states) == [v.vehicle_id for v in day.fleet]
    status = {plate: s.status(day.date, expiring_within_days=3) for plate, s in states.items()}
    assert status == {
        "苏E·20001": PermitStatus.VALID,
        "苏E·20002": PermitStatus.IDLE,  # no permit
        "苏E·20003": PermitStatus.IDLE,  # expired 2020-02-20
        "苏E·20004": PermitStatus.IDLE,  # valid from 2020-03-01
        "苏E·20005": PermitStatus.IDLE,  # goods permit on a bus
        "苏E·20006": PermitStatus.EXPIRING,  # runs out at noon today
        "苏E·20007": PermitStatus.VALID,  # permit fine, bus too small (noted)
        "苏E·20008": PermitStatus.VALID,
        "苏A·30009": PermitStatus.VALID,
        "苏A·30010": PermitStatus.IDLE,  # passenger permit on a truck
    }
    assert states["苏E·20006"].valid_to == dt.date(2020, 2, 24)
    assert states["苏E·20005"].permit_no is None
    assert "load-factor" in states["苏E·20007"].note
    assert states["苏E·20001"].note == ""


def test_day_map_draws_the_days_places_on_the_base() -> None:
    day = read_day(PERMITS_MIX)
    rendered = read_rendered(planning_day_map(day, grid_town_places(), lang=Lang.EN).render())
    assert rendered.map_calls["frame"]["t"].endswith("2020-02-24")
    assert "Vehicles: permit expiring (1)" in rendered.overlays
    ((_, stations), _labels) = rendered.layer("Arrival stations")
    assert len(stations["p"]) == len(day.stations)
