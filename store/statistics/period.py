"""The records of statistics over a period (``store.sql.stats.period_stats`` reads them from
the store): each stored day's figures, returned workers by employer, district and station,
excluded and unserved by reason, and the Gusu subsidy accrued per employer over the period.

The subsidy across the period (the rule's "达到一定规模"): an employer whose transported
workers over the period reach the threshold (``subsidy_min_workers``) accrues ``subsidy_rate``
× its charter cost over the period; below it, nothing yet (and ``workers_short`` more would
qualify). Rate and threshold are the latest day's policy unless given. Each day's own subsidy
(the plan's, day by day) is shown beside it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

NO_DISTRICT = ""  # employers without a district are grouped under this key
EXCLUDED = "excluded"  # the outcomes counted by reason (version_reasons.outcome)
UNSERVED = "unserved"
SHIPMENT_UNSERVED = "shipment_unserved"


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One day's latest version: workers by outcome, buses, trips, km, cost, subsidy."""

    date: dt.date
    version: int
    registered: int
    transported: int
    excluded: int
    unserved: int
    buses_used: int
    trips: int
    bus_km: float
    cost_cny: float
    subsidy_cny: float


@dataclass(frozen=True, slots=True)
class EmployerRow:
    """One employer's day: workers registered, transported, excluded, unserved; trips, its
    share of the charter cost and its subsidy in the plan."""

    enterprise_id: str
    name: str
    district: str | None
    key_enterprise: bool
    registered: int
    transported: int
    excluded: int
    unserved: int
    trips: int
    cost_cny: float
    subsidy_cny: float


@dataclass(frozen=True, slots=True)
class EmployerDay(EmployerRow):
    """One employer on one day (its row of the day's latest version)."""

    date: dt.date


@dataclass(frozen=True, slots=True)
class GroupDay:
    """Workers transported on one day to one district, or from one station."""

    date: dt.date
    key: str
    label: str
    workers: int


@dataclass(frozen=True, slots=True)
class ReasonDay:
    """Workers (or shipments) with one outcome and reason on one day."""

    date: dt.date
    outcome: str
    reason: str
    number: int


@dataclass(frozen=True, slots=True)
class SubsidyRule:
    """The subsidy rule applied over the period and where it came from.

    ``mixed`` says the days' policies disagree (the rule is then the latest day's, or given).
    """

    rate: float
    min_workers: int
    source: str
    mixed: bool = False


@dataclass(frozen=True, slots=True)
class SubsidyAccrual:
    """One employer's subsidy over the period against the threshold."""

    enterprise_id: str
    name: str
    district: str | None
    key_enterprise: bool
    days: int
    workers: int
    cost_cny: float
    daily_subsidy_cny: float
    reached: bool
    accrued_cny: float
    workers_short: int


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """Everything ``charter stats`` shows, for the days stored from ``start`` to ``end``."""

    start: dt.date
    end: dt.date
    days: tuple[DayFigures, ...]
    employers: tuple[EmployerDay, ...]
    districts: tuple[GroupDay, ...]
    stations: tuple[GroupDay, ...]
    reasons: tuple[ReasonDay, ...]
    rule: SubsidyRule
    subsidy: tuple[SubsidyAccrual, ...]

    @property
    def transported(self) -> int:
        """Workers transported over the period."""
        return sum(d.transported for d in self.days)

    @property
    def key_employers(self) -> tuple[EmployerDay, ...]:
        """The rows of key enterprises (重点企业)."""
        return tuple(e for e in self.employers if e.key_enterprise)


def by_district(employers: tuple[EmployerDay, ...]) -> tuple[GroupDay, ...]:
    """Transported workers by district and day (from the employers' days)."""
    workers: dict[tuple[dt.date, str], int] = defaultdict(int)
    for row in employers:
        workers[row.date, row.district or NO_DISTRICT] += row.transported
    return tuple(GroupDay(d, k, k, n) for (d, k), n in sorted(workers.items()))


def accrue(employers: tuple[EmployerDay, ...], rule: SubsidyRule) -> tuple[SubsidyAccrual, ...]:
    """Each employer's subsidy over the period under ``rule`` (most workers first).

    Parameters
    ----------
    employers
        The employers' days of the period.
    rule
        The rate and threshold.
    """
    by_employer: dict[str, list[EmployerDay]] = defaultdict(list)
    for row in employers:
        by_employer[row.enterprise_id].append(row)
    found = []
    for enterprise_id, rows in by_employer.items():
        last = rows[-1]
        workers = sum(r.transported for r in rows)
        cost = sum(r.cost_cny for r in rows)
        reached = workers >= rule.min_workers
        found.append(
            SubsidyAccrual(
                enterprise_id,
                last.name,
                last.district,
                last.key_enterprise,
                sum(1 for r in rows if r.transported),
                workers,
                cost,
                sum(r.subsidy_cny for r in rows),
                reached,
                rule.rate * cost if reached else 0.0,
                max(0, rule.min_workers - workers),
            )
        )
    return tuple(sorted(found, key=lambda a: (-a.workers, a.enterprise_id)))
