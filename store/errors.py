"""Errors of the day store: each names the store (or the day, version or file), shows the value
and gives the fix; all are input errors (exit code 2), never a traceback."""

from __future__ import annotations

from collections.abc import Sequence

from stations.errors import InputError, InputProblem

STALE_FIX = (
    "re-plan from the latest version (charter replan DATE --store, without --base-version), "
    "or pass --allow-stale-base to branch from this one"
)


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


class StaleBaseError(StoreError):
    """A re-plan's base version is no longer the latest of its day: another version was
    saved since (exit code 2; re-plan from the latest version)."""
