"""The day store: every planning day's inputs, plan versions, scenario results and an audit log
in a database — a SQLite file by default, PostgreSQL for a shared desk (docs/store.md).

Front door: ``resolve_location`` (``--db`` > ``CHARTER_DB`` > ``charter.db`` in the user's data
folder), ``open_store`` (connect, migrate, return the ``DayRepository``). Imported lazily
(``stations.lazy``): ``import store`` loads neither SQLAlchemy nor Alembic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stations.lazy import lazy_exports

if TYPE_CHECKING:
    from store.errors import NotFoundError, StoreError
    from store.location import StoreLocation, resolve_location
    from store.repository import DayRepository
    from store.sql.sqlstore import open_store

_EXPORTS = {
    "DayRepository": "store.repository",
    "NotFoundError": "store.errors",
    "StoreError": "store.errors",
    "StoreLocation": "store.location",
    "open_store": "store.sql.sqlstore",
    "resolve_location": "store.location",
}
__all__ = [
    "DayRepository",
    "NotFoundError",
    "StoreError",
    "StoreLocation",
    "open_store",
    "resolve_location",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
