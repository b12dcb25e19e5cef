"""Tests of store.sql.migrate on SQLite and PostgreSQL: the migrations build exactly the schema of
store.sql.schema; a store of the first schema, with a plan in it, is migrated on open and keeps
the plan; a store from a newer version, or a database that is not a store, is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from store.errors import StoreError
from store.location import parse_location
from store.prepare import prepare_version
from store.sql import writes
from store.sql.engine import make_engine, write_transaction
from store.sql.migrate import known_revisions, upgrade
from store.sql.schema import SCHEMA_REVISION, metadata
from tests.store_cases import DATE, OPTIONS, hand_plan_on, opened, small_provenance

FIRST = "0001"


def test_the_schema_revision_is_the_newest_migration() -> None:
    assert known_revisions()[0] == FIRST
    assert known_revisions()[-1] == SCHEMA_REVISION


def test_the_migrations_build_the_schema_of_store_schema(db: str) -> None:
    opened(db).close()
    engine = make_engine(parse_location(db))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def _first_schema_with_a_plan(db: str) -> None:
    """A store as the first release left it: schema 0001 and one saved plan."""
    location = parse_location(db)
    engine = make_engine(location)
    prepared = prepare_version(hand_plan_on(), OPTIONS)
    with write_transaction(engine) as connection:
        upgrade(connection, FIRST)
        now = writes.now_utc()
        day = writes.locked_day(connection, DATE, "old-release", now)
        inputs, _ = writes.import_row(
            connection, day, prepared.tables, small_provenance(), user="old-release", at=now
        )
        writes.insert_version(
            connection,
            prepared,
            day_id=day,
            import_id=inputs,
            number=1,
            parent=None,
            user="old-release",
            at=now,
        )
    engine.dispose()


def test_a_store_of_the_first_schema_is_migrated_on_open_and_keeps_its_plans(db: str) -> None:
    _first_schema_with_a_plan(db)
    store = opened(db)
    assert (store.migration.before, store.migration.after) == (FIRST, SCHEMA_REVISION)
    assert [(v.version, v.created_by) for v in store.versions(DATE)] == [(1, "old-release")]
    assert store.load_plan(DATE, personal=True) == hand_plan_on()
    assert store.save_scenarios([], options=OPTIONS) > 0  # a table of revision 0002
    assert (
        store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS).version == 2
    )
    store.close()
    assert not opened(db).migration.changed  # the next open finds it current


def test_a_store_from_a_newer_version_is_refused(db: str) -> None:
    opened(db).close()
    engine = make_engine(parse_location(db))
    with write_transaction(engine) as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"'0099' has a schema revision from a newer charter"):
        opened(db)


def test_a_database_that_is_not_a_store_is_refused(db: str) -> None:
    engine = make_engine(parse_location(db))
    with write_transaction(engine) as connection:
        connection.execute(sa.text("CREATE TABLE shifts (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(
        StoreError, match=r"is a database but not a charter store \(it holds the tables shifts\)"
    ):
        opened(db)
