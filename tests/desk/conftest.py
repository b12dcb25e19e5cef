"""Fixtures of the desk tests: a seeded store (SQLite, and PostgreSQL when there is one) and a
client of the desk on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.desk_cases import desk_client, seed_store
from tests.store_cases import BACKENDS, store_database


@pytest.fixture(params=BACKENDS)
def seeded_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store with plan_small's plan (2020-02-24 v1) and the accounts root (admin), li
    (officer) and wang (viewer)."""
    with store_database(request.param, tmp_path) as url:
        seed_store(url)
        yield url


@pytest.fixture
def client(seeded_db: str, tmp_path: Path) -> Iterator[TestClient]:
    """The desk on ``seeded_db``, not signed in (3 failed sign-ins a minute allowed)."""
    with desk_client(seeded_db, tmp_path / "desk") as desk:
        yield desk
