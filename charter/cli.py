"""The ``charter`` command line: the root Typer app joining the command groups of
``charter.commands``, and the mapping of exceptions to exit codes.

The command modules are imported here, each adding nothing by itself: ``app.add_typer`` joins
their apps (a group without a name adds its commands at the top level). They import the heavy
libraries (pandas, the solvers, folium, Dask) only when a command runs, so ``charter --help``
starts fast.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Sequence
from typing import Annotated

import click
import typer

from charter import __version__, interrupts
from charter.commands import (
    day_files,
    days,
    mapping,
    place_lists,
    planning,
    purge,
    replanning,
    scenario,
    serve,
    stats,
)
from charter.exitcodes import ExitCode, exit_code_for
from charter.options import VerboseOption
from charter.terminal import terminal_json, terminal_text

app = typer.Typer(
    name="charter",
    help="Plan point-to-point charter buses (and supply trucks) for a day of arrivals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # tracebacks must never show local variables (personal data)
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
)


class SafeFormatter(logging.Formatter):
    """Log lines (stderr) through ``terminal_text``: names in messages come from input files."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_text(super().format(record))


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"charter-dispatch {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
    verbose: VerboseOption = False,
) -> None:
    """Charter dispatch: worker charters and supply trucks on the Suzhou road network."""
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])


# In the order `charter --help` lists them.
app.add_typer(planning.app)  # plan, demo
app.add_typer(replanning.app)  # replan
app.add_typer(day_files.app)  # template, check
app.add_typer(mapping.app)  # map
app.add_typer(scenario.app, name="scenario")
app.add_typer(place_lists.stations_app, name="stations")
app.add_typer(place_lists.exits_app, name="exits")
app.add_typer(days.app, name="days")
app.add_typer(stats.app)  # stats
app.add_typer(purge.app)  # purge
app.add_typer(serve.app)  # serve
app.add_typer(serve.users_app, name="users")


def _report(error: BaseException, code: ExitCode, as_json: bool) -> None:
    message = str(error) or type(error).__name__
    if as_json:
        sys.stdout.write(terminal_json({"code": int(code), "error": message}) + "\n")
        return
    if code == ExitCode.INTERNAL:
        # Plain traceback: frames and lines only, never local variables.
        sys.stderr.write(terminal_text("".join(traceback.format_exception(error))))
        sys.stderr.write("internal error — please report it with the command you ran\n")
    else:
        sys.stderr.write(f"error: {terminal_text(message)}\n")


def _interrupted() -> int:
    """Ctrl-C: say so in one line (the plan folder is written whole or not at all)."""
    return interrupts.stopped()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code (0 ok, 1 internal, 2 input, 3 routing)."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    interrupts.install()  # again: main may be called without charter.entry (tests)
    try:
        result = app(args=args, prog_name="charter", standalone_mode=False)
    except (click.exceptions.Exit, typer.Exit) as done:
        if int(done.exit_code) == ExitCode.INTERRUPTED:  # Typer's answer to Ctrl-C
            return _interrupted()
        return int(done.exit_code)
    except (click.exceptions.Abort, typer.Abort, KeyboardInterrupt):
        return _interrupted()
    # Typer >= 0.20 raises its own (vendored click) usage errors, not click's.
    except (click.ClickException, typer.TyperException) as usage:
        if isinstance(getattr(usage, "message", None), str):  # it echoes the value given
            object.__setattr__(usage, "message", terminal_text(getattr(usage, "message", "")))
        if as_json:
            _report(usage, ExitCode.INPUT, as_json)
        elif isinstance(usage, click.ClickException) or hasattr(usage, "show"):
            usage.show()
        else:
            sys.stderr.write(f"error: {terminal_text(usage)}\n")
        return int(ExitCode.INPUT)
    except Exception as error:
        if interrupts.caused_by_interrupt(error):  # Ctrl-C surfacing as another error
            return _interrupted()
        code = exit_code_for(error)
        _report(error, code, as_json)
        return int(code)
    if result == ExitCode.INTERRUPTED:  # Typer turned Ctrl-C into Exit(130) and returned it
        return _interrupted()
    return result if isinstance(result, int) else int(ExitCode.OK)
