"""Map geometry: simplifying lines and areas and encoding coordinates compactly (1e-5 degrees)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import shapely
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge

LonLat = tuple[float, float]
SCALE = 100_000  # 5 decimals: about 1 m, finer than anything drawn
ROUTE_TOLERANCE = 0.00005  # degrees (~5 m): keeps a route on its road at street zoom
ROAD_TOLERANCE = 0.0003  # degrees (~30 m): background roads
AREA_TOLERANCE = 0.0005  # degrees (~50 m): district outlines

# What callers may pass for line work: shapely lines or plain lists of (lon, lat) points.
LineInput: TypeAlias = BaseGeometry | Sequence[Sequence[LonLat]]


@dataclass(frozen=True, slots=True)
class Bounds:
    """A lon/lat box."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        if not all(math.isfinite(v) for v in (self.west, self.south, self.east, self.north)):
            raise ValueError(f"bounds must be finite, got {self}")
        if self.west > self.east or self.south > self.north:
            raise ValueError(f"bounds are inverted: {self}")

    @classmethod
    def around(cls, points: Iterable[LonLat]) -> Bounds | None:
        """The smallest box holding ``points``; ``None`` when there are none."""
        lons: list[float] = []
        lats: list[float] = []
        for lon, lat in points:
            lons.append(lon)
            lats.append(lat)
        if not lons:
            return None
        return cls(min(lons), min(lats), max(lons), max(lats))

    def padded(self, min_span: float = 0.02) -> Bounds:
        """The box grown to at least ``min_span`` degrees each way (one point → a small area)."""
        grow_lon = max(0.0, min_span - (self.east - self.west)) / 2
        grow_lat = max(0.0, min_span - (self.north - self.south)) / 2
        return Bounds(
            self.west - grow_lon, self.south - grow_lat, self.east + grow_lon, self.north + grow_lat
        )

    def leaflet(self) -> list[list[float]]:
        """``[[south, west], [north, east]]`` as Leaflet expects, rounded."""
        return [
            [round(self.south, 5), round(self.west, 5)],
            [round(self.north, 5), round(self.east, 5)],
        ]


def encode(points: Iterable[LonLat], start: tuple[int, int] = (0, 0)) -> list[int]:
    """Encode (lon, lat) points as delta integers ``[dlat0, dlon0, dlat1, dlon1, …]`` in 1e-5°.

    The first delta is taken from ``start`` (integer lat, lon in 1e-5°), so the parts of one
    multi-line can chain on from each other. Consecutive points that round to the same position
    are dropped.

    Examples
    --------
    >>> encode([(120.60668, 31.33188), (120.60670, 31.33190), (120.606701, 31.331901)])
    [3133188, 12060668, 2, 2]
    """
    out: list[int] = []
    prev_lat, prev_lon = start
    first = True
    for lon, lat in points:
        ilat, ilon = round(lat * SCALE), round(lon * SCALE)
        if not first and ilat == prev_lat and ilon == prev_lon:
            continue
        out.extend((ilat - prev_lat, ilon - prev_lon))
        prev_lat, prev_lon = ilat, ilon
        first = False
    return out


def encode_parts(parts: Iterable[Iterable[LonLat]]) -> list[list[int]]:
    """Encode the parts of a multi-line; each part starts from the end of the one before."""
    out: list[list[int]] = []
    cursor = (0, 0)
    for part in parts:
        encoded = encode(part, cursor)
        if not encoded:
            continue
        out.append(encoded)
        cursor = (cursor[0] + sum(encoded[0::2]), cursor[1] + sum(encoded[1::2]))
    return out


def decode(encoded: Sequence[int], start: tuple[int, int] = (0, 0)) -> list[LonLat]:
    """Inverse of ``encode``: (lon, lat) points rounded to 5 decimals."""
    points: list[LonLat] = []
    lat, lon = start
    for i in range(0, len(encoded) - 1, 2):
        lat += encoded[i]
        lon += encoded[i + 1]
        points.append((lon / SCALE, lat / SCALE))
    return points


def decode_parts(encoded: Sequence[Sequence[int]]) -> list[list[LonLat]]:
    """Inverse of ``encode_parts``."""
    out: list[list[LonLat]] = []
    cursor = (0, 0)
    for part in encoded:
        out.append(decode(part, cursor))
        cursor = (cursor[0] + sum(part[0::2]), cursor[1] + sum(part[1::2]))
    return out


def line_parts(lines: LineInput) -> list[list[LonLat]]:
    """The parts of a line input as lists of (lon, lat) points (parts with < 2 points dropped)."""
    if isinstance(lines, BaseGeometry):
        parts = [
            [(float(x), float(y)) for x, y, *_ in part.coords]
            for part in shapely.get_parts(lines)
            if isinstance(part, LineString)
        ]
    else:
        parts = [[(float(p[0]), float(p[1])) for p in part] for part in lines]
    return [part for part in parts if len(part) >= 2]


def simplify_lines(lines: LineInput, tolerance: float, *, merge: bool = True) -> list[list[LonLat]]:
    """Merge touching segments into longer lines, then simplify each by ``tolerance`` degrees.

    Parameters
    ----------
    lines
        Shapely line geometry or lists of (lon, lat) points.
    tolerance
        Douglas–Peucker tolerance in degrees.
    merge
        Join segments that share end points first (fewer, longer lines). Default True.

    Returns
    -------
    list of list of (lon, lat)
        The simplified parts.
    """
    parts = line_parts(lines)
    if not parts:
        return []
    geometry: BaseGeometry = MultiLineString(parts)
    if merge:
        geometry = linemerge(geometry)
    simplified = geometry.simplify(tolerance, preserve_topology=False)
    return line_parts(simplified)


def simplify_path(path: Sequence[LonLat], tolerance: float = ROUTE_TOLERANCE) -> list[LonLat]:
    """Simplify one route path, keeping its first and last point and its direction."""
    if len(path) < 3:
        return [(float(lon), float(lat)) for lon, lat in path]
    simplified = LineString(path).simplify(tolerance, preserve_topology=False)
    return [(float(x), float(y)) for x, y, *_ in simplified.coords]


def area_polygons(
    geometry: BaseGeometry, tolerance: float = AREA_TOLERANCE
) -> list[list[list[int]]]:
    """Simplified polygons of an area, each as encoded rings ``[shell, hole, …]``.

    Parameters
    ----------
    geometry
        A Polygon or MultiPolygon (other parts are ignored).
    tolerance
        Simplification tolerance in degrees. Default ``AREA_TOLERANCE``.

    Returns
    -------
    list of list of list of int
        Per polygon, its encoded rings.
    """
    simplified = geometry.simplify(tolerance, preserve_topology=True)
    polygons: list[list[list[int]]] = []
    for part in shapely.get_parts(simplified):
        if not isinstance(part, Polygon) or part.is_empty:
            continue
        rings = [part.exterior, *part.interiors]
        polygons.append(
            encode_parts([(float(x), float(y)) for x, y, *_ in r.coords] for r in rings)
        )
    return polygons


def label_point(geometry: BaseGeometry) -> LonLat:
    """A point inside an area (for its label)."""
    point = geometry.representative_point()
    return (float(point.x), float(point.y))
