"""The ``charter map`` command: write a self-contained HTML map — the route map of a plan
folder, or the reference layers of a day."""

from __future__ import annotations

import datetime as dt
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charter.console import Output
from charter.options import ExitsFileOption, JsonOption, LangOption, QuietOption, not_special
from stations.errors import InputError
from stations.lang import Lang, pick

if TYPE_CHECKING:
    from maps.base import MapBuilder

app = typer.Typer()


class TilesChoice(StrEnum):
    """``--tiles`` values (``maps.base.Tiles``, which imports folium)."""

    NONE = "none"
    OSM = "osm"


def is_plan(source: Path) -> bool:
    """Whether ``source`` is a plan: a plan.json file or a folder holding one."""
    from dispatch.outputs.plan_folder import PLAN_JSON

    if source.is_dir():
        return (source / PLAN_JSON).is_file()
    return source.suffix.lower() == ".json"


def _build(
    source: Path | None,
    *,
    layers_only: bool,
    exits_file: Path | None,
    day: dt.date | None,
    tiles: TilesChoice,
    expiring_days: int,
    lang: Lang,
    parent: Path | None = None,
) -> MapBuilder:
    """The route map of a plan folder, the reference map of a day, or the embedded one."""
    from dispatch.outputs.plan_folder import PLAN_JSON
    from maps.base import Tiles

    map_tiles = Tiles(tiles.value)
    plan_source = source is not None and is_plan(source)
    if parent is not None and not plan_source:
        raise InputError("--parent compares a plan folder with its parent: give the plan folder")
    if plan_source and (layers_only or exits_file is not None or day is not None):
        raise InputError(
            "--layers-only, --exits and --date are for a day's reference map; a plan folder "
            "brings its own exits and date"
        )
    if source is not None and plan_source:
        from dispatch.outputs.plan_json import read_plan_json
        from maps.from_plan import document_map

        return document_map(
            read_plan_json(source),
            lang=lang,
            tiles=map_tiles,
            expiring_within_days=expiring_days,
            parent=None if parent is None else read_plan_json(parent),
        )
    if not layers_only:
        raise InputError(
            f"{source or 'no source'} is not a plan folder (no {PLAN_JSON}) — give the folder "
            "`charter plan` wrote, or use `charter map [DAY] --layers-only` for the reference "
            "map of a day"
        )
    from maps.day_map import embedded_reference_map, planning_day_map

    if source is None:
        return embedded_reference_map(exits_file=exits_file, day=day, lang=lang, tiles=map_tiles)
    if exits_file is not None or day is not None:
        raise InputError(
            "--exits and --date are for the embedded reference map; a day folder "
            "brings its own exits table and date"
        )
    from dispatch.intake.reader import read_day
    from maps.reference import embedded_places
    from stations.embedded import ATTRIBUTION

    return planning_day_map(
        read_day(source),
        embedded_places(),
        expiring_within_days=expiring_days,
        lang=lang,
        tiles=map_tiles,
        attribution=[ATTRIBUTION],
    )


@app.command("map")
def map_command(
    source: Annotated[
        Path | None,
        typer.Argument(
            exists=True,
            help="A plan folder (or its plan.json): the route map; or a planning day (folder "
            "or .xlsx) with --layers-only.",
            show_default=False,
            callback=not_special,
        ),
    ] = None,
    layers_only: Annotated[
        bool,
        typer.Option(
            "--layers-only", help="Reference layers only: districts, roads, stations, exits."
        ),
    ] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "map.html"
    ),
    exits_file: ExitsFileOption = None,
    day: Annotated[
        dt.datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Day the statuses refer to."),
    ] = None,
    tiles: Annotated[
        TilesChoice,
        typer.Option("--tiles", help="Background: none (offline) or osm (online tiles)."),
    ] = TilesChoice.NONE,
    expiring_days: Annotated[
        int,
        typer.Option("--expiring-days", min=0, help="Flag permits that end within N days."),
    ] = 7,
    parent: Annotated[
        Path | None,
        typer.Option(
            "--parent",
            exists=True,
            help="The plan folder a re-plan started from: its cancelled legs grey, new ones bold.",
        ),
    ] = None,
    lang: LangOption = Lang.EN,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Write a self-contained HTML map that opens offline (no CDN, no tile server)."""
    from dispatch.outputs.atomic import replaced_file
    from dispatch.outputs.targets import check_all, file_problems

    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    check_all(file_problems(out, option="--out"))  # before the map is drawn
    started = time.perf_counter()
    builder = _build(
        source,
        layers_only=layers_only,
        exits_file=exits_file,
        day=None if day is None else day.date(),
        tiles=tiles,
        expiring_days=expiring_days,
        lang=lang.single,
        parent=parent,
    )
    replaced_file(out, builder.save)
    size = out.stat().st_size
    seconds = time.perf_counter() - started
    output.json({"out": str(out), "bytes": size, "seconds": round(seconds, 2)})
    zh = f"已写入 {out}（{size / 1024:.0f} KB，{seconds:.1f} 秒）"
    en = f"wrote {out} ({size / 1024:.0f} KB, {seconds:.1f} s)"
    output.console.print(pick((zh, en), lang), markup=False)
