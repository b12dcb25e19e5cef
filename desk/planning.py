"""Planning for the desk: a day planned and saved as its next version (in a worker process,
with the planner's stages written to a progress file the pages poll), and the plan folder of a
stored version written from the store exactly as ``charter days show --out`` does."""

from __future__ import annotations

import json
import logging
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from stations.errors import InputError, InputProblem, InputWarning
from stations.lang import Lang

if TYPE_CHECKING:
    from collections.abc import Callable

    from dispatch.outputs.plan_folder import PlanFiles
    from dispatch.plan import Plan
    from store.repository import DayRepository, VersionInfo

logger = logging.getLogger(__name__)

PLANNING_SHARE = 0.85  # of the bar; writing the plan folder and its map take the rest
PROGRESS_STEP = 0.01  # a progress file is written when the bar moves at least this much


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """A plan asked for on the desk (picklable: it goes to a worker process).

    Parameters
    ----------
    store_url
        The store, as ``--db`` takes it (None: ``CHARTER_DB`` or the default file).
    user
        The officer asking (the version's author).
    source
        The uploaded day folder or workbook.
    source_name
        The file name as uploaded (kept as the inputs' source).
    plans
        The folder of plan folders (``DATE/vN``).
    progress
        The progress file the pages read.
    effort, time_limit_s, seed
        Solver options (None: the day's policy).
    command
        The command name kept with the version. Default ``desk``.
    """

    store_url: str | None
    user: str
    source: Path
    source_name: str
    plans: Path
    progress: Path
    effort: int | None = None
    time_limit_s: float | None = None
    seed: int | None = None
    command: str = "desk"
    options: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """What a worker did: the version saved (or the scenario run kept), or the input
    problems, or an internal failure."""

    date: str | None = None
    version: int | None = None
    run: int | None = None
    problems: tuple[InputProblem, ...] = ()
    failure: str | None = None


def write_progress(path: Path, stage: str, fraction: float, **extra: object) -> None:
    """Replace the progress file with ``{"stage", "fraction", …}`` (whole, never half)."""
    scratch = path.with_suffix(".part")
    scratch.write_text(
        json.dumps({"stage": stage, "fraction": round(fraction, 3), **extra}), encoding="utf-8"
    )
    scratch.replace(path)


def read_progress(path: Path) -> dict[str, object]:
    """The progress file (``queued`` before the worker starts)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"stage": "queued", "fraction": 0.0}
    return found if isinstance(found, dict) else {"stage": "queued", "fraction": 0.0}


def folder_of(plans: Path, date: str, version: int) -> Path:
    """The plan folder of a version in the desk's folder of plan folders."""
    return plans / date / f"v{version}"


def write_folder(plan: Plan, out: Path, lang: Lang = Lang.BOTH) -> PlanFiles:
    """The plan folder of ``plan``: plan.json, plan.xlsx, csv/ and map.html, personal data
    masked (as ``charter days show --out`` writes it)."""
    from dispatch.outputs.plan_folder import write_plan
    from maps.from_plan import write_plan_map

    def draw_map(plan: Plan, files: PlanFiles) -> None:
        write_plan_map(plan, files, lang=lang)

    return write_plan(plan, out, lang=lang, unmask=False, after=draw_map)


def progress_writer(path: Path) -> Callable[[str, float], None]:
    """An ``on_stage`` for the planner writing the progress file (the planner's share of the
    bar; a write when the stage changes or the bar moves by ``PROGRESS_STEP``)."""
    last: list[object] = ["", -1.0]

    def on_stage(name: str, fraction: float) -> None:
        shown = PLANNING_SHARE * min(max(fraction, 0.0), 1.0)
        if name != last[0] or shown - float(str(last[1])) >= PROGRESS_STEP:
            last[:] = [name, shown]
            write_progress(path, name, shown)

    return on_stage


def plan_and_save(
    request: PlanRequest, store: DayRepository, on_stage: Callable[[str, float], None]
) -> tuple[Plan, VersionInfo]:
    """Read and plan the day of ``request``, save it as the day's next version."""
    from dispatch.intake.reader import read_day
    from dispatch.planner import plan_day
    from dispatch.policy import resolve_policy
    from store.provenance import provenance_of
    from store.repository import Provenance, RunOptions

    flags = {
        "time_limit_s": request.time_limit_s,
        "seed": request.seed,
        "effort": request.effort,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # the check page showed them
        day = read_day(request.source, resolve=lambda own: resolve_policy(flags, base=own))
        plan = plan_day(day, on_stage=on_stage)
    files = provenance_of(request.source).files
    saved = store.save_plan(
        plan,
        provenance=Provenance(request.source_name, files),
        options=RunOptions(request.command, request.options),
    )
    return plan, saved


def run_plan_request(request: PlanRequest) -> PlanOutcome:
    """Plan, save and write the plan folder of ``request``; run in a worker process."""
    from store.location import resolve_location
    from store.sql.sqlstore import open_store

    on_stage = progress_writer(request.progress)
    on_stage("read", 0.0)
    try:
        store = open_store(resolve_location(request.store_url), user=request.user)
        try:
            plan, saved = plan_and_save(request, store, on_stage)
        finally:
            store.close()
        date = saved.date.isoformat()
        write_progress(request.progress, "write", PLANNING_SHARE)
        write_folder(plan, folder_of(request.plans, date, saved.version))
    except InputError as error:
        write_progress(request.progress, "failed", 1.0)
        return PlanOutcome(problems=error.problems)
    except Exception:
        logger.exception("planning %s failed", request.source_name)
        write_progress(request.progress, "failed", 1.0)
        return PlanOutcome(failure="internal error while planning (see the server log)")
    write_progress(request.progress, "done", 1.0, date=date, version=saved.version)
    return PlanOutcome(date=date, version=saved.version)


class FolderCache:
    """Plan folders of stored versions, written on first use from the store (one writer per
    version; later readers wait for it)."""

    def __init__(self, plans: Path) -> None:
        self._plans = plans
        self._locks: dict[tuple[str, int], threading.Lock] = {}
        self._guard = threading.Lock()

    def folder(self, store: DayRepository, date: str, version: int) -> Path:
        """The plan folder of ``date`` version ``version``, written now if it is missing."""
        import datetime as dt

        from dispatch.outputs.plan_folder import MAP_HTML

        target = folder_of(self._plans, date, version)
        if (target / MAP_HTML).is_file():
            return target
        with self._guard:
            lock = self._locks.setdefault((date, version), threading.Lock())
        with lock:
            if not (target / MAP_HTML).is_file():
                started = time.perf_counter()
                plan = store.load_plan(dt.date.fromisoformat(date), version, personal=True)
                target.parent.mkdir(parents=True, exist_ok=True)
                write_folder(plan, target)
                logger.info("wrote %s in %.1f s", target, time.perf_counter() - started)
        return target
