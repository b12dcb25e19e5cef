"""Accounts of the desk: the three roles, Argon2 password hashes, and the rules a name and a
password must meet."""

from __future__ import annotations

import re
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from stations.errors import InputError, InputProblem

MIN_PASSWORD = 10  # characters
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{2,64}")

_HASHER = PasswordHasher()  # argon2id with argon2-cffi's defaults (RFC 9106 low-memory)
# Verified against when an account does not exist, so that a wrong name costs as much time as
# a wrong password (no account enumeration by timing).
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class Role(StrEnum):
    """What an account may do: ``admin`` everything, ``officer`` upload, plan and re-plan,
    ``viewer`` read only (personal data masked, no manifests, no changes)."""

    ADMIN = "admin"
    OFFICER = "officer"
    VIEWER = "viewer"

    @property
    def can_plan(self) -> bool:
        """Whether the role may upload, plan and re-plan."""
        return self in (Role.ADMIN, Role.OFFICER)

    @property
    def can_download_manifests(self) -> bool:
        """Whether the role may download files holding manifests (plan.xlsx, the CSV files)."""
        return self in (Role.ADMIN, Role.OFFICER)


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (``InputError`` if it is too short)."""
    check_password(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (None: no such account; the same work is
    done either way)."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    """Refuse a password shorter than ``MIN_PASSWORD`` characters."""
    if len(password) < MIN_PASSWORD:
        raise InputError(
            InputProblem(
                "password",
                None,
                None,
                None,
                f"is {len(password)} characters long",
                f"choose one of at least {MIN_PASSWORD} characters",
            )
        )


def check_name(name: str) -> None:
    """Refuse an account name other than 2-64 letters, digits, ``_``, ``.`` or ``-``."""
    if not NAME_PATTERN.fullmatch(name):
        raise InputError(
            InputProblem(
                "users",
                None,
                "name",
                name,
                "is not a valid account name",
                "use 2 to 64 letters, digits, '_', '.' or '-'",
            )
        )
