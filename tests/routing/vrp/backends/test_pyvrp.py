"""Tests for routing.vrp.backends.pyvrp (the PyVRP backend) and its choice in
routing.vrp.solver."""

from __future__ import annotations

import dataclasses

import pytest

from routing.vrp import ReasonCode, explain, solve
from routing.vrp.backends.pyvrp import fewest_vehicles, solve_pyvrp
from routing.vrp.budget import Budget
from routing.vrp.checker import assert_feasible
from routing.vrp.features import pyvrp_supports as supports
from routing.vrp.features import pyvrp_unsupported as unsupported_features
from routing.vrp.problem import (
    FirstSolution,
    Problem,
    Solution,
    SolveParams,
    StopKind,
    TimeWindow,
)
from tests.pdptw_cases import bus, job, line_matrix, line_problem

FAST = SolveParams(time_limit_s=10, effort=100)


def _solve(problem: Problem, params: SolveParams = FAST) -> Solution:
    solution = solve_pyvrp(problem, params)
    assert_feasible(problem, solution)
    return solution


def pooling_pair() -> Problem:
    """Two jobs from km 10 to km 30 (3 seats each); one 10-seat bus at km 0, 1 unit per km.

    Carrying both at once drives 60 km; one after the other 100 km.
    """
    return line_problem(
        [0, 10, 30],
        [job("a", 1, 2, 3), job("b", 1, 2, 3)],
        [bus("bus1", 10, cost_per_km=1.0)],
    )


def chainable_pair() -> Problem:
    """Two 6-seat jobs, km 10 -> 20 in the morning and km 20 -> 10 later; two 10-seat buses.

    One bus can do both (depot 0 -> 10 -> 20 -> 10 -> 0, 40 km); with a vehicle weight that
    is the best plan. Two buses would drive 40 km each.
    """
    morning = TimeWindow(8 * 3600, 9 * 3600)
    noon = TimeWindow(12 * 3600, 13 * 3600)
    return line_problem(
        [0, 10, 20],
        [job("am", 1, 2, 6, pickup_window=morning), job("pm", 2, 1, 6, pickup_window=noon)],
        [bus("bus1", 10, cost_per_km=1.0), bus("bus2", 10, cost_per_km=1.0)],
        vehicle_weight=1000,
    )


def test_pools_a_pair_on_one_route() -> None:
    """Both jobs ride together: 60 km at 1 unit per km, checker-feasible."""
    solution = _solve(pooling_pair())
    assert solution.unassigned == ()
    assert [r.distance_m for r in solution.routes] == [60_000]
    assert solution.objective == 60
    assert solution.status.startswith("pyvrp_")


def test_depot_loaded_vrptw_splits_by_capacity() -> None:
    """Three 4-unit customers and 10-unit buses: two routes, everything loaded at departure."""
    problem = line_problem(
        [0, 10, 20, 30],
        [job(f"c{k}", 0, k, 4) for k in (1, 2, 3)],
        [bus("bus1", 10, cost_per_km=1.0), bus("bus2", 10, cost_per_km=1.0)],
        vehicle_weight=1000,
    )
    solution = _solve(problem)
    assert solution.unassigned == ()
    assert len(solution.routes) == 2
    for route in solution.routes:
        pickups = [s for s in route.stops if s.kind is StopKind.PICKUP]
        assert {s.begin_s for s in pickups} == {route.stops[0].departure_s}


@pytest.mark.parametrize(
    ("amounts", "capacities", "loaded", "fewest"),
    [
        ((4, 4, 4), (10, 10), True, 2),  # 12 units, at most 10 per vehicle
        ((4, 4, 4), (10, 20), True, 1),  # the largest vehicle takes all
        ((5, 5, 5, 5), (10,), True, 2),  # exactly full
        ((4, 4, 4), (10, 10), False, 1),  # pickup and delivery: loads leave on the way
    ],
)
def test_fewest_vehicles_is_the_load_over_the_largest_capacity(
    amounts: tuple[int, ...], capacities: tuple[int, ...], loaded: bool, fewest: int
) -> None:
    """A VRPTW needs at least its total load over the largest capacity; a PDPTW at least one."""
    jobs = [job(f"c{k}", 0, 1, a) for k, a in enumerate(amounts)]
    problem = line_problem([0, 10], jobs, [bus(f"b{k}", c) for k, c in enumerate(capacities)])
    assert fewest_vehicles(problem, problem.jobs, loaded=loaded) == fewest


def test_one_vehicle_when_one_suffices() -> None:
    """The vehicle weight makes one bus chain both jobs instead of two buses."""
    solution = _solve(chainable_pair())
    assert solution.unassigned == ()
    assert len(solution.routes) == 1
    assert solution.routes[0].distance_m == 40_000


def test_fleet_reduction_merges_two_routes() -> None:
    """Given a plan with each job on its own bus, the reduction phase finds the one-bus plan."""
    import pyvrp

    from routing.vrp.backends import pyvrp as backend

    problem = chainable_pair()
    params = SolveParams(time_limit_s=10, effort=50)
    model = backend._model(problem, problem.jobs, required=True)
    two = pyvrp.Solution(
        model.data,
        [
            pyvrp.Route(
                model.data,
                [
                    pyvrp.Activity(pyvrp.ActivityType.PICKUP, k),
                    pyvrp.Activity(pyvrp.ActivityType.DELIVERY, k),
                ],
                0,
            )
            for k in range(2)
        ],
    )
    plan = backend._plan(problem, model, two)
    assert plan.used == 2
    budget = Budget.of(params, steps_per_effort=backend.ITERATIONS_PER_EFFORT)
    reduced = backend._reduce_fleet(problem, model, params, budget, plan)
    assert reduced.used == 1
    assert reduced.served == {"am", "pm"}


def test_polish_straightens_a_zigzag_route() -> None:
    """From one bus visiting six customers on a line back and forth, the polish (record-to-record
    travel, an effort budget) finds the straight 120 km route, the same one for the same seed."""
    import pyvrp

    from routing.vrp.backends import pyvrp as backend

    problem = line_problem(
        [0, 10, 20, 30, 40, 50, 60],
        [job(f"c{k}", 0, k, 1) for k in range(1, 7)],
        [bus("bus1", 10, cost_per_km=1.0)],
    )
    model = backend._model(problem, problem.jobs, required=True)
    zigzag = [2, 0, 4, 1, 5, 3]  # km 30, 10, 50, 20, 60, 40
    visits = [pyvrp.Activity(pyvrp.ActivityType.CLIENT, k) for k in zigzag]
    initial = pyvrp.Solution(model.data, [pyvrp.Route(model.data, visits, 0)])
    assert initial.distance() == 220_000

    def polish() -> int:
        budget = Budget(10.0, 20 * backend.ITERATIONS_PER_EFFORT)
        best = backend._record_to_record(model.data, initial, budget, seed=1)
        assert best.is_feasible()
        return int(best.distance())

    assert polish() == 120_000
    assert polish() == 120_000


def test_unservable_job_comes_back_unassigned_with_reason() -> None:
    """A 12-seat job for 10-seat buses is unassigned and explained; the other one is served."""
    problem = line_problem(
        [0, 10, 30],
        [job("small", 1, 2, 3), job("big", 1, 2, 12)],
        [bus("bus1", 10, cost_per_km=1.0)],
    )
    solution = _solve(problem)
    assert solution.unassigned == ("big",)
    assert solution.objective == 60 + problem.drop_penalty
    reasons = explain(problem, solution)
    assert reasons["big"].code is ReasonCode.NO_VEHICLE_LARGE_ENOUGH


def test_fleet_too_small_leaves_one_job_out() -> None:
    """Two jobs at the same time in opposite directions and one bus: one is served, one is not.

    Each job alone fits the bus, so both enter the model; the first search cannot serve both
    and the prize-collecting run leaves one out.
    """
    at_eight = TimeWindow(8 * 3600, 8 * 3600 + 600)
    problem = line_problem(
        [0, 50, 100],
        [
            job("east", 0, 2, 5, pickup_window=at_eight),
            job("west", 2, 0, 5, pickup_window=at_eight),
        ],
        [bus("bus1", 10, depot=1, cost_per_km=1.0)],
    )
    solution = _solve(problem)
    assert len(solution.unassigned) == 1
    assert len(solution.routes) == 1
    reasons = explain(problem, solution)
    assert reasons[solution.unassigned[0]].code is ReasonCode.FLEET_EXHAUSTED


def test_same_seed_same_solution() -> None:
    """The same seed and effort give the same routes (apart from the wall time)."""
    problem = dataclasses.replace(chainable_pair(), vehicle_weight=0)
    params = SolveParams(time_limit_s=10, effort=50, seed=4)
    first, second = _solve(problem, params), _solve(problem, params)
    assert dataclasses.replace(first, wall_time_s=0) == dataclasses.replace(second, wall_time_s=0)


@pytest.mark.parametrize(
    ("change", "feature"),
    [
        ({"board_key": "S1"}, "board keys"),
        ({"max_ride_s": 3600}, "ride-time limits"),
        ({"vehicles": frozenset({"bus1"})}, "allowed-vehicle lists"),
    ],
)
def test_job_features_go_to_ortools(change: dict[str, object], feature: str) -> None:
    """A job feature PyVRP lacks keeps the problem on OR-Tools, whose answer is still right."""
    base = pooling_pair()
    problem = dataclasses.replace(
        base,
        jobs=tuple(dataclasses.replace(j, **change) for j in base.jobs),  # type: ignore[arg-type]
    )
    assert feature in unsupported_features(problem)
    assert not supports(problem)
    solution = solve(problem, FAST)
    assert_feasible(problem, solution)
    assert not solution.status.startswith("pyvrp")


@pytest.mark.parametrize(
    ("change", "feature"),
    [
        ({"max_onboard_jobs": 1}, "on-board limits"),
        ({"max_shift_s": 4 * 3600}, "shift-length limits"),
        ({"cost_per_hour": 50.0}, "per-hour costs"),
        ({"profile": "truck"}, "several vehicle profiles"),
    ],
)
def test_vehicle_features_are_named(change: dict[str, object], feature: str) -> None:
    """Each vehicle feature PyVRP lacks is named by ``unsupported_features``."""
    base = pooling_pair()
    extra = dataclasses.replace(base.vehicles[0], vehicle_id="bus2", **change)  # type: ignore[arg-type]
    matrices = dict(base.matrices)
    matrices["truck"] = line_matrix([0, 10, 30])
    problem = dataclasses.replace(base, vehicles=(*base.vehicles, extra), matrices=matrices)
    assert feature in unsupported_features(problem)
    assert not supports(problem)


def test_plain_problem_goes_to_pyvrp_unless_ortools_strategy_asked() -> None:
    """``solve`` hands a plain problem to PyVRP, but not when OR-Tools strategies are named."""
    problem = pooling_pair()
    assert unsupported_features(problem) == ()
    assert solve(problem, FAST).status.startswith("pyvrp_")
    ortools = dataclasses.replace(FAST, first_solution=FirstSolution.SAVINGS)
    assert not supports(problem, ortools)
    assert not solve(problem, ortools).status.startswith("pyvrp")


def test_unreachable_arc_goes_to_ortools() -> None:
    """A matrix with an arc without a route is not PyVRP's."""
    problem = line_problem(
        [0, 10, 30], [job("a", 1, 2, 3)], [bus("bus1", 10)], unreachable=[(2, 1)]
    )
    assert "unreachable arcs" in unsupported_features(problem)


def test_no_servable_jobs() -> None:
    """When no job fits any vehicle nothing is planned and nothing is lost."""
    problem = line_problem([0, 10], [job("a", 0, 1, 20)], [bus("bus1", 10)])
    solution = solve_pyvrp(problem, FAST)
    assert solution.routes == ()
    assert solution.unassigned == ("a",)
    assert solution.status == "no_servable_jobs"
