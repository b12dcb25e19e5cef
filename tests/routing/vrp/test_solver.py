"""routing.vrp.solver: the front door chooses the backend from the problem's features, records
it with the reason, and every backend stops at its time limit and says so."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from routing.vrp import Backend, Problem, SolveParams, choose_backend, solve
from routing.vrp.problem import TimeWindow
from tests.pdptw_cases import bus, job, line_problem, two_jobs_one_bus


def many_jobs(count: int, *, seed: int = 3, **job_options: object) -> Problem:
    """``count`` one-seat jobs between random points of a 60 km line, windows over the day,
    eight 10-seat buses at km 0: more work than a tiny time limit allows."""
    rng = np.random.default_rng(seed)
    xs = [0, *sorted(rng.integers(1, 60, size=24).tolist())]
    jobs = []
    for k in range(count):
        a, b = (int(x) for x in rng.choice(np.arange(1, len(xs)), size=2, replace=False))
        start = int(rng.integers(6, 20)) * 3600
        jobs.append(
            job(f"j{k}", a, b, 1, pickup_window=TimeWindow(start, start + 3600), **job_options)
        )
    return line_problem(xs, jobs, [bus(f"b{v}", 10) for v in range(8)])


def one_at_a_time(problem: Problem) -> Problem:
    """Every vehicle carries one job at a time."""
    vehicles = tuple(dataclasses.replace(v, max_onboard_jobs=1) for v in problem.vehicles)
    return dataclasses.replace(problem, vehicles=vehicles)


def boarding_at_shared_stops(problem: Problem) -> Problem:
    """Every job has its pickup location as board key (pooled trips)."""
    jobs = tuple(dataclasses.replace(j, board_key=f"at{j.pickup}") for j in problem.jobs)
    return dataclasses.replace(problem, jobs=jobs)


def with_ride_limits(problem: Problem) -> Problem:
    """Ride limits (a feature PyVRP does not model)."""
    jobs = tuple(dataclasses.replace(j, max_ride_s=7200) for j in problem.jobs)
    return dataclasses.replace(problem, jobs=jobs)


CASES = {
    Backend.CHAINS: one_at_a_time,
    Backend.POOLS: boarding_at_shared_stops,
    Backend.PYVRP: lambda p: p,
    Backend.ORTOOLS: with_ride_limits,
}


@pytest.mark.parametrize("backend", list(CASES), ids=str)
def test_the_backend_follows_the_features_and_is_recorded(backend: Backend) -> None:
    """Each kind of problem goes to its backend; the solution names it and the reason."""
    problem = CASES[backend](two_jobs_one_bus())
    choice = choose_backend(problem, SolveParams())
    assert choice.backend is backend and choice.reason
    solution = solve(problem, SolveParams(time_limit_s=5, effort=50))
    assert (solution.backend, solution.backend_reason) == (backend.value, choice.reason)


def test_big_problems_for_ortools_go_in_time_slices() -> None:
    """More jobs than ``slice_jobs`` on OR-Tools: time slices, said in the reason."""
    problem = with_ride_limits(many_jobs(12))
    choice = choose_backend(problem, SolveParams(slice_jobs=5))
    assert choice.backend is Backend.ORTOOLS_SLICES and "12 jobs > 5" in choice.reason


def test_nothing_to_plan_needs_no_backend() -> None:
    """No jobs: backend ``none``, an empty solution."""
    problem = dataclasses.replace(two_jobs_one_bus(), jobs=())
    assert choose_backend(problem, SolveParams()).backend is Backend.NONE
    assert solve(problem).routes == ()


@pytest.mark.parametrize(
    ("backend", "params"),
    [
        (Backend.CHAINS, SolveParams(time_limit_s=0.05)),
        (Backend.POOLS, SolveParams(time_limit_s=0.05)),
        (Backend.PYVRP, SolveParams(time_limit_s=0.05)),
        (Backend.ORTOOLS, SolveParams(time_limit_s=0.05, slice_jobs=1000)),
        (Backend.ORTOOLS_SLICES, SolveParams(time_limit_s=0.05, slice_jobs=40)),
    ],
    ids=str,
)
def test_every_backend_stops_at_a_tiny_time_limit_and_says_so(
    backend: Backend, params: SolveParams
) -> None:
    """300 jobs and 50 ms: the search stops at its limit (the status says so) and still
    accounts for every job, served or unassigned."""
    make = CASES.get(backend, with_ride_limits)
    problem = make(many_jobs(300))
    solution = solve(problem, params)
    assert solution.backend == backend.value
    assert "time_limit" in solution.status
    served = {s.job_id for r in solution.routes for s in r.stops if s.job_id}
    assert served | set(solution.unassigned) == {j.job_id for j in problem.jobs}
    assert not served & set(solution.unassigned)


def test_jobs_of_a_pooled_trip_share_their_pickup() -> None:
    """Pooled chaining takes board keys shared by jobs of one pickup; a key shared by two
    pickups is not pooled trips (OR-Tools takes it)."""
    problem = boarding_at_shared_stops(two_jobs_one_bus())
    assert choose_backend(problem, SolveParams()).backend is Backend.POOLS
    mixed = dataclasses.replace(
        problem, jobs=tuple(dataclasses.replace(j, board_key="same") for j in problem.jobs)
    )
    assert choose_backend(mixed, SolveParams()).backend is Backend.ORTOOLS


def _rivals(**job_options: object) -> Problem:
    """Two 3-seat jobs picked up at km 10 at 01:00 sharp, one 3-seat bus: one is left out."""
    at = TimeWindow(3600, 3600)
    return line_problem(
        [0, 10, 30],
        [job(k, 1, 2, 3, pickup_window=at, **job_options) for k in ("a", "b")],
        [bus("bus1", 3)],
    )


@pytest.mark.parametrize(
    ("backend", "problem", "left_out"),
    [
        (Backend.ORTOOLS, with_ride_limits(two_jobs_one_bus()), False),
        (Backend.ORTOOLS, with_ride_limits(_rivals()), True),
        (Backend.PYVRP, two_jobs_one_bus(), False),
        (Backend.PYVRP, _rivals(), True),
    ],
    ids=["ortools-all-served", "ortools-left-out", "pyvrp-all-served", "pyvrp-left-out"],
)
def test_the_repair_time_is_kept_only_once_a_job_is_left_out(
    backend: Backend, problem: Problem, left_out: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OR-Tools and PyVRP backends search to the time limit when they serve every job
    (nothing to repair); once one is left out they keep the repair's share for it."""
    from routing.vrp.budget import Budget
    from routing.vrp.solver import REPAIR_SHARE

    kept: list[float] = []
    reserve = Budget.reserve

    def recording(budget: Budget, seconds: float) -> None:
        kept.append(seconds)
        reserve(budget, seconds)

    monkeypatch.setattr(Budget, "reserve", recording)
    params = SolveParams(time_limit_s=10, effort=50)
    solution = solve(problem, params)
    assert solution.backend == backend.value
    assert bool(solution.unassigned) is left_out
    assert (REPAIR_SHARE * params.time_limit_s in kept) is left_out
