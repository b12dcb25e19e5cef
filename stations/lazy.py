"""Lazy re-exports for a package's front door (PEP 562): a name is imported on first use.

A package's ``__init__`` lists what it offers and where it lives; ``import dispatch`` then
costs nothing, and ``dispatch.plan_day`` imports the planner (and the solvers) only when
used, so commands that never plan start fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` re-exporting ``exports``.

    Parameters
    ----------
    package
        The package's ``__name__``.
    exports
        Exported name → the module that defines it (the names are the package's ``__all__``,
        checked by ``tests/stations/test_lazy.py``); the shape of ``routing``'s ``_EXPORTS``.

    Returns
    -------
    tuple
        The module-level ``__getattr__`` (imports the defining module on first use and keeps
        the value in the package) and ``__dir__`` (the exports included).
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:  # noqa: N807 (the PEP 562 hook)
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 (the PEP 562 hook)
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
