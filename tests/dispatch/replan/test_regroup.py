"""Tests for dispatch.replan.regroup: the groups of a re-plan and their ids."""

from __future__ import annotations

from dispatch.charters.grouping import group_workers
from dispatch.charters.screening import screen
from dispatch.day import Day
from dispatch.plan import Plan
from dispatch.reasons import UnservedReason
from dispatch.replan.apply import with_arrivals
from dispatch.replan.base import BasePlan
from dispatch.replan.regroup import GroupInputs, Regrouped, name_groups, regroup
from tests.replan_cases import when
from tests.town_cases import arrival


def _regroup(day: Day, plan: Plan, **options: object) -> Regrouped:
    base = BasePlan.of_plan(plan)
    values: dict[str, object] = {
        "base": base,
        "frozen_trips": {"s1/e1/0800-1"},
        "open_trips": {t.trip_id for t in plan.trips} - {"s1/e1/0800-1"},
        "eligible": {a.worker_id: a for a in screen(day).eligible},
        "moved": set(),
        "no_shows": set(),
        "max_workers": 8,
        "at": when("09:10"),
    }
    values.update(options)
    return regroup(day, GroupInputs(**values))  # type: ignore[arg-type]


def test_without_events_the_open_trips_keep_their_groups(trains: Day, trains_plan: Plan) -> None:
    groups = _regroup(trains, trains_plan)
    assert [r.request_id for r in groups.frozen] == ["s1/e1/0800-1"]
    planned = {t.trip_id: t.worker_ids for t in trains_plan.trips}
    assert {r.request_id: r.worker_ids for r in groups.open} == {
        k: v for k, v in planned.items() if k != "s1/e1/0800-1"
    }
    assert not groups.unserved and not groups.cancelled and not groups.retimed


def test_a_late_worker_leaves_a_group_whose_window_would_close(
    trains: Day, trains_plan: Plan
) -> None:
    """w21 of G5 (11:00) an hour late: G5's group cannot wait for them, so w21 forms a new
    group with a fresh id; G5's trip keeps its id and the five others."""
    day = with_arrivals(trains, {"w21": when("12:00")})
    groups = _regroup(day, trains_plan, moved={"w21"})
    ids = {r.request_id: r.worker_ids for r in groups.open}
    assert ids["s1/e2/1100-1"] == ("w22", "w23", "w24", "w25", "w26")
    assert ids["s1/e2/1200-1"] == ("w21",)


def test_a_group_late_as_a_whole_keeps_its_id_and_moves(trains: Day, trains_plan: Plan) -> None:
    moved = {f"w{k}": when("13:00") for k in range(21, 27)}
    groups = _regroup(with_arrivals(trains, moved), trains_plan, moved=set(moved))
    request = next(r for r in groups.open if r.request_id == "s1/e2/1100-1")
    assert request.pickup_earliest == when("13:10")
    assert groups.retimed == ("s1/e2/1100-1",)


def test_no_shows_are_unserved_and_emptied_trips_cancelled(trains: Day, trains_plan: Plan) -> None:
    groups = _regroup(trains, trains_plan, no_shows={"w27", "w28", "w29", "w01"})
    assert groups.cancelled == ("s1/e3/1200-1",)
    reasons = {u.worker_id: u.reason for u in groups.unserved}
    assert reasons == dict.fromkeys(("w27", "w28", "w29"), UnservedReason.NO_SHOW)  # w01 on board


def test_a_walk_in_whose_wait_is_over_is_too_late(trains: Day, trains_plan: Plan) -> None:
    walker = arrival("x1", "07:30")
    day = with_arrivals(trains, {}, [walker])
    groups = _regroup(day, trains_plan)
    (late,) = groups.too_late
    assert late.worker_ids == ("x1",)
    grouping = groups.grouping()
    assert "x1" in grouping.grouped_worker_ids


def test_new_groups_take_the_id_of_identical_workers_or_a_fresh_one(trains: Day) -> None:
    """The workers of a known group take its id; a taken id gets an ``r`` before its chunk."""
    made = group_workers(trains, trains.arrivals[:3], max_workers=8).requests
    same = name_groups(made, {frozenset(made[0].worker_ids): "old/id-1"}, set())
    assert same[0].request_id == "old/id-1"
    taken = {made[0].request_id}
    fresh = name_groups(made, {}, taken)
    assert fresh[0].request_id == "s1/e1/0800r-1"
