"""Statistics over a period read from the store: for each stored day, its latest plan
version's figures (the records and the subsidy rule: ``store.statistics.period``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import sqlalchemy as sa

from store.errors import StoreError, problem
from store.sql import schema as t
from store.statistics.period import (
    DayFigures,
    EmployerDay,
    EmployerRow,
    GroupDay,
    PeriodStats,
    ReasonDay,
    SubsidyRule,
    accrue,
    by_district,
)

V = t.plan_versions


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
        districts=by_district(employers),
        stations=_stations(connection, chosen),
        reasons=_reasons(connection, chosen),
        rule=rule,
        subsidy=accrue(employers, rule),
    )
