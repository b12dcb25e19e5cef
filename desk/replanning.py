"""Re-planning on the desk: a stored version re-planned at a clock time with the events known
by then (``dispatch.replan``, through the store as ``charter replan DATE --store`` does), in a
worker process; the new version is saved as the child of its base with the events and the
diff, and its folder (plan, diff.json / diff.xlsx, amended notices, the map against the parent)
is written where the desk serves it."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desk.planning import (
    PLANNING_SHARE,
    PlanOutcome,
    folder_of,
    progress_writer,
    write_progress,
)
from stations.errors import InputError, InputProblem, InputWarning
from stations.lang import Lang

if TYPE_CHECKING:
    from dispatch.day import Day

logger = logging.getLogger(__name__)

EVENT_SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class ReplanRequest:
    """A re-plan asked for on the desk (picklable: it goes to a worker process).

    Parameters
    ----------
    store_url
        The store (None: ``CHARTER_DB`` or the default file).
    user
        The officer asking.
    date
        The planning date.
    base_version
        The stored version re-planned.
    at
        The clock time (``HH:MM`` on the planning day).
    events
        The events as uploaded (a folder with events.csv, a workbook or a YAML file; None:
        none).
    plans
        The folder of plan folders (``DATE/vN``).
    work
        A folder of this run's own.
    progress
        The progress file the pages read.
    latest_parent
        Refuse to save unless the base is still the latest version then. Default True.
    effort
        The planner's effort (None: the day's policy). Default None.
    """

    store_url: str | None
    user: str
    date: str
    base_version: int
    at: str
    events: Path | None
    plans: Path
    work: Path
    progress: Path
    latest_parent: bool = True
    effort: int | None = None


def clock_time(day: Day, text: str) -> dt.datetime:
    """The clock time ``text`` on the planning day (``InputError`` if it is not one)."""
    from dispatch.replan.state import clock_of_day

    when = clock_of_day(day, text)
    if when is None:
        raise InputError(
            InputProblem(
                "re-plan",
                None,
                "at",
                text,
                f"is not a time of the planning day {day.date.isoformat()}",
                "give HH:MM, e.g. 12:00",
            )
        )
    return when


def events_source(sent: Path, filename: str, folder: Path) -> Path:
    """The events an upload holds, placed as ``read_events`` takes them: a CSV becomes
    ``events/events.csv``; a workbook or YAML file keeps its kind."""
    suffix = Path(filename).suffix.lower()
    if suffix not in EVENT_SUFFIXES:
        raise InputError(
            InputProblem(
                filename,
                None,
                None,
                suffix or None,
                "is not an events file",
                "send events.csv, an .xlsx workbook with the sheet events, or a .yaml file",
            )
        )
    if suffix == ".csv":
        target = folder / "events"
        target.mkdir()
        sent.replace(target / "events.csv")
        return target
    placed = folder / f"events{suffix}"
    sent.replace(placed)
    return placed


def _replan(request: ReplanRequest, on_stage: object) -> tuple[int, Path]:
    from dispatch.plan import Plan
    from dispatch.policy import resolve_policy
    from dispatch.replan.event_tables import read_events
    from dispatch.replan.events import EventLog
    from dispatch.replan.files import write_replan
    from dispatch.replan.replanner import replan_day
    from maps.from_plan import write_plan_map
    from store.location import resolve_location
    from store.replan import event_files, replan_source, save_replan
    from store.sql.sqlstore import open_store

    date = dt.date.fromisoformat(request.date)
    store = open_store(resolve_location(request.store_url), user=request.user)
    try:
        source = replan_source(store, date, request.base_version, personal=True)
        flags = {"effort": request.effort}
        day = source.day.replace(policy=resolve_policy(flags, base=source.day.policy))
        when = clock_time(day, request.at)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)
            events = read_events(request.events, day) if request.events else EventLog()
            replan = replan_day(day, source.base, events, at=when, on_stage=on_stage)  # type: ignore[arg-type]

        def draw_map(plan: Plan, files: object) -> None:
            write_plan_map(plan, files, lang=Lang.BOTH, parent=source.document)  # type: ignore[arg-type]

        write_progress(request.progress, "write", PLANNING_SHARE)
        out = request.work / "out"
        files = write_replan(replan, out, lang=Lang.BOTH, unmask=False, after=draw_map)
        options = (("--at", request.at), ("--base-version", str(request.base_version)))
        saved = save_replan(
            store,
            replan,
            parent=source.version.version,
            events=event_files(request.events),
            options=(*options, *((("--events", request.events.name),) if request.events else ())),
            document=files.plan.document,
            latest_parent=request.latest_parent,
        )
    finally:
        store.close()
    target = folder_of(request.plans, request.date, saved.version)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(files.folder), str(target))
    return saved.version, target


def run_replan_request(request: ReplanRequest) -> PlanOutcome:
    """Re-plan, save and place the folder of ``request``; run in a worker process."""
    on_stage = progress_writer(request.progress)
    on_stage("read", 0.0)
    try:
        version, _ = _replan(request, on_stage)
    except InputError as error:
        write_progress(request.progress, "failed", 1.0)
        return PlanOutcome(problems=error.problems)
    except Exception:
        logger.exception("re-planning %s v%s failed", request.date, request.base_version)
        write_progress(request.progress, "failed", 1.0)
        return PlanOutcome(failure="internal error while re-planning (see the server log)")
    write_progress(request.progress, "done", 1.0, date=request.date, version=version)
    return PlanOutcome(date=request.date, version=version)
