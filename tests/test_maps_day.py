"""Tests for maps.day: the day reference map (exits by status, vehicles by permit state)."""

from __future__ import annotations

import pytest
from map_cases import DAY, depot_fleet_permits, grid_town_places, read_rendered

from maps.base import MapBuilder
from maps.day import day_reference_map, exit_summary
from maps.labels import MapLang


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
    rendered = read_rendered(day_reference_map(grid_town_places(), lang=MapLang.ZH).render())
    assert rendered.map_calls["frame"]["t"] == "参考地图"
    assert not any(name.startswith("车辆") for name in rendered.overlays)


def test_permits_need_the_day() -> None:
    with pytest.raises(ValueError, match="permit states need the planning day"):
        day_reference_map(grid_town_places(), permits=depot_fleet_permits())


def test_exit_summary_counts_in_legend_order() -> None:
    places = grid_town_places()
    assert exit_summary(MapBuilder(lang=MapLang.ZH), places.exits) == (
        "1 绿色通道 · 1 开放（设卡检查） · 1 仅限货车 · 1 关闭"
    )
    assert exit_summary(MapBuilder(), ()) == ""
