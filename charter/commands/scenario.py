"""The ``charter scenario`` commands: check, run, compare and sweep what-if scenarios."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.text import Text

from charter.console import Output
from charter.exitcodes import ExitCode
from charter.options import (
    DbOption,
    EffortOption,
    JsonOption,
    LangOption,
    NoMapOption,
    QuietOption,
    RunFolderOption,
    ScenarioFilesArgument,
    SchedulerOption,
    SeedOption,
    SequentialOption,
    StoreFlag,
    TimeLimitOption,
    WorkersOption,
)
from charter.store_access import day_store, wants_store
from stations.errors import InputError, InputProblem, InputWarning
from stations.lang import Lang, pick

if TYPE_CHECKING:
    from rich.progress import Progress

    from scenarios.compare import Comparison, ComparisonFiles
    from scenarios.runner import RunSettings
    from scenarios.spec import CheckedScenario
    from store.repository import DayRepository

app = typer.Typer(
    help="What-if scenarios: check, run and compare them with the baseline, sweep a parameter.",
    no_args_is_help=True,
)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How to run: where, on what, and the solver budget every plan gets."""

    out: Path
    workers: int | None
    scheduler: str | None
    sequential: bool
    no_map: bool
    lang: Lang
    time_limit_s: float | None
    effort: int | None
    seed: int | None


@contextmanager
def _warnings_kept() -> Iterator[list[str]]:
    """Collect input warnings (a change that does nothing) to print them once."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        yield notes
    notes.extend(sorted({str(w.message) for w in caught if issubclass(w.category, InputWarning)}))


def _print_warnings(output: Output, notes: Sequence[str]) -> None:
    for note in notes:
        output.console.print(f"[yellow]warning:[/yellow] {escape(note)}")


# --------------------------------------------------------------------------- check


@app.command("check")
def check_command(
    files: ScenarioFilesArgument,
    lang: LangOption = Lang.EN,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Validate scenario files only: every problem of every file at once (exit code 2)."""
    from scenarios.spec import load_scenarios

    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    with _warnings_kept() as notes:
        checked = load_scenarios(files)
    text: Lang = lang
    rows = [_check_row(c) for c in checked]
    if output.as_json:
        keys = ("scenario", "file", "base", "changes", "workers", "vehicles", "permits")
        output.json(
            {
                "code": int(ExitCode.OK),
                "scenarios": [dict(zip(keys, row, strict=True)) for row in rows],
                "warnings": notes,
            }
        )
        return
    head = [
        pick(pair, text)
        for pair in (
            ("方案", "scenario"),
            ("文件", "file"),
            ("基础日", "base"),
            ("变更数", "changes"),
            ("登记人数", "workers"),
            ("车辆", "vehicles"),
            ("许可证", "permits"),
        )
    ]
    output.table(pick(("方案检查通过", "Scenarios are valid"), text), head, rows)
    _print_warnings(output, notes)


def _check_row(checked: CheckedScenario) -> tuple[str, str, str, int, str, str, str]:
    base, day = checked.base_day, checked.day
    scenario = checked.scenario
    return (
        scenario.name,
        scenario.source.name if scenario.source else "",
        scenario.base_label,
        len(scenario.changes),
        f"{len(base.arrivals)} → {len(day.arrivals)}",
        f"{len(base.fleet)} → {len(day.fleet)}",
        f"{len(base.permits)} → {len(day.permits)}",
    )


# --------------------------------------------------------------------------- run


def _settings(out: Path, lang: Lang, no_map: bool) -> RunSettings:
    from maps.from_plan import write_plan_map
    from scenarios.runner import RunSettings

    # map.html of each plan on the network it was planned on, from the document written once
    hook = None if no_map else partial(write_plan_map, lang=lang)
    return RunSettings(out, lang=lang, after_plan=hook)


def _progressing(progress: Progress, total: int, lang: Lang) -> Callable[..., None]:
    task = progress.add_task(pick(("规划方案", "planning scenarios"), lang), total=total)

    def advance(result: object) -> None:
        progress.advance(task)

    return advance


def _exit_code(comparison: Comparison) -> int:
    from scenarios.compare import Failure

    exits = {Failure.INPUT: ExitCode.INPUT, Failure.ROUTING: ExitCode.ROUTING}
    failures = [r.failure for r in comparison.results if r.failure is not None]
    if not failures:
        return int(ExitCode.OK)
    return int(exits.get(failures[0], ExitCode.INTERNAL))


def _render(comparison: Comparison, files: ComparisonFiles, output: Output, lang: Lang) -> int:
    from scenarios.compare import Verdict

    code = _exit_code(comparison)
    if output.as_json:
        frame = comparison.frame().astype(object)
        frame = frame.where(frame.notna(), None)
        output.json(
            {
                "code": code,
                "scenarios": frame.to_dict(orient="records"),
                "files": {
                    "csv": str(files.csv),
                    "workbook": str(files.workbook),
                    "html": str(files.html),
                    "plot": None if files.plot is None else str(files.plot),
                },
            }
        )
        return code
    header, rows = comparison.side_by_side(lang)
    styles = {Verdict.BETTER: "green", Verdict.WORSE: "red", Verdict.CHANGED: "yellow"}
    styled = [[Text(cell.text, style=styles.get(cell.verdict, "")) for cell in row] for row in rows]
    output.table(
        pick(
            ("方案对比（括号内为与基线之差）", "Scenarios vs baseline (difference in brackets)"),
            lang,
        ),
        [escape(name) for name in header],  # column headers are read as markup
        styled,
    )
    console = output.console
    console.print(f"{pick(('已写入', 'wrote'), lang)} {escape(str(files.html))}")
    for path in (files.workbook, files.csv, files.plot):
        if path is not None:
            console.print(f"  {escape(str(path))}")
    return code


def _run(
    checked: Sequence[CheckedScenario],
    options: RunOptions,
    output: Output,
    sweep: tuple[str, Sequence[float], float] | None = None,
    *,
    keep: DayRepository | None = None,
) -> int:
    from dispatch.outputs.atomic import replaced_folder
    from dispatch.outputs.targets import check_all
    from scenarios.compare import SWEEP_PNG, Comparison, write_comparison
    from scenarios.runner import jobs_of, run_folder_problems, run_jobs, with_policy
    from scenarios.sweep import plot_sweep

    out = options.out
    text: Lang = options.lang
    param = sweep[0] if sweep else None
    jobs = jobs_of(checked, values=sweep[1], baseline_value=sweep[2]) if sweep else jobs_of(checked)
    check_all(run_folder_problems(out, jobs))  # before anything is planned
    jobs = with_policy(
        jobs, time_limit_s=options.time_limit_s, effort=options.effort, seed=options.seed
    )
    if not all(job.day.policy.effort for job in jobs):
        output.console.print(
            pick(
                (
                    "提示：未设定 effort，求解按时间上限停止，结果可能随机器负载略有不同；"
                    "需要可复现的对比请加 --effort N。",
                    "note: no effort budget, so searches stop at the time limit and results can "
                    "differ slightly with machine load; give --effort N for reproducible runs.",
                ),
                text,
            ),
            style="dim",
        )
    # The run folder is written whole: beside --out, swapped in when everything is there.
    with replaced_folder(out) as staging, output.progress() as progress:
        results = run_jobs(
            jobs,
            _settings(staging, options.lang, options.no_map),
            workers=options.workers,
            scheduler=options.scheduler,
            sequential=options.sequential,
            on_result=_progressing(progress, len(jobs), text),
            param=param,
        )
        comparison = Comparison(results, param=param)
        plot = plot_sweep(comparison, staging / SWEEP_PNG) if sweep else None
        title = pick((f"参数扫描：{param}", f"Sweep of {param}"), text) if param else ""
        files = write_comparison(comparison, staging, lang=text, plot=plot, title=title)
    if keep is not None:  # the day store: each result with its plan.json and scenario file
        from scenarios.stored import save_scenario_results

        save_scenario_results(keep, comparison.results, checked, out, _given(options))
    return _render(comparison, files.moved(out), output, text)


@app.command("run")
def run_command(
    files: ScenarioFilesArgument,
    out: RunFolderOption,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    sequential: SequentialOption = False,
    no_map: NoMapOption = False,
    time_limit: TimeLimitOption = None,
    effort: EffortOption = None,
    seed: SeedOption = None,
    lang: LangOption = Lang.BOTH,
    store: StoreFlag = None,
    db: DbOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> int:
    """Plan each scenario and its baseline (in parallel on Dask), write each plan folder and
    comparison.html/.xlsx/.csv in --out, print the comparison; with --store, keep the results
    in the day store."""
    from dispatch.outputs.targets import check_all
    from scenarios.runner import run_folder_problems
    from scenarios.spec import load_scenarios

    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    check_all(run_folder_problems(out))  # before the scenarios are read
    with _warnings_kept() as notes:
        checked = load_scenarios(files)
    _print_warnings(output, notes)
    options = RunOptions(
        out, workers, scheduler, sequential, no_map, lang, time_limit, effort, seed
    )
    # The store is opened before planning: one that cannot be used fails at once.
    with day_store(db) if wants_store(store, db) else nullcontext() as keep:
        return _run(checked, options, output, keep=keep)


def _given(options: RunOptions) -> tuple[tuple[str, str], ...]:
    """The run's options as the day store keeps them (only those given)."""
    given = (
        ("--out", options.out),
        ("--time-limit", options.time_limit_s),
        ("--effort", options.effort),
        ("--seed", options.seed),
        ("--no-map", options.no_map or None),
    )
    return tuple((name, str(value)) for name, value in given if value is not None)


# --------------------------------------------------------------------------- compare


@app.command("compare")
def compare_command(
    folders: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            file_okay=False,
            help="Run folders of `charter scenario run`, or plan folders (the first is the "
            "baseline when they say nothing else).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the comparison (default: the folder holding the plan folders).",
        ),
    ] = None,
    lang: LangOption = Lang.BOTH,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> int:
    """Compare existing plan folders again (from their plan.json) and rewrite the comparison."""
    from dispatch.outputs.atomic import output_lock
    from scenarios.compare import SWEEP_PNG, write_comparison
    from scenarios.records import comparison_from_folders

    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    comparison, parent = comparison_from_folders(folders)
    if out is not None and out.resolve() != parent:
        raise InputError(
            InputProblem(
                "--out",
                None,
                None,
                str(out),
                "is not the folder holding the plan folders",
                f"leave --out out, or give {parent} (the page links to the plan folders)",
            )
        )
    plot = parent / SWEEP_PNG
    with output_lock(parent):  # not while a run replaces the folder
        files = write_comparison(
            comparison, parent, lang=lang, plot=plot if plot.is_file() else None
        )
    return _render(comparison, files, output, lang)


# --------------------------------------------------------------------------- sweep


def _sweep_start(base: str) -> CheckedScenario:
    """A scenario file, a day folder or workbook, or ``demo``."""
    from dispatch.intake.reader import read_day
    from scenarios.spec import DEMO, DEMO_DAY, load_scenarios
    from scenarios.sweep import start_from_day

    if base.strip().lower() == DEMO:
        return start_from_day(DEMO_DAY, DEMO, read_day(DEMO_DAY))
    path = Path(base)
    if not path.exists():
        raise InputError(
            InputProblem(
                "BASE",
                None,
                None,
                base,
                "does not exist",
                "give a scenario file, a day folder or workbook, or demo",
            )
        )
    if path.suffix.lower() in (".yaml", ".yml"):
        (checked,) = load_scenarios([path])
        return checked
    return start_from_day(path.resolve(), str(path), read_day(path))


@app.command("sweep")
def sweep_command(
    base: Annotated[
        str,
        typer.Argument(
            help="A scenario file, a day folder or .xlsx workbook, or demo.", show_default=False
        ),
    ],
    param: Annotated[
        str,
        typer.Option(
            "--param",
            "-p",
            help="A numeric policy key (load_factor, max_wait_min, …) or scale_fleet / "
            "scale_arrivals; a name that cannot be swept gets the full list.",
        ),
    ],
    start: Annotated[float, typer.Option("--from", help="First value.")],
    stop: Annotated[float, typer.Option("--to", help="Last value (included).")],
    step: Annotated[float, typer.Option("--step", help="Step between values.")],
    out: RunFolderOption,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    sequential: SequentialOption = False,
    no_map: NoMapOption = False,
    time_limit: TimeLimitOption = None,
    effort: EffortOption = None,
    seed: SeedOption = None,
    lang: LangOption = Lang.BOTH,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> int:
    """Plan the base at each value of one parameter; plot buses and unserved workers against
    it (sweep.png, also in comparison.html)."""
    from dispatch.outputs.targets import check_all
    from scenarios.runner import run_folder_problems
    from scenarios.sweep import base_value, check_param, sweep_scenarios, sweep_values

    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    check_all(run_folder_problems(out))  # before the base is read
    values = sweep_values(start, stop, step)
    check_param(param, values)
    with _warnings_kept() as notes:
        origin = _sweep_start(base)
        checked = sweep_scenarios(origin, param, values)
    _print_warnings(output, notes)
    sweep = (param, values, base_value(param, origin.base_day.policy))
    options = RunOptions(
        out, workers, scheduler, sequential, no_map, lang, time_limit, effort, seed
    )
    return _run(checked, options, output, sweep)
