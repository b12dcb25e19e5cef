"""The demo day's goods side: goods-vehicle operators, their trucks and the supply shipments.

Used by ``tools.build_demo``. Places (positions plausible, not surveyed; all but the two
ports carry synthetic names ending in （示例）):

- origins: 太仓港 (Taicang port, imported supplies and containers), 张家港港 (Zhangjiagang
  port, grain, edible oil, steel), a pharmaceutical logistics centre in the Industrial Park,
  logistics parks in Xiangcheng and Kunshan, the goods operators' yards, and two hubs outside
  Suzhou whose trucks come in through the day's checkpoints: one in Wuxi (through the
  Xiangcheng–Wuxi green channel) and one in Shanghai (through the freight-only Kunshan–Shanghai
  crossing);
- destinations: hospitals and supermarket distribution centres in the districts, and the demo
  employers (factories reopening, key enterprises first).

Shipments: epidemic supplies (masks, protective suits, disinfectant, test kits — light but
bulky) to hospitals and key employers; daily necessities (rice, edible oil, vegetables, meat)
to the distribution centres; production materials (components, chemicals, steel) to
factories; other cargo (packaging, furniture, spare parts). Ready times in the morning and
midday, due times a drive and a margin later; priorities by cargo.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from routing.network.geo import haversine_km
from stations.model import Enterprise

DATE = dt.date(2020, 2, 24)
TRUCK_KMH = 40.0  # door-to-door average used to set plausible due times
DETOUR = 1.35  # road distance over straight-line distance


@dataclass(frozen=True, slots=True)
class SupplyPlace:
    """A named shipment end given by position (``lon,lat`` in shipments.csv)."""

    key: str
    name: str
    lon: float
    lat: float

    @property
    def cell(self) -> str:
        """The ``lon,lat`` cell of shipments.csv."""
        return f"{self.lon:.6f},{self.lat:.6f}"


# positions beside the embedded major roads (100–200 m off them), inside the right district
PLACES: tuple[SupplyPlace, ...] = (
    SupplyPlace("taicang_port", "太仓港", 121.203935, 31.617781),
    SupplyPlace("zhangjiagang_port", "张家港港", 120.47572, 31.958179),
    SupplyPlace("pharma_hub", "苏州示例医药物流中心（示例）", 120.775073, 31.334466),
    SupplyPlace("wuxi_pharma", "无锡示例医药仓储中心（示例）", 120.371527, 31.469841),
    SupplyPlace("shanghai_hub", "上海安亭示例物资集散中心（示例）", 121.160, 31.3285),
    SupplyPlace("xiangcheng_park", "苏州相城示例物流园（示例）", 120.601453, 31.433765),
    SupplyPlace("kunshan_park", "昆山示例物流园（示例）", 120.93, 31.361651),
    SupplyPlace("hosp_sip", "苏州工业园区示例医院（示例）", 120.72, 31.315),
    SupplyPlace("hosp_gusu", "姑苏区示例人民医院（示例）", 120.615106, 31.309265),
    SupplyPlace("hosp_kunshan", "昆山示例人民医院（示例）", 120.965, 31.385),
    SupplyPlace("hosp_changshu", "常熟示例人民医院（示例）", 120.75359, 31.65456),
    SupplyPlace("hosp_wujiang", "吴江示例人民医院（示例）", 120.646549, 31.159795),
    SupplyPlace("hosp_zjg", "张家港示例人民医院（示例）", 120.55661, 31.879691),
    SupplyPlace("hosp_taicang", "太仓示例人民医院（示例）", 121.109769, 31.448548),
    SupplyPlace("dc_sip", "示例超市苏州配送中心（示例）", 120.7, 31.385),
    SupplyPlace("dc_wuzhong", "示例生鲜配送中心吴中（示例）", 120.625, 31.255),
    SupplyPlace("dc_kunshan", "昆山示例超市配送中心（示例）", 120.984795, 31.333992),
    SupplyPlace("dc_changshu", "常熟示例超市配送中心（示例）", 120.783748, 31.620304),
)
BY_KEY = {p.key: p for p in PLACES}
HOSPITALS = tuple(p.key for p in PLACES if p.key.startswith("hosp_"))
CENTRES = tuple(p.key for p in PLACES if p.key.startswith("dc_"))


@dataclass(frozen=True, slots=True)
class GoodsOperator:
    """A goods-vehicle operator: code, name, yard (depot id, name, nominal lon, lat) and its
    trucks as (type label, tonnes, m³, how many)."""

    code: str
    name: str
    yard: tuple[str, str, float, float]
    trucks: tuple[tuple[str, float, float, int], ...]


GOODS_OPERATORS: tuple[GoodsOperator, ...] = (
    GoodsOperator(
        "D",
        "苏州示例物流有限公司",
        ("depot_d1", "吴中物流园", 120.640, 31.225),
        (
            ("4.2米厢式货车", 2.0, 16.0, 2),
            ("6.8米厢式货车", 8.0, 40.0, 4),
            ("9.6米厢式货车", 15.0, 58.0, 2),
        ),
    ),
    GoodsOperator(
        "F",
        "太仓港示例集装箱运输有限公司",
        ("depot_f1", "太仓港区车场", 121.190, 31.610),
        (("集装箱半挂车", 25.0, 67.0, 3), ("9.6米厢式货车", 15.0, 58.0, 3)),
    ),
    GoodsOperator(
        "G",
        "张家港示例冷链物流有限公司",
        ("depot_g1", "张家港保税物流园车场", 120.490, 31.950),
        (("6.8米冷藏车", 6.0, 30.0, 3), ("9.6米厢式货车", 15.0, 58.0, 2)),
    ),
)
# truck number (in operator order) -> permit situation that keeps it off the road
TRUCK_PERMIT_CASES: dict[int, tuple[str, str, str]] = {
    3: ("goods", "2018-02-01", "2020-02-15"),  # goods permit expired last week
    15: ("passenger", "2019-07-01", "2021-06-30"),  # a passenger permit, no goods permit
}


@dataclass(frozen=True, slots=True)
class TruckSpec:
    """One truck to write: operator, depot, payload, volume, costs and permit."""

    operator: str
    depot_id: str
    capacity_t: float
    capacity_m3: float
    costs: tuple[float, float, float]  # per km, per hour, fixed (CNY)
    permit: tuple[str, str, str]  # kind, valid_from, valid_to


def truck_costs(tonnes: float) -> tuple[float, float, float]:
    """Running costs of a truck of ``tonnes`` payload: per km, per hour, per day (CNY)."""
    return round(3.0 + 0.2 * tonnes, 2), 60.0, float(250 + 15 * tonnes)


def make_trucks(rng: np.random.Generator) -> list[TruckSpec]:
    """The goods operators' trucks with goods permits (two of them not valid on the day)."""
    specs: list[TruckSpec] = []
    for operator in GOODS_OPERATORS:
        for _, tonnes, m3, count in operator.trucks:
            for _ in range(count):
                start = dt.date(2018, 6, 1) + dt.timedelta(days=int(rng.integers(0, 600)))
                end = start.replace(year=start.year + 2) - dt.timedelta(days=1)
                if end <= DATE:
                    end = end.replace(year=end.year + 2)
                permit = TRUCK_PERMIT_CASES.get(
                    len(specs), ("goods", start.isoformat(), end.isoformat())
                )
                specs.append(
                    TruckSpec(
                        operator.name, operator.yard[0], tonnes, m3, truck_costs(tonnes), permit
                    )
                )
    return specs


@dataclass(frozen=True, slots=True)
class Flow:
    """A kind of shipment: cargo, origins, destinations, how many, tonnes, m³ per tonne,
    priorities, ready times (minutes) and what it is (for the README)."""

    cargo: str
    origins: tuple[str, ...]
    destinations: tuple[str, ...]  # place keys, or "key_employer" / "employer"
    count: int
    tonnes: tuple[float, float]
    m3_per_t: tuple[float, float]
    priority: tuple[int, int]
    ready: tuple[int, int]
    what: str


FLOWS: tuple[Flow, ...] = (
    Flow(
        "epidemic_supplies",
        ("pharma_hub", "pharma_hub", "taicang_port", "wuxi_pharma", "shanghai_hub"),
        HOSPITALS,
        8,
        (0.5, 3.0),
        (5.0, 8.0),
        (8, 9),
        (6 * 60 + 30, 11 * 60),
        "masks, protective suits, test kits to hospitals",
    ),
    Flow(
        "epidemic_supplies",
        ("pharma_hub", "wuxi_pharma", "shanghai_hub"),
        ("key_employer",),
        5,
        (0.3, 1.5),
        (5.0, 8.0),
        (6, 7),
        (7 * 60, 12 * 60),
        "masks and disinfectant for reopening key employers",
    ),
    Flow(
        "necessities",
        ("zhangjiagang_port", "xiangcheng_park", "kunshan_park", "depot_g1"),
        CENTRES,
        12,
        (3.0, 14.0),
        (2.0, 3.5),
        (4, 6),
        (6 * 60, 12 * 60),
        "rice, edible oil, vegetables and meat to supermarket distribution centres",
    ),
    Flow(
        "production_materials",
        ("taicang_port", "zhangjiagang_port", "kunshan_park", "shanghai_hub"),
        ("key_employer", "employer"),
        12,
        (4.0, 22.0),
        (1.0, 2.8),
        (2, 4),
        (7 * 60, 14 * 60),
        "components, chemicals and steel to factories",
    ),
    Flow(
        "other",
        ("xiangcheng_park", "kunshan_park", "depot_d1", "taicang_port"),
        ("employer",),
        9,
        (1.0, 12.0),
        (2.0, 4.0),
        (1, 2),
        (8 * 60, 15 * 60),
        "packaging, office furniture and spare parts",
    ),
)
OVERSIZE = (
    "production_materials",
    "taicang_port",
    32.0,
    45.0,
)  # a press frame: no truck carries it


def _clock(minutes: int) -> str:
    return (dt.datetime.combine(DATE, dt.time()) + dt.timedelta(minutes=minutes)).isoformat(
        timespec="minutes"
    )


@dataclass(frozen=True, slots=True)
class End:
    """A shipment end as written: the cell, its name (blank for a known place) and position."""

    cell: str
    name: str
    lon: float
    lat: float


def _end(key: str, employers: Sequence[Enterprise], depots: dict[str, tuple[float, float]]) -> End:
    if key in BY_KEY:
        place = BY_KEY[key]
        return End(place.cell, place.name, place.lon, place.lat)
    if key in depots:
        lon, lat = depots[key]
        return End(key, "", lon, lat)
    employer = next(e for e in employers if e.enterprise_id == key)
    return End(key, "", employer.lon, employer.lat)


def make_shipment_rows(
    rng: np.random.Generator,
    enterprises: Sequence[Enterprise],
    depots: dict[str, tuple[float, float]],
) -> list[tuple[object, ...]]:
    """The shipments.csv rows (id, origin, destination, cargo, weight, volume, ready, due,
    priority, origin name, destination name), seeded."""
    certified = [e for e in enterprises if e.certified]
    key = [e for e in certified if e.key_enterprise] or certified
    rows: list[tuple[object, ...]] = []
    for flow in FLOWS:
        for _ in range(flow.count):
            origin_key = flow.origins[int(rng.integers(len(flow.origins)))]
            choice = flow.destinations[int(rng.integers(len(flow.destinations)))]
            if choice == "key_employer":
                choice = key[int(rng.integers(len(key)))].enterprise_id
            elif choice == "employer":
                choice = certified[int(rng.integers(len(certified)))].enterprise_id
            tonnes = round(float(rng.uniform(*flow.tonnes)), 1)
            m3 = round(tonnes * float(rng.uniform(*flow.m3_per_t)), 1)
            ready = int(rng.integers(*flow.ready)) // 5 * 5
            rows.append(
                _row(
                    len(rows) + 1,
                    origin_key,
                    choice,
                    flow,
                    tonnes,
                    m3,
                    ready,
                    rng,
                    enterprises,
                    depots,
                )
            )
    cargo, origin_key, tonnes, m3 = OVERSIZE
    oversize = Flow(
        cargo,
        (origin_key,),
        ("employer",),
        1,
        (tonnes, tonnes),
        (1, 1),
        (3, 3),
        (8 * 60, 8 * 60),
        "",
    )
    target = certified[int(rng.integers(len(certified)))].enterprise_id
    rows.append(
        _row(
            len(rows) + 1,
            origin_key,
            target,
            oversize,
            tonnes,
            m3,
            8 * 60,
            rng,
            enterprises,
            depots,
        )
    )
    return rows


def _row(
    number: int,
    origin_key: str,
    destination_key: str,
    flow: Flow,
    tonnes: float,
    m3: float,
    ready: int,
    rng: np.random.Generator,
    enterprises: Sequence[Enterprise],
    depots: dict[str, tuple[float, float]],
) -> tuple[object, ...]:
    origin = _end(origin_key, enterprises, depots)
    destination = _end(destination_key, enterprises, depots)
    km = float(haversine_km(origin.lon, origin.lat, destination.lon, destination.lat)) * DETOUR
    drive = 60.0 * km / TRUCK_KMH + 30 + 4 * tonnes  # plus loading and unloading
    due = ready + math.ceil((drive + float(rng.uniform(45, 240))) / 15.0) * 15
    priority = int(rng.integers(flow.priority[0], flow.priority[1] + 1))
    return (
        f"S{number:03d}",
        origin.cell,
        destination.cell,
        flow.cargo,
        tonnes,
        m3,
        _clock(ready),
        _clock(min(due, 23 * 60 + 30)),
        priority,
        origin.name,
        destination.name,
    )


def supply_points() -> tuple[tuple[str, float, float], ...]:
    """(key, lon, lat) of every named supply place (for the build's reachability check)."""
    return tuple((p.key, p.lon, p.lat) for p in PLACES)
