"""dispatch.supply.truck_problem: supply places, truck matrices per lane, windows, loads,
priorities."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.charters.bus_problem import day_network
from dispatch.day import Cargo, PlaceRef, Shipment
from dispatch.supply.truck_problem import (
    FALLBACK_RANK_FACTOR,
    SupplyRules,
    cargo_weights,
    shipment_amount,
    shipment_ends,
    shipment_window,
    supply_profiles,
    supply_travel,
)
from routing.network.roads import RoadNetwork
from routing.network.speed import Profile
from stations.model import Exit, ExitStatus, PlaceKind
from tests.supply_cases import shipment, supply_day, truck
from tests.town_cases import node

EAST, WEST = node(5), node(0)


def test_places_are_depots_first_then_shipment_ends_once_each() -> None:
    """A known place keeps its id, a bare point is keyed ``lon,lat``; shared ends appear once."""
    loads = [shipment("S1", WEST, EAST), shipment("S2", EAST, WEST)]
    day = supply_day(loads, [truck("T1", 5.0)])
    named = day.replace(
        shipments=(
            *day.shipments,
            Shipment(
                "S3",
                PlaceRef(*node(2), "e1", kind=PlaceKind.ENTERPRISE),
                PlaceRef(*EAST, name="港口"),
                Cargo.OTHER,
                1.0,
            ),
        )
    )
    places, ends = shipment_ends(named)
    keys = [p.place_id for p in places]
    assert keys[0] == "d1"
    assert keys.count("120.600000,31.300000") == 1
    assert ends["S3"].origin.place_id == "e1" and ends["S3"].origin.name == "企业e1"
    assert ends["S3"].destination.name == "港口"  # a given name wins over the coordinates
    assert ends["S1"].origin.name == "120.500000,31.300000"


def test_an_id_used_for_two_positions_is_told_apart() -> None:
    day = supply_day([shipment("S1", WEST, EAST)], [truck("T1", 5.0)])
    clash = Shipment(
        "S2", PlaceRef(*EAST, "d1", kind=PlaceKind.DEPOT), PlaceRef(*WEST), Cargo.OTHER, 1.0
    )
    places, ends = shipment_ends(day.replace(shipments=(*day.shipments, clash)))
    assert ends["S2"].origin.place_id == "d1@120.600000,31.300000"
    assert len({p.place_id for p in places}) == len(places)


@pytest.mark.parametrize("kind", [PlaceKind.ENTERPRISE, PlaceKind.STATION, PlaceKind.EXIT])
def test_an_id_shared_by_two_kinds_keeps_each_place_its_name(kind: PlaceKind) -> None:
    """A shipment end with the truck depot's id (here even at the depot's spot) is a place of
    its own kind, with its own key and name: the depot keeps ``d1``."""
    day = supply_day([shipment("S1", WEST, EAST)], [truck("T1", 5.0)])
    depot = day.depots["d1"]
    other = PlaceRef(depot.lon, depot.lat, "d1", name="别处", kind=kind)
    clash = Shipment("S2", other, PlaceRef(*WEST), Cargo.OTHER, 1.0)
    places, ends = shipment_ends(day.replace(shipments=(*day.shipments, clash)))
    assert ends["S2"].origin.place_id == f"{kind.value}:d1"
    assert ends["S2"].origin.name == "别处" and ends["S2"].origin.kind is kind
    (kept,) = [p for p in places if p.place_id == "d1"]
    assert kept.kind is PlaceKind.DEPOT and kept.name == (depot.name or "d1")


def test_profiles_follow_the_cargo() -> None:
    assert supply_profiles([shipment("S", WEST, EAST, "other")]) == (Profile.TRUCK,)
    assert supply_profiles([shipment("S", WEST, EAST, "necessities")]) == (Profile.TRUCK_PRIORITY,)
    both = [shipment("A", WEST, EAST, "other"), shipment("B", WEST, EAST, "epidemic_supplies")]
    assert supply_profiles(both) == (Profile.TRUCK_PRIORITY, Profile.TRUCK)


@pytest.mark.parametrize(
    ("status", "gap"), [(ExitStatus.OPEN, 0.0), (ExitStatus.GREEN_CHANNEL, 12.0)]
)
def test_lane_matrices_share_work_and_differ_only_at_green_channels(
    bridge: RoadNetwork, status: ExitStatus, gap: float
) -> None:
    """Both lanes equal the per-profile matrices; across the checkpoint the normal lane is
    ``open − green`` (15 − 3) minutes slower only when the checkpoint is a green channel."""
    both = [shipment("A", WEST, EAST, "other"), shipment("B", WEST, EAST, "epidemic_supplies")]
    day = supply_day(both, [truck("T1", 5.0)], exits=[Exit("cp", "卡口", 120.55, 31.30, status)])
    daynet = day_network(day, bridge)
    travel = supply_travel(day, daynet)
    for profile, matrix in travel.matrices.items():
        alone = daynet.matrix(list(travel.places), profile=profile)
        np.testing.assert_allclose(matrix.time_min, alone.time_min)
    i = travel.index_of("120.500000,31.300000")
    j = travel.index_of("120.600000,31.300000")
    normal = travel.matrices[Profile.TRUCK].time_min[i, j]
    fast = travel.matrices[Profile.TRUCK_PRIORITY].time_min[i, j]
    assert normal - fast == pytest.approx(gap)


def test_windows_fill_in_the_operating_day() -> None:
    day = supply_day([shipment("S", WEST, EAST, ready=None, due=None)], [])
    window = shipment_window(day, day.shipments[0])
    assert (window.start, window.end) == (5 * 3600, 24 * 3600)
    late = supply_day([shipment("S", WEST, EAST, ready="23:30", due=None)], [])
    w = shipment_window(late, late.shipments[0])
    assert (w.start, w.end) == (23 * 3600 + 1800, 24 * 3600)
    early = supply_day([shipment("S", WEST, EAST, ready=None, due="04:00")], [])
    w = shipment_window(early, early.shipments[0])
    assert (w.start, w.end) == (4 * 3600, 4 * 3600)  # due before the day: an empty window


def test_amounts_are_kilograms_and_litres() -> None:
    assert shipment_amount(shipment("S", WEST, EAST, weight_t=1.25, volume_m3=3.5)) == (
        1250,
        3500,
    )
    assert shipment_amount(shipment("S", WEST, EAST, weight_t=2.0)) == (2000, 0)


def test_loading_times_grow_with_the_weight() -> None:
    rules = SupplyRules()
    heavy = shipment("S", WEST, EAST, weight_t=5.0)
    assert (rules.loading_min(heavy), rules.unloading_min(heavy)) == (20.0, 20.0)
    with pytest.raises(ValueError, match="finite and >= 0"):
        SupplyRules(load_min=-1.0)


@given(
    counts=st.lists(st.integers(0, 6), min_size=4, max_size=4),
    priorities=st.lists(st.integers(1, 9), min_size=24, max_size=24),
)
def test_one_shipment_of_a_higher_cargo_rank_outweighs_all_lower_ones(
    counts: list[int], priorities: list[int]
) -> None:
    """For any mix: weight(rank r) × 1 > Σ weight × priority over every lower-rank shipment."""
    order = [Cargo.OTHER, Cargo.PRODUCTION_MATERIALS, Cargo.NECESSITIES, Cargo.EPIDEMIC_SUPPLIES]
    loads = []
    taken = iter(priorities)
    for cargo, count in zip(order, counts, strict=True):
        loads += [
            shipment(f"{cargo.value}{i}", WEST, EAST, cargo.value, priority=next(taken))
            for i in range(count)
        ]
    weights = cargo_weights(loads, drop_penalty=10**6)
    for rank, cargo in enumerate(order):
        below = sum(weights[s.cargo] * s.priority for s in loads if s.cargo in order[:rank])
        assert weights[cargo] > below


def test_weights_fall_back_before_they_overflow() -> None:
    loads = [shipment(f"S{i}", WEST, EAST, "other", priority=9) for i in range(50)]
    loads += [shipment(f"N{i}", WEST, EAST, "necessities", priority=9) for i in range(50)]
    weights = cargo_weights(loads, drop_penalty=10**15)
    assert weights[Cargo.NECESSITIES] == FALLBACK_RANK_FACTOR**2
