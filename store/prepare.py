"""A plan version made ready to save, outside any transaction: the day's tables, the packed
plan.json and exact record, the KPIs kept as columns and the statistics rows — from a plan,
or from an archived version (its statistics rows made again from its plan)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from dispatch.outputs.plan_json import PlanDocument, document_json, parse_plan_json, plan_document
from dispatch.plan import Kpis, Plan
from store.codec import options_json, pack
from store.records import (
    KPIS,
    META,
    POLICY,
    DayTables,
    day_tables,
    plan_record,
    rebuild_day,
    rebuild_plan,
)
from store.repository import ArchivedImport, ArchivedVersion, DayArchive, RunOptions
from store.statistics.rows import StatRows, stat_rows


@dataclass(frozen=True, slots=True)
class PreparedVersion:
    """A plan version ready to insert: the day's tables, the packed texts, the summary figures
    and the statistics rows."""

    tables: DayTables
    options: str
    policy: str
    kpis: str
    meta: str
    document: tuple[bytes, str]
    record: tuple[bytes, str]
    figures: Mapping[str, int | float]
    stats: StatRows


def prepare_version(
    plan: Plan, options: RunOptions, document: PlanDocument | None = None
) -> PreparedVersion:
    """Everything of ``plan`` the store writes, made outside any transaction."""
    document = document or plan_document(plan)
    return PreparedVersion(
        tables=day_tables(plan.day),
        options=options_json(options),
        policy=POLICY.dump_json(plan.day.policy).decode("utf-8"),
        kpis=KPIS.dump_json(plan.kpis).decode("utf-8"),
        meta=META.dump_json(plan.meta).decode("utf-8"),
        document=pack(document_json(document)),
        record=pack(plan_record(plan)),
        figures=kpi_figures(plan.kpis),
        stats=stat_rows(plan, document),
    )


def kpi_figures(kpis: Kpis) -> dict[str, int | float]:
    """The KPIs kept as columns of a version (for listing days and for statistics)."""
    names = (
        "workers_registered",
        "workers_transported",
        "workers_excluded",
        "workers_unserved",
        "buses_used",
        "trips",
        "bus_km",
        "cost_cny",
        "subsidy_cny",
    )
    return {name: getattr(kpis, name) for name in names}


def archived_tables(date: dt.date, item: ArchivedImport) -> DayTables:
    """The tables of archived inputs, as the store keeps them."""
    counts = {name: len(json.loads(text)) for name, text in item.tables.items()}
    return DayTables(
        date, dict(item.tables), counts, item.personal or (), item.policy, item.checksum
    )


def prepare_archived(archive: DayArchive, version: ArchivedVersion) -> tuple[PreparedVersion, str]:
    """A restored version ready to insert (its statistics rows made again from the plan)."""
    item = next(i for i in archive.imports if i.checksum == version.import_checksum)
    day = rebuild_day(archive.date, item.policy, item.tables, item.personal or ())
    plan = rebuild_plan(version.record, day)
    document = parse_plan_json(version.document, source=f"version {version.version}")
    kpis = KPIS.validate_json(version.kpis)
    prepared = PreparedVersion(
        tables=archived_tables(archive.date, item),
        options=version.options,
        policy=version.policy,
        kpis=version.kpis,
        meta=version.meta,
        document=pack(version.document),
        record=pack(version.record),
        figures=kpi_figures(kpis),
        stats=stat_rows(plan, document),
    )
    return prepared, version.document_checksum
