"""routing.vrp.decompose: slicing jobs by time and carrying vehicles over between slices."""

from __future__ import annotations

import numpy as np

from routing.vrp.backends.ortools import solve_ortools
from routing.vrp.checker import check
from routing.vrp.decompose import slices, solve_in_slices
from routing.vrp.problem import Job, Matrix, Problem, SolveParams, TimeWindow, VehicleSpec


def line_problem(jobs: int, *, vehicles: int = 2) -> Problem:
    """Depot 0, station 1, factory 2 on a line (10 min apart); ``jobs`` trips station →
    factory an hour apart from 06:00; vehicles with a 10-hour shift limit."""
    minutes = np.array([[0, 10, 20], [10, 0, 10], [20, 10, 0]])
    matrix = Matrix(minutes * 60, minutes * 1000, np.ones((3, 3), bool))
    day = TimeWindow(0, 24 * 3600)
    trips = tuple(
        Job(
            f"j{k}",
            1,
            2,
            (5,),
            TimeWindow((6 + k) * 3600, (6 + k) * 3600 + 600),
            day,
            pickup_service_s=300,
            delivery_service_s=300,
        )
        for k in range(jobs)
    )
    fleet = tuple(
        VehicleSpec(f"V{v}", 0, 0, (10,), day, max_shift_s=10 * 3600, fixed_cost=100)
        for v in range(vehicles)
    )
    return Problem(
        {"bus": matrix}, trips, fleet, ("depot", "station", "factory"), vehicle_weight=1000
    )


def test_slices_are_balanced_and_in_time_order() -> None:
    """Seven jobs in slices of three: sizes 3, 2, 2 (balanced), earliest windows first."""
    problem = line_problem(7)
    parts = slices(tuple(reversed(problem.jobs)), 3)
    assert [len(p) for p in parts] == [3, 2, 2]
    assert [j.job_id for p in parts for j in p] == [f"j{k}" for k in range(7)]


def test_a_vehicle_carries_over_between_slices() -> None:
    """Four hourly trips in slices of one: one vehicle serves them all (fresh vehicles cost
    the vehicle weight), and the joined route keeps every rule."""
    problem = line_problem(4)
    solution = solve_in_slices(
        problem, SolveParams(time_limit_s=5, effort=50), solve_slice=solve_ortools, slice_jobs=1
    )
    assert solution.unassigned == ()
    assert len(solution.routes) == 1
    assert check(problem, solution) == []
    assert solution.status.count("slices:") == 1 and solution.status.count(",") == 3


def test_the_shift_limit_holds_across_slices() -> None:
    """Twelve hourly trips from 06:00 cannot fit one 10-hour shift: a second vehicle takes
    the late ones, and the joined routes keep the limit."""
    problem = line_problem(12)
    solution = solve_in_slices(
        problem, SolveParams(time_limit_s=5, effort=50), solve_slice=solve_ortools, slice_jobs=2
    )
    assert solution.unassigned == ()
    assert len(solution.routes) == 2
    assert check(problem, solution) == []
    assert all(r.duration_s <= 10 * 3600 for r in solution.routes)
