"""Typed errors and warnings for bad input, shared by every layer above."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem found in an input table.

    Parameters
    ----------
    table
        Table (or file) name, e.g. ``arrivals.csv``.
    row
        1-based data row number as a duty officer sees it in a spreadsheet
        (the header is row 1, so the first data row is row 2); ``None`` for table-level problems.
    column
        Column (or key) name; ``None`` when the problem is about the whole row or table.
    value
        The offending value as text; ``None`` when the value is missing.
    message
        What is wrong.
    fix
        How to fix it.
    """

    table: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f": `{self.column}`"
        shown = "" if self.value is None else f" {self.value!r}"
        return f"{where}{shown} {self.message} — fix: {self.fix}"


class InputError(ValueError):
    """Bad input: one or more problems, all reported at once (exit code 2)."""

    def __init__(self, problems: Sequence[InputProblem] | InputProblem | str) -> None:
        if isinstance(problems, str):
            problems = [InputProblem("input", None, None, None, problems, "correct the input")]
        elif isinstance(problems, InputProblem):
            problems = [problems]
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} input problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([head, *(f"- {p}" for p in self.problems)]))

    def __reduce__(self) -> tuple[type[InputError], tuple[tuple[InputProblem, ...]]]:
        # Keep the problems when pickled (e.g. raised in a Dask worker).
        return (type(self), (self.problems,))


class ProblemCollector:
    """Collects problems while validating, then raises them together.

    Examples
    --------
    >>> problems = ProblemCollector()
    >>> problems.add("fleet.csv", 3, "seats", "-4", "is negative", "give the number of seats")
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    stations.errors.InputError: 1 input problem:
    - fleet.csv row 3: `seats` '-4' is negative — fix: give the number of seats
    """

    def __init__(self) -> None:
        self._problems: list[InputProblem] = []

    def add(
        self,
        table: str,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        fix: str,
    ) -> None:
        """Record one problem; ``value`` is shown as text (``None`` stays missing)."""
        shown = None if value is None else str(value)
        self._problems.append(InputProblem(table, row, column, shown, message, fix))

    def extend(self, problems: Iterable[InputProblem]) -> None:
        """Record problems found elsewhere (e.g. an ``InputError`` from a sub-reader)."""
        self._problems.extend(problems)

    def __len__(self) -> int:
        return len(self._problems)

    @property
    def problems(self) -> tuple[InputProblem, ...]:
        """Problems recorded so far."""
        return tuple(self._problems)

    def raise_if_any(self) -> None:
        """Raise one ``InputError`` holding every recorded problem."""
        if self._problems:
            raise InputError(self._problems)


class InputWarning(UserWarning):
    """A soft input problem: unknown column, point snapped far to the road, …"""


class SnapWarning(InputWarning):
    """A point was snapped to the road network farther than the warning distance."""
