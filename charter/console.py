"""Rendering helpers shared by the commands: Rich console, tables, JSON, progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from stations.lang import Lang

QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Label language: zh or en.")]


def _cell(value: object) -> Text:
    """A table cell: styled ``Text`` as given, anything else as literal text (names from input
    files may contain ``[...]``, which Rich would otherwise read as markup)."""
    if isinstance(value, Text):
        return value
    return Text("" if value is None else str(value))


@dataclass(frozen=True, slots=True)
class Output:
    """How a command prints: quiet, JSON or Rich text, and in which language."""

    quiet: bool = False
    as_json: bool = False
    lang: Lang = Lang.EN

    @property
    def console(self) -> Console:
        """Console on stdout (silent when quiet or JSON)."""
        return Console(quiet=self.quiet or self.as_json, soft_wrap=False)

    def json(self, payload: object) -> None:
        """Print ``payload`` as JSON on stdout (only in JSON mode)."""
        if self.as_json:
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
            sys.stdout.write("\n")

    def table(self, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Print a Rich table (not in quiet or JSON mode)."""
        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column)
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
            console=Console(stderr=True, quiet=self.quiet or self.as_json),
            transient=False,
        )
        with progress:
            yield progress
