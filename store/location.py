"""Where the day store lives: ``--db`` (a path or URL) > ``CHARTER_DB`` > ``charter.db`` in the
user's data folder, resolved without importing SQLAlchemy (so a command can decide cheaply).

A plain path is a SQLite file; a URL names the database: ``sqlite:///PATH`` or
``postgresql+psycopg://USER[:PASSWORD]@HOST[:PORT]/DATABASE`` (``postgresql://`` and
``postgres://`` mean the same, through psycopg 3). The password of a URL is never shown: every
message names the store by :attr:`StoreLocation.shown`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from store.errors import StoreError, problem

ENV_VAR = "CHARTER_DB"
APP_NAME = "charter-dispatch"
DEFAULT_FILE = "charter.db"
POSTGRES_SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")
URL_FIX = (
    "give a file path, sqlite:///PATH, or postgresql+psycopg://USER@HOST:PORT/DATABASE "
    "(see docs/store.md)"
)


class Backend(StrEnum):
    """The database system behind the store."""

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


@dataclass(frozen=True, slots=True)
class StoreLocation:
    """A resolved store: the SQLAlchemy URL, the back end and how to name it in messages.

    Parameters
    ----------
    url
        The SQLAlchemy URL (``sqlite:///…`` with an absolute path, or
        ``postgresql+psycopg://…``).
    backend
        SQLite or PostgreSQL.
    shown
        The file path, or the URL with its password replaced by ``***``.
    path
        The SQLite file (None for PostgreSQL, and for an in-memory or URI-mode database).
    origin
        Where the location came from: ``--db``, ``CHARTER_DB`` or ``default``.
    """

    url: str
    backend: Backend
    shown: str
    path: Path | None
    origin: str

    def __str__(self) -> str:
        return self.shown


def default_path() -> Path:
    """``charter.db`` in the user's data folder (e.g. ``~/.local/share/charter-dispatch``)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DEFAULT_FILE


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def parse_location(value: str, *, origin: str = "--db") -> StoreLocation:
    """The store named by ``value``: a SQLite file path or a database URL.

    Parameters
    ----------
    value
        A path (``charter.db``, ``~/desk/charter.db``) or a URL (``sqlite:///…``,
        ``postgresql+psycopg://…``).
    origin
        Where it was given, for messages. Default ``--db``.

    Raises
    ------
    StoreError
        If ``value`` is empty or a URL of another database system.
    """
    text = value.strip()
    if not text:
        raise StoreError(problem(origin, "", "is empty", URL_FIX))
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        return StoreLocation(f"sqlite:///{path}", Backend.SQLITE, str(path), path, origin)
    scheme, _, rest = text.partition("://")
    scheme = scheme.lower()
    if scheme == "sqlite":
        return _sqlite_url(text, rest, origin)
    if scheme in POSTGRES_SCHEMES:
        url = f"postgresql+psycopg://{rest}"
        parts = urlsplit(url)
        no_host = not parts.hostname and "host=" not in parts.query
        if no_host or not parts.path.strip("/"):
            raise StoreError(
                problem(
                    origin,
                    _hide_password(url),
                    "names no host or no database",
                    "give postgresql+psycopg://USER@HOST:PORT/DATABASE",
                )
            )
        return StoreLocation(url, Backend.POSTGRESQL, _hide_password(url), None, origin)
    shown = _hide_password(text)
    raise StoreError(problem(origin, shown, f"is a {scheme} URL, not one the store uses", URL_FIX))


def _sqlite_url(text: str, rest: str, origin: str) -> StoreLocation:
    """``sqlite:///relative``, ``sqlite:////absolute`` or ``sqlite:///file:…?uri=true``."""
    if not rest.startswith("/"):
        raise StoreError(problem(origin, text, "has no path", "give sqlite:///PATH"))
    target = unquote(rest[1:].split("?", 1)[0])
    if not target or target == ":memory:":
        raise StoreError(
            problem(origin, text, "is not a file", "give a file that outlives the command")
        )
    if target.startswith("file:"):  # URI mode (e.g. ?mode=ro): passed as it is
        return StoreLocation(text, Backend.SQLITE, text, None, origin)
    path = Path(target).expanduser().resolve()
    query = rest[1:].partition("?")[2]
    url = f"sqlite:///{path}" + (f"?{query}" if query else "")
    return StoreLocation(url, Backend.SQLITE, str(path), path, origin)


def resolve_location(db: str | None, *, environ: Mapping[str, str] | None = None) -> StoreLocation:
    """The store to use: ``db`` (``--db``) > ``CHARTER_DB`` > :func:`default_path`.

    Parameters
    ----------
    db
        The ``--db`` value, or None.
    environ
        The environment to read ``CHARTER_DB`` from. Default ``os.environ``.
    """
    env = os.environ if environ is None else environ
    if db is not None:
        return parse_location(db, origin="--db")
    if env.get(ENV_VAR, "").strip():
        return parse_location(env[ENV_VAR], origin=ENV_VAR)
    path = default_path()
    return StoreLocation(f"sqlite:///{path}", Backend.SQLITE, str(path), path, "default")


def configured(db: str | None, *, environ: Mapping[str, str] | None = None) -> bool:
    """Whether a store was named (``--db`` or ``CHARTER_DB``): then ``plan`` saves by default."""
    env = os.environ if environ is None else environ
    return db is not None or bool(env.get(ENV_VAR, "").strip())
