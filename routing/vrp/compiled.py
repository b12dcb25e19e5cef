"""Compiled inner loops: numba's ``njit`` with its on-disk cache, typed for mypy.

The hot loops of trip chaining and of the duty bound are plain loops over numpy arrays,
compiled on first use (a few seconds once; the compiled code is cached beside the module, so
later interpreters load it in milliseconds). ``nogil`` lets a thread run them while another
thread searches. Floating-point arithmetic stays IEEE (no ``fastmath``), so a compiled loop
gives the same numbers as the numpy code it replaces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import numba

Function = TypeVar("Function", bound=Callable[..., object])


def compiled(function: Function) -> Function:
    """``function`` compiled by numba (no Python objects inside; cached on disk)."""
    return cast(Function, numba.njit(cache=True, nogil=True)(function))
