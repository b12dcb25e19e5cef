"""The day store as the commands use it: which store (``--db`` > ``CHARTER_DB`` > the default
file), whether ``plan`` saves, who is working (``getpass.getuser()``), and times shown in local
time. SQLAlchemy is imported only when a store is opened, never for ``--help``."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.repository import DayRepository

UNKNOWN_USER = "unknown"


def current_user() -> str:
    """Who runs the command (the login name; ``unknown`` when the system cannot tell)."""
    try:
        return getpass.getuser() or UNKNOWN_USER
    except (KeyError, OSError):  # no user entry or login name
        return UNKNOWN_USER


def wants_store(flag: bool | None, db: str | None) -> bool:
    """Whether ``plan``/``demo`` save: ``--store``/``--no-store`` if given, else whether a
    store is named (``--db`` or ``CHARTER_DB``)."""
    from store.location import configured

    return configured(db) if flag is None else flag


def open_day_store(db: str | None) -> DayRepository:
    """Open the store named by ``db`` (or ``CHARTER_DB``, or the default file), migrating it
    when it is from an older version."""
    from store.location import resolve_location
    from store.sql.sqlstore import open_store

    return open_store(resolve_location(db), user=current_user())


@contextmanager
def day_store(db: str | None) -> Iterator[DayRepository]:
    """The store named by ``db`` (see :func:`open_day_store`), closed when the block ends."""
    store = open_day_store(db)
    try:
        yield store
    finally:
        store.close()


def local_time(moment: dt.datetime) -> str:
    """A stored UTC time in the machine's local time, to the minute."""
    return moment.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")
