"""Places and reference data: stations, employers, depots, exits/checkpoints, districts.

Front door: the place types and their ``Registry``, the embedded registries and the readers
of place tables (CSV, XLSX, GeoJSON, GeoPackage). Imported lazily (``stations.lazy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stations.lazy import lazy_exports

if TYPE_CHECKING:
    from stations.embedded import (
        default_districts,
        default_exits,
        default_stations,
        railway_lines,
    )
    from stations.errors import InputError, InputProblem, InputWarning
    from stations.lang import Lang
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
    from stations.places import (
        read_depots,
        read_districts,
        read_enterprises,
        read_exits,
        read_stations,
    )

_EXPORTS = {
    "Depot": "stations.model",
    "District": "stations.model",
    "Enterprise": "stations.model",
    "Exit": "stations.model",
    "ExitKind": "stations.model",
    "ExitStatus": "stations.model",
    "InputError": "stations.errors",
    "InputProblem": "stations.errors",
    "InputWarning": "stations.errors",
    "Lang": "stations.lang",
    "Registry": "stations.model",
    "Station": "stations.model",
    "StationKind": "stations.model",
    "default_districts": "stations.embedded",
    "default_exits": "stations.embedded",
    "default_stations": "stations.embedded",
    "railway_lines": "stations.embedded",
    "read_depots": "stations.places",
    "read_districts": "stations.places",
    "read_enterprises": "stations.places",
    "read_exits": "stations.places",
    "read_stations": "stations.places",
}
__all__ = [
    "Depot",
    "District",
    "Enterprise",
    "Exit",
    "ExitKind",
    "ExitStatus",
    "InputError",
    "InputProblem",
    "InputWarning",
    "Lang",
    "Registry",
    "Station",
    "StationKind",
    "default_districts",
    "default_exits",
    "default_stations",
    "railway_lines",
    "read_depots",
    "read_districts",
    "read_enterprises",
    "read_exits",
    "read_stations",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
