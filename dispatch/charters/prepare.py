"""The intake half of planning in one call: screen the day, check the fleet, group the workers.

``prepare(day)`` is what the solving stage starts from; it checks that nobody is lost on the
way (every registered worker is excluded, unserved or in exactly one trip request).
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.charters.fleet import FleetCheck, check_fleet
from dispatch.charters.grouping import Grouping, group_workers
from dispatch.charters.screening import Screening, screen
from dispatch.day import Day


@dataclass(frozen=True, slots=True)
class Prepared:
    """A screened, fleet-checked and grouped day, ready for the solver.

    Raises ``ValueError`` on construction if a registered worker is lost or counted twice
    (that would be a bug, not bad input).
    """

    day: Day
    screening: Screening
    fleet: FleetCheck
    grouping: Grouping

    def __post_init__(self) -> None:
        registered = set(self.day.worker_ids)
        excluded = {e.worker_id for e in self.screening.excluded}
        eligible = {a.worker_id for a in self.screening.eligible}
        grouped = self.grouping.grouped_worker_ids
        unserved = {u.worker_id for u in self.grouping.unserved}
        if excluded | eligible != registered or excluded & eligible:
            raise ValueError("screening lost or duplicated workers")
        if grouped | unserved != eligible or grouped & unserved:
            raise ValueError("grouping lost or duplicated workers")


def prepare(day: Day) -> Prepared:
    """Screen ``day``, check its fleet and group its eligible workers into trip requests."""
    screening = screen(day)
    fleet = check_fleet(day)
    grouping = group_workers(day, screening.eligible, max_workers=fleet.max_worker_seats)
    return Prepared(day, screening, fleet, grouping)
