"""Build the synthetic demo planning day in ``scenarios/demo`` (seeded, reproducible).

A realistic but entirely synthetic return-to-work day (Monday 2020-02-24) on the real Suzhou
places shipped with the package: the 10 embedded railway stations, the real districts and the
embedded checkpoint layer and road network. Nothing here describes real people or companies.

- **Employers** (150): placed in clusters in the industrial districts (Industrial Park, New
  District/Huqiu, Kunshan, Wujiang, Zhangjiagang, Changshu, Taicang, Xiangcheng, Wuzhong),
  inside the real district boundary and within 1.5 km of the embedded major-road network;
  generic names marked "（示例）"; most certified, some key enterprises.
- **Trains**: runs along the Shanghai–Nanjing intercity line (G7xxx and cross-line D/G trains),
  the Beijing–Shanghai high-speed line (G trains) and the conventional line (K/Z trains), with
  realistic stop order and hop times, departing in morning, midday and evening waves; every
  stop falls between 06:00 and 23:00.
- **Workers** (about 4,000): each employer's returning workers choose a station by train
  frequency and distance (the three Wuxi stations serve the north-west of Suzhou, so those
  buses cross the Suzhou–Wuxi boundary checkpoints), then a train stopping there; their origin
  comes from the train's origin region (real provinces and cities). A few come from the listed
  medium/high-risk regions; some have yellow or red codes or no nucleic test.
- **Fleet**: three bus operators (five depots near the road network), about 150 buses of 19–53
  seats with 苏E plates; most hold a valid passenger permit, a few have none, an expired one,
  one not yet valid, one expiring at noon, or a goods permit only; some work half days.
- **Goods side** (``tools.demo_supply``): three goods-vehicle operators (yards in Wuzhong, at
  Taicang port and Zhangjiagang) with 19 trucks of 2–25 t and goods permits (one expired, one
  passenger permit only), and 47 supply shipments — epidemic supplies to hospitals and key
  employers, necessities to supermarket distribution centres, production materials and other
  cargo to factories — from the two ports, logistics parks and hubs in Wuxi and Shanghai.
- **Exits**: of the embedded checkpoints, one Suzhou–Wuxi crossing is closed, one
  Kunshan–Shanghai crossing freight-only, two crossings are green channels and one has a long
  queue; the rest stay open. The build checks that every place is still reachable by bus.
- **Personal data** is fake but well-formed: id numbers start with ``99`` (no such province)
  and carry a valid GB 11643 check digit; phone numbers have ``0000`` as their middle digits.

Run from the repository root (takes a few seconds)::

    python -m tools.build_demo [--seed 20200224] [--out scenarios/demo]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from dispatch.charters.prepare import prepare
from dispatch.charters.summary import summarise
from dispatch.intake.reader import read_day
from dispatch.outputs.privacy import id_check_digit
from routing.network.daynetwork import network_for_day
from routing.network.roads import RoadNetwork
from routing.network.snap import snap_places
from routing.network.speed import Profile
from stations.embedded import default_districts, default_exits, default_stations
from stations.errors import SnapWarning
from stations.model import Depot, Enterprise, Exit, ExitStatus, Place, Station
from tools.demo_supply import (
    FLOWS,
    GOODS_OPERATORS,
    PLACES,
    TRUCK_PERMIT_CASES,
    make_shipment_rows,
    make_trucks,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "scenarios" / "demo"
SEED = 20200224
DATE = dt.date(2020, 2, 24)
FIRST_ARRIVAL = 6 * 60  # minutes after midnight
LAST_ARRIVAL = 23 * 60
MAX_ROAD_KM = 1.5
WORKERS = 4000
SYNTHETIC = "（示例）"

logger = logging.getLogger(__name__)

# district id -> (employers, name prefix, industries)
DISTRICTS: dict[str, tuple[int, str, tuple[str, ...]]] = {
    "suzhou_industrial_park": (
        30,
        "苏州工业园区",
        ("半导体", "电子科技", "生物医药", "光电", "精密机械"),
    ),
    "huqiu": (22, "苏州高新区", ("电子科技", "精密机械", "医疗器械", "新材料")),
    "kunshan": (28, "昆山", ("电子科技", "光电", "精密模具", "汽车零部件")),
    "wujiang": (16, "吴江", ("纺织", "化纤", "光缆", "电梯部件")),
    "zhangjiagang": (12, "张家港", ("化纤", "金属制品", "机械制造")),
    "changshu": (12, "常熟", ("服饰", "汽车零部件", "机械")),
    "taicang": (10, "太仓", ("汽车零部件", "精密机械", "物流装备")),
    "xiangcheng": (10, "苏州相城", ("智能装备", "新材料", "电子科技")),
    "wuzhong": (10, "苏州吴中", ("医疗器械", "机器人", "精密机械")),
}
BRAND_FIRST = "恒瑞华联博鑫永嘉宏盛德信汇晶远腾昊润泰立"
BRAND_SECOND = "达拓锦创远泰昌诚晟威通丰源智睿辉海峰宇科"

# station id -> relative train frequency (how many registered arrivals it attracts)
STATION_PULL: dict[str, float] = {
    "suzhou": 1.0,
    "suzhou_north": 1.2,
    "suzhou_industrial_park": 0.5,
    "suzhou_new_district": 0.4,
    "kunshan_south": 1.0,
    "yangchenghu": 0.2,
    "huaqiao": 0.3,
    "wuxi": 1.0,
    "wuxi_east": 1.0,
    "wuxi_new_district": 0.3,
}
DISTANCE_SCALE_KM = 6.0

# railway lines: stations in eastbound order and minutes between consecutive stops
LINES: dict[str, tuple[tuple[str, ...], int]] = {
    "intercity": (
        (
            "wuxi",
            "wuxi_new_district",
            "suzhou_new_district",
            "suzhou",
            "suzhou_industrial_park",
            "yangchenghu",
            "kunshan_south",
            "huaqiao",
        ),
        9,
    ),
    "high_speed": (("wuxi_east", "suzhou_north", "kunshan_south"), 12),
    "conventional": (("wuxi", "suzhou"), 28),
}
ALWAYS_STOPS = frozenset({"wuxi", "suzhou", "kunshan_south", "wuxi_east", "suzhou_north"})

PROVINCES: dict[str, tuple[str, ...]] = {
    "河南省": ("信阳市", "周口市", "驻马店市", "南阳市", "商丘市", "郑州市"),
    "安徽省": ("阜阳市", "六安市", "亳州市", "宿州市", "安庆市", "滁州市"),
    "江苏省": ("徐州市", "宿迁市", "连云港市", "盐城市", "淮安市"),
    "四川省": ("南充市", "达州市", "广安市", "绵阳市", "遂宁市"),
    "重庆市": ("万州区", "开州区", "云阳县", "涪陵区"),
    "陕西省": ("汉中市", "安康市", "渭南市"),
    "甘肃省": ("天水市", "陇南市"),
    "山东省": ("临沂市", "菏泽市", "济宁市", "枣庄市"),
    "贵州省": ("毕节市", "遵义市", "铜仁市"),
    "云南省": ("昭通市", "曲靖市"),
    "江西省": ("上饶市", "赣州市", "九江市", "南昌市"),
    "湖南省": ("邵阳市", "衡阳市", "常德市", "长沙市"),
    "浙江省": ("温州市", "台州市", "金华市"),
}


@dataclass(frozen=True, slots=True)
class Route:
    """A kind of train run: number prefix and range, line, direction and origin provinces."""

    prefix: str
    numbers: tuple[int, int]
    line: str
    eastbound: bool
    origin: str  # where the train comes from (for the README)
    provinces: tuple[str, ...]
    weight: float


ROUTES: tuple[Route, ...] = (
    Route("G7", (1, 299), "intercity", True, "南京南", ("江苏省", "安徽省"), 3.0),
    Route("D3", (1, 99), "intercity", True, "重庆北", ("重庆市", "四川省"), 1.0),
    Route("D3", (100, 199), "intercity", True, "成都东", ("四川省",), 0.8),
    Route("G1", (800, 899), "intercity", True, "郑州东", ("河南省",), 1.2),
    Route("D3", (200, 299), "intercity", True, "合肥南", ("安徽省",), 1.0),
    Route("G1", (900, 999), "intercity", False, "上海虹桥", ("浙江省", "江西省", "湖南省"), 0.8),
    Route("G", (100, 299), "high_speed", True, "济南西", ("山东省", "江苏省"), 1.2),
    Route("G", (1800, 1899), "high_speed", True, "西安北", ("陕西省", "甘肃省", "河南省"), 0.9),
    Route("G", (1300, 1399), "high_speed", True, "贵阳北", ("贵州省", "湖南省"), 0.7),
    Route("K", (1000, 1599), "conventional", True, "信阳", ("河南省", "安徽省"), 0.9),
    Route("K", (1600, 1999), "conventional", True, "昆明", ("云南省", "贵州省", "四川省"), 0.5),
    Route("Z", (200, 299), "conventional", True, "成都", ("四川省", "重庆市"), 0.4),
)
# (centre minute, spread, weight) of the departure waves
WAVES: tuple[tuple[float, float, float], ...] = (
    (8 * 60 + 30, 55, 0.40),
    (13 * 60, 60, 0.22),
    (15 * 60 + 45, 45, 0.08),
    (18 * 60 + 30, 70, 0.26),
    (21 * 60 + 45, 40, 0.08),
)
RUNS = 120
BATCH = 18  # workers an employer books on one train
ON_THEIR_OWN = 0.05  # share of workers who travel on any train to the nearest station

HIGH_RISK = (("湖北省", ("黄冈市", "孝感市", "荆州市", "武汉市")), ("浙江省温州市", ("",)))
MEDIUM_RISK = ("河南省信阳市", "安徽省阜阳市", "重庆市万州区", "江西省南昌市", "湖南省长沙市")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
    "邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰春梅海波鹏辉斌宇浩凯健俊帆"

# operator code, name, yards (depot id, yard name, nominal lon, lat), buses
OperatorRow = tuple[str, str, tuple[tuple[str, str, float, float], ...], int]
OPERATORS: tuple[OperatorRow, ...] = (
    (
        "A",
        "苏州示例旅游客运有限公司",
        (("depot_a1", "相城车场", 120.640, 31.445), ("depot_a2", "吴中车场", 120.625, 31.265)),
        60,
    ),
    ("B", "昆山示例汽车客运有限公司", (("depot_b1", "昆山车场", 120.985, 31.390),), 45),
    (
        "C",
        "园区示例公交包车有限公司",
        (("depot_c1", "园区车场", 120.755, 31.300), ("depot_c2", "常熟车场", 120.760, 31.640)),
        45,
    ),
)
SEATS = ((53, 0.32), (49, 0.14), (45, 0.2), (39, 0.1), (35, 0.1), (23, 0.08), (19, 0.06))

# exits of the embedded layer that change status (the rest stay open)
EXIT_CHANGES: tuple[tuple[str, ExitStatus, float | None], ...] = (
    ("bx32", ExitStatus.CLOSED, None),  # Xiangcheng – Wuxi 3
    ("bx08", ExitStatus.FREIGHT_ONLY, None),  # Kunshan – Shanghai 1
    ("bx30", ExitStatus.GREEN_CHANNEL, None),  # Xiangcheng – Wuxi 1
    ("bx36", ExitStatus.GREEN_CHANNEL, None),  # Changshu – Wuxi 1
    ("bx34", ExitStatus.OPEN, 25.0),  # Xiangcheng – Wuxi 5: long queue
)


# --------------------------------------------------------------------------- helpers


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance in km (fine at city scale)."""
    x = (lon2 - lon1) * 111.32 * math.cos(math.radians((lat1 + lat2) / 2))
    y = (lat2 - lat1) * 110.57
    return math.hypot(x, y)


def _clock(minutes: int) -> str:
    return (dt.datetime.combine(DATE, dt.time()) + dt.timedelta(minutes=minutes)).isoformat(
        timespec="minutes"
    )


def _write(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)


# --------------------------------------------------------------------------- places


def _road_offsets(network: RoadNetwork, points: Sequence[tuple[float, float]]) -> list[float]:
    places = [Depot(f"p{i}", "x", lon, lat) for i, (lon, lat) in enumerate(points)]
    snapping = snap_places(network, places, max_km=50.0, warn_km=50.0)
    return [float(k) for k in snapping.offset_km]


def _district_areas() -> dict[str, BaseGeometry]:
    districts = default_districts()
    park = districts["suzhou_industrial_park"].geometry
    areas = {}
    for district_id in DISTRICTS:
        area = districts[district_id].geometry
        areas[district_id] = area if district_id == "suzhou_industrial_park" else area - park
    return areas


def make_enterprises(
    rng: np.random.Generator,
    network: RoadNetwork,
    *,
    counts: Mapping[str, int] | None = None,
) -> list[Enterprise]:
    """Employers in clusters inside the industrial districts, near the roads.

    ``counts`` gives the employers per district (default the 150 of ``DISTRICTS``).
    """
    areas = _district_areas()
    nodes = np.column_stack([network.node_lon, network.node_lat])
    inside_all = {d: shapely.contains_xy(a, nodes[:, 0], nodes[:, 1]) for d, a in areas.items()}
    enterprises: list[Enterprise] = []
    names: set[str] = set()
    for district_id, (default_count, prefix, industries) in DISTRICTS.items():
        count = default_count if counts is None else counts.get(district_id, 0)
        candidates = nodes[inside_all[district_id]]
        centres = candidates[rng.choice(len(candidates), size=3, replace=False)]
        placed = 0
        while placed < count:
            centre = centres[rng.integers(len(centres))]
            lon = float(centre[0] + rng.normal(0, 0.008))
            lat = float(centre[1] + rng.normal(0, 0.007))
            if not areas[district_id].contains(Point(lon, lat)):
                continue
            if _road_offsets(network, [(lon, lat)])[0] > MAX_ROAD_KM:
                continue
            name = _company_name(rng, prefix, industries)
            if name in names:
                continue
            names.add(name)
            placed += 1
            number = len(enterprises) + 1
            enterprises.append(
                Enterprise(
                    enterprise_id=f"E{number:03d}",
                    name=name,
                    lon=round(lon, 6),
                    lat=round(lat, 6),
                    certified=bool(rng.random() > 0.06),
                    district=default_districts()[district_id].name_en,
                    key_enterprise=bool(rng.random() < 0.15),
                    escort_contact=f"{_person(rng)[0]}主管 {_phone(rng)}",
                )
            )
    return enterprises


def _company_name(rng: np.random.Generator, prefix: str, industries: Sequence[str]) -> str:
    brand = (
        BRAND_FIRST[rng.integers(len(BRAND_FIRST))] + BRAND_SECOND[rng.integers(len(BRAND_SECOND))]
    )
    industry = industries[int(rng.integers(len(industries)))]
    return f"{prefix}{brand}{industry}有限公司{SYNTHETIC}"


def make_depots(
    network: RoadNetwork, *, operators: Sequence[OperatorRow] = OPERATORS
) -> list[Depot]:
    """The operators' yards: beside the major road nearest to each nominal position."""
    nominal = [
        (depot_id, name, yard, lon, lat)
        for _, name, yards, _ in operators
        for depot_id, yard, lon, lat in yards
    ]
    nominal += [(g.yard[0], g.name, g.yard[1], g.yard[2], g.yard[3]) for g in GOODS_OPERATORS]
    places = [Depot(d, n, lon, lat) for d, n, _, lon, lat in nominal]
    snapping = snap_places(network, places, max_km=MAX_ROAD_KM, warn_km=MAX_ROAD_KM)
    depots = []
    for i, (depot_id, name, yard, lon, lat) in enumerate(nominal):
        # 100-200 m off the road, on the side of the nominal position
        share = min(1.0, 0.15 / max(float(snapping.offset_km[i]), 0.15))
        road_lon, road_lat = float(snapping.road_lon[i]), float(snapping.road_lat[i])
        depots.append(
            Depot(
                depot_id,
                name,
                round(road_lon + share * (lon - road_lon), 6),
                round(road_lat + share * (lat - road_lat), 6),
                name=yard,
            )
        )
    return depots


# --------------------------------------------------------------------------- trains, workers


@dataclass(frozen=True, slots=True)
class Stop:
    """One train run stopping at one station."""

    train_no: str
    station_id: str
    minute: int
    provinces: tuple[str, ...]
    size: float


def make_timetable(rng: np.random.Generator, *, runs: int = RUNS) -> list[Stop]:
    """Train runs along the lines, in waves; the stops between 06:00 and 23:00."""
    weights = np.array([r.weight for r in ROUTES])
    used: set[str] = set()
    stops: list[Stop] = []
    wave_weights = np.array([w for _, _, w in WAVES])
    for _ in range(runs):
        route = ROUTES[rng.choice(len(ROUTES), p=weights / weights.sum())]
        number = f"{route.prefix}{rng.integers(route.numbers[0], route.numbers[1] + 1)}"
        if number in used:
            continue
        used.add(number)
        centre, spread, _ = WAVES[rng.choice(len(WAVES), p=wave_weights / wave_weights.sum())]
        first = int(rng.normal(centre, spread))
        line, hop = LINES[route.line]
        order = line if route.eastbound else tuple(reversed(line))
        size = float(rng.lognormal(0, 0.6))
        minute = first
        for station_id in order:
            if station_id in ALWAYS_STOPS or rng.random() < 0.5:
                if FIRST_ARRIVAL <= minute <= LAST_ARRIVAL:
                    stops.append(Stop(number, station_id, minute, route.provinces, size))
                minute += 2  # dwell
            minute += hop
    return sorted(stops, key=lambda s: (s.station_id, s.minute, s.train_no))


@dataclass(frozen=True, slots=True)
class Worker:
    """One synthetic registration."""

    worker_id: str
    enterprise_id: str
    stop: Stop
    origin: str
    health_code: str
    nucleic_test: str
    name: str
    id_number: str
    phone: str


def _person(rng: np.random.Generator) -> tuple[str, str]:
    surname = SURNAMES[rng.integers(len(SURNAMES))]
    given = "".join(GIVEN[rng.integers(len(GIVEN))] for _ in range(rng.integers(1, 3)))
    return surname, surname + given


def _phone(rng: np.random.Generator) -> str:
    return f"1{rng.choice(list('35789'))}{rng.integers(0, 10)}0000{rng.integers(0, 10000):04d}"


def _id_number(rng: np.random.Generator) -> str:
    born = dt.date(1965, 1, 1) + dt.timedelta(days=int(rng.integers(0, 13500)))
    first17 = f"99{rng.integers(0, 10000):04d}{born:%Y%m%d}{rng.integers(0, 1000):03d}"
    return first17 + id_check_digit(first17)


def _origin(rng: np.random.Generator, stop: Stop) -> str:
    draw = rng.random()
    if draw < 0.008:
        region, places = HIGH_RISK[0]
        return region + places[int(rng.integers(len(places)))]
    if draw < 0.011:
        return HIGH_RISK[1][0]
    province = stop.provinces[rng.integers(len(stop.provinces))]
    cities = PROVINCES[province]
    return province + cities[rng.integers(len(cities))]


def _health(rng: np.random.Generator, origin: str) -> tuple[str, str]:
    code = rng.choice(["green", "yellow", "red"], p=[0.975, 0.021, 0.004])
    medium = any(origin.startswith(region) for region in MEDIUM_RISK)
    negative = 0.7 if medium else 0.35
    test = rng.choice(["negative", "none", "positive"], p=[negative, 0.9985 - negative, 0.0015])
    return str(code), str(test)


def _station_pull(enterprise: Enterprise, stations: Sequence[Station]) -> npt.NDArray[np.float64]:
    pull = np.array(
        [
            STATION_PULL[s.station_id]
            * math.exp(-_km(enterprise.lon, enterprise.lat, s.lon, s.lat) / DISTANCE_SCALE_KM)
            for s in stations
        ]
    )
    share: npt.NDArray[np.float64] = pull / pull.sum()
    return share


def _batches(
    rng: np.random.Generator,
    count: int,
    pull: npt.NDArray[np.float64],
    stations: Sequence[Station],
    by_station: dict[str, list[Stop]],
    *,
    batch: float = BATCH,
) -> list[Stop]:
    """The trains an employer's workers travel on together (about ``batch`` workers each)."""
    batches: list[Stop] = []
    for _ in range(max(1, round(count / batch))):
        station = stations[rng.choice(len(stations), p=pull)]
        batches.append(_train_at(rng, by_station[station.station_id]))
    return batches


def _train_at(rng: np.random.Generator, candidates: Sequence[Stop]) -> Stop:
    size = np.array([stop.size for stop in candidates])
    return candidates[rng.choice(len(candidates), p=size / size.sum())]


def make_workers(
    rng: np.random.Generator,
    enterprises: Sequence[Enterprise],
    stations: Sequence[Station],
    stops: Sequence[Stop],
    *,
    workers_total: int = WORKERS,
    batch: float = BATCH,
    on_their_own: float = ON_THEIR_OWN,
) -> list[Worker]:
    """Each employer's returning workers travel in batches on a few trains (the employer books
    them), stations chosen by train frequency and distance; a few travel on their own.

    ``batch`` is the workers an employer books on one train (small: a sparse day of one or two
    workers per employer, station and train) and ``on_their_own`` the share who take any train
    to the employer's nearest station. Defaults: the demo day's."""
    sizes = rng.lognormal(0, 0.8, size=len(enterprises))
    sizes *= np.array([2.0 if e.key_enterprise else 1.0 for e in enterprises])
    sizes *= np.array([1.0 if e.certified else 0.4 for e in enterprises])
    counts = rng.multinomial(workers_total, sizes / sizes.sum())
    by_station = {
        s.station_id: [stop for stop in stops if stop.station_id == s.station_id] for s in stations
    }
    workers: list[Worker] = []
    for enterprise, count in zip(enterprises, counts, strict=True):
        pull = _station_pull(enterprise, stations)
        batches = _batches(rng, int(count), pull, stations, by_station, batch=batch)
        main_station = stations[int(np.argmax(pull))].station_id
        for _ in range(int(count)):
            if rng.random() < on_their_own:
                stop = _train_at(rng, by_station[main_station])
            else:
                stop = batches[rng.integers(len(batches))]
            origin = _origin(rng, stop)
            health_code, nucleic_test = _health(rng, origin)
            workers.append(
                Worker(
                    worker_id="",
                    enterprise_id=enterprise.enterprise_id,
                    stop=stop,
                    origin=origin,
                    health_code=health_code,
                    nucleic_test=nucleic_test,
                    name=_person(rng)[1],
                    id_number=_id_number(rng),
                    phone=_phone(rng),
                )
            )
    ordered = sorted(workers, key=lambda w: (w.stop.minute, w.stop.station_id, w.stop.train_no))
    return [dataclasses.replace(w, worker_id=f"W{i:05d}") for i, w in enumerate(ordered, start=1)]


# --------------------------------------------------------------------------- fleet


@dataclass(frozen=True, slots=True)
class FleetRow:
    """A vehicle with its permit (None: no permit) for the CSV files."""

    vehicle_id: str
    operator: str
    depot_id: str
    vehicle_class: str
    seats: int | None
    capacity_t: float | None
    available: tuple[str, str] | None
    costs: tuple[float, float, float]
    permit: tuple[str, str, str] | None  # kind, valid_from, valid_to
    capacity_m3: float | None = None


def _plate(rng: np.random.Generator, used: set[str], prefix: str = "苏E") -> str:
    while True:
        plate = f"{prefix}·{rng.integers(10000, 100000)}"
        if plate not in used:
            used.add(plate)
            return plate


def _valid_permit(rng: np.random.Generator) -> tuple[str, str, str]:
    start = dt.date(2018, 6, 1) + dt.timedelta(days=int(rng.integers(0, 600)))
    end = start.replace(year=start.year + 2) - dt.timedelta(days=1)
    if end <= DATE:
        end = end.replace(year=end.year + 2)
    return "passenger", start.isoformat(), end.isoformat()


# special permit situations, by bus index in the fleet order (kept away from one operator)
PERMIT_CASES: dict[int, tuple[str, str, str] | None] = {
    7: None,
    71: None,
    133: None,
    19: ("passenger", "2018-02-01", "2020-01-31"),
    88: ("passenger", "2018-02-11", "2020-02-10"),
    121: ("passenger", "2018-02-21", "2020-02-20"),
    54: ("passenger", "2020-03-01", "2022-02-28"),
    102: ("passenger", "2018-02-24", "2020-02-24T13:00"),
    140: ("goods", "2019-05-01", "2021-04-30"),
}


def make_fleet(
    rng: np.random.Generator,
    *,
    operators: Sequence[OperatorRow] = OPERATORS,
    permit_cases: Mapping[int, tuple[str, str, str] | None] = PERMIT_CASES,
) -> list[FleetRow]:
    """Buses of the operators (and a few trucks), with permits (default: the demo's 150)."""
    rows: list[FleetRow] = []
    used: set[str] = set()
    seats_choices = np.array([s for s, _ in SEATS])
    seats_weights = np.array([w for _, w in SEATS])
    for _, operator, yards, count in operators:
        for index in range(count):
            seats = int(rng.choice(seats_choices, p=seats_weights / seats_weights.sum()))
            depot_id = yards[index % len(yards)][0]
            shift = rng.random()
            available = None
            if shift < 0.07:
                available = ("06:00", "14:30")
            elif shift < 0.13:
                available = ("12:00", "23:59")
            costs = (
                round(2.5 + 0.04 * seats, 2),
                round(40 + 0.5 * seats, 1),
                float(200 + 4 * seats),
            )
            number = len(rows)
            permit = permit_cases[number] if number in permit_cases else _valid_permit(rng)
            rows.append(
                FleetRow(
                    _plate(rng, used),
                    operator,
                    depot_id,
                    "bus",
                    seats,
                    None,
                    available,
                    costs,
                    permit,
                )
            )
    for spec in make_trucks(rng):
        rows.append(
            FleetRow(
                _plate(rng, used),
                spec.operator,
                spec.depot_id,
                "truck",
                None,
                spec.capacity_t,
                None,
                spec.costs,
                spec.permit,
                spec.capacity_m3,
            )
        )
    return rows


# --------------------------------------------------------------------------- shipments


def make_shipments(
    rng: np.random.Generator, enterprises: Sequence[Enterprise], depots: Sequence[Depot]
) -> list[tuple[object, ...]]:
    """The supply shipments (``tools.demo_supply``): ports, parks and hubs to hospitals,
    distribution centres and the employers."""
    return make_shipment_rows(rng, enterprises, {d.depot_id: (d.lon, d.lat) for d in depots})


# --------------------------------------------------------------------------- output


def _write_tables(
    out: Path,
    enterprises: Sequence[Enterprise],
    depots: Sequence[Depot],
    workers: Sequence[Worker],
    fleet: Sequence[FleetRow],
    shipments: Sequence[tuple[object, ...]],
) -> None:
    _write(
        out / "enterprises.csv",
        (
            "enterprise_id",
            "name",
            "lon",
            "lat",
            "certified",
            "district",
            "key_enterprise",
            "escort_contact",
        ),
        [
            (
                e.enterprise_id,
                e.name,
                e.lon,
                e.lat,
                str(e.certified).lower(),
                e.district,
                str(e.key_enterprise).lower(),
                e.escort_contact,
            )
            for e in enterprises
        ],
    )
    _write(
        out / "depots.csv",
        ("depot_id", "operator", "lon", "lat", "name"),
        [(d.depot_id, d.operator, d.lon, d.lat, d.name) for d in depots],
    )
    _write(
        out / "arrivals.csv",
        (
            "worker_id",
            "enterprise_id",
            "station_id",
            "arrival_time",
            "origin_region",
            "health_code",
            "nucleic_test",
            "train_no",
            "name",
            "id_number",
            "phone",
        ),
        [
            (
                w.worker_id,
                w.enterprise_id,
                w.stop.station_id,
                _clock(w.stop.minute),
                w.origin,
                w.health_code,
                w.nucleic_test,
                w.stop.train_no,
                w.name,
                w.id_number,
                w.phone,
            )
            for w in workers
        ],
    )
    _write(
        out / "fleet.csv",
        (
            "vehicle_id",
            "operator",
            "depot_id",
            "class",
            "seats",
            "capacity_t",
            "capacity_m3",
            "available_from",
            "available_to",
            "cost_per_km",
            "cost_per_hour",
            "fixed_cost",
        ),
        [
            (
                v.vehicle_id,
                v.operator,
                v.depot_id,
                v.vehicle_class,
                v.seats,
                v.capacity_t,
                v.capacity_m3,
                *(v.available or (None, None)),
                *v.costs,
            )
            for v in fleet
        ],
    )
    _write(
        out / "permits.csv",
        ("permit_no", "vehicle_id", "kind", "valid_from", "valid_to"),
        [
            (f"苏交运管许可苏字320500{number:06d}号", v.vehicle_id, *v.permit)
            for number, v in enumerate(fleet, start=100001)
            if v.permit is not None
        ],
    )
    _write(
        out / "exits.csv",
        ("exit_id", "status", "delay_min"),
        [(exit_id, status.value, delay) for exit_id, status, delay in EXIT_CHANGES],
    )
    _write(
        out / "risk_regions.csv",
        ("region", "level"),
        [(region, "high") for region, _ in HIGH_RISK] + [(r, "medium") for r in MEDIUM_RISK],
    )
    _write(
        out / "shipments.csv",
        (
            "shipment_id",
            "origin",
            "destination",
            "cargo",
            "weight_t",
            "volume_m3",
            "ready_time",
            "due_time",
            "priority",
            "origin_name",
            "destination_name",
        ),
        shipments,
    )
    (out / "policy.toml").write_text(
        "# Demo day policy: the seed documents' defaults, with the planning date and seed fixed.\n"
        "# effort (a deterministic search budget) stops the solve before the time limit on an\n"
        "# ordinary 2-core machine, so the same seed gives the same plan; the limit is a cap.\n"
        f"planning_date = {DATE.isoformat()}\nseed = 2020\ntime_limit_s = 40\neffort = 400\n",
        encoding="utf-8",
    )


def _check_reachable(
    network: RoadNetwork,
    stations: Sequence[Station],
    enterprises: Sequence[Enterprise],
    depots: Sequence[Depot],
) -> None:
    """Every depot, station and employer must reach every other by bus under the day's exits."""
    changes = {exit_id: (status, delay) for exit_id, status, delay in EXIT_CHANGES}
    exits: list[Exit] = []
    for exit_ in default_exits().values():
        if exit_.exit_id in changes:
            status, delay = changes[exit_.exit_id]
            exit_ = dataclasses.replace(exit_, status=status, delay_min=delay)
        exits.append(exit_)
    day_network = network_for_day(network, exits)
    places: list[Place] = [*depots, *stations, *enterprises]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnapWarning)  # stations stand up to 1 km off the roads
        matrix = day_network.matrix(places, profile=Profile.BUS)
    missing = matrix.unreachable_pairs()
    if missing:
        raise RuntimeError(f"{len(missing)} pairs unreachable by bus, e.g. {missing[:5]}")
    goods: list[Place] = [*depots, *(Depot(p.key, "", p.lon, p.lat) for p in PLACES)]
    goods += enterprises
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnapWarning)
        trucks = day_network.matrix(goods, profile=Profile.TRUCK)
    missing = trucks.unreachable_pairs()
    if missing:
        raise RuntimeError(f"{len(missing)} pairs unreachable by truck, e.g. {missing[:5]}")


def _readme(out: Path, seed: int, fleet: Sequence[FleetRow]) -> str:
    summary = summarise(prepare(read_day(out)))
    counts = summary.as_dict()
    exits = default_exits()
    lines = [
        "# Demo planning day (synthetic)",
        "",
        "**Everything here is synthetic** — realistic in shape, but no real person, company or",
        "timetable. It sits on real places: the 10 embedded railway stations, the real Suzhou",
        "districts, the embedded checkpoint layer and road network (© OpenStreetMap contributors,",
        "ODbL 1.0). Employer names end in （示例）; id numbers start with `99` (no such",
        "province) but carry a valid check digit; phone numbers have `0000` as middle digits.",
        "",
        f"Made by `python -m tools.build_demo --seed {seed}` (see the docstring of",
        "`tools/build_demo.py` for how each table is drawn); rerunning it rewrites these files",
        "byte for byte. `charter check scenarios/demo` validates them.",
        "",
        f"Planning day {summary.date.isoformat()} (Monday), default policy (load factor 0.5, one",
        "escort seat, point-to-point, 60 min longest wait).",
        "",
        "| what | how many |",
        "|---|---|",
        f"| workers registered | {summary.registered} (arrivals 06:00–23:00 at 10 stations) |",
        f"| eligible / excluded | {summary.eligible} / {summary.excluded} |",
        f"| excluded because | {_pairs_text(counts['excluded_by_reason'])} |",
        f"| trip requests after grouping | {summary.requests} |",
        f"| employers (certified, key) | {summary.enterprises} ({summary.certified}, "
        f"{summary.key_enterprises}) |",
        f"| depots | {summary.depots} (three bus operators, three goods-vehicle operators) |",
        f"| buses (usable) | {summary.buses} ({summary.usable_buses}) |",
        f"| buses not dispatched | {_pairs_text(counts['rejected_by_reason'])} |",
        f"| trucks (usable) | {summary.trucks} ({summary.usable_trucks}) |",
        f"| shipments | {summary.shipments} ({_cargo_text(out)}) |",
        f"| exits | {_pairs_text(counts['exits_by_status'])} |",
        "",
        "Special cases worth looking for in a plan:",
        "",
    ]
    for index, case in sorted(PERMIT_CASES.items()):
        what = "no permit" if case is None else f"{case[0]} permit {case[1]} … {case[2]}"
        lines.append(f"- bus {fleet[index].vehicle_id}: {what}")
    trucks = [v for v in fleet if v.vehicle_class == "truck"]
    for index, (kind, start, end) in sorted(TRUCK_PERMIT_CASES.items()):
        lines.append(f"- truck {trucks[index].vehicle_id}: {kind} permit {start} … {end}")
    for exit_id, status, delay in EXIT_CHANGES:
        shown = f"{status.value}" + (f", {delay:g} min queue" if delay else "")
        lines.append(f"- exit {exit_id} ({exits[exit_id].name}): {shown}")
    high = ", ".join(r for r, _ in HIGH_RISK)
    lines.append(f"- risk regions: high {high}; medium {', '.join(MEDIUM_RISK)}")
    return "\n".join([*lines, *_supply_readme()]) + "\n"


def _cargo_text(out: Path) -> str:
    with (out / "shipments.csv").open(encoding="utf-8") as handle:
        cargo = [row["cargo"] for row in csv.DictReader(handle)]
    kinds = dict.fromkeys(f.cargo for f in FLOWS)
    return ", ".join(f"{kind} {cargo.count(kind)}" for kind in kinds)


def _supply_readme() -> list[str]:
    lines = [
        "",
        "Supply side (`tools/demo_supply.py`): goods-vehicle operators and their yards",
        "",
        "| operator | yard | trucks |",
        "|---|---|---|",
    ]
    for g in GOODS_OPERATORS:
        trucks = ", ".join(f"{n} × {label} ({t:g} t, {m:g} m³)" for label, t, m, n in g.trucks)
        lines.append(f"| {g.name} | {g.yard[1]} (`{g.yard[0]}`) | {trucks} |")
    lines += [
        "",
        "Shipment ends given by position (`lon,lat` with a name in shipments.csv). **Positions",
        "are plausible, not surveyed**: the two ports are real places at approximate",
        "positions; every other name is synthetic （示例）. The Wuxi and Shanghai hubs lie outside",
        "Suzhou: their trucks come in through the green channel bx30 and the freight-only",
        "crossing bx08.",
        "",
        "| place | lon, lat |",
        "|---|---|",
        *(f"| {p.name} | {p.lon:.6f}, {p.lat:.6f} |" for p in PLACES),
        "",
        "Flows: " + "; ".join(f"{f.cargo} — {f.what} ({f.count})" for f in FLOWS) + "; and one",
        "32 t press frame no truck can carry (unserved, no_truck_large_enough).",
    ]
    return lines


def _pairs_text(pairs: object) -> str:
    assert isinstance(pairs, dict)
    return ", ".join(f"{code} {count}" for code, count in pairs.items()) or "none"


def build(out: Path, seed: int = SEED) -> None:
    """Generate the demo day into ``out`` (tables, policy.toml, README.md)."""
    rng = np.random.default_rng(seed)
    network = RoadNetwork.embedded()
    stations = default_stations().values_list()
    enterprises = make_enterprises(rng, network)
    depots = make_depots(network)
    stops = make_timetable(rng)
    workers = make_workers(rng, enterprises, stations, stops)
    fleet = make_fleet(rng)
    shipments = make_shipments(rng, enterprises, depots)
    _check_reachable(network, stations, enterprises, depots)
    out.mkdir(parents=True, exist_ok=True)
    _write_tables(out, enterprises, depots, workers, fleet, shipments)
    (out / "README.md").write_text(_readme(out, seed, fleet), encoding="utf-8")
    logger.info("wrote the demo day to %s", out)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m tools.build_demo [--seed N] [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(args.out, args.seed)


if __name__ == "__main__":
    main()
