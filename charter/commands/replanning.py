"""The ``charter replan`` command: re-plan a day at a clock time from a base plan folder and
the events known by then; write the new version, the diff and the amended notices; print
what changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from charter.commands.planning import PLANNING_SHARE, PlanOptions, load_day, saved_text
from charter.console import Output
from charter.exitcodes import ExitCode
from charter.options import (
    DbOption,
    EffortOption,
    JsonOption,
    LangOption,
    PlanFolderOption,
    PolicyOption,
    QuietOption,
    SeedOption,
    StoreFlag,
    TimeLimitOption,
    UnmaskOption,
)
from charter.store_access import day_store, local_time, wants_store
from stations.errors import InputError, InputWarning
from stations.lang import Lang, pick

if TYPE_CHECKING:
    from rich.progress import Progress

    from dispatch.day import Day
    from dispatch.outputs.plan_json import PlanDocument
    from dispatch.replan.base import BasePlan
    from dispatch.replan.files import ReplanFiles
    from dispatch.replan.replanner import Replan
    from store.repository import DayRepository, StaleBase, VersionInfo

app = typer.Typer()

STAGES: dict[str, tuple[str, str]] = {
    "read": ("读取计划日与基准计划", "reading the day and the base plan"),
    "state": ("冻结已发生的行程", "freezing what has happened"),
    "groups": ("按事件重新分组", "regrouping with the events"),
    "network": ("路网与行驶时间", "roads and travel times"),
    "solve": ("重新规划其余行程", "re-planning the rest"),
    "assemble": ("合成新版本", "assembling the new version"),
    "write": ("写出新版本与变更", "writing the version and the changes"),
    "map": ("绘制对比线路图", "drawing the map against the parent"),
    "done": ("完成", "done"),
}

AtOption = Annotated[
    str,
    typer.Option(
        "--at",
        help="Clock time of the re-plan, HH:MM on the planning day (or ISO 8601): what "
        "happened by then is frozen, the events known by then apply.",
        show_default=False,
    ),
]
EventsOption = Annotated[
    Path | None,
    typer.Option(
        "--events",
        exists=True,
        help="Events: a folder with events.csv (and walk_ins.csv), an .xlsx workbook (sheets "
        "events, walk_ins) or a .yaml file (docs/API.md, Events). Default: none.",
    ),
]
BaseOption = Annotated[
    Path | None,
    typer.Option(
        "--base",
        exists=True,
        help="The plan folder to start from (written by `charter plan` or `charter replan`); "
        "without it, DAY is a date and the base is a version in the day store.",
        show_default=False,
    ),
]
DayOrDateArgument = Annotated[
    str,
    typer.Argument(
        metavar="DAY",
        help="A day folder (CSV files + policy.toml) or .xlsx workbook, with --base; or a "
        "planning date YYYY-MM-DD in the day store, without --base.",
        show_default=False,
    ),
]
BaseVersionOption = Annotated[
    int | None,
    typer.Option(
        "--base-version",
        min=1,
        help="The stored version to re-plan (default: the day's latest).",
        show_default=False,
    ),
]
AllowStaleOption = Annotated[
    bool,
    typer.Option(
        "--allow-stale-base",
        help="Re-plan a stored version that is no longer the day's latest (the new version "
        "branches from it); without it, that is refused.",
    ),
]


@dataclasses.dataclass(frozen=True, slots=True)
class ReplanRun:
    """A finished re-plan: the result, the files and how long it took."""

    replan: Replan
    files: ReplanFiles
    map_html: Path
    seconds: float
    warnings: tuple[str, ...]
    saved: VersionInfo | None = None
    stale: str | None = None


def clock_time(day: Day, text: str) -> dt.datetime:
    """``--at`` on the planning day (``InputError`` naming the option if it is not a time)."""
    from dispatch.replan.state import clock_of_day

    when = clock_of_day(day, text)
    if when is None:
        raise InputError(
            f"--at {text!r} is not a time of the planning day {day.date.isoformat()} — "
            "give HH:MM (e.g. 12:00) or an ISO 8601 local time"
        )
    return when


def run_replan(
    read_day: Callable[[], Day],
    read_base: Callable[[Day], tuple[BasePlan, PlanDocument]],
    *,
    at: str,
    events_file: Path | None,
    options: PlanOptions,
    progress: Progress | None,
) -> ReplanRun:
    """Re-plan the day ``read_day`` gives from the base ``read_base`` gives (with its
    plan.json, which the map is drawn against) and write the new version's folder and map."""
    from dispatch.outputs.atomic import output_lock
    from dispatch.outputs.plan_folder import MAP_HTML, PlanFiles
    from dispatch.outputs.targets import check_all, plan_folder_problems
    from dispatch.plan import Plan
    from dispatch.replan.event_tables import read_events
    from dispatch.replan.events import EventLog
    from dispatch.replan.files import write_replan
    from dispatch.replan.replanner import replan_day
    from maps.from_plan import write_plan_map

    check_all(plan_folder_problems(options.out))  # before anything is read or planned
    lang = options.lang
    started = time.perf_counter()
    task = None if progress is None else progress.add_task(pick(STAGES["read"], lang), total=1.0)

    def show(name: str, fraction: float) -> None:
        if progress is not None and task is not None:
            label = pick(STAGES.get(name, (name, name)), lang)
            progress.update(task, description=label, completed=fraction)

    with output_lock(options.out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        day = read_day()
        when = clock_time(day, at)
        base, parent = read_base(day)
        events = read_events(events_file, day) if events_file is not None else EventLog()
        replan = replan_day(
            day,
            base,
            events,
            at=when,
            on_stage=lambda name, f: show(name, PLANNING_SHARE * f),
        )
        show("write", PLANNING_SHARE)

        def draw_map(plan: Plan, plan_files: PlanFiles) -> None:
            show("map", (1.0 + PLANNING_SHARE) / 2)
            write_plan_map(plan, plan_files, lang=lang, parent=parent)

        files = write_replan(replan, options.out, lang=lang, unmask=options.unmask, after=draw_map)
        map_html = files.folder / MAP_HTML
        show("done", 1.0)
    notes = tuple(sorted({str(w.message) for w in caught if issubclass(w.category, InputWarning)}))
    return ReplanRun(replan, files, map_html, time.perf_counter() - started, notes)


def folder_reader(
    source: Path, base_dir: Path, options: PlanOptions
) -> tuple[Callable[[], Day], Callable[[Day], tuple[BasePlan, PlanDocument]]]:
    """The readers of a re-plan from files: the day folder, and the plan folder as the base."""
    from dispatch.outputs.plan_json import read_plan_json
    from dispatch.replan.base import read_base

    def base_of(day: Day) -> tuple[BasePlan, PlanDocument]:
        return read_base(base_dir, day), read_plan_json(base_dir)

    return lambda: load_day(source, options), base_of


def _json(run: ReplanRun) -> dict[str, object]:
    from dispatch.replan.files import diff_document

    document = diff_document(run.replan)
    files = run.files
    return {
        "code": int(ExitCode.OK),
        "parent": document["parent"],
        "at": document["at"],
        "events": document["events"],
        "notes": document["notes"],
        "changes": document["summary"],
        "summary": dataclasses.asdict(files.plan.document.summary),
        "solve_seconds": round(run.replan.solve_seconds, 2),
        "wall_seconds": round(run.seconds, 2),
        "files": {
            "folder": str(files.folder),
            "plan_json": str(files.plan.plan_json),
            "diff_json": str(files.diff_json),
            "diff_workbook": str(files.diff_workbook),
            "amendments": None if files.amendments is None else str(files.amendments),
            "map": str(run.map_html),
        },
        "warnings": list(run.warnings),
        **({"store": _saved_json(run.saved)} if run.saved else {}),
        **({"stale_base": run.stale} if run.stale else {}),
    }


def _saved_json(saved: VersionInfo) -> dict[str, object]:
    return {
        "date": saved.date.isoformat(),
        "version": saved.version,
        "parent_version": saved.parent_version,
    }


def render(run: ReplanRun, output: Output, lang: Lang) -> None:
    """Print what changed, the new version's KPIs and the files."""
    from dispatch.outputs.labels import kpi_rows

    if output.as_json:
        output.json(_json(run))
        return
    replan = run.replan
    diff = replan.diff
    day = replan.plan.day
    at = replan.at.strftime("%H:%M")
    title = pick(("重新规划", "Re-plan"), lang) + f" {day.date.isoformat()} {at}"
    head = [pick(("项目", "item"), lang), pick(("数量", "count"), lang)]
    rows: list[tuple[str, object]] = [(pick(("上一版本", "parent"), lang), diff.parent)]
    rows += [(f"events {kind}", n) for kind, n in replan.applied.counts().items()]
    if replan.pending:
        rows.append((pick(("尚未获知的事件", "events not yet known"), lang), len(replan.pending)))
    counts = diff.counts()
    rows += [
        (pick(("待运送员工", "workers still to move"), lang), counts["workers_to_move"]),
        (
            pick(("安排改变的员工", "workers whose bus or time changed"), lang),
            f"{counts['workers_changed']} ({diff.changed_share:.1%}; "
            f"{counts['workers_changed_by_events']} by the events)",
        ),
    ]
    rows += [(key, value) for key, value in counts.items() if key.startswith(("trips_", "buses_"))]
    output.table(title, head, rows)
    kpi_head = [pick(p, lang) for p in (("指标", "item"), ("数值", "value"), ("单位", "unit"))]
    output.table(pick(("新版本", "New version"), lang), kpi_head, kpi_rows(replan.plan.kpis, lang))
    console = output.console
    for note in (*replan.notes, *run.warnings):
        console.print(f"[yellow]note:[/yellow] {escape(note)}")
    files = run.files
    console.print(f"{pick(('已写入', 'wrote'), lang)} {escape(str(files.folder))}")
    shown = [files.plan.plan_json, files.diff_json, files.diff_workbook]
    shown += [files.amendments] if files.amendments is not None else []
    for path in (*shown, run.map_html):
        console.print(f"  {escape(str(path))}")
    console.print(
        f"{pick(('用时', 'took'), lang)} {run.seconds:.1f} s "
        f"({pick(('求解', 'solve'), lang)} {replan.solve_seconds:.1f} s)"
    )
    if run.stale is not None:
        console.print(f"[yellow]warning:[/yellow] {escape(run.stale)}")
    if run.saved is not None:
        console.print(saved_text(run.saved, lang))


def _stored_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"DAY {text!r} is not a planning date: without --base, give the date of a stored "
            "day (YYYY-MM-DD, charter days list); to re-plan from files, give the day folder "
            "and --base PLANDIR"
        ) from None


def _day_path(text: str) -> Path:
    from stations.files import special_file

    path = Path(text)
    if not path.exists():
        raise InputError(
            f"DAY {text!r} does not exist — give the day folder or workbook the base plan "
            "was planned from (with --base), or a stored date without --base"
        )
    kind = special_file(path)
    if kind is not None:
        raise InputError(f"DAY {text} is {kind}, not a file: give a regular file")
    return path


def _given(options: PlanOptions, **extra: object) -> tuple[tuple[str, str], ...]:
    """The options as the store keeps them (only those given)."""
    from charter.commands.planning import given_options

    more = tuple(
        (f"--{name.replace('_', '-')}", "" if value is True else str(value))
        for name, value in extra.items()
        if value is not None and value is not False
    )
    return more + given_options(options)


def _check_stale(stale: StaleBase | None, allow: bool) -> str | None:
    """Refuse a stale base unless allowed; the warning to show when allowed."""
    if stale is None:
        return None
    error = stale.error(local_time(stale.latest.created_at))
    if not allow:
        raise error
    problem = error.problems[0]
    return f"version {problem.value} {problem.message}; re-planned from it as asked"


def _with_flags(day: Day, options: PlanOptions) -> Day:
    """The stored day under the policy flags and --policy file given now."""
    from dispatch.policy import resolve_policy

    flags = {"time_limit_s": options.time_limit, "seed": options.seed, "effort": options.effort}
    return day.replace(policy=resolve_policy(flags, file=options.policy_file, base=day.policy))


def replan_stored(
    store: DayRepository,
    date: dt.date,
    *,
    at: str,
    events_file: Path | None,
    base_version: int | None,
    allow_stale_base: bool,
    options: PlanOptions,
    progress: Progress | None,
) -> ReplanRun:
    """Re-plan version ``base_version`` (None: the latest) of ``date`` in ``store`` and save
    the new version as its child, with the events as given and the diff."""
    from store.replan import replan_source

    stale = None
    if base_version is not None:
        stale = _check_stale(store.stale_base(date, base_version), allow_stale_base)
    sources = []

    def read_day() -> Day:
        sources.append(replan_source(store, date, base_version, personal=True))
        return _with_flags(sources[0].day, options)

    def read_base(day: Day) -> tuple[BasePlan, PlanDocument]:
        return sources[0].base, sources[0].document

    run = run_replan(
        read_day, read_base, at=at, events_file=events_file, options=options, progress=progress
    )
    given = _given(
        options,
        at=at,
        events=events_file,
        base_version=base_version,
        allow_stale_base=allow_stale_base,
    )
    parent = sources[0].version.version
    return _saved(store, run, parent, events_file, given, allow_stale_base, stale)


def _saved(
    store: DayRepository,
    run: ReplanRun,
    parent: int,
    events_file: Path | None,
    given: tuple[tuple[str, str], ...],
    allow_stale_base: bool,
    stale: str | None,
) -> ReplanRun:
    """Save the run's new version as the child of ``parent`` (with its events and diff)."""
    from store.replan import event_files, save_replan

    saved = save_replan(
        store,
        run.replan,
        parent=parent,
        events=event_files(events_file),
        options=given,
        document=run.files.plan.document,
        latest_parent=not allow_stale_base,
    )
    return dataclasses.replace(run, saved=saved, stale=stale)


def replan_files_to_store(
    store: DayRepository,
    source: Path,
    base_dir: Path,
    *,
    at: str,
    events_file: Path | None,
    allow_stale_base: bool,
    options: PlanOptions,
    progress: Progress | None,
) -> ReplanRun:
    """Re-plan from files as ``charter replan`` does without a store, and save the new
    version as the child of the stored version whose plan.json is ``base_dir``'s (refused,
    before planning, when none is: the store could not say what the version re-plans)."""
    from dispatch.outputs.plan_json import read_plan_json
    from store.errors import StoreError, problem
    from store.replan import plan_folder_version

    date = read_plan_json(base_dir).date
    parent = plan_folder_version(store, date, base_dir)
    if parent is None:
        raise StoreError(
            problem(
                f"--base {base_dir}",
                None,
                f"is not a version of {date.isoformat()} in the day store {store.location.shown} "
                "(no stored plan.json is this one, byte for byte)",
                f"re-plan a stored version (charter replan {date.isoformat()} --store --at …), "
                "save the base first (charter plan DAY --store), or re-plan from files only "
                "(--no-store)",
            )
        )
    stale = _check_stale(store.stale_base(date, parent.version), allow_stale_base)
    run = run_replan(
        *folder_reader(source, base_dir, options),
        at=at,
        events_file=events_file,
        options=options,
        progress=progress,
    )
    given = _given(
        options, at=at, events=events_file, base=base_dir, allow_stale_base=allow_stale_base
    )
    return _saved(store, run, parent.version, events_file, given, allow_stale_base, stale)


@app.command("replan")
def replan_command(
    day: DayOrDateArgument,
    at: AtOption,
    out: PlanFolderOption,
    base: BaseOption = None,
    events: EventsOption = None,
    store: StoreFlag = None,
    db: DbOption = None,
    base_version: BaseVersionOption = None,
    allow_stale_base: AllowStaleOption = False,
    lang: LangOption = Lang.BOTH,
    time_limit: TimeLimitOption = None,
    effort: EffortOption = None,
    seed: SeedOption = None,
    policy_file: PolicyOption = None,
    unmask: UnmaskOption = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Re-plan a day at --at with the events known by then, from the plan folder --base or
    (DAY a date, no --base) from the day's latest version in the day store (--base-version N:
    another): the new version, diff.json/xlsx and the amended notices in --out. Through the
    store, or with --store and a --base that is a stored version, the new version is saved
    as the next version of the day, child of its base."""
    options = PlanOptions(out, lang, time_limit, seed, policy_file, unmask, effort)
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    if base is None:
        if store is False:
            raise InputError(
                "--no-store without --base: give --base PLANDIR to re-plan from files, or "
                "leave out --no-store to re-plan a version of the day store"
            )
        date = _stored_date(day)
        with day_store(db) as opened, output.progress() as progress:
            run = replan_stored(
                opened,
                date,
                at=at,
                events_file=events,
                base_version=base_version,
                allow_stale_base=allow_stale_base,
                options=options,
                progress=progress,
            )
        render(run, output, lang)
        return
    if base_version is not None:
        raise InputError(
            "--base-version picks a stored version to re-plan: give it without --base "
            "(charter replan DATE --store --base-version N)"
        )
    source = _day_path(day)
    if out.resolve() == base.resolve():
        raise InputError(
            f"--out {out} is the base plan folder — give a new folder: the parent version "
            "stays as it is"
        )
    opening = day_store(db) if wants_store(store, db) else nullcontext()
    with opening as opened, output.progress() as progress:
        if opened is None:
            run = run_replan(
                *folder_reader(source, base, options),
                at=at,
                events_file=events,
                options=options,
                progress=progress,
            )
        else:
            run = replan_files_to_store(
                opened,
                source,
                base,
                at=at,
                events_file=events,
                allow_stale_base=allow_stale_base,
                options=options,
                progress=progress,
            )
    render(run, output, lang)
