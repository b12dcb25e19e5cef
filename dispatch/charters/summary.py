"""Counts describing a prepared day (what ``charter check`` shows before any solving)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from dispatch.charters.prepare import Prepared
from dispatch.day import RiskLevel, VehicleClass
from dispatch.reasons import ExclusionReason, UnservedReason, VehicleReason
from stations.model import ExitStatus


@dataclass(frozen=True, slots=True)
class DaySummary:
    """How many of everything a day holds, and how screening, fleet check and grouping went.

    Every ``*_by_*`` field is a tuple of ``(code, count)`` pairs, codes in enumeration order,
    zero counts left out.
    """

    date: dt.date
    source: str
    registered: int
    eligible: int
    excluded_by_reason: tuple[tuple[str, int], ...]
    requests: int
    grouped: int
    unserved_by_reason: tuple[tuple[str, int], ...]
    stations_used: int
    enterprises: int
    certified: int
    key_enterprises: int
    depots: int
    buses: int
    usable_buses: int
    trucks: int
    usable_trucks: int
    rejected_by_reason: tuple[tuple[str, int], ...]
    worker_seats: int
    largest_bus_workers: int
    exits_by_status: tuple[tuple[str, int], ...]
    risk_regions_by_level: tuple[tuple[str, int], ...]
    shipments: int

    @property
    def excluded(self) -> int:
        """Excluded workers."""
        return sum(n for _, n in self.excluded_by_reason)

    @property
    def unserved(self) -> int:
        """Eligible workers no request can take."""
        return sum(n for _, n in self.unserved_by_reason)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready values (pairs become objects)."""
        plain: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name.endswith(("_by_reason", "_by_status", "_by_level")):
                value = dict(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            plain[name] = value
        plain["excluded"] = self.excluded
        plain["unserved"] = self.unserved
        return plain


def _pairs(counter: Counter[str], order: list[str]) -> tuple[tuple[str, int], ...]:
    return tuple((code, counter[code]) for code in order if counter[code])


def summarise(prepared: Prepared) -> DaySummary:
    """The counts of a prepared day."""
    day, screening, fleet, grouping = (
        prepared.day,
        prepared.screening,
        prepared.fleet,
        prepared.grouping,
    )
    excluded = Counter(e.reason.value for e in screening.excluded)
    unserved = Counter(u.reason.value for u in grouping.unserved)
    rejected = Counter(r.reason.value for r in fleet.rejected)
    exits = Counter(e.status.value for e in day.exits.values())
    risk = Counter(r.level.value for r in day.risk_regions.values())
    vehicle_classes = Counter(v.vehicle_class for v in day.fleet)
    enterprises = day.enterprises.values_list()
    return DaySummary(
        date=day.date,
        source=day.source,
        registered=len(day.arrivals),
        eligible=len(screening.eligible),
        excluded_by_reason=_pairs(excluded, [r.value for r in ExclusionReason]),
        requests=len(grouping.requests),
        grouped=len(grouping.grouped_worker_ids),
        unserved_by_reason=_pairs(unserved, [r.value for r in UnservedReason]),
        stations_used=len({a.station_id for a in day.arrivals}),
        enterprises=len(enterprises),
        certified=sum(1 for e in enterprises if e.certified),
        key_enterprises=sum(1 for e in enterprises if e.key_enterprise),
        depots=len(day.depots),
        buses=vehicle_classes[VehicleClass.BUS],
        usable_buses=len(fleet.buses),
        trucks=vehicle_classes[VehicleClass.TRUCK],
        usable_trucks=len(fleet.trucks),
        rejected_by_reason=_pairs(rejected, [r.value for r in VehicleReason]),
        worker_seats=sum(u.worker_seats for u in fleet.buses),
        largest_bus_workers=fleet.max_worker_seats,
        exits_by_status=_pairs(exits, [s.value for s in ExitStatus]),
        risk_regions_by_level=_pairs(risk, [level.value for level in RiskLevel]),
        shipments=len(day.shipments),
    )
