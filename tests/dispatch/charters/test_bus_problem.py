"""dispatch.charters.bus_problem: the routing problem of a prepared day (places, jobs, vehicles,
weights)."""

from __future__ import annotations

import pytest

from dispatch.charters.bus_problem import (
    FEN_PER_CNY,
    PRIORITY_SCALE,
    PlaceKey,
    PlaceKind,
    build_problem,
    checkpoint_delays,
    day_network,
    day_travel,
    objective_weights,
    seconds_up,
)
from dispatch.charters.prepare import prepare
from routing.network.checkpoints import CheckpointDelays
from tests.town_cases import arrival, coach, grid_town, town_day


def built_of(mixing: str = "none"):  # type: ignore[no-untyped-def]
    """Two groups (3 workers to e1 at 08:00, 1 to e2 at 09:00), two buses (53 and 19 seats)."""
    workers = [arrival(f"w{i}", "08:00") for i in range(3)]
    workers.append(arrival("x", "09:00", enterprise_id="e2"))
    fleet = [coach("B53", 53, fixed_cost=400.0, cost_per_km=5.0), coach("B19", 19)]
    day = town_day(workers, fleet=fleet, mixing=mixing)
    prepared = prepare(day)
    travel = day_travel(prepared, day_network(day, grid_town()))
    return day, build_problem(prepared, travel)


def test_one_location_per_place_in_a_stable_order() -> None:
    """Depots, then stations, then employers of the requests (e3 has nobody: left out)."""
    _, built = built_of()
    assert [str(k) for k in built.travel.keys] == [
        "depot d1",
        "station s1",
        "enterprise e1",
        "enterprise e2",
    ]
    assert built.problem.location_names == tuple(str(k) for k in built.travel.keys)
    s1, e2 = PlaceKey(PlaceKind.STATION, "s1"), PlaceKey(PlaceKind.ENTERPRISE, "e2")
    assert built.travel.minutes(s1, e2) == pytest.approx(8.0)  # 0.08° at 1 min per 0.01°
    assert built.travel.reachable(s1, e2)


def test_jobs_carry_the_requests() -> None:
    """Amount with the escort seat, windows in seconds, services rounded up, priority by
    headcount, no board key and one group on board under mixing = none."""
    _, built = built_of()
    first = built.problem.jobs[0]
    assert first.amount == (3 + 1,)
    assert first.pickup_window.start == 8 * 3600 + 10 * 60  # after the 10-min transfer
    assert first.pickup_window.end == 9 * 3600  # 60-min longest wait
    assert first.pickup_service_s == 60 * (5 + 2)  # health check 5 + 0.5 × (3 + 1)
    assert first.delivery_service_s == 300 and first.max_ride_s == 7200
    assert first.priority == 3 * PRIORITY_SCALE and first.board_key is None
    assert {v.max_onboard_jobs for v in built.problem.vehicles} == {1}


def test_multi_drop_keys_jobs_by_station() -> None:
    """Under pooling (multi_drop is its old name) a job's board key is its station and
    vehicles have no on-board limit."""
    _, built = built_of("multi_drop")
    assert {j.board_key for j in built.problem.jobs} == {"station:s1"}
    assert {v.max_onboard_jobs for v in built.problem.vehicles} == {None}


def test_vehicles_cost_fen_and_work_their_shift() -> None:
    """Costs in fen, capacity under the load-factor cap, the policy's shift limit."""
    _, built = built_of()
    big = built.problem.vehicles[0]
    assert big.vehicle_id == "B53" and big.capacity == (26,)
    assert big.fixed_cost == 400 * FEN_PER_CNY and big.cost_per_km == 5 * FEN_PER_CNY
    assert big.shift.start == 5 * 3600 and big.shift.end == 24 * 3600
    assert big.max_shift_s == 10 * 3600


def test_weights_put_people_before_buses_before_cost() -> None:
    """A bus costs more than any day of running; a dropped worker more than a bus."""
    day, built = built_of()
    weight, penalty = objective_weights(day, built.problem.vehicles)
    assert (weight, penalty) == (built.problem.vehicle_weight, built.problem.drop_penalty)
    full_shift = max(v.cost_per_hour * 10 + v.cost_per_km * 10 * 80 for v in built.problem.vehicles)
    assert weight >= full_shift
    assert penalty > weight + max(v.fixed_cost for v in built.problem.vehicles) + full_shift


def test_seconds_round_up_and_delays_follow_the_policy() -> None:
    """A 7.25-minute service takes 435 s; 0.1 min is 6 s, not 7; policy delays win."""
    assert seconds_up(7.25) == 435 and seconds_up(0.1) == 6
    day, _ = built_of()
    assert checkpoint_delays(day) == CheckpointDelays()
    custom = day.replace(policy=day.policy.replace(checkpoint_delay_open_min=40.0))
    assert checkpoint_delays(custom).open_min == 40.0
