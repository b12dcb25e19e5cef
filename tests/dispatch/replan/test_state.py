"""Tests for dispatch.replan.state: blocks, and what is frozen at a clock time."""

from __future__ import annotations

from dispatch.plan import Plan
from dispatch.replan.base import BasePlan
from dispatch.replan.events import VehicleBreakdown
from dispatch.replan.state import blocks_of, boarded_workers, day_state
from tests.replan_cases import when


def _state(plan: Plan, clock: str, **options: object) -> object:
    base = BasePlan.of_plan(plan)
    values: dict[str, object] = {
        "freeze_until": when(clock),
        "touched_trips": (),
        "breakdowns": {},
    }
    values.update(options)
    return day_state(base, at=when(clock), **values)  # type: ignore[arg-type]


def test_a_route_is_a_chain_of_blocks(trains_plan: Plan) -> None:
    """b1's seven trips, each one block starting when b1 leaves the stop before it."""
    route = trains_plan.route("b1")
    blocks = blocks_of(route)
    assert [b.trip_ids for b in blocks] == [(t,) for t in route.trip_ids]
    first = blocks[0]
    assert first.started == route.steps[0].departure  # leaves the depot for it
    assert first.boards == route.steps[1].begin


def test_what_has_started_is_frozen(trains_plan: Plan) -> None:
    """At 09:25: G1 delivered, G2 on board (boarding 09:21), G3's bus not yet left (it leaves
    e2 at 09:42): two frozen blocks, five open; G1's and G2's workers are on board."""
    state = _state(trains_plan, "09:25")
    bus = state.bus("b1")  # type: ignore[attr-defined]
    assert bus.frozen_trips == ("s1/e1/0800-1", "s1/e2/0830-1")
    assert len(bus.released) == 5
    assert bus.end.place_id == "e2" and bus.end.kind.value == "alight"
    boarded = boarded_workers(state, BasePlan.of_plan(trains_plan))  # type: ignore[arg-type]
    assert boarded == {f"w{k:02d}" for k in range(1, 12)}


def test_a_started_trip_an_event_touches_is_open_again(trains_plan: Plan) -> None:
    """At 09:18 b1 has left e1 for G2 (it leaves at 09:17) but G2 boards only at 09:21: with
    a G2 worker late, G2's block is open again; without, it is frozen."""
    touched = _state(trains_plan, "09:18", touched_trips={"s1/e2/0830-1"})
    assert touched.bus("b1").frozen_trips == ("s1/e1/0800-1",)  # type: ignore[attr-defined]
    untouched = _state(trains_plan, "09:18")
    assert untouched.bus("b1").frozen_trips == ("s1/e1/0800-1", "s1/e2/0830-1")  # type: ignore[attr-defined]


def test_until_an_exit_change_unstarted_blocks_stay_frozen(trains_plan: Plan) -> None:
    """An exit change at 11:00 freezes, at 09:25, every block that starts before 11:00."""
    state = _state(trains_plan, "09:25", freeze_until=when("11:00"))
    frozen = state.bus("b1").frozen_trips  # type: ignore[attr-defined]
    assert frozen == (
        "s1/e1/0800-1",
        "s1/e2/0830-1",
        "s1/e3/0900-1",
        "s1/e1/1000-1",
        "s1/e2/1100-1",
    )


def test_a_broken_bus_keeps_only_what_boarded_before_the_breakdown(trains_plan: Plan) -> None:
    """b1 breaks down at 09:10 (G1 on board since 09:00); at 09:25 G2 has not boarded on it."""
    broken = VehicleBreakdown(when("09:10"), "b1", when("09:10"))
    state = _state(trains_plan, "09:25", breakdowns={"b1": broken})
    assert state.bus("b1").frozen_trips == ("s1/e1/0800-1",)  # type: ignore[attr-defined]
