"""The road network: roads and speeds, OSM loading, snapping, checkpoints, the day's network,
travel matrices.

Front door: ``RoadNetwork`` (pure data: ``RoadNetwork.embedded()``, ``load_osm``), bound to a
day's exit statuses by ``network_for_day`` into a ``DayNetwork`` (matrices, paths, blame).
Names load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routing.network.checkpoints import CheckpointDelays
    from routing.network.daynetwork import DayNetwork, network_for_day
    from routing.network.matrix import TravelMatrix
    from routing.network.osm import load_osm
    from routing.network.roads import RoadNetwork
    from routing.network.snap import Snapping, snap_places
    from routing.network.speed import Profile, VehicleClass

__all__ = [
    "CheckpointDelays",
    "DayNetwork",
    "Profile",
    "RoadNetwork",
    "Snapping",
    "TravelMatrix",
    "VehicleClass",
    "load_osm",
    "network_for_day",
    "snap_places",
]

_EXPORTS = {
    "CheckpointDelays": "routing.network.checkpoints",
    "DayNetwork": "routing.network.daynetwork",
    "Profile": "routing.network.speed",
    "RoadNetwork": "routing.network.roads",
    "Snapping": "routing.network.snap",
    "TravelMatrix": "routing.network.matrix",
    "VehicleClass": "routing.network.speed",
    "load_osm": "routing.network.osm",
    "network_for_day": "routing.network.daynetwork",
    "snap_places": "routing.network.snap",
}


def __getattr__(name: str) -> object:
    """The public names, imported on first use (importing the package stays cheap)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
