"""The ``charter days`` commands: the planning days kept in the day store — list them, show a
version (and write its plan folder again), export a day to one file and import it back, and
read the audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from charter.console import Output
from charter.exitcodes import ExitCode
from charter.options import DateArgument, DbOption, JsonOption, LangOption, QuietOption
from charter.store_access import day_store, local_time
from stations.lang import Lang, pick

if TYPE_CHECKING:
    from dispatch.outputs.plan_folder import PlanFiles
    from dispatch.plan import Plan
    from store.repository import (
        DayInfo,
        ImportInfo,
        StoredScenario,
        StoredVersion,
        VersionInfo,
    )

app = typer.Typer(help="Planning days kept in the day store.", no_args_is_help=True)

VersionOption = Annotated[
    int | None,
    typer.Option("--version", "-n", min=1, help="Version number (default: the latest)."),
]


def _head(lang: Lang, *pairs: tuple[str, str]) -> list[str]:
    return [pick(pair, lang) for pair in pairs]


def _personal(rows: int, lang: Lang) -> str:
    return pick((f"{rows} 条（已遮蔽）", f"{rows} rows (masked)"), lang) if rows else "–"


def _day_row(day: DayInfo, lang: Lang) -> tuple[object, ...]:
    latest = day.latest
    return (
        day.date.isoformat(),
        day.versions,
        latest.workers_registered,
        latest.workers_transported,
        latest.workers_excluded,
        latest.workers_unserved,
        latest.buses_used,
        f"{latest.cost_cny:,.0f}",
        f"{local_time(latest.created_at)} {latest.created_by}",
        _personal(day.personal_rows, lang),
    )


def _day_json(day: DayInfo) -> dict[str, object]:
    latest = day.latest
    return {
        "date": day.date.isoformat(),
        "versions": day.versions,
        "latest": _version_json(latest),
        "personal_rows": day.personal_rows,
    }


def _version_json(info: VersionInfo) -> dict[str, object]:
    return {
        "version": info.version,
        "parent_version": info.parent_version,
        "created_at": info.created_at.isoformat(timespec="seconds") + "Z",
        "created_by": info.created_by,
        "command": info.command,
        "inputs": info.import_checksum,
        "workers_registered": info.workers_registered,
        "workers_transported": info.workers_transported,
        "workers_excluded": info.workers_excluded,
        "workers_unserved": info.workers_unserved,
        "buses_used": info.buses_used,
        "trips": info.trips,
        "cost_cny": round(info.cost_cny, 2),
        "subsidy_cny": round(info.subsidy_cny, 2),
    }


@app.command("list")
def list_command(
    db: DbOption = None,
    lang: LangOption = Lang.BOTH,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """List the stored days: versions, the latest version's figures, who saved it when."""
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    with day_store(db) as store:
        days = store.days()
        location = store.location.shown
    if output.as_json:
        output.json(
            {"code": int(ExitCode.OK), "store": location, "days": [_day_json(d) for d in days]}
        )
        return
    head = _head(
        lang,
        ("日期", "date"),
        ("版本数", "versions"),
        ("登记", "registered"),
        ("运送", "transported"),
        ("不符合条件", "excluded"),
        ("未运送", "unserved"),
        ("客车", "buses"),
        ("费用（元）", "cost CNY"),
        ("最新版本保存", "latest saved"),
        ("个人信息", "personal data"),
    )
    title = pick(("计划库", "Day store"), lang) + f" {location}"
    output.table(title, head, [_day_row(d, lang) for d in days])
    if not days:
        output.console.print(
            pick(
                (
                    "库中尚无计划：charter plan DAY --store 保存一天。",
                    "No days stored yet: charter plan DAY --store saves one.",
                ),
                lang,
            )
        )


def _inputs_rows(inputs: ImportInfo, lang: Lang) -> list[tuple[str, str]]:
    purged = inputs.personal_purged_at
    personal = (
        pick(("已清除 ", "purged "), lang) + local_time(purged)
        if purged
        else _personal(inputs.personal_rows, lang)
    )
    rows = [
        (pick(("来源", "source"), lang), inputs.provenance.source),
        (
            pick(("导入", "imported"), lang),
            f"{local_time(inputs.imported_at)} {inputs.imported_by}",
        ),
        (pick(("内容校验和", "content checksum"), lang), inputs.checksum),
        (pick(("个人信息", "personal data"), lang), personal),
    ]
    rows += [(f"  {f.name}", f"sha256 {f.sha256} ({f.size:,} B)") for f in inputs.provenance.files]
    rows += [
        (pick(("表", "table"), lang) + f" {name}", str(count)) for name, count in inputs.tables
    ]
    return rows


def _show_json(
    stored: StoredVersion, versions: tuple[VersionInfo, ...], folder: Path | None
) -> dict[str, object]:
    import dataclasses

    inputs = stored.inputs
    return {
        "code": int(ExitCode.OK),
        "date": stored.info.date.isoformat(),
        "version": _version_json(stored.info),
        "versions": [_version_json(v) for v in versions],
        "summary": dataclasses.asdict(stored.document.summary),
        "options": {
            "command": stored.options.command,
            "options": [list(o) for o in stored.options.options],
        },
        "inputs": {
            "checksum": inputs.checksum,
            "source": inputs.provenance.source,
            "files": [dataclasses.asdict(f) for f in inputs.provenance.files],
            "imported_by": inputs.imported_by,
            "personal_rows": inputs.personal_rows,
        },
        **({"replan": _replan_json(stored)} if stored.options.replan else {}),
        **({"folder": str(folder)} if folder else {}),
    }


def _replan_json(stored: StoredVersion) -> dict[str, object]:
    import json

    record = stored.options.replan
    assert record is not None
    return {
        "summary": record.summary(stored.info.parent_version),
        "parent_version": stored.info.parent_version,
        "base": record.base,
        "at": record.at.isoformat(timespec="minutes"),
        "events": [{"name": f.name, "sha256": f.sha256} for f in record.events],
        "applied": dict(record.applied),
        "pending": record.pending,
        "changes": dict(record.changes),
        "diff": json.loads(record.diff) if record.diff else None,
    }


def _replan_rows(stored: StoredVersion, lang: Lang) -> list[tuple[str, str]]:
    """The re-plan a version is: of which version, when, what changed, with which events."""
    record = stored.options.replan
    if record is None:
        return []
    rows = [(pick(("重新规划", "re-plan"), lang), record.summary(stored.info.parent_version))]
    applied = ", ".join(f"{kind} {n}" for kind, n in record.applied) or "–"
    pending = f"; {record.pending} pending" if record.pending else ""
    rows.append((pick(("已应用事件", "events applied"), lang), applied + pending))
    rows += [(f"  {f.name}", f"sha256 {f.sha256}") for f in record.events]
    return rows


def write_folder(plan: Plan, out: Path, lang: Lang) -> Path:
    """Write the plan folder (and its map) of a stored plan, personal data masked."""
    from dispatch.outputs.plan_folder import write_plan
    from maps.from_plan import write_plan_map

    def draw_map(plan: Plan, files: PlanFiles) -> None:
        write_plan_map(plan, files, lang=lang)

    return write_plan(plan, out, lang=lang, unmask=False, after=draw_map).folder


@app.command("show")
def show_command(
    date: DateArgument,
    version: VersionOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the version's plan folder (plan.json, plan.xlsx, csv/, map.html) again "
            "from the store, personal data masked.",
        ),
    ] = None,
    db: DbOption = None,
    lang: LangOption = Lang.BOTH,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Show a stored plan version: its KPIs, the day's versions and its inputs; --out writes
    its plan folder again."""
    from dispatch.outputs.labels import kpi_rows
    from dispatch.outputs.targets import check_all, plan_folder_problems

    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    if out is not None:
        check_all(plan_folder_problems(out))  # before the store is read
    day = date.date()
    with day_store(db) as store:
        stored = store.version(day, version)
        versions = store.versions(day)
        plan = store.load_plan(day, stored.info.version, personal=True) if out else None
        scenarios = store.scenarios(day)
    folder = write_folder(plan, out, lang) if plan is not None and out is not None else None
    if output.as_json:
        output.json(_show_json(stored, versions, folder) | _scenarios_json(scenarios))
        return
    info = stored.info
    title = pick(("计划", "Plan"), lang) + f" {day.isoformat()} v{info.version}"
    output.table(
        title,
        _head(lang, ("指标", "item"), ("数值", "value"), ("单位", "unit")),
        kpi_rows(stored.kpis, lang),
    )
    head = _head(
        lang,
        ("版本", "version"),
        ("上一版本", "parent"),
        ("保存", "saved"),
        ("命令", "command"),
        ("运送", "transported"),
        ("未运送", "unserved"),
        ("客车", "buses"),
        ("费用（元）", "cost CNY"),
    )
    rows = [
        (
            ("▶ " if v.version == info.version else "") + str(v.version),
            v.parent_version or "–",
            f"{local_time(v.created_at)} {v.created_by}",
            v.command,
            v.workers_transported,
            v.workers_unserved,
            v.buses_used,
            f"{v.cost_cny:,.0f}",
        )
        for v in versions
    ]
    output.table(pick(("版本", "Versions"), lang), head, rows)
    options = " ".join(f"{k} {v}" for k, v in stored.options.options)
    inputs = [
        (pick(("命令", "command"), lang), f"charter {stored.options.command} {options}".strip())
    ]
    inputs += _replan_rows(stored, lang)
    inputs += _inputs_rows(stored.inputs, lang)
    output.table(
        pick(("输入", "Inputs"), lang), _head(lang, ("项目", "item"), ("内容", "value")), inputs
    )
    if scenarios:
        output.table(pick(("情景方案", "Scenarios"), lang), *_scenario_table(scenarios, lang))
    if folder is not None:
        output.console.print(f"{pick(('已写入', 'wrote'), lang)} {escape(str(folder))}")


def _scenario_table(
    scenarios: tuple[StoredScenario, ...], lang: Lang
) -> tuple[list[str], list[tuple[object, ...]]]:
    head = _head(
        lang,
        ("运行", "run"),
        ("保存", "saved"),
        ("方案", "scenario"),
        ("运送", "transported"),
        ("未运送", "unserved"),
        ("客车", "buses"),
        ("费用（元）", "cost CNY"),
    )
    rows: list[tuple[object, ...]] = []
    for item in scenarios:
        entry, kpis = item.entry, item.entry.kpis
        name = entry.name + (pick(("（基线）", " (baseline)"), lang) if entry.baseline else "")
        figures: tuple[object, ...] = (
            (
                kpis.workers_transported,
                kpis.workers_unserved,
                kpis.buses_used,
                f"{kpis.cost_cny:,.0f}",
            )
            if kpis
            else (entry.failure or "", "", "", "")
        )
        rows.append(
            (item.run_id, f"{local_time(item.created_at)} {item.created_by}", name, *figures)
        )
    return head, rows


def _scenarios_json(scenarios: tuple[StoredScenario, ...]) -> dict[str, object]:
    return {
        "scenarios": [
            {
                "run": s.run_id,
                "name": s.entry.name,
                "baseline": s.entry.baseline,
                "failure": s.entry.failure,
                "workers_transported": s.entry.kpis.workers_transported if s.entry.kpis else None,
            }
            for s in scenarios
        ]
    }


@app.command("export")
def export_command(
    date: DateArgument,
    file: Annotated[
        Path,
        typer.Argument(help="The file to write, e.g. day-2020-02-24.json.gz.", show_default=False),
    ],
    personal_data: Annotated[
        bool,
        typer.Option(
            "--personal-data",
            help="Include the stored names, id numbers and phones (off by default; audited).",
        ),
    ] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Export a day with its inputs and every version to one file (a backup)."""
    from dispatch.outputs.targets import check_all, file_problems
    from store.archive import write_archive

    output = Output(quiet=quiet, as_json=as_json)
    check_all(file_problems(file, option="FILE", create_folders=False))  # before the store
    with day_store(db) as store:
        archive = store.export_day(date.date(), personal=personal_data)
    write_archive(archive, file)
    if output.as_json:
        output.json(
            {
                "code": int(ExitCode.OK),
                "file": str(file),
                "versions": len(archive.versions),
                "personal_data": personal_data,
            }
        )
        return
    output.console.print(
        f"wrote {escape(str(file))}: {archive.date.isoformat()}, {len(archive.versions)} version(s)"
        + (", with personal data" if personal_data else ", without personal data")
    )


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="A file of charter days export.", show_default=False
        ),
    ],
    db: DbOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Import a day exported by charter days export (versions held already are skipped)."""
    from store.archive import read_archive

    output = Output(quiet=quiet, as_json=as_json)
    archive = read_archive(file)
    with day_store(db) as store:
        report = store.import_day(archive)
    if output.as_json:
        output.json(
            {
                "code": int(ExitCode.OK),
                "date": report.date.isoformat(),
                "added": list(report.added),
                "present": list(report.present),
                "personal_rows": report.personal_rows,
            }
        )
        return
    added = ", ".join(str(n) for n in report.added) or "none"
    output.console.print(
        f"imported {report.date.isoformat()} from {escape(str(file))}: version(s) added {added}"
        + (f"; held already {', '.join(str(n) for n in report.present)}" if report.present else "")
    )


@app.command("log")
def log_command(
    day: Annotated[
        dt.datetime | None,
        typer.Option("--day", formats=["%Y-%m-%d"], help="Only this planning date's entries."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many entries.")] = 50,
    db: DbOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """The audit log: who saved, exported, imported, read personal data or purged, and when."""
    output = Output(quiet=quiet, as_json=as_json)
    with day_store(db) as store:
        entries = store.audit(date=day.date() if day else None, limit=limit)
    if output.as_json:
        output.json(
            {
                "code": int(ExitCode.OK),
                "entries": [
                    {
                        "at": e.at.isoformat(timespec="seconds") + "Z",
                        "user": e.user,
                        "action": e.action,
                        "day": e.day.isoformat() if e.day else None,
                        "version": e.version,
                        "detail": e.detail,
                    }
                    for e in entries
                ],
            }
        )
        return
    rows = [
        (
            local_time(e.at),
            e.user,
            e.action,
            e.day.isoformat() if e.day else "",
            e.version or "",
            e.detail,
        )
        for e in entries
    ]
    output.table("audit log", ["at", "user", "action", "day", "version", "detail"], rows)
