"""Tests for dispatch.replan.remainder: travel over several networks, buses carried over."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch.charters.bus_problem import PlaceKey, PlaceKind
from dispatch.charters.fleet import check_fleet
from dispatch.day import Day
from dispatch.plan import Plan
from dispatch.replan.base import BasePlan
from dispatch.replan.events import VehicleBreakdown
from dispatch.replan.remainder import carried_buses, travel_over
from dispatch.replan.state import day_state
from routing.network.daynetwork import network_for_day
from stations.model import ExitStatus
from tests.replan_cases import bridges, when

WEST = PlaceKey(PlaceKind.STATION, "west")
EAST = PlaceKey(PlaceKind.ENTERPRISE, "east")


def test_travel_over_several_networks_takes_the_longest_time(bridge: Day) -> None:
    """Open bridge: 10 minutes west to east; closed: the 14.7-minute detour; over both: the
    detour, and its km."""
    roads = bridges()
    checkpoint = bridge.exits["bridge_cp"]
    closed = dataclasses.replace(checkpoint, status=ExitStatus.CLOSED)
    open_net = network_for_day(roads, [checkpoint])
    closed_net = network_for_day(roads, [closed])
    alone = travel_over(bridge, [WEST, EAST], [open_net])
    both = travel_over(bridge, [EAST, WEST, WEST], [open_net, closed_net])
    assert alone.minutes(WEST, EAST) == pytest.approx(10.0)
    assert both.minutes(WEST, EAST) == pytest.approx(14.683, abs=0.01)
    assert both.km(WEST, EAST) > alone.km(WEST, EAST)
    assert both.keys == (WEST, EAST)  # deduplicated, stations before employers


def test_buses_enter_the_replan_in_their_state(trains: Day, trains_plan: Plan) -> None:
    """At 09:25 b1 continues from e2 when G2 is unloaded, within ten hours of 08:58; b2 and
    b3 are fresh from 09:25; b3 broke down and is gone."""
    base = BasePlan.of_plan(trains_plan)
    broken = VehicleBreakdown(when("09:00"), "b3", when("09:00"))
    state = day_state(
        base,
        at=when("09:25"),
        freeze_until=when("09:25"),
        touched_trips=(),
        breakdowns={"b3": broken},
    )
    carried = carried_buses(trains, check_fleet(trains).buses, state, {"b3": broken})
    by_plate = {c.usable.vehicle_id: c for c in carried}
    assert set(by_plate) == {"b1", "b2"}
    b1 = by_plate["b1"]
    assert b1.continues and b1.start == PlaceKey(PlaceKind.ENTERPRISE, "e2")
    assert b1.free_at == trains_plan.route("b1").steps[4].departure  # G2 unloaded
    assert b1.latest_end == when("18:58")
    b2 = by_plate["b2"]
    assert not b2.continues and b2.free_at == when("09:25")
