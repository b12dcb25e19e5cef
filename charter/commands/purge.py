"""The ``charter purge`` command: the retention rule — remove the personal data (names, id
numbers, phones, escort contacts) of the days before a date; ``--everything`` removes those
days whole (docs/store.md, "Retention")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from charter.console import Output
from charter.exitcodes import ExitCode
from charter.options import DbOption, JsonOption, QuietOption
from charter.store_access import day_store

app = typer.Typer()


@app.command("purge")
def purge_command(
    before: Annotated[
        dt.datetime,
        typer.Option(
            "--before",
            formats=["%Y-%m-%d"],
            help="The first planning date kept: every day before it loses its personal data.",
            show_default=False,
        ),
    ],
    everything: Annotated[
        bool,
        typer.Option(
            "--everything",
            help="Remove those days whole (inputs, plan versions, statistics, scenario results), "
            "not only their personal data.",
        ),
    ] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Remove the personal data of the days before --before (audited)."""
    output = Output(quiet=quiet, as_json=as_json)
    with day_store(db) as store:
        report = store.purge(before.date(), everything=everything)
    if output.as_json:
        output.json(
            {
                "code": int(ExitCode.OK),
                "before": report.before.isoformat(),
                "personal_rows": report.personal_rows,
                "days_removed": [d.isoformat() for d in report.days_removed],
            }
        )
        return
    output.console.print(
        f"purged before {report.before.isoformat()}: {report.personal_rows} personal row(s) of "
        f"{report.imports} import(s) removed"
        + (f"; {len(report.days_removed)} day(s) removed" if everything else "")
    )
