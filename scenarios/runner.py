"""Running scenarios: plan each scenario and each base day's baseline once, write every plan
folder, and collect the results — in this process, or in parallel on a Dask cluster.

Layout of the run folder ``out_dir``::

    run.json                  the run: plan folders in order (and the swept parameter)
    baseline/                 the baseline's plan folder (baseline-<base> with several bases)
    <scenario-name>/          each scenario's plan folder (plan.json, plan.xlsx, csv/, …)
        scenario.json         name, base, description, outcome (an error if it failed)
    comparison.{csv,xlsx,html}  written by ``scenarios.compare``

Parallel runs. By default a ``LocalCluster`` of one single-threaded worker process per core
(at most one per job); ``scheduler`` connects to an existing cluster instead, whose workers must
have the same charter-dispatch installed and see ``out_dir`` at the same path (a shared
filesystem). Each job carries its (already changed) day, so workers read no input files.

Determinism. A job's plan depends only on its day, its policy's seed and the solver budget:
with ``effort`` set in the policy and reached before ``time_limit_s``, every run — sequential
or on any number of workers — gives the same plans and the same comparison. With the time
limit alone (``effort`` unset) the search stops when the clock says so, which depends on the
machine and on what else runs on it; such runs can differ slightly.

A job that fails (bad input, a solver failure, a bug) is reported with its error in the
comparison; the other jobs go on.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from dispatch.day import Day
from dispatch.outputs.plan_folder import MAP_HTML, PlanFiles, PlanHook, write_plan
from dispatch.outputs.targets import check_all, folder_problems, run_folder_entry
from dispatch.plan import Plan
from dispatch.planner import plan_day
from dispatch.policy import resolve_policy
from routing.errors import RoutingError
from routing.network.roads import RoadNetwork
from scenarios.compare import RUN_OUTPUTS, Comparison, Failure, ScenarioResult
from scenarios.records import write_run_json, write_scenario_json
from scenarios.spec import CheckedScenario
from stations.errors import InputError, InputProblem
from stations.lang import Lang

logger = logging.getLogger(__name__)

BASELINE = "baseline"
SCHEDULER_TIMEOUT = "20s"  # how long to keep trying to reach an existing scheduler
ResultHook = Callable[[ScenarioResult], None]


@dataclass(frozen=True, slots=True)
class ScenarioJob:
    """One plan to make: a scenario's day, or a base day as its baseline.

    Parameters
    ----------
    name
        Scenario name (``baseline`` for a baseline).
    folder
        Plan folder name inside the run folder.
    base
        The base day's label (baselines and scenarios on the same base share it).
    baseline
        Whether this is the baseline.
    day
        The day to plan.
    description
        What the scenario asks. Default "".
    value
        The swept parameter's value (sweeps). Default None.
    """

    name: str
    folder: str
    base: str
    baseline: bool
    day: Day = field(repr=False)
    description: str = ""
    value: float | None = None


@dataclass(frozen=True, slots=True)
class RunSettings:
    """What every job shares.

    Parameters
    ----------
    out_dir
        The run folder.
    lang
        Header language of the plan files (``zh``, ``en``, ``both``). Default ``both``.
    network
        The roads to plan on. Default None (the embedded Suzhou network).
    after_plan
        Called with each plan and what ``write_plan`` wrote for it (the folder and the
        plan.json document, so nothing is made twice) after the folder is written, e.g. to
        draw map.html on ``plan.network`` (``maps.from_plan.write_plan_map``); must be
        picklable for Dask (a module-level function or a partial of one). Default None.
    """

    out_dir: Path
    lang: Lang = Lang.BOTH
    network: RoadNetwork | None = None
    after_plan: PlanHook | None = None


def folder_name(name: str, taken: set[str]) -> str:
    """A folder name for ``name``: letters (any script), digits, ``.``, ``_`` and ``-`` kept,
    anything else ``-``; made unique against ``taken`` (and added to it)."""
    stem = re.sub(r"[^\w.-]+", "-", name.strip(), flags=re.UNICODE).strip("-.").lower()
    stem = stem[:60] or "scenario"
    folder, n = stem, 1
    while folder in taken:
        n += 1
        folder = f"{stem}-{n}"
    taken.add(folder)
    return folder


def _base_labels(bases: Mapping[Path, CheckedScenario]) -> dict[Path, str]:
    """One label per base day: as the first scenario on it wrote it, or the full path when
    two different days were written alike (each scenario is compared with its base's)."""
    labels: dict[Path, str] = {}
    for path, checked in bases.items():
        label = checked.scenario.base_label
        labels[path] = str(path) if label in labels.values() else label
    return labels


def jobs_of(
    scenarios: Sequence[CheckedScenario],
    *,
    values: Sequence[float] | None = None,
    baseline_value: float | None = None,
) -> list[ScenarioJob]:
    """The baseline of each distinct base day (in order of first use), then the scenarios.

    Parameters
    ----------
    scenarios
        The checked scenarios.
    values
        Each scenario's swept value (sweeps only). Default None.
    baseline_value
        The swept parameter's value on the base day (sweeps only). Default None.
    """
    taken: set[str] = {BASELINE}
    bases: dict[Path, CheckedScenario] = {}
    for checked in scenarios:
        bases.setdefault(checked.scenario.base, checked)
    labels = _base_labels(bases)
    jobs = []
    for path, checked in bases.items():
        folder = BASELINE if len(bases) == 1 else folder_name(f"baseline-{path.stem}", taken)
        name = BASELINE if len(bases) == 1 else f"{BASELINE} ({labels[path]})"
        jobs.append(
            ScenarioJob(name, folder, labels[path], True, checked.base_day, value=baseline_value)
        )
    shown: list[float | None] = list(values) if values is not None else [None] * len(scenarios)
    for checked, value in zip(scenarios, shown, strict=True):
        scenario = checked.scenario
        jobs.append(
            ScenarioJob(
                scenario.name,
                folder_name(scenario.name, taken),
                labels[scenario.base],
                False,
                checked.day,
                scenario.description,
                value,
            )
        )
    return jobs


def with_policy(jobs: Sequence[ScenarioJob], **flags: float | int | None) -> list[ScenarioJob]:
    """The jobs with policy values given on the command line (None: not given) overriding the
    days' and scenarios' own, e.g. ``time_limit_s``, ``effort``, ``seed`` for every plan of a
    run. ``InputError`` if a value is bad."""
    given = {key: value for key, value in flags.items() if value is not None}
    if not given:
        return list(jobs)
    return [
        dataclasses.replace(
            job, day=job.day.replace(policy=resolve_policy(given, base=job.day.policy))
        )
        for job in jobs
    ]


# --------------------------------------------------------------------------- one job


def _failure(error: BaseException) -> Failure:
    if isinstance(error, InputError):
        return Failure.INPUT
    if isinstance(error, RoutingError):
        return Failure.ROUTING
    return Failure.INTERNAL


def _message(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return (
        text if isinstance(error, InputError | RoutingError) else f"{type(error).__name__}: {text}"
    )


def _extra(hook: PlanHook, job: ScenarioJob, plan: Plan, files: PlanFiles) -> None:
    """Extra outputs of a plan (its map): a failure leaves the plan standing (no map link)."""
    try:
        hook(plan, files)
    except Exception:
        logger.error("scenario %r: extra outputs failed", job.name, exc_info=True)


def plan_job(job: ScenarioJob, settings: RunSettings) -> ScenarioResult:
    """Plan ``job``, write its plan folder and ``scenario.json``; never raises for a failed
    plan (the result carries the error)."""
    started = time.perf_counter()
    folder = settings.out_dir / job.folder
    if folder.exists():
        shutil.rmtree(folder)
    kpis = None
    failure: Failure | None = None
    error_text: str | None = None
    has_map = False
    try:
        plan = plan_day(job.day, network=settings.network)
        hook = None if settings.after_plan is None else partial(_extra, settings.after_plan, job)
        write_plan(plan, folder, lang=settings.lang, after=hook)
        kpis = plan.kpis
        has_map = (folder / MAP_HTML).exists()
    except Exception as error:  # reported in the comparison; the other jobs go on
        kpis, failure, error_text = None, _failure(error), _message(error)
        level = logging.ERROR if failure is Failure.INTERNAL else logging.WARNING
        logger.log(
            level,
            "scenario %r failed: %s",
            job.name,
            error_text,
            exc_info=failure is Failure.INTERNAL,
        )
    result = ScenarioResult(
        name=job.name,
        folder=job.folder,
        base=job.base,
        baseline=job.baseline,
        kpis=kpis,
        failure=failure,
        error=error_text,
        description=job.description,
        value=job.value,
        has_map=has_map,
        seconds=time.perf_counter() - started,
    )
    write_scenario_json(result, folder)
    return result


# --------------------------------------------------------------------------- many jobs


def default_workers() -> int:
    """Worker processes for a local cluster: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_SCHEDULER = re.compile(
    r"^(?:tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$"
)
SCHEDULER_FIX = "give the address the scheduler prints, tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"


def check_scheduler(address: str) -> str:
    """``address`` stripped if it is a Dask scheduler address ``tcp://HOST:PORT`` (or
    ``tls://``), else ``InputError`` with the fix."""
    text = address.strip()
    match = _SCHEDULER.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 65535:
        raise InputError(
            InputProblem(
                "--scheduler",
                None,
                None,
                address,
                "is not a scheduler address tcp://HOST:PORT (with a port from 1 to 65535)",
                SCHEDULER_FIX,
            )
        )
    return text


@contextmanager
def _dask_logs_follow_ours() -> Iterator[None]:
    """Dask's scheduler and nanny log INFO lines (addresses, the dashboard, every worker
    joining and leaving): let them through only when this application logs INFO (``-v``)."""
    logger = logging.getLogger("distributed")
    before = logger.level
    if not logging.getLogger().isEnabledFor(logging.INFO):
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(before)


@contextmanager
def dask_client(*, workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client``: on ``scheduler`` (``tcp://host:port``) if given, else on
    a new local cluster of ``workers`` single-threaded processes (default: one per core).
    Dask logs INFO only when the root logger does (see ``_dask_logs_follow_ours``)."""
    with _dask_logs_follow_ours(), _client(workers=workers, scheduler=scheduler) as client:
        yield client


@contextmanager
def _client(*, workers: int | None, scheduler: str | None) -> Iterator[Any]:
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        address = check_scheduler(scheduler)
        try:
            client = Client(address, timeout=SCHEDULER_TIMEOUT)  # type: ignore[no-untyped-call]
        except (OSError, ValueError) as error:
            raise InputError(
                InputProblem(
                    "--scheduler",
                    None,
                    None,
                    scheduler,
                    f"cannot be reached: {error}",
                    "give the address of a running scheduler, e.g. tcp://10.0.0.5:8786",
                )
            ) from None
        with client:
            yield client
        return
    count = workers if workers is not None else default_workers()
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # its HTTP server (health, metrics) on a free local port: 8787 may be taken by
            # another cluster on the machine
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.CRITICAL,  # shutdown noise; task errors come back as results
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def run_jobs(
    jobs: Sequence[ScenarioJob],
    settings: RunSettings,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    sequential: bool = False,
    on_result: ResultHook | None = None,
    param: str | None = None,
) -> tuple[ScenarioResult, ...]:
    """Plan every job; results in job order (``on_result`` is called as each one finishes).

    Parameters
    ----------
    jobs
        The plans to make.
    settings
        What the jobs share.
    workers
        Processes of the local cluster. Default None (one per core, at most one per job).
    scheduler
        Address of an existing Dask scheduler. Default None (a local cluster).
    sequential
        Plan in this process, one job after another, without Dask. Default False.
    on_result
        Called with each result as it arrives (progress). Default None.
    param
        The swept parameter, recorded in run.json (sweeps only). Default None.

    Raises
    ------
    InputError
        If ``workers`` is below 1, or ``out_dir`` holds anything but what a run writes, or a
        job's plan folder would take the name of a file of the run (see
        :func:`run_folder_problems`).
    """
    if scheduler is not None:
        check_scheduler(scheduler)
    if workers is not None and workers < 1:
        raise InputError(
            InputProblem(
                "--workers", None, None, str(workers), "must be at least 1", "give 1 or more"
            )
        )
    check_all(run_folder_problems(settings.out_dir, jobs))
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    if not any(job.day.policy.effort for job in jobs):
        logger.info("no `effort` in the policies: plans depend on the time limit and machine load")
    results: dict[int, ScenarioResult] = {}
    if sequential:
        for index, job in enumerate(jobs):
            results[index] = plan_job(job, settings)
            if on_result is not None:
                on_result(results[index])
    else:
        results = _run_on_dask(jobs, settings, workers, scheduler, on_result)
    ordered = tuple(results[i] for i in range(len(jobs)))
    write_run_json(settings.out_dir, ordered, param=param)
    return ordered


def run_folder_problems(
    out_dir: Path, jobs: Sequence[ScenarioJob] = (), *, option: str = "--out"
) -> list[InputProblem]:
    """Problems of ``out_dir`` as a run folder, before anything is planned.

    The folder must be new, empty or a run folder charter wrote (it is replaced whole, so one
    holding anything else is refused, never emptied); no job's plan folder may take the name
    of a file the run writes beside them (a scenario called ``comparison.html``).
    """
    problems = folder_problems(
        out_dir,
        option=option,
        allowed=lambda entry: run_folder_entry(entry, RUN_OUTPUTS),
        what="scenario run folder",
    )
    for job in jobs:
        if job.folder in RUN_OUTPUTS:
            problems.append(
                InputProblem(
                    f"scenario {job.name!r}",
                    None,
                    "name",
                    job.name,
                    f"would be planned into {out_dir / job.folder}, where the run writes "
                    f"its {job.folder}",
                    f"rename the scenario (not {', '.join(RUN_OUTPUTS)})",
                )
            )
    return problems


def _run_on_dask(
    jobs: Sequence[ScenarioJob],
    settings: RunSettings,
    workers: int | None,
    scheduler: str | None,
    on_result: ResultHook | None,
) -> dict[int, ScenarioResult]:
    from dask.distributed import as_completed

    count = min(workers or default_workers(), max(1, len(jobs)))
    results: dict[int, ScenarioResult] = {}
    with dask_client(workers=None if scheduler else count, scheduler=scheduler) as client:
        shared = client.scatter(settings, broadcast=True)  # the network once per worker
        # Bigger days first (longest processing time first balances the workers better);
        # results come back in job order whatever the order of work.
        futures = {
            client.submit(
                plan_job,
                job,
                shared,
                key=f"plan-{index}-{job.folder}",
                pure=False,
                priority=len(job.day.arrivals),
            ): index
            for index, job in enumerate(jobs)
        }
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            index = futures[future]
            try:
                result = future.result()
            except Exception as error:  # the worker died, or the result could not come back
                job = jobs[index]
                result = ScenarioResult(
                    job.name,
                    job.folder,
                    job.base,
                    job.baseline,
                    None,
                    _failure(error),
                    _message(error),
                    job.description,
                    job.value,
                )
                write_scenario_json(result, settings.out_dir / job.folder)
            results[index] = result
            if on_result is not None:
                on_result(result)
    return results


def run_scenarios(
    scenarios: Sequence[CheckedScenario],
    settings: RunSettings,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    sequential: bool = False,
    on_result: ResultHook | None = None,
) -> Comparison:
    """Plan the baselines and ``scenarios`` and compare them (see :func:`run_jobs`)."""
    results = run_jobs(
        jobs_of(scenarios),
        settings,
        workers=workers,
        scheduler=scheduler,
        sequential=sequential,
        on_result=on_result,
    )
    return Comparison(results)
