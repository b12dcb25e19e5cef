"""Scenarios on the desk: what-if files (the format of ``charter scenario run``) checked with
the scenarios package's own checker against a stored day's inputs, then planned in the desk's
worker process with the unchanged day as the baseline, and the results kept in the store as
``charter scenario run --store`` keeps them.

The plans run one after another in the worker (the runner's sequential path): a Dask cluster
started inside a pool worker would add processes beyond the desk's ``--plans`` limit and
outlive a run the desk stops; the pool already keeps the server responsive."""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desk.planning import PlanOutcome, write_progress
from stations.errors import InputError, InputProblem, InputWarning

if TYPE_CHECKING:
    from scenarios.compare import ScenarioResult
    from scenarios.spec import CheckedScenario
    from store.repository import DayRepository

logger = logging.getLogger(__name__)

SCENARIO_SUFFIXES = (".yaml", ".yml")
MAX_FILES = 20
RUN_SHARE = 0.95  # of the bar; saving the results takes the rest


@dataclass(frozen=True, slots=True)
class ScenarioRequest:
    """Scenarios asked for on the desk (picklable: it goes to a worker process).

    Parameters
    ----------
    store_url
        The store (None: ``CHARTER_DB`` or the default file).
    user
        The officer asking.
    date
        The planning date.
    version
        The stored version whose day's inputs are the base.
    files
        The scenario files as uploaded (checked already; they are checked again).
    work
        A folder of this run's own (the plan folders go to ``work/run``).
    progress
        The progress file the pages read.
    effort
        The planner's effort for every plan (None: the day's policy). Default None.
    """

    store_url: str | None
    user: str
    date: str
    version: int
    files: tuple[Path, ...]
    work: Path
    progress: Path
    effort: int | None = None


def scenario_file(sent: Path, filename: str, folder: Path) -> Path:
    """Place an uploaded scenario file in ``folder`` under its own name (letters, digits,
    ``.``, ``_``, ``-``; the problems name it), refusing any file that is not YAML."""
    name = Path(filename.replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    if suffix not in SCENARIO_SUFFIXES:
        raise InputError(
            InputProblem(
                name or "upload",
                None,
                None,
                suffix or None,
                "is not a scenario file",
                "send .yaml files in the format of `charter scenario run` (docs/scenarios.md)",
            )
        )
    stem = re.sub(r"[^\w.-]+", "-", Path(name).stem, flags=re.UNICODE).strip("-.")[:80]
    target = folder / f"{stem or 'scenario'}{suffix}"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{stem or 'scenario'}-{number}{suffix}"
    sent.replace(target)
    return target


def check_scenarios(
    store: DayRepository, date: dt.date, version: int, files: tuple[Path, ...]
) -> tuple[CheckedScenario, ...]:
    """The scenario files checked against the stored day of ``version`` (its inputs, without
    personal data): ``InputError`` with every problem of every file (file and line)."""
    from scenarios.spec import GivenBase, load_scenarios

    day = store.load_plan(date, version, personal=False).day
    label = f"{date.isoformat()} v{version}"
    base = GivenBase(Path(f"{date.isoformat()}-v{version}"), label, day)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return load_scenarios(files, base=base)


def _run(request: ScenarioRequest) -> int:
    from scenarios.runner import RunSettings, jobs_of, run_jobs, with_policy
    from scenarios.stored import save_scenario_results
    from store.location import resolve_location
    from store.sql.sqlstore import open_store

    date = dt.date.fromisoformat(request.date)
    store = open_store(resolve_location(request.store_url), user=request.user)
    try:
        checked = check_scenarios(store, date, request.version, request.files)
        jobs = with_policy(jobs_of(checked), effort=request.effort)
        done: list[ScenarioResult] = []

        def advance(result: ScenarioResult) -> None:
            done.append(result)
            write_progress(
                request.progress,
                "scenarios",
                RUN_SHARE * len(done) / len(jobs),
                planned=len(done),
                plans=len(jobs),
            )

        write_progress(request.progress, "scenarios", 0.0, planned=0, plans=len(jobs))
        out = request.work / "run"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)
            results = run_jobs(jobs, RunSettings(out), sequential=True, on_result=advance)
        write_progress(request.progress, "save", RUN_SHARE)
        options = (("--base-version", str(request.version)),) + (
            (("--effort", str(request.effort)),) if request.effort is not None else ()
        )
        return save_scenario_results(
            store, results, checked, out, options, command="desk", date=date
        )
    finally:
        store.close()


def run_scenario_request(request: ScenarioRequest) -> PlanOutcome:
    """Plan the scenarios of ``request`` and their baseline, keep the results in the store;
    run in a worker process."""
    write_progress(request.progress, "read", 0.0)
    try:
        run = _run(request)
    except InputError as error:
        write_progress(request.progress, "failed", 1.0)
        return PlanOutcome(problems=error.problems)
    except Exception:
        logger.exception("scenarios of %s v%s failed", request.date, request.version)
        write_progress(request.progress, "failed", 1.0)
        return PlanOutcome(failure="internal error while planning scenarios (see the server log)")
    write_progress(request.progress, "done", 1.0, date=request.date, run=run)
    return PlanOutcome(date=request.date, run=run)
