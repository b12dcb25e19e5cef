"""Folium HTML maps of a plan and of the day's reference layers.

Front door: the plan map — ``write_plan_map`` / ``plan_route_map`` (a ``Plan`` just made, on
its own road network) and ``document_map`` (a plan.json document read back; the same drawing)
— and the reference maps: ``planning_day_map`` (a planning day's exits and fleet by permit state),
``embedded_reference_map`` (the embedded places, optionally with a day's exits table) and
``day_reference_map`` (any places). Imported lazily (``stations.lazy``): folium loads on use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stations.lazy import lazy_exports

if TYPE_CHECKING:
    from maps.base import MapBuilder, Tiles
    from maps.day_map import day_reference_map, embedded_reference_map, planning_day_map
    from maps.from_plan import document_map, plan_route_map, write_plan_map

_EXPORTS = {
    "MapBuilder": "maps.base",
    "Tiles": "maps.base",
    "day_reference_map": "maps.day_map",
    "document_map": "maps.from_plan",
    "embedded_reference_map": "maps.day_map",
    "plan_route_map": "maps.from_plan",
    "planning_day_map": "maps.day_map",
    "write_plan_map": "maps.from_plan",
}
__all__ = [
    "MapBuilder",
    "Tiles",
    "day_reference_map",
    "document_map",
    "embedded_reference_map",
    "plan_route_map",
    "planning_day_map",
    "write_plan_map",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
