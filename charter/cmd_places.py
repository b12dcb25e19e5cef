"""The ``charter stations list`` and ``charter exits list`` commands."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from charter.cli import app
from charter.console import JsonOption, LangOption, Output, QuietOption
from stations.embedded import ATTRIBUTION, default_exits, default_stations
from stations.lang import Lang
from stations.model import Exit, ExitKind, ExitStatus, Registry, Station
from stations.places import read_exits, read_stations

stations_app = typer.Typer(help="Arrival stations.", no_args_is_help=True)
exits_app = typer.Typer(help="Highway exits / checkpoints and their status.", no_args_is_help=True)
app.add_typer(stations_app, name="stations")
app.add_typer(exits_app, name="exits")

SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="XLSX sheet or GeoPackage layer to read.")
]

STATUS_STYLE = {
    ExitStatus.GREEN_CHANNEL: "bold green",
    ExitStatus.OPEN: "cyan",
    ExitStatus.FREIGHT_ONLY: "yellow",
    ExitStatus.CLOSED: "bold red",
}
STATUS_ZH = {
    ExitStatus.GREEN_CHANNEL: "绿色通道",
    ExitStatus.OPEN: "开放",
    ExitStatus.FREIGHT_ONLY: "仅货车",
    ExitStatus.CLOSED: "关闭",
}
KIND_ZH = {ExitKind.BOUNDARY: "市界", ExitKind.JUNCTION: "互通", ExitKind.USER: "用户"}

STATION_HEADERS = {
    Lang.EN: ("id", "name (zh)", "name (en)", "kind", "lon", "lat", "bays"),
    Lang.ZH: ("编号", "站名", "英文名", "类型", "经度", "纬度", "泊位"),
}
EXIT_HEADERS = {
    Lang.EN: ("id", "name", "road", "status", "kind", "illustrative", "delay min", "lon", "lat"),
    Lang.ZH: ("编号", "名称", "道路", "状态", "类型", "示意位置", "延误(分)", "经度", "纬度"),
}


def _coordinate(value: float) -> str:
    return f"{value:.5f}"


def _station_row(station: Station) -> Sequence[object]:
    return (
        station.station_id,
        station.name_zh,
        station.name_en,
        station.kind.value,
        _coordinate(station.lon),
        _coordinate(station.lat),
        station.bays,
    )


def _exit_row(checkpoint: Exit, lang: Lang) -> Sequence[object]:
    status = STATUS_ZH[checkpoint.status] if lang == Lang.ZH else checkpoint.status.value
    kind = KIND_ZH[checkpoint.kind] if lang == Lang.ZH else checkpoint.kind.value
    illustrative = ("是" if lang == Lang.ZH else "yes") if checkpoint.illustrative else ""
    return (
        checkpoint.exit_id,
        checkpoint.name,
        checkpoint.road,
        Text(status, style=STATUS_STYLE[checkpoint.status]),
        kind,
        illustrative,
        "" if checkpoint.delay_min is None else f"{checkpoint.delay_min:g}",
        _coordinate(checkpoint.lon),
        _coordinate(checkpoint.lat),
    )


def _source_line(path: Path | None, lang: Lang) -> str:
    if path is not None:
        return escape(f"{'来源' if lang == Lang.ZH else 'from'} {path}")
    return escape(ATTRIBUTION)


def _exit_summary(exits: Registry[Exit], lang: Lang) -> str:
    values = list(exits.values())
    illustrative = sum(1 for e in values if e.illustrative)
    by_status = {s: sum(1 for e in values if e.status is s) for s in ExitStatus}
    if lang == Lang.ZH:
        counts = "，".join(f"{STATUS_ZH[s]} {n}" for s, n in by_status.items() if n)
        return (
            f"共 {len(values)} 个卡口（{counts}）；"
            f"示意位置 {illustrative} 个：计算所得，非实测收费站。"
        )
    counts = ", ".join(f"{n} {s.value}" for s, n in by_status.items() if n)
    return (
        f"{len(values)} checkpoints ({counts}); {illustrative} illustrative: "
        "computed positions, not surveyed toll stations."
    )


@stations_app.command("list")
def list_stations(
    stations_file: Annotated[
        Path | None,
        typer.Option(
            "--stations",
            exists=True,
            dir_okay=False,
            help="A stations table (CSV, XLSX, GeoJSON, GeoPackage) instead of the embedded one.",
        ),
    ] = None,
    sheet: SheetOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """List the arrival stations (the embedded registry, or a given table)."""
    stations = (
        default_stations() if stations_file is None else read_stations(stations_file, sheet=sheet)
    )
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    if as_json:
        output.json([dataclasses.asdict(s) for s in stations.values()])
        return
    title = "到达站点" if lang == Lang.ZH else "Arrival stations"
    output.table(title, STATION_HEADERS[lang], [_station_row(s) for s in stations.values()])
    output.console.print(_source_line(stations_file, lang), style="dim")


@exits_app.command("list")
def list_exits(
    exits_file: Annotated[
        Path | None,
        typer.Option(
            "--exits",
            exists=True,
            dir_okay=False,
            help="An exits table (CSV, XLSX, GeoJSON, GeoPackage) instead of the embedded layer.",
        ),
    ] = None,
    sheet: SheetOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """List the highway exits / checkpoints with status, kind and whether illustrative."""
    exits = default_exits() if exits_file is None else read_exits(exits_file, sheet=sheet)
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    if as_json:
        output.json([dataclasses.asdict(e) for e in exits.values()])
        return
    title = "高速出口 / 卡口" if lang == Lang.ZH else "Highway exits / checkpoints"
    output.table(title, EXIT_HEADERS[lang], [_exit_row(e, lang) for e in exits.values()])
    output.console.print(escape(_exit_summary(exits, lang)))
    output.console.print(_source_line(exits_file, lang), style="dim")
