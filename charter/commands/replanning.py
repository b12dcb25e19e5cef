"""The ``charter replan`` command: re-plan a day at a clock time from a base plan folder and
the events known by then; write the new version, the diff and the amended notices; print
what changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from charter.commands.planning import PLANNING_SHARE, PlanOptions, load_day
from charter.console import Output
from charter.exitcodes import ExitCode
from charter.options import (
    DayArgument,
    EffortOption,
    JsonOption,
    LangOption,
    PlanFolderOption,
    PolicyOption,
    QuietOption,
    SeedOption,
    TimeLimitOption,
    UnmaskOption,
)
from stations.errors import InputError, InputWarning
from stations.lang import Lang, pick

if TYPE_CHECKING:
    from rich.progress import Progress

    from dispatch.day import Day
    from dispatch.replan.files import ReplanFiles
    from dispatch.replan.replanner import Replan

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
    Path,
    typer.Option(
        "--base",
        exists=True,
        help="The plan folder to start from (written by `charter plan` or `charter replan`).",
        show_default=False,
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


def clock_time(day: Day, text: str) -> dt.datetime:
    """``--at`` on the planning day (``InputError`` naming the option if it is not a time)."""
    from dispatch.intake.moments import parse_moment

    moment = parse_moment(text)
    when = None if moment is None else moment.on(day.date)
    if when is None or not day.midnight <= when <= day.midnight + dt.timedelta(hours=30):
        raise InputError(
            f"--at {text!r} is not a time of the planning day {day.date.isoformat()} — "
            "give HH:MM (e.g. 12:00) or an ISO 8601 local time"
        )
    return when


def run_replan(
    source: Path,
    *,
    at: str,
    events_file: Path | None,
    base_dir: Path,
    options: PlanOptions,
    progress: Progress | None,
) -> ReplanRun:
    """Re-plan the day at ``source`` and write the new version's folder and map."""
    from dispatch.outputs.atomic import output_lock
    from dispatch.outputs.plan_folder import MAP_HTML, PlanFiles
    from dispatch.outputs.plan_json import read_plan_json
    from dispatch.outputs.targets import check_all, plan_folder_problems
    from dispatch.plan import Plan
    from dispatch.replan.base import read_base
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
        day = load_day(source, options)
        when = clock_time(day, at)
        base = read_base(base_dir, day)
        parent = read_plan_json(base_dir)
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


@app.command("replan")
def replan_command(
    day: DayArgument,
    at: AtOption,
    base: BaseOption,
    out: PlanFolderOption,
    events: EventsOption = None,
    lang: LangOption = Lang.BOTH,
    time_limit: TimeLimitOption = None,
    effort: EffortOption = None,
    seed: SeedOption = None,
    policy_file: PolicyOption = None,
    unmask: UnmaskOption = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Re-plan a day at --at from the plan folder --base with the events known by then:
    the new version, diff.json/xlsx and the amended notices in --out."""
    if out.resolve() == base.resolve():
        raise InputError(
            f"--out {out} is the base plan folder — give a new folder: the parent version "
            "stays as it is"
        )
    options = PlanOptions(out, lang, time_limit, seed, policy_file, unmask, effort)
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    with output.progress() as progress:
        run = run_replan(
            day, at=at, events_file=events, base_dir=base, options=options, progress=progress
        )
    render(run, output, lang)
