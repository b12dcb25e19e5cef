"""scenarios.changes.ScaleShipments and the supply example scenario: shipments and trucks change
like the rest of a day."""

from __future__ import annotations

import pytest

from scenarios.changes import ChangeStep, ScaleShipments
from scenarios.spec import load_scenarios
from tests.paths import ROOT
from tests.supply_cases import shipment, supply_day, truck
from tests.town_cases import node

EXAMPLE = ROOT / "scenarios" / "examples" / "trucks_short.yaml"


def mixed_day():
    """Two necessities and one other shipment, one truck."""
    loads = [
        shipment("N1", node(0), node(5), "necessities"),
        shipment("N2", node(1), node(4), "necessities"),
        shipment("O1", node(2), node(3), "other"),
    ]
    return supply_day(loads, [truck("T1", 5.0)])


def test_scaling_one_cargo_kind_up_copies_its_shipments() -> None:
    day = ScaleShipments(2.0, cargo="necessities").apply(mixed_day(), step=ChangeStep(0, 1))
    ids = [s.shipment_id for s in day.shipments]
    assert ids == ["N1", "N1-c1", "N2", "N2-c1", "O1"]
    copy_ = day.shipments[1]
    assert (copy_.origin, copy_.destination, copy_.weight_t) == (
        day.shipments[0].origin,
        day.shipments[0].destination,
        day.shipments[0].weight_t,
    )


def test_scaling_down_is_seeded_and_keeps_round_n_times_factor() -> None:
    first = ScaleShipments(0.5).apply(mixed_day(), step=ChangeStep(3, 1))
    again = ScaleShipments(0.5).apply(mixed_day(), step=ChangeStep(3, 1))
    assert len(first.shipments) == 2  # round(1.5) halves up
    assert first.shipments == again.shipments


def test_a_cargo_kind_without_shipments_warns() -> None:
    (issue,) = ScaleShipments(2.0, cargo="epidemic_supplies").check(mixed_day())
    assert issue.warning and "scales no shipment" in issue.message


def test_the_trucks_short_example_leaves_lower_priority_cargo() -> None:
    """Without the port haulier and with twice the necessities: epidemic supplies all go,
    and what stays behind is necessities, production materials or other cargo."""
    (checked,) = load_scenarios([EXAMPLE])
    trucks = [v for v in checked.day.fleet if v.vehicle_class == "truck"]
    assert len(trucks) == 13
    necessities = [s for s in checked.day.shipments if s.cargo == "necessities"]
    assert len(necessities) == 24


@pytest.mark.slow
def test_the_trucks_short_example_plans_epidemic_supplies_first() -> None:
    from dispatch.planner import plan_day

    (checked,) = load_scenarios([EXAMPLE])
    plan = plan_day(checked.day)
    left = {u.cargo.value for u in plan.unserved_shipments if u.reason == "trucks_exhausted"}
    assert left and "epidemic_supplies" not in left
