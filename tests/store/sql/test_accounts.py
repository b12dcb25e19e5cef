"""The desk's accounts and sessions in the store (store.sql.accounts through SqlStore)."""

from __future__ import annotations

import datetime as dt

import pytest

from store.errors import NotFoundError, StoreError
from tests.store_cases import opened

SOON = dt.datetime(2100, 1, 1)
PAST = dt.datetime(2000, 1, 1)
NOW = dt.datetime(2026, 12, 4, 12, 0)


def test_an_account_is_added_read_and_audited(db: str) -> None:
    store = opened(db, "root")
    try:
        added = store.add_user("li", role="officer", password_hash="$argon2id$x")
        assert (added.name, added.role, added.disabled, added.created_by) == (
            "li",
            "officer",
            False,
            "root",
        )
        assert store.account("li") == added
        assert store.account("nobody") is None
        assert [u.name for u in store.users()] == ["li"]
        assert store.audit(limit=1)[0].action == "add_user"
        with pytest.raises(StoreError, match=r"li.*is already an account"):
            store.add_user("li", role="viewer", password_hash="h")
    finally:
        store.close()


def test_a_session_lives_until_it_expires_is_closed_or_its_account_changes(db: str) -> None:
    store = opened(db)
    try:
        store.add_user("li", role="officer", password_hash="h1")
        store.open_session("li", token_hash="a" * 64, csrf="c" * 64, expires_at=SOON)
        found = store.session("a" * 64, now=NOW)
        assert found is not None
        assert (found.user.name, found.csrf) == ("li", "c" * 64)
        assert store.session("a" * 64, now=SOON) is None  # expired by then
        store.close_session("a" * 64)
        assert store.session("a" * 64, now=NOW) is None
        store.open_session("li", token_hash="b" * 64, csrf="c" * 64, expires_at=SOON)
        store.set_password("li", "h2")
        assert store.session("b" * 64, now=NOW) is None  # a new password ends sessions
        assert store.account("li").password_hash == "h2"  # type: ignore[union-attr]
        store.open_session("li", token_hash="d" * 64, csrf="c" * 64, expires_at=SOON)
        store.set_disabled("li", True)
        assert store.session("d" * 64, now=NOW) is None
        assert store.account("li").disabled  # type: ignore[union-attr]
        actions = [e.action for e in store.audit(limit=3)]
        assert actions == ["disable_user", "set_password", "add_user"]
    finally:
        store.close()


def test_sessions_of_an_unknown_account_are_refused(db: str) -> None:
    store = opened(db)
    try:
        with pytest.raises(NotFoundError, match=r"ghost.*is not an account"):
            store.open_session("ghost", token_hash="a" * 64, csrf="c", expires_at=SOON)
        with pytest.raises(NotFoundError, match=r"ghost.*is not an account"):
            store.set_disabled("ghost", True)
    finally:
        store.close()


def test_acting_as_writes_the_other_user_in_the_audit_log(db: str) -> None:
    store = opened(db, "server")
    try:
        store.acting_as("li").record("view_plan", day=dt.date(2020, 2, 24), version=1)
        entry = store.audit(limit=1)[0]
        assert (entry.user, entry.action, entry.version) == ("li", "view_plan", 1)
    finally:
        store.close()
