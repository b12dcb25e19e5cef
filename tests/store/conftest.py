"""Fixtures of the store tests: a new store of each back end, and a planned day."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatch.intake.reader import read_day
from dispatch.plan import Plan
from dispatch.planner import plan_day
from tests.paths import DATA
from tests.store_cases import BACKENDS, store_database


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty store as a ``--db`` value: a SQLite file, and a schema of the PostgreSQL
    test server (skipped without one, unless CHARTER_REQUIRE_POSTGRES=1)."""
    with store_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def supply_plan() -> Plan:
    """tests/data/days/supply_small planned (buses, trucks, personal data, an escort contact)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return plan_day(read_day(DATA / "days" / "supply_small"))
