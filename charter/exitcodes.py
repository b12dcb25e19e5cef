"""Exit codes of the ``charter`` command and the mapping from exceptions to them."""

from __future__ import annotations

from enum import IntEnum

from routing.errors import RoutingError
from stations.errors import InputError


class ExitCode(IntEnum):
    """Process exit codes (documented in README and docs/API.md)."""

    OK = 0
    INTERNAL = 1
    INPUT = 2
    ROUTING = 3
    INTERRUPTED = 130  # Ctrl-C: stopped, nothing (more) written


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for an exception raised by the core."""
    if isinstance(error, InputError):
        return ExitCode.INPUT
    if isinstance(error, RoutingError):
        return ExitCode.ROUTING
    return ExitCode.INTERNAL
