"""Small days for the scenario tests: a river town with one bridge (a checkpoint on it), built
in code so every effect of a change can be checked by hand."""

from __future__ import annotations

import datetime as dt

from dispatch.day import Arrival, Day, HealthCode, NucleicTest, Permit, Vehicle, VehicleClass
from dispatch.policy import Policy
from routing.network.roads import RoadNetwork
from stations.model import Depot, Enterprise, Exit, ExitStatus, Registry, Station, StationKind
from tests.network_cases import one_bridge
from tests.paths import DATA

DATE = dt.date(2020, 2, 24)
DAYS = DATA / "days"
SMALL_DAY = DAYS / "one_station_two_employers"  # a day folder for scenario files
OPERATOR_A = "甲客运"
OPERATOR_B = "乙客运"


def at(clock: str) -> dt.datetime:
    """``HH:MM`` on 2020-02-24."""
    hours, minutes = (int(p) for p in clock.split(":"))
    return dt.datetime(2020, 2, 24, hours, minutes)


def bridge_network() -> RoadNetwork:
    """West town 120.50–120.52 °E, one 6-minute bridge, east town 120.58–120.60 °E."""
    return one_bridge()


def _arrival(worker_id: str, enterprise: str, clock: str, train: str) -> Arrival:
    return Arrival(
        worker_id,
        enterprise,
        "west",
        at(clock),
        "河南省周口市",
        HealthCode.GREEN,
        NucleicTest.NEGATIVE,
        train_no=train,
    )


def bridge_day(policy: Policy | None = None) -> Day:
    """The river town's day (on :func:`bridge_network`).

    Station ``west`` (120.50 °E) and depot ``dw`` (120.51 °E) are on the west bank, employer
    ``east_works`` (120.60 °E) across the bridge, employer ``west_works`` (120.52 °E) on the
    west bank. The bridge checkpoint ``bridge_cp`` (120.55 °E) is open. Arrivals at ``west``:

    - K1 at 08:00: E01, E02 for east_works, W01 for west_works;
    - K2 at 14:00: W02, W03 for west_works;
    - K3 at 16:30: W04 for west_works.

    Station ``north`` stands at west_works; station ``far`` (120.90 °E) is 28 km from every
    road of the network, so planning workers rerouted there fails (an input error).

    Fleet: operator 甲客运 with 苏E·A0001 (53 seats) and 苏E·A0002 (19 seats), operator 乙客运
    with 苏E·B0001 (45 seats); each has a passenger permit for 2020. Policy: seed 3, a 5 s
    limit and a small deterministic search budget.
    """
    policy = policy or Policy(planning_date=DATE, seed=3, time_limit_s=5.0, effort=200)
    fleet = (
        Vehicle("苏E·A0001", OPERATOR_A, "dw", VehicleClass.BUS, seats=53),
        Vehicle("苏E·A0002", OPERATOR_A, "dw", VehicleClass.BUS, seats=19),
        Vehicle("苏E·B0001", OPERATOR_B, "dw", VehicleClass.BUS, seats=45),
    )
    year = (dt.datetime(2020, 1, 1), dt.datetime(2021, 1, 1))
    permits = tuple(Permit(f"P-{v.vehicle_id}", v.vehicle_id, "passenger", *year) for v in fleet)  # type: ignore[arg-type]
    arrivals = (
        _arrival("E01", "east_works", "08:00", "K1"),
        _arrival("E02", "east_works", "08:00", "K1"),
        _arrival("W01", "west_works", "08:00", "K1"),
        _arrival("W02", "west_works", "14:00", "K2"),
        _arrival("W03", "west_works", "14:00", "K2"),
        _arrival("W04", "west_works", "16:30", "K3"),
    )
    stations = [
        Station("west", "西站", "West", StationKind.RAIL, 120.50, 31.30),
        Station("north", "北站", "North", StationKind.RAIL, 120.52, 31.30),
        Station("far", "远站", "Far", StationKind.RAIL, 120.90, 31.30),
    ]
    enterprises = [
        Enterprise("east_works", "东厂", 120.60, 31.30, True),
        Enterprise("west_works", "西厂", 120.52, 31.30, True),
    ]
    return Day(
        date=DATE,
        policy=policy,
        stations=Registry.of("station", stations, "station_id"),
        enterprises=Registry.of("enterprise", enterprises, "enterprise_id"),
        depots=Registry.of("depot", [Depot("dw", OPERATOR_A, 120.51, 31.30)], "depot_id"),
        exits=Registry.of(
            "exit", [Exit("bridge_cp", "桥卡口", 120.55, 31.30, ExitStatus.OPEN)], "exit_id"
        ),
        arrivals=arrivals,
        fleet=fleet,
        permits=permits,
        source="bridge_day",
    )
