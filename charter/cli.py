"""The ``charter`` command line: the Typer app, command registration and exit-code mapping."""

from __future__ import annotations

import importlib
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from typing import Annotated

import click
import typer

from charter import __version__
from charter.exitcodes import ExitCode, exit_code_for

app = typer.Typer(
    name="charter",
    help="Plan point-to-point charter buses (and supply trucks) for a day of arrivals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # tracebacks must never show local variables (personal data)
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
)


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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    """Charter dispatch: worker charters and supply trucks on the Suzhou road network."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


# Each module adds its commands to ``app`` when imported (one file per command group).
COMMAND_MODULES: tuple[str, ...] = ("cmd_places", "cmd_map", "cmd_day", "cmd_plan", "cmd_scenario")


def _register_commands() -> None:
    """Import the command modules; each adds its commands to ``app``."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"charter.{name}")


def _report(error: BaseException, code: ExitCode, as_json: bool) -> None:
    message = str(error) or type(error).__name__
    if as_json:
        sys.stdout.write(json.dumps({"code": int(code), "error": message}, ensure_ascii=False))
        sys.stdout.write("\n")
        return
    if code == ExitCode.INTERNAL:
        # Plain traceback: frames and lines only, never local variables.
        sys.stderr.write("".join(traceback.format_exception(error)))
        sys.stderr.write("internal error — please report it with the command you ran\n")
    else:
        sys.stderr.write(f"error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code (0 ok, 1 internal, 2 input, 3 routing)."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    _register_commands()
    try:
        result = app(args=args, prog_name="charter", standalone_mode=False)
    except (click.exceptions.Exit, typer.Exit) as done:
        return int(done.exit_code)
    except (click.exceptions.Abort, typer.Abort):
        sys.stderr.write("aborted\n")
        return int(ExitCode.INTERNAL)
    # Typer >= 0.20 raises its own (vendored click) usage errors, not click's.
    except (click.ClickException, typer.TyperException) as usage:
        if as_json:
            _report(usage, ExitCode.INPUT, as_json)
        elif isinstance(usage, click.ClickException) or hasattr(usage, "show"):
            usage.show()
        else:
            sys.stderr.write(f"error: {usage}\n")
        return int(ExitCode.INPUT)
    except Exception as error:
        code = exit_code_for(error)
        _report(error, code, as_json)
        return int(code)
    return result if isinstance(result, int) else int(ExitCode.OK)
