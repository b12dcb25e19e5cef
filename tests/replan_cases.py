"""Hand-made days for the re-plan tests (on the tiny towns of ``tests.town_cases`` and
``tests.network_cases``), their plans, and a helper to re-plan them.

``trains_day``: station ``s1`` at node 0, employers e1 (node 2), e2 (node 4), e3 (node 5),
depot d1 at node 1, three 19-seat buses (8 workers and the escort each). Seven trains G1…G7
bring one employer's group each (the group sizes in brackets):

    G1 08:00 e1 (6)   G2 08:30 e2 (5)   G3 09:00 e3 (4)   G4 10:00 e1 (5)
    G5 11:00 e2 (6)   G6 12:00 e3 (3)   G7 13:00 e1 (4)

One bus chains all seven trips (worker ids w01…w33 in train order: G1 w01–w06, G2
w07–w11, G3 w12–w15, G4 w16–w20, G5 w21–w26, G6 w27–w29, G7 w30–w33).

``bridge_day``: the ``two_bridges`` network — a west station, an east factory, the short
southern bridge (10 minutes west to east) with an open checkpoint that takes no time, and a
northern detour (14.7 minutes) — and four trains at 10:00, 11:00, 12:30 and 13:30 of five
workers each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from dispatch.day import Arrival, Day
from dispatch.plan import Plan
from dispatch.planner import plan_day
from dispatch.replan.base import BasePlan
from dispatch.replan.events import Event, EventLog
from dispatch.replan.replanner import Replan, replan_day
from routing.network.roads import RoadNetwork
from stations.model import Depot, ExitStatus
from tests.network_cases import bridge_exit, two_bridges
from tests.town_cases import arrival, at, coach, employer, grid_town, station, town_day

TRAINS = (
    ("G1", "08:00", "e1", 6),
    ("G2", "08:30", "e2", 5),
    ("G3", "09:00", "e3", 4),
    ("G4", "10:00", "e1", 5),
    ("G5", "11:00", "e2", 6),
    ("G6", "12:00", "e3", 3),
    ("G7", "13:00", "e1", 4),
)


def train_arrivals(
    trains: Sequence[tuple[str, str, str, int]], *, station_id: str = "s1"
) -> list[Arrival]:
    """Workers w01, w02, … of each train in turn (same arrival time and employer)."""
    out: list[Arrival] = []
    for train, clock, employer_id, count in trains:
        for _ in range(count):
            worker = arrival(
                f"w{len(out) + 1:02d}", clock, station_id=station_id, enterprise_id=employer_id
            )
            out.append(dataclasses.replace(worker, train_no=train))
    return out


def trains_day(**policy: object) -> Day:
    """The seven trains of the module docstring on ``grid_town`` with three buses."""
    fleet = [coach("b1", 19), coach("b2", 19), coach("b3", 19)]
    return town_day(train_arrivals(TRAINS), fleet=fleet, **policy)


POOLED_TRAINS = (
    ("G1", "08:00", "e1", 2),
    ("G1", "08:00", "e2", 2),
    ("G1", "08:00", "e3", 2),
    ("G2", "09:00", "e1", 3),
    ("G2", "09:00", "e2", 1),
    ("G3", "10:00", "e3", 2),
    ("G3", "10:00", "e2", 2),
)


def pooled_day() -> Day:
    """Small groups of three employers per train (w01…w14) under ``mixing = pooled``: one bus
    boards each train's groups together and drops them in turn."""
    fleet = [coach("b1", 19), coach("b2", 19)]
    return town_day(train_arrivals(POOLED_TRAINS), fleet=fleet, mixing="pooled")


def bridge_day(**policy: object) -> Day:
    """Four trains from the west station to the east factory over the bridges."""
    trains = [
        ("K1", "10:00", "east", 5),
        ("K2", "11:00", "east", 5),
        ("K3", "12:30", "east", 5),
        ("K4", "13:30", "east", 5),
    ]
    return town_day(
        train_arrivals(trains, station_id="west"),
        fleet=[coach("b1", 19), coach("b2", 19)],
        stations=[station("west", (120.50, 31.30))],
        employers=[employer("east", (120.60, 31.30))],
        depots=[Depot("d1", "示例客运", 120.52, 31.30)],
        exits=[dataclasses.replace(bridge_exit(ExitStatus.OPEN), delay_min=0.0)],
        **policy,
    )


def bridges() -> RoadNetwork:
    """The network of :func:`bridge_day`."""
    return two_bridges()


def town() -> RoadNetwork:
    """The network of :func:`trains_day`."""
    return grid_town()


def planned(day: Day, network: RoadNetwork) -> Plan:
    """``day`` planned on ``network``."""
    return plan_day(day, network=network)


def replanned(
    day: Day, plan: Plan, events: Sequence[Event], clock: str, network: RoadNetwork
) -> Replan:
    """``plan`` of ``day`` re-planned at ``clock`` with ``events``."""
    base = BasePlan.of_plan(plan, parent="test parent")
    return replan_day(day, base, EventLog(tuple(events)), at=at(clock), network=network)


def when(clock: str) -> dt.datetime:
    """``HH:MM`` on the planning day."""
    return at(clock)
