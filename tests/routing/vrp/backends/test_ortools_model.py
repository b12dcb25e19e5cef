"""Tests for routing.vrp.backends.ortools_model: the settings of the iterated local search."""

from __future__ import annotations

import dataclasses

import pytest

from routing.vrp.backends.ortools_model import RIDE_LIMITED, RUIN_RECREATE, Model, ModelJob
from routing.vrp.checker import assert_feasible
from routing.vrp.problem import Problem, SolveParams, TimeWindow
from tests.pdptw_cases import bus, job, line_problem


def _model(problem: Problem) -> Model:
    everyone = tuple(range(len(problem.vehicles)))
    return Model(problem, [ModelJob(j, everyone) for j in problem.jobs])


def _riders(max_ride_s: int | None) -> Problem:
    """Six riders between km 0 and km 50 on a line, two buses at km 0, 1 unit per km."""
    xs = [0, 10, 20, 30, 40, 50]
    trips = [(1, 4), (2, 5), (3, 1), (5, 2), (4, 3), (1, 5)]
    return line_problem(
        xs,
        [
            job(f"r{k}", p, d, max_ride_s=max_ride_s, pickup_service_s=60)
            for k, (p, d) in enumerate(trips)
        ],
        [
            bus(f"bus{k}", 4, cost_per_km=1.0, shift=TimeWindow(6 * 3600, 14 * 3600))
            for k in range(2)
        ],
    )


@pytest.mark.parametrize(("max_ride_s", "expected"), [(None, RUIN_RECREATE), (1800, RIDE_LIMITED)])
def test_ride_limits_choose_the_hotter_acceptance(max_ride_s: int | None, expected: object) -> None:
    """Only a model with a ride-limited job searches with the ride-limited settings."""
    assert _model(_riders(max_ride_s)).ruin_recreate is expected


def test_vehicle_weight_keeps_the_default_share_with_the_hotter_acceptance() -> None:
    """Fewest vehicles first: the ride-limited temperatures, but half the budget (the fleet
    reduction after the phase needs the rest)."""
    problem = dataclasses.replace(_riders(1800), vehicle_weight=1000)
    settings = _model(problem).ruin_recreate
    assert (settings.temperatures, settings.share) == (RIDE_LIMITED.temperatures, 0.5)


def test_ride_limited_settings_differ_in_temperatures_and_share_only() -> None:
    """OR-Tools' automatic temperatures: 0.1 and 0.001 mean arc costs; ride limits: 1, 0.01,
    and three quarters of the budget where others get half."""
    assert (RUIN_RECREATE.temperatures, RUIN_RECREATE.share) == (None, 0.5)
    assert (RIDE_LIMITED.temperatures, RIDE_LIMITED.share) == ((1.0, 0.01), 0.75)
    assert dataclasses.replace(RIDE_LIMITED, temperatures=None, share=0.5) == RUIN_RECREATE


def test_mean_arc_cost_is_the_mean_between_distinct_nodes() -> None:
    """Depot km 0, pickup km 10, delivery km 30: arcs of 10, 30 and 20 km each way, mean 20 km."""
    problem = line_problem([0, 10, 30], [job("a", 1, 2)], [bus("bus1", cost_per_km=1.0)])
    model = _model(problem)
    assert model.mean_arc_cost == pytest.approx(20 * model.scale)


def test_mean_arc_cost_skips_unreachable_arcs() -> None:
    """Without the 30 km arc from the delivery back to the depot the mean is (10+30+10+20+20)/5."""
    problem = line_problem(
        [0, 10, 30], [job("a", 1, 2)], [bus("bus1", cost_per_km=1.0)], unreachable=[(2, 0)]
    )
    model = _model(problem)
    assert model.mean_arc_cost == pytest.approx(18 * model.scale)


def test_ride_limited_search_is_deterministic_and_feasible() -> None:
    """Same problem, seed and effort: the same plan with the ride-limited acceptance, and every
    ride within its limit (the checker)."""
    from routing.vrp import solve

    problem = _riders(45 * 60)
    params = SolveParams(time_limit_s=30, effort=300, seed=5)
    first, second = solve(problem, params), solve(problem, params)
    assert_feasible(problem, first)
    assert first.unassigned == ()
    assert dataclasses.replace(first, wall_time_s=0) == dataclasses.replace(second, wall_time_s=0)


@pytest.mark.parametrize(
    ("max_ride_s", "vehicle_weight", "left"),
    [(None, 0, 200), (60 * 60, 0, 100), (60 * 60, 1000, 200), (None, 1000, 200)],
)
def test_first_phase_spends_its_share_of_the_effort(
    max_ride_s: int | None, vehicle_weight: int, left: int
) -> None:
    """The iterated local search takes half of an effort budget, three quarters under ride
    limits without a vehicle weight (no fleet reduction after it); the rest stays for the
    phases after it."""
    from routing.vrp.backends.ortools import _first_phase
    from routing.vrp.budget import Budget

    problem = dataclasses.replace(_riders(max_ride_s), vehicle_weight=vehicle_weight)
    everyone = tuple(range(len(problem.vehicles)))
    jobs = [ModelJob(j, everyone) for j in problem.jobs]
    params = SolveParams(time_limit_s=30, effort=400)
    budget = Budget.of(params)
    first = _first_phase(problem, jobs, params, budget)
    assert budget.effort == left
    assert len(first.served) == len(problem.jobs)
