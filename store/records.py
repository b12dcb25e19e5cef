"""The day and the plan as the store keeps them, and back: each input table as JSON rows with
the personal data taken out into rows of their own, and a plan as an exact record beside its
plan.json document.

Everything is serialised through pydantic from the domain's own dataclasses, so a stored day
and plan come back equal to what was saved (``rebuild_day``, ``rebuild_plan``) and the plan
folder written from them is the one ``charter plan`` wrote (``store.codec`` packs the texts).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from dispatch.day import Arrival, Day, Permit, RiskRegion, Shipment, Vehicle
from dispatch.plan import (
    Advice,
    Delivery,
    Exclusion,
    IdleVehicle,
    Kpis,
    Plan,
    PlanMeta,
    SubsidyRow,
    Trip,
    Unserved,
    UnservedShipment,
    VehicleRoute,
)
from dispatch.policy import Policy
from dispatch.reasons import ExclusionReason
from stations.model import Depot, Enterprise, Exit, Registry, Station
from store.codec import checksum, dumps
from store.repository import PersonalRow

WORKER = "worker"  # personal data of a worker (arrivals: name, id_number, phone)
ESCORT = "escort"  # an employer's escort contact (enterprises: escort_contact)

# Table name → (row type, the Day field, the registry kind and key for place tables).
TABLES: dict[str, tuple[type, str, tuple[str, str] | None]] = {
    "arrivals": (Arrival, "arrivals", None),
    "enterprises": (Enterprise, "enterprises", ("enterprise", "enterprise_id")),
    "stations": (Station, "stations", ("station", "station_id")),
    "depots": (Depot, "depots", ("depot", "depot_id")),
    "fleet": (Vehicle, "fleet", None),
    "permits": (Permit, "permits", None),
    "exits": (Exit, "exits", ("exit", "exit_id")),
    "risk_regions": (RiskRegion, "risk_regions", ("risk region", "region")),
    "shipments": (Shipment, "shipments", None),
}


@cache
def _rows_adapter(name: str) -> TypeAdapter[Any]:
    row_type = TABLES[name][0]
    return TypeAdapter(tuple[row_type, ...])  # type: ignore[valid-type]


POLICY: TypeAdapter[Policy] = TypeAdapter(Policy)
KPIS: TypeAdapter[Kpis] = TypeAdapter(Kpis)
META: TypeAdapter[PlanMeta] = TypeAdapter(PlanMeta)


# --------------------------------------------------------------------------- the day


@dataclass(frozen=True, slots=True)
class DayTables:
    """A day as stored: its tables as JSON text (no personal data) and their row counts, the
    personal rows, the policy as JSON, and the checksum over all of it (the same inputs give
    the same checksum)."""

    date: dt.date
    tables: Mapping[str, str]
    counts: Mapping[str, int]
    personal: tuple[PersonalRow, ...]
    policy: str
    checksum: str

    @property
    def workers(self) -> int:
        """Registered workers."""
        return self.counts["arrivals"]

    def table_checksums(self) -> dict[str, str]:
        """Table name → checksum of its text."""
        return {name: checksum(text) for name, text in self.tables.items()}


def _without_personal(day: Day) -> tuple[dict[str, tuple[object, ...]], list[PersonalRow]]:
    personal: list[PersonalRow] = []
    arrivals = []
    for arrival in day.arrivals:
        if arrival.name is not None or arrival.id_number is not None or arrival.phone is not None:
            personal.append(
                PersonalRow(
                    WORKER, arrival.worker_id, arrival.name, arrival.id_number, arrival.phone
                )
            )
            arrival = dataclasses.replace(arrival, name=None, id_number=None, phone=None)
        arrivals.append(arrival)
    enterprises = []
    for enterprise in day.enterprises.values_list():
        if enterprise.escort_contact is not None:
            personal.append(
                PersonalRow(ESCORT, enterprise.enterprise_id, contact=enterprise.escort_contact)
            )
            enterprise = dataclasses.replace(enterprise, escort_contact=None)
        enterprises.append(enterprise)
    rows: dict[str, tuple[object, ...]] = {"arrivals": tuple(arrivals)}
    rows["enterprises"] = tuple(enterprises)
    for name, (_, field, _) in TABLES.items():
        if name not in rows:
            value = getattr(day, field)
            rows[name] = tuple(value.values_list() if isinstance(value, Registry) else value)
    return rows, personal


def day_tables(day: Day) -> DayTables:
    """The day as the store keeps it (personal data apart).

    Parameters
    ----------
    day
        The day as read (its policy is the one it was read under).
    """
    rows, personal = _without_personal(day)
    tables = {name: _rows_adapter(name).dump_json(rows[name]).decode("utf-8") for name in TABLES}
    policy = POLICY.dump_json(day.policy).decode("utf-8")
    whole = dumps(
        {
            "date": day.date.isoformat(),
            "tables": {name: checksum(text) for name, text in tables.items()},
            "policy": checksum(policy),
            "personal": checksum(dumps([dataclasses.astuple(p) for p in personal])),
        }
    )
    counts = {name: len(rows[name]) for name in TABLES}
    return DayTables(day.date, tables, counts, tuple(personal), policy, checksum(whole))


def _with_personal(
    arrivals: Iterable[Arrival], enterprises: Iterable[Enterprise], personal: Iterable[PersonalRow]
) -> tuple[tuple[Arrival, ...], tuple[Enterprise, ...]]:
    workers = {p.subject_id: p for p in personal if p.subject == WORKER}
    escorts = {p.subject_id: p for p in personal if p.subject == ESCORT}
    if workers:
        arrivals = (
            dataclasses.replace(a, name=w.name, id_number=w.id_number, phone=w.phone)
            if (w := workers.get(a.worker_id))
            else a
            for a in arrivals
        )
    if escorts:
        enterprises = (
            dataclasses.replace(e, escort_contact=c.contact)
            if (c := escorts.get(e.enterprise_id))
            else e
            for e in enterprises
        )
    return tuple(arrivals), tuple(enterprises)


def rebuild_day(
    date: dt.date,
    policy: str,
    tables: Mapping[str, str],
    personal: Iterable[PersonalRow] = (),
    *,
    source: str = "",
) -> Day:
    """The ``Day`` of stored tables (with ``personal`` rows put back where given).

    Parameters
    ----------
    date
        The planning date.
    policy
        The policy as stored (JSON).
    tables
        Table name → JSON rows, as :func:`day_tables` made them.
    personal
        Personal rows to put back. Default none (the day then has no personal data).
    source
        What the day says it was read from. Default "".
    """
    values: dict[str, object] = {}
    for name, (_, field, registry) in TABLES.items():
        rows = _rows_adapter(name).validate_json(tables[name])
        values[field] = rows if registry is None else Registry.of(registry[0], rows, registry[1])
    enterprises = values["enterprises"]
    assert isinstance(enterprises, Registry)
    arrivals, with_contacts = _with_personal(
        values["arrivals"],  # type: ignore[arg-type]
        enterprises.values_list(),
        personal,
    )
    values["arrivals"] = arrivals
    values["enterprises"] = Registry.of("enterprise", with_contacts, "enterprise_id")
    return Day(date=date, policy=POLICY.validate_json(policy), source=source, **values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class ExclusionRecord:
    """An exclusion without the worker's registration (put back from the day)."""

    worker_id: str
    reasons: tuple[ExclusionReason, ...]
    risk_region: str = ""


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """Everything of a ``Plan`` but its day and road network, exactly (full precision)."""

    routes: tuple[VehicleRoute, ...]
    trips: tuple[Trip, ...]
    unserved: tuple[Unserved, ...]
    excluded: tuple[ExclusionRecord, ...]
    idle: tuple[IdleVehicle, ...]
    subsidy: tuple[SubsidyRow, ...]
    kpis: Kpis
    meta: PlanMeta
    truck_routes: tuple[VehicleRoute, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    unserved_shipments: tuple[UnservedShipment, ...] = ()
    advice: tuple[Advice, ...] = ()


RECORD: TypeAdapter[PlanRecord] = TypeAdapter(PlanRecord)


def plan_record(plan: Plan) -> str:
    """The plan's exact record as JSON text."""
    record = PlanRecord(
        routes=plan.routes,
        trips=plan.trips,
        unserved=plan.unserved,
        excluded=tuple(
            ExclusionRecord(e.worker_id, e.reasons, e.risk_region) for e in plan.excluded
        ),
        idle=plan.idle,
        subsidy=plan.subsidy,
        kpis=plan.kpis,
        meta=plan.meta,
        truck_routes=plan.truck_routes,
        deliveries=plan.deliveries,
        unserved_shipments=plan.unserved_shipments,
        advice=plan.advice,
    )
    return RECORD.dump_json(record).decode("utf-8")


def rebuild_plan(record: str, day: Day) -> Plan:
    """The ``Plan`` of a stored record on its (rebuilt) day; it checks nothing-lost again."""
    stored = RECORD.validate_json(record)
    arrivals = {a.worker_id: a for a in day.arrivals}
    return Plan(
        day=day,
        routes=stored.routes,
        trips=stored.trips,
        unserved=stored.unserved,
        excluded=tuple(
            Exclusion(arrivals[e.worker_id], e.reasons, e.risk_region) for e in stored.excluded
        ),
        idle=stored.idle,
        subsidy=stored.subsidy,
        kpis=stored.kpis,
        meta=stored.meta,
        truck_routes=stored.truck_routes,
        deliveries=stored.deliveries,
        unserved_shipments=stored.unserved_shipments,
        advice=stored.advice,
    )
