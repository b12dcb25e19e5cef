"""The ``charter stats`` command: returned workers per day by employer, key enterprise,
district and station, excluded and unserved by reason, buses and cost, and the subsidy
accrued over a period — in the terminal, ``stats.xlsx`` and ``stats.html``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from charter.console import Output
from charter.exitcodes import ExitCode
from charter.options import DbOption, JsonOption, LangOption, QuietOption
from charter.store_access import day_store
from stations.lang import Lang, pick

app = typer.Typer()

SHOWN_ROWS = 20  # rows of a long table shown in the terminal (all of them are in the files)
TERMINAL_TABLES = ("days", "districts", "key_enterprises", "stations", "reasons", "subsidy")


@app.command("stats")
def stats_command(
    start: Annotated[
        dt.datetime,
        typer.Option(
            "--from", formats=["%Y-%m-%d"], help="First day, YYYY-MM-DD.", show_default=False
        ),
    ],
    end: Annotated[
        dt.datetime,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (included).", show_default=False),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for stats.xlsx and stats.html.")
    ] = Path("stats"),
    threshold: Annotated[
        int | None,
        typer.Option(
            "--threshold",
            min=1,
            help="Workers an employer must reach over the period for the subsidy (default: "
            "the latest day's subsidy_min_workers).",
        ),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option(
            "--rate",
            min=0.0,
            max=1.0,
            help="Subsidised share of the charter cost (default: the latest day's subsidy_rate).",
        ),
    ] = None,
    db: DbOption = None,
    lang: LangOption = Lang.BOTH,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Statistics of the stored days from --from to --to (each day's latest version)."""
    from dispatch.outputs.targets import check_all
    from store.statistics.files import stats_problems, write_stats
    from store.statistics.tables import stats_tables

    output = Output(quiet=quiet, as_json=as_json, lang=lang)
    check_all(stats_problems(out))  # before the store is read
    with day_store(db) as store:
        stats = store.stats(start.date(), end.date(), rate=rate, min_workers=threshold)
    files = write_stats(stats, out, lang=lang)
    tables = {t.key: t for t in stats_tables(stats, lang)}
    if output.as_json:
        output.json(
            {
                "code": int(ExitCode.OK),
                "from": stats.start.isoformat(),
                "to": stats.end.isoformat(),
                "days": len(stats.days),
                "transported": stats.transported,
                "tables": {
                    key: {"columns": list(t.columns), "rows": [list(r) for r in t.rows]}
                    for key, t in tables.items()
                    if key in TERMINAL_TABLES
                },
                "files": {"workbook": str(files.workbook), "page": str(files.page)},
            }
        )
        return
    for key in TERMINAL_TABLES:
        table = tables[key]
        output.table(table.title, table.columns, table.rows[:SHOWN_ROWS])
        if len(table.rows) > SHOWN_ROWS:
            output.console.print(
                pick(
                    (
                        f"……另有 {len(table.rows) - SHOWN_ROWS} 行，见 stats.xlsx",
                        f"… {len(table.rows) - SHOWN_ROWS} more rows in stats.xlsx",
                    ),
                    lang,
                )
            )
    rule = stats.rule
    output.console.print(
        pick(
            (
                f"补贴：期间运送满 {rule.min_workers} 人的企业补贴期间包车费用的 "
                f"{rule.rate:.0%}（{rule.source}）",
                f"Subsidy: {rule.rate:.0%} of the period's charter cost for an employer with "
                f"{rule.min_workers}+ workers in the period ({rule.source})",
            ),
            lang,
        )
    )
    if rule.mixed:
        output.console.print(
            pick(("注意：期间各日的补贴政策不同", "note: the days' policies differ"), lang)
        )
    console = output.console
    console.print(f"{pick(('已写入', 'wrote'), lang)} {escape(str(files.workbook))}")
    console.print(f"  {escape(str(files.page))}")
