"""Tests for maps.base: layers, shared styles, legend, frame, escaping of layer names."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from maps.base import (
    OSM_ATTRIBUTION,
    AreaFeature,
    AreaStyle,
    Card,
    LegendItem,
    LineFeature,
    LineStyle,
    MapBuilder,
    PointFeature,
    Symbol,
)
from stations.lang import Lang
from tests.map_cases import XSS_IMG, read_rendered

DOT = Symbol("cm-emp", 10, 10)


def _two_points_builder() -> MapBuilder:
    """A builder with one layer of two points sharing one symbol, and one legend row."""
    builder = MapBuilder(title="Test", subtitle="sub", attribution=["Roads: test data"])
    layer = builder.layer(XSS_IMG)
    builder.add_points(
        layer,
        [
            PointFeature(120.5, 31.3, DOT, "a", Card("A", rows=(("k", "v"),))),
            PointFeature(120.6, 31.4, DOT, "b", badge="12"),
        ],
    )
    builder.add_legend("Places", [LegendItem("Employer", symbol=DOT)])
    builder.add_legend("Places", [LegendItem("Employer", symbol=DOT)])  # duplicates dropped
    return builder


def test_points_share_one_symbol_and_carry_text_popups() -> None:
    rendered = read_rendered(_two_points_builder().render())
    ((function, data),) = rendered.overlays[XSS_IMG]  # the name shows as typed, as text
    assert function == "points"
    assert data["sym"] == [{"c": "cm-emp", "w": 10, "h": 10}]
    assert data["p"] == [
        [31.3, 120.5, 0, "a", {"t": "A", "r": [["k", "v"]]}, ""],
        [31.4, 120.6, 0, "b", None, "12"],
    ]


def test_layer_names_are_html_escaped_for_the_layer_control() -> None:
    document = _two_points_builder().render()
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in document
    assert XSS_IMG not in document


def test_frame_has_title_attribution_and_padded_bounds() -> None:
    rendered = read_rendered(_two_points_builder().render())
    frame = rendered.map_calls["frame"]
    assert frame["t"] == "Test" and frame["s"] == "sub"
    assert frame["attribution"] == [OSM_ATTRIBUTION, "Roads: test data"]
    assert frame["bounds"] == [[31.3, 120.5], [31.4, 120.6]]
    assert rendered.legend_labels() == ["Employer"]
    assert rendered.map_calls["fullscreen"] == {"enter": "Full screen", "exit": "Exit full screen"}


def test_osm_attribution_is_not_repeated_when_a_source_already_credits_it() -> None:
    builder = MapBuilder(attribution=["© OpenStreetMap contributors (ODbL 1.0)"])
    assert builder.attribution == ("© OpenStreetMap contributors (ODbL 1.0)",)


def test_lines_and_areas_share_styles() -> None:
    builder = MapBuilder(lang=Lang.ZH)
    style = LineStyle("#123456", 3.0, dash="4 2")
    lines = builder.layer("lines", swatch=style)
    builder.add_lines(
        lines,
        [
            LineFeature((((120.5, 31.3), (120.6, 31.3)),), style, "one"),
            LineFeature((((120.5, 31.4), (120.6, 31.4)),), style, "two"),
        ],
    )
    areas = builder.layer("areas")
    fill = AreaStyle("#222222", 1.0, "#eeeeee", 0.5)
    builder.add_areas(areas, [AreaFeature(box(120.5, 31.2, 120.6, 31.3), fill, "box")])
    document = builder.render()
    rendered = read_rendered(document)
    ((_, line_data),) = rendered.overlays["lines"]
    assert len(line_data["st"]) == 1 and [f[0] for f in line_data["l"]] == [0, 0]
    assert line_data["st"][0]["dashArray"] == "4 2"
    ((_, area_data),) = rendered.overlays["areas"]
    assert area_data["st"][0]["fillColor"] == "#eeeeee"
    assert rendered.overlay_markup[0] == (
        '<span class="cm-swatch cm-swatch-dashed" style="border-top-color:#123456"></span>lines'
    )
    assert rendered.map_calls["legend"]["t"] == "图例"


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Symbol('cm-x" onload="x', 10, 10), "plain class names"),
        (lambda: Symbol("cm-x", 0, 10), "size"),
        (lambda: LineStyle("red", 1.0), "colour must look like"),
        (lambda: LineStyle("#112233", 1.0, dash="1;x"), "dash array"),
        (lambda: AreaStyle("#112233", 1.0, "url(x)", 0.5), "colour must look like"),
        (lambda: LegendItem("both", symbol=DOT, line=LineStyle("#112233", 1.0)), "exactly one"),
        (lambda: LineFeature((((120.5, 31.3),),), LineStyle("#112233", 1.0)), "two points"),
    ],
)
def test_styles_reject_what_could_break_css_or_markup(make: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make()  # type: ignore[operator]


def test_label_css_must_be_plain_class_names() -> None:
    builder = MapBuilder()
    with pytest.raises(ValueError, match="plain class names"):
        builder.add_labels(builder.layer("x"), [], css="a{}")
