"""Tests of desk.accounts: Argon2 hashes, password and name rules, the roles' rights."""

from __future__ import annotations

import pytest

from desk.accounts import Role, check_name, hash_password, verify_password
from stations.errors import InputError


def test_a_hash_verifies_its_password_only() -> None:
    hashed = hash_password("a-long-password")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a-long-password")
    assert not verify_password(hashed, "another-password")
    assert not verify_password(None, "a-long-password")
    assert not verify_password("not a hash", "a-long-password")


def test_a_short_password_is_refused() -> None:
    with pytest.raises(InputError, match="at least 10 characters"):
        hash_password("short")


@pytest.mark.parametrize("name", ["a", "li wang", "<script>", "x" * 65])
def test_a_bad_account_name_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="is not a valid account name"):
        check_name(name)


def test_the_roles_rights() -> None:
    assert [r.can_plan for r in Role] == [True, True, False]
    assert [r.can_download_manifests for r in Role] == [True, True, False]
