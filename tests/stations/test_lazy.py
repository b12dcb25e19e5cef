"""Tests of stations.lazy and the packages' front doors it serves: ``__all__`` names exactly
what each package re-exports, every name resolves to its module's object, and importing the
packages loads none of the heavy libraries."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from types import ModuleType

import pytest

from tests.paths import ROOT

PACKAGES = ("stations", "dispatch", "maps", "scenarios")
HEAVY = ("pandas", "ortools", "pyvrp", "dask", "distributed", "folium", "geopandas")


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_every_export_and_each_resolves(name: str) -> None:
    package = importlib.import_module(name)
    exports: dict[str, tuple[str, ...]] = package._EXPORTS
    assert sorted(package.__all__) == sorted(n for names in exports.values() for n in names)
    for module_name, names in exports.items():
        module = importlib.import_module(module_name)
        for export in names:
            assert getattr(package, export) is getattr(module, export), export
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
    script = (
        "import json, sys\n"
        f"import {', '.join(PACKAGES)}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *HEAVY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == []
