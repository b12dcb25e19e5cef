"""What-if scenarios on a planning day, their parallel runner and comparison reports.

Front door: ``load_scenarios`` (YAML files → checked scenarios), ``run_scenarios`` (plan them
and their baselines, locally or on Dask → ``Comparison``; ``run_jobs`` for finer control),
``write_comparison`` (the comparison files) and ``comparison_from_folders`` (compare plan
folders again). Imported lazily (``stations.lazy``): Dask loads on use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stations.lazy import lazy_exports

if TYPE_CHECKING:
    from scenarios.compare import Comparison, write_comparison
    from scenarios.records import comparison_from_folders
    from scenarios.runner import RunSettings, run_jobs, run_scenarios
    from scenarios.spec import CheckedScenario, Scenario, load_scenarios

_EXPORTS = {
    "CheckedScenario": "scenarios.spec",
    "Comparison": "scenarios.compare",
    "RunSettings": "scenarios.runner",
    "Scenario": "scenarios.spec",
    "comparison_from_folders": "scenarios.records",
    "load_scenarios": "scenarios.spec",
    "run_jobs": "scenarios.runner",
    "run_scenarios": "scenarios.runner",
    "write_comparison": "scenarios.compare",
}
__all__ = [
    "CheckedScenario",
    "Comparison",
    "RunSettings",
    "Scenario",
    "comparison_from_folders",
    "load_scenarios",
    "run_jobs",
    "run_scenarios",
    "write_comparison",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
