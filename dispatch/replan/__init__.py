"""Re-planning during the day: events known at a clock time, the state of the plan then, the
re-plan of what is left (changing as little as it can) and the diff against the parent.

Front door: ``replan_day`` (a day, its base plan and events → a ``Replan``), ``read_events``
(an events file → an ``EventLog``), ``read_base`` (a plan folder → a ``BasePlan``),
``BasePlan``. Imported lazily (``stations.lazy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stations.lazy import lazy_exports

if TYPE_CHECKING:
    from dispatch.replan.base import BasePlan, read_base
    from dispatch.replan.event_tables import read_events
    from dispatch.replan.events import EventLog
    from dispatch.replan.replanner import Replan, replan_day

_EXPORTS = {
    "BasePlan": "dispatch.replan.base",
    "EventLog": "dispatch.replan.events",
    "Replan": "dispatch.replan.replanner",
    "read_base": "dispatch.replan.base",
    "read_events": "dispatch.replan.event_tables",
    "replan_day": "dispatch.replan.replanner",
}
__all__ = ["BasePlan", "EventLog", "Replan", "read_base", "read_events", "replan_day"]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
