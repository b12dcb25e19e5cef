"""Tests for bench.plain_ortools: the plain OR-Tools baseline gives checker-clean plans."""

from __future__ import annotations

import dataclasses

import pytest

from bench.plain_ortools import is_depot_loaded, solve_plain
from routing.errors import SolverError
from routing.vrp.checker import assert_feasible
from routing.vrp.problem import Problem, SolveParams, StopKind, TimeWindow
from tests.pdptw_cases import DAY, bus, job, line_problem, two_jobs_one_bus

QUICK = SolveParams(time_limit_s=0.5)


def _per_km(problem: Problem) -> Problem:
    """The problem with every vehicle costing 1 per km (so shorter routes are better)."""
    vehicles = tuple(dataclasses.replace(v, cost_per_km=1.0) for v in problem.vehicles)
    return dataclasses.replace(problem, vehicles=vehicles)


def test_two_jobs_share_the_bus_and_pass_the_checker() -> None:
    """a (4) and b (5) fit the 10-seat bus together: one route, 80 km, nothing dropped."""
    problem = _per_km(two_jobs_one_bus())
    solution = solve_plain(problem, QUICK)
    evaluation = assert_feasible(problem, solution)
    assert (evaluation.vehicles_used, evaluation.served, solution.unassigned) == (1, 2, ())
    assert evaluation.distance_m == 80_000


def test_ride_limit_forbids_waiting_on_board() -> None:
    """a (L1→L3) boards by minute 15, b (L2→L4) from minute 100. Sharing the ride (80 km)
    would keep a on board ~95 min; with a 30-minute ride limit a is delivered first (100 km).
    """
    problem = line_problem(
        [0, 10, 20, 30, 40],
        [
            job("a", 1, 3, 4, max_ride_s=30 * 60, pickup_window=TimeWindow(0, 15 * 60)),
            job("b", 2, 4, 5, pickup_window=TimeWindow(100 * 60, DAY.end)),
        ],
        [bus("bus1", 10, cost_per_km=1.0)],
    )
    solution = solve_plain(problem, QUICK)
    evaluation = assert_feasible(problem, solution)
    kinds = [(s.kind, s.job_id) for s in solution.routes[0].stops[1:-1]]
    assert kinds == [
        (StopKind.PICKUP, "a"),
        (StopKind.DELIVERY, "a"),
        (StopKind.PICKUP, "b"),
        (StopKind.DELIVERY, "b"),
    ]
    assert evaluation.distance_m == 100_000


def test_impossible_job_is_dropped_not_fatal() -> None:
    """b's delivery window closes before its pickup can be reached: b unassigned, a served."""
    problem = line_problem(
        [0, 10, 20, 30, 40],
        [job("a", 1, 3, 4), job("b", 2, 4, 5, delivery_window=TimeWindow(0, 60))],
        [bus("bus1", 10)],
    )
    solution = solve_plain(problem, QUICK)
    assert_feasible(problem, solution)
    assert solution.unassigned == ("b",)


def test_allowed_vehicles_and_onboard_limit_are_kept() -> None:
    """Only bus2 may take a; bus2 carries one job at a time."""
    problem = line_problem(
        [0, 10, 20, 30, 40],
        [job("a", 1, 3, 1, vehicles=frozenset({"bus2"})), job("b", 2, 4, 1)],
        [bus("bus1", 10), bus("bus2", 10, max_onboard_jobs=1)],
        vehicle_weight=1_000_000,
    )
    solution = solve_plain(problem, QUICK)
    assert_feasible(problem, solution)
    owner = {s.job_id: r.vehicle_id for r in solution.routes for s in r.stops if s.job_id}
    assert owner["a"] == "bus2"


def test_depot_loaded_problem_is_a_vrptw() -> None:
    """Jobs loaded at the depot over the whole shift: customers only, still checker-clean."""
    problem = line_problem(
        [0, 10, 20, 30],
        [job("a", 0, 1, 3), job("b", 0, 2, 3), job("c", 0, 3, 3)],
        [bus("bus1", 6), bus("bus2", 6)],
        vehicle_weight=1_000_000,
    )
    assert is_depot_loaded(problem)
    assert not is_depot_loaded(two_jobs_one_bus())
    solution = solve_plain(problem, QUICK)
    evaluation = assert_feasible(problem, solution)
    assert evaluation.vehicles_used == 2
    assert all(r.stops[1].kind is StopKind.PICKUP for r in solution.routes)


def test_board_keys_are_refused() -> None:
    """The baseline does not model board keys and says so."""
    problem = two_jobs_one_bus()
    a, b = problem.jobs
    jobs = (dataclasses.replace(a, board_key="s1"), dataclasses.replace(b, board_key="s2"))
    keyed = dataclasses.replace(problem, jobs=jobs)
    with pytest.raises(SolverError, match="does not model board keys"):
        solve_plain(keyed, QUICK)
