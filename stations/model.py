"""Typed place objects: stations, employers, depots, exits/checkpoints, districts."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from shapely.geometry.base import BaseGeometry

# Suzhou and every neighbour we route through lie well inside this box; a point outside is
# almost always a swapped lon/lat or a typo.
LON_RANGE = (73.0, 135.0)
LAT_RANGE = (18.0, 54.0)


class StationKind(StrEnum):
    """Kind of arrival station."""

    RAIL = "rail"
    COACH = "coach"
    AIRPORT = "airport"


class ExitStatus(StrEnum):
    """Daily status of a highway exit / checkpoint as published by the centre."""

    GREEN_CHANNEL = "green_channel"
    OPEN = "open"
    FREIGHT_ONLY = "freight_only"
    CLOSED = "closed"


class ExitKind(StrEnum):
    """Where a checkpoint comes from."""

    BOUNDARY = "boundary"  # a major road crosses the prefecture boundary (computed)
    JUNCTION = "junction"  # an OSM motorway_junction node
    USER = "user"  # given by the user in an exits table


class PlaceKind(StrEnum):
    """Which table a place comes from. Ids are unique within a kind only: an employer may
    have a station's id, so a place is looked up by (kind, id), never by its id alone."""

    STATION = "station"
    ENTERPRISE = "enterprise"
    DEPOT = "depot"
    EXIT = "exit"
    POINT = "point"  # a bare lon,lat (a shipment end that names no place)


def check_lon_lat(lon: float, lat: float, what: str) -> None:
    """Raise ``ValueError`` unless ``lon``/``lat`` are finite WGS-84 values in China."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"{what}: lon/lat must be finite numbers, got ({lon}, {lat})")
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        raise ValueError(
            f"{what}: ({lon}, {lat}) is not a lon/lat in China; are lon and lat swapped?"
        )


class Place(Protocol):
    """Anything with an id and a WGS-84 position."""

    @property
    def place_id(self) -> str: ...

    @property
    def lon(self) -> float: ...

    @property
    def lat(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Station:
    """An arrival station (railway, coach or airport)."""

    station_id: str
    name_zh: str
    name_en: str
    kind: StationKind
    lon: float
    lat: float
    bays: int | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if not self.station_id:
            raise ValueError("station_id must not be empty")
        check_lon_lat(self.lon, self.lat, f"station {self.station_id}")
        if self.bays is not None and self.bays < 1:
            raise ValueError(f"station {self.station_id}: bays must be >= 1, got {self.bays}")

    @property
    def place_id(self) -> str:
        return self.station_id


@dataclass(frozen=True, slots=True)
class Enterprise:
    """An employer (用工企业) that receives workers."""

    enterprise_id: str
    name: str
    lon: float
    lat: float
    certified: bool
    district: str | None = None
    key_enterprise: bool = False
    escort_contact: str | None = None  # personal data: masked in every output

    def __post_init__(self) -> None:
        if not self.enterprise_id:
            raise ValueError("enterprise_id must not be empty")
        check_lon_lat(self.lon, self.lat, f"enterprise {self.enterprise_id}")

    @property
    def place_id(self) -> str:
        return self.enterprise_id


@dataclass(frozen=True, slots=True)
class Depot:
    """A bus or truck operator's yard, where vehicles start and end their shift."""

    depot_id: str
    operator: str
    lon: float
    lat: float
    name: str = ""

    def __post_init__(self) -> None:
        if not self.depot_id:
            raise ValueError("depot_id must not be empty")
        check_lon_lat(self.lon, self.lat, f"depot {self.depot_id}")

    @property
    def place_id(self) -> str:
        return self.depot_id


@dataclass(frozen=True, slots=True)
class Exit:
    """A highway exit or checkpoint with its status for the day.

    ``delay_min`` overrides the default checkpoint delay for the status when given.
    ``illustrative`` marks positions that are computed or approximate rather than surveyed,
    so maps can say so.
    """

    exit_id: str
    name: str
    lon: float
    lat: float
    status: ExitStatus = ExitStatus.OPEN
    road: str = ""
    delay_min: float | None = None
    kind: ExitKind = ExitKind.USER
    illustrative: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        if not self.exit_id:
            raise ValueError("exit_id must not be empty")
        check_lon_lat(self.lon, self.lat, f"exit {self.exit_id}")
        if self.delay_min is not None and not (0.0 <= self.delay_min <= 24 * 60):
            raise ValueError(
                f"exit {self.exit_id}: delay_min must be within 0..1440, got {self.delay_min}"
            )

    @property
    def place_id(self) -> str:
        return self.exit_id


@dataclass(frozen=True, slots=True)
class District:
    """An administrative area (prefecture, county-level unit or the Industrial Park)."""

    district_id: str
    name_zh: str
    name_en: str
    level: str
    geometry: BaseGeometry = field(repr=False, compare=False)
    source: str = ""
    code: str = ""  # official administrative code (adcode), when there is one

    def __post_init__(self) -> None:
        if not self.district_id:
            raise ValueError("district_id must not be empty")
        if self.geometry.is_empty:
            raise ValueError(f"district {self.district_id}: geometry is empty")
        if self.geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError(
                f"district {self.district_id}: geometry must be a (multi)polygon, "
                f"got a {self.geometry.geom_type}"
            )


T = TypeVar("T", covariant=True)


@dataclass(frozen=True, slots=True)
class Registry(Generic[T], Mapping[str, T]):
    """An ordered, read-only id → object mapping for one kind of place."""

    kind: str
    entries: tuple[tuple[str, T], ...]
    _index: dict[str, T] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, T] = {}
        for key, value in self.entries:
            if key in index:
                raise ValueError(f"{self.kind}: duplicate id {key!r}")
            index[key] = value
        object.__setattr__(self, "_index", index)

    @classmethod
    def of(cls, kind: str, objects: list[T] | tuple[T, ...], key: str) -> Registry[T]:
        """Build a registry from objects whose id is the attribute ``key``."""
        return cls(kind, tuple((str(getattr(o, key)), o) for o in objects))

    def __getitem__(self, key: str) -> T:
        if key in self._index:
            return self._index[key]
        known = ", ".join(k for k, _ in self.entries[:8])
        more = ", …" if len(self.entries) > 8 else ""
        raise KeyError(f"{key!r} is not a known {self.kind} (known: {known}{more})")

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def values_list(self) -> list[T]:
        """The objects in registry order."""
        return [v for _, v in self.entries]
