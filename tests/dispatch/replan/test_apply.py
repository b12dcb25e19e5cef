"""Tests for dispatch.replan.apply: events applied to a day."""

from __future__ import annotations

import datetime as dt

from dispatch.day import Day
from dispatch.replan.apply import events_day, exit_times, exits_at, with_arrivals
from dispatch.replan.events import (
    EventLog,
    ExitChange,
    NoShow,
    TrainDelay,
    VehicleBreakdown,
    WalkIn,
)
from stations.model import ExitStatus
from tests.replan_cases import bridge_day, when
from tests.town_cases import arrival

CLOSED_NOON = ExitChange(when("09:00"), "bridge_cp", ExitStatus.CLOSED, when("12:00"))
OPEN_TWO = ExitChange(when("09:30"), "bridge_cp", ExitStatus.OPEN, when("14:00"), delay_min=30)


def test_the_status_that_holds_at_a_moment() -> None:
    """Open until 12:00, closed until 14:00, then open with a 30-minute delay."""
    day = bridge_day()
    statuses = [
        exits_at(day, [CLOSED_NOON, OPEN_TWO], when(clock))["bridge_cp"]
        for clock in ("11:59", "12:00", "14:00")
    ]
    assert [s.status for s in statuses] == [ExitStatus.OPEN, ExitStatus.CLOSED, ExitStatus.OPEN]
    assert statuses[2].delay_min == 30
    assert exit_times([CLOSED_NOON, OPEN_TWO], when("12:30")) == [when("14:00")]


def test_arrivals_move_join_and_leave(trains: Day) -> None:
    walker = arrival("x1", "10:00")
    day = with_arrivals(trains, {"w01": when("09:00")}, [walker], dropped={"w02"})
    times = {a.worker_id: a.arrival_time for a in day.arrivals}
    assert times["w01"] == when("09:00") and "w02" not in times and "x1" in times
    assert trains.arrivals[0].arrival_time == when("08:00")  # the base is untouched


def test_events_day_applies_what_is_known_at_the_time(trains: Day) -> None:
    """At 09:00: G2 late, w01 gone, walk-in x1 in, b1 available until 10:00; a delay known at
    11:00 waits."""
    log = EventLog(
        (
            TrainDelay(when("08:00"), "s1", 60, train_no="G2"),
            NoShow(when("08:00"), ("w01", "x2")),
            WalkIn(when("08:30"), (arrival("x1", "08:40"), arrival("x2", "08:40")), "w"),
            VehicleBreakdown(when("08:30"), "b1", when("10:00")),
            TrainDelay(when("11:00"), "s1", 60, train_no="G3"),
        )
    )
    day = events_day(trains, log, when("09:00"))
    times = {a.worker_id: a.arrival_time for a in day.arrivals}
    assert times["w07"] == when("09:30")  # G2 08:30 + 60
    assert times["w12"] == when("09:00")  # G3 not yet known late
    assert "w01" not in times and "x1" in times and "x2" not in times
    assert day.vehicle("b1").available_to == dt.datetime(2020, 2, 24, 10, 0)
