"""Reading the store inside a transaction the caller holds: days, versions, a version with its
inputs, and what it takes to rebuild a plan (the tables, the record, the personal rows)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from store.codec import options_of, unpack
from store.errors import NotFoundError, problem
from store.repository import (
    AuditEntry,
    DayInfo,
    ImportInfo,
    PersonalRow,
    Provenance,
    ScenarioEntry,
    SourceFile,
    StaleBase,
    StoredScenario,
    StoredVersion,
    VersionInfo,
)
from store.sql import schema as t

V = t.plan_versions
VERSION_COLUMNS = (
    t.days.c.date,
    V.c.version,
    V.c.parent_version,
    V.c.created_at,
    V.c.created_by,
    V.c.command,
    t.day_imports.c.checksum.label("import_checksum"),
    V.c.workers_registered,
    V.c.workers_transported,
    V.c.workers_excluded,
    V.c.workers_unserved,
    V.c.buses_used,
    V.c.trips,
    V.c.cost_cny,
    V.c.subsidy_cny,
)


def _versions_query() -> sa.Select[tuple[object, ...]]:
    return (
        sa.select(*VERSION_COLUMNS)
        .select_from(V)
        .join(t.days, t.days.c.id == V.c.day_id)
        .join(t.day_imports, t.day_imports.c.id == V.c.import_id)
    )


def _info(row: sa.Row[tuple[object, ...]]) -> VersionInfo:
    return VersionInfo(**row._asdict())


def day_missing(date: dt.date, known: Sequence[dt.date] = ()) -> NotFoundError:
    """The error for a day the store does not hold."""
    shown = ", ".join(d.isoformat() for d in known[-5:]) or "none"
    return NotFoundError(
        problem(
            "day store",
            date.isoformat(),
            f"holds no plan of this day (latest days: {shown})",
            "give a stored date (charter days list), or save the day with charter plan --store",
        )
    )


def day_id(connection: sa.Connection, date: dt.date) -> int:
    """The id of the stored day ``date`` (``NotFoundError`` if none)."""
    found = connection.execute(sa.select(t.days.c.id).where(t.days.c.date == date)).scalar()
    if found is None:
        known = connection.execute(sa.select(t.days.c.date).order_by(t.days.c.date)).scalars()
        raise day_missing(date, list(known))
    return int(found)


def versions(
    connection: sa.Connection, date: dt.date, *, number: int | None = None
) -> tuple[VersionInfo, ...]:
    """The versions of ``date``, oldest first (only version ``number`` if given)."""
    query = _versions_query().where(V.c.day_id == day_id(connection, date))
    if number is not None:
        query = query.where(V.c.version == number)
    return tuple(_info(r) for r in connection.execute(query.order_by(V.c.version)).all())


def stale_base(connection: sa.Connection, date: dt.date, number: int) -> StaleBase | None:
    """None if version ``number`` is the latest of ``date``; else it and the latest."""
    held = versions(connection, date)
    base = next((v for v in held if v.version == number), None)
    if base is None or held[-1].version == number:
        return None
    return StaleBase(base, held[-1])


def version_of_document(
    connection: sa.Connection, date: dt.date, sha256: str
) -> VersionInfo | None:
    """The latest version of ``date`` whose plan.json text has SHA-256 ``sha256``."""
    found = connection.execute(
        _versions_query()
        .where(t.days.c.date == date, V.c.document_checksum == sha256)
        .order_by(V.c.version.desc())
        .limit(1)
    ).first()
    return None if found is None else _info(found)


def days(connection: sa.Connection) -> tuple[DayInfo, ...]:
    """Every stored day with a version, oldest first."""
    latest = (
        sa.select(V.c.day_id, sa.func.max(V.c.version).label("latest"), sa.func.count().label("n"))
        .group_by(V.c.day_id)
        .subquery()
    )
    personal = (
        sa.select(
            t.day_imports.c.day_id,
            sa.func.count().label("imports"),
            sa.func.sum(t.day_imports.c.personal_rows).label("personal"),
        )
        .group_by(t.day_imports.c.day_id)
        .subquery()
    )
    query = (
        _versions_query()
        .add_columns(latest.c.n, personal.c.imports, personal.c.personal)
        .join(latest, (latest.c.day_id == V.c.day_id) & (latest.c.latest == V.c.version))
        .join(personal, personal.c.day_id == V.c.day_id)
        .order_by(t.days.c.date)
    )
    found = []
    for row in connection.execute(query).all():
        values = row._asdict()
        counts = (values.pop("n"), values.pop("imports"), values.pop("personal"))
        info = VersionInfo(**values)
        found.append(DayInfo(info.date, int(counts[0]), info, int(counts[1]), int(counts[2] or 0)))
    return tuple(found)


def version_id(connection: sa.Connection, date: dt.date, number: int | None) -> int:
    """The id of version ``number`` of ``date`` (None: the latest)."""
    day = day_id(connection, date)
    query = sa.select(V.c.id, V.c.version).where(V.c.day_id == day)
    if number is None:
        row = connection.execute(query.order_by(V.c.version.desc()).limit(1)).first()
    else:
        row = connection.execute(query.where(V.c.version == number)).first()
    if row is None:
        numbers = connection.execute(
            sa.select(V.c.version).where(V.c.day_id == day).order_by(V.c.version)
        ).scalars()
        raise NotFoundError(
            problem(
                f"day {date.isoformat()}",
                str(number),
                f"has no such version (versions: {', '.join(str(n) for n in numbers)})",
                "give one of those with --version, or leave it out for the latest",
            )
        )
    return int(row.id)


def source_files(text: str) -> tuple[SourceFile, ...]:
    """The source files of their stored JSON."""
    return tuple(SourceFile(**f) for f in json.loads(text))


def import_info(connection: sa.Connection, import_id: int) -> ImportInfo:
    """The inputs with id ``import_id``, without their tables."""
    row = connection.execute(sa.select(t.day_imports).where(t.day_imports.c.id == import_id)).one()
    counts = connection.execute(
        sa.select(t.input_tables.c.name, t.input_tables.c.row_count)
        .where(t.input_tables.c.import_id == import_id)
        .order_by(t.input_tables.c.name)
    ).all()
    files = source_files(row.source_files)
    return ImportInfo(
        checksum=row.checksum,
        imported_at=row.imported_at,
        imported_by=row.imported_by,
        provenance=Provenance(row.source, files),
        tables=tuple((c.name, int(c.row_count)) for c in counts),
        workers=int(row.workers),
        personal_rows=int(row.personal_rows),
        personal_purged_at=row.personal_purged_at,
    )


def stored_version(connection: sa.Connection, version: int) -> StoredVersion:
    """Everything kept about the version with id ``version`` (no personal data)."""
    from dispatch.outputs.plan_json import parse_plan_json
    from store.records import KPIS, META, POLICY

    row = connection.execute(
        _versions_query()
        .add_columns(
            V.c.import_id,
            V.c.options,
            V.c.policy,
            V.c.kpis,
            V.c.meta,
            V.c.document,
            V.c.document_checksum,
        )
        .where(V.c.id == version)
    ).one()
    values = row._asdict()
    info = VersionInfo(**{k: values[k] for k in VersionInfo.__dataclass_fields__})
    what = f"plan.json of {info.date.isoformat()} version {info.version}"
    text = unpack(values["document"], values["document_checksum"], what)
    return StoredVersion(
        info=info,
        inputs=import_info(connection, int(values["import_id"])),
        options=options_of(values["options"]),
        policy=POLICY.validate_json(values["policy"]),
        kpis=KPIS.validate_json(values["kpis"]),
        meta=META.validate_json(values["meta"]),
        document=parse_plan_json(text, source=what),
    )


@dataclass(frozen=True, slots=True)
class PlanParts:
    """What rebuilding a version's plan needs: its day's date, its number, the stored policy
    and tables, the personal rows (if asked) and the plan record."""

    date: dt.date
    version: int
    policy: str
    tables: dict[str, str]
    personal: tuple[PersonalRow, ...]
    record: str
    source: str


def plan_parts(connection: sa.Connection, version: int, *, personal: bool) -> PlanParts:
    """The stored parts of the version with id ``version``."""
    row = connection.execute(
        sa.select(
            t.days.c.date,
            V.c.version,
            V.c.import_id,
            V.c.record,
            V.c.record_checksum,
            t.day_imports.c.policy,
            t.day_imports.c.source,
        )
        .select_from(V)
        .join(t.days, t.days.c.id == V.c.day_id)
        .join(t.day_imports, t.day_imports.c.id == V.c.import_id)
        .where(V.c.id == version)
    ).one()
    label = f"day {row.date.isoformat()}"
    tables = {
        r.name: unpack(r.content, r.checksum, f"{label}: table {r.name}")
        for r in connection.execute(
            sa.select(t.input_tables).where(t.input_tables.c.import_id == row.import_id)
        )
    }
    people: tuple[PersonalRow, ...] = ()
    if personal:
        people = tuple(
            PersonalRow(r.subject, r.subject_id, r.name, r.id_number, r.phone, r.contact)
            for r in connection.execute(
                sa.select(t.personal_data).where(t.personal_data.c.import_id == row.import_id)
            )
        )
    record = unpack(row.record, row.record_checksum, f"{label} version {row.version}: plan record")
    return PlanParts(row.date, row.version, row.policy, tables, people, record, row.source)


def scenarios(connection: sa.Connection, date: dt.date) -> tuple[StoredScenario, ...]:
    """Scenario results of ``date``, oldest run first."""
    from store.records import KPIS

    r, s = t.scenario_runs, t.scenario_results
    rows = connection.execute(
        sa.select(r.c.id.label("run_id"), r.c.created_at, r.c.created_by, s)
        .join(s, s.c.run_id == r.c.id)
        .where(s.c.day == date)
        .order_by(r.c.id, s.c.id)
    ).all()
    found = []
    for row in rows:
        document = None
        if row.document is not None:
            document = unpack(row.document, row.document_checksum, f"scenario {row.name}")
        entry = ScenarioEntry(
            name=row.name,
            base=row.base,
            baseline=bool(row.baseline),
            description=row.description,
            day=row.day,
            spec=row.spec,
            value=row.value,
            failure=row.failure,
            error=row.error,
            kpis=None if row.kpis is None else KPIS.validate_json(row.kpis),
            document=document,
        )
        found.append(StoredScenario(int(row.run_id), row.created_at, row.created_by, entry))
    return tuple(found)


def audit_entries(
    connection: sa.Connection, *, date: dt.date | None, limit: int
) -> tuple[AuditEntry, ...]:
    """The latest ``limit`` audit entries (of ``date``), newest first."""
    a = t.audit_log
    query = sa.select(a).order_by(a.c.id.desc()).limit(limit)
    if date is not None:
        query = query.where(a.c.day == date)
    return tuple(
        AuditEntry(r.at, r.user_name, r.action, r.day, r.version, r.detail)
        for r in connection.execute(query)
    )
