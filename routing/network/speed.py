"""Vehicle profiles and speed models: how fast a bus or a truck drives on each road segment.

Two models, both documented with their numbers in ``docs/network.md``:

- :class:`DensitySpeedModel` for the embedded Suzhou graph, which has no road classes: the
  speed follows how urban the surroundings are (node density) and how long the segment runs
  without a junction of another major road;
- :class:`RoadClassSpeeds` for a user's OSM extract: the ``highway`` class sets the speed,
  capped by a numeric ``maxspeed`` tag.

The off-network access leg (from a place to the road it is snapped to) is :class:`AccessLeg`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

FloatArray = npt.NDArray[np.float64]


class VehicleClass(StrEnum):
    """Kind of vehicle, which sets the speeds on the road."""

    BUS = "bus"
    TRUCK = "truck"


class Profile(StrEnum):
    """Who travels: sets the speeds (vehicle class) and how each exit status treats it."""

    BUS = "bus"
    TRUCK = "truck"
    TRUCK_PRIORITY = "truck_priority"  # truck carrying priority cargo (green channel applies)

    @property
    def vehicle(self) -> VehicleClass:
        """Vehicle class whose speeds this profile uses."""
        return VehicleClass.BUS if self is Profile.BUS else VehicleClass.TRUCK


@dataclass(frozen=True, slots=True)
class ClassSpeeds:
    """Cruise speeds in km/h of one vehicle class in the density model.

    Parameters
    ----------
    urban_kmh
        Mean speed on short segments in a dense urban core (signals, turns, traffic).
    rural_kmh
        Mean speed on short segments in open country.
    through_kmh
        Speed approached on long segments without a junction (expressways, bridges,
        trunk roads).
    max_kmh
        Legal limit of the vehicle class; no segment is faster.
    """

    urban_kmh: float
    rural_kmh: float
    through_kmh: float
    max_kmh: float

    def __post_init__(self) -> None:
        speeds = (self.urban_kmh, self.rural_kmh, self.through_kmh, self.max_kmh)
        if min(speeds) <= 0:
            raise ValueError(f"speeds must be positive, got {speeds}")


@dataclass(frozen=True, slots=True)
class DensitySpeedModel:
    """Speed from urbanity (node density) and junction spacing (segment length).

    ``urbanity = clip((density - rural_density) / (urban_density - rural_density), 0, 1)``
    where ``density`` is the number of network nodes per km² within ``radius_km`` of the
    segment's midpoint; the base speed goes linearly from ``rural_kmh`` (urbanity 0) to
    ``urban_kmh`` (urbanity 1). ``through = clip((length - short_km) / (long_km - short_km), 0, 1)``
    then moves the speed linearly from the base speed towards ``through_kmh``; the result is
    capped at ``max_kmh``.

    Parameters
    ----------
    bus, truck
        Speeds per vehicle class. Defaults 30/55/75 km/h (bus) and 25/50/65 km/h (truck),
        both capped at 100 km/h.
    radius_km
        Radius of the density window. Default 2 km.
    rural_density, urban_density
        Node densities (per km²) at which a segment counts as fully rural / fully urban.
        Defaults 0.5 and 2.0.
    short_km, long_km
        Segment lengths between which the through-road speed takes over. Defaults 0.5 and 3 km.
    """

    bus: ClassSpeeds = ClassSpeeds(28.0, 50.0, 70.0, 100.0)
    truck: ClassSpeeds = ClassSpeeds(25.0, 45.0, 60.0, 100.0)
    radius_km: float = 2.0
    rural_density: float = 0.5
    urban_density: float = 2.0
    short_km: float = 0.5
    long_km: float = 3.0

    def __post_init__(self) -> None:
        if not 0 <= self.rural_density < self.urban_density:
            raise ValueError("need 0 <= rural_density < urban_density")
        if not 0 <= self.short_km < self.long_km:
            raise ValueError("need 0 <= short_km < long_km")
        if self.radius_km <= 0:
            raise ValueError("radius_km must be positive")

    def speeds(self, vehicle: VehicleClass) -> ClassSpeeds:
        """Speeds of one vehicle class."""
        return self.bus if vehicle is VehicleClass.BUS else self.truck

    def urbanity(
        self, node_x: FloatArray, node_y: FloatArray, mid_x: FloatArray, mid_y: FloatArray
    ) -> FloatArray:
        """Urbanity in ``[0, 1]`` of each segment midpoint (planar km coordinates)."""
        tree = cKDTree(np.column_stack([node_x, node_y]))
        counts = tree.query_ball_point(
            np.column_stack([mid_x, mid_y]), self.radius_km, return_length=True
        )
        density = np.asarray(counts, dtype=np.float64) / (np.pi * self.radius_km**2)
        span = self.urban_density - self.rural_density
        return np.clip((density - self.rural_density) / span, 0.0, 1.0)

    def segment_speeds(
        self, vehicle: VehicleClass, urbanity: FloatArray, length_km: FloatArray
    ) -> FloatArray:
        """Speed in km/h of each segment for one vehicle class."""
        s = self.speeds(vehicle)
        base = s.rural_kmh + urbanity * (s.urban_kmh - s.rural_kmh)
        through = np.clip((length_km - self.short_km) / (self.long_km - self.short_km), 0.0, 1.0)
        return np.minimum(base + through * (s.through_kmh - base), s.max_kmh)


def _default_class_speeds() -> Mapping[str, tuple[float, float]]:
    # (bus km/h, truck km/h): mean running speeds of a loaded vehicle, not limits. The motorway
    # speeds stay below the 100 km/h legal limit for buses and trucks on Chinese expressways.
    return MappingProxyType(
        {
            "motorway": (80.0, 70.0),
            "trunk": (60.0, 55.0),
            "primary": (40.0, 35.0),
            "secondary": (35.0, 30.0),
            "tertiary": (30.0, 25.0),
            "unclassified": (25.0, 20.0),
            "road": (25.0, 20.0),
            "residential": (20.0, 20.0),
            "service": (15.0, 15.0),
            "living_street": (10.0, 10.0),
            "motorway_link": (40.0, 35.0),
            "trunk_link": (35.0, 30.0),
            "primary_link": (30.0, 25.0),
            "secondary_link": (25.0, 25.0),
            "tertiary_link": (25.0, 20.0),
        }
    )


@dataclass(frozen=True, slots=True)
class RoadClassSpeeds:
    """Speeds by OSM ``highway`` class for bring-your-own networks.

    Parameters
    ----------
    kmh
        ``highway`` value → (bus km/h, truck km/h). Ways of other classes (footway, cycleway,
        track, …) are not routable and are left out. Default: the table in docs/network.md.
    """

    kmh: Mapping[str, tuple[float, float]] = field(default_factory=_default_class_speeds)

    def __post_init__(self) -> None:
        bad = {k: v for k, v in self.kmh.items() if min(v) <= 0}
        if bad:
            raise ValueError(f"road class speeds must be positive, got {bad}")

    def routable(self, highway: str) -> bool:
        """True if ways of this ``highway`` class carry buses and trucks."""
        return highway in self.kmh

    def speed(self, highway: str, vehicle: VehicleClass, maxspeed_kmh: float | None) -> float:
        """Speed of one way for one vehicle class, capped by its ``maxspeed`` if known."""
        bus, truck = self.kmh[highway]
        kmh = bus if vehicle is VehicleClass.BUS else truck
        return kmh if maxspeed_kmh is None else min(kmh, maxspeed_kmh)


@dataclass(frozen=True, slots=True)
class AccessLeg:
    """The off-network leg between a place and the point of the road it is snapped to.

    Parameters
    ----------
    speed_kmh
        Speed on the local streets, yards and gates not in the network. Default 20 km/h.
    detour
        Ratio of street distance to straight-line distance (circuity). Default 1.3.
    """

    speed_kmh: float = 20.0
    detour: float = 1.3

    def __post_init__(self) -> None:
        if self.speed_kmh <= 0 or self.detour < 1.0:
            raise ValueError("access speed must be positive and detour at least 1")

    def dist_km(self, offset_km: FloatArray) -> FloatArray:
        """Street distance of the access leg for a straight-line offset."""
        return np.asarray(offset_km * self.detour)

    def time_min(self, offset_km: FloatArray) -> FloatArray:
        """Driving time in minutes of the access leg for a straight-line offset."""
        return np.asarray(offset_km * self.detour / self.speed_kmh * 60.0)
