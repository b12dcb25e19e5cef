"""Connecting to the store: the SQLAlchemy engine for a location, write transactions that take
the write lock at once, and database errors turned into messages that name the store and the
fix (``StoreError``, exit code 2).

SQLite: pysqlite's own transaction handling is switched off and every transaction begins
explicitly, a write one with ``BEGIN IMMEDIATE`` (the file's write lock at the start, so two
writers queue instead of failing half-way), waiting up to ``BUSY_TIMEOUT_S`` for another
writer; foreign keys are enforced; deleted rows are overwritten (``secure_delete``).
PostgreSQL: a connection that does not answer within ``CONNECT_TIMEOUT_S`` is reported as
such.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc

from store.errors import StoreError, problem
from store.location import Backend, StoreLocation

BUSY_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 5
WRITE_OPTION = "charter_write"  # execution option of a connection that writes

CORRUPT_SIGNS = ("file is not a database", "malformed", "file is encrypted", "not a database")
ANSWER_SIGNS = (
    "connection refused",
    "could not connect",
    "could not translate host name",
    "timeout expired",
    "no route to host",
    "name or service not known",
    "connection timed out",
    "server closed the connection",
    "network is unreachable",
    "connection to server",
)


def _sqlite_problems(location: StoreLocation) -> None:
    """Refuse a SQLite file the store could not write, before SQLite says it less clearly."""
    path = location.path
    if path is None:
        return
    shown = str(path)
    if path.is_dir():
        raise StoreError(problem(shown, None, "is a folder", "give a file, e.g. charter.db in it"))
    folder = path.parent
    if not folder.exists():
        if location.origin != "default":
            raise StoreError(
                problem(
                    shown,
                    None,
                    f"cannot be created: the folder {folder} does not exist",
                    "create the folder or give another --db",
                )
            )
        folder.mkdir(parents=True, exist_ok=True)
    if path.exists():
        mode = path.stat().st_mode
        if not mode & stat.S_IWUSR or not os.access(path, os.W_OK):
            raise StoreError(
                problem(
                    shown,
                    None,
                    "is read-only",
                    f"make it writable (chmod u+w {shown}) or copy it and give the copy with --db",
                )
            )
    if not os.access(folder, os.W_OK):
        raise StoreError(
            problem(
                shown,
                None,
                f"cannot be written: its folder {folder} is read-only (SQLite keeps a journal "
                "beside the file)",
                "make the folder writable or move the file to a writable folder",
            )
        )


def _on_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we begin every transaction ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")  # purged personal data is overwritten
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(location: StoreLocation) -> sa.Engine:
    """The engine of ``location`` (nothing is connected yet)."""
    if location.backend is Backend.SQLITE:
        _sqlite_problems(location)
        engine = sa.create_engine(
            location.url,
            connect_args={"timeout": BUSY_TIMEOUT_S},
            poolclass=sa.pool.NullPool,
        )
        _on_sqlite(engine)
        return engine
    query = location.url.partition("?")[2]
    args: dict[str, object] = {}
    if "connect_timeout=" not in query:
        args["connect_timeout"] = CONNECT_TIMEOUT_S
    return sa.create_engine(location.url, connect_args=args, poolclass=sa.pool.NullPool)


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


def store_error(location: StoreLocation, error: exc.DBAPIError) -> StoreError:
    """The ``StoreError`` for a database error: what it means and what to do."""
    said = _first_line(error)
    low = said.lower()
    shown = location.shown
    if any(sign in low for sign in CORRUPT_SIGNS):
        return StoreError(
            problem(
                shown,
                None,
                f"is not a readable charter store ({said})",
                "restore it from a backup (charter days import FILE into a new --db), or move it "
                "aside to start an empty store",
            )
        )
    if "readonly" in low or "read-only" in low:
        return StoreError(
            problem(
                shown,
                None,
                f"cannot be written ({said})",
                "make it writable (file permissions, or a user allowed to write), or give "
                "another --db",
            )
        )
    if "database is locked" in low or "lock timeout" in low:
        return StoreError(
            problem(
                shown,
                None,
                f"is busy: another charter command kept it locked for {BUSY_TIMEOUT_S:.0f} s",
                "try again when the other command has finished",
            )
        )
    if "unable to open database file" in low:
        return StoreError(
            problem(shown, None, f"cannot be opened ({said})", "check the path and its folder")
        )
    if "password authentication failed" in low or ("role" in low and "does not exist" in low):
        return StoreError(
            problem(
                shown,
                None,
                f"refused the login ({said})",
                "check the user and password in the URL (or ~/.pgpass)",
            )
        )
    if "database" in low and "does not exist" in low:
        return StoreError(
            problem(
                shown, None, f"has no such database ({said})", "create it (createdb NAME) first"
            )
        )
    if "permission denied" in low:
        return StoreError(
            problem(
                shown,
                None,
                f"refused the request ({said})",
                "grant the user rights on the store's schema (docs/store.md, shared desk)",
            )
        )
    if any(sign in low for sign in ANSWER_SIGNS) or isinstance(error, exc.OperationalError):
        return StoreError(
            problem(
                shown,
                None,
                f"does not answer ({said})",
                "start the database server, or check host, port and database in --db / CHARTER_DB",
            )
        )
    return StoreError(
        problem(shown, None, f"failed ({said})", "check the store (docs/store.md) and try again")
    )


@contextmanager
def translated(location: StoreLocation) -> Iterator[None]:
    """Database errors inside become ``StoreError`` naming ``location``."""
    try:
        yield
    except (exc.OperationalError, exc.InternalError, exc.NotSupportedError) as error:
        raise store_error(location, error) from None
    except exc.DatabaseError as error:
        bug = isinstance(error, exc.IntegrityError | exc.ProgrammingError | exc.DataError)
        if bug and "permission denied" not in str(error).lower():
            raise
        raise store_error(location, error) from None


@contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction: committed whole when the block ends, rolled back on any error."""
    with engine.connect() as connection:
        connection = connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            yield connection


@contextmanager
def read_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One read transaction (a consistent view; nothing written)."""
    with engine.connect() as connection, connection.begin():
        yield connection
