"""The day store as the commands use it: which store (``--db`` > ``CHARTER_DB`` > the default
file), whether ``plan`` saves, who is working (``getpass.getuser()``), and times shown in local
time. SQLAlchemy is imported only when a store is opened, never for ``--help``."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scenarios.compare import ScenarioResult
    from scenarios.spec import CheckedScenario
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
    from store.sqlstore import open_store

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


def save_scenario_results(
    store: DayRepository,
    results: Sequence[ScenarioResult],
    checked: Sequence[CheckedScenario],
    out: Path,
    options: tuple[tuple[str, str], ...],
) -> int:
    """Save a scenario run's results (KPIs, plan.json, the scenario file as given, or the
    failure) in ``store``; the run's id.

    Parameters
    ----------
    store
        The day store.
    results
        The run's results (baselines included).
    checked
        The scenarios run (their files are kept with the results).
    out
        The run folder holding each result's plan folder.
    options
        The options of ``charter scenario run`` as given.
    """
    import json

    from store.repository import RunOptions, ScenarioEntry

    files = {c.scenario.name: c.scenario.source for c in checked}
    entries = []
    for result in results:
        plan_json = out / result.folder / "plan.json"
        document = (
            plan_json.read_text(encoding="utf-8") if result.ok and plan_json.is_file() else None
        )
        day = dt.date.fromisoformat(json.loads(document)["date"]) if document else None
        source = None if result.baseline else files.get(result.name)
        entries.append(
            ScenarioEntry(
                name=result.name,
                base=result.base,
                baseline=result.baseline,
                description=result.description,
                day=day,
                spec=source.read_text(encoding="utf-8") if source and source.is_file() else None,
                value=result.value,
                failure=None if result.failure is None else result.failure.value,
                error=result.error,
                kpis=result.kpis,
                document=document,
            )
        )
    return store.save_scenarios(entries, options=RunOptions("scenario run", options))
