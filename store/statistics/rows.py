"""The statistics rows of a plan version, kept beside it so that ``charter stats`` over many
days is a few SQL sums: transported workers by station and employer, each employer's figures
(with its charter cost and subsidy of the day), and counts by outcome and reason.

Reasons are the public codes of plan.json (health reasons merged, ``dispatch.outputs
.disclosure``): statistics never tell a worker's health data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from dispatch.outputs.plan_json import PlanDocument
from dispatch.plan import Plan
from store.statistics.period import EXCLUDED, SHIPMENT_UNSERVED, UNSERVED, EmployerRow


@dataclass(frozen=True, slots=True)
class FlowRow:
    """Workers transported from one station to one employer (and the trips taking them)."""

    station_id: str
    station_name: str
    enterprise_id: str
    workers: int
    trips: int


@dataclass(frozen=True, slots=True)
class ReasonRow:
    """How many workers (or shipments) ended with ``outcome`` for ``reason``."""

    outcome: str
    reason: str
    number: int


@dataclass(frozen=True, slots=True)
class StatRows:
    """All statistics rows of one plan version."""

    flows: tuple[FlowRow, ...]
    employers: tuple[EmployerRow, ...]
    reasons: tuple[ReasonRow, ...]


def stat_rows(plan: Plan, document: PlanDocument) -> StatRows:
    """The statistics rows of ``plan`` (``document`` is its plan.json, for the public reason
    counts)."""
    day = plan.day
    workers: Counter[tuple[str, str]] = Counter()
    trips: Counter[tuple[str, str]] = Counter()
    for trip in plan.trips:
        workers[trip.station_id, trip.enterprise_id] += trip.headcount
        trips[trip.station_id, trip.enterprise_id] += 1
    flows = tuple(
        FlowRow(s, day.stations[s].name_zh, e, workers[s, e], trips[s, e])
        for s, e in sorted(workers)
    )
    registered = Counter(a.enterprise_id for a in day.arrivals)
    excluded = Counter(e.arrival.enterprise_id for e in plan.excluded)
    unserved = Counter(u.enterprise_id for u in plan.unserved)
    transported: Counter[str] = Counter()
    employer_trips: Counter[str] = Counter()
    for (station_id, enterprise_id), count in workers.items():
        transported[enterprise_id] += count
        employer_trips[enterprise_id] += trips[station_id, enterprise_id]
    subsidy = {row.enterprise_id: row for row in plan.subsidy}
    employers = []
    for enterprise in day.enterprises.values_list():
        key = enterprise.enterprise_id
        if not registered[key] and key not in subsidy:
            continue
        row = subsidy.get(key)
        employers.append(
            EmployerRow(
                key,
                enterprise.name,
                enterprise.district,
                enterprise.key_enterprise,
                registered[key],
                transported[key],
                excluded[key],
                unserved[key],
                employer_trips[key],
                row.cost_cny if row else 0.0,
                row.subsidy_cny if row else 0.0,
            )
        )
    summary = document.summary
    reasons = tuple(
        ReasonRow(outcome, reason, number)
        for outcome, counts in (
            (EXCLUDED, summary.excluded_by_reason),
            (UNSERVED, summary.unserved_by_reason),
            (SHIPMENT_UNSERVED, summary.shipments_unserved_by_reason),
        )
        for reason, number in counts.items()
    )
    return StatRows(flows, tuple(employers), reasons)
