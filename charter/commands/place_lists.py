"""The ``charter stations list`` and ``charter exits list`` commands."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.text import Text

from charter.console import Output
from charter.options import (
    ExitsFileOption,
    JsonOption,
    LangOption,
    QuietOption,
    SheetOption,
    not_special,
)
from stations.lang import Lang, pick

if TYPE_CHECKING:
    from stations.model import Exit, Registry, Station

stations_app = typer.Typer(help="Arrival stations.", no_args_is_help=True)
exits_app = typer.Typer(help="Highway exits / checkpoints and their status.", no_args_is_help=True)

# Keyed by the ``ExitStatus`` / ``ExitKind`` values (StrEnums), so that this module need not
# import ``stations.model`` (shapely, numpy) before a command runs.
STATUS_STYLE = {
    "green_channel": "bold green",
    "open": "cyan",
    "freight_only": "yellow",
    "closed": "bold red",
}
STATUS_ZH = {
    "green_channel": "绿色通道",
    "open": "开放",
    "freight_only": "仅货车",
    "closed": "关闭",
}
KIND_ZH = {"boundary": "市界", "junction": "互通", "user": "用户"}

STATION_HEADERS = (
    ("编号", "id"),
    ("站名", "name (zh)"),
    ("英文名", "name (en)"),
    ("类型", "kind"),
    ("经度", "lon"),
    ("纬度", "lat"),
    ("泊位", "bays"),
)
EXIT_HEADERS = (
    ("编号", "id"),
    ("名称", "name"),
    ("道路", "road"),
    ("状态", "status"),
    ("类型", "kind"),
    ("示意位置", "illustrative"),
    ("延误(分)", "delay min"),
    ("经度", "lon"),
    ("纬度", "lat"),
)


def _headers(pairs: Sequence[tuple[str, str]], lang: Lang) -> list[str]:
    return [pick(pair, lang) for pair in pairs]


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
    status_value, kind_value = checkpoint.status.value, checkpoint.kind.value
    status = pick((STATUS_ZH[status_value], status_value), lang)
    kind = pick((KIND_ZH[kind_value], kind_value), lang)
    illustrative = pick(("是", "yes"), lang) if checkpoint.illustrative else ""
    return (
        checkpoint.exit_id,
        checkpoint.name,
        checkpoint.road,
        Text(status, style=STATUS_STYLE[status_value]),
        kind,
        illustrative,
        "" if checkpoint.delay_min is None else f"{checkpoint.delay_min:g}",
        _coordinate(checkpoint.lon),
        _coordinate(checkpoint.lat),
    )


def _source_line(path: Path | None, lang: Lang) -> str:
    from stations.embedded import ATTRIBUTION

    if path is not None:
        return escape(f"{pick(('来源', 'from'), lang)} {path}")
    return escape(ATTRIBUTION)


def _exit_summary(exits: Registry[Exit], lang: Lang) -> str:
    from stations.model import ExitStatus

    values = list(exits.values())
    illustrative = sum(1 for e in values if e.illustrative)
    by_status = {s: sum(1 for e in values if e.status is s) for s in ExitStatus}
    zh = "，".join(f"{STATUS_ZH[s.value]} {n}" for s, n in by_status.items() if n)
    zh_text = (
        f"共 {len(values)} 个卡口（{zh}）；示意位置 {illustrative} 个：计算所得，非实测收费站。"
    )
    en = ", ".join(f"{n} {s.value}" for s, n in by_status.items() if n)
    en_text = (
        f"{len(values)} checkpoints ({en}); {illustrative} illustrative: "
        "computed positions, not surveyed toll stations."
    )
    return pick((zh_text, en_text), lang)


@stations_app.command("list")
def list_stations(
    stations_file: Annotated[
        Path | None,
        typer.Option(
            "--stations",
            exists=True,
            dir_okay=False,
            help="A stations table (CSV, XLSX, GeoJSON, GeoPackage) instead of the embedded one.",
            callback=not_special,
        ),
    ] = None,
    sheet: SheetOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """List the arrival stations (the embedded registry, or a given table)."""
    from stations.embedded import default_stations
    from stations.places import read_stations

    stations = (
        default_stations() if stations_file is None else read_stations(stations_file, sheet=sheet)
    )
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    if as_json:
        output.json([dataclasses.asdict(s) for s in stations.values()])
        return
    title = pick(("到达站点", "Arrival stations"), lang)
    output.table(
        title, _headers(STATION_HEADERS, lang), [_station_row(s) for s in stations.values()]
    )
    output.console.print(_source_line(stations_file, lang), style="dim")


@exits_app.command("list")
def list_exits(
    exits_file: ExitsFileOption = None,
    sheet: SheetOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """List the highway exits / checkpoints with status, kind and whether illustrative."""
    from stations.embedded import default_exits
    from stations.places import read_exits

    exits = default_exits() if exits_file is None else read_exits(exits_file, sheet=sheet)
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    if as_json:
        output.json([dataclasses.asdict(e) for e in exits.values()])
        return
    title = pick(("高速出口 / 卡口", "Highway exits / checkpoints"), lang)
    output.table(title, _headers(EXIT_HEADERS, lang), [_exit_row(e, lang) for e in exits.values()])
    output.console.print(escape(_exit_summary(exits, lang)))
    output.console.print(_source_line(exits_file, lang), style="dim")
