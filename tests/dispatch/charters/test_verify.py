"""dispatch.charters.verify: a feasible plan passes; each kind of tampering is caught with its
rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dispatch.charters.bus_problem import DayTravel, travel_of
from dispatch.charters.verify import PlanInfeasibleError, Rule, assert_plan_feasible, verify_plan
from dispatch.day import Day
from dispatch.plan import Plan, StepKind
from dispatch.planner import plan_day
from routing.network.roads import RoadNetwork
from tests.town_cases import arrival, coach, permit, town_day


@pytest.fixture(scope="module")
def two_trips(town: RoadNetwork) -> tuple[Plan, DayTravel]:
    """One 53-seat bus takes 15 workers to e1 at 08:10 and 5 to e3 at 10:10 (escort each)."""
    workers = [arrival(f"a{i}", "08:00") for i in range(15)]
    workers += [arrival(f"b{i}", "10:00", enterprise_id="e3") for i in range(5)]
    day = town_day(workers, fleet=[coach("B1", 53)])
    plan = plan_day(day, network=town)
    assert plan.kpis.trips == 2
    return plan, travel_of(day, town)


def rules(plan: Plan, travel: DayTravel) -> set[Rule]:
    """The rules ``plan`` breaks."""
    return {v.rule for v in verify_plan(plan, travel)}


def with_day(plan: Plan, day: Day) -> Plan:
    """The same rows checked against another version of the day."""
    return dataclasses.replace(plan, day=day)


def test_a_planned_day_passes(two_trips: tuple[Plan, DayTravel]) -> None:
    """The planner's own plan breaks nothing."""
    plan, travel = two_trips
    assert verify_plan(plan, travel) == []
    assert_plan_feasible(plan, travel)


def test_too_many_on_board_for_the_cap(two_trips: tuple[Plan, DayTravel]) -> None:
    """The same plan with a 19-seat bus: 16 on board exceed the 9 places at 50 %."""
    plan, travel = two_trips
    small = plan.day.replace(fleet=(coach("B1", 19),))
    found = verify_plan(with_day(plan, small), travel)
    assert Rule.CAPACITY in {v.rule for v in found}
    assert any("16 on board > 9" in v.message for v in found)
    with pytest.raises(PlanInfeasibleError, match="capacity"):
        assert_plan_feasible(with_day(plan, small), travel)


def test_escort_seat_is_required(two_trips: tuple[Plan, DayTravel]) -> None:
    """A policy with two escort seats per trip: the trips carry one."""
    plan, travel = two_trips
    day = plan.day.replace(policy=plan.day.policy.replace(escort_seats=2))
    assert Rule.ESCORT in rules(with_day(plan, day), travel)


def test_bus_without_valid_permit_is_caught(two_trips: tuple[Plan, DayTravel]) -> None:
    """Permit from noon: the bus works in the morning without one; a goods permit is no permit."""
    plan, travel = two_trips
    late = plan.day.replace(permits=(permit("B1", start="2020-02-24T12:00"),))
    goods = plan.day.replace(permits=(permit("B1", kind="goods"),))
    assert Rule.NO_VALID_PERMIT in rules(with_day(plan, late), travel)
    assert Rule.NO_VALID_PERMIT in rules(with_day(plan, goods), travel)


def test_shift_wait_and_ride_limits(two_trips: tuple[Plan, DayTravel]) -> None:
    """Tighter policies than the plan was made with: each limit is reported."""
    plan, travel = two_trips
    policy = plan.day.policy
    assert Rule.SHIFT_TOO_LONG in rules(
        with_day(plan, plan.day.replace(policy=policy.replace(shift_hours=0.5))), travel
    )
    assert Rule.RIDE in rules(
        with_day(plan, plan.day.replace(policy=policy.replace(max_ride_min=1.0))), travel
    )
    assert Rule.WAIT in rules(
        with_day(plan, plan.day.replace(policy=policy.replace(transfer_min=60.0))), travel
    )


def test_mixing_none_forbids_two_groups_on_board(two_trips: tuple[Plan, DayTravel]) -> None:
    """Both trips boarded before either alights: two groups on board under mixing = none."""
    plan, travel = two_trips
    route = plan.routes[0]
    steps = list(route.steps)
    kinds = [s.kind for s in steps]
    assert kinds[1:5] == [StepKind.BOARD, StepKind.ALIGHT, StepKind.BOARD, StepKind.ALIGHT]
    steps[2], steps[3] = steps[3], steps[2]
    found = verify_plan(
        dataclasses.replace(plan, routes=(dataclasses.replace(route, steps=tuple(steps)),)),
        travel,
    )
    assert Rule.MIXING in {v.rule for v in found}


def test_driving_faster_than_the_road_allows(two_trips: tuple[Plan, DayTravel]) -> None:
    """An arrival at the first station ten minutes earlier than the drive allows."""
    plan, travel = two_trips
    route = plan.routes[0]
    steps = list(route.steps)
    earlier = steps[0].departure - dt.timedelta(minutes=10)
    steps[0] = dataclasses.replace(steps[0], arrival=earlier, begin=earlier, departure=earlier)
    steps[1] = dataclasses.replace(steps[1], arrival=steps[1].arrival - dt.timedelta(minutes=12))
    tampered = dataclasses.replace(route, steps=tuple(steps))
    assert Rule.TRAVEL_TIME in rules(dataclasses.replace(plan, routes=(tampered,)), travel)


def test_distances_must_match_the_roads(two_trips: tuple[Plan, DayTravel]) -> None:
    """A route claiming 1 km more than its legs."""
    plan, travel = two_trips
    route = plan.routes[0]
    longer = dataclasses.replace(route, distance_km=route.distance_km + 1.0)
    assert rules(dataclasses.replace(plan, routes=(longer,)), travel) == {Rule.DISTANCE}


def test_trip_on_a_bus_without_a_route(two_trips: tuple[Plan, DayTravel]) -> None:
    """Trips whose bus has no route are reported."""
    plan, travel = two_trips
    assert Rule.TRIP_MISMATCH in rules(dataclasses.replace(plan, routes=()), travel)
