"""Tests for dispatch.replan.checks: events against the day they happen on."""

from __future__ import annotations

from dispatch.day import Day
from dispatch.replan.checks import event_problems
from dispatch.replan.events import (
    EventLog,
    EventSource,
    NoShow,
    ShipmentCancelled,
    VehicleAdded,
    VehicleBreakdown,
    WalkIn,
)
from tests.replan_cases import when
from tests.town_cases import arrival, coach, permit


def test_events_may_name_what_earlier_events_add(trains: Day) -> None:
    """A walk-in may be a no-show later, an added bus may break down."""
    log = EventLog(
        (
            WalkIn(when("09:00"), (arrival("x1", "09:00"),), "w"),
            NoShow(when("09:30"), ("x1",)),
            VehicleAdded(when("09:00"), coach("b9", 19), permit("b9")),
            VehicleBreakdown(when("10:00"), "b9", when("10:00")),
        )
    )
    assert event_problems(trains, log) == []


def test_each_problem_names_the_events_table_row_and_column(trains: Day) -> None:
    """A walk-in with a registered id and one for an unknown employer, a bus added twice, an
    unknown shipment: every problem, each with where it was read."""
    source = EventSource("events.csv", 7)
    log = EventLog(
        (
            WalkIn(
                when("09:00"),
                (arrival("w01", "09:00"), arrival("x2", "09:00", enterprise_id="e9")),
                "w",
                source,
            ),
            VehicleAdded(when("09:00"), coach("b9", 19), permit("b9"), source),
            VehicleAdded(when("09:10"), coach("b9", 19), permit("b9"), source),
            ShipmentCancelled(when("09:00"), "S1", source),
        )
    )
    found = {(p.table, p.row, p.column, p.value) for p in event_problems(trains, log)}
    assert found == {
        ("events.csv", 7, "worker_id", "w01"),
        ("events.csv", 7, "enterprise_id", "e9"),
        ("events.csv", 7, "vehicle_id", "b9"),
        ("events.csv", 7, "shipment_id", "S1"),
    }
