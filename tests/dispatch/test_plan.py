"""dispatch.plan: the model's invariants — nothing lost by worker id, consistent KPIs, rows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dispatch.plan import (
    Kpis,
    Plan,
    PlanInvariantError,
    Step,
    StepKind,
    Trip,
    Unserved,
    VehicleRoute,
)
from dispatch.planner import plan_day
from dispatch.reasons import UnservedReason
from routing.network.speed import VehicleClass
from stations.lang import Lang
from tests.town_cases import arrival, at, coach, grid_town, town_day


@pytest.fixture(scope="module")
def small_plan() -> Plan:
    """Two workers ride one trip to e1, a yellow-code worker is excluded, a late one is
    unserved (arrives after the operating day ends at 23:00)."""
    from dispatch.day import HealthCode

    workers = [
        arrival("w1", "08:00"),
        arrival("w2", "08:05"),
        arrival("sick", "08:00", health=HealthCode.YELLOW),
        arrival("late", "23:30"),
    ]
    day = town_day(workers, fleet=[coach("B1", 19)], day_end_min="23:00")
    return plan_day(day, network=grid_town())


def test_the_small_plan_accounts_for_everyone(small_plan: Plan) -> None:
    """Transported 2 + excluded 1 + unserved 1 = registered 4."""
    k = small_plan.kpis
    assert (k.workers_transported, k.workers_excluded, k.workers_unserved) == (2, 1, 1)
    assert k.workers_registered == 4 and k.nothing_lost
    small_plan.check_nothing_lost()


def test_a_lost_worker_is_a_bug(small_plan: Plan) -> None:
    """Dropping the unserved row loses a worker."""
    with pytest.raises(PlanInvariantError, match=r"1 worker\(s\) lost, e.g. late"):
        dataclasses.replace(small_plan, unserved=())


def test_a_worker_counted_twice_is_a_bug(small_plan: Plan) -> None:
    """A transported worker also listed as unserved."""
    (trip,) = small_plan.trips
    twice = Unserved("w1", "s1", "e1", at("08:00"), UnservedReason.FLEET_EXHAUSTED)
    with pytest.raises(PlanInvariantError, match=r"counted twice, e.g. w1"):
        dataclasses.replace(small_plan, unserved=(*small_plan.unserved, twice))
    assert trip.headcount == 2


def test_an_unknown_worker_is_a_bug(small_plan: Plan) -> None:
    """A trip carrying someone who never registered."""
    (trip,) = small_plan.trips
    ghost = dataclasses.replace(trip, worker_ids=(*trip.worker_ids, "ghost"))
    with pytest.raises(PlanInvariantError, match=r"unknown worker id\(s\), e.g. ghost"):
        dataclasses.replace(small_plan, trips=(ghost,))


def test_kpis_must_agree_with_the_rows(small_plan: Plan) -> None:
    """A KPI count that differs from the rows is caught even when the ids add up."""
    wrong = dataclasses.replace(small_plan.kpis, workers_transported=3, workers_unserved=0)
    with pytest.raises(PlanInvariantError, match="KPI counts disagree"):
        dataclasses.replace(small_plan, kpis=wrong)


def test_lookups_by_id(small_plan: Plan) -> None:
    """trip() and route() find rows by id and name the missing one."""
    (trip,) = small_plan.trips
    assert small_plan.trip(trip.trip_id) is trip
    assert small_plan.route("B1").trip_ids == (trip.trip_id,)
    with pytest.raises(KeyError, match="'nope' is not a trip"):
        small_plan.trip("nope")
    with pytest.raises(KeyError, match="'B9' has no route"):
        small_plan.route("B9")


def test_rows_check_their_own_times() -> None:
    """Steps, trips and routes refuse times out of order and impossible distances."""
    t = at("08:00")
    later = t + dt.timedelta(minutes=5)
    with pytest.raises(ValueError, match="times out of order"):
        Step(StepKind.BOARD, "s1", "r1", later, t, later, 2)
    with pytest.raises(ValueError, match="negative on_board"):
        Step(StepKind.BOARD, "s1", "r1", t, t, t, -1)
    with pytest.raises(ValueError, match="no workers"):
        Trip("r1", "B1", "s1", "e1", (), 1, t, t, t, t, 0.0, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="times out of order"):
        Trip("r1", "B1", "s1", "e1", ("w1",), 1, later, t, t, t, 0.0, 0.0, 0.0, 0.0)
    depot = Step(StepKind.LEAVE_DEPOT, "d1", None, t, t, t, 0)
    with pytest.raises(ValueError, match="at least depot out and back"):
        VehicleRoute("B1", "op", "d1", VehicleClass.BUS, 19, 9, "P", t, t, (depot,), (), 0, 0, 0)
    with pytest.raises(ValueError, match="loaded km exceed total km"):
        VehicleRoute(
            "B1", "op", "d1", VehicleClass.BUS, 19, 9, "P", t, t, (depot, depot), (), 1.0, 2.0, 0
        )


def test_kpi_ratios(small_plan: Plan) -> None:
    """Empty share and buses over the bound."""
    k: Kpis = small_plan.kpis
    assert k.empty_share == pytest.approx(k.bus_km_empty / k.bus_km)
    assert k.buses_vs_bound == pytest.approx(k.buses_used / (k.fleet_lower_bound or 1))
    none = dataclasses.replace(k, bus_km=0.0, fleet_lower_bound=None)
    assert none.empty_share == 0.0 and none.buses_vs_bound is None


def test_unserved_describes_itself_in_both_languages(small_plan: Plan) -> None:
    """Reason text in the language, then the detail with the numbers."""
    (late,) = small_plan.unserved
    assert late.reason is UnservedReason.AFTER_OPERATING_HOURS
    assert late.describe(Lang.EN).startswith("arrives after the operating day ends: arrives 23:30")
    assert late.describe(Lang.ZH).startswith("到站过晚，运营时间已结束: ")


def test_the_plan_carries_the_network_it_was_made_on(small_plan: Plan) -> None:
    """``plan_day`` hands on its DayNetwork (for the map); it is not part of equality."""
    assert small_plan.network is not None
    assert small_plan.network.network.name == small_plan.meta.network
    assert dataclasses.replace(small_plan, network=None) == small_plan
    assert "DayNetwork" not in repr(small_plan)
