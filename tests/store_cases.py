"""Stores and plans for the store tests: a database of each back end (a SQLite file; a fresh
schema of the PostgreSQL server named by ``CHARTER_TEST_PG_URL``), the hand-made plan of
plan_small on any date, and how to open a store in a test."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.store import on_date
from dispatch.plan import Plan
from store.location import parse_location
from store.provenance import provenance_of
from store.repository import Provenance, RunOptions
from store.sql.sqlstore import SqlStore, open_store
from tests.plan_cases import PLAN_SMALL, hand_plan

PG_URL = "CHARTER_TEST_PG_URL"
REQUIRE_PG = "CHARTER_REQUIRE_POSTGRES"
DATE = dt.date(2020, 2, 24)  # plan_small's day
OPTIONS = RunOptions("plan", (("--seed", "1"),))
BACKENDS = ("sqlite", pytest.param("postgres", marks=pytest.mark.postgres))


def postgres_base() -> str:
    """The test server's URL; skip without one (fail when CHARTER_REQUIRE_POSTGRES=1)."""
    url = os.environ.get(PG_URL, "").strip()
    if url:
        return url
    if os.environ.get(REQUIRE_PG) == "1":
        pytest.fail(f"{REQUIRE_PG}=1 but {PG_URL} is not set (.ci/postgres start)")
    pytest.skip(f'no PostgreSQL server: set {PG_URL} (eval "$(.ci/postgres start)")')


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL of the test server whose ``search_path`` is a new, empty schema (dropped after)."""
    base = postgres_base()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    engine = sa.create_engine(parse_location(base).url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    joiner = "&" if "?" in base else "?"
    try:
        yield f"{base}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@contextmanager
def store_database(backend: str, folder: Path) -> Iterator[str]:
    """A new, empty store of ``backend`` (``sqlite``: a file in ``folder``) as a ``--db``."""
    if backend == "sqlite":
        yield str(folder / "charter.db")
        return
    with postgres_schema() as url:
        yield url


def opened(db: str, user: str = "tester") -> SqlStore:
    """The store at ``db`` (a path or URL), opened as ``user``."""
    return open_store(parse_location(db), user=user)


@cache
def _hand_plan() -> Plan:
    return hand_plan()


def hand_plan_on(date: dt.date = DATE) -> Plan:
    """The hand-made plan of plan_small (tests.plan_cases.hand_plan) moved to ``date``: E1's
    five workers for 560 CNY and E2's two for 328 CNY; three excluded, one unserved."""
    plan = _hand_plan()
    return plan if date == DATE else on_date(plan, date, since=DATE)


def small_provenance() -> Provenance:
    """plan_small's folder and files."""
    return provenance_of(PLAN_SMALL)
