"""Tests for bench.peers: what the PyVRP / VROOM adapters accept, and their routes re-timed."""

from __future__ import annotations

import dataclasses

import pytest

from bench.instances import read_li_lim_instance, read_solomon_instance
from bench.peers import UnsupportedProblemError, depot_loaded, solve_pyvrp, solve_vroom
from routing.vrp.checker import assert_feasible
from routing.vrp.problem import Problem, SolveParams
from tests.paths import DATA
from tests.pdptw_cases import bus, job, line_problem, two_jobs_one_bus

BENCH_DATA = DATA / "bench"
QUICK = SolveParams(time_limit_s=0.5)


def test_depot_loaded_tells_vrptw_from_pdptw() -> None:
    """Solomon customers are loaded at the depot; Li & Lim tasks are not."""
    assert depot_loaded(read_solomon_instance(BENCH_DATA / "line4.txt").problem)
    assert not depot_loaded(read_li_lim_instance(BENCH_DATA / "line6.txt").problem)


def _ride_limited() -> Problem:
    return two_jobs_one_bus(max_ride_s=600)


def _restricted() -> Problem:
    return line_problem(
        [0, 10, 20],
        [job("a", 1, 2, 1, vehicles=frozenset({"bus2"}))],
        [bus("bus1"), bus("bus2", max_onboard_jobs=1)],
    )


def _hourly() -> Problem:
    problem = two_jobs_one_bus()
    vehicles = tuple(dataclasses.replace(v, cost_per_hour=50.0) for v in problem.vehicles)
    return dataclasses.replace(problem, vehicles=vehicles)


@pytest.mark.parametrize("solve", [solve_pyvrp, solve_vroom])
@pytest.mark.parametrize(
    ("make", "match"),
    [
        (_ride_limited, "ride-time limits"),
        (_restricted, "allowed-vehicle lists, on-board limits"),
        (_hourly, "per-hour costs"),
    ],
)
def test_unsupported_features_are_named(solve: object, make: object, match: str) -> None:
    """A feature the adapter cannot model is refused by name, before any peer is called."""
    assert callable(solve) and callable(make)
    with pytest.raises(UnsupportedProblemError, match=match):
        solve(make(), QUICK)


@pytest.mark.parametrize("peer", ["pyvrp", "vroom"])
def test_peer_routes_pass_the_checker(peer: str) -> None:
    """Both jobs of the two-job case served on one bus; the re-timed route is checker-clean."""
    pytest.importorskip(peer)
    problem = two_jobs_one_bus()
    solve = solve_pyvrp if peer == "pyvrp" else solve_vroom
    solution = solve(problem, QUICK)
    evaluation = assert_feasible(problem, solution)
    assert (evaluation.served, evaluation.vehicles_used, evaluation.distance_m) == (2, 1, 80_000)
