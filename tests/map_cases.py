"""Small, hand-checkable map inputs and a reader for the structure of a rendered map."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field

from shapely.geometry import Polygon, box

from maps.permits import PermitState, VehicleClass
from maps.plan_map import RouteLayer, RouteTrip, UnservedMarker
from maps.reference import MapPlaces
from stations.model import (
    Depot,
    District,
    Enterprise,
    Exit,
    ExitKind,
    ExitStatus,
    Registry,
    Station,
    StationKind,
)

DAY = dt.date(2020, 2, 17)
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(1)</script>"
ID_NUMBER = "320502199001011234"
PHONE = "13912345678"


def at(hour: int, minute: int) -> dt.datetime:
    """A time on the test day."""
    return dt.datetime(2020, 2, 17, hour, minute)


def grid_town_places() -> MapPlaces:
    """A 0.2° × 0.2° town at (120.5–120.7 E, 31.2–31.4 N): a prefecture box split into two
    districts (west / east) plus an 'Industrial Park' inside the east one; one road cross, one
    railway; two stations, three employers (one named like an XSS attack, one not certified,
    one key), one depot, and one exit per status (the closed one illustrative).
    """
    prefecture = box(120.5, 31.2, 120.7, 31.4)
    districts = Registry.of(
        "district",
        [
            District("town", "测试市", "Test Town", "prefecture", prefecture),
            District("west", "西区", "West District", "county", box(120.5, 31.2, 120.6, 31.4)),
            District("east", "东区", "East District", "county", box(120.6, 31.2, 120.7, 31.4)),
            District(
                "park",
                "工业园区",
                "Industrial Park",
                "development_zone",
                Polygon([(120.62, 31.22), (120.68, 31.22), (120.68, 31.28), (120.62, 31.28)]),
            ),
        ],
        "district_id",
    )
    stations = [
        Station("central", "中心站", "Central", StationKind.RAIL, 120.55, 31.35, bays=4),
        Station("north", "北站", "North", StationKind.COACH, 120.65, 31.38),
    ]
    enterprises = [
        Enterprise("e_xss", XSS_IMG, 120.66, 31.25, True, escort_contact=PHONE),
        Enterprise("e_plain", "精密机械", 120.58, 31.24, False, district="west"),
        Enterprise("e_key", "Key Works", 120.64, 31.30, True, key_enterprise=True),
    ]
    depots = [Depot("d1", "Town Coaches", 120.52, 31.30, name="West Yard")]
    exits = [
        Exit("x_green", "East Gate", 120.70, 31.30, ExitStatus.GREEN_CHANNEL, road="G2"),
        Exit("x_open", "South Gate", 120.60, 31.20, ExitStatus.OPEN, delay_min=15),
        Exit("x_freight", XSS_SCRIPT, 120.50, 31.30, ExitStatus.FREIGHT_ONLY),
        Exit(
            "x_closed",
            "North Gate",
            120.60,
            31.40,
            ExitStatus.CLOSED,
            kind=ExitKind.BOUNDARY,
            illustrative=True,
        ),
    ]
    roads = [[(120.5, 31.3), (120.6, 31.3), (120.7, 31.3)], [(120.6, 31.2), (120.6, 31.4)]]
    railways = [[(120.5, 31.35), (120.55, 31.35), (120.7, 31.38)]]
    return MapPlaces.of(
        districts=districts,
        stations=stations,
        enterprises=enterprises,
        depots=depots,
        exits=exits,
        roads=roads,
        railways=railways,
    )


def two_buses_one_truck() -> tuple[RouteLayer, ...]:
    """Bus 苏E10001 (depot → Central → XSS employer, 20 workers), bus 苏E10002 (two trips
    North → Key Works, 15 + 12 workers, permit expiring 2020-02-20) and truck 苏E90001 (masks,
    2.5 t, dashed) — each path along the grid-town roads.
    """
    return (
        RouteLayer(
            "bus1",
            "苏E10001",
            "Town Coaches",
            path=(
                (120.52, 31.30),
                (120.55, 31.30),
                (120.55, 31.35),
                (120.6, 31.3),
                (120.66, 31.25),
            ),
            trips=(RouteTrip("Central", XSS_IMG, at(8, 10), at(8, 45), headcount=20),),
            permit_no="SZ-P-0001",
            permit_valid_from=dt.date(2020, 1, 1),
            permit_valid_to=dt.date(2020, 6, 30),
        ),
        RouteLayer(
            "bus2",
            "苏E10002",
            "Town Coaches",
            path=((120.52, 31.30), (120.6, 31.3), (120.65, 31.38), (120.64, 31.30)),
            trips=(
                RouteTrip("North", "Key Works", at(9, 0), at(9, 30), headcount=15),
                RouteTrip("North", "Key Works", at(10, 30), at(11, 0), headcount=12),
            ),
            permit_no="SZ-P-0002",
            permit_valid_to=dt.date(2020, 2, 20),
        ),
        RouteLayer(
            "truck1",
            "苏E90001",
            "Town Freight",
            path=((120.50, 31.30), (120.6, 31.3), (120.64, 31.30)),
            trips=(
                RouteTrip(
                    "West Gate", "Key Works", at(7, 0), at(7, 40), cargo="masks", weight_t=2.5
                ),
            ),
            vehicle_class=VehicleClass.TRUCK,
            permit_no="SZ-G-0009",
        ),
    )


def unserved_at_central() -> tuple[UnservedMarker, ...]:
    """Two unserved requests at Central (12 + 3 workers, different reasons), one at North."""
    return (
        UnservedMarker("Central", 120.55, 31.35, "no vehicle big enough", 12, "→ Key Works 10:30"),
        UnservedMarker("Central", 120.55, 31.35, "fleet exhausted", 3),
        UnservedMarker("North", 120.65, 31.38, "exit closed leaves no route", 7),
    )


def depot_fleet_permits() -> tuple[PermitState, ...]:
    """Four vehicles at depot d1 on 2020-02-17: two valid (one until 2020-06-30, one open-ended),
    one expiring 2020-02-20 (within 7 days), one without a permit (idle)."""
    return (
        PermitState(
            "苏E10001", "Town Coaches", "d1", permit_no="SZ-P-0001", valid_to=dt.date(2020, 6, 30)
        ),
        PermitState("苏E10003", "Town Coaches", "d1", permit_no="SZ-P-0003"),
        PermitState(
            "苏E10002", "Town Coaches", "d1", permit_no="SZ-P-0002", valid_to=dt.date(2020, 2, 20)
        ),
        PermitState("苏E10004", "Town Coaches", "d1"),
    )


_OVERLAY = re.compile(
    r'^\s*("(?:[^"\\]|\\.)*")\s*:\s*(feature_group_[0-9a-f]+|tile_layer_[0-9a-f]+),$', re.MULTILINE
)
_CALL = re.compile(r"^\s*CharterMap\.(\w+)\((\w+), (.*)\);$", re.MULTILINE)


@dataclass
class RenderedMap:
    """What a rendered map holds: overlay names (as shown) → draw calls, and map-level calls."""

    overlays: dict[str, list[tuple[str, object]]] = field(default_factory=dict)
    overlay_markup: list[str] = field(default_factory=list)
    base_layers: list[str] = field(default_factory=list)
    map_calls: dict[str, object] = field(default_factory=dict)

    def layer(self, prefix: str) -> list[tuple[str, object]]:
        """The calls of the only overlay whose shown name starts with ``prefix``."""
        found = [calls for name, calls in self.overlays.items() if name.startswith(prefix)]
        assert len(found) == 1, f"{len(found)} layers start with {prefix!r}: {list(self.overlays)}"
        return found[0]

    def legend_labels(self) -> list[str]:
        """Every legend row label."""
        legend = self.map_calls["legend"]
        assert isinstance(legend, dict)
        return [item["l"] for section in legend["s"] for item in section["items"]]


def _shown(name_json: str) -> str:
    """A layer-control name as the browser shows it (markup stripped, entities decoded)."""
    as_html = json.loads(name_json)
    return html.unescape(re.sub(r"<[^>]*>", "", as_html))


def read_rendered(document: str) -> RenderedMap:
    """Parse the layer control and the ``CharterMap`` draw calls out of a rendered map."""
    variables: dict[str, list[tuple[str, object]]] = {}
    result = RenderedMap()
    map_name = re.search(r"var (map_[0-9a-f]+) = L\.map\(", document)
    assert map_name is not None
    for function, target, payload in _CALL.findall(document):
        data = json.loads(payload)
        if target == map_name.group(1):
            result.map_calls[function] = data
        else:
            variables.setdefault(target, []).append((function, data))
    control = document[document.index("base_layers :") :]
    overlays_at = control.index("overlays :")
    for name_json, _variable in _OVERLAY.findall(control[:overlays_at]):
        result.base_layers.append(_shown(name_json))
    for name_json, variable in _OVERLAY.findall(control[overlays_at:]):
        result.overlays[_shown(name_json)] = variables.get(variable, [])
        result.overlay_markup.append(json.loads(name_json))
    return result
