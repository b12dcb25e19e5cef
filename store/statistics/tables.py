"""The statistics of a period as titled tables (bilingual headers), shared by the terminal,
``stats.xlsx`` and ``stats.html``: days, districts, key enterprises, stations, reasons, the
subsidy accrual and employers over the period, and the per-day detail of each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.reasons import ShipmentReason, UnservedReason, reason_text
from stations.lang import Lang, pick
from store.statistics.period import EXCLUDED, NO_DISTRICT, SHIPMENT_UNSERVED, UNSERVED, PeriodStats

Cell = str | int | float | None
NO_DISTRICT_LABEL = ("（未填区县）", "(no district)")
TOTAL = ("合计", "total")
OUTCOME_LABELS = {
    EXCLUDED: ("不符合条件", "excluded"),
    UNSERVED: ("未运送", "unserved"),
    SHIPMENT_UNSERVED: ("未承运物资", "unserved shipments"),
}


@dataclass(frozen=True, slots=True)
class StatsTable:
    """One table: its key (sheet name, anchor), title, column headers and rows.

    ``detail`` tables (one row per day and item) go to the workbook only.
    """

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    detail: bool = False


def _h(lang: Lang, *pairs: tuple[str, str]) -> tuple[str, ...]:
    return tuple(pick(pair, lang) for pair in pairs)


def _money(value: float) -> float:
    return round(value, 2)


def district_label(key: str, lang: Lang) -> str:
    """A district's label (employers without one are grouped under a label of their own)."""
    return pick(NO_DISTRICT_LABEL, lang) if key == NO_DISTRICT else key


def reason_label(outcome: str, reason: str, lang: Lang) -> str:
    """The readable text of a stored reason code."""
    from dispatch.outputs.disclosure import PublicExclusion, public_text

    try:
        if outcome == EXCLUDED:
            code = PublicExclusion(reason)
            return pick((public_text(code, Lang.ZH), public_text(code, Lang.EN)), lang)
        if outcome == UNSERVED:
            return reason_text(UnservedReason(reason), lang)
        return reason_text(ShipmentReason(reason), lang)
    except ValueError:  # a code of a newer version
        return reason


def days_table(stats: PeriodStats, lang: Lang) -> StatsTable:
    """One row per day (its latest version) and a total row."""
    rows: list[tuple[Cell, ...]] = [
        (
            d.date.isoformat(),
            d.version,
            d.registered,
            d.transported,
            d.excluded,
            d.unserved,
            d.buses_used,
            d.trips,
            round(d.bus_km, 1),
            _money(d.cost_cny),
            _money(d.subsidy_cny),
        )
        for d in stats.days
    ]
    days = stats.days
    rows.append(
        (
            pick(TOTAL, lang),
            None,
            sum(d.registered for d in days),
            sum(d.transported for d in days),
            sum(d.excluded for d in days),
            sum(d.unserved for d in days),
            sum(d.buses_used for d in days),
            sum(d.trips for d in days),
            round(sum(d.bus_km for d in days), 1),
            _money(sum(d.cost_cny for d in days)),
            _money(sum(d.subsidy_cny for d in days)),
        )
    )
    columns = _h(
        lang,
        ("日期", "date"),
        ("版本", "version"),
        ("登记", "registered"),
        ("运送", "transported"),
        ("不符合条件", "excluded"),
        ("未运送", "unserved"),
        ("客车", "buses"),
        ("行程", "trips"),
        ("车公里", "bus km"),
        ("包车费用（元）", "charter cost (CNY)"),
        ("当日补贴（元）", "subsidy of the day (CNY)"),
    )
    return StatsTable("days", pick(("每日汇总", "Days"), lang), columns, tuple(rows))


def _totals(rows: Sequence[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """(key, label, workers) summed per key, most workers first."""
    workers: dict[tuple[str, str], int] = defaultdict(int)
    for key, label, count in rows:
        workers[key, label] += count
    return sorted(((k, lab, n) for (k, lab), n in workers.items()), key=lambda r: (-r[2], r[0]))


def district_table(stats: PeriodStats, lang: Lang) -> StatsTable:
    """Workers returned per district over the period."""
    total = max(1, stats.transported)
    rows = tuple(
        (district_label(key, lang), n, round(100.0 * n / total, 1))
        for key, _, n in _totals([(g.key, g.label, g.workers) for g in stats.districts])
    )
    columns = _h(lang, ("区县", "district"), ("返岗人数", "workers returned"), ("占比%", "share %"))
    return StatsTable("districts", pick(("按区县", "By district"), lang), columns, rows)


def station_table(stats: PeriodStats, lang: Lang) -> StatsTable:
    """Workers returned per arrival station over the period."""
    rows = tuple(
        (key, label, n)
        for key, label, n in _totals([(g.key, g.label, g.workers) for g in stats.stations])
    )
    columns = _h(lang, ("站点编号", "station id"), ("站点", "station"), ("返岗人数", "workers"))
    return StatsTable("stations", pick(("按到达站点", "By station"), lang), columns, rows)


def employer_table(stats: PeriodStats, lang: Lang, *, key_only: bool) -> StatsTable:
    """Each employer (or key enterprise) over the period: registered, returned, not returned."""
    totals: dict[str, list[int]] = {}
    names: dict[str, tuple[str, str | None]] = {}
    for e in stats.employers:
        if key_only and not e.key_enterprise:
            continue
        figures = totals.setdefault(e.enterprise_id, [0, 0, 0, 0])
        for i, value in enumerate((e.registered, e.transported, e.excluded, e.unserved)):
            figures[i] += value
        names[e.enterprise_id] = (e.name, e.district)
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (key, names[key][0], district_label(names[key][1] or NO_DISTRICT, lang), *figures)
        for key, figures in sorted(totals.items(), key=lambda kv: (-kv[1][1], kv[0]))
    )
    columns = _h(
        lang,
        ("企业编号", "employer id"),
        ("企业", "employer"),
        ("区县", "district"),
        ("登记", "registered"),
        ("返岗", "returned"),
        ("不符合条件", "excluded"),
        ("未运送", "unserved"),
    )
    key, title = (
        ("key_enterprises", ("重点企业返岗", "Key enterprises"))
        if key_only
        else ("employers", ("按企业", "By employer"))
    )
    return StatsTable(key, pick(title, lang), columns, rows)


def reason_table(stats: PeriodStats, lang: Lang) -> StatsTable:
    """Excluded and unserved workers (and unserved shipments) by reason over the period."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for r in stats.reasons:
        totals[r.outcome, r.reason] += r.number
    order = list(OUTCOME_LABELS)
    rows = tuple(
        (pick(OUTCOME_LABELS[o], lang), reason, reason_label(o, reason, lang), n)
        for (o, reason), n in sorted(totals.items(), key=lambda kv: (order.index(kv[0][0]), -kv[1]))
    )
    columns = _h(
        lang, ("结果", "outcome"), ("原因代码", "reason"), ("说明", "meaning"), ("人数", "number")
    )
    return StatsTable("reasons", pick(("按原因", "By reason"), lang), columns, rows)


def subsidy_table(stats: PeriodStats, lang: Lang) -> StatsTable:
    """The subsidy accrued per employer over the period against the threshold."""
    rule = stats.rule
    rows = tuple(
        (
            a.enterprise_id,
            a.name,
            pick(("是", "yes"), lang) if a.key_enterprise else "",
            a.days,
            a.workers,
            rule.min_workers,
            a.workers_short,
            _money(a.cost_cny),
            _money(a.accrued_cny),
            _money(a.daily_subsidy_cny),
        )
        for a in stats.subsidy
    )
    columns = _h(
        lang,
        ("企业编号", "employer id"),
        ("企业", "employer"),
        ("重点企业", "key"),
        ("运送天数", "days"),
        ("期间运送人数", "workers in period"),
        ("补贴门槛", "threshold"),
        ("尚差人数", "workers short"),
        ("期间包车费用（元）", "charter cost in period (CNY)"),
        (f"期间补贴 {rule.rate:.0%}（元）", f"subsidy accrued {rule.rate:.0%} (CNY)"),
        ("按日补贴合计（元）", "sum of daily subsidies (CNY)"),
    )
    title = pick(("补贴累计（苏州姑苏规则）", "Subsidy accrued (the Gusu rule)"), lang)
    return StatsTable("subsidy", title, columns, rows)


def detail_tables(stats: PeriodStats, lang: Lang) -> tuple[StatsTable, ...]:
    """Per-day rows: employers, districts, stations, reasons (workbook only)."""
    employer_rows = tuple(
        (
            e.date.isoformat(),
            e.enterprise_id,
            e.name,
            district_label(e.district or NO_DISTRICT, lang),
            pick(("是", "yes"), lang) if e.key_enterprise else "",
            e.registered,
            e.transported,
            e.excluded,
            e.unserved,
            e.trips,
            _money(e.cost_cny),
            _money(e.subsidy_cny),
        )
        for e in stats.employers
    )
    employer_columns = _h(
        lang,
        ("日期", "date"),
        ("企业编号", "employer id"),
        ("企业", "employer"),
        ("区县", "district"),
        ("重点企业", "key"),
        ("登记", "registered"),
        ("返岗", "returned"),
        ("不符合条件", "excluded"),
        ("未运送", "unserved"),
        ("行程", "trips"),
        ("包车费用（元）", "charter cost (CNY)"),
        ("当日补贴（元）", "subsidy of the day (CNY)"),
    )
    day = ("日期", "date")
    return (
        StatsTable(
            "employer_days",
            pick(("企业每日", "Employers per day"), lang),
            employer_columns,
            employer_rows,
            detail=True,
        ),
        StatsTable(
            "district_days",
            pick(("区县每日", "Districts per day"), lang),
            _h(lang, day, ("区县", "district"), ("返岗人数", "workers")),
            tuple(
                (g.date.isoformat(), district_label(g.key, lang), g.workers)
                for g in stats.districts
            ),
            detail=True,
        ),
        StatsTable(
            "station_days",
            pick(("站点每日", "Stations per day"), lang),
            _h(lang, day, ("站点编号", "station id"), ("站点", "station"), ("返岗人数", "workers")),
            tuple((g.date.isoformat(), g.key, g.label, g.workers) for g in stats.stations),
            detail=True,
        ),
        StatsTable(
            "reason_days",
            pick(("原因每日", "Reasons per day"), lang),
            _h(lang, day, ("结果", "outcome"), ("原因代码", "reason"), ("人数", "number")),
            tuple(
                (r.date.isoformat(), pick(OUTCOME_LABELS[r.outcome], lang), r.reason, r.number)
                for r in stats.reasons
                if r.outcome in OUTCOME_LABELS
            ),
            detail=True,
        ),
    )


def stats_tables(stats: PeriodStats, lang: Lang) -> tuple[StatsTable, ...]:
    """Every table of the statistics, summaries first, then the per-day detail."""
    return (
        days_table(stats, lang),
        district_table(stats, lang),
        employer_table(stats, lang, key_only=True),
        station_table(stats, lang),
        reason_table(stats, lang),
        subsidy_table(stats, lang),
        employer_table(stats, lang, key_only=False),
        *detail_tables(stats, lang),
    )
