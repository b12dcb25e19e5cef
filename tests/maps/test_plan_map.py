"""Tests for maps.plan_map: route layers along road paths, unserved markers, the plan map."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dispatch.outputs.privacy import has_personal_number
from maps.base import Tiles
from maps.geometry import decode, simplify_path
from maps.permits import VehicleClass
from maps.plan_map import ROUTE_PALETTE, RouteLayer, RouteTrip, UnservedMarker, plan_map
from stations.lang import Lang
from tests.map_cases import (
    DAY,
    ID_NUMBER,
    PHONE,
    XSS_IMG,
    XSS_SCRIPT,
    at,
    depot_fleet_permits,
    grid_town_places,
    read_rendered,
    two_buses_one_truck,
    unserved_at_central,
)

CDN_ASSET = re.compile(
    r"<script[^>]*\ssrc=|<link[^>]*\shref=|url\(\s*['\"]?(?:https?:)?//|@import", re.IGNORECASE
)


@pytest.fixture
def plan_html() -> str:
    """The English plan map of the grid town: two buses, one truck, unserved, permits."""
    builder = plan_map(
        grid_town_places(),
        two_buses_one_truck(),
        day=DAY,
        unserved=unserved_at_central(),
        permits=depot_fleet_permits(),
    )
    return builder.render()


def test_every_layer_is_in_the_layer_control(plan_html: str) -> None:
    rendered = read_rendered(plan_html)
    names = list(rendered.overlays)
    for prefix in (
        "Districts",
        "Major roads",
        "Railways",
        "Arrival stations",
        "Employers",
        "Depots",
        "Highway exits / checkpoints",
        "Unserved requests (3)",
        "Vehicles: permit valid (2)",
        "Vehicles: permit expiring (1)",
        "Vehicles: no valid permit (idle) (1)",
    ):
        assert any(n.startswith(prefix) for n in names), (prefix, names)
    assert rendered.base_layers == []  # plain background: no tile layer at all


def test_one_layer_per_route_with_its_colour_and_the_road_path(plan_html: str) -> None:
    rendered = read_rendered(plan_html)
    routes = [n for n in rendered.overlays if n.startswith(("Bus ", "Truck "))]
    assert routes == [
        "Bus 苏E10001 · Town Coaches (1 trip · 20 workers)",
        "Bus 苏E10002 · Town Coaches (2 trips · 27 workers)",
        "Truck 苏E90001 · Town Freight (1 trip)",
    ]
    colours = []
    for name, route in zip(routes, two_buses_one_truck(), strict=True):
        ((function, data),) = rendered.overlays[name]
        assert function == "lines"
        ((style_index, parts, tooltip, _card),) = data["l"]
        style = data["st"][style_index]
        colours.append(style["color"])
        drawn = decode(parts[0])
        assert drawn == [(round(x, 5), round(y, 5)) for x, y in simplify_path(route.path)]
        assert drawn[0] == route.path[0] and drawn[-1] == route.path[-1]
        assert set(drawn) <= set(route.path)  # only points of the road path, none invented
        assert tooltip.startswith(route.plate)
        assert ("dashArray" in style) == (route.vehicle_class is VehicleClass.TRUCK)
    assert colours == list(ROUTE_PALETTE[:3])


def test_route_popup_has_plate_operator_permit_validity_and_trips(plan_html: str) -> None:
    rendered = read_rendered(plan_html)
    ((_, data),) = rendered.layer("Bus 苏E10002")
    card = data["l"][0][3]
    assert card["t"] == "苏E10002"
    rows = dict(card["r"])
    assert rows["Operator"] == "Town Coaches"
    assert rows["Permit no."] == "SZ-P-0002"
    assert rows["Valid"] == "… – 2020-02-20"
    assert rows["Workers carried"] == "27"
    assert card["h"] == ["From", "To", "Depart", "Arrive", "Workers / cargo"]
    assert card["b"] == [
        ["North", "Key Works", "09:00", "09:30", "15"],
        ["North", "Key Works", "10:30", "11:00", "12"],
    ]
    ((_, truck),) = rendered.layer("Truck 苏E90001")
    assert truck["l"][0][3]["b"] == [["West Gate", "Key Works", "07:00", "07:40", "masks 2.5 t"]]


def test_unserved_markers_group_by_place_with_reasons(plan_html: str) -> None:
    rendered = read_rendered(plan_html)
    ((_, data),) = rendered.layer("Unserved requests")
    by_place = {p[4]["t"]: p for p in data["p"]}
    assert set(by_place) == {"Central", "North"}
    central = by_place["Central"][4]
    assert central["s"] == "Unserved requests: 15"
    assert central["b"] == [
        ["no vehicle big enough", "12", "→ Key Works 10:30"],
        ["fleet exhausted", "3", ""],
    ]
    assert "no vehicle big enough; fleet exhausted" in by_place["Central"][3]


def test_legend_explains_routes_unserved_exits_and_permits(plan_html: str) -> None:
    labels = read_rendered(plan_html).legend_labels()
    for label in (
        "Bus route (one colour per bus, see layers)",
        "Truck route (dashed)",
        "Unserved request (click for the reason)",
        "Green channel",
        "Open (checkpoint)",
        "Freight only",
        "Closed",
        "Illustrative position (not surveyed)",
        "Permit valid",
        "Permit expires within 7 days",
        "No valid permit: idle",
    ):
        assert label in labels


def test_injected_names_never_appear_as_markup(plan_html: str) -> None:
    for attack in (XSS_IMG, XSS_SCRIPT):
        assert attack not in plan_html
    # The names are there, as JSON-escaped text for the textContent popups...
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in plan_html
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in plan_html
    # ...and read back exactly as typed.
    rendered = read_rendered(plan_html)
    ((_, data),) = rendered.layer("Bus 苏E10001")
    assert data["l"][0][3]["b"][0][1] == XSS_IMG
    # folium's switches, Leaflet, charter-map.js and the map script: nothing else runs.
    assert plan_html.count("<script") == 4


def test_no_cdn_or_network_resource_in_the_default_map(plan_html: str) -> None:
    assert CDN_ASSET.search(plan_html) is None
    assert "sourceMappingURL" not in plan_html
    assert "{s}.tile" not in plan_html and "tile.openstreetmap" not in plan_html


def test_no_personal_numbers_anywhere(plan_html: str) -> None:
    assert ID_NUMBER not in plan_html
    assert PHONE not in plan_html  # the escort contact of an employer is never drawn
    assert not has_personal_number(plan_html)


def test_osm_tiles_only_when_asked_for_and_plain_stays_selectable() -> None:
    html = plan_map(
        grid_town_places(), two_buses_one_truck(), day=DAY, tiles=Tiles.OSM, lang=Lang.ZH
    ).render()
    rendered = read_rendered(html)
    assert rendered.base_layers == ["OpenStreetMap 在线底图", "空白底图（离线）"]
    assert "tile.openstreetmap.org" in html
    assert CDN_ASSET.search(html) is None  # tiles are images, not scripts or styles


def test_chinese_labels() -> None:
    rendered = read_rendered(
        plan_map(grid_town_places(), two_buses_one_truck(), day=DAY, lang=Lang.ZH).render()
    )
    assert "客车 苏E10001 · Town Coaches (1 趟 · 20 人)" in rendered.overlays
    assert "绿色通道" in rendered.legend_labels()
    assert rendered.map_calls["frame"]["t"] == "包车与物资运输线路图 · 2020-02-17"  # a truck too


def _big_day(routes: int, stops: int) -> list[RouteLayer]:
    """``routes`` buses, each driving ``stops`` legs of 300 road points (a long day)."""
    out = []
    for r in range(routes):
        path = [
            (
                120.3 + 0.6 * (i / (stops * 300)) + 0.001 * (i % 7),
                31.1 + 0.002 * r + 0.0003 * (i % 5),
            )
            for i in range(stops * 300)
        ]
        trips = tuple(
            RouteTrip(f"Station {k}", f"Employer {r}-{k}", at(7 + k, 0), at(7 + k, 40), 20)
            for k in range(stops)
        )
        out.append(
            RouteLayer(
                f"v{r}", f"苏E{r:05d}", "Operator", path=tuple(path), trips=trips, permit_no=f"P{r}"
            )
        )
    return out


def test_a_big_day_stays_well_under_five_megabytes() -> None:
    routes = _big_day(routes=150, stops=8)
    unserved = [
        UnservedMarker(f"S{i}", 120.5 + i * 0.001, 31.3, "fleet exhausted", 5) for i in range(200)
    ]
    html = plan_map(grid_town_places(), routes, day=DAY, unserved=unserved).render()
    assert len(html.encode("utf-8")) < 3_000_000


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: RouteTrip("A", "B", at(9, 0), at(8, 0)), "before it departs"),
        (lambda: RouteTrip("A", "B", at(8, 0), at(9, 0), headcount=-1), "headcount"),
        (lambda: RouteTrip("A", "B", dt.date(2020, 2, 17), at(9, 0)), "must be a datetime"),  # type: ignore[arg-type]
        (lambda: RouteLayer("v", "p", "o", path=((120.5, 31.3),)), "at least 2 points"),
        (lambda: RouteLayer("v", "p", "o", path=((31.3, 120.5), (31.3, 120.6))), "swapped"),
        (
            lambda: RouteLayer("v", "p", "o", path=((120.5, 31.3), (120.6, 31.3)), colour="red"),
            "colour",
        ),
        (lambda: UnservedMarker("S", 0.0, 0.0, "x"), "not a lon/lat in China"),
    ],
)
def test_plan_inputs_check_their_invariants(make: object, match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        make()  # type: ignore[operator]
