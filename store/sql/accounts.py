"""The desk's accounts and sign-in sessions in the store, inside a transaction the caller holds:
add, read, change and disable accounts; open, read and close sessions. Passwords arrive hashed
(the desk hashes them with Argon2); sessions are kept by the SHA-256 of their token."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from store.errors import NotFoundError, StoreError, problem
from store.repository import DeskSession, UserAccount
from store.sql import schema as t

U = t.users
S = t.desk_sessions


def _account(row: sa.Row[tuple[object, ...]]) -> UserAccount:
    return UserAccount(
        name=str(row.name),
        role=str(row.role),
        password_hash=str(row.password_hash),
        disabled=bool(row.disabled),
        created_at=row.created_at,
        created_by=str(row.created_by),
        password_changed_at=row.password_changed_at,
    )


def add_user(
    connection: sa.Connection,
    name: str,
    *,
    role: str,
    password_hash: str,
    by: str,
    at: dt.datetime,
) -> UserAccount:
    """Insert account ``name``; ``StoreError`` when the name is taken."""
    if connection.execute(sa.select(U.c.id).where(U.c.name == name)).scalar() is not None:
        raise StoreError(problem("users", name, "is already an account", "choose another name"))
    connection.execute(
        sa.insert(U).values(
            name=name,
            role=role,
            password_hash=password_hash,
            disabled=False,
            created_at=at,
            created_by=by,
            password_changed_at=at,
        )
    )
    found = user(connection, name)
    assert found is not None
    return found


def users(connection: sa.Connection) -> tuple[UserAccount, ...]:
    """Every account, by name."""
    return tuple(_account(r) for r in connection.execute(sa.select(U).order_by(U.c.name)))


def user(connection: sa.Connection, name: str) -> UserAccount | None:
    """Account ``name``, or None."""
    row = connection.execute(sa.select(U).where(U.c.name == name)).first()
    return None if row is None else _account(row)


def _user_id(connection: sa.Connection, name: str) -> int:
    found = connection.execute(sa.select(U.c.id).where(U.c.name == name)).scalar()
    if found is None:
        raise NotFoundError(
            problem("users", name, "is not an account", "see the accounts with charter users list")
        )
    return int(found)


def update_user(
    connection: sa.Connection,
    name: str,
    *,
    at: dt.datetime,
    password_hash: str | None = None,
    disabled: bool | None = None,
) -> None:
    """Change an account's password hash or disabled flag; either ends its sessions."""
    user_id = _user_id(connection, name)
    values: dict[str, object] = {}
    if password_hash is not None:
        values |= {"password_hash": password_hash, "password_changed_at": at}
    if disabled is not None:
        values["disabled"] = disabled
    connection.execute(sa.update(U).where(U.c.id == user_id).values(**values))
    connection.execute(sa.delete(S).where(S.c.user_id == user_id))


def open_session(
    connection: sa.Connection,
    name: str,
    *,
    token_hash: str,
    csrf: str,
    at: dt.datetime,
    expires_at: dt.datetime,
) -> None:
    """Keep a session of ``name``; expired sessions of every account are dropped on the way."""
    user_id = _user_id(connection, name)
    connection.execute(sa.delete(S).where(S.c.expires_at <= at))
    connection.execute(
        sa.insert(S).values(
            token_hash=token_hash,
            user_id=user_id,
            csrf=csrf,
            created_at=at,
            expires_at=expires_at,
        )
    )


def session(connection: sa.Connection, token_hash: str, *, now: dt.datetime) -> DeskSession | None:
    """The live session of ``token_hash`` with an enabled account, or None."""
    row = connection.execute(
        sa.select(U, S.c.csrf, S.c.created_at.label("opened_at"), S.c.expires_at)
        .join(S, S.c.user_id == U.c.id)
        .where(S.c.token_hash == token_hash, S.c.expires_at > now, U.c.disabled.is_(False))
    ).first()
    if row is None:
        return None
    return DeskSession(_account(row), str(row.csrf), row.opened_at, row.expires_at)


def close_session(connection: sa.Connection, token_hash: str) -> None:
    """Drop one session."""
    connection.execute(sa.delete(S).where(S.c.token_hash == token_hash))
