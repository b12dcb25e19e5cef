"""Tests for dispatch.replan.supply: trucks' runs frozen once started, the rest planned again."""

from __future__ import annotations

from dispatch.day import Day
from dispatch.plan import Plan
from dispatch.replan.events import ShipmentAdded, ShipmentCancelled
from dispatch.replan.supply import KEPT, runs_of
from tests.replan_cases import planned, replanned, when
from tests.supply_cases import check_supply, shipment, supply_day, truck
from tests.town_cases import grid_town, node


def two_runs() -> tuple[Day, Plan]:
    """Truck T1: epidemic supplies S1 in the morning (a priority run), S3 and S4 (other cargo)
    in the afternoon (a second run from its depot)."""
    day = supply_day(
        [
            shipment("S1", node(0), node(3), "epidemic_supplies", ready="06:00", due="10:00"),
            shipment("S3", node(0), node(4), ready="14:00", due="18:00"),
            shipment("S4", node(1), node(5), ready="14:30", due="18:00"),
        ],
        [truck("T1", 5)],
    )
    return day, planned(day, grid_town())


def test_without_events_for_trucks_the_supply_is_kept() -> None:
    day, plan = two_runs()
    result = replanned(day, plan, [], "12:00", grid_town())
    assert result.plan.truck_routes == plan.truck_routes
    assert result.plan.deliveries == plan.deliveries
    assert KEPT in result.plan.meta.solver_status


def test_a_cancelled_shipment_of_a_run_not_started_leaves_the_day() -> None:
    """At 12:00 the afternoon run has not started: S4 is cancelled, S3 still delivered, the
    morning run unchanged."""
    day, plan = two_runs()
    assert len(runs_of(plan.route("T1"))) == 2
    result = replanned(day, plan, [ShipmentCancelled(when("11:00"), "S4")], "12:00", grid_town())
    new = result.plan
    assert [s.shipment_id for s in new.day.shipments] == ["S1", "S3"]
    assert [d.shipment_id for d in new.deliveries] == ["S1", "S3"]
    assert runs_of(new.route("T1"))[0] == runs_of(plan.route("T1"))[0]
    assert not check_supply(new, grid_town())
    assert new.kpis.nothing_lost


def test_a_cancellation_once_the_truck_has_left_is_noted() -> None:
    """At 15:00 the afternoon run is on the road: S4 stays delivered, with a note."""
    day, plan = two_runs()
    result = replanned(day, plan, [ShipmentCancelled(when("15:00"), "S4")], "15:00", grid_town())
    assert "S4" in {d.shipment_id for d in result.plan.deliveries}
    assert any("S4 is cancelled, but its truck left" in n for n in result.notes)


def test_an_added_shipment_is_planned_from_the_clock_time() -> None:
    """S5, added at 12:00, is delivered after 12:00 within its window."""
    day, plan = two_runs()
    added = ShipmentAdded(
        when("12:00"), shipment("S5", node(2), node(4), ready="12:30", due="17:00")
    )
    result = replanned(day, plan, [added], "12:00", grid_town())
    delivery = result.plan.delivery("S5")
    assert delivery.load_start >= when("12:30") and delivery.on_time
    assert not check_supply(result.plan, grid_town())
