"""Tests for maps.reference: places and line work as layers, exits by status, the legend."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from maps.base import MapBuilder
from maps.reference import (
    MapPlaces,
    add_reference_layers,
    district_kind,
    embedded_places,
    exit_symbol,
)
from stations.lang import Lang
from stations.model import District, ExitStatus
from tests.map_cases import PHONE, XSS_SCRIPT, grid_town_places, read_rendered


@pytest.fixture
def reference_html() -> str:
    """Every reference layer of the grid town, in English."""
    builder = MapBuilder()
    add_reference_layers(builder, grid_town_places())
    return builder.render()


def test_every_reference_layer_is_switchable(reference_html: str) -> None:
    assert list(read_rendered(reference_html).overlays) == [
        "Districts",
        "Major roads",
        "Railways",
        "Arrival stations",
        "Employers",
        "Depots",
        "Highway exits / checkpoints",
    ]


def test_exits_are_coloured_by_status_and_illustrative_ones_marked(reference_html: str) -> None:
    ((_, data),) = read_rendered(reference_html).layer("Highway exits")
    shown = {p[4]["s"]: (data["sym"][p[2]]["c"], p[4]) for p in data["p"]}
    assert shown["x_green"][0] == "cm-exit cm-exit-green_channel"
    assert shown["x_open"][0] == "cm-exit cm-exit-open"
    assert shown["x_freight"][0] == "cm-exit cm-exit-freight_only"
    assert shown["x_closed"][0] == "cm-exit cm-exit-closed cm-illustrative"
    assert shown["x_closed"][1]["n"] == ["Illustrative position (not surveyed)"]
    assert dict(shown["x_open"][1]["r"])["Checkpoint delay"] == "15 min"
    assert dict(shown["x_green"][1]["r"])["Road"] == "G2"
    assert shown["x_freight"][1]["t"] == XSS_SCRIPT  # text, drawn with textContent


def test_legend_has_an_entry_per_exit_status_and_the_illustrative_note(reference_html: str) -> None:
    rendered = read_rendered(reference_html)
    legend = rendered.map_calls["legend"]
    exits = next(s for s in legend["s"] if s["h"] == "Exit / checkpoint status")
    assert [(i["l"], i["c"]) for i in exits["items"]] == [
        ("Green channel", exit_symbol(ExitStatus.GREEN_CHANNEL).css),
        ("Open (checkpoint)", exit_symbol(ExitStatus.OPEN).css),
        ("Freight only", exit_symbol(ExitStatus.FREIGHT_ONLY).css),
        ("Closed", exit_symbol(ExitStatus.CLOSED).css),
        ("Illustrative position (not surveyed)", "cm-exit cm-exit-open cm-illustrative"),
    ]
    assert any("illustrative positions" in n for n in legend["n"])
    labels = rendered.legend_labels()
    for label in (
        "Suzhou prefecture boundary",
        "County-level district",
        "Suzhou Industrial Park",
        "Major road",
        "Railway",
        "Arrival station (rail / coach / airport)",
        "Employer (certified)",
        "Key employer",
        "Employer (not certified)",
        "Depot (operator's yard)",
    ):
        assert label in labels


def test_districts_draw_the_park_last_and_label_all_but_the_prefecture(reference_html: str) -> None:
    calls = read_rendered(reference_html).layer("Districts")
    (_, areas), (_, labels) = calls
    assert [f[2] for f in areas["g"]] == [
        "Test Town",
        "West District",
        "East District",
        "Industrial Park",
    ]
    assert [label[2] for label in labels["l"]] == [
        "West District",
        "East District",
        "Industrial Park",
    ]


def test_employer_popups_never_show_the_escort_contact(reference_html: str) -> None:
    assert PHONE not in reference_html
    assert "139****5678" not in reference_html  # not even masked: the field is never drawn


def test_chinese_names_for_places_with_two_names() -> None:
    builder = MapBuilder(lang=Lang.ZH)
    add_reference_layers(builder, grid_town_places())
    rendered = read_rendered(builder.render())
    ((_, stations), (_, station_labels)) = rendered.layer("到达站点")
    assert [x[2] for x in station_labels["l"]] == ["中心站", "北站"]
    assert [p[3] for p in stations["p"]] == ["中心站", "北站"]
    assert dict(stations["p"][0][4]["r"]) == {"类型": "铁路车站", "上车位": "4"}


@pytest.mark.parametrize(
    ("level", "name_en", "name_zh", "kind"),
    [
        ("prefecture", "Suzhou", "苏州市", "prefecture"),
        ("county", "Kunshan", "昆山市", "district"),
        ("development_zone", "Suzhou Industrial Park", "苏州工业园区", "park"),
        ("county", "Some Industrial Park", "", "park"),
    ],
)
def test_district_kind(level: str, name_en: str, name_zh: str, kind: str) -> None:
    district = District("d", name_zh, name_en, level, box(120.5, 31.2, 120.6, 31.3))
    assert district_kind(district) == kind


def test_map_places_accept_registries_or_lists_and_simplify_lines() -> None:
    places = MapPlaces.of(roads=[[(120.0, 31.0), (120.1, 31.0)], [(120.1, 31.0), (120.2, 31.0)]])
    assert places.roads == (((120.0, 31.0), (120.2, 31.0)),)
    assert grid_town_places().depot("d1") is not None
    assert grid_town_places().depot("nope") is None


def test_embedded_places_have_the_park_the_checkpoints_and_roads() -> None:
    places = embedded_places()
    assert any(district_kind(d) == "park" for d in places.districts)
    assert sum(district_kind(d) == "prefecture" for d in places.districts) == 1
    assert len(places.exits) > 10 and any(x.illustrative for x in places.exits)
    assert len(places.stations) >= 5
    assert len(places.roads) > 100 and len(places.railways) > 10
