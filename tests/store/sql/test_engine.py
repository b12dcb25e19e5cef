"""Tests of store.sql.engine: a store that does not answer, cannot be written or is damaged gives a
``StoreError`` naming it and the fix (never a database traceback)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from store.errors import StoreError
from store.location import parse_location
from store.sql.engine import make_engine, write_transaction
from tests.store_cases import DATE, OPTIONS, hand_plan_on, opened, small_provenance


def test_a_server_that_does_not_answer_is_named_with_the_fix() -> None:
    url = "postgresql+psycopg://desk:s3cret@127.0.0.1:1/charter?connect_timeout=2"
    with pytest.raises(
        StoreError, match=r"desk:\*\*\*@127\.0\.0\.1:1/charter\S* does not answer"
    ) as raised:
        opened(url)
    message = str(raised.value)
    assert "start the database server" in message
    assert "s3cret" not in message


def test_a_read_only_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    db = tmp_path / "charter.db"
    opened(str(db)).close()
    db.chmod(stat.S_IRUSR | stat.S_IRGRP)
    with pytest.raises(
        StoreError, match=r"charter\.db is read-only — fix: make it writable \(chmod u\+w"
    ):
        opened(str(db))


def test_a_store_opened_read_only_says_it_cannot_be_written(tmp_path: Path) -> None:
    db = tmp_path / "charter.db"
    opened(str(db)).close()
    store = opened(f"sqlite:///file:{db}?mode=ro&uri=true")
    with pytest.raises(StoreError, match=r"cannot be written .*readonly database"):
        store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS)
    assert store.days() == ()  # reading still works
    store.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_file_is_named_with_the_fix(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "charter.db"
    if damage == "garbage":
        db.write_bytes(b"these are not the pages of a database\n" * 200)
    else:
        store = opened(str(db))
        store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS)
        store.close()
        data = db.read_bytes()
        db.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))
    with pytest.raises(
        StoreError, match=r"is not a readable charter store .*restore it from a backup"
    ):
        store = opened(str(db))
        store.versions(DATE)


def test_a_path_in_a_missing_folder_or_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"the folder .*missing does not exist"):
        opened(str(tmp_path / "missing" / "charter.db"))
    with pytest.raises(StoreError, match="is a folder"):
        opened(str(tmp_path))


def test_a_document_that_does_not_match_its_checksum_is_damaged(tmp_path: Path) -> None:
    db = tmp_path / "charter.db"
    store = opened(str(db))
    store.save_plan(hand_plan_on(), provenance=small_provenance(), options=OPTIONS)
    store.close()
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE plan_versions SET document_checksum = ?", ("0" * 64,))
    store = opened(str(db))
    with pytest.raises(
        StoreError, match=r"plan\.json of 2020-02-24 version 1 is damaged in the store"
    ):
        store.version(DATE)
    store.close()


def test_a_write_transaction_is_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "charter.db"
    opened(str(db)).close()
    engine = make_engine(parse_location(str(db)))
    with (
        pytest.raises(RuntimeError, match="stop half-way"),
        write_transaction(engine) as connection,
    ):
        connection.execute(
            sa.text(
                "INSERT INTO audit_log (at, user_name, action, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'x', 'y', '{}')"
            )
        )
        raise RuntimeError("stop half-way")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 0
    engine.dispose()
