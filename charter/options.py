"""Options and arguments shared by the commands, each declared once with one help text.

A command uses these ``Annotated`` types as its parameter types and gives its own default in
its signature (``lang: LangOption = Lang.EN``); an option that only one command has stays in
that command's module. Nothing here imports more than Typer, ``stations.lang`` and
``stations.files``, so that ``charter --help`` stays quick.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from stations.files import special_file
from stations.lang import Lang


def not_special(value: Path | list[Path] | None) -> Path | list[Path] | None:
    """Refuse a FIFO, socket or device given as an input file (reading it would block)."""
    for path in value if isinstance(value, list) else [] if value is None else [value]:
        kind = special_file(path)
        if kind is not None:
            raise typer.BadParameter(f"{path} is {kind}, not a file: give a regular file")
    return value


DAY_HELP = "A day folder (CSV files + policy.toml) or .xlsx workbook."

# --------------------------------------------------------------------------- output

QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help='Print machine-readable JSON (errors as {"code": n, "error": …}).'),
]
LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        help="Language of labels: zh, en or both (Chinese / English side by side in files and "
        "tables; a map, with room for one, is drawn in Chinese).",
    ),
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")]

# --------------------------------------------------------------------------- inputs

DayArgument = Annotated[
    Path, typer.Argument(exists=True, help=DAY_HELP, show_default=False, callback=not_special)
]
PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        exists=True,
        dir_okay=False,
        help="policy.toml overriding the day's.",
        callback=not_special,
    ),
]
ExitsFileOption = Annotated[
    Path | None,
    typer.Option(
        "--exits",
        exists=True,
        dir_okay=False,
        help="An exits/checkpoints table (CSV, XLSX, GeoJSON, GeoPackage) instead of the "
        "embedded layer.",
        callback=not_special,
    ),
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="XLSX sheet or GeoPackage layer to read.")
]
ScenarioFilesArgument = Annotated[
    list[Path],
    typer.Argument(
        exists=True,
        dir_okay=False,
        help="Scenario files (YAML).",
        show_default=False,
        callback=not_special,
    ),
]

# --------------------------------------------------------------------------- the solver budget

TimeLimitOption = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        min=0.1,
        help="Wall-clock limit of each plan's whole solve stage, seconds.",
    ),
]
EffortOption = Annotated[
    int | None,
    typer.Option(
        "--effort",
        min=1,
        help="Deterministic search budget of each plan (same seed and effort, same plan); "
        "see docs/planning.md.",
    ),
]
SeedOption = Annotated[int | None, typer.Option("--seed", min=0, help="Random seed of each plan.")]

# --------------------------------------------------------------------------- where to write

PlanFolderOption = Annotated[Path, typer.Option("--out", "-o", help="Plan folder to write.")]
RunFolderOption = Annotated[
    Path, typer.Option("--out", "-o", help="Run folder to write (one plan folder per scenario).")
]
UnmaskOption = Annotated[
    bool,
    typer.Option(
        "--unmask", help="Show names, id numbers and phones in full on the manifest sheet only."
    ),
]

# --------------------------------------------------------------------------- the day store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The day store: a SQLite file or a database URL (postgresql+psycopg://USER@HOST/DB); "
        "default: CHARTER_DB, else charter.db in the user's data folder.",
        show_default=False,
    ),
]
StoreFlag = Annotated[
    bool | None,
    typer.Option(
        "--store/--no-store",
        help="Save the day and its plan as a new version in the day store (default: yes when "
        "--db or CHARTER_DB names a store).",
        show_default=False,
    ),
]
DateArgument = Annotated[
    dt.datetime,
    typer.Argument(formats=["%Y-%m-%d"], help="A planning date, YYYY-MM-DD.", show_default=False),
]

# --------------------------------------------------------------------------- scenario runs

WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=1, help="Worker processes (default: one per core)."),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786."),
]
SequentialOption = Annotated[
    bool, typer.Option("--sequential", help="Plan one after another in this process (no Dask).")
]
NoMapOption = Annotated[bool, typer.Option("--no-map", help="Do not draw map.html per plan.")]
