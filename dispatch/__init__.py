"""The day's plan: arrivals intake, screening, grouping, fleet and permits, solving, outputs.

Front door: ``read_day`` (a day folder or workbook → ``Day``), ``plan_day`` (``Day`` → ``Plan``
under its ``Policy``), ``write_plan`` (``Plan`` → the plan folder). Imported lazily
(``stations.lazy``): ``import dispatch`` loads neither pandas nor the solvers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stations.lazy import lazy_exports

if TYPE_CHECKING:
    from dispatch.day import Day
    from dispatch.intake.reader import read_day
    from dispatch.outputs.plan_folder import PlanFiles, write_plan
    from dispatch.plan import Plan
    from dispatch.planner import plan_day
    from dispatch.policy import Policy, resolve_policy

_EXPORTS = {
    "Day": "dispatch.day",
    "Plan": "dispatch.plan",
    "PlanFiles": "dispatch.outputs.plan_folder",
    "Policy": "dispatch.policy",
    "plan_day": "dispatch.planner",
    "read_day": "dispatch.intake.reader",
    "resolve_policy": "dispatch.policy",
    "write_plan": "dispatch.outputs.plan_folder",
}
__all__ = [
    "Day",
    "Plan",
    "PlanFiles",
    "Policy",
    "plan_day",
    "read_day",
    "resolve_policy",
    "write_plan",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
