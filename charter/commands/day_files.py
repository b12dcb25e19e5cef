"""The ``charter template`` and ``charter check`` commands: a blank day workbook, and
validating a day without planning it."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from charter.console import Output
from charter.exitcodes import ExitCode
from charter.options import DayArgument, JsonOption, LangOption, PolicyOption, QuietOption
from stations.errors import InputError, InputProblem, InputWarning
from stations.lang import Lang, pick

if TYPE_CHECKING:
    from dispatch.charters.summary import DaySummary

app = typer.Typer()

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
    from dispatch.intake.template import write_template
    from dispatch.outputs.targets import check_all, file_problems

    check_all(
        file_problems(out, option="OUT", overwrite=force, create_folders=False, suffix=".xlsx")
    )
    write_template(out)
    Output(quiet=quiet).console.print(f"wrote {escape(str(out))}")


def _label(key: str, lang: Lang) -> str:
    return pick(LABELS.get(key) or GROUPS[key], lang)


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
    day: DayArgument,
    policy_file: PolicyOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """Validate a planning day only: print its counts, or every problem (exit code 2)."""
    from dispatch.charters.summary import summarise
    from dispatch.intake.reader import read_day
    from dispatch.policy import resolve_policy
    from dispatch.preflight import check_day

    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            read = read_day(day, resolve=lambda own: resolve_policy(file=policy_file, base=own))
            summary = summarise(check_day(read))
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
    title = f"{pick(('计划日检查', 'Day check'), lang)}: {summary.source}"
    headers = (pick(("项目", "item"), lang), pick(("数量", "count"), lang))
    output.table(title, headers, _rows(summary, lang))
    for note in notes:
        output.console.print(f"[yellow]warning:[/yellow] {escape(note)}")
    verdict = pick(("无输入问题", "no input problems"), lang)
    output.console.print(f"[green]{verdict}[/green]")
