"""Compiled inner loops: numba's ``njit`` with its on-disk cache, typed for mypy.

The hot loops of trip chaining and of the duty bound are plain loops over numpy arrays,
compiled for one explicit signature when their module is imported (a few seconds once; the
compiled code is cached beside the module, so later interpreters load it in milliseconds) —
never inside a solve's time budget. ``nogil`` lets a thread run them while another thread
searches. Signatures name C-contiguous arrays (``I1`` = ``int64[::1]``, ``F2`` =
``float64[:, ::1]``, ...). Floating-point arithmetic stays IEEE (no ``fastmath``), so a
compiled loop gives the same numbers as the numpy code it replaces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import numba

Function = TypeVar("Function", bound=Callable[..., object])


I1, F1, B1 = "int64[::1]", "float64[::1]", "boolean[::1]"
I2, F2 = "int64[:, ::1]", "float64[:, ::1]"
I4, F4 = "int64[:, :, :, ::1]", "float64[:, :, :, ::1]"


def compiled(signature: str) -> Callable[[Function], Function]:
    """Compile a function by numba for ``signature`` (numba's type syntax), now; no Python
    objects inside; cached on disk."""

    def compile_now(function: Function) -> Function:
        return cast(Function, numba.njit(signature, cache=True, nogil=True)(function))

    return compile_now
