"""Hand-built plans of the plan_small fixture day (tests/data/days/plan_small) for the output
tests: the routes, times and distances are written out here, not solved, so every figure in
the outputs can be checked by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dispatch.charters.fleet import check_fleet
from dispatch.charters.prepare import prepare
from dispatch.day import Day, VehicleClass
from dispatch.intake.reader import read_day
from dispatch.plan import (
    IdleVehicle,
    Kpis,
    Plan,
    PlanMeta,
    Step,
    StepKind,
    SubsidyRow,
    Trip,
    Unserved,
    VehicleRoute,
)
from dispatch.reasons import UnservedReason
from stations.lang import Lang
from tests.paths import DATA

DAYS = DATA / "days"
PLAN_SMALL = DAYS / "plan_small"
# the fixture's personal numbers (arrivals.csv): none may appear outside the manifest sheet
ID_NUMBERS = (
    "990500199102020019",
    "990500199203030021",
    "990500199304040034",
    "990500199405050047",
    "99050019950606005X",
    "990500199607070062",
    "990500199708080075",
    "990500199809090088",
    "99050019900101009X",
    "990500199102020107",
    "99050019920303011X",
)
PHONES = tuple(f"139000001{n:02d}" for n in range(1, 12))
ESCORT_PHONE = "13900001111"


def at(clock: str) -> dt.datetime:
    """``HH:MM`` or ``HH:MM:SS`` on 2020-02-24."""
    parts = [int(p) for p in clock.split(":")]
    hours, minutes, seconds = [*parts, 0][:3]
    return dt.datetime(2020, 2, 24, hours, minutes, seconds)


def _steps(
    depot: str, station: str, employer: str, trip: str, times: list[str], passengers: int
) -> tuple[Step, ...]:
    """Depot → station (board) → employer (alight) → depot; ``times`` are the 8 moments
    leave, arrive/begin/depart at the station, arrive/begin/depart at the employer, back."""
    t = [at(x) for x in times]
    return (
        Step(StepKind.LEAVE_DEPOT, depot, None, t[0], t[0], t[0], 0),
        Step(StepKind.BOARD, station, trip, t[1], t[2], t[3], passengers),
        Step(StepKind.ALIGHT, employer, trip, t[4], t[5], t[6], 0),
        Step(StepKind.RETURN_DEPOT, depot, None, t[7], t[7], t[7], 0),
    )


def small_day() -> Day:
    """The plan_small fixture day as read from its folder."""
    return read_day(PLAN_SMALL)


def hand_plan(day: Day | None = None) -> Plan:
    """A plan of plan_small by hand: 苏E·30001 takes E1's five workers (P01–P05, 08:30
    boarding, 12.0 km loaded of 20.0 km), 苏E·30002 takes E2's two (P06, P07, 08:25 boarding,
    9.5 km loaded of 16.0 km); P08–P10 are excluded by screening, P11 is unserved (after
    operating hours); 苏E·30003 is idle (permit expired)."""
    day = day or small_day()
    prepared = prepare(day)
    fleet = check_fleet(day)
    e1 = Trip(
        "yq_test/E1/0800-1",
        "苏E·30001",
        "yq_test",
        "E1",
        ("P01", "P02", "P03", "P04", "P05"),
        1,
        at("08:30"),
        at("08:38"),
        at("09:00"),
        at("09:00"),
        30.0,
        20.0,
        22.0,
        12.0,
    )
    e2 = Trip(
        "yq_test/E2/0810-1",
        "苏E·30002",
        "yq_test",
        "E2",
        ("P06", "P07"),
        1,
        at("08:25"),
        at("08:31:30"),
        at("08:50"),
        at("08:50"),
        15.0,
        12.5,
        18.5,
        9.5,
    )
    usable = {u.vehicle_id: u for u in fleet.usable}
    routes = []
    for trip, times, distance, cost in (
        (e1, ["08:15", "08:25", "08:30", "08:38", "09:00", "09:00", "09:05", "09:20"], 20.0, 560.0),
        (
            e2,
            ["08:10", "08:20", "08:25", "08:31:30", "08:50", "08:50", "08:55", "09:10"],
            16.0,
            328.0,
        ),
    ):
        vehicle = usable[trip.vehicle_id]
        routes.append(
            VehicleRoute(
                trip.vehicle_id,
                vehicle.vehicle.operator,
                vehicle.vehicle.depot_id,
                VehicleClass.BUS,
                vehicle.vehicle.seats,
                vehicle.capacity,
                vehicle.permit.permit_no,
                vehicle.permit.valid_from,
                vehicle.permit.valid_to,
                _steps("D1", "yq_test", trip.enterprise_id, trip.trip_id, times, trip.passengers),
                (trip.trip_id,),
                distance,
                trip.distance_km,
                cost,
            )
        )
    unserved = tuple(
        Unserved(
            u.worker_id,
            u.arrival.station_id,
            u.arrival.enterprise_id,
            u.arrival.arrival_time,
            u.reason,
            "boarding could start at 00:05 at the earliest",
        )
        for u in prepared.grouping.unserved
    )
    idle = tuple(
        IdleVehicle(
            r.vehicle_id,
            r.vehicle.operator,
            r.vehicle.depot_id,
            r.vehicle.vehicle_class,
            r.describe(Lang.ZH),
            r.describe(Lang.EN),
            None,
        )
        for r in fleet.rejected
    )
    trips = (e1, e2)
    kpis = Kpis(
        workers_registered=11,
        workers_eligible=8,
        workers_transported=7,
        workers_excluded=3,
        workers_unserved=1,
        requests=2,
        requests_unserved=0,
        buses_usable=2,
        buses_rejected=1,
        buses_used=2,
        trips=2,
        bus_km=36.0,
        bus_km_loaded=21.5,
        bus_km_empty=14.5,
        wait_mean_min=17.5,
        wait_max_min=30.0,
        ride_mean_min=20.25,
        ride_max_min=22.0,
        seat_use=(6 + 3) / (53 + 19),
        load_factor_cap=0.5,
        cost_cny=888.0,
        subsidy_cny=0.0,
        fleet_lower_bound=1,
        solve_seconds=0.1,
    )
    subsidy = (
        SubsidyRow("E1", day.enterprises["E1"].name, 5, 1, 560.0, False, 0.0),
        SubsidyRow("E2", day.enterprises["E2"].name, 2, 1, 328.0, False, 0.0),
    )
    meta = PlanMeta(1, 2.0, "hand-made", 0, 0.0, "embedded")
    return Plan(
        day,
        tuple(routes),
        trips,
        unserved,
        prepared.screening.excluded,
        idle,
        subsidy,
        kpis,
        meta,
    )


def with_lost_worker(plan: Plan) -> Plan:
    """``plan`` with P11 dropped from the unserved list but the KPI still counting it — built
    without the constructor's check, as a buggy planner might hand it over."""
    broken = object.__new__(Plan)
    for field in dataclasses.fields(Plan):
        object.__setattr__(broken, field.name, getattr(plan, field.name))
    object.__setattr__(broken, "unserved", ())
    return broken


UNSERVED = UnservedReason.AFTER_OPERATING_HOURS
