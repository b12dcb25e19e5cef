"""The ``charter plan`` and ``charter demo`` commands: plan a day, write the plan folder and its
map, print the KPIs."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from charter import interrupts
from charter.console import Output
from charter.exitcodes import ExitCode
from charter.options import (
    DayArgument,
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
from stations.errors import InputWarning
from stations.lang import Lang, pick

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from dispatch.day import Day
    from dispatch.outputs.plan_folder import PlanFiles
    from dispatch.plan import Plan
    from maps.from_plan import Geometry
    from store.repository import DayRepository, VersionInfo

DEMO_PACKAGE = "scenarios"
DEMO_FOLDER = "demo"
PLANNING_SHARE = 0.85  # of the progress bar; writing files and drawing the map share the rest

app = typer.Typer()

STAGE_LABELS: dict[str, tuple[str, str]] = {
    "write": ("写出计划文件", "writing the plan files"),
    "map": ("绘制线路图", "drawing the route map"),
    "done": ("完成", "done"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class PlanOptions:
    """What the user asked for on the command line."""

    out: Path
    lang: Lang
    time_limit: float | None
    seed: int | None
    policy_file: Path | None
    unmask: bool
    effort: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class PlanRun:
    """A finished run: the plan, the files written and how long it took."""

    plan: Plan
    files: PlanFiles
    map_html: Path
    seconds: float
    warnings: tuple[str, ...]
    saved: VersionInfo | None = None


def load_day(source: Path, options: PlanOptions) -> Day:
    """Read the day once, under its resolved policy: flag > ``--policy`` file > the day's >
    defaults (the file may change intake, e.g. the planning date, so it is resolved before
    the tables are read)."""
    from dispatch.intake.reader import read_day
    from dispatch.policy import resolve_policy

    flags = {"time_limit_s": options.time_limit, "seed": options.seed, "effort": options.effort}
    return read_day(
        source, resolve=lambda own: resolve_policy(flags, file=options.policy_file, base=own)
    )


def _stage_text(name: str, lang: Lang) -> str:
    pair = STAGE_LABELS.get(name)
    return pick(pair, lang) if pair else name


def prepare_map_drawing() -> None:
    """Import the map's modules (folium) and load its background: nothing here needs the
    plan, so the plan does it while its fleet bound finishes on the other core (done before
    the solve, it would delay the bound's start)."""
    from maps.from_plan import prepare_map

    prepare_map()


def run_plan(source: Path, options: PlanOptions, progress: Progress | None) -> PlanRun:
    """Plan the day at ``source``, write the plan folder and ``map.html`` (whole, in one
    step, after checking ``--out`` and taking its lock before anything else).

    Parameters
    ----------
    source
        A day folder or workbook.
    options
        The command-line options.
    progress
        Where to show the stages (None: nowhere).
    """
    from dispatch.outputs.atomic import output_lock
    from dispatch.outputs.plan_folder import MAP_HTML, PlanWriting
    from dispatch.outputs.targets import check_all, plan_folder_problems
    from dispatch.planner import plan_day

    check_all(plan_folder_problems(options.out))  # before anything is read or planned
    lang: Lang = options.lang
    started = time.perf_counter()
    task: TaskID | None = None
    if progress is not None:
        task = progress.add_task(_stage_text("read", lang), total=1.0)

    def show(name: str, fraction: float) -> None:
        if progress is not None and task is not None:
            progress.update(task, description=_stage_text(name, lang), completed=fraction)

    def on_stage(name: str, fraction: float) -> None:
        interrupts.check()  # a Ctrl-C swallowed inside a solver still stops the plan here
        show(name, PLANNING_SHARE * min(max(fraction, 0.0), 1.0))

    geometry: list[Geometry] = []  # the map's road geometry, found beside the bound

    def draw_map(plan: Plan, files: PlanFiles) -> None:
        from maps.from_plan import write_plan_map

        show("map", (1.0 + PLANNING_SHARE) / 2)
        write_plan_map(plan, files, lang=lang, geometry=geometry[0] if geometry else None)

    # One writer per folder: a second run into --out fails now, not after planning.
    with output_lock(options.out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        day = load_day(source, options)
        with PlanWriting(options.out, lang=lang, unmask=options.unmask, after=draw_map) as writing:

            def meanwhile(provisional: Plan) -> None:
                """While the fleet bound finishes on the other core: load the map's
                modules and background, and write what does not show the bound."""
                from maps.from_plan import plan_geometry

                prepare_map_drawing()
                interrupts.check()
                writing.begin(provisional)
                geometry.append(plan_geometry(provisional))  # the routes are final

            plan = plan_day(day, on_stage=on_stage, meanwhile=meanwhile)
            interrupts.check()  # nothing is written after Ctrl-C (the new folder is dropped)
            show("write", PLANNING_SHARE)
            files = writing.finish(plan)
        map_html = files.folder / MAP_HTML
        show("done", 1.0)
    notes = tuple(sorted({str(w.message) for w in caught if issubclass(w.category, InputWarning)}))
    return PlanRun(plan, files, map_html, time.perf_counter() - started, notes)


def _summary_json(run: PlanRun) -> dict[str, object]:
    files = run.files
    return {
        "code": int(ExitCode.OK),
        "summary": dataclasses.asdict(files.document.summary),
        "solve_seconds": round(run.plan.kpis.solve_seconds, 2),
        "wall_seconds": round(run.seconds, 2),
        "files": {
            "folder": str(files.folder),
            "plan_json": str(files.plan_json),
            "workbook": str(files.workbook),
            "csv": [str(p) for p in files.csvs],
            "map": str(run.map_html),
        },
        "warnings": list(run.warnings),
        **({"store": _saved_json(run.saved)} if run.saved else {}),
    }


def _saved_json(saved: VersionInfo) -> dict[str, object]:
    return {"date": saved.date.isoformat(), "version": saved.version}


def _headers(lang: Lang, *pairs: tuple[str, str]) -> list[str]:
    return [pick(pair, lang) for pair in pairs]


def _unserved_text(code: str, lang: Lang) -> str:
    from dispatch.reasons import UnservedReason, reason_text

    reason = UnservedReason(code)
    return pick((reason_text(reason, Lang.ZH), reason_text(reason, Lang.EN)), lang)


def _shipment_text(code: str, lang: Lang) -> str:
    from dispatch.reasons import ShipmentReason, reason_text

    reason = ShipmentReason(code)
    return pick((reason_text(reason, Lang.ZH), reason_text(reason, Lang.EN)), lang)


def _excluded_text(code: str, lang: Lang) -> str:
    from dispatch.outputs.disclosure import PublicExclusion, public_text

    reason = PublicExclusion(code)
    return pick((public_text(reason, Lang.ZH), public_text(reason, Lang.EN)), lang)


def render(run: PlanRun, output: Output, lang: Lang) -> None:
    """Print the KPI table (workers, and shipments on a day with any), the unserved and
    excluded workers and the unserved shipments by reason, and the files."""
    from dispatch.outputs.labels import advice_rows, kpi_rows

    if output.as_json:
        output.json(_summary_json(run))
        return
    document = run.files.document
    name = (
        ("包车与物资运输计划", "Charter and supply plan")
        if document.deliveries or (document.unserved_shipments)
        else ("包车计划", "Charter plan")
    )
    title = f"{pick(name, lang)} {document.date.isoformat()}"
    head = _headers(lang, ("指标", "item"), ("数值", "value"), ("单位", "unit"))
    output.table(title, head, kpi_rows(run.plan.kpis, lang))
    kpis = run.plan.kpis
    if kpis.fleet_lower_bound is not None:
        output.console.print(
            escape(
                pick(
                    (
                        f"客车下界：运送已服务行程任何方案至少需 {kpis.fleet_lower_bound} 辆；"
                        f"服务全部需求至少需 {kpis.buses_needed_all} 辆"
                        f"（可派 {kpis.buses_usable} 辆）。",
                        f"Bus bounds: no plan serves the trips served with fewer than "
                        f"{kpis.fleet_lower_bound} buses; serving every request needs at least "
                        f"{kpis.buses_needed_all} ({kpis.buses_usable} usable).",
                    ),
                    lang,
                )
            )
        )
    if run.plan.advice:
        advice_head = _headers(
            lang, ("建议", "what would serve the rest"), ("人数", "workers"), ("", "")
        )
        output.table(
            pick(("建议（重新规划测得）", "Advice (measured by planning again)"), lang),
            advice_head,
            advice_rows(run.plan.advice, lang),
        )
    reason_head = _headers(lang, ("原因代码", "reason"), ("说明", "meaning"), ("人数", "workers"))
    by_reason = (
        (("未运送原因", "Unserved by reason"), document.summary.unserved_by_reason, _unserved_text),
        (
            ("不符合条件原因", "Excluded by reason"),
            document.summary.excluded_by_reason,
            _excluded_text,
        ),
    )
    for table_title, counts, describe in by_reason:
        if counts:
            rows = [(code, describe(code, lang), n) for code, n in counts.items()]
            output.table(pick(table_title, lang), reason_head, rows)
    shipments = document.summary.shipments_unserved_by_reason
    if shipments:
        head = _headers(lang, ("原因代码", "reason"), ("说明", "meaning"), ("运单", "shipments"))
        rows = [(code, _shipment_text(code, lang), n) for code, n in shipments.items()]
        output.table(pick(("未承运原因", "Unserved shipments by reason"), lang), head, rows)
    console = output.console
    for note in run.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(note)}")
    files = run.files
    console.print(f"{pick(('已写入', 'wrote'), lang)} {escape(str(files.folder))}")
    for path in (files.plan_json, files.workbook, files.folder / "csv", run.map_html):
        console.print(f"  {escape(str(path))}")
    console.print(f"{pick(('用时', 'took'), lang)} {run.seconds:.1f} s")
    if run.saved is not None:
        console.print(saved_text(run.saved, lang))


def saved_text(saved: VersionInfo, lang: Lang) -> str:
    """The line saying where a version was saved: ``saved in the day store: 2020-02-24 v2
    (parent v1) (2020-02-24 12:03)``."""
    parent = pick(("上一版本", "parent"), lang)
    parent = f" ({parent} v{saved.parent_version})" if saved.parent_version is not None else ""
    return (
        pick(("已存入计划库", "saved in the day store"), lang)
        + f": {saved.date.isoformat()} v{saved.version}{parent} ({local_time(saved.created_at)})"
    )


def given_options(options: PlanOptions) -> tuple[tuple[str, str], ...]:
    """The options as the store keeps them (only those given)."""
    given = (
        ("--out", options.out),
        ("--lang", options.lang.value),
        ("--time-limit", options.time_limit),
        ("--effort", options.effort),
        ("--seed", options.seed),
        ("--policy", options.policy_file),
        ("--unmask", options.unmask or None),
    )
    return tuple((name, str(value)) for name, value in given if value is not None)


def save_run(
    store: DayRepository, run: PlanRun, source: Path, options: PlanOptions, *, command: str
) -> PlanRun:
    """Save the run's day and plan as the day's next version in ``store``."""
    from store.provenance import provenance_of
    from store.repository import Provenance, RunOptions

    provenance = provenance_of(source)
    if command == "demo":
        provenance = Provenance("demo", provenance.files)
    saved = store.save_plan(
        run.plan,
        provenance=provenance,
        options=RunOptions(command, given_options(options)),
        document=run.files.document,
    )
    return dataclasses.replace(run, saved=saved)


def _plan_and_render(
    source: Path,
    options: PlanOptions,
    quiet: bool,
    as_json: bool,
    *,
    save_as: str | None = None,
    db: str | None = None,
) -> None:
    """Plan, write, and print; with ``save_as`` (the command's name) also save the day and
    the plan in the day store ``db``, opened before planning so that a store that cannot be
    used fails at once."""
    output = Output(quiet=quiet, as_json=as_json, lang=options.lang)
    with day_store(db) if save_as else nullcontext() as store:
        with output.progress() as progress:
            run = run_plan(source, options, progress)
        if store is not None and save_as is not None:
            run = save_run(store, run, source, options, command=save_as)
    render(run, output, options.lang)


@app.command("plan")
def plan_command(
    day: DayArgument,
    out: PlanFolderOption,
    lang: LangOption = Lang.BOTH,
    time_limit: TimeLimitOption = None,
    effort: EffortOption = None,
    seed: SeedOption = None,
    policy_file: PolicyOption = None,
    unmask: UnmaskOption = False,
    store: StoreFlag = None,
    db: DbOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Plan a day: plan.json, plan.xlsx, csv/ and map.html in --out; print the KPIs; with
    --store, keep the day and the plan in the day store."""
    options = PlanOptions(out, lang, time_limit, seed, policy_file, unmask, effort)
    save_as = "plan" if wants_store(store, db) else None
    _plan_and_render(day, options, quiet, as_json, save_as=save_as, db=db)


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.is_dir():
            _copy_tree(item, target / item.name)
        else:
            (target / item.name).write_bytes(item.read_bytes())


@contextmanager
def demo_day() -> Iterator[Path]:
    """The embedded demo day (package data of ``scenarios``) as a folder on disk."""
    folder = resources.files(DEMO_PACKAGE) / DEMO_FOLDER
    if isinstance(folder, Path):
        yield folder
        return
    scratch = Path(tempfile.mkdtemp(prefix="charter-demo-"))
    try:
        _copy_tree(folder, scratch / DEMO_FOLDER)
        yield scratch / DEMO_FOLDER
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@app.command("demo")
def demo_command(
    out: PlanFolderOption = Path("demo-plan"),
    lang: LangOption = Lang.BOTH,
    time_limit: TimeLimitOption = None,
    effort: EffortOption = None,
    seed: SeedOption = None,
    policy_file: PolicyOption = None,
    unmask: UnmaskOption = False,
    store: StoreFlag = None,
    db: DbOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Plan the embedded demo day (about 4,000 workers, Suzhou) and print the KPIs; with
    --store, keep it in the day store."""
    options = PlanOptions(out, lang, time_limit, seed, policy_file, unmask, effort)
    save_as = "demo" if wants_store(store, db) else None
    with demo_day() as folder:
        _plan_and_render(folder, options, quiet, as_json, save_as=save_as, db=db)
