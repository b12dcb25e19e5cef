"""Statistics over a period: for each stored day, its latest plan version's figures — returned
workers by employer, key enterprise, district and station, excluded and unserved by reason,
buses and cost — and the Gusu subsidy accrued per employer over the whole period.

The subsidy across the period (the rule's "达到一定规模"): an employer whose transported
workers over the period reach the threshold (``subsidy_min_workers``) accrues ``subsidy_rate``
× its charter cost over the period; below it, nothing yet (and ``workers_short`` more would
qualify). Rate and threshold are the latest day's policy unless given. Each day's own subsidy
(the plan's, day by day) is shown beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from store import schema as t
from store.errors import StoreError, problem

V = t.plan_versions
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


def _chosen(start: dt.date, end: dt.date) -> sa.Subquery:
    """(version id, date, version) of each day's latest version from ``start`` to ``end``."""
    latest = (
        sa.select(V.c.day_id, sa.func.max(V.c.version).label("version"))
        .group_by(V.c.day_id)
        .subquery()
    )
    return (
        sa.select(V.c.id.label("version_id"), t.days.c.date, V.c.version)
        .join(latest, (latest.c.day_id == V.c.day_id) & (latest.c.version == V.c.version))
        .join(t.days, t.days.c.id == V.c.day_id)
        .where(t.days.c.date >= start, t.days.c.date <= end)
        .subquery()
    )


def _days(connection: sa.Connection, chosen: sa.Subquery) -> tuple[DayFigures, ...]:
    rows = connection.execute(
        sa.select(
            chosen.c.date,
            chosen.c.version,
            V.c.workers_registered,
            V.c.workers_transported,
            V.c.workers_excluded,
            V.c.workers_unserved,
            V.c.buses_used,
            V.c.trips,
            V.c.bus_km,
            V.c.cost_cny,
            V.c.subsidy_cny,
        )
        .join(V, V.c.id == chosen.c.version_id)
        .order_by(chosen.c.date)
    ).all()
    return tuple(DayFigures(*row) for row in rows)


def _employers(connection: sa.Connection, chosen: sa.Subquery) -> tuple[EmployerDay, ...]:
    e = t.version_employers
    names = [f.name for f in dataclasses.fields(EmployerRow)]
    rows = connection.execute(
        sa.select(chosen.c.date, *(e.c[name] for name in names))
        .join(e, e.c.version_id == chosen.c.version_id)
        .order_by(chosen.c.date, e.c.enterprise_id)
    ).all()
    return tuple(
        EmployerDay(**(r._asdict() | {"key_enterprise": bool(r.key_enterprise)})) for r in rows
    )


def _stations(connection: sa.Connection, chosen: sa.Subquery) -> tuple[GroupDay, ...]:
    f = t.version_flows
    rows = connection.execute(
        sa.select(chosen.c.date, f.c.station_id, f.c.station_name, sa.func.sum(f.c.workers))
        .join(f, f.c.version_id == chosen.c.version_id)
        .group_by(chosen.c.date, f.c.station_id, f.c.station_name)
        .order_by(chosen.c.date, f.c.station_id)
    ).all()
    return tuple(GroupDay(r[0], r[1], r[2], int(r[3])) for r in rows)


def _districts(employers: tuple[EmployerDay, ...]) -> tuple[GroupDay, ...]:
    workers: dict[tuple[dt.date, str], int] = defaultdict(int)
    for row in employers:
        workers[row.date, row.district or NO_DISTRICT] += row.transported
    return tuple(GroupDay(d, k, k, n) for (d, k), n in sorted(workers.items()))


def _reasons(connection: sa.Connection, chosen: sa.Subquery) -> tuple[ReasonDay, ...]:
    r = t.version_reasons
    rows = connection.execute(
        sa.select(chosen.c.date, r.c.outcome, r.c.reason, r.c.number)
        .join(r, r.c.version_id == chosen.c.version_id)
        .order_by(chosen.c.date, r.c.outcome, r.c.reason)
    ).all()
    return tuple(ReasonDay(*row) for row in rows)


def _rule(
    connection: sa.Connection, chosen: sa.Subquery, rate: float | None, min_workers: int | None
) -> SubsidyRule:
    rows = connection.execute(
        sa.select(chosen.c.date, V.c.policy)
        .join(V, V.c.id == chosen.c.version_id)
        .order_by(chosen.c.date)
    ).all()
    rules = [(r.date, *_policy_rule(r.policy)) for r in rows]
    mixed = len({(a, b) for _, a, b in rules}) > 1
    last_date, last_rate, last_min = rules[-1]
    source = f"policy of {last_date.isoformat()}"
    if rate is not None or min_workers is not None:
        source = "given"
    return SubsidyRule(
        last_rate if rate is None else rate,
        last_min if min_workers is None else min_workers,
        source,
        mixed,
    )


def _policy_rule(policy: str) -> tuple[float, int]:
    values = json.loads(policy)
    return float(values["subsidy_rate"]), int(values["subsidy_min_workers"])


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


def period_stats(
    connection: sa.Connection,
    start: dt.date,
    end: dt.date,
    *,
    rate: float | None = None,
    min_workers: int | None = None,
) -> PeriodStats:
    """The statistics of the days stored from ``start`` to ``end`` (both included).

    Parameters
    ----------
    connection
        In a read transaction.
    start, end
        The period.
    rate, min_workers
        The subsidy rule, if not the latest day's policy. Default None.

    Raises
    ------
    StoreError
        If ``end`` is before ``start``, or no day of the period is stored.
    """
    if end < start:
        raise StoreError(
            problem("--to", end.isoformat(), f"is before --from {start}", "swap the dates")
        )
    chosen = _chosen(start, end)
    days = _days(connection, chosen)
    if not days:
        raise StoreError(
            problem(
                "day store",
                f"{start.isoformat()} … {end.isoformat()}",
                "holds no plan of a day in this period",
                "see the stored days with charter days list",
            )
        )
    employers = _employers(connection, chosen)
    rule = _rule(connection, chosen, rate, min_workers)
    return PeriodStats(
        start=start,
        end=end,
        days=days,
        employers=employers,
        districts=_districts(employers),
        stations=_stations(connection, chosen),
        reasons=_reasons(connection, chosen),
        rule=rule,
        subsidy=accrue(employers, rule),
    )
