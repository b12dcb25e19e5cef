"""The ``charter template`` and ``charter check`` commands: a blank day workbook, and
validating a day without planning it."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from charter.cli import app
from charter.console import JsonOption, LangOption, Output, QuietOption
from charter.exitcodes import ExitCode
from dispatch.charters.summary import DaySummary, summarise
from dispatch.intake.reader import read_day
from dispatch.intake.template import write_template
from dispatch.policy import resolve_policy
from dispatch.preflight import check_day
from stations.errors import InputError, InputProblem, InputWarning
from stations.lang import Lang

LABELS: dict[str, tuple[str, str]] = {
    "date": ("计划日期", "planning date"),
    "registered": ("登记人数", "workers registered"),
    "eligible": ("符合条件", "eligible"),
    "excluded": ("不符合条件", "excluded"),
    "requests": ("派车需求（趟）", "trip requests"),
    "grouped": ("已编组人数", "workers grouped"),
    "unserved": ("无法编组", "unserved before solving"),
    "stations_used": ("到达站点", "arrival stations used"),
    "enterprises": ("用工企业", "employers"),
    "certified": ("已复工备案", "certified"),
    "key_enterprises": ("重点企业", "key enterprises"),
    "depots": ("车场", "depots"),
    "buses": ("客车", "buses"),
    "usable_buses": ("可派客车（持证）", "usable buses (permitted)"),
    "trucks": ("货车", "trucks"),
    "usable_trucks": ("可派货车（持证）", "usable trucks (permitted)"),
    "worker_seats": ("每轮可载员工", "worker places per round"),
    "largest_bus_workers": ("单车最多员工", "most workers per bus"),
    "shipments": ("货运任务", "supply shipments"),
}
GROUPS: dict[str, tuple[str, str]] = {
    "excluded_by_reason": ("不符合原因", "excluded because"),
    "unserved_by_reason": ("无法编组原因", "unserved because"),
    "rejected_by_reason": ("不可派车原因", "vehicles not dispatched because"),
    "exits_by_status": ("卡口状态", "exits by status"),
    "risk_regions_by_level": ("风险地区", "risk regions by level"),
}


@app.command("template")
def template(
    out: Annotated[Path, typer.Argument(help="Workbook to write, e.g. day.xlsx.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Write a blank planning-day workbook (sheets, headers, README, drop-down lists)."""
    if out.exists() and not force:
        raise InputError(
            InputProblem(
                out.name, None, None, str(out), "already exists", "use --force or another name"
            )
        )
    write_template(out)
    Output(quiet=quiet).console.print(f"wrote {escape(str(out))}")


def _label(key: str, lang: Lang) -> str:
    zh, en = LABELS.get(key) or GROUPS[key]
    return zh if lang == Lang.ZH else en


def _rows(summary: DaySummary, lang: Lang) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for field in dataclasses.fields(summary):
        if field.name == "source":
            continue
        value = getattr(summary, field.name)
        if field.name in GROUPS:
            for code, count in value:
                rows.append((f"  {_label(field.name, lang)}: {code}", str(count)))
            continue
        rows.append((_label(field.name, lang), str(value)))
        if field.name == "eligible":
            rows.append((_label("excluded", lang), str(summary.excluded)))
        if field.name == "grouped":
            rows.append((_label("unserved", lang), str(summary.unserved)))
    return rows


def _problem_json(problem: InputProblem) -> dict[str, object]:
    return dataclasses.asdict(problem)


@app.command("check")
def check(
    day: Annotated[
        Path,
        typer.Argument(
            exists=True, help="A day folder (CSV files + policy.toml) or .xlsx workbook."
        ),
    ],
    policy_file: Annotated[
        Path | None,
        typer.Option(
            "--policy", exists=True, dir_okay=False, help="policy.toml overriding the day's."
        ),
    ] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """Validate a planning day only: print its counts, or every problem (exit code 2)."""
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            policy = None
            if policy_file is not None:
                policy = resolve_policy(file=policy_file, base=read_day(day).policy)
            summary = summarise(check_day(read_day(day, policy=policy)))
        except InputError as error:
            if not as_json:
                raise
            output.json(
                {
                    "code": int(ExitCode.INPUT),
                    "error": str(error),
                    "problems": [_problem_json(p) for p in error.problems],
                }
            )
            raise typer.Exit(int(ExitCode.INPUT)) from None
    notes = sorted({str(w.message) for w in caught if issubclass(w.category, InputWarning)})
    if as_json:
        output.json({"code": int(ExitCode.OK), "summary": summary.as_dict(), "warnings": notes})
        return
    title = f"{'计划日检查' if lang == Lang.ZH else 'Day check'}: {summary.source}"
    headers = ("项目", "数量") if lang == Lang.ZH else ("item", "count")
    output.table(title, headers, _rows(summary, lang))
    for note in notes:
        output.console.print(f"[yellow]warning:[/yellow] {escape(note)}")
    verdict = "无输入问题" if lang == Lang.ZH else "no input problems"
    output.console.print(f"[green]{verdict}[/green]")
