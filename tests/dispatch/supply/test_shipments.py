"""dispatch.supply.shipments (with supply_build, supply_explain, supply_routes): shipments planned
end to
end by ``plan_day`` on tiny road networks, checked by hand and re-checked independently
(tests.supply_cases.check_supply)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.day import Cargo, Day
from dispatch.outputs.plan_json import document_json, plan_document
from dispatch.plan import Plan, StepKind
from dispatch.planner import plan_day
from dispatch.reasons import ShipmentReason, UnservedReason
from routing.network.roads import RoadNetwork
from stations.model import Exit, ExitStatus
from tests.supply_cases import (
    TRUCK_MIN_PER_CENTIDEGREE,
    check_supply,
    goods,
    one_bus,
    shipment,
    supply_day,
    truck,
)
from tests.town_cases import arrival, grid_town, node, permit

EAST = node(5)  # 120.60° E on the 31.30° N road
WEST = node(0)  # 120.50° E


def planned(day: Day, network: RoadNetwork) -> Plan:
    """Plan ``day`` and assert that the independent re-check finds nothing wrong."""
    plan = plan_day(day, network=network)
    found = check_supply(plan, network)
    assert not found, "\n".join(found)
    return plan


def checkpoint(status: ExitStatus) -> Exit:
    """The bridge checkpoint with ``status``."""
    return Exit("bridge_cp", "大桥检查站", 120.55, 31.30, status=status)


def test_freight_only_exit_lets_the_truck_through_and_stops_the_bus(bridge: RoadNetwork) -> None:
    """The only road east crosses a freight-only checkpoint: the shipment west → east is
    delivered, the workers' group to e2 (east) is unserved naming the checkpoint."""
    day = supply_day(
        [shipment("S1", WEST, EAST, "necessities", 3.0)],
        [truck("T1", 10.0)],
        arrivals=[arrival("far", "08:00", enterprise_id="e2")],
        buses=[one_bus()],
        exits=[checkpoint(ExitStatus.FREIGHT_ONLY)],
    )
    plan = planned(day, bridge)
    (delivery,) = plan.deliveries
    assert (delivery.shipment_id, delivery.vehicle_id) == ("S1", "T1")
    (unserved,) = plan.unserved
    assert unserved.reason is UnservedReason.ROUTE_BLOCKED_BY_EXIT
    assert unserved.exits == ("bridge_cp",)
    assert not plan.unserved_shipments and plan.kpis.nothing_lost


def test_closed_exit_blocks_the_truck_and_the_bus(bridge: RoadNetwork) -> None:
    """Closed, the checkpoint cuts both: the shipment is unserved with the exit named."""
    day = supply_day(
        [shipment("S1", WEST, EAST, "epidemic_supplies", 1.0)],
        [truck("T1", 10.0)],
        arrivals=[arrival("far", "08:00", enterprise_id="e2")],
        buses=[one_bus()],
        exits=[checkpoint(ExitStatus.CLOSED)],
    )
    plan = planned(day, bridge)
    assert not plan.deliveries and not plan.truck_routes
    (stuck,) = plan.unserved_shipments
    assert stuck.reason is ShipmentReason.ROUTE_BLOCKED_BY_EXIT
    assert stuck.exits == ("bridge_cp",)
    assert "bridge_cp 大桥检查站 (closed)" in stuck.detail
    assert plan.unserved[0].reason is UnservedReason.ROUTE_BLOCKED_BY_EXIT


def test_green_channel_gives_priority_cargo_the_short_check(bridge: RoadNetwork) -> None:
    """Same road, same truck: the epidemic supplies cross the green-channel checkpoint in
    3 min (priority run), the other cargo waits the open delay of 15 min (later run)."""
    day = supply_day(
        [
            shipment("E", WEST, EAST, "epidemic_supplies", 1.0),
            shipment("O", WEST, EAST, "other", 1.0),
        ],
        [truck("T1", 10.0)],
        exits=[checkpoint(ExitStatus.GREEN_CHANNEL)],
    )
    plan = planned(day, bridge)
    drive = {d.shipment_id: (d.arrive - d.depart).total_seconds() / 60.0 for d in plan.deliveries}
    base = 10 * TRUCK_MIN_PER_CENTIDEGREE  # 0.10° of road
    assert drive == {"E": pytest.approx(base + 3.0), "O": pytest.approx(base + 15.0)}
    lanes = {d.shipment_id: d.green_channel for d in plan.deliveries}
    assert lanes == {"E": True, "O": False}


def test_a_truck_never_exceeds_its_weight_or_volume(town: RoadNetwork) -> None:
    """A 10 t / 20 m³ truck: three 4 t loads and two 15 m³ loads from one origin need
    several trips; along the route the load stays within both limits."""
    loads = [shipment(f"W{i}", WEST, EAST, "other", 4.0, volume_m3=3.0) for i in range(3)]
    loads += [shipment(f"V{i}", WEST, EAST, "other", 1.0, volume_m3=15.0) for i in range(2)]
    plan = planned(supply_day(loads, [truck("T1", 10.0, 20.0)]), town)
    assert len(plan.deliveries) == 5
    (route,) = plan.truck_routes
    assert max(s.load_t for s in route.steps) <= 10.0
    assert max(s.on_board for s in route.steps) >= 2  # it does combine loads that fit


def test_oversize_shipments_name_the_limit(town: RoadNetwork) -> None:
    """Too heavy for every truck, or too bulky for those that carry its weight."""
    day = supply_day(
        [
            shipment("HEAVY", WEST, EAST, "production_materials", 12.0),
            shipment("BULKY", WEST, EAST, "production_materials", 3.0, volume_m3=25.0),
        ],
        [truck("T1", 10.0, 20.0), truck("T2", 2.0, 40.0)],
    )
    plan = planned(day, town)
    reasons = {u.shipment_id: (u.reason, u.detail) for u in plan.unserved_shipments}
    assert reasons == {
        "HEAVY": (
            ShipmentReason.NO_TRUCK_LARGE_ENOUGH,
            "weighs 12 t; the largest permitted truck carries 10 t",
        ),
        "BULKY": (
            ShipmentReason.NO_TRUCK_LARGE_ENOUGH,
            "takes 25 m³; the permitted trucks that carry its 3 t hold at most 20 m³",
        ),
    }


def test_only_trucks_with_a_valid_goods_permit_are_used(town: RoadNetwork) -> None:
    """No permit, an expired goods permit, a passenger permit: only T4 carries."""
    trucks = [truck(f"T{i}", 10.0) for i in range(1, 5)]
    permits = [
        goods("T2", start="2018-01-01", end="2020-02-01"),
        permit("T3"),
        goods("T4"),
    ]
    loads = [shipment(f"S{i}", node(i), EAST, "necessities", 1.0) for i in range(3)]
    plan = planned(supply_day(loads, trucks, permits=permits), town)
    assert {r.vehicle_id for r in plan.truck_routes} == {"T4"}
    assert plan.truck_routes[0].permit_no == "G-T4"
    assert len(plan.deliveries) == 3
    assert plan.kpis.trucks_usable == 1 and plan.kpis.trucks_rejected == 3


def test_without_a_usable_truck_every_shipment_says_so(town: RoadNetwork) -> None:
    day = supply_day([shipment("S1", WEST, EAST)], [truck("T1", 10.0)], permits=[permit("T1")])
    plan = planned(day, town)
    (stuck,) = plan.unserved_shipments
    assert stuck.reason is ShipmentReason.NO_USABLE_TRUCK
    assert "none of the 1 truck(s)" in stuck.detail
    empty = planned(supply_day([shipment("S1", WEST, EAST)], []), town)
    assert empty.unserved_shipments[0].detail == "the fleet has no trucks"


def rival_loads(first: str, second: str) -> list:
    """Two 1 t loads ready 08:00, due 08:40, on the two roads: one truck serves only one."""
    return [
        shipment("A", WEST, EAST, first, 1.0, ready="08:00", due="08:40"),
        shipment("B", node(0, 1), node(5, 1), second, 1.0, ready="08:00", due="08:40"),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("epidemic_supplies", "other"),
        ("other", "epidemic_supplies"),
        ("necessities", "epidemic_supplies"),
        ("production_materials", "necessities"),
    ],
)
def test_with_too_few_trucks_the_lower_priority_cargo_stays(
    town: RoadNetwork, first: str, second: str
) -> None:
    """Either load alone fits the one truck; the lower-ranked cargo is left, busy trucks named."""
    plan = planned(supply_day(rival_loads(first, second), [truck("T1", 10.0)]), town)
    rank = [Cargo.OTHER, Cargo.PRODUCTION_MATERIALS, Cargo.NECESSITIES, Cargo.EPIDEMIC_SUPPLIES]
    lower = "A" if rank.index(Cargo(first)) < rank.index(Cargo(second)) else "B"
    (stuck,) = plan.unserved_shipments
    assert stuck.shipment_id == lower
    assert stuck.reason is ShipmentReason.TRUCKS_EXHAUSTED
    assert "T1" in stuck.detail
    both = planned(
        supply_day(rival_loads(first, second), [truck("T1", 10.0), truck("T2", 10.0)]), town
    )
    assert len(both.deliveries) == 2


def test_a_higher_priority_number_wins_within_a_cargo_kind(town: RoadNetwork) -> None:
    loads = rival_loads("necessities", "necessities")
    loads[0] = shipment("A", WEST, EAST, "necessities", 1.0, ready="08:00", due="08:40")
    loads[1] = shipment(
        "B", node(0, 1), node(5, 1), "necessities", 1.0, ready="08:00", due="08:40", priority=5
    )
    plan = planned(supply_day(loads, [truck("T1", 10.0)]), town)
    assert [u.shipment_id for u in plan.unserved_shipments] == ["A"]


def test_an_unreachable_due_time_is_its_own_reason(town: RoadNetwork) -> None:
    """Loading takes 12 min and the drive 12.5: due 10 min after ready cannot be met."""
    day = supply_day(
        [shipment("S1", WEST, EAST, "necessities", 1.0, ready="08:00", due="08:10")],
        [truck("T1", 10.0)],
    )
    (stuck,) = planned(day, town).unserved_shipments
    assert stuck.reason is ShipmentReason.DUE_TIME_UNREACHABLE
    assert "08:10" in stuck.detail


def test_trucks_chain_loads_and_deliveries_keep_their_times(town: RoadNetwork) -> None:
    """Two loads at different times on one truck: one route, steps in order, on time."""
    loads = [
        shipment("S1", WEST, EAST, "other", 2.0, ready="07:00", due="09:00"),
        shipment("S2", EAST, WEST, "other", 2.0, ready="10:00", due="12:00"),
    ]
    plan = planned(supply_day(loads, [truck("T1", 5.0)]), town)
    (route,) = plan.truck_routes
    assert route.trip_ids == ("S1", "S2")
    kinds = [s.kind for s in route.steps]
    assert kinds[0] is StepKind.LEAVE_DEPOT and kinds[-1] is StepKind.RETURN_DEPOT
    assert all(d.on_time for d in plan.deliveries)
    assert plan.kpis.on_time_share == 1.0
    assert plan.kpis.tonnes_delivered == 4.0


def test_same_seed_gives_an_identical_plan(town: RoadNetwork) -> None:
    loads = [
        shipment(f"S{i}", node(i % 6, i % 2), node((i * 5 + 2) % 6, (i + 1) % 2), cargo, 1.0 + i)
        for i, cargo in enumerate(["other", "necessities", "epidemic_supplies", "other"] * 2)
    ]
    day = supply_day(loads, [truck("T1", 8.0), truck("T2", 5.0)])
    first, second = plan_day(day, network=town), plan_day(day, network=town)
    assert document_json(plan_document(first)) == document_json(plan_document(second))
    assert first.deliveries


def test_the_supply_stage_is_reported_on_a_day_with_shipments(town: RoadNetwork) -> None:
    """``supply`` comes between the bus solve and the explanations; fractions keep rising."""
    seen: list[tuple[str, float]] = []
    loads = [shipment("S1", WEST, EAST, "necessities"), shipment("S2", EAST, WEST)]
    day = supply_day(loads, [truck("T1", 5.0)])
    plan_day(day, network=town, on_stage=lambda name, f: seen.append((name, f)))
    names = list(dict.fromkeys(n for n, _ in seen))
    assert names == [
        "prepare",
        "network",
        "matrix",
        "solve",
        "supply",
        "explain",
        "assemble",
        "done",
    ]
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)


# --------------------------------------------------------------------------- property test

POINTS = [node(c, r) for r in range(2) for c in range(6)]
CARGO = [c.value for c in Cargo]


@st.composite
def small_supply_days(draw: Callable[..., object]) -> Day:
    """Up to 6 shipments between the nodes of grid town, 0–3 trucks (some without a valid
    goods permit), random weights, volumes and windows."""
    count = draw(st.integers(0, 6))
    loads = []
    for i in range(count):
        origin = draw(st.sampled_from(POINTS))
        destination = draw(st.sampled_from(POINTS))
        ready = draw(st.integers(5 * 60, 20 * 60))
        span = draw(st.integers(5, 8 * 60))
        clock = dt.time(ready // 60, ready % 60).strftime("%H:%M")
        due_min = min(ready + span, 23 * 60 + 59)
        due = dt.time(due_min // 60, due_min % 60).strftime("%H:%M")
        loads.append(
            shipment(
                f"S{i}",
                origin,
                destination,
                draw(st.sampled_from(CARGO)),
                draw(st.sampled_from([0.5, 2.0, 6.0, 11.0])),
                volume_m3=draw(st.sampled_from([None, 4.0, 18.0])),
                ready=clock,
                due=due,
                priority=draw(st.integers(1, 9)),
            )
        )
    trucks = []
    permits = []
    for k in range(draw(st.integers(0, 3))):
        plate = f"T{k}"
        trucks.append(
            truck(plate, draw(st.sampled_from([5.0, 10.0])), draw(st.sampled_from([None, 20.0])))
        )
        if draw(st.booleans()) or k == 0:
            permits.append(goods(plate))
    return supply_day(loads, trucks, permits=permits, effort=60, time_limit_s=2.0)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(day=small_supply_days())
def test_random_supply_days_lose_no_shipment(day: Day) -> None:
    """Every shipment is delivered or unserved with a reason exactly once (the Plan checks it
    on construction), every delivery is on time, and the re-check finds nothing wrong."""
    network = grid_town()
    plan = plan_day(day, network=network)
    ids = sorted(s.shipment_id for s in day.shipments)
    accounted = [d.shipment_id for d in plan.deliveries]
    accounted += [u.shipment_id for u in plan.unserved_shipments]
    assert sorted(accounted) == ids
    assert all(u.detail for u in plan.unserved_shipments)
    assert all(d.on_time for d in plan.deliveries)
    assert plan.kpis.nothing_lost
    assert not check_supply(plan, network)
