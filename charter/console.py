"""Rendering helpers shared by the commands: Rich console, tables, JSON, progress — every text
through ``charter.terminal.terminal_text`` on its way out."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from charter.terminal import terminal_json, terminal_text
from stations.lang import Lang

QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Label language: zh or en.")]


def _cell(value: object) -> Text:
    """A table cell: styled ``Text`` with its text made safe, anything else as literal text
    (names from input files may contain ``[...]``, which Rich would otherwise read as markup)."""
    if isinstance(value, Text):
        return Text(terminal_text(value.plain), style=value.style)
    return Text("" if value is None else terminal_text(value))


class SafeConsole(Console):
    """A Rich console that prints text (markup included) only after ``terminal_text``."""

    def print(self, *objects: object, **options: Any) -> None:
        safe = [
            Text(terminal_text(o.plain), style=o.style)
            if isinstance(o, Text)
            else terminal_text(o)
            if isinstance(o, str)
            else o
            for o in objects
        ]
        super().print(*safe, **options)


@dataclass(frozen=True, slots=True)
class Output:
    """How a command prints: quiet, JSON or Rich text, and in which language."""

    quiet: bool = False
    as_json: bool = False
    lang: Lang = Lang.EN

    @property
    def console(self) -> Console:
        """Console on stdout (silent when quiet or JSON)."""
        return SafeConsole(quiet=self.quiet or self.as_json, soft_wrap=False)

    def json(self, payload: object) -> None:
        """Print ``payload`` as JSON on stdout (only in JSON mode)."""
        if self.as_json:
            sys.stdout.write(terminal_json(payload, indent=2))
            sys.stdout.write("\n")

    def table(self, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Print a Rich table (not in quiet or JSON mode)."""
        table = Table(title=terminal_text(title), show_lines=False)
        for column in columns:
            table.add_column(terminal_text(column))
        for row in rows:
            table.add_row(*(_cell(cell) for cell in row))
        self.console.print(table)

    @contextmanager
    def progress(self) -> Iterator[Progress]:
        """A Rich progress display for long stages (disabled when quiet or JSON)."""
        progress = Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=SafeConsole(stderr=True, quiet=self.quiet or self.as_json),
            transient=False,
        )
        with progress:
            yield progress
