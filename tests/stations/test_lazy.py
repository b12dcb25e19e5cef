"""Tests of stations.lazy and the front doors it serves: ``__all__`` names exactly what each
package re-exports, each name loads from its module on first use, and importing the packages
loads none of the heavy libraries."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

from tests.fresh import HEAVY, run_fresh

PACKAGES = ("stations", "dispatch", "maps", "scenarios")


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_every_export_and_each_loads_from_its_module(name: str) -> None:
    """(That no export is a submodule is tests/test_packages.py's.)"""
    package = importlib.import_module(name)
    exports: dict[str, str] = package._EXPORTS
    assert sorted(package.__all__) == sorted(exports)
    for export, module_name in exports.items():
        assert getattr(package, export) is getattr(importlib.import_module(module_name), export)
    assert set(package.__all__) <= set(dir(package))


@pytest.mark.parametrize("name", PACKAGES)
def test_an_unknown_name_is_an_attribute_error(name: str) -> None:
    package: ModuleType = importlib.import_module(name)
    with pytest.raises(AttributeError, match=rf"module '{name}' has no attribute 'nowhere'"):
        package.nowhere  # noqa: B018


def test_submodules_still_import_from_the_package() -> None:
    from stations import embedded

    assert embedded.__name__ == "stations.embedded"


def test_importing_the_packages_loads_no_heavy_library() -> None:
    _, modules = run_fresh(f"import {', '.join(PACKAGES)}")
    assert modules & {*HEAVY, "pandas"} == set()
