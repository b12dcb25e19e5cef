"""Tests for dispatch.replan.routes: a bus's day joined from frozen steps and a continuation."""

from __future__ import annotations

import pytest

from dispatch.charters.bus_problem import travel_of
from dispatch.charters.fleet import check_fleet
from dispatch.day import Day
from dispatch.plan import Plan, StepKind
from dispatch.replan.routes import bus_day, step_key
from tests.replan_cases import town


def test_frozen_steps_without_a_continuation_go_home(trains: Day, trains_plan: Plan) -> None:
    """b1's first trip, then straight back to its depot: km and cost count both legs."""
    route = trains_plan.route("b1")
    frozen = route.steps[:3]  # leave, board G1, alight at e1
    travel = travel_of(trains, town())
    usable = next(u for u in check_fleet(trains).buses if u.vehicle_id == "b1")
    day_ = bus_day(
        usable, frozen=frozen, frozen_travel=travel, travel=travel, tail=None, day=trains
    )
    assert [s.kind for s in day_.steps][-1] is StepKind.RETURN_DEPOT
    back = day_.steps[-1]
    took = (back.arrival - frozen[-1].departure).total_seconds()
    assert took == pytest.approx(travel.minutes(step_key(frozen[-1]), step_key(back)) * 60, abs=1)
    legs = travel.km(step_key(frozen[0]), step_key(frozen[1]))
    legs += travel.km(step_key(frozen[1]), step_key(frozen[2]))
    legs += travel.km(step_key(frozen[2]), step_key(back))
    assert day_.distance_km == pytest.approx(legs)
    assert day_.trip_ids == ("s1/e1/0800-1",)


def test_a_route_needs_frozen_steps_or_a_continuation(trains: Day) -> None:
    usable = check_fleet(trains).buses[0]
    travel = travel_of(trains, town())
    with pytest.raises(ValueError, match="needs frozen steps or a tail"):
        bus_day(usable, frozen=(), frozen_travel=travel, travel=travel, tail=None, day=trains)
