"""The public API of every package: each name in ``__all__`` resolves to the object it names,
never to a submodule of the same name (a lazily exported ``solve`` shadowed by ``solve.py``)."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

PACKAGES = ("stations", "routing", "dispatch", "store", "maps", "scenarios", "charter")


def _packages() -> list[str]:
    found: list[str] = []
    for top in PACKAGES:
        found.append(top)
        package = importlib.import_module(top)
        for info in pkgutil.walk_packages(package.__path__, f"{top}."):
            if info.ispkg:
                found.append(info.name)
    return found


@pytest.mark.parametrize("name", _packages())
def test_public_names_are_objects_not_submodules(name: str) -> None:
    package = importlib.import_module(name)
    for public in getattr(package, "__all__", ()):
        value = getattr(package, public)
        assert not isinstance(value, types.ModuleType), f"{name}.{public} is a module"


@pytest.mark.parametrize("name", _packages())
def test_no_public_name_is_also_a_submodule(name: str) -> None:
    package = importlib.import_module(name)
    submodules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    assert not set(getattr(package, "__all__", ())) & submodules
