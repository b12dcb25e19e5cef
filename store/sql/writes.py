"""Writing the store, statement by statement, inside a transaction the caller holds: the day
row (locked, so versions of one day are numbered one after another), its inputs (once per
content), a plan version with its statistics rows, scenario results, the audit log, purging.

Everything heavy (serialising, compressing, the statistics rows) is prepared before the
transaction (``store.prepare``), so the write lock is held for the inserts only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from store.codec import dumps, options_json, pack
from store.repository import Provenance, RunOptions, ScenarioEntry
from store.sql import schema as t

if TYPE_CHECKING:
    from store.prepare import PreparedVersion
    from store.records import DayTables
    from store.statistics.rows import StatRows


def now_utc() -> dt.datetime:
    """Now in UTC, without an offset (as the store keeps times)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _insert(connection: sa.Connection) -> type[sqlite.Insert] | type[postgresql.Insert]:
    return postgresql.Insert if connection.dialect.name == "postgresql" else sqlite.Insert


def locked_day(connection: sa.Connection, date: dt.date, user: str, at: dt.datetime) -> int:
    """The id of the day row of ``date`` (created if missing), locked until the transaction
    ends (PostgreSQL: ``FOR UPDATE``; SQLite holds the whole file since ``BEGIN IMMEDIATE``)."""
    insert = _insert(connection)
    connection.execute(
        insert(t.days)
        .values(date=date, created_at=at, created_by=user)
        .on_conflict_do_nothing(index_elements=["date"])
    )
    day_id = connection.execute(
        sa.select(t.days.c.id).where(t.days.c.date == date).with_for_update()
    ).scalar_one()
    return int(day_id)


def import_row(
    connection: sa.Connection,
    day_id: int,
    tables: DayTables,
    provenance: Provenance,
    *,
    user: str,
    at: dt.datetime,
    purged_at: dt.datetime | None = None,
) -> tuple[int, bool]:
    """The id of the day's inputs with ``tables``' checksum, inserted if new; whether new."""
    found = connection.execute(
        sa.select(t.day_imports.c.id).where(
            t.day_imports.c.day_id == day_id, t.day_imports.c.checksum == tables.checksum
        )
    ).scalar()
    if found is not None:
        return int(found), False
    files = [dataclasses.asdict(f) for f in provenance.files]
    import_id = connection.execute(
        sa.insert(t.day_imports)
        .values(
            day_id=day_id,
            checksum=tables.checksum,
            imported_at=at,
            imported_by=user,
            source=provenance.source,
            source_files=dumps(files),
            policy=tables.policy,
            workers=tables.workers,
            personal_rows=len(tables.personal),
            personal_purged_at=purged_at,
        )
        .returning(t.day_imports.c.id)
    ).scalar_one()
    connection.execute(
        sa.insert(t.input_tables),
        [
            {
                "import_id": import_id,
                "name": name,
                "row_count": tables.counts[name],
                "checksum": checksum,
                "content": blob,
            }
            for name, text in tables.tables.items()
            for blob, checksum in [pack(text)]
        ],
    )
    if tables.personal:
        connection.execute(
            sa.insert(t.personal_data),
            [{"import_id": import_id, **dataclasses.asdict(p)} for p in tables.personal],
        )
    return int(import_id), True


def next_version(connection: sa.Connection, day_id: int) -> int:
    """The number the day's next version gets (the day row is locked)."""
    latest = connection.execute(
        sa.select(sa.func.max(t.plan_versions.c.version)).where(t.plan_versions.c.day_id == day_id)
    ).scalar()
    return int(latest or 0) + 1


def insert_version(
    connection: sa.Connection,
    prepared: PreparedVersion,
    *,
    day_id: int,
    import_id: int,
    number: int,
    parent: int | None,
    user: str,
    at: dt.datetime,
) -> int:
    """Insert version ``number`` and its statistics rows; its id."""
    version_id = connection.execute(
        sa.insert(t.plan_versions)
        .values(
            day_id=day_id,
            version=number,
            parent_version=parent,
            import_id=import_id,
            created_at=at,
            created_by=user,
            command=json.loads(prepared.options)["command"],
            options=prepared.options,
            policy=prepared.policy,
            kpis=prepared.kpis,
            meta=prepared.meta,
            document=prepared.document[0],
            document_checksum=prepared.document[1],
            record=prepared.record[0],
            record_checksum=prepared.record[1],
            **prepared.figures,
        )
        .returning(t.plan_versions.c.id)
    ).scalar_one()
    _insert_stats(connection, int(version_id), prepared.stats)
    return int(version_id)


def _insert_stats(connection: sa.Connection, version_id: int, stats: StatRows) -> None:
    for table, rows in (
        (t.version_flows, stats.flows),
        (t.version_employers, stats.employers),
        (t.version_reasons, stats.reasons),
    ):
        if rows:
            connection.execute(
                sa.insert(table),
                [{"version_id": version_id, **dataclasses.asdict(row)} for row in rows],
            )


def audit(
    connection: sa.Connection,
    *,
    user: str,
    action: str,
    at: dt.datetime,
    day: dt.date | None = None,
    version: int | None = None,
    **detail: object,
) -> None:
    """Add a line to the audit log (``detail`` never holds personal data)."""
    connection.execute(
        sa.insert(t.audit_log).values(
            at=at, user_name=user, action=action, day=day, version=version, detail=dumps(detail)
        )
    )


def purge_personal(connection: sa.Connection, before: dt.date, at: dt.datetime) -> tuple[int, int]:
    """Delete the personal data of days before ``before``; (rows deleted, imports touched)."""
    imports = (
        sa.select(t.day_imports.c.id)
        .join(t.days, t.days.c.id == t.day_imports.c.day_id)
        .where(t.days.c.date < before, t.day_imports.c.personal_rows > 0)
    )
    ids = [int(i) for i in connection.execute(imports).scalars()]
    if not ids:
        return 0, 0
    deleted = connection.execute(
        sa.delete(t.personal_data).where(t.personal_data.c.import_id.in_(ids))
    ).rowcount
    connection.execute(
        sa.update(t.day_imports)
        .where(t.day_imports.c.id.in_(ids))
        .values(personal_rows=0, personal_purged_at=at)
    )
    return int(deleted), len(ids)


def delete_days(connection: sa.Connection, before: dt.date) -> tuple[dt.date, ...]:
    """Delete every day before ``before`` with its inputs, versions and scenario results."""
    rows = connection.execute(
        sa.select(t.days.c.id, t.days.c.date).where(t.days.c.date < before).order_by(t.days.c.date)
    ).all()
    ids = [int(r.id) for r in rows]
    if ids:
        connection.execute(sa.delete(t.plan_versions).where(t.plan_versions.c.day_id.in_(ids)))
        connection.execute(sa.delete(t.day_imports).where(t.day_imports.c.day_id.in_(ids)))
        connection.execute(sa.delete(t.days).where(t.days.c.id.in_(ids)))
    connection.execute(sa.delete(t.scenario_results).where(t.scenario_results.c.day < before))
    return tuple(r.date for r in rows)


def insert_scenarios(
    connection: sa.Connection,
    entries: Sequence[ScenarioEntry],
    *,
    options: RunOptions,
    user: str,
    at: dt.datetime,
) -> int:
    """Insert one scenario run and its results; the run's id."""
    from store.records import KPIS

    def kpis_json(kpis: object) -> str:
        return KPIS.dump_json(kpis).decode("utf-8")  # type: ignore[arg-type]

    run_id = connection.execute(
        sa.insert(t.scenario_runs)
        .values(created_at=at, created_by=user, options=options_json(options))
        .returning(t.scenario_runs.c.id)
    ).scalar_one()
    rows = []
    for entry in entries:
        document = pack(entry.document) if entry.document is not None else (None, None)
        spec = pack(entry.spec)[1] if entry.spec is not None else None
        rows.append(
            {
                "run_id": run_id,
                "name": entry.name,
                "base": entry.base,
                "baseline": entry.baseline,
                "day": entry.day,
                "description": entry.description,
                "spec": entry.spec,
                "spec_checksum": spec,
                "value": entry.value,
                "failure": entry.failure,
                "error": entry.error,
                "kpis": None if entry.kpis is None else kpis_json(entry.kpis),
                "document": document[0],
                "document_checksum": document[1],
            }
        )
    if rows:
        connection.execute(sa.insert(t.scenario_results), rows)
    return int(run_id)
