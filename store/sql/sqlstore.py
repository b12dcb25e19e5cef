"""The day store on SQLAlchemy: ``open_store`` connects, brings the schema up to date and
returns a ``SqlStore``, the one implementation of ``store.repository.DayRepository``.

Every write is one transaction (inputs, version, statistics rows and audit line land together
or not at all); versions of one day are numbered under a lock on the day's row, so two
writers saving the same day at once get two versions. Database errors come out as
``StoreError`` naming the store and the fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import exc

from store.codec import checksum, unpack
from store.errors import StoreError, problem
from store.location import Backend, StoreLocation
from store.repository import (
    ARCHIVE_FORMAT,
    ArchivedImport,
    ArchivedVersion,
    AuditEntry,
    DayArchive,
    DayInfo,
    DeskSession,
    ImportReport,
    PersonalRow,
    Provenance,
    PurgeReport,
    RunOptions,
    ScenarioEntry,
    StaleBase,
    StoredScenario,
    StoredVersion,
    UserAccount,
    VersionInfo,
)
from store.sql import accounts, reads, writes
from store.sql import schema as t
from store.sql.engine import make_engine, read_transaction, translated, write_transaction
from store.sql.migrate import Migration, ensure_schema
from store.sql.stats import period_stats
from store.statistics.period import PeriodStats

if TYPE_CHECKING:
    from dispatch.outputs.plan_json import PlanDocument
    from dispatch.plan import Plan

RETRIES = 5  # a write that loses a race on a unique key (a new day row) is tried again


class SqlStore:
    """The store behind ``DayRepository``; make one with :func:`open_store`.

    Parameters
    ----------
    engine
        The engine of ``location`` (schema up to date).
    location
        Where the store is.
    user
        Who is working (written with every change and in the audit log).
    migration
        What opening did to the schema.
    """

    def __init__(
        self, engine: sa.Engine, location: StoreLocation, user: str, migration: Migration
    ) -> None:
        self._engine = engine
        self._location = location
        self.user = user
        self.migration = migration

    @property
    def location(self) -> StoreLocation:
        """Where the store is."""
        return self._location

    def close(self) -> None:
        """Release the connection pool."""
        self._engine.dispose()

    def acting_as(self, user: str) -> SqlStore:
        """The same store (the same connection pool) working as ``user``; closing either
        closes both."""
        return SqlStore(self._engine, self._location, user, self.migration)

    # ------------------------------------------------------------------ the desk's accounts

    def record(
        self,
        action: str,
        *,
        day: dt.date | None = None,
        version: int | None = None,
        **detail: str | int | bool | None,
    ) -> None:
        """Add a line to the audit log as this store's user (``detail``: no personal data)."""
        with translated(self._location), write_transaction(self._engine) as connection:
            writes.audit(
                connection,
                user=self.user,
                action=action,
                at=writes.now_utc(),
                day=day,
                version=version,
                **detail,
            )

    def add_user(self, name: str, *, role: str, password_hash: str) -> UserAccount:
        """Add an account of the desk (``StoreError`` if the name is taken); audited."""
        with translated(self._location), write_transaction(self._engine) as connection:
            now = writes.now_utc()
            account = accounts.add_user(
                connection, name, role=role, password_hash=password_hash, by=self.user, at=now
            )
            writes.audit(
                connection, user=self.user, action="add_user", at=now, name=name, role=role
            )
        return account

    def users(self) -> tuple[UserAccount, ...]:
        """Every account, by name."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return accounts.users(connection)

    def account(self, name: str) -> UserAccount | None:
        """Account ``name`` (None: no such account)."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return accounts.user(connection, name)

    def set_password(self, name: str, password_hash: str) -> None:
        """Replace an account's password hash and end its sessions; audited."""
        with translated(self._location), write_transaction(self._engine) as connection:
            now = writes.now_utc()
            accounts.update_user(connection, name, at=now, password_hash=password_hash)
            writes.audit(connection, user=self.user, action="set_password", at=now, name=name)

    def set_disabled(self, name: str, disabled: bool) -> None:
        """Disable (ending its sessions) or enable an account; audited."""
        with translated(self._location), write_transaction(self._engine) as connection:
            now = writes.now_utc()
            accounts.update_user(connection, name, at=now, disabled=disabled)
            action = "disable_user" if disabled else "enable_user"
            writes.audit(connection, user=self.user, action=action, at=now, name=name)

    def open_session(
        self, name: str, *, token_hash: str, csrf: str, expires_at: dt.datetime
    ) -> None:
        """Keep a new session of account ``name`` (by its token's hash)."""
        with translated(self._location), write_transaction(self._engine) as connection:
            accounts.open_session(
                connection,
                name,
                token_hash=token_hash,
                csrf=csrf,
                at=writes.now_utc(),
                expires_at=expires_at,
            )

    def session(self, token_hash: str, *, now: dt.datetime) -> DeskSession | None:
        """The live session with this token hash (None: unknown, expired, or disabled)."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return accounts.session(connection, token_hash, now=now)

    def close_session(self, token_hash: str) -> None:
        """End a session."""
        with translated(self._location), write_transaction(self._engine) as connection:
            accounts.close_session(connection, token_hash)

    # ------------------------------------------------------------------ writes

    def save_plan(
        self,
        plan: Plan,
        *,
        provenance: Provenance,
        options: RunOptions,
        parent: int | None = None,
        document: PlanDocument | None = None,
        latest_parent: bool = False,
    ) -> VersionInfo:
        """Save the plan's inputs (once per content) and the plan as the day's next version.

        Parameters
        ----------
        plan
            The plan (its day is saved with it).
        provenance
            Where the day was read from.
        options
            The command and options it was planned with.
        parent
            The version this one was derived from (a re-plan). Default None.
        document
            The plan.json document already made. Default None (made here).
        latest_parent
            Refuse (``StaleBaseError``) unless ``parent`` is still the day's latest version
            when this one is written — a re-plan of the latest version does not fork the day
            when another writer saved a version meanwhile. Default False.
        """
        from store.prepare import prepare_version

        prepared = prepare_version(plan, options, document)
        date = plan.day.date
        for attempt in range(RETRIES):
            try:
                with translated(self._location), write_transaction(self._engine) as connection:
                    now = writes.now_utc()
                    day_id = writes.locked_day(connection, date, self.user, now)
                    self._check_parent(connection, day_id, date, parent)
                    if latest_parent and parent is not None:
                        _check_latest(connection, date, parent)
                    import_id, new = writes.import_row(
                        connection, day_id, prepared.tables, provenance, user=self.user, at=now
                    )
                    number = writes.next_version(connection, day_id)
                    writes.insert_version(
                        connection,
                        prepared,
                        day_id=day_id,
                        import_id=import_id,
                        number=number,
                        parent=parent,
                        user=self.user,
                        at=now,
                    )
                    writes.audit(
                        connection,
                        user=self.user,
                        action="save_plan",
                        at=now,
                        day=date,
                        version=number,
                        command=options.command,
                        inputs=prepared.tables.checksum[:12],
                        new_inputs=new,
                        source=provenance.source,
                    )
                    return reads.versions(connection, date, number=number)[0]
            except exc.IntegrityError:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _check_parent(
        self, connection: sa.Connection, day_id: int, date: dt.date, parent: int | None
    ) -> None:
        if parent is None:
            return
        found = connection.execute(
            sa.select(t.plan_versions.c.id).where(
                t.plan_versions.c.day_id == day_id, t.plan_versions.c.version == parent
            )
        ).scalar()
        if found is None:
            raise StoreError(
                problem(
                    f"day {date.isoformat()}",
                    str(parent),
                    "has no such version to derive from",
                    "give a stored version as the parent",
                )
            )

    def latest_version(self, date: dt.date) -> VersionInfo:
        """The latest version of ``date`` (``NotFoundError`` for an unknown day)."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return reads.versions(connection, date)[-1]

    def stale_base(self, date: dt.date, number: int) -> StaleBase | None:
        """None if version ``number`` is the latest of ``date``; else it and the latest.

        Raises
        ------
        NotFoundError
            If the day or the version is not stored.
        """
        with translated(self._location), read_transaction(self._engine) as connection:
            reads.version_id(connection, date, number)  # NotFoundError naming the versions
            return reads.stale_base(connection, date, number)

    def version_of_document(self, date: dt.date, sha256: str) -> VersionInfo | None:
        """The latest version of ``date`` whose plan.json has SHA-256 ``sha256`` (None if none,
        or if the day is not stored)."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return reads.version_of_document(connection, date, sha256)

    def purge(self, before: dt.date, *, everything: bool = False) -> PurgeReport:
        """Remove the personal data of every day before ``before``; with ``everything``, the
        days themselves (inputs, versions, statistics, scenario results).

        Parameters
        ----------
        before
            The first day kept.
        everything
            Remove whole days, not only their personal data. Default False.
        """
        with translated(self._location), write_transaction(self._engine) as connection:
            now = writes.now_utc()
            rows, imports = writes.purge_personal(connection, before, now)
            removed = writes.delete_days(connection, before) if everything else ()
            writes.audit(
                connection,
                user=self.user,
                action="purge",
                at=now,
                before=before.isoformat(),
                personal_rows=rows,
                days_removed=[d.isoformat() for d in removed],
            )
        if rows and self._location.backend is Backend.POSTGRESQL:
            self._rewrite_personal_table()
        return PurgeReport(before, rows, imports, removed)

    def _rewrite_personal_table(self) -> None:
        """PostgreSQL keeps deleted rows in its files until a table is rewritten: do it now,
        so purged personal data leaves the disk (SQLite overwrites it on delete)."""
        with translated(self._location), self._engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(sa.text("VACUUM FULL personal_data"))

    def save_scenarios(self, entries: Sequence[ScenarioEntry], *, options: RunOptions) -> int:
        """Save one scenario run's results; return the run's id."""
        with translated(self._location), write_transaction(self._engine) as connection:
            now = writes.now_utc()
            run = writes.insert_scenarios(
                connection, entries, options=options, user=self.user, at=now
            )
            writes.audit(
                connection,
                user=self.user,
                action="save_scenarios",
                at=now,
                run=run,
                scenarios=[e.name for e in entries],
            )
        return run

    # ------------------------------------------------------------------ reads

    def days(self) -> tuple[DayInfo, ...]:
        """Every stored day, oldest first."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return reads.days(connection)

    def versions(self, date: dt.date) -> tuple[VersionInfo, ...]:
        """The versions of ``date``, oldest first."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return reads.versions(connection, date)

    def version(self, date: dt.date, number: int | None = None) -> StoredVersion:
        """Version ``number`` of ``date`` (None: the latest) with its inputs' description."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return reads.stored_version(connection, reads.version_id(connection, date, number))

    def load_plan(self, date: dt.date, number: int | None = None, *, personal: bool) -> Plan:
        """The plan of a version on its day rebuilt from the stored inputs.

        Parameters
        ----------
        date, number
            The day and version (None: the latest).
        personal
            Put the stored personal data back into the day (for a writer that masks it:
            ``dispatch.outputs.plan_folder.write_plan``), and write who read it to the audit
            log; without it the day has none.
        """
        from store.records import rebuild_day, rebuild_plan

        begin = write_transaction if personal else read_transaction
        with translated(self._location), begin(self._engine) as connection:
            version = reads.version_id(connection, date, number)
            parts = reads.plan_parts(connection, version, personal=personal)
            if personal:
                writes.audit(
                    connection,
                    user=self.user,
                    action="read_personal_data",
                    at=writes.now_utc(),
                    day=date,
                    version=parts.version,
                    rows=len(parts.personal),
                )
        day = rebuild_day(
            parts.date, parts.policy, parts.tables, parts.personal, source=parts.source
        )
        return rebuild_plan(parts.record, day)

    def stats(
        self,
        start: dt.date,
        end: dt.date,
        *,
        rate: float | None = None,
        min_workers: int | None = None,
    ) -> PeriodStats:
        """Figures of the latest version of each day from ``start`` to ``end`` (included);
        the subsidy rule is the latest day's policy unless ``rate``/``min_workers`` are given."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return period_stats(connection, start, end, rate=rate, min_workers=min_workers)

    def scenarios(self, date: dt.date) -> tuple[StoredScenario, ...]:
        """Scenario results planned on ``date``, oldest run first."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return reads.scenarios(connection, date)

    def audit(self, *, date: dt.date | None = None, limit: int = 100) -> tuple[AuditEntry, ...]:
        """The latest audit entries (of one day), newest first."""
        with translated(self._location), read_transaction(self._engine) as connection:
            return reads.audit_entries(connection, date=date, limit=limit)

    # ------------------------------------------------------------------ backup and restore

    def export_day(self, date: dt.date, *, personal: bool) -> DayArchive:
        """The day with every import and version, for a backup.

        Parameters
        ----------
        date
            The day.
        personal
            Include the stored personal data (the export is audited either way).
        """
        with translated(self._location), write_transaction(self._engine) as connection:
            day_id = reads.day_id(connection, date)
            archive = _archive(connection, day_id, date, personal=personal, user=self.user)
            writes.audit(
                connection,
                user=self.user,
                action="export_day",
                at=archive.exported_at,
                day=date,
                versions=len(archive.versions),
                personal_data=personal,
            )
        return archive

    def import_day(self, archive: DayArchive) -> ImportReport:
        """Restore an archived day: versions held already (same number and plan) are skipped,
        the others added with their numbers, authors and times.

        Raises
        ------
        StoreError
            If a version number is held with another plan.
        """
        from store.prepare import archived_tables, prepare_archived

        prepared = {v.version: prepare_archived(archive, v) for v in archive.versions}
        with translated(self._location), write_transaction(self._engine) as connection:
            now = writes.now_utc()
            day_id = writes.locked_day(connection, archive.date, archive.created_by, now)
            held = _held(connection, day_id)
            clashes = [n for n in prepared if n in held and held[n] != prepared[n][1]]
            if clashes:
                raise _clash(archive.date, clashes)
            imports: dict[str, int] = {}
            personal = 0
            for item in archive.imports:
                tables = archived_tables(archive.date, item)
                imports[item.checksum], new = writes.import_row(
                    connection,
                    day_id,
                    tables,
                    Provenance(item.source, item.source_files),
                    user=item.imported_by,
                    at=item.imported_at,
                    purged_at=item.personal_purged_at,
                )
                personal += len(tables.personal) if new else 0
            added = []
            for number, (version, _) in sorted(prepared.items()):
                if number in held:
                    continue
                writes.insert_version(
                    connection,
                    version,
                    day_id=day_id,
                    import_id=imports[_source(archive, number).import_checksum],
                    number=number,
                    parent=_source(archive, number).parent_version,
                    user=_source(archive, number).created_by,
                    at=_source(archive, number).created_at,
                )
                added.append(number)
            writes.audit(
                connection,
                user=self.user,
                action="import_day",
                at=now,
                day=archive.date,
                added=added,
                exported_by=archive.exported_by,
                exported_at=archive.exported_at.isoformat(),
            )
        return ImportReport(archive.date, tuple(added), tuple(sorted(held)), personal)


def _check_latest(connection: sa.Connection, date: dt.date, parent: int) -> None:
    stale = reads.stale_base(connection, date, parent)
    if stale is not None:
        raise stale.error(f"{stale.latest.created_at:%Y-%m-%d %H:%M} UTC")


def _source(archive: DayArchive, number: int) -> ArchivedVersion:
    return next(v for v in archive.versions if v.version == number)


def _held(connection: sa.Connection, day_id: int) -> dict[int, str]:
    v = t.plan_versions
    rows = connection.execute(
        sa.select(v.c.version, v.c.document_checksum).where(v.c.day_id == day_id)
    ).all()
    return {int(r.version): r.document_checksum for r in rows}


def _clash(date: dt.date, numbers: list[int]) -> StoreError:
    return StoreError(
        problem(
            f"day {date.isoformat()}",
            ", ".join(str(n) for n in numbers),
            "is held in this store with another plan under the same version number",
            "import into another --db, or purge the day here first "
            "(charter purge --before DAY+1 --everything)",
        )
    )


def _archive(
    connection: sa.Connection, day_id: int, date: dt.date, *, personal: bool, user: str
) -> DayArchive:
    day = connection.execute(sa.select(t.days).where(t.days.c.id == day_id)).one()
    v = t.plan_versions
    rows = connection.execute(
        sa.select(v, t.day_imports.c.checksum.label("import_checksum"))
        .join(t.day_imports, t.day_imports.c.id == v.c.import_id)
        .where(v.c.day_id == day_id)
        .order_by(v.c.version)
    ).all()
    label = f"day {date.isoformat()}"
    versions = tuple(
        ArchivedVersion(
            version=r.version,
            parent_version=r.parent_version,
            import_checksum=r.import_checksum,
            created_at=r.created_at,
            created_by=r.created_by,
            options=r.options,
            policy=r.policy,
            kpis=r.kpis,
            meta=r.meta,
            document=unpack(r.document, r.document_checksum, f"{label} plan.json"),
            document_checksum=r.document_checksum,
            record=unpack(r.record, r.record_checksum, f"{label} plan record"),
            record_checksum=r.record_checksum,
        )
        for r in rows
    )
    imports = []
    for item in connection.execute(
        sa.select(t.day_imports)
        .where(t.day_imports.c.day_id == day_id)
        .order_by(t.day_imports.c.id)
    ):
        tables = {
            r.name: unpack(r.content, r.checksum, f"{label} table {r.name}")
            for r in connection.execute(
                sa.select(t.input_tables).where(t.input_tables.c.import_id == item.id)
            )
        }
        people = None
        if personal:
            people = tuple(
                PersonalRow(p.subject, p.subject_id, p.name, p.id_number, p.phone, p.contact)
                for p in connection.execute(
                    sa.select(t.personal_data).where(t.personal_data.c.import_id == item.id)
                )
            )
        imports.append(
            ArchivedImport(
                checksum=item.checksum,
                imported_at=item.imported_at,
                imported_by=item.imported_by,
                source=item.source,
                source_files=tuple(reads.source_files(item.source_files)),
                policy=item.policy,
                tables=tables,
                table_checksums={name: checksum(text) for name, text in tables.items()},
                personal=people,
                personal_purged_at=item.personal_purged_at,
            )
        )
    return DayArchive(
        format=ARCHIVE_FORMAT,
        date=date,
        exported_at=writes.now_utc(),
        exported_by=user,
        personal_data=personal,
        created_at=day.created_at,
        created_by=day.created_by,
        imports=tuple(imports),
        versions=versions,
        audit=reads.audit_entries(connection, date=date, limit=10_000),
    )


def open_store(location: StoreLocation, *, user: str) -> SqlStore:
    """Open (creating or migrating) the store at ``location``.

    Parameters
    ----------
    location
        Where the store is (``store.location.resolve_location``).
    user
        Who is working (``getpass.getuser()`` on the command line).

    Raises
    ------
    StoreError
        If the store does not answer, cannot be written, is damaged, is from a newer version,
        or is another kind of database.
    """
    engine = make_engine(location)
    try:
        with translated(location):
            migration = ensure_schema(engine, location)
    except BaseException:
        engine.dispose()
        raise
    return SqlStore(engine, location, user, migration)
