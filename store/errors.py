"""Errors of the day store: each names the store (or the day, version or file), shows the value
and gives the fix; all are input errors (exit code 2), never a traceback."""

from __future__ import annotations

from collections.abc import Sequence

from stations.errors import InputError, InputProblem


def problem(where: str, value: str | None, message: str, fix: str) -> InputProblem:
    """One store problem: ``where`` is the store, file or day it concerns."""
    return InputProblem(where, None, None, value, message, fix)


class StoreError(InputError):
    """The day store cannot do what was asked: it does not answer, is read-only, damaged or from
    a newer version, or the day, version or file asked for is not there (exit code 2)."""

    def __init__(self, problems: Sequence[InputProblem] | InputProblem | str) -> None:
        super().__init__(problems)
        lines = [str(p) for p in self.problems]
        head = "day store: " if len(lines) == 1 else f"day store, {len(lines)} problems:\n- "
        Exception.__init__(self, head + "\n- ".join(lines))


class NotFoundError(StoreError, LookupError):
    """A day or plan version that the store does not hold (exit code 2)."""
