"""Tests of store.location: paths and URLs, their precedence, and passwords never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import StoreError
from store.location import Backend, configured, default_path, parse_location, resolve_location


def test_a_path_is_a_sqlite_file(tmp_path: Path) -> None:
    location = parse_location(str(tmp_path / "desk.db"))
    assert location.backend is Backend.SQLITE
    assert location.path == tmp_path / "desk.db"
    assert location.url == f"sqlite:///{tmp_path / 'desk.db'}"
    assert parse_location(f"sqlite:///{tmp_path}/desk.db").path == tmp_path / "desk.db"


@pytest.mark.parametrize(
    ("given", "url"),
    [
        (
            "postgresql+psycopg://desk:s3cret@10.0.0.5:5432/charter",
            "postgresql+psycopg://desk:s3cret@10.0.0.5:5432/charter",
        ),
        ("postgresql://desk@db/charter", "postgresql+psycopg://desk@db/charter"),
        ("postgres://desk@db/charter", "postgresql+psycopg://desk@db/charter"),
        (
            "postgresql://desk@/charter?host=/run/postgresql",
            "postgresql+psycopg://desk@/charter?host=/run/postgresql",
        ),
    ],
)
def test_postgresql_urls_go_through_psycopg(given: str, url: str) -> None:
    location = parse_location(given)
    assert (location.backend, location.url, location.path) == (Backend.POSTGRESQL, url, None)
    assert "s3cret" not in location.shown and "s3cret" not in str(location)


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ("", "is empty"),
        ("mysql://desk@db/charter", "is a mysql URL, not one the store uses"),
        ("postgresql+psycopg://desk:pw@db", "names no host or no database"),
        ("sqlite://relative.db", "has no path"),
        ("sqlite:///:memory:", "is not a file"),
    ],
)
def test_a_url_the_store_cannot_use_is_refused(given: str, match: str) -> None:
    with pytest.raises(StoreError, match=match) as raised:
        parse_location(given)
    assert "pw@" not in str(raised.value)


def test_db_beats_charter_db_beats_the_default(tmp_path: Path) -> None:
    env = {"CHARTER_DB": str(tmp_path / "env.db")}
    assert resolve_location(str(tmp_path / "flag.db"), environ=env).path == tmp_path / "flag.db"
    assert resolve_location(None, environ=env).origin == "CHARTER_DB"
    assert resolve_location(None, environ=env).path == tmp_path / "env.db"
    default = resolve_location(None, environ={"CHARTER_DB": "  "})
    assert (default.origin, default.path) == ("default", default_path())
    assert default_path().name == "charter.db"
    assert configured(None, environ=env) and configured("x.db", environ={})
    assert not configured(None, environ={})
