"""The store's one interface (``DayRepository``) and the records it takes and gives; nothing
here knows SQL — ``store.sql.sqlstore.SqlStore`` implements it on SQLAlchemy.

A day is kept as its inputs as imported (``ImportInfo``: tables, policy, checksums, who and
when) and its plan versions (``VersionInfo`` / ``StoredVersion``). A version is immutable: a
new plan of the same day is the next version. Personal data is read back only to be written
masked (``load_plan(..., personal=True)`` for the plan-folder writer) or exported on request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from store.errors import STALE_FIX, StaleBaseError, problem

ARCHIVE_FORMAT = "charter-day/1"  # the day file of charter days export / import

if TYPE_CHECKING:
    from dispatch.outputs.plan_json import PlanDocument
    from dispatch.plan import Kpis, Plan, PlanMeta
    from dispatch.policy import Policy
    from store.location import StoreLocation
    from store.statistics.period import PeriodStats


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file of a day's inputs as imported: its name, SHA-256 and size in bytes."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a day's inputs came from: the folder or workbook as given and its files."""

    source: str
    files: tuple[SourceFile, ...] = ()


@dataclass(frozen=True, slots=True)
class EventFile:
    """One file of a re-plan's events as given: its name, SHA-256 of its bytes, and its
    content — UTF-8 text, or base64 of the bytes (``encoding`` ``base64``: a workbook)."""

    name: str
    sha256: str
    content: str
    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        if self.encoding not in ("utf-8", "base64"):
            raise ValueError(f"encoding {self.encoding!r} is not utf-8 or base64")


@dataclass(frozen=True, slots=True)
class ReplanRecord:
    """What a re-plan version was made of besides its parent version: the clock time, the
    events as given, and what changed against the parent (kept with the version's options).

    Parameters
    ----------
    at
        The clock time of the re-plan (local time of the planning day).
    base
        How the new version names its parent in ``meta.parent`` (``store version 2``, or
        ``plan.json sha256:…`` of a plan folder).
    events
        The events files as given. Default none (a re-plan without events).
    applied
        ``(kind, number)`` of the events applied (known by ``at``). Default none.
    pending
        Events not yet known at ``at``. Default 0.
    changes
        The diff's figures (``workers_changed``, ``trips_changed``, ``buses_changed``, …; as
        diff.json's ``summary``). Default none.
    diff
        diff.json as written in the re-plan's folder. Default "".
    """

    at: dt.datetime
    base: str
    events: tuple[EventFile, ...] = ()
    applied: tuple[tuple[str, int], ...] = ()
    pending: int = 0
    changes: tuple[tuple[str, int], ...] = ()
    diff: str = ""

    def changed(self, figure: str) -> int:
        """The diff's figure ``figure`` (0 when not kept)."""
        return dict(self.changes).get(figure, 0)

    def summary(self, parent: int | None) -> str:
        """One line: ``re-plan of version 1 at 12:00: 149 workers, 51 trips, 7 buses
        changed``."""
        of = f"version {parent}" if parent is not None else self.base
        changed = ", ".join(
            f"{self.changed(f'{what}_changed')} {what}" for what in ("workers", "trips", "buses")
        )
        return f"re-plan of {of} at {self.at.strftime('%H:%M')}: {changed} changed"


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How a plan was asked for: the command and its options as given (name, value as text).

    Parameters
    ----------
    command
        ``plan``, ``demo``, ``replan``, ``import`` (a restored version keeps its own), ….
    options
        ``(option, value)`` pairs, e.g. ``("--time-limit", "30")``. Default ().
    replan
        What a re-plan was made of (its clock time, events and diff). Default None.
    """

    command: str
    options: tuple[tuple[str, str], ...] = ()
    replan: ReplanRecord | None = None


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One plan version of a day: who made it when, from which inputs, and its key figures."""

    date: dt.date
    version: int
    parent_version: int | None
    created_at: dt.datetime
    created_by: str
    command: str
    import_checksum: str
    workers_registered: int
    workers_transported: int
    workers_excluded: int
    workers_unserved: int
    buses_used: int
    trips: int
    cost_cny: float
    subsidy_cny: float


@dataclass(frozen=True, slots=True)
class ImportInfo:
    """A day's inputs as imported: checksum of their content, who imported them when, from
    where, the rows per table, and the personal data held (rows, or when it was purged)."""

    checksum: str
    imported_at: dt.datetime
    imported_by: str
    provenance: Provenance
    tables: tuple[tuple[str, int], ...]
    workers: int
    personal_rows: int
    personal_purged_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class DayInfo:
    """A stored day: its versions and the latest one's figures."""

    date: dt.date
    versions: int
    latest: VersionInfo
    imports: int
    personal_rows: int


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A plan version with everything kept about it (but the personal data)."""

    info: VersionInfo
    inputs: ImportInfo
    options: RunOptions
    policy: Policy
    kpis: Kpis
    meta: PlanMeta
    document: PlanDocument


@dataclass(frozen=True, slots=True)
class StaleBase:
    """A version asked for as the base of a re-plan that is not the latest of its day: a
    re-plan from it would fork the day's history past what ``latest`` already changed."""

    base: VersionInfo
    latest: VersionInfo

    @property
    def message(self) -> str:
        """What is wrong, naming the latest version, who saved it and when (UTC)."""
        latest = self.latest
        saved = latest.created_at.strftime("%Y-%m-%d %H:%M")
        return (
            f"version {self.base.version} of {self.base.date.isoformat()} is not the latest: "
            f"version {latest.version} ({latest.command}) was saved by {latest.created_by} "
            f"at {saved} UTC"
        )

    def error(self, saved_at: str) -> StaleBaseError:
        """The error refusing a re-plan from ``base``: it names the latest version, who saved
        it and when (``saved_at``, as the caller shows times), and gives the fix."""
        latest = self.latest
        return StaleBaseError(
            problem(
                f"day {self.base.date.isoformat()} version",
                str(self.base.version),
                f"is not the latest version: version {latest.version} ({latest.command}) was "
                f"saved by {latest.created_by} at {saved_at}",
                STALE_FIX,
            )
        )


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What ``purge`` removed: personal rows (and their days' imports touched), and whole days
    when asked."""

    before: dt.date
    personal_rows: int
    imports: int
    days_removed: tuple[dt.date, ...]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What ``import_day`` added from an archive, and what it already held."""

    date: dt.date
    added: tuple[int, ...]
    present: tuple[int, ...]
    personal_rows: int


@dataclass(frozen=True, slots=True)
class ScenarioEntry:
    """One scenario (or baseline) of a run, as the store keeps it.

    Parameters
    ----------
    name, base, baseline, description
        The scenario as the runner names it.
    day
        Planning date of its plan (None when it failed before planning).
    spec
        The scenario file as given (YAML text), None for a baseline.
    value
        The swept value (sweeps only).
    failure, error
        Kind and message of a failure (None when planned).
    kpis
        The plan's KPIs (None when it failed).
    document
        The plan.json text (None when it failed).
    """

    name: str
    base: str
    baseline: bool
    description: str
    day: dt.date | None
    spec: str | None
    value: float | None
    failure: str | None
    error: str | None
    kpis: Kpis | None
    document: str | None


@dataclass(frozen=True, slots=True)
class StoredScenario:
    """A stored scenario result: its run, when and by whom, and the entry."""

    run_id: int
    created_at: dt.datetime
    created_by: str
    entry: ScenarioEntry


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what, when, to which day and version."""

    at: dt.datetime
    user: str
    action: str
    day: dt.date | None
    version: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class PersonalRow:
    """Personal data of one worker (``name``, ``id_number``, ``phone``) or one employer's
    escort (``contact``), as given in the input; a row exists only where the input had some."""

    subject: str
    subject_id: str
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class ArchivedImport:
    """A day's inputs as imported (``personal`` None: not exported)."""

    checksum: str
    imported_at: dt.datetime
    imported_by: str
    source: str
    source_files: tuple[SourceFile, ...]
    policy: str
    tables: Mapping[str, str]
    table_checksums: Mapping[str, str]
    personal: tuple[PersonalRow, ...] | None
    personal_purged_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ArchivedVersion:
    """A plan version with its texts (plan.json document and exact record) and checksums."""

    version: int
    parent_version: int | None
    import_checksum: str
    created_at: dt.datetime
    created_by: str
    options: str
    policy: str
    kpis: str
    meta: str
    document: str
    document_checksum: str
    record: str
    record_checksum: str


@dataclass(frozen=True, slots=True)
class DayArchive:
    """The whole of a day file."""

    format: str
    date: dt.date
    exported_at: dt.datetime
    exported_by: str
    personal_data: bool
    created_at: dt.datetime
    created_by: str
    imports: tuple[ArchivedImport, ...]
    versions: tuple[ArchivedVersion, ...]
    audit: tuple[AuditEntry, ...] = ()

    def __post_init__(self) -> None:
        if self.format != ARCHIVE_FORMAT:
            raise ValueError(f"format {self.format!r} is not {ARCHIVE_FORMAT}")


@dataclass(frozen=True, slots=True)
class UserAccount:
    """An account of the duty desk: its name, role (``admin``, ``officer``, ``viewer``), the
    password hash (the desk hashes; the store only keeps it), and whether it is disabled."""

    name: str
    role: str
    password_hash: str
    disabled: bool
    created_at: dt.datetime
    created_by: str
    password_changed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DeskSession:
    """A signed-in session of the desk: whose, its CSRF token, and when it expires (UTC)."""

    user: UserAccount
    csrf: str
    created_at: dt.datetime
    expires_at: dt.datetime


class DayRepository(Protocol):
    """Every way the application reads and writes the store; each write is one transaction."""

    @property
    def location(self) -> StoreLocation:
        """Where the store is."""
        ...

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
        """Save the plan's day inputs (unless already held) and the plan as its next version;
        with ``latest_parent`` the ``parent`` must still be the day's latest version when the
        version is written (``StaleBaseError`` otherwise)."""
        ...

    def latest_version(self, date: dt.date) -> VersionInfo:
        """The latest version of ``date`` (``NotFoundError`` for an unknown day)."""
        ...

    def stale_base(self, date: dt.date, number: int) -> StaleBase | None:
        """None if version ``number`` is the latest of ``date``; else what is newer
        (``NotFoundError`` for an unknown day or version)."""
        ...

    def version_of_document(self, date: dt.date, sha256: str) -> VersionInfo | None:
        """The (latest) version of ``date`` whose plan.json has SHA-256 ``sha256``; None if
        none has (or the day is not stored)."""
        ...

    def days(self) -> tuple[DayInfo, ...]:
        """Every stored day, oldest first."""
        ...

    def versions(self, date: dt.date) -> tuple[VersionInfo, ...]:
        """The versions of ``date``, oldest first (``NotFoundError`` for an unknown day)."""
        ...

    def version(self, date: dt.date, number: int | None = None) -> StoredVersion:
        """Version ``number`` of ``date`` (None: the latest)."""
        ...

    def load_plan(self, date: dt.date, number: int | None = None, *, personal: bool) -> Plan:
        """The ``Plan`` of a version on its day rebuilt from the stored inputs; with
        ``personal`` the day carries the stored personal data (for writers that mask it), and
        the reading is written to the audit log."""
        ...

    def stats(
        self,
        start: dt.date,
        end: dt.date,
        *,
        rate: float | None = None,
        min_workers: int | None = None,
    ) -> PeriodStats:
        """Figures of the latest version of each day from ``start`` to ``end`` (included); the
        subsidy rule is the latest day's policy unless ``rate``/``min_workers`` are given."""
        ...

    def export_day(self, date: dt.date, *, personal: bool) -> DayArchive:
        """The day with every import and version, for a backup (personal data if asked)."""
        ...

    def import_day(self, archive: DayArchive) -> ImportReport:
        """Restore an archived day: versions already held are skipped, the others added."""
        ...

    def purge(self, before: dt.date, *, everything: bool = False) -> PurgeReport:
        """Remove the personal data of days before ``before`` (with ``everything``, the days)."""
        ...

    def save_scenarios(self, entries: Sequence[ScenarioEntry], *, options: RunOptions) -> int:
        """Save one scenario run's results; return the run's id."""
        ...

    def scenarios(self, date: dt.date) -> tuple[StoredScenario, ...]:
        """Scenario results planned on ``date``, oldest run first."""
        ...

    def audit(self, *, date: dt.date | None = None, limit: int = 100) -> tuple[AuditEntry, ...]:
        """The latest audit entries (of one day), newest first."""
        ...

    def acting_as(self, user: str) -> DayRepository:
        """The same store (same connections) writing ``user`` as author and in the audit log."""
        ...

    def record(
        self,
        action: str,
        *,
        day: dt.date | None = None,
        version: int | None = None,
        **detail: str | int | bool | None,
    ) -> None:
        """Add a line to the audit log (``detail`` must not hold personal data)."""
        ...

    def add_user(self, name: str, *, role: str, password_hash: str) -> UserAccount:
        """Add an account (``StoreError`` if the name is taken)."""
        ...

    def users(self) -> tuple[UserAccount, ...]:
        """Every account, by name."""
        ...

    def account(self, name: str) -> UserAccount | None:
        """The account ``name`` (None: no such account)."""
        ...

    def set_password(self, name: str, password_hash: str) -> None:
        """Replace an account's password hash and end its sessions."""
        ...

    def set_disabled(self, name: str, disabled: bool) -> None:
        """Disable (ending its sessions) or enable an account."""
        ...

    def open_session(
        self, name: str, *, token_hash: str, csrf: str, expires_at: dt.datetime
    ) -> None:
        """Keep a new session of account ``name`` (the desk keeps only the token's hash)."""
        ...

    def session(self, token_hash: str, *, now: dt.datetime) -> DeskSession | None:
        """The live session with this token hash (None: unknown, expired, or its account is
        disabled)."""
        ...

    def close_session(self, token_hash: str) -> None:
        """End a session (signing out)."""
        ...

    def close(self) -> None:
        """Release the connection pool."""
        ...
