"""Bringing a store to this version's schema on open: an empty database gets every table, an
older one is migrated up (Alembic, in one transaction under the write lock), one from a newer
version of charter-dispatch — or a database that is not a charter store — is refused.

The current revision is read from ``alembic_version`` directly, so a store already at
``SCHEMA_REVISION`` opens without loading Alembic at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources

import sqlalchemy as sa

from store.errors import StoreError, problem
from store.location import Backend, StoreLocation
from store.sql.engine import write_transaction
from store.sql.schema import SCHEMA_REVISION

logger = logging.getLogger(__name__)

VERSION_TABLE = "alembic_version"
MIGRATION_LOCK = 0x63686172  # PostgreSQL advisory lock key ("char") held while migrating


@dataclass(frozen=True, slots=True)
class Migration:
    """What opening did to the schema: the revision found (None: a new store) and now."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        """Whether the schema was created or migrated."""
        return self.before != self.after


def _current(connection: sa.Connection) -> tuple[str | None, list[str]]:
    """The stored revision (None without ``alembic_version``) and the tables present."""
    tables = sa.inspect(connection).get_table_names()
    if VERSION_TABLE not in tables:
        return None, tables
    revisions = [
        row[0] for row in connection.execute(sa.text("SELECT version_num FROM alembic_version"))
    ]
    return (revisions[0] if len(revisions) == 1 else ",".join(sorted(revisions))), tables


def _alembic_config(connection: sa.Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> tuple[str, ...]:
    """Every revision of the shipped migrations, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(resources.files("store") / "migrations"))
    script = ScriptDirectory.from_config(config)
    return tuple(reversed([r.revision for r in script.walk_revisions()]))


def upgrade(connection: sa.Connection, target: str = "head") -> None:
    """Run the migrations up to ``target`` in ``connection``'s transaction."""
    from alembic import command
    from alembic.config import Config

    config = _alembic_config(connection)
    assert isinstance(config, Config)
    command.upgrade(config, target)


def _refuse_newer(location: StoreLocation, found: str) -> StoreError:
    return StoreError(
        problem(
            location.shown,
            found,
            "has a schema revision from a newer charter-dispatch (this one knows up to "
            f"{SCHEMA_REVISION})",
            "upgrade charter-dispatch (pip install -U charter-dispatch), or give another --db",
        )
    )


def _refuse_foreign(location: StoreLocation, tables: list[str]) -> StoreError:
    shown = ", ".join(sorted(tables)[:8])
    return StoreError(
        problem(
            location.shown,
            None,
            f"is a database but not a charter store (it holds the tables {shown})",
            "give a new file or an empty database with --db",
        )
    )


def ensure_schema(engine: sa.Engine, location: StoreLocation) -> Migration:
    """Create or migrate the store's schema to ``SCHEMA_REVISION`` (the caller translates
    database errors).

    Raises
    ------
    StoreError
        If the store is from a newer version, or a database that is not a charter store.
    """
    with engine.connect() as probe, probe.begin():
        found, tables = _current(probe)
    if found == SCHEMA_REVISION:
        return Migration(found, found)
    if found is not None and found not in known_revisions():
        raise _refuse_newer(location, found)
    with write_transaction(engine) as connection:
        if location.backend is Backend.POSTGRESQL:
            connection.execute(sa.text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        found, tables = _current(connection)  # again, under the lock: another may have done it
        if found == SCHEMA_REVISION:
            return Migration(found, found)
        if found is None and tables:
            raise _refuse_foreign(location, tables)
        if found is not None and found not in known_revisions():
            raise _refuse_newer(location, found)
        upgrade(connection)
        after, _ = _current(connection)
    logger.info("store %s: schema %s -> %s", location.shown, found or "(new)", after)
    return Migration(found, after or SCHEMA_REVISION)
