"""Tests for dispatch.replan.diff: workers, trips and buses changed against the parent."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dispatch.plan import Plan
from dispatch.replan.base import BasePlan
from dispatch.replan.diff import (
    BusChangeKind,
    TripChangeKind,
    WorkerChangeKind,
    assignments,
    plan_diff,
)
from tests.replan_cases import when


def _moved_trip(plan: Plan, trip_id: str, **changes: object) -> Plan:
    trips = tuple(
        dataclasses.replace(t, **changes) if t.trip_id == trip_id else t  # type: ignore[arg-type]
        for t in plan.trips
    )
    return dataclasses.replace(plan, trips=trips)


def test_a_plan_against_itself_has_no_changes(trains_plan: Plan) -> None:
    diff = plan_diff(
        BasePlan.of_plan(trains_plan, parent="p"),
        trains_plan,
        at=when("10:00"),
        boarded=set(),
        forced=set(),
        broken={},
    )
    assert (diff.workers, diff.trips, diff.buses) == ((), (), ())
    assert diff.workers_to_move == 33 and diff.changed_share == 0.0


def test_a_trip_on_another_bus_an_hour_later(trains_plan: Plan) -> None:
    """G7's trip on b2 an hour later: four workers moved, one trip moved and re-timed, b1 and
    b2 changed; the forced ones are counted apart."""
    trip = trains_plan.trip("s1/e1/1300-1")
    hour = dt.timedelta(hours=1)
    child = _moved_trip(
        trains_plan,
        "s1/e1/1300-1",
        vehicle_id="b2",
        board_start=trip.board_start + hour,
        depart=trip.depart + hour,
        arrive=trip.arrive + hour,
        alight_start=trip.alight_start + hour,
    )
    base = BasePlan.of_plan(trains_plan, parent="p")
    boarded = {f"w{k:02d}" for k in range(1, 7)}
    diff = plan_diff(base, child, at=when("09:30"), boarded=boarded, forced={"w30"}, broken={})
    assert [w.kind for w in diff.workers] == [WorkerChangeKind.MOVED] * 4
    assert (diff.workers_changed, diff.workers_forced, diff.workers_to_move) == (4, 1, 27)
    assert diff.trips[0].kinds == (TripChangeKind.MOVED, TripChangeKind.RETIMED)
    assert {(b.vehicle_id, b.kind) for b in diff.buses} == {
        ("b1", BusChangeKind.CHANGED),
        ("b2", BusChangeKind.ADDED),
    }
    assert diff.changed_trip_ids == {"s1/e1/1300-1"}
    assert diff.counts()["trips_moved"] == 1


def test_assignments_cover_riders_unserved_and_excluded(trains_plan: Plan) -> None:
    found = assignments(trains_plan.trips, trains_plan.unserved, ["z9"])
    assert found["w01"].riding and found["w01"].vehicle_id == "b1"
    assert found["z9"].reason == "excluded" and not found["z9"].riding
