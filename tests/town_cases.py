"""Small hand-checkable planning days on tiny synthetic road networks (for the planner tests).

Every place stands on a road node, so there are no access legs and drive times are exact:
on the 31.30° N and 31.32° N roads 0.01° of longitude takes 1 bus minute (see
``tests/network_cases.py``); the north–south links of ``grid_town`` take about 2.3 minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dispatch.day import Arrival, Day, HealthCode, NucleicTest, Permit, Vehicle
from dispatch.policy import Policy
from routing.network.roads import RoadNetwork
from routing.network.speed import VehicleClass
from stations.model import Depot, Enterprise, Exit, Registry, Station, StationKind
from tests.network_cases import network_of

DATE = dt.date(2020, 2, 24)
LATS = (31.30, 31.32)
LONS = (120.50, 120.52, 120.54, 120.56, 120.58, 120.60)


def at(clock: str) -> dt.datetime:
    """``HH:MM`` on the planning date."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return dt.datetime.combine(DATE, dt.time()) + dt.timedelta(hours=hours, minutes=minutes)


def grid_town() -> RoadNetwork:
    """Two east–west roads (31.30° N, 31.32° N) from 120.50° E to 120.60° E, nodes every
    0.02° (2 bus minutes), joined by a north–south link at every node."""
    points = [(lon, lat) for lat in LATS for lon in LONS]
    n = len(LONS)
    segments = [(r * n + c, r * n + c + 1) for r in range(2) for c in range(n - 1)]
    segments += [(c, n + c) for c in range(n)]
    return network_of(points, segments, name="grid town")


def node(column: int, row: int = 0) -> tuple[float, float]:
    """(lon, lat) of a node of ``grid_town`` or ``one_bridge`` (row 0 = 31.30° N)."""
    return LONS[column], LATS[row]


def station(station_id: str, where: tuple[float, float]) -> Station:
    """A rail station at ``where``."""
    return Station(station_id, f"{station_id}站", station_id, StationKind.RAIL, *where)


def employer(
    enterprise_id: str, where: tuple[float, float], *, certified: bool = True
) -> Enterprise:
    """An employer at ``where``."""
    return Enterprise(enterprise_id, f"企业{enterprise_id}", where[0], where[1], certified)


def coach(plate: str, seats: int, *, depot: str = "d1", **costs: float) -> Vehicle:
    """A bus with default costs unless given."""
    return Vehicle(plate, "示例客运", depot, VehicleClass.BUS, seats=seats, **costs)  # type: ignore[arg-type]


def permit(plate: str, *, kind: str = "passenger", start: str = "2020-01-01") -> Permit:
    """A permit for 2020 from ``start``."""
    return Permit(
        f"P-{plate}",
        plate,
        kind,  # type: ignore[arg-type]
        dt.datetime.fromisoformat(start),
        dt.datetime(2021, 1, 1),
    )


def arrival(
    worker_id: str,
    clock: str,
    *,
    station_id: str = "s1",
    enterprise_id: str = "e1",
    origin: str = "河南省信阳市",
    health: HealthCode = HealthCode.GREEN,
    test: NucleicTest = NucleicTest.NONE,
) -> Arrival:
    """One registered worker."""
    return Arrival(worker_id, enterprise_id, station_id, at(clock), origin, health, test)


def town_day(
    arrivals: Sequence[Arrival],
    *,
    fleet: Sequence[Vehicle],
    permits: Sequence[Permit] | None = None,
    stations: Sequence[Station] = (),
    employers: Sequence[Enterprise] = (),
    depots: Sequence[Depot] = (),
    exits: Sequence[Exit] = (),
    policy: Policy | None = None,
    **policy_values: object,
) -> Day:
    """A day on ``grid_town`` (or any network with the same node positions).

    Defaults: station ``s1`` at node 0, employers ``e1``…``e3`` at nodes 2, 4, 5 of the south
    road, depot ``d1`` at node 1, a passenger permit for every vehicle, and a policy with a
    small deterministic solver budget (``effort`` 200, 5 s) updated by ``policy_values``.
    """
    base = policy or Policy(planning_date=DATE, seed=7, time_limit_s=5.0, effort=200)
    if policy_values:
        base = base.replace(**policy_values)
    return Day(
        date=DATE,
        policy=base,
        stations=Registry.of("station", list(stations) or [station("s1", node(0))], "station_id"),
        enterprises=Registry.of(
            "enterprise",
            list(employers)
            or [employer("e1", node(2)), employer("e2", node(4)), employer("e3", node(5))],
            "enterprise_id",
        ),
        depots=Registry.of(
            "depot", list(depots) or [Depot("d1", "示例客运", *node(1))], "depot_id"
        ),
        exits=Registry.of("exit", list(exits), "exit_id"),
        arrivals=tuple(arrivals),
        fleet=tuple(fleet),
        permits=tuple(permits if permits is not None else [permit(v.vehicle_id) for v in fleet]),
    )
