"""The ``charter map`` command: write a self-contained HTML map — the route map of a plan
folder, or the reference layers of a day."""

from __future__ import annotations

import datetime as dt
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from charter.cli import app
from charter.console import JsonOption, LangOption, Output, QuietOption
from dispatch.intake.reader import read_day
from dispatch.outputs.plan_folder import PLAN_JSON
from dispatch.outputs.plan_json import read_plan_json
from maps.base import MapBuilder, Tiles
from maps.day_map import day_map, day_reference_map
from maps.from_plan import document_map
from maps.reference import MapPlaces, embedded_places
from stations.embedded import ATTRIBUTION
from stations.errors import InputError
from stations.lang import Lang
from stations.places import read_exits


class TilesChoice(StrEnum):
    """``--tiles`` values."""

    NONE = "none"
    OSM = "osm"


def _places(exits_file: Path | None) -> MapPlaces:
    places = embedded_places()
    if exits_file is None:
        return places
    exits = read_exits(exits_file)
    return MapPlaces(
        districts=places.districts,
        stations=places.stations,
        exits=tuple(exits.values()),
        roads=places.roads,
        railways=places.railways,
    )


def build_reference_map(
    *,
    lang: Lang,
    tiles: Tiles,
    exits_file: Path | None = None,
    day: dt.date | None = None,
) -> MapBuilder:
    """The reference map of the embedded places, optionally with the day's published exits.

    Parameters
    ----------
    lang
        Label language.
    tiles
        Background.
    exits_file
        The day's exits table (CSV/XLSX/GeoJSON); replaces the embedded checkpoints.
        Default none.
    day
        The day the exit statuses refer to (shown in the title). Default none.

    Returns
    -------
    MapBuilder
        The built map.
    """
    return day_reference_map(
        _places(exits_file), day=day, lang=lang, tiles=tiles, attribution=[ATTRIBUTION]
    )


def is_plan(source: Path) -> bool:
    """Whether ``source`` is a plan: a plan.json file or a folder holding one."""
    if source.is_dir():
        return (source / PLAN_JSON).is_file()
    return source.suffix.lower() == ".json"


@app.command("map")
def map_command(
    source: Annotated[
        Path | None,
        typer.Argument(
            exists=True,
            help="A plan folder (or its plan.json): the route map; or a planning day (folder "
            "or .xlsx) with --layers-only.",
            show_default=False,
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
    exits_file: Annotated[
        Path | None,
        typer.Option(
            "--exits",
            exists=True,
            dir_okay=False,
            help="The day's exits/checkpoints table (replaces the embedded ones).",
        ),
    ] = None,
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
    lang: LangOption = Lang.EN,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Write a self-contained HTML map that opens offline (no CDN, no tile server)."""
    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    started = time.perf_counter()
    map_lang, map_tiles = Lang(lang), Tiles(tiles.value)
    plan_source = source is not None and is_plan(source)
    if plan_source and (layers_only or exits_file is not None or day is not None):
        raise InputError(
            "--layers-only, --exits and --date are for a day's reference map; a plan folder "
            "brings its own exits and date"
        )
    if not plan_source and not layers_only:
        raise InputError(
            f"{source or 'no source'} is not a plan folder (no {PLAN_JSON}) — give the folder "
            "`charter plan` wrote, or use `charter map [DAY] --layers-only` for the reference "
            "map of a day"
        )
    if source is not None and plan_source:
        builder = document_map(
            read_plan_json(source),
            lang=map_lang,
            tiles=map_tiles,
            expiring_within_days=expiring_days,
        )
    elif source is None:
        builder = build_reference_map(
            lang=map_lang,
            tiles=map_tiles,
            exits_file=exits_file,
            day=None if day is None else day.date(),
        )
    else:
        if exits_file is not None or day is not None:
            raise InputError(
                "--exits and --date are for the embedded reference map; a day folder "
                "brings its own exits table and date"
            )
        builder = day_map(
            read_day(source),
            embedded_places(),
            expiring_within_days=expiring_days,
            lang=map_lang,
            tiles=map_tiles,
            attribution=[ATTRIBUTION],
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    builder.save(out)
    size = out.stat().st_size
    seconds = time.perf_counter() - started
    output.json({"out": str(out), "bytes": size, "seconds": round(seconds, 2)})
    if lang == Lang.ZH:
        output.console.print(
            f"已写入 {out}（{size / 1024:.0f} KB，{seconds:.1f} 秒）", markup=False
        )
    else:
        output.console.print(f"wrote {out} ({size / 1024:.0f} KB, {seconds:.1f} s)", markup=False)
